"""Estimations (inference/estimations): head pose, image quality, age and gender, on registry-fetched photos
(tests/photos.py) and synthetic transforms of them. Model runs go through LocalTransport (onnxruntime)."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest
from PIL import Image, ImageFilter

from inference.alignment import face_chip
from inference.analysis import FaceAnalyser
from inference.estimations.attributes import (
    AGE_CHIP_SIZE,
    FEMALE,
    GENDER_CHIP_SIZE,
    MALE,
    BasicAttributes,
    BasicAttributesEstimator,
    age_from_probabilities,
    aggregate,
    attribute_chips,
)
from inference.estimations.head_pose import HeadPose, head_pose_from_landmarks, project
from inference.estimations.quality import (
    FaceQuality,
    chip_quality,
    estimate_quality,
    measure,
    smoothstep,
    valid_chip_pixels,
)
from inference.image import decode_image
from inference.models import DLIB_AGE, DLIB_GENDER
from inference.transport import LocalTransport
from inference.triton_server import TritonServer
from inference.types import FaceDetection
from tests import photos

PORTRAITS = ("obama.jpg", "obama2.jpg", "obama3.jpg", "biden.jpg")
#: name -> (image, its single detection), from the `portraits` fixture.
Portraits = dict[str, tuple[np.ndarray, FaceDetection]]


@pytest.fixture(scope="module")
def transport() -> Iterator[LocalTransport]:
    with LocalTransport() as local:
        yield local


@pytest.fixture(scope="module")
def pipeline(transport: LocalTransport) -> FaceAnalyser:
    return FaceAnalyser(transport)


@pytest.fixture(scope="module")
def portraits(pipeline: FaceAnalyser) -> dict[str, tuple[np.ndarray, FaceDetection]]:
    """name -> (image, its single detection)."""
    out = {}
    for name in PORTRAITS:
        image = decode_image(photos.face_recognition_image(name).read_bytes())
        detections = pipeline.detect(image)
        assert len(detections) == 1, name
        out[name] = (image, detections[0])
    return out


def _single(pipeline: FaceAnalyser, image: np.ndarray) -> FaceDetection:
    detections = pipeline.detect(np.ascontiguousarray(image))
    assert len(detections) == 1
    return detections[0]


# --- head pose ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("angles", [(0, 0, 0), (10, -20, 5), (-25, 40, -30), (30, 55, 120), (-5, -60, -170)])
def test_head_pose_recovers_synthetic_poses(angles: tuple[float, float, float]) -> None:
    pitch, yaw, roll = angles
    landmarks = project(pitch, yaw, roll, scale=80.0, offset=(300.0, 200.0))
    pose = head_pose_from_landmarks(landmarks)
    assert (pose.pitch, pose.yaw, pose.roll) == pytest.approx(angles, abs=1e-3)
    assert pose.residual < 1e-6


def test_head_pose_sign_conventions_on_synthetic_points() -> None:
    frontal = project(0, 0, 0, scale=100.0)
    # Nose shifted towards the left of the image: the face turns left in the image -> yaw > 0.
    turned = frontal.copy()
    turned[2, 0] -= 15
    assert head_pose_from_landmarks(turned).yaw > 5
    # Nose lower between eyes and mouth: looking down -> pitch > 0.
    down = frontal.copy()
    down[2, 1] += 12
    assert head_pose_from_landmarks(down).pitch > 5
    # Right eye (image) lower than the left: clockwise -> roll > 0.
    angle = np.radians(10)
    rotation = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])  # y down: clockwise
    pose = head_pose_from_landmarks(frontal @ rotation.T)
    assert pose.roll == pytest.approx(10, abs=1e-3)
    assert head_pose_from_landmarks(frontal).residual < 1e-9


def test_head_pose_noise_stays_bounded() -> None:
    rng = np.random.default_rng(3)
    errors = []
    for _ in range(50):
        truth = rng.uniform([-20, -40, -30], [20, 40, 30])
        pitch, yaw, roll = truth
        landmarks = project(pitch, yaw, roll, scale=60.0) + rng.normal(0, 0.6, (5, 2))  # 1% of the eye distance
        pose = head_pose_from_landmarks(landmarks)
        errors.append(np.abs(np.array([pose.pitch, pose.yaw, pose.roll]) - truth))
    worst = np.max(errors, axis=0)
    assert worst[2] < 3 and worst[1] < 10 and worst[0] < 15


def test_head_pose_rejects_degenerate_landmarks() -> None:
    with pytest.raises(ValueError):
        head_pose_from_landmarks(np.zeros((5, 2)))
    with pytest.raises(ValueError):
        head_pose_from_landmarks(np.full((5, 2), np.nan))


def test_head_pose_on_photos_of_known_direction(portraits: Portraits) -> None:
    poses = {name: head_pose_from_landmarks(det.landmarks) for name, (_, det) in portraits.items()}
    # obama.jpg looks into the camera; obama2.jpg turns to the left of the image; biden.jpg to the right,
    # tilted clockwise; obama3.jpg raises his chin (looks up).
    assert abs(poses["obama.jpg"].yaw) < 8 and abs(poses["obama.jpg"].roll) < 5
    assert poses["obama2.jpg"].yaw > 10
    assert poses["biden.jpg"].yaw < -8 and poses["biden.jpg"].roll > 5
    assert poses["obama3.jpg"].pitch < -8
    for pose in poses.values():
        assert all(-90 <= angle <= 90 for angle in (pose.pitch, pose.yaw, pose.roll))


@pytest.mark.parametrize("name", ["obama2.jpg", "biden.jpg"])
def test_mirrored_photo_flips_yaw_and_roll(pipeline: FaceAnalyser, portraits: Portraits, name: str) -> None:
    image, detection = portraits[name]
    original = head_pose_from_landmarks(detection.landmarks)
    mirrored = head_pose_from_landmarks(_single(pipeline, image[:, ::-1]).landmarks)
    assert np.sign(mirrored.yaw) == -np.sign(original.yaw)
    assert mirrored.yaw == pytest.approx(-original.yaw, abs=5)
    assert mirrored.roll == pytest.approx(-original.roll, abs=3)
    assert mirrored.pitch == pytest.approx(original.pitch, abs=5)
    # Mirroring the landmarks themselves (no re-detection) is exact.
    width = image.shape[1]
    flipped = detection.landmarks.astype(np.float64).copy()
    flipped[:, 0] = width - 1 - flipped[:, 0]
    flipped = flipped[[1, 0, 2, 4, 3]]
    exact = head_pose_from_landmarks(flipped)
    assert (exact.pitch, exact.yaw, exact.roll) == pytest.approx(
        (original.pitch, -original.yaw, -original.roll), abs=1e-3
    )


def test_rotated_photo_changes_roll(pipeline: FaceAnalyser, portraits: Portraits) -> None:
    """Rotating the photo by +-15 degrees moves roll by the same amount (MTCNN re-detects the landmarks on the
    rotated photo, so each case carries a few degrees of landmark noise: measured errors 0-4.4 degrees)."""
    errors = []
    for name in ("obama.jpg", "obama3.jpg", "biden.jpg"):
        image, detection = portraits[name]
        original = head_pose_from_landmarks(detection.landmarks)
        for angle in (15, -15):
            # PIL rotates counter-clockwise for positive angles: roll (clockwise positive) drops by the angle.
            rotated = np.asarray(Image.fromarray(image).rotate(angle, expand=True, resample=Image.Resampling.BILINEAR))
            pose = head_pose_from_landmarks(_single(pipeline, rotated).landmarks)
            errors.append(pose.roll - original.roll + angle)
            assert pose.yaw == pytest.approx(original.yaw, abs=6), (name, angle)
    assert max(abs(e) for e in errors) < 6, errors
    assert float(np.mean(np.abs(errors))) < 2.5, errors


def test_rotated_landmarks_change_roll_exactly(portraits: Portraits) -> None:
    _, detection = portraits["biden.jpg"]
    original = head_pose_from_landmarks(detection.landmarks)
    angle = np.radians(15)
    rotation = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    pose = head_pose_from_landmarks(detection.landmarks.astype(np.float64) @ rotation.T)
    assert (pose.pitch, pose.yaw, pose.roll) == pytest.approx(
        (original.pitch, original.yaw, original.roll + 15), abs=1e-3
    )


# --- quality ---------------------------------------------------------------------------------------------------


def _scaled(image: np.ndarray, factor: float) -> np.ndarray:
    return np.clip(image.astype(np.float64) * factor, 0, 255).astype(np.uint8)


def _ramp(image: np.ndarray, detection: FaceDetection, low: float) -> np.ndarray:
    """Light falling off towards the left of the face: gain `low` at the face's left edge, 1 at its right."""
    x = (np.arange(image.shape[1]) - detection.x) / detection.width
    gain = np.clip(low + (1 - low) * x, low, 1.0)
    return np.clip(image * gain[None, :, None], 0, 255).astype(np.uint8)


