"""Ethnicity (inference/estimations/ethnicity.py): the GEAR race classifier (`gear_ethnicity`) through LocalTransport
on registry-fetched photos (tests/photos.py), and the mapping of GEAR's five classes to LUNA's four.

Facts asserted are facts of the photos where the model is robust (MODELS.md, deploy/convert/verify_gear.py): Joe
Biden is white; in dlib's johns/ chips John Salley is African American and the other four Johns are white. Obama's
photos are not asserted: the model calls all three caucasian (MODELS.md)."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest

from inference.analysis import FaceAnalyser
from inference.estimations.attributes import BasicAttributes, BasicAttributesEstimator, aggregate, attribute_chips
from inference.estimations.ethnicity import (
    ETHNICITIES,
    ETHNICITY_CHIP_SIZE,
    ETHNICITY_CODES,
    Ethnicities,
    EthnicityEstimator,
    ethnicity_chips,
    from_probabilities,
)
from inference.estimations.ethnicity import aggregate as aggregate_ethnicities
from inference.image import decode_image
from inference.models import GEAR_ETHNICITY
from inference.transport import LocalTransport
from inference.types import FaceDetection
from tests import photos

PORTRAITS = ("obama.jpg", "obama2.jpg", "obama3.jpg", "biden.jpg")
#: name -> (image, its single detection), from the `portraits` fixture.
Portraits = dict[str, tuple[np.ndarray, FaceDetection]]
JOHNS = {
    "John_Salley": "african_american",
    "John_Savage": "caucasian",
    "John_Schneider": "caucasian",
    "John_Shimkus": "caucasian",
    "John_Simm": "caucasian",
}


@pytest.fixture(scope="module")
def transport() -> Iterator[LocalTransport]:
    local = LocalTransport()
    try:
        yield local
    finally:
        local.close()


@pytest.fixture(scope="module")
def portraits(transport: LocalTransport) -> dict[str, tuple[np.ndarray, FaceDetection]]:
    pipeline = FaceAnalyser(transport)
    out = {}
    for name in PORTRAITS:
        image = decode_image(photos.face_recognition_image(name).read_bytes())
        detections = pipeline.detect(image)
        assert len(detections) == 1, name
        out[name] = (image, detections[0])
    return out


def _check(ethnicities: Ethnicities) -> None:
    assert list(ethnicities.estimations) == list(ETHNICITIES)
    assert sum(ethnicities.estimations.values()) == pytest.approx(1.0, abs=1e-9)
    assert all(0.0 <= p <= 1.0 for p in ethnicities.estimations.values())
    assert ethnicities.predominant_ethnicity == max(ethnicities.estimations, key=ethnicities.estimations.__getitem__)
    assert ethnicities.code == ETHNICITY_CODES[ethnicities.predominant_ethnicity]


def test_model_outputs_five_probabilities(transport: LocalTransport) -> None:
    blocks = np.random.default_rng(3).integers(0, 256, (3, 6, 6, 3), dtype=np.uint8)
    chips = np.ascontiguousarray(blocks.repeat(33, axis=1).repeat(33, axis=2))
    out = transport.infer(GEAR_ETHNICITY, {"chip": chips})["probabilities"]
    assert out.shape == (3, 5) and out.dtype == np.float32
    np.testing.assert_allclose(out.sum(axis=1), 1.0, atol=1e-5)


def test_mapping_drops_other_and_renormalises() -> None:
    # GEAR order: white, black, asian, indian, other.
    (one,) = from_probabilities(np.array([[0.1, 0.5, 0.1, 0.1, 0.2]]))
    assert one.estimations == pytest.approx(
        {"asian": 0.125, "indian": 0.125, "caucasian": 0.125, "african_american": 0.625}
    )
    assert one.other == pytest.approx(0.2) and one.predominant_ethnicity == "african_american" and one.code == 1
    codes = {}
    for index, name in enumerate(("caucasian", "african_american", "asian", "indian")):
        row = np.full((1, 5), 0.01)
        row[0, index] = 0.96
        (estimate,) = from_probabilities(row)
        _check(estimate)
        codes[estimate.predominant_ethnicity] = estimate.code
        assert estimate.predominant_ethnicity == name
    # LUNA's stored codes (spec §5, LP convention).
    assert codes == {"african_american": 1, "indian": 2, "asian": 3, "caucasian": 4}
    (only_other,) = from_probabilities(np.array([[0.0, 0.0, 0.0, 0.0, 1.0]]))
    assert set(only_other.estimations.values()) == {0.25} and only_other.other == 1.0
    with pytest.raises(ValueError):
        from_probabilities(np.zeros((1, 4)))


def test_aggregate_is_the_mean() -> None:
    a = Ethnicities({"asian": 0.1, "indian": 0.1, "caucasian": 0.7, "african_american": 0.1}, 0.0)
    b = Ethnicities({"asian": 0.1, "indian": 0.1, "caucasian": 0.1, "african_american": 0.7}, 0.2)
    combined = aggregate_ethnicities([a, b, b])
    assert combined.estimations["african_american"] == pytest.approx(0.5)
    assert combined.estimations["caucasian"] == pytest.approx(0.3)
    assert combined.predominant_ethnicity == "african_american" and combined.other == pytest.approx(0.4 / 3)
    _check(combined)
    with pytest.raises(ValueError):
        aggregate_ethnicities([])
    with_basic = aggregate([BasicAttributes(30, 30.0, 0.2, 1, 0.9, a), BasicAttributes(40, 40.0, 0.2, 1, 0.9, b)])
    assert with_basic.ethnicities is not None and with_basic.ethnicity == 4  # tie broken in v6's order: caucasian
    assert aggregate([BasicAttributes(30, 30.0, 0.2, 1, 0.9)]).ethnicity is None


def test_portraits(transport: LocalTransport, portraits: Portraits) -> None:
    estimator = EthnicityEstimator(transport)
    results = {}
    for name, (image, detection) in portraits.items():
        (result,) = estimator.estimate(image, [detection])
        _check(result)
        results[name] = result
    # Joe Biden is white: called caucasian with a wide margin (0.98 measured).
    assert results["biden.jpg"].predominant_ethnicity == "caucasian"
    assert results["biden.jpg"].estimations["caucasian"] > 0.8
    # Three photos of one person: one predominant ethnicity (measured: caucasian for all three, MODELS.md).
    assert len({results[n].predominant_ethnicity for n in ("obama.jpg", "obama2.jpg", "obama3.jpg")}) == 1


def test_johns(transport: LocalTransport) -> None:
    johns = photos.johns_chips()
    if johns is None:
        pytest.skip("dlib examples unavailable (Debian libdlib19.1)")
    pipeline = FaceAnalyser(transport)
    estimator = EthnicityEstimator(transport)
    for person, paths in johns.items():
        right = 0
        for path in paths:
            image = decode_image(path.read_bytes())
            detections = pipeline.detect(image)
            assert detections, path
            detection = max(detections, key=lambda d: d.width * d.height)
            (result,) = estimator.estimate(image, [detection])
            _check(result)
            right += result.predominant_ethnicity == JOHNS[person]
        # Measured 11 of 11 for each of the five (MODELS.md); a margin for platform differences.
        assert right >= len(paths) - 2, (person, right)


def test_chips_batching_and_basic_attributes(transport: LocalTransport, portraits: Portraits) -> None:
    estimator = EthnicityEstimator(transport)
    images = [portraits[n] for n in ("obama.jpg", "biden.jpg")]
    chips = np.concatenate([ethnicity_chips(image, [det.landmarks]) for image, det in images])
    assert chips.shape == (2, ETHNICITY_CHIP_SIZE, ETHNICITY_CHIP_SIZE, 3) and chips.dtype == np.uint8
    batched = estimator.estimate_chips(chips)
    single = [estimator.estimate(image, [det])[0] for image, det in images]
    for a, b in zip(batched, single, strict=True):
        for key in ETHNICITIES:
            assert a.estimations[key] == pytest.approx(b.estimations[key], abs=1e-5)
    assert estimator.estimate(images[0][0], []) == []
    assert ethnicity_chips(images[0][0], []).shape == (0, ETHNICITY_CHIP_SIZE, ETHNICITY_CHIP_SIZE, 3)
    with pytest.raises(ValueError):
        estimator.estimate_chips(chips[:, :64, :64])
    # Basic attributes carry the same estimate; without ethnicity chips none is made.
    basic = BasicAttributesEstimator(transport)
    image, detection = images[1]
    (with_ethnicity,) = basic.estimate(image, [detection])
    assert with_ethnicity.ethnicities is not None
    assert with_ethnicity.ethnicities.estimations == pytest.approx(single[1].estimations, abs=1e-5)
    assert with_ethnicity.ethnicity == 4
    age_chips, gender_chips = attribute_chips(image, [detection.landmarks])
    (without,) = basic.estimate_chips(age_chips, gender_chips)
    assert without.ethnicities is None and without.ethnicity is None
    with pytest.raises(ValueError):
        basic.estimate_chips(age_chips, gender_chips, chips)
