"""Eye state (LUNA `eyes_attributes{left_eye, right_eye}{state}`) from the 68 landmarks: the eye aspect ratio.

EAR (Soukupová and Čech, "Real-Time Eye Blink Detection using Facial Landmarks", CVWW 2016) of the six iBUG
points of an eye p1..p6 (corner, upper lid x2, corner, lower lid x2): (|p2 - p6| + |p3 - p5|) / (2 |p1 - p4|).
It falls towards 0 as the lids close. The 68 points come from FaceMesh (inference/estimations/landmarks68.py),
whose lid points sit a little inside dlib's, so its EARs run lower than the paper's (open eyes about 0.2-0.3).
Measured on the 70 faces of the test photos (obama x3, biden, dlib's examples/faces), all with open eyes:
EAR 0.128-0.378 (obama.jpg, smiling and squinting: 0.19 / 0.20). Lumen calls an eye "closed" below
EAR_CLOSED = 0.1. LIMITATION: the threshold is not validated on photos of closed eyes (none among the test
photos); "occluded" (v6's third state) is never reported: no cue separates a covered eye from an open one with
landmarks only. `left_eye` is the eye on the image's left (iBUG 36-41), as landmarks5's left_eye.
The state stays on this 68-point EAR: MediaPipe Iris' 16-point eyelid contour (inference/estimations/iris.py)
would give an EAR too, but it is not measurably better: on the synthetic squash of the tests (the eyes resized to
50% / 20% height) its lid-gap ratio moves obama2 0.31 -> 0.27 -> 0.26, obama 0.20 -> 0.18 -> 0.20, biden 0.25 ->
0.21 -> 0.23 (the 68-point EAR: 0.26 -> 0.24 -> 0.23, 0.22 -> 0.17 -> 0.19, 0.23 -> 0.21 -> 0.22), and there are
no photos of closed eyes to validate either.

iris_landmarks (v6: [[x, y] x 32] per eye) come from MediaPipe Iris (inference/estimations/iris.py: its iris
centre and 4 boundary points, an ellipse through them sampled at 32 points); `eyes_from_landmarks68` takes them
when the caller has them (/6/detector and /6/sdk compute them with every eyes_attributes request).
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
        """v6's state string: "open" or "closed" (never "occluded", see the module docstring)."""
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
