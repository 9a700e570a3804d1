"""Mask (inference/estimations/mask.py): the MobileNetV2 classifier (`mobilenet_v2_mask`) on registry-fetched photos
(tests/photos.py) and on the same photos with a synthetic surgical mask painted over nose and mouth, through
LocalTransport. (The test through the real Triton is in test_estimations_emotions.py: one server for both.)"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest
from PIL import Image, ImageDraw

from inference.alignment import crop_to_image_transform
from inference.analysis import FaceAnalyser
from inference.estimations.mask import (
    MASK_CHIP_SIZE,
    MASK_CROP_OFFSET,
    MASK_CROP_SCALE,
    MASK_STATES,
    MaskEstimation,
    MaskEstimator,
    aggregate,
    mask_chips,
    mask_from_probabilities,
)
from inference.image import decode_image
from inference.models import MOBILENET_MASK
from inference.transport import LocalTransport
from inference.types import FaceDetection
from tests import photos

PORTRAITS = ("obama.jpg", "obama2.jpg", "obama3.jpg", "biden.jpg")
#: name -> (image, its single detection), from the `portraits` fixture.
Portraits = dict[str, tuple[np.ndarray, FaceDetection]]
SURGICAL_BLUE = (160, 200, 230)


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


def paint(image: np.ndarray, landmarks: np.ndarray, region: str) -> np.ndarray:
    """A light-blue pleated quadrilateral: over nose and mouth down to the chin ("lower", a surgical mask) or over
    the forehead ("forehead", the same patch where no mask goes)."""
    left_eye, right_eye, nose, mouth_left, mouth_right = np.asarray(landmarks, dtype=np.float64)
    eye = float(np.linalg.norm(right_eye - left_eye))
    if region == "lower":
        top, bottom = nose[1] - 0.25 * eye, max(mouth_left[1], mouth_right[1]) + 0.75 * eye
    else:
        top, bottom = left_eye[1] - 1.3 * eye, left_eye[1] - 0.35 * eye
    left, right = left_eye[0] - 0.5 * eye, right_eye[0] + 0.5 * eye
    pil = Image.fromarray(image)
    draw = ImageDraw.Draw(pil)
    draw.polygon(
        [(left, top), (right, top), (right - 0.15 * eye, bottom), (left + 0.15 * eye, bottom)], fill=SURGICAL_BLUE
    )
    for k in (1, 2, 3):
        y = top + (bottom - top) * k / 4
        draw.line([(left + 0.05 * eye, y), (right - 0.05 * eye, y)], fill=(130, 170, 200), width=max(1, int(eye / 25)))
    return np.asarray(pil)


def test_v6_names() -> None:
    assert MASK_STATES == ("medical_mask", "missing", "occluded")


def test_model_outputs_probabilities(transport: LocalTransport) -> None:
    chips = np.random.default_rng(3).integers(0, 256, (3, MASK_CHIP_SIZE, MASK_CHIP_SIZE, 3), dtype=np.uint8)
    probabilities = transport.infer(MOBILENET_MASK, {"chip": chips})["probabilities"]
    assert probabilities.shape == (3, 2) and probabilities.dtype == np.float32
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, atol=1e-5)


def test_bare_faces_are_missing(transport: LocalTransport, portraits: Portraits) -> None:
    estimator = MaskEstimator(transport)
    for name, (image, detection) in portraits.items():
        (result,) = estimator.estimate(image, [detection])
        assert result.predominant_mask == "missing", name
        assert result.medical_mask < 0.5, name
        assert result.occluded == 0.0
        assert result.medical_mask + result.missing == pytest.approx(1.0)


def test_synthetic_mask_moves_towards_medical_mask(transport: LocalTransport, portraits: Portraits) -> None:
    estimator = MaskEstimator(transport)
    masked_count = 0
    for name, (image, detection) in portraits.items():
        (bare,) = estimator.estimate(image, [detection])
        (masked,) = estimator.estimate(paint(image, detection.landmarks, "lower"), [detection])
        assert masked.medical_mask > bare.medical_mask + 0.2, name
        masked_count += masked.predominant_mask == "medical_mask"
    assert masked_count >= 3


def test_same_patch_on_the_forehead_is_not_a_mask(transport: LocalTransport, portraits: Portraits) -> None:
    """Specificity: the network reacts to the lower face being covered, not to any light-blue patch. (On obama3.jpg,
    whose bare face already scores 0.1-0.35, the forehead patch brings it close to 0.5: the network is fragile.)"""
    estimator = MaskEstimator(transport)
    missing_count = 0
    for name, (image, detection) in portraits.items():
        (painted,) = estimator.estimate(paint(image, detection.landmarks, "forehead"), [detection])
        (masked,) = estimator.estimate(paint(image, detection.landmarks, "lower"), [detection])
        assert masked.medical_mask > painted.medical_mask + 0.25, name
        missing_count += painted.predominant_mask == "missing"
    assert missing_count >= 3


def test_crop_geometry(portraits: Portraits) -> None:
    """The mask crop is the package's stretched SSD box: eyes at 40% of the height and 43% of the width apart."""
    _, detection = portraits["biden.jpg"]
    landmarks = detection.landmarks.astype(np.float64)
    matrix = crop_to_image_transform(landmarks, MASK_CHIP_SIZE, MASK_CROP_SCALE, MASK_CROP_OFFSET)
    inverse = np.linalg.inv(np.vstack([matrix, [0, 0, 1]]))[:2]
    relative = (landmarks @ inverse[:, :2].T + inverse[:, 2]) / MASK_CHIP_SIZE
    assert relative[:2, 1].mean() == pytest.approx(0.40, abs=0.04)
    assert relative[3:, 1].mean() == pytest.approx(0.735, abs=0.04)
    assert relative[1, 0] - relative[0, 0] == pytest.approx(0.43, abs=0.05)
    assert relative[:, 0].mean() == pytest.approx(0.5, abs=0.05)


def test_chips_and_batching(transport: LocalTransport, portraits: Portraits) -> None:
    image, detection = portraits["obama.jpg"]
    masked = paint(image, detection.landmarks, "lower")
    chips = np.concatenate([mask_chips(image, [detection.landmarks]), mask_chips(masked, [detection.landmarks])])
    assert chips.shape == (2, MASK_CHIP_SIZE, MASK_CHIP_SIZE, 3) and chips.dtype == np.uint8
    estimator = MaskEstimator(transport)
    both = estimator.estimate_chips(chips)
    one = estimator.estimate_chips(chips[1:])
    assert both[1].medical_mask == pytest.approx(one[0].medical_mask, abs=1e-5)
    assert estimator.estimate(image, []) == []
    with pytest.raises(ValueError):
        estimator.estimate_chips(np.zeros((1, 64, 64, 3), np.uint8))


def test_v6_shape_codes_and_aggregate() -> None:
    result = mask_from_probabilities(np.array([0.8, 0.2], np.float32))
    assert result.medical_mask == pytest.approx(0.8) and result.missing == pytest.approx(0.2)
    body = result.to_v6()
    assert list(body) == ["predominant_mask", "estimations"]
    assert body["predominant_mask"] == "medical_mask"
    assert list(body["estimations"]) == list(MASK_STATES)
    assert body["estimations"]["occluded"] == 0.0
    assert result.predominant_code == 1
    assert MaskEstimation(0.1, 0.9).predominant_code == 2
    mean = aggregate([result, MaskEstimation(0.1, 0.9)])
    assert mean.medical_mask == pytest.approx(0.45) and mean.missing == pytest.approx(0.55)
    assert mean.predominant_mask == "missing"
    with pytest.raises(ValueError):
        aggregate([])
