"""Image quality of a face (LUNA's `quality`: blurriness, dark, light, illumination, specularity), each in
[0, 1] where 1 is good, from classical statistics of the aligned face.

Method, constants and measurements: docs/estimations.md, "inference/estimations/quality.py".
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from inference.alignment import CHIP_PADDING, CHIP_SIZE, chip_to_image_transform, face_chip
from inference.image import RgbImage
from inference.types import FaceDetection

FACE_CENTRE = (75.0, 76.0)
FACE_AXES = (42.0, 50.0)
INNER_BOX = (40, 35, 110, 115)  # x0, y0, x1, y1 (exclusive)
SHARPNESS_RAMP = (-3.0, -1.6)  # log10(sharpness)
DARK_RAMP = (20.0, 75.0)
LIGHT_RAMP = (190.0, 245.0)
CLIPPED_LEVEL = 250.0
CLIPPED_RAMP = (0.02, 0.5)
UNIFORMITY_RAMP = (0.45, 0.9)
TOP_BOTTOM_ALLOWANCE = 0.1
SPECULAR_LEVEL = 220.0
SPECULAR_MAX_SATURATION = 0.3
SPECULAR_LOCAL_CONTRAST = 20.0
SPECULAR_WINDOW = 15
SPECULAR_RAMP = (0.0, 0.08)
#: Fewer valid FACE pixels than this (the face mostly outside the photo): every factor is 0.
MIN_VALID_FRACTION = 0.25


@dataclass(frozen=True)
class FaceQuality:
    """LUNA's `detection.quality`: each factor in [0, 1], 1 = good."""

    blurriness: float
    dark: float
    light: float
    illumination: float
    specularity: float


@dataclass(frozen=True)
class QualityMeasurements:
    """The raw statistics behind FaceQuality (see docs/estimations.md)."""

    sharpness: float
    mean_luminance: float
    clipped_fraction: float
    uniformity: float
    specular_fraction: float
    valid_fraction: float


def smoothstep(value: float, low: float, high: float) -> float:
    """0 at or below `low`, 1 at or above `high`, a smooth cubic ramp between."""
    t = min(max((value - low) / (high - low), 0.0), 1.0)
    return t * t * (3.0 - 2.0 * t)


def _masks() -> tuple[NDArray[np.bool_], NDArray[np.bool_], NDArray[np.intp], NDArray[np.intp]]:
    yy, xx = np.mgrid[0:CHIP_SIZE, 0:CHIP_SIZE]
    face = ((xx - FACE_CENTRE[0]) / FACE_AXES[0]) ** 2 + ((yy - FACE_CENTRE[1]) / FACE_AXES[1]) ** 2 <= 1.0
    x0, y0, x1, y1 = INNER_BOX
    inner = (xx >= x0) & (xx < x1) & (yy >= y0) & (yy < y1)
    return face, inner, xx, yy


_FACE, _INNER, _XX, _YY = _masks()
_LEFT = _FACE & (_XX < 70)
_RIGHT = _FACE & (_XX >= 80)
_TOP = _FACE & (_YY < 70)
_BOTTOM = _FACE & (_YY >= 82)


def _luminance(chip: NDArray[np.uint8]) -> NDArray[np.float64]:
    rgb = chip.astype(np.float64)
    return rgb[..., 0] * 0.299 + rgb[..., 1] * 0.587 + rgb[..., 2] * 0.114


def _laplacian(grey: NDArray[np.float64]) -> NDArray[np.float64]:
    """4-neighbour Laplacian, same size (edges replicated)."""
    padded = np.pad(grey, 1, mode="edge")
    return padded[1:-1, :-2] + padded[1:-1, 2:] + padded[:-2, 1:-1] + padded[2:, 1:-1] - 4.0 * padded[1:-1, 1:-1]


def _box_mean(values: NDArray[np.float64], size: int) -> NDArray[np.float64]:
    """Mean over a size x size window (edges replicated), with summed-area tables."""
    half = size // 2
    padded = np.pad(values, half, mode="edge")
    table = np.pad(padded.cumsum(axis=0).cumsum(axis=1), ((1, 0), (1, 0)))
    h, w = values.shape
    total = (
        table[size : size + h, size : size + w]
        - table[:h, size : size + w]
        - table[size : size + h, :w]
        + table[:h, :w]
    )
    return total / float(size * size)


def _ratio(a: float, b: float) -> float:
    high = max(a, b)
    return 1.0 if high <= 0 else min(a, b) / high


def _region_mean(values: NDArray[np.float64], mask: NDArray[np.bool_]) -> float:
    selected = values[mask]
    return float(selected.mean()) if selected.size else 0.0


