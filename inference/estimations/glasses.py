"""Glasses (LUNA `glasses{glasses: "eyeglasses" | "sunglasses" | "no_glasses"}`): a classical estimator on the
aligned face chip (no glasses model exists in the package registries).

Method, constants and measurements: docs/estimations.md, "inference/estimations/glasses.py".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

GLASSES_STATES = ("no_glasses", "eyeglasses", "sunglasses")

CHIP = 150
CHEEK_BOXES = ((38, 70, 58, 84), (92, 70, 112, 84))  # x0, y0, x1, y1 (exclusive)
EYE_BOXES = ((34, 37, 62, 55), (88, 37, 116, 55))
BRIDGE_BAND = (71, 34, 80, 58)
BRIDGE_ORIENTATION_BOX = (71, 36, 80, 54)
TEMPLE_BANDS = ((10, 34, 26, 58), (124, 34, 140, 58))
DIP_OFFSET = 3

SUNGLASSES_DARKNESS = 0.33
SUNGLASSES_FLATNESS = 0.12
BRIDGE_DIP = 0.09
BRIDGE_ORIENTATION = 0.7
ARM_DIP = 0.07


@dataclass(frozen=True)
class Glasses:
    #: One of GLASSES_STATES.
    glasses: str


@dataclass(frozen=True)
class GlassesMeasures:
    """The statistics behind the decision (see docs/estimations.md)."""

    darkness: float
    flatness: float
    bridge: float
    bridge_orientation: float
    arm: float


def _luminance(chip: NDArray[np.uint8]) -> NDArray[np.float64]:
    rgb = np.asarray(chip, dtype=np.float64)
    return rgb[..., 0] * 0.299 + rgb[..., 1] * 0.587 + rgb[..., 2] * 0.114


def _box(grey: NDArray[np.float64], box: tuple[int, int, int, int]) -> NDArray[np.float64]:
    x0, y0, x1, y1 = box
    return grey[y0:y1, x0:x1]


def _dip(profile: NDArray[np.float64], offset: int = DIP_OFFSET) -> float:
    """The deepest thin dark line of a profile: max over i of (p[i - offset] + p[i + offset]) / 2 - p[i]."""
    p = np.asarray(profile, dtype=np.float64)
    if p.size <= 2 * offset:
        return 0.0
    return float(np.max((p[: -2 * offset] + p[2 * offset :]) / 2.0 - p[offset:-offset]))


def measure_glasses(chip: NDArray[np.uint8]) -> GlassesMeasures:
    """The glasses statistics of a 150x150 RGB chip."""
    if chip.shape != (CHIP, CHIP, 3):
        raise ValueError(f"expected a [{CHIP}, {CHIP}, 3] chip, got {chip.shape}")
    grey = _luminance(chip)
    cheek = float(np.concatenate([_box(grey, box).ravel() for box in CHEEK_BOXES]).mean())
    cheek = max(cheek, 1.0)
    eyes = np.concatenate([_box(grey, box).ravel() for box in EYE_BOXES])
    bridge = _dip(_box(grey, BRIDGE_BAND).mean(axis=1)) / cheek
    x0, y0, x1, y1 = BRIDGE_ORIENTATION_BOX
    dy = np.abs(np.diff(grey[y0 : y1 + 1, x0:x1], axis=0)).mean()
    dx = np.abs(np.diff(grey[y0:y1, x0 : x1 + 1], axis=1)).mean()
    arm = max(_dip(_box(grey, band).mean(axis=1)) for band in TEMPLE_BANDS) / cheek
    return GlassesMeasures(
        darkness=float(eyes.mean()) / cheek,
        flatness=float(eyes.std()) / cheek,
        bridge=bridge,
        bridge_orientation=float(dy / max(dx, 1e-6)),
        arm=arm,
    )


def glasses_from_measures(values: GlassesMeasures) -> Glasses:
    if values.darkness < SUNGLASSES_DARKNESS and values.flatness < SUNGLASSES_FLATNESS:
        return Glasses("sunglasses")
    if values.bridge >= BRIDGE_DIP and values.bridge_orientation >= BRIDGE_ORIENTATION and values.arm >= ARM_DIP:
        return Glasses("eyeglasses")
    return Glasses("no_glasses")


def estimate_glasses(chip: NDArray[np.uint8]) -> Glasses:
    """The glasses class of an aligned 150x150 face chip."""
    return glasses_from_measures(measure_glasses(chip))
