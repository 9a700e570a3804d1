"""The 29 ISO/IEC 19794-5 checks of POST /6/iso (v6 §6.23/§6.24): pure functions from one face's estimations and
the image it was found in to `[IsoCheck(name, object_value, threshold_value, result)]`, in v6's order.

Method, constants and measurements: docs/estimations.md, "inference/estimations/iso.py".
"""

from __future__ import annotations

import colorsys
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageDraw

from inference.estimations.eyes import EAR_CLOSED, EyesAttributes, eye_aspect_ratio
from inference.estimations.gaze import Gaze
from inference.estimations.glasses import Glasses
from inference.estimations.head_pose import HeadPose
from inference.estimations.mouth import MouthAttributes, face_frame
from inference.estimations.quality import FaceQuality

Threshold = list[str] | dict[str, float | None] | int
Value = str | float | int | None

HEAD_HEIGHT_FACTOR = 1.9
GEOMETRY_DECIMALS = 2
BROWS_RAISED = 0.45
BROWS_FROWN_GAP = 0.38
BROWS_FROWN_INNER = 0.10
BROWS_SQUINT_EAR = 0.13
SMILE_LEVEL = 0.5
TEETH_OPENED = 0.5
FOREHEAD_BAND = (0.15, 0.95)
SKIN_CHROMATICITY = 0.035
SKIN_LUMINANCE = (0.55, 1.8)
HAT_SKIN_FRACTION = 0.15
TINT_SATURATION = 0.08
SKIN_HUE_DEGREES = (-15.0, 50.0)
MAX_SKIN_SATURATION = 0.75
DISTORTION_NOSE_RATIO = 0.36
PUPIL_RADIUS = 0.2
RED_LEVEL, RED_DOMINANCE, RED_EYE_FRACTION = 150.0, 2.0, 0.3
GRAYSCALE_CHROMA, INFRARED_CHROMA = 3.0, 15.0

#: (name, threshold_value) in v6's order (§6.24, the ISO column).
ISO_THRESHOLDS: tuple[tuple[str, Threshold], ...] = (
    ("image_format", ["JPEG", "JPEG2000", "PNG"]),
    ("illumination_quality", {"min": 0.3, "max": 1}),
    ("specularity_quality", {"min": 0.3, "max": 1}),
    ("blurriness_quality", {"min": 0.61, "max": 1}),
    ("dark_quality", {"min": 0.5, "max": 1}),
    ("light_quality", {"min": 0.57, "max": 1}),
    ("head_yaw", {"min": -5, "max": 5}),
    ("head_pitch", {"min": -5, "max": 5}),
    ("head_roll", {"min": -8, "max": 8}),
    ("gaze_yaw", {"min": -5, "max": 5}),
    ("gaze_pitch", {"min": -5, "max": 5}),
    ("mouth_smiling", {"min": 0, "max": 0.5}),
    ("mouth_occluded", {"min": 0, "max": 0.5}),
    ("mouth_open", {"min": 0, "max": 0.5}),
    ("glasses", ["no_glasses", "eyeglasses"]),
    ("left_eye", ["open"]),
    ("right_eye", ["open"]),
    ("head_horizontal_center", {"min": 0.45, "max": 0.55}),
    ("head_vertical_center", {"min": 0.3, "max": 0.5}),
    ("head_width", {"min": 0.5, "max": 0.75}),
    ("head_height", {"min": 0.6, "max": 0.9}),
    ("eye_distance", {"min": 90, "max": None}),
    ("eyebrows_state", ["neutral"]),
    ("smile_properties", ["none"]),
    ("headwear_type", ["none"]),
    ("natural_light", 1),
    ("radial_distortion", 0),
    ("red_eyes", 0),
    ("face_color_type", ["color"]),
)
ISO_CHECK_NAMES = tuple(name for name, _ in ISO_THRESHOLDS)


@dataclass(frozen=True)
class IsoCheck:
    name: str
    object_value: Value
    threshold_value: Threshold
    #: 1 pass, 0 fail.
    result: int


@dataclass(frozen=True)
class IsoFace:
    """What was estimated for one face (None where it could not be)."""

    #: float [68, 2] pixels of the analysed image (iBUG order).
    landmarks68: NDArray[np.floating] | None
    quality: FaceQuality | None = None
    head_pose: HeadPose | None = None
    gaze: Gaze | None = None
    mouth: MouthAttributes | None = None
    eyes: EyesAttributes | None = None
    glasses: Glasses | None = None


@dataclass(frozen=True)
class IsoImage:
    """The analysed image: RGB uint8 [height, width, 3] and its decoded format name."""

    pixels: NDArray[np.uint8]
    format: str