def measure(chip: NDArray[np.uint8], valid: NDArray[np.bool_] | None = None) -> QualityMeasurements:
    """Raw statistics of a 150x150 RGB chip; `valid` [150, 150] marks pixels that came from the photo."""
    if chip.shape != (CHIP_SIZE, CHIP_SIZE, 3) or chip.dtype != np.uint8:
        raise ValueError(f"expected a uint8 [{CHIP_SIZE}, {CHIP_SIZE}, 3] chip, got {chip.dtype} {chip.shape}")
    ok = np.ones((CHIP_SIZE, CHIP_SIZE), dtype=bool) if valid is None else np.asarray(valid, dtype=bool)
    grey = _luminance(chip)
    face = _FACE & ok
    valid_fraction = float(face.sum() / _FACE.sum())
    face_values = grey[face]
    if face_values.size == 0:
        return QualityMeasurements(0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
    # Blur: only where the Laplacian's 3x3 support lies inside valid pixels.
    inner = _INNER & ok
    inner[[0, -1], :] = False
    inner[:, [0, -1]] = False
    support = ok & np.roll(ok, 1, 0) & np.roll(ok, -1, 0) & np.roll(ok, 1, 1) & np.roll(ok, -1, 1)
    inner &= support
    laplacian = _laplacian(grey)[inner]
    brightness = float(grey[inner].mean()) if laplacian.size else 0.0
    sharpness = float(laplacian.var() / brightness**2) if brightness > 1.0 else 0.0
    mean_luminance = float(face_values.mean())
    clipped = float((face_values >= CLIPPED_LEVEL).mean())
    left, right = _region_mean(grey, _LEFT & ok), _region_mean(grey, _RIGHT & ok)
    top, bottom = _region_mean(grey, _TOP & ok), _region_mean(grey, _BOTTOM & ok)
    uniformity = min(_ratio(left, right), min(1.0, _ratio(top, bottom) + TOP_BOTTOM_ALLOWANCE))
    rgb = chip.astype(np.float64)
    high = rgb.max(axis=2)
    saturation = (high - rgb.min(axis=2)) / np.maximum(high, 1.0)
    local = _box_mean(grey, SPECULAR_WINDOW)
    specular = (
        (grey >= SPECULAR_LEVEL) & (saturation < SPECULAR_MAX_SATURATION) & (grey >= local + SPECULAR_LOCAL_CONTRAST)
    )
    specular_fraction = float(specular[face].mean())
    return QualityMeasurements(
        sharpness=sharpness,
        mean_luminance=mean_luminance,
        clipped_fraction=clipped,
        uniformity=uniformity,
        specular_fraction=specular_fraction,
        valid_fraction=valid_fraction,
    )


def quality_from_measurements(values: QualityMeasurements) -> FaceQuality:
    if values.valid_fraction < MIN_VALID_FRACTION:
        return FaceQuality(0.0, 0.0, 0.0, 0.0, 0.0)
    blurriness = smoothstep(math.log10(max(values.sharpness, 1e-12)), *SHARPNESS_RAMP)
    dark = smoothstep(values.mean_luminance, *DARK_RAMP)
    light = (1.0 - smoothstep(values.mean_luminance, *LIGHT_RAMP)) * (
        1.0 - smoothstep(values.clipped_fraction, *CLIPPED_RAMP)
    )
    illumination = smoothstep(values.uniformity, *UNIFORMITY_RAMP)
    specularity = 1.0 - smoothstep(values.specular_fraction, *SPECULAR_RAMP)
    return FaceQuality(
        blurriness=blurriness, dark=dark, light=light, illumination=illumination, specularity=specularity
    )


def chip_quality(chip: NDArray[np.uint8], valid: NDArray[np.bool_] | None = None) -> FaceQuality:
    """Quality of an aligned 150x150 chip (e.g. ExtractedFace.chip); `valid` as in measure()."""
    return quality_from_measurements(measure(chip, valid))


def valid_chip_pixels(
    landmarks: NDArray[np.floating],
    image_height: int,
    image_width: int,
    size: int = CHIP_SIZE,
    padding: float = CHIP_PADDING,
) -> NDArray[np.bool_]:
    """[size, size] mask of the chip pixels whose source lies inside the photo."""
    matrix = chip_to_image_transform(landmarks, size, padding)
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float64)
    x = matrix[0, 0] * xx + matrix[0, 1] * yy + matrix[0, 2]
    y = matrix[1, 0] * xx + matrix[1, 1] * yy + matrix[1, 2]
    return (x >= -0.5) & (x <= image_width - 0.5) & (y >= -0.5) & (y <= image_height - 0.5)


def estimate_quality(image: RgbImage, detection: FaceDetection, chip: NDArray[np.uint8] | None = None) -> FaceQuality:
    """Quality of a detected face; pass its chip when it is already made (ExtractedFace.chip)."""
    if chip is None:
        chip = face_chip(image, detection.landmarks)
    valid = valid_chip_pixels(detection.landmarks, image.shape[0], image.shape[1])
    return chip_quality(chip, valid)