def _highlights(image: np.ndarray, detection: FaceDetection, count: int) -> np.ndarray:
    """White Gaussian spots (specular highlights) on the face."""
    rng = np.random.default_rng(11)
    out = image.astype(np.float64)
    yy, xx = np.mgrid[0 : image.shape[0], 0 : image.shape[1]]
    radius = detection.width * 0.03
    for _ in range(count):
        cx = detection.x + detection.width * rng.uniform(0.3, 0.7)
        cy = detection.y + detection.height * rng.uniform(0.25, 0.7)
        alpha = np.exp(-((xx - cx) ** 2 + (yy - cy) ** 2) / (2 * radius**2))[..., None]
        out = out * (1 - alpha) + 255 * alpha
    return out.astype(np.uint8)


def _strictly_decreasing(values: list[float]) -> bool:
    return all(a > b for a, b in zip(values, values[1:], strict=False))


def test_quality_of_good_portraits(portraits: Portraits) -> None:
    for name, (image, detection) in portraits.items():
        quality = estimate_quality(image, detection)
        assert isinstance(quality, FaceQuality)
        values = vars(quality)
        assert all(0.0 <= v <= 1.0 for v in values.values()), (name, values)
        assert quality.blurriness > 0.9 and quality.dark > 0.95 and quality.light > 0.95, (name, values)
        assert quality.illumination > 0.9 and quality.specularity > 0.8, (name, values)


