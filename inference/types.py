"""Plain data passed in and out of the inference package (numpy arrays and dataclasses, no protobuf)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

#: Order of the five landmarks. "left"/"right" are as seen in the image (left_eye has the smaller x),
#: which is the subject's right eye for a frontal face.
LANDMARK_NAMES = ("left_eye", "right_eye", "nose", "mouth_left", "mouth_right")


@dataclass(frozen=True, eq=False)
class FaceDetection:
    """A detected face. Coordinates are image pixels (x right, y down), the box is clipped to the image."""

    x: float
    y: float
    width: float
    height: float
    score: float
    #: float32 [5, 2]: (x, y) of LANDMARK_NAMES, in image pixels (pixel centres at integer coordinates).
    landmarks: NDArray[np.float32] = field(repr=False)

    @property
    def box(self) -> tuple[float, float, float, float]:
        return (self.x, self.y, self.width, self.height)


@dataclass(frozen=True, eq=False)
class ExtractedFace:
    """A detection with its aligned chip and descriptor."""

    detection: FaceDetection
    #: uint8 [150, 150, 3] RGB dlib face chip.
    chip: NDArray[np.uint8] = field(repr=False)
    #: float32 [128], L2-normalised.
    descriptor: NDArray[np.float32] = field(repr=False)
