"""The ISO checks (inference/estimations/iso.py) and the glasses estimator (inference/estimations/glasses.py) on the
test photos and on synthetic edits of them: frames, sunglasses, a hat and red pupils painted at the landmarks,
grayscale and tinted copies, moved landmarks."""

from __future__ import annotations

import functools

import numpy as np
import pytest
from PIL import Image, ImageDraw

from inference.alignment import face_chip
from inference.analysis import FaceAnalyser
from inference.estimations import glasses, iso, landmarks68
from inference.estimations.eyes import EyesAttributes
from inference.estimations.gaze import Gaze
from inference.estimations.glasses import Glasses
from inference.estimations.head_pose import HeadPose
from inference.estimations.mouth import MouthAttributes
from inference.estimations.quality import FaceQuality
from inference.image import to_rgb_array
from inference.transport import LocalTransport
from tests import photos

FRAME_COLOUR = (15, 15, 15)
LENS_COLOUR = (20, 20, 24)


# -- synthetic edits (also used by tests/integration/test_iso.py) ---------------------------------------------


def paint_glasses(pixels: np.ndarray, five: np.ndarray, *, sunglasses: bool = False) -> np.ndarray:
    """Spectacles drawn at the five landmarks' eyes: an elliptic rim around each eye (0.42 x 0.30 eye distances),
    a bridge between the rims and arms towards the ears, lines 5% of the eye distance thick; sunglasses also
    fill the lenses dark."""
    image = Image.fromarray(pixels).copy()
    draw = ImageDraw.Draw(image)
    left, right = np.asarray(five[0], dtype=float), np.asarray(five[1], dtype=float)
    distance = float(np.linalg.norm(right - left))
    u = (right - left) / distance
    v = np.array([-u[1], u[0]])
    a, b = 0.42 * distance, 0.30 * distance
    width = max(2, int(round(0.05 * distance)))
    for centre in (left, right):
        rim = [tuple(centre + a * np.cos(t) * u + b * np.sin(t) * v) for t in np.linspace(0, 2 * np.pi, 64)]
        if sunglasses:
            draw.polygon(rim, fill=LENS_COLOUR)
        draw.line([*rim, rim[0]], fill=FRAME_COLOUR, width=width)
    draw.line([tuple(left + a * u - 0.1 * b * v), tuple(right - a * u - 0.1 * b * v)], fill=FRAME_COLOUR, width=width)
    draw.line([tuple(left - a * u), tuple(left - (a + 0.45 * distance) * u)], fill=FRAME_COLOUR, width=width)
    draw.line([tuple(right + a * u), tuple(right + (a + 0.45 * distance) * u)], fill=FRAME_COLOUR, width=width)
    return np.asarray(image)


def paint_hat(pixels: np.ndarray, five: np.ndarray) -> np.ndarray:
    """A navy hat covering the head from 0.45 eye distances above the eyes upwards (the brim over the brows)."""
    image = Image.fromarray(pixels).copy()
    left, right = np.asarray(five[0], dtype=float), np.asarray(five[1], dtype=float)
    distance = float(np.linalg.norm(right - left))
    centre = (left + right) / 2
    box = (
        centre[0] - 1.3 * distance,
        centre[1] - 2.0 * distance,
        centre[0] + 1.3 * distance,
        centre[1] - 0.45 * distance,
    )
    ImageDraw.Draw(image).rectangle(box, fill=(25, 30, 70))
    return np.asarray(image)


def paint_red_pupils(pixels: np.ndarray, points68: np.ndarray) -> np.ndarray:
    image = Image.fromarray(pixels).copy()
    draw = ImageDraw.Draw(image)
    for eye in (points68[36:42], points68[42:48]):
        centre = eye.mean(axis=0)
        radius = 0.22 * float(np.linalg.norm(eye[3] - eye[0]))
        draw.ellipse(
            (centre[0] - radius, centre[1] - radius, centre[0] + radius, centre[1] + radius), fill=(220, 30, 35)
        )
    return np.asarray(image)


def grayscale(pixels: np.ndarray) -> np.ndarray:
    return to_rgb_array(Image.fromarray(pixels).convert("L"))


def tinted_monochrome(pixels: np.ndarray) -> np.ndarray:
    """A near-infrared-like copy: luminance with a faint purple tint (chroma about 8 levels)."""
    grey = np.asarray(Image.fromarray(pixels).convert("L"), dtype=np.float64)
    return np.clip(np.stack([grey * 1.03 + 4, grey * 0.98, grey * 1.03 + 4], axis=-1), 0, 255).astype(np.uint8)


