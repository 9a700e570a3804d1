"""Emotions (inference/estimations/emotions.py): the FER2013 mini-Xception (`fer_emotions`) on registry-fetched
photos (tests/photos.py), through LocalTransport; one test through the real Triton."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest

from inference.alignment import crop_chip, face_chip
from inference.analysis import FaceAnalyser
from inference.estimations.emotions import (
    EMOTION_CHIP_SIZE,
    EMOTION_CROP_OFFSET,
    EMOTION_CROP_SCALE,
    EMOTIONS,
    EmotionEstimator,
    Emotions,
    aggregate,
    emotion_chips,
)
from inference.image import decode_image
from inference.models import FER_EMOTIONS, MOBILENET_MASK
from inference.transport import LocalTransport
from inference.triton_server import TritonServer
from inference.types import FaceDetection
from tests import photos

PORTRAITS = ("obama.jpg", "obama2.jpg", "obama3.jpg", "biden.jpg")
#: name -> (image, its single detection), from the `portraits` fixture.
Portraits = dict[str, tuple[np.ndarray, FaceDetection]]


@pytest.fixture(scope="module")
def transport() -> Iterator[LocalTransport]:
    local = LocalTransport()
    try:
        yield local
    finally:
        local.close()


@pytest.fixture(scope="module")
def pipeline(transport: LocalTransport) -> FaceAnalyser:
    return FaceAnalyser(transport)


@pytest.fixture(scope="module")
def portraits(pipeline: FaceAnalyser) -> dict[str, tuple[np.ndarray, FaceDetection]]:
    out = {}
    for name in PORTRAITS:
        image = decode_image(photos.face_recognition_image(name).read_bytes())
        detections = pipeline.detect(image)
        assert len(detections) == 1, name
        out[name] = (image, detections[0])
    return out


def test_v6_names_and_order() -> None:
    # LUNA v6 documents the estimations in this order; the network's classes are in the same order.
    assert EMOTIONS == ("anger", "disgust", "fear", "happiness", "sadness", "surprise", "neutral")


def test_model_outputs_probabilities(transport: LocalTransport) -> None:
    chips = np.random.default_rng(3).integers(0, 256, (5, EMOTION_CHIP_SIZE, EMOTION_CHIP_SIZE, 3), dtype=np.uint8)
    probabilities = transport.infer(FER_EMOTIONS, {"chip": chips})["probabilities"]
    assert probabilities.shape == (5, 7) and probabilities.dtype == np.float32
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, atol=1e-5)
    assert (probabilities >= 0).all()


def test_model_sees_grey(transport: LocalTransport) -> None:
    """The graph converts RGB to grey: a colour chip and its grey version (same luminance) agree."""
    rgb = np.random.default_rng(4).integers(0, 256, (2, EMOTION_CHIP_SIZE, EMOTION_CHIP_SIZE, 3), dtype=np.uint8)
    grey = np.rint(rgb.astype(np.float64) @ np.array([0.299, 0.587, 0.114])).astype(np.uint8)
    grey_rgb = np.repeat(grey[..., None], 3, axis=3)
    a = transport.infer(FER_EMOTIONS, {"chip": rgb})["probabilities"]
    b = transport.infer(FER_EMOTIONS, {"chip": grey_rgb})["probabilities"]
    np.testing.assert_allclose(a, b, atol=0.02)


def test_portraits(transport: LocalTransport, portraits: Portraits) -> None:
    estimator = EmotionEstimator(transport)
    results = {name: estimator.estimate(image, [detection])[0] for name, (image, detection) in portraits.items()}
    for result in results.values():
        assert sum(result.probabilities) == pytest.approx(1.0, abs=1e-6)
    # obama.jpg: a broad smile; biden.jpg: a calm official portrait (the package's own pipeline agrees).
    assert results["obama.jpg"].predominant_emotion == "happiness"
    assert results["obama.jpg"].estimations["happiness"] > 0.9
    assert results["biden.jpg"].predominant_emotion == "neutral"
    # None of the four is read as disgust, fear or surprise.
    for result in results.values():
        assert result.predominant_emotion not in ("disgust", "fear", "surprise")


@pytest.mark.parametrize("name", ["obama.jpg", "biden.jpg"])
def test_mirrored_portrait_keeps_its_emotion(
    pipeline: FaceAnalyser, transport: LocalTransport, portraits: Portraits, name: str
) -> None:
    image, detection = portraits[name]
    mirrored = np.ascontiguousarray(image[:, ::-1])
    detections = pipeline.detect(mirrored)
    assert len(detections) == 1
    estimator = EmotionEstimator(transport)
    (original,) = estimator.estimate(image, [detection])
    (flipped,) = estimator.estimate(mirrored, detections)
    assert flipped.predominant_emotion == original.predominant_emotion
    assert 0.5 * np.abs(np.subtract(original.probabilities, flipped.probabilities)).sum() < 0.25


def test_chips_and_batching(transport: LocalTransport, portraits: Portraits) -> None:
    image, detection = portraits["obama.jpg"]
    chips = emotion_chips(image, [detection.landmarks, detection.landmarks])
    assert chips.shape == (2, EMOTION_CHIP_SIZE, EMOTION_CHIP_SIZE, 3) and chips.dtype == np.uint8
    np.testing.assert_array_equal(
        chips[0], crop_chip(image, detection.landmarks, EMOTION_CHIP_SIZE, EMOTION_CROP_SCALE, EMOTION_CROP_OFFSET)
    )
    estimator = EmotionEstimator(transport)
    batched = estimator.estimate_chips(np.concatenate([chips, chips[::-1]]))
    single = estimator.estimate_chips(chips[:1])[0]
    assert len(batched) == 4
    for result in batched:
        np.testing.assert_allclose(result.probabilities, single.probabilities, atol=1e-5)
    assert estimator.estimate_chips(emotion_chips(image, [])) == []
    assert estimator.estimate(image, []) == []
    with pytest.raises(ValueError):
        estimator.estimate_chips(np.zeros((1, 48, 48, 3), np.uint8))
    with pytest.raises(ValueError):
        estimator.estimate_chips(np.zeros((1, EMOTION_CHIP_SIZE, EMOTION_CHIP_SIZE, 3), np.float32))


def test_crop_geometry(portraits: Portraits) -> None:
    """The emotion crop is fer's: the face fills about 55% of it, eyes at 40% of the height, centred."""
    image, detection = portraits["biden.jpg"]
    landmarks = detection.landmarks.astype(np.float64)
    from inference.alignment import crop_to_image_transform

    matrix = crop_to_image_transform(landmarks, EMOTION_CHIP_SIZE, EMOTION_CROP_SCALE, EMOTION_CROP_OFFSET)
    inverse = np.linalg.inv(np.vstack([matrix, [0, 0, 1]]))[:2]
    in_chip = landmarks @ inverse[:, :2].T + inverse[:, 2]
    relative = in_chip / EMOTION_CHIP_SIZE
    assert relative[:2, 1].mean() == pytest.approx(0.40, abs=0.04)  # eyes
    assert relative[3:, 1].mean() == pytest.approx(0.72, abs=0.04)  # mouth
    assert relative[:, 0].mean() == pytest.approx(0.5, abs=0.04)
    assert relative[1, 0] - relative[0, 0] == pytest.approx(0.30, abs=0.04)


