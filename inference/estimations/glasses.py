"""Glasses (LUNA `glasses{glasses: "eyeglasses" | "sunglasses" | "no_glasses"}`): a classical estimator on the
aligned face chip (no glasses model exists in the package registries).

Input: the 150x150 dlib chip (inference.alignment.face_chip, from the five landmarks; server/face_inference.py
warp_to_chip for a warp), in which the eye centres sit at (47.8, 46.0) and (102.2, 46.0) (eye distance 54.4 px)
whatever the face's size, roll or position. Luminance Y = 0.299 R + 0.587 G + 0.114 B. Every measure is
relative to the mean luminance of the two cheek boxes under the eyes (x 38..58 and 92..112, y 70..84: skin
that neither lenses nor frames cover), so exposure and skin tone cancel out.

- darkness = mean Y of the two eye boxes (x 34..62 and 88..116, y 37..55) / cheek Y. Sunglass lenses make the
  eye boxes much darker than the skin AND flat; natural eye sockets are darker too, but keep the bright
  sclera and skin: flatness = standard deviation of Y in the eye boxes / cheek Y.
  "sunglasses" when darkness < SUNGLASSES_DARKNESS and flatness < SUNGLASSES_FLATNESS.
- A spectacle frame leaves two cues that bare skin lacks:
  bridge = the depth of the darkest thin horizontal line across the nose bridge: the row profile of the band
  x 71..80, y 34..58 (mean Y of each row), its largest dip (mean of the rows 3 above and 3 below minus the row)
  / cheek Y; the bare nose bridge is a smooth ramp there. bridge_orientation = mean |dY/dy| / mean |dY/dx| in
  x 71..80, y 36..54: a frame bridge is horizontal, the sides of the nose and inner brows are vertical.
  arm = the same row-profile dip in the temple bands (x 10..26 and 124..140, y 34..58), the larger of the two
  sides (a turned head hides one temple): the frame's arm or the lens rim running to the ear.
  "eyeglasses" when bridge >= BRIDGE_DIP, bridge_orientation >= BRIDGE_ORIENTATION and arm >= ARM_DIP.

Calibration and measured outcome (MODELS.md, "classical estimators"): on the 73 faces of the test photos
(face_recognition's obama x3 and biden, dlib's examples/faces, plus matplotlib's grace_hopper and
scikit-image's astronaut used only for calibration), 9 of which wear real eyeglasses (dlib's
2007_007763 #0 #2 #4 #6, 2008_001009 #1, 2008_002079 #3, 2008_002470 #1, 2008_002506 #2, grace_hopper):
5 of the 9 are found (the thin, light or rimless frames on faces 50-70 px wide are missed), no face without
glasses is called eyeglasses (0 of 64) and none is called sunglasses (darkness >= 0.38: the darkest natural
value is a face in deep shadow). Frames painted on obama.jpg and biden.jpg (thin dark rims + bridge + arms)
read as eyeglasses and filled dark lenses as sunglasses (tests/unit/test_iso_checks.py). LIMITATIONS: tuned on
a small set; thin or rimless frames, strongly turned heads and tiny faces are missed; a frown line exactly
across the nose bridge together with a dark temple edge could read as a frame; tinted (not dark) lenses
are eyeglasses or nothing.
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
    """The statistics behind the decision (see the module docstring)."""

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