def blue_tint(pixels: np.ndarray) -> np.ndarray:
    rgb = pixels.astype(np.float64) * np.array([0.45, 0.75, 1.25])
    return np.clip(rgb, 0, 255).astype(np.uint8)


# -- helpers ----------------------------------------------------------------------------------------------------


@functools.cache
def transport() -> LocalTransport:
    return LocalTransport()


def load(name: str) -> np.ndarray:
    return to_rgb_array(Image.open(photos.face_recognition_image(name)))


def face_of(pixels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(five landmarks, 68 landmarks) of the best face."""
    detection = FaceAnalyser(transport()).detect(pixels)[0]
    (mesh,) = landmarks68.FaceMeshEstimator(transport()).estimate(pixels, [detection.landmarks])
    return np.asarray(detection.landmarks, dtype=np.float64), np.asarray(mesh.landmarks68, dtype=np.float64)


def glasses_of(pixels: np.ndarray) -> str:
    five, _ = face_of(pixels)
    return glasses.estimate_glasses(face_chip(pixels, five)).glasses


# -- thresholds and check logic -----------------------------------------------------------------------------------


def test_check_list_is_v6s() -> None:
    assert iso.ISO_CHECK_NAMES == (
        "image_format", "illumination_quality", "specularity_quality", "blurriness_quality", "dark_quality",
        "light_quality", "head_yaw", "head_pitch", "head_roll", "gaze_yaw", "gaze_pitch", "mouth_smiling",
        "mouth_occluded", "mouth_open", "glasses", "left_eye", "right_eye", "head_horizontal_center",
        "head_vertical_center", "head_width", "head_height", "eye_distance", "eyebrows_state", "smile_properties",
        "headwear_type", "natural_light", "radial_distortion", "red_eyes", "face_color_type",
    )  # fmt: skip
    thresholds = dict(iso.ISO_THRESHOLDS)
    assert thresholds["eye_distance"] == {"min": 90, "max": None}
    assert thresholds["glasses"] == ["no_glasses", "eyeglasses"]
    assert thresholds["head_roll"] == {"min": -8, "max": 8}
    assert thresholds["natural_light"] == 1 and thresholds["radial_distortion"] == 0


def test_passes() -> None:
    assert iso.passes("JPEG", ["JPEG", "PNG"]) and not iso.passes("BMP", ["JPEG", "PNG"])
    assert iso.passes(0.5, {"min": 0, "max": 0.5}) and not iso.passes(0.51, {"min": 0, "max": 0.5})
    assert iso.passes(1000, {"min": 90, "max": None}) and not iso.passes(89, {"min": 90, "max": None})
    assert iso.passes(1, 1) and not iso.passes(0, 1)
    assert not iso.passes(None, {"min": 0, "max": 1}) and not iso.passes(None, ["none"])


def test_nothing_estimated_fails_every_check_but_the_format() -> None:
    checks = iso.iso_checks(iso.IsoFace(landmarks68=None), iso.IsoImage(np.zeros((10, 10, 3), np.uint8), "PNG"))
    assert [check.name for check in checks] == list(iso.ISO_CHECK_NAMES)
    assert checks[0] == iso.IsoCheck("image_format", "PNG", ["JPEG", "JPEG2000", "PNG"], 1)
    assert all(check.object_value is None and check.result == 0 for check in checks[1:])
    assert iso.iso_status(checks) == 0


def test_head_geometry_definitions() -> None:
    points = np.zeros((68, 2))
    points[36:42] = [100.0, 200.0]
    points[42:48] = [200.0, 200.0]
    points[48], points[54] = [120.0, 300.0], [180.0, 300.0]
    points[0], points[16] = [60.0, 210.0], [240.0, 210.0]
    points[8] = [150.0, 350.0]
    geometry = iso.head_geometry(points, 300, 500)
    assert geometry.eye_distance == 100
    assert geometry.horizontal_center == 0.5  # M = ((150, 200) + (150, 300)) / 2
    assert geometry.vertical_center == 0.4  # eye line at 200 of 500
    assert geometry.width == 0.6  # 180 / 300
    assert geometry.height == 0.57  # chin 150 below the eye line, x 1.9 (eye line to crown), of 500


def estimated_checks(
    quality: FaceQuality, pose: HeadPose, gaze: Gaze, mouth: MouthAttributes, eye_ear: float, worn: str
) -> dict[str, iso.IsoCheck]:
    """The checks of a face with these estimations and no landmarks (the image checks then fail as unknown)."""
    face = iso.IsoFace(
        landmarks68=None,
        quality=quality,
        head_pose=pose,
        gaze=gaze,
        mouth=mouth,
        eyes=EyesAttributes(left_ear=eye_ear, right_ear=eye_ear),
        glasses=Glasses(worn),
    )
    checks = iso.iso_checks(face, iso.IsoImage(np.zeros((10, 10, 3), np.uint8), "JPEG"))
    return {check.name: check for check in checks}


ESTIMATED = (
    "illumination_quality", "specularity_quality", "blurriness_quality", "dark_quality", "light_quality",
    "head_yaw", "head_pitch", "head_roll", "gaze_yaw", "gaze_pitch", "mouth_smiling", "mouth_occluded",
    "mouth_open", "glasses", "left_eye", "right_eye",
)  # fmt: skip


def test_estimations_on_v6s_limits_pass() -> None:
    """v6 §6.24's ranges include their ends: qualities at their minimum, poses at +-5 / +-8 degrees, mouth
    values at 0.5, eyeglasses and open eyes all pass."""
    checks = estimated_checks(
        FaceQuality(blurriness=0.61, dark=0.5, light=0.57, illumination=0.3, specularity=0.3),
        HeadPose(pitch=-5.0, yaw=5.0, roll=-8.0),
        Gaze(yaw=-5.0, pitch=5.0),
        MouthAttributes(opened=0.5, smile=0.5, occluded=0.5),
        eye_ear=0.3,
        worn="eyeglasses",
    )
    assert {name: checks[name].result for name in ESTIMATED} == dict.fromkeys(ESTIMATED, 1)
    assert checks["head_roll"].object_value == -8.0 and checks["glasses"].object_value == "eyeglasses"
    assert (checks["left_eye"].object_value, checks["right_eye"].object_value) == ("open", "open")
    # A smile of 0.5 with the lips apart is a smile showing the teeth (docs/estimations.md): not "none".
    assert (checks["smile_properties"].object_value, checks["smile_properties"].result) == ("smile_teeth", 0)
    assert iso.iso_status(list(checks.values())) == 0  # the landmark checks are unknown


def test_estimations_past_v6s_limits_fail() -> None:
    checks = estimated_checks(
        FaceQuality(blurriness=0.6, dark=0.49, light=0.56, illumination=0.29, specularity=0.29),
        HeadPose(pitch=5.1, yaw=-5.1, roll=8.1),
        Gaze(yaw=5.1, pitch=-5.1),
        MouthAttributes(opened=0.51, smile=0.51, occluded=0.51),
        eye_ear=0.05,
        worn="sunglasses",
    )
    assert {name: checks[name].result for name in ESTIMATED} == dict.fromkeys(ESTIMATED, 0)
    assert (checks["left_eye"].object_value, checks["right_eye"].object_value) == ("closed", "closed")
    relaxed = estimated_checks(
        FaceQuality(blurriness=1.0, dark=1.0, light=1.0, illumination=1.0, specularity=1.0),
        HeadPose(pitch=0.0, yaw=0.0, roll=0.0),
        Gaze(yaw=0.0, pitch=0.0),
        MouthAttributes(opened=0.0, smile=0.0, occluded=0.0),
        eye_ear=0.3,
        worn="no_glasses",
    )
    assert {name: relaxed[name].result for name in ESTIMATED} == dict.fromkeys(ESTIMATED, 1)
    assert (relaxed["smile_properties"].object_value, relaxed["smile_properties"].result) == ("none", 1)


def frontal_points(eye_distance: float, face_width: float) -> np.ndarray:
    """68 points of a schematic frontal face centred at x = 200: eyes on y = 160, mouth on y = 240, chin at 300."""
    points = np.zeros((68, 2))
    points[36:42] = [200.0 - eye_distance / 2, 160.0]
    points[42:48] = [200.0 + eye_distance / 2, 160.0]
    points[48], points[54] = [180.0, 240.0], [220.0, 240.0]
    points[0], points[16] = [200.0 - face_width / 2, 170.0], [200.0 + face_width / 2, 170.0]
    points[8] = [200.0, 300.0]
    return points


@pytest.mark.parametrize(
    ("eye_distance", "face_width", "expected"),
    [
        (90.0, 300.0, {"eye_distance": (90, 1), "head_width": (0.75, 1)}),  # both at v6's limits: pass
        (89.0, 304.0, {"eye_distance": (89, 0), "head_width": (0.76, 0)}),
        (120.0, 200.0, {"eye_distance": (120, 1), "head_width": (0.5, 1)}),  # eye_distance has no maximum
        (120.0, 196.0, {"eye_distance": (120, 1), "head_width": (0.49, 0)}),
    ],
)
def test_geometry_on_v6s_limits(eye_distance: float, face_width: float, expected: dict[str, tuple[float, int]]) -> None:
    image = iso.IsoImage(np.zeros((400, 400, 3), np.uint8), "PNG")
    checks = {c.name: c for c in iso.iso_checks(iso.IsoFace(frontal_points(eye_distance, face_width)), image)}
    assert {name: (checks[name].object_value, checks[name].result) for name in expected} == expected
    # The face's midpoint at x = 200 of 400 and the eye line at 160 of 400: centred, and 40% down.
    assert (checks["head_horizontal_center"].object_value, checks["head_horizontal_center"].result) == (0.5, 1)
    assert (checks["head_vertical_center"].object_value, checks["head_vertical_center"].result) == (0.4, 1)


def test_smile_properties() -> None:
    assert iso.smile_properties(MouthAttributes(opened=0.9, smile=0.2)) == "none"
    assert iso.smile_properties(MouthAttributes(opened=0.1, smile=0.8)) == "smile_lips"
    assert iso.smile_properties(MouthAttributes(opened=0.9, smile=0.8)) == "smile_teeth"


# -- landmark-based checks on a real face and moved landmarks ----------------------------------------------------


def test_eyebrows_and_distortion_from_moved_landmarks() -> None:
    _, points = face_of(load("biden.jpg"))
    assert iso.eyebrows_state(points) == "neutral" and iso.radial_distortion(points) == 0
    up = (points[45] - points[36]) / np.linalg.norm(points[45] - points[36])
    up = np.array([up[1], -up[0]])  # towards the forehead in the image
    distance = float(np.linalg.norm(points[42:48].mean(axis=0) - points[36:42].mean(axis=0)))
    raised = points.copy()
    raised[17:27] += 0.3 * distance * up
    assert iso.eyebrows_state(raised) == "raised"
    frowning = points.copy()
    inner = (points[21] + points[22]) / 2
    frowning[[21, 22]] = inner + 0.3 * (points[[21, 22]] - inner) - 0.2 * distance * up
    assert iso.eyebrows_state(frowning) == "frowning"
    squinting = points.copy()
    for eye in (slice(36, 42), slice(42, 48)):
        centre = points[eye].mean(axis=0)
        squinting[eye] = centre + (points[eye] - centre) * np.array([1.0, 0.5])
    assert iso.eyebrows_state(squinting) == "squinting"
    wide_nose = points.copy()
    nose_centre = (points[31] + points[35]) / 2
    wide_nose[[31, 35]] = nose_centre + 1.6 * (points[[31, 35]] - nose_centre)
    assert iso.radial_distortion(wide_nose) == 1


def test_image_checks_on_edited_copies() -> None:
    pixels = load("obama.jpg")
    five, points = face_of(pixels)
    assert iso.face_color_type(pixels, points) == "color"
    assert iso.face_color_type(grayscale(pixels), points) == "grayscale"
    assert iso.face_color_type(tinted_monochrome(pixels), points) == "infrared"
    assert iso.natural_light(pixels, points) == 1
    assert iso.natural_light(grayscale(pixels), points) == 1
    assert iso.natural_light(blue_tint(pixels), points) == 0
    assert iso.red_eyes(pixels, points) == 0
    assert iso.red_eyes(paint_red_pupils(pixels, points), points) == 1
    assert iso.headwear_type(pixels, points) == "none"
    hat = paint_hat(pixels, five)
    assert iso.headwear_type(hat, face_of(hat)[1]) == "hat"


# -- glasses --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["obama.jpg", "obama2.jpg", "obama3.jpg", "biden.jpg"])
def test_glasses_on_bare_and_painted_faces(name: str) -> None:
    pixels = load(name)
    five, _ = face_of(pixels)
    assert glasses_of(pixels) == "no_glasses"
    assert glasses_of(paint_glasses(pixels, five)) == "eyeglasses"
    assert glasses_of(paint_glasses(pixels, five, sunglasses=True)) == "sunglasses"


def test_glasses_measures_move_the_right_way() -> None:
    pixels = load("biden.jpg")
    five, _ = face_of(pixels)
    bare = glasses.measure_glasses(face_chip(pixels, five))
    framed = glasses.measure_glasses(face_chip(paint_glasses(pixels, five), five))
    dark = glasses.measure_glasses(face_chip(paint_glasses(pixels, five, sunglasses=True), five))
    assert framed.bridge > bare.bridge and framed.arm > bare.arm
    assert dark.darkness < bare.darkness and dark.flatness < bare.flatness
    with pytest.raises(ValueError):
        glasses.measure_glasses(np.zeros((10, 10, 3), np.uint8))
