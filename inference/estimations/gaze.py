"""Gaze direction (LUNA `gaze{yaw, pitch}`, degrees, both eyes together): a classical eyeball model.

Method, constants and measurements: docs/estimations.md, "inference/estimations/gaze.py".
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from inference.estimations.head_pose import HeadPose, rotation_matrix
from inference.estimations.iris import EyeLandmarks, Irises

EYEBALL_RADIUS = 0.44
EYEBALL_DEPTH = 0.18
EYEBALL_DROP = -0.06
#: Lower bound of the foreshortening factor of the eye width (a head turned by more than 60 degrees).
MIN_FORESHORTENING = 0.5


@dataclass(frozen=True)
class Gaze:
    #: Degrees; yaw > 0 = the person looks towards the image's left, pitch > 0 = up (docs/estimations.md).
    yaw: float
    pitch: float


def eye_gaze_vector(eye: EyeLandmarks, rotation: NDArray[np.float64]) -> NDArray[np.float64]:
    """Unit gaze vector [3] of one eye in the camera frame (x right, y down, z forward; looking at the camera is
    (0, 0, -1)), from its iris centre and corners and the head rotation."""
    left, right = eye.corners
    width = float(np.hypot(*(right - left)))
    foreshortening = max(float(np.hypot(rotation[0, 0], rotation[1, 0])), MIN_FORESHORTENING)
    frontal_width = max(width, 1e-6) / foreshortening
    midpoint = (left + right) / 2.0
    centre = midpoint + rotation[:2] @ np.array([0.0, EYEBALL_DROP, EYEBALL_DEPTH]) * frontal_width
    offset = (eye.centre - centre) / (EYEBALL_RADIUS * frontal_width)
    norm = float(np.hypot(*offset))
    if norm > 1.0:
        offset = offset / norm
    z = -math.sqrt(max(0.0, 1.0 - float(offset @ offset)))
    return np.array([offset[0], offset[1], z])


def gaze_from_vector(vector: NDArray[np.floating]) -> Gaze:
    """(yaw, pitch) in degrees of a gaze vector in the camera frame (conventions: docs/estimations.md)."""
    g = np.asarray(vector, dtype=np.float64)
    g = g / max(float(np.linalg.norm(g)), 1e-12)
    yaw = math.degrees(math.atan2(-g[0], -g[2]))
    pitch = math.degrees(math.asin(float(np.clip(-g[1], -1.0, 1.0))))
    return Gaze(yaw=yaw, pitch=pitch)


def estimate_gaze(irises: Irises, pose: HeadPose) -> Gaze:
    """Gaze of one face from both eyes' iris landmarks and the head pose (the mean of the two eyes' vectors)."""
    rotation = rotation_matrix(pose.pitch, pose.yaw, pose.roll)
    vectors = [eye_gaze_vector(eye, rotation) for eye in (irises.left, irises.right)]
    return gaze_from_vector(np.mean(vectors, axis=0))
