"""Eye state (LUNA `eyes_attributes{left_eye, right_eye}{state}`) from the 68 landmarks: the eye aspect ratio.

Method, constants and measurements: docs/estimations.md, "inference/estimations/eyes.py".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from inference.estimations.iris import Irises

EAR_CLOSED = 0.1
LEFT_EYE = tuple(range(36, 42))
RIGHT_EYE = tuple(range(42, 48))


def eye_aspect_ratio(points: NDArray[np.floating]) -> float:
    """EAR of six eye points (iBUG order p1..p6)."""
    p = np.asarray(points, dtype=np.float64).reshape(6, 2)
    width = float(np.linalg.norm(p[0] - p[3]))
    if width <= 0:
        return 0.0
    return float((np.linalg.norm(p[1] - p[5]) + np.linalg.norm(p[2] - p[4])) / (2.0 * width))


@dataclass(frozen=True, eq=False)
class EyesAttributes:
    left_ear: float
    right_ear: float
    #: [32, 2] image pixels on each iris contour (inference/estimations/iris.py), when estimated.
    left_iris: NDArray[np.float64] | None = None
    right_iris: NDArray[np.float64] | None = None

    @staticmethod
    def state(ear: float) -> str:
        """v6's state string: "open" or "closed" (never "occluded", see docs/estimations.md)."""
        return "closed" if ear < EAR_CLOSED else "open"

    @property
    def left_state(self) -> str:
        return self.state(self.left_ear)

    @property
    def right_state(self) -> str:
        return self.state(self.right_ear)


def eyes_from_landmarks68(landmarks68: NDArray[np.floating], irises: Irises | None = None) -> EyesAttributes:
    """Eye states of the 68 landmarks, with the 32 iris landmarks of each eye when `irises` is given."""
    points = np.asarray(landmarks68, dtype=np.float64).reshape(68, 2)
    return EyesAttributes(
        left_ear=eye_aspect_ratio(points[list(LEFT_EYE)]),
        right_ear=eye_aspect_ratio(points[list(RIGHT_EYE)]),
        left_iris=irises.left.iris_landmarks() if irises is not None else None,
        right_iris=irises.right.iris_landmarks() if irises is not None else None,
    )