def passes(value: Value, threshold: Threshold) -> bool:
    """Whether object_value satisfies threshold_value (None never does)."""
    if value is None:
        return False
    if isinstance(threshold, list):
        return value in threshold
    if isinstance(threshold, dict):
        if isinstance(value, str):
            return False
        low, high = threshold.get("min"), threshold.get("max")
        return (low is None or value >= low) and (high is None or value <= high)
    return value == threshold


def iso_status(checks: Sequence[IsoCheck]) -> int:
    """1 when every check passes."""
    return int(all(check.result for check in checks))


# -- measures from the landmarks and pixels -----------------------------------------------------------------


def _points(landmarks68: NDArray[np.floating]) -> NDArray[np.float64]:
    return np.asarray(landmarks68, dtype=np.float64).reshape(68, 2)


def eye_centres(landmarks68: NDArray[np.floating]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    p = _points(landmarks68)
    return p[36:42].mean(axis=0), p[42:48].mean(axis=0)


@dataclass(frozen=True)
class HeadGeometry:
    horizontal_center: float
    vertical_center: float
    width: float
    height: float
    eye_distance: int


def head_geometry(landmarks68: NDArray[np.floating], image_width: int, image_height: int) -> HeadGeometry:
    """ISO/IEC 19794-5 head geometry (see docs/estimations.md for the definitions)."""
    p = _points(landmarks68)
    left, right = eye_centres(p)
    eyes = (left + right) / 2.0
    mouth = (p[48] + p[54]) / 2.0
    middle = (eyes + mouth) / 2.0
    width, height = float(max(image_width, 1)), float(max(image_height, 1))
    return HeadGeometry(
        horizontal_center=round(float(middle[0]) / width, GEOMETRY_DECIMALS),
        vertical_center=round(float(eyes[1]) / height, GEOMETRY_DECIMALS),
        width=round(float(np.linalg.norm(p[16] - p[0])) / width, GEOMETRY_DECIMALS),
        height=round(HEAD_HEIGHT_FACTOR * float(np.linalg.norm(p[8] - eyes)) / height, GEOMETRY_DECIMALS),
        eye_distance=int(round(float(np.linalg.norm(right - left)))),
    )


@dataclass(frozen=True)
class BrowMeasures:
    raise_: float
    inner_gap: float
    inner_height: float
    ear: float


def brow_measures(landmarks68: NDArray[np.floating]) -> BrowMeasures:
    q = face_frame(_points(landmarks68))
    left, right = q[36:42].mean(axis=0), q[42:48].mean(axis=0)
    d = max(float(np.linalg.norm(right - left)), 1e-6)
    raise_ = ((q[[37, 38], 1].mean() - q[17:22, 1].mean()) + (q[[43, 44], 1].mean() - q[22:27, 1].mean())) / 2.0
    inner = ((q[38, 1] - q[21, 1]) + (q[43, 1] - q[22, 1])) / 2.0
    ear = (eye_aspect_ratio(q[36:42]) + eye_aspect_ratio(q[42:48])) / 2.0
    return BrowMeasures(
        raise_=float(raise_) / d,
        inner_gap=float(np.linalg.norm(q[22] - q[21])) / d,
        inner_height=float(inner) / d,
        ear=ear,
    )


def eyebrows_state(landmarks68: NDArray[np.floating]) -> str:
    m = brow_measures(landmarks68)
    if m.raise_ > BROWS_RAISED:
        return "raised"
    if m.inner_gap < BROWS_FROWN_GAP or m.inner_height < BROWS_FROWN_INNER:
        return "frowning"
    if EAR_CLOSED <= m.ear < BROWS_SQUINT_EAR:
        return "squinting"
    return "neutral"


def smile_properties(mouth: MouthAttributes) -> str:
    if mouth.smile < SMILE_LEVEL:
        return "none"
    return "smile_teeth" if mouth.opened >= TEETH_OPENED else "smile_lips"


def _polygon_mask(shape: tuple[int, ...], points: NDArray[np.floating]) -> NDArray[np.bool_]:
    mask = Image.new("L", (int(shape[1]), int(shape[0])), 0)
    ImageDraw.Draw(mask).polygon([(float(x), float(y)) for x, y in points], fill=1)
    return np.asarray(mask, dtype=bool)


def _disc_mask(shape: tuple[int, ...], centre: NDArray[np.floating], radius: float) -> NDArray[np.bool_]:
    yy, xx = np.ogrid[0 : shape[0], 0 : shape[1]]
    return (xx - float(centre[0])) ** 2 + (yy - float(centre[1])) ** 2 <= max(radius, 1.0) ** 2


def cheek_mask(pixels: NDArray[np.uint8], landmarks68: NDArray[np.floating]) -> NDArray[np.bool_]:
    p = _points(landmarks68)
    return _polygon_mask(pixels.shape, p[[1, 2, 3, 31, 39, 40, 41]]) | _polygon_mask(
        pixels.shape, p[[15, 14, 13, 35, 42, 47, 46]]
    )


def _luma(rgb: NDArray[np.float64]) -> NDArray[np.float64]:
    return rgb @ np.array([0.299, 0.587, 0.114])


def _from_face_frame(landmarks68: NDArray[np.floating], points: NDArray[np.float64]) -> NDArray[np.float64]:
    """Face-frame points (mouth.face_frame) back to image pixels."""
    p = _points(landmarks68)
    eyes = p[45] - p[36]
    angle = float(np.arctan2(eyes[1], eyes[0]))
    cos, sin = math.cos(angle), math.sin(angle)
    return np.asarray(points, dtype=np.float64) @ np.array([[cos, -sin], [sin, cos]]).T


def forehead_skin_fraction(pixels: NDArray[np.uint8], landmarks68: NDArray[np.floating]) -> float | None:
    """The skin-coloured fraction of the forehead band (None when the band is outside the image)."""
    q = face_frame(_points(landmarks68))
    d = float(np.linalg.norm(q[42:48].mean(axis=0) - q[36:42].mean(axis=0)))
    brow = float(q[17:27, 1].mean())
    low, high = FOREHEAD_BAND
    band = np.array(
        [
            [q[19, 0], brow - high * d],
            [q[24, 0], brow - high * d],
            [q[24, 0], brow - low * d],
            [q[19, 0], brow - low * d],
        ]
    )
    forehead = _polygon_mask(pixels.shape, _from_face_frame(landmarks68, band))
    cheeks = cheek_mask(pixels, landmarks68)
    if not forehead.any() or not cheeks.any():
        return None
    rgb = pixels.astype(np.float64)
    cheek = rgb[cheeks].mean(axis=0)
    cheek_chroma = cheek / max(float(cheek.sum()), 1.0)
    cheek_luma = max(float(_luma(cheek)), 1.0)
    values = rgb[forehead]
    chroma = values / np.maximum(values.sum(axis=1, keepdims=True), 1.0)
    luma = _luma(values)
    skin = (
        (np.abs(chroma[:, 0] - cheek_chroma[0]) < SKIN_CHROMATICITY)
        & (np.abs(chroma[:, 1] - cheek_chroma[1]) < SKIN_CHROMATICITY)
        & (luma >= SKIN_LUMINANCE[0] * cheek_luma)
        & (luma <= SKIN_LUMINANCE[1] * cheek_luma)
    )
    return float(skin.mean())


def headwear_type(pixels: NDArray[np.uint8], landmarks68: NDArray[np.floating]) -> str | None:
    fraction = forehead_skin_fraction(pixels, landmarks68)
    if fraction is None:
        return None
    return "hat" if fraction < HAT_SKIN_FRACTION else "none"


def skin_hue_saturation(pixels: NDArray[np.uint8], landmarks68: NDArray[np.floating]) -> tuple[float, float] | None:
    """(hue in degrees -180..180, HSV saturation) of the cheeks' mean colour."""
    cheeks = cheek_mask(pixels, landmarks68)
    if not cheeks.any():
        return None
    r, g, b = (pixels[cheeks].astype(np.float64).mean(axis=0) / 255.0).tolist()
    hue, saturation, _ = colorsys.rgb_to_hsv(r, g, b)
    degrees = hue * 360.0
    return (degrees - 360.0 if degrees > 180.0 else degrees), saturation


def natural_light(pixels: NDArray[np.uint8], landmarks68: NDArray[np.floating]) -> int | None:
    measured = skin_hue_saturation(pixels, landmarks68)
    if measured is None:
        return None
    hue, saturation = measured
    if saturation <= TINT_SATURATION:
        return 1
    tinted = not SKIN_HUE_DEGREES[0] <= hue <= SKIN_HUE_DEGREES[1] or saturation > MAX_SKIN_SATURATION
    return 0 if tinted else 1


def nose_ratio(landmarks68: NDArray[np.floating]) -> float:
    p = _points(landmarks68)
    face = float(np.linalg.norm(p[16] - p[0]))
    return float(np.linalg.norm(p[35] - p[31])) / face if face > 0 else 0.0


def radial_distortion(landmarks68: NDArray[np.floating]) -> int:
    return int(nose_ratio(landmarks68) > DISTORTION_NOSE_RATIO)


def red_pupil_fractions(pixels: NDArray[np.uint8], landmarks68: NDArray[np.floating]) -> tuple[float, float]:
    p = _points(landmarks68)
    fractions = []
    for eye in (p[36:42], p[42:48]):
        disc = _disc_mask(pixels.shape, eye.mean(axis=0), PUPIL_RADIUS * float(np.linalg.norm(eye[3] - eye[0])))
        values = pixels[disc].astype(np.float64)
        if values.size == 0:
            fractions.append(0.0)
            continue
        red = (
            (values[:, 0] > RED_LEVEL)
            & (values[:, 0] > RED_DOMINANCE * values[:, 1])
            & (values[:, 0] > RED_DOMINANCE * values[:, 2])
        )
        fractions.append(float(red.mean()))
    return fractions[0], fractions[1]


def red_eyes(pixels: NDArray[np.uint8], landmarks68: NDArray[np.floating]) -> int:
    return int(max(red_pupil_fractions(pixels, landmarks68)) > RED_EYE_FRACTION)


def face_chroma(pixels: NDArray[np.uint8], landmarks68: NDArray[np.floating]) -> float | None:
    p = _points(landmarks68)
    face = _polygon_mask(pixels.shape, np.concatenate([p[0:17], p[26:16:-1]]))
    if not face.any():
        return None
    values = pixels[face].astype(np.float64)
    return float((values.max(axis=1) - values.min(axis=1)).mean())


def face_color_type(pixels: NDArray[np.uint8], landmarks68: NDArray[np.floating]) -> str | None:
    chroma = face_chroma(pixels, landmarks68)
    if chroma is None:
        return None
    if chroma < GRAYSCALE_CHROMA:
        return "grayscale"
    return "infrared" if chroma < INFRARED_CHROMA else "color"


# -- the checks ---------------------------------------------------------------------------------------------


def _number(value: float | None) -> float | None:
    return None if value is None else float(value)


def iso_values(face: IsoFace, image: IsoImage) -> dict[str, Value]:
    """object_value of every check (None where it could not be estimated)."""
    values: dict[str, Value] = dict.fromkeys(ISO_CHECK_NAMES)
    values["image_format"] = image.format or None
    if face.quality is not None:
        values["illumination_quality"] = face.quality.illumination
        values["specularity_quality"] = face.quality.specularity
        values["blurriness_quality"] = face.quality.blurriness
        values["dark_quality"] = face.quality.dark
        values["light_quality"] = face.quality.light
    if face.head_pose is not None:
        values["head_yaw"] = _number(face.head_pose.yaw)
        values["head_pitch"] = _number(face.head_pose.pitch)
        values["head_roll"] = _number(face.head_pose.roll)
    if face.gaze is not None:
        values["gaze_yaw"] = _number(face.gaze.yaw)
        values["gaze_pitch"] = _number(face.gaze.pitch)
    if face.mouth is not None:
        values["mouth_smiling"] = face.mouth.smile
        values["mouth_occluded"] = face.mouth.occluded
        values["mouth_open"] = face.mouth.opened
        values["smile_properties"] = smile_properties(face.mouth)
    if face.glasses is not None:
        values["glasses"] = face.glasses.glasses
    if face.eyes is not None:
        values["left_eye"] = face.eyes.left_state
        values["right_eye"] = face.eyes.right_state
    if face.landmarks68 is not None:
        height, width = image.pixels.shape[:2]
        geometry = head_geometry(face.landmarks68, width, height)
        values["head_horizontal_center"] = geometry.horizontal_center
        values["head_vertical_center"] = geometry.vertical_center
        values["head_width"] = geometry.width
        values["head_height"] = geometry.height
        values["eye_distance"] = geometry.eye_distance
        values["eyebrows_state"] = eyebrows_state(face.landmarks68)
        values["headwear_type"] = headwear_type(image.pixels, face.landmarks68)
        values["natural_light"] = natural_light(image.pixels, face.landmarks68)
        values["radial_distortion"] = radial_distortion(face.landmarks68)
        values["red_eyes"] = red_eyes(image.pixels, face.landmarks68)
        values["face_color_type"] = face_color_type(image.pixels, face.landmarks68)
    return values


def iso_checks(face: IsoFace, image: IsoImage) -> list[IsoCheck]:
    """The 29 checks in v6's order."""
    values = iso_values(face, image)
    return [
        IsoCheck(name, values[name], _copy(threshold), int(passes(values[name], threshold)))
        for name, threshold in ISO_THRESHOLDS
    ]


def _copy(threshold: Threshold) -> Any:
    if isinstance(threshold, list):
        return list(threshold)
    if isinstance(threshold, dict):
        return dict(threshold)
    return threshold