@pytest.mark.parametrize("name", ["obama2.jpg", "biden.jpg"])
def test_blur_lowers_blurriness_quality(portraits: Portraits, name: str) -> None:
    image, detection = portraits[name]
    pixels_per_chip_pixel = detection.width / 150
    scores = [estimate_quality(image, detection).blurriness]
    for sigma in (0.7, 1.5, 3.0):
        blurred = np.asarray(Image.fromarray(image).filter(ImageFilter.GaussianBlur(sigma * pixels_per_chip_pixel)))
        quality = estimate_quality(blurred, detection)
        scores.append(quality.blurriness)
        assert quality.dark > 0.95 and quality.light > 0.95  # blur is not an exposure problem
    assert _strictly_decreasing(scores), scores
    assert scores[0] > 0.9 and scores[-1] < 0.2


def test_darkening_lowers_dark_quality_only(portraits: Portraits) -> None:
    image, detection = portraits["biden.jpg"]
    results = [estimate_quality(_scaled(image, f), detection) for f in (1.0, 0.6, 0.35, 0.15)]
    assert _strictly_decreasing([q.dark for q in results]), results
    assert results[0].dark > 0.95 and results[-1].dark < 0.1
    assert all(q.light > 0.95 for q in results)
    assert all(q.blurriness > 0.85 for q in results)  # contrast-relative: darkness does not read as blur


