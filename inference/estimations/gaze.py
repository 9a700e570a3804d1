"""Gaze direction (LUNA `gaze{yaw, pitch}`, degrees, both eyes together): a classical eyeball model.

Inputs: the MediaPipe Iris landmarks of both eyes (inference/estimations/iris.py: iris centre, eye corners) and
the head pose (inference/estimations/head_pose.py: rotation R = Rz(roll) Ry(yaw) Rx(pitch) from the head frame,
x right, y down, z away from the camera as a frontal face is seen, to the camera frame x right, y down, z
forward). No gaze network is involved.

Eyeball model (weak perspective, per eye). The eye's width W (corner-to-corner distance in the image) shrinks as
the head turns; divided by the length of the head's projected x axis |(R[0, 0], R[1, 0])| (at least 0.5) it gives
the eye width seen frontally, W0. The eyeball is a sphere of radius EYEBALL_RADIUS * W0 whose centre lies, in the
head frame, EYEBALL_DEPTH * W0 behind the midpoint of the corners and EYEBALL_DROP * W0 below it; its image is
O = midpoint + R[:2] @ (0, EYEBALL_DROP, EYEBALL_DEPTH) * W0. The iris centre I lies on the sphere along the gaze
direction g (a unit vector in the camera frame), so (I - O) = EYEBALL_RADIUS * W0 * (g_x, g_y): each component
is the sine of the gaze angle, angle = asin(offset / eyeball radius), and g_z = -sqrt(1 - g_x^2 - g_y^2)
(towards the camera). The two eyes' vectors are averaged (LUNA: "both eyes at once"). Because O moves with the
head, the result is the gaze in the camera frame (head rotation + eye-in-head rotation), not relative to the head.

Constants, in units of W (the distance between the iris model's eye corners, contour points 0 and 8): the
visible iris diameter, 11.7 mm in adults with little spread, is median 0.43 W on the 282 eyes of
deploy/convert/verify_iris.json, so W is about 27 mm. EYEBALL_RADIUS = 0.44: an adult eyeball radius of 12 mm.
EYEBALL_DEPTH = 0.18: the eyeball centre about 5 mm behind the corner midpoint (corneal apex 13 mm in front of
the centre, canthi about 8 mm behind the apex). EYEBALL_DROP = -0.06: at rest the iris centre
sits above the corner line; the median offset across the eye axis of the iris centre from the eyeball centre
placed with EYEBALL_DROP = 0, measured on the 67 faces of dlib's examples/faces (group photos, people looking at
the camera; not the photos the tests use), is -0.06 W0.

Conventions (degrees; LUNA documents the range [-180, 180] and no signs; these match head_pose.py for yaw):
- yaw   > 0: the person looks towards the left of the image (the subject's right); < 0 towards the image's
  right. yaw = atan2(-g_x, -g_z); mirroring the image flips its sign.
- pitch > 0: the person looks up; < 0 down. pitch = asin(-g_y). NOTE: head_pose's pitch has the opposite sign
  (> 0 looks down), as the two conventions were fixed separately; looking at the camera gives 0 for both.

Accuracy: a geometric model with population constants. The head-pose pitch (5-point fit, person-dependent
bias of several degrees, head_pose.py) enters the gaze pitch fully; eyelids hide the upper iris, so the vertical
eye angle is less certain than the horizontal. Expect errors of the order of 5-10 degrees in yaw and 10-15 in
pitch; it distinguishes "looks at the camera" from "looks clearly aside", not fine gaze targets.
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
    #: Degrees; yaw > 0 = the person looks towards the image's left, pitch > 0 = up (module docstring).
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
    """(yaw, pitch) in degrees of a gaze vector in the camera frame (conventions in the module docstring)."""
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