def test_isotropic_crop_chip_is_face_chip(portraits: Portraits) -> None:
    """crop_chip with scale 1/(1+2p) and offset p/(1+2p) is face_chip(padding p)."""
    image, detection = portraits["obama2.jpg"]
    padding = 0.25
    scale, offset = 1 / (1 + 2 * padding), padding / (1 + 2 * padding)
    a = crop_chip(image, detection.landmarks, 150, (scale, scale), (offset, offset)).astype(int)
    b = face_chip(image, detection.landmarks, 150, padding).astype(int)
    assert np.abs(a - b).max() <= 1


def test_v6_shape_codes_and_aggregate() -> None:
    a = Emotions((0.1, 0.0, 0.0, 0.6, 0.0, 0.0, 0.3))
    b = Emotions((0.1, 0.0, 0.0, 0.0, 0.0, 0.0, 0.9))
    body = a.to_v6()
    assert list(body) == ["predominant_emotion", "estimations"]
    assert body["predominant_emotion"] == "happiness"
    assert list(body["estimations"]) == list(EMOTIONS)
    assert a.predominant_code == 4 and b.predominant_code == 7
    mean = aggregate([a, b])
    assert mean.predominant_emotion == "neutral"
    assert mean.estimations["happiness"] == pytest.approx(0.3)
    assert sum(mean.probabilities) == pytest.approx(1.0)
    with pytest.raises(ValueError):
        aggregate([])


def test_emotions_and_mask_over_triton_match_local(
    transport: LocalTransport, portraits: Portraits, triton_server: TritonServer
) -> None:
    from inference.estimations.mask import MaskEstimator
    from inference.triton import TritonTransport

    with TritonTransport(triton_server.url) as remote:
        remote.warm_up((FER_EMOTIONS, MOBILENET_MASK))
        for name in ("obama.jpg", "biden.jpg"):
            image, detection = portraits[name]
            (want,) = EmotionEstimator(transport).estimate(image, [detection])
            (got,) = EmotionEstimator(remote).estimate(image, [detection])
            np.testing.assert_allclose(got.probabilities, want.probabilities, atol=1e-5)
            (want_mask,) = MaskEstimator(transport).estimate(image, [detection])
            (got_mask,) = MaskEstimator(remote).estimate(image, [detection])
            assert got_mask.medical_mask == pytest.approx(want_mask.medical_mask, abs=1e-5)