def test_brightening_lowers_light_quality(portraits: Portraits) -> None:
    image, detection = portraits["biden.jpg"]
    results = [estimate_quality(_scaled(image, f), detection) for f in (1.0, 2.4, 2.8, 4.0)]
    assert _strictly_decreasing([q.light for q in results]), results
    assert results[0].light > 0.95 and results[-1].light < 0.1
    assert all(q.dark > 0.95 for q in results)


@pytest.mark.parametrize("name", ["obama3.jpg", "biden.jpg"])
def test_uneven_light_lowers_illumination_quality(portraits: Portraits, name: str) -> None:
    image, detection = portraits[name]
    scores = [estimate_quality(_ramp(image, detection, low), detection).illumination for low in (1.0, 0.6, 0.4, 0.2)]
    assert _strictly_decreasing(scores), scores
    assert scores[0] > 0.9 and scores[-1] < 0.5


def test_highlights_lower_specularity_quality(portraits: Portraits) -> None:
    image, detection = portraits["biden.jpg"]
    scores = [estimate_quality(_highlights(image, detection, n), detection).specularity for n in (0, 4, 10, 25)]
    assert _strictly_decreasing(scores), scores
    assert scores[0] > 0.95 and scores[-1] < 0.5


def test_quality_ignores_pixels_outside_the_photo(portraits: Portraits) -> None:
    image, detection = portraits["biden.jpg"]
    # Crop the photo through the middle of the face: the chip's right part is black fill, not "dark".
    right = int(detection.x + detection.width * 0.8)
    cropped = np.ascontiguousarray(image[:, :right])
    valid = valid_chip_pixels(detection.landmarks, *cropped.shape[:2])
    assert 0.3 < valid.mean() < 0.95
    quality = estimate_quality(cropped, detection)
    assert quality.dark > 0.9 and quality.illumination > 0.5
    naive = chip_quality(face_chip(cropped, detection.landmarks))  # the black fill counted as face
    assert naive.illumination < quality.illumination


def test_quality_of_synthetic_chips() -> None:
    flat = np.full((150, 150, 3), 128, np.uint8)
    quality = chip_quality(flat)
    assert quality.blurriness == 0.0 and quality.dark == 1.0 and quality.light == 1.0
    assert quality.illumination == 1.0 and quality.specularity == 1.0
    assert chip_quality(np.zeros((150, 150, 3), np.uint8)).dark == 0.0
    assert chip_quality(np.full((150, 150, 3), 255, np.uint8)).light == 0.0
    assert chip_quality(flat, np.zeros((150, 150), bool)) == FaceQuality(0.0, 0.0, 0.0, 0.0, 0.0)
    assert measure(flat).valid_fraction == 1.0
    with pytest.raises(ValueError):
        chip_quality(np.zeros((64, 64, 3), np.uint8))
    assert smoothstep(0, 1, 2) == 0.0 and smoothstep(3, 1, 2) == 1.0 and smoothstep(1.5, 1, 2) == 0.5


# --- basic attributes ---------------------------------------------------------------------------------------


def test_age_and_gender_of_portraits(transport: LocalTransport, portraits: Portraits) -> None:
    estimator = BasicAttributesEstimator(transport)
    results = {}
    for name, (image, detection) in portraits.items():
        (attributes,) = estimator.estimate(image, [detection])
        assert isinstance(attributes, BasicAttributes) and attributes.ethnicities is not None
        assert attributes.ethnicity == attributes.ethnicities.code  # tests/unit/test_estimations_ethnicity.py
        results[name] = attributes
        assert attributes.gender == MALE and attributes.male_probability > 0.9, (name, attributes)
        assert attributes.gender_confidence > 0.9
        assert 0.0 < attributes.age_confidence <= 1.0
    # Obama was 47-51 in these photos, Biden about 67: adult, plausible ranges, Biden the older.
    for name in ("obama.jpg", "obama2.jpg", "obama3.jpg"):
        assert 30 <= results[name].age <= 65, (name, results[name])
    assert 45 <= results["biden.jpg"].age <= 85, results["biden.jpg"]
    assert results["biden.jpg"].age_estimate > max(results[n].age_estimate for n in ("obama.jpg", "obama3.jpg"))
    combined = aggregate([results[n] for n in ("obama.jpg", "obama2.jpg", "obama3.jpg")])
    assert combined.gender == MALE and 30 <= combined.age <= 65


