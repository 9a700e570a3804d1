"""Mouth (LUNA `mouth_attributes{opened, occluded, smile, score}`) from the 68 landmarks: lip geometry.

Method, constants and measurements: docs/estimations.md, "inference/estimations/mouth.py".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

OPENED_CENTER, OPENED_SCALE = 0.12, 0.03
SMILE_ELEVATION, SMILE_ELEVATION_SCALE = 0.04, 0.03
SMILE_WIDTH, SMILE_WIDTH_SCALE = 0.66, 0.05


def _sigmoid(value: float) -> float:
    return float(1.0 / (1.0 + np.exp(-np.clip(value, -50.0, 50.0))))


@dataclass(frozen=True)
class MouthAttributes:
    opened: float
    smile: float
    occluded: float = 0.0

    @property
    def score(self) -> float:
        return 1.0 - self.smile


def face_frame(landmarks68: NDArray[np.floating]) -> NDArray[np.float64]:
    """The 68 points rotated so that the outer eye corners (36, 45) are horizontal."""
    points = np.asarray(landmarks68, dtype=np.float64).reshape(68, 2)
    eyes = points[45] - points[36]
    angle = float(np.arctan2(eyes[1], eyes[0]))
    cos, sin = np.cos(-angle), np.sin(-angle)
    return points @ np.array([[cos, -sin], [sin, cos]]).T


def mouth_measures(landmarks68: NDArray[np.floating]) -> tuple[float, float, float]:
    """(inner-lip gap ratio, corner elevation, mouth width over eye distance)."""
    q = face_frame(landmarks68)
    inner_width = float(np.linalg.norm(q[64] - q[60]))
    width = float(np.linalg.norm(q[54] - q[48]))
    eyes = float(np.linalg.norm(q[45] - q[36]))
    gap = float(np.linalg.norm(q[66] - q[62])) / inner_width if inner_width > 0 else 0.0
    centre = (q[62, 1] + q[66, 1]) / 2.0
    elevation = float(centre - (q[48, 1] + q[54, 1]) / 2.0) / width if width > 0 else 0.0
    return gap, elevation, (width / eyes if eyes > 0 else 0.0)


def mouth_from_landmarks68(landmarks68: NDArray[np.floating], occluded: float = 0.0) -> MouthAttributes:
    """The mouth from the 68 points; `occluded` is the mask classifier's p(mask) (see docs/estimations.md)."""
    gap, elevation, width = mouth_measures(landmarks68)
    opened = _sigmoid((gap - OPENED_CENTER) / OPENED_SCALE)
    smile = _sigmoid((elevation - SMILE_ELEVATION) / SMILE_ELEVATION_SCALE + (width - SMILE_WIDTH) / SMILE_WIDTH_SCALE)
    return MouthAttributes(opened=opened, smile=smile, occluded=float(occluded))