def test_attribute_chips_and_batching(transport: LocalTransport, portraits: Portraits) -> None:
    estimator = BasicAttributesEstimator(transport)
    images = [portraits[n] for n in ("obama.jpg", "biden.jpg")]
    chips = [attribute_chips(image, [det.landmarks]) for image, det in images]
    age_chips = np.concatenate([c[0] for c in chips])
    gender_chips = np.concatenate([c[1] for c in chips])
    assert age_chips.shape == (2, AGE_CHIP_SIZE, AGE_CHIP_SIZE, 3) and gender_chips.shape == (
        2,
        GENDER_CHIP_SIZE,
        GENDER_CHIP_SIZE,
        3,
    )
    batched = estimator.estimate_chips(age_chips, gender_chips)
    single = [estimator.estimate(image, [det])[0] for image, det in images]
    for a, b in zip(batched, single, strict=True):
        assert a.age_estimate == pytest.approx(b.age_estimate, abs=1e-3)
        assert a.male_probability == pytest.approx(b.male_probability, abs=1e-4)
    assert estimator.estimate(images[0][0], []) == []
    with pytest.raises(ValueError):
        estimator.estimate_chips(age_chips, gender_chips[:1])
    with pytest.raises(ValueError):
        estimator.estimate_chips(gender_chips, gender_chips)


def test_age_and_gender_models_output_probabilities(transport: LocalTransport) -> None:
    rng = np.random.default_rng(2)
    for spec, size, classes in ((DLIB_AGE, 64, 81), (DLIB_GENDER, 32, 2)):
        chips = rng.integers(0, 256, (3, size, size, 3), dtype=np.uint8)
        out = transport.infer(spec, {"chip": chips})["probabilities"]
        assert out.shape == (3, classes) and out.dtype == np.float32
        np.testing.assert_allclose(out.sum(axis=1), 1.0, atol=1e-4)


def test_age_expectation_and_aggregate() -> None:
    one_hot = np.zeros((2, 81))
    one_hot[0, 0] = 1.0
    one_hot[1, 40] = 1.0
    ages, confidence = age_from_probabilities(one_hot)
    assert ages.tolist() == [0.25, 40.0] and confidence.tolist() == [1.0, 1.0]
    combined = aggregate([BasicAttributes(30, 30.0, 0.2, MALE, 0.7), BasicAttributes(41, 41.0, 0.1, FEMALE, 0.2)])
    assert combined.age == 36 and combined.gender == FEMALE and combined.male_probability == pytest.approx(0.45)
    with pytest.raises(ValueError):
        aggregate([])


def test_head_pose_dataclass_defaults() -> None:
    assert HeadPose(1.0, 2.0, 3.0).residual == 0.0


# --- over Triton ------------------------------------------------------------------------------------------------


def test_age_and_gender_over_triton_match_local(
    transport: LocalTransport, portraits: Portraits, triton_server: TritonServer
) -> None:
    from inference.triton import TritonTransport

    with TritonTransport(triton_server.url) as remote:
        remote.warm_up((DLIB_AGE, DLIB_GENDER))
        local = BasicAttributesEstimator(transport)
        triton = BasicAttributesEstimator(remote)
        for name in ("obama.jpg", "biden.jpg"):
            image, detection = portraits[name]
            (want,) = local.estimate(image, [detection])
            (got,) = triton.estimate(image, [detection])
            assert got.age_estimate == pytest.approx(want.age_estimate, abs=1e-3)
            assert got.male_probability == pytest.approx(want.male_probability, abs=1e-5)
            assert got.ethnicities is not None and want.ethnicities is not None
            for key, value in want.ethnicities.estimations.items():
                assert got.ethnicities.estimations[key] == pytest.approx(value, abs=1e-5)
