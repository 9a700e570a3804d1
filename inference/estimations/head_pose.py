"""Head pose (pitch, yaw, roll in degrees) from MTCNN's five landmarks: a least-squares fit of a 3D mean face.

Method, constants and measurements: docs/estimations.md, "inference/estimations/head_pose.py".
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from inference.alignment import MTCNN_TEMPLATE_UNIT
from inference.types import FaceDetection

#: Depth (z, eye distances, + away from the camera) of MTCNN's five points relative to the eye centres,
#: from MediaPipe's canonical face model (see docs/estimations.md).
NOSE_DEPTH = -0.5775
MOUTH_DEPTH = -0.0725


def _mean_face() -> NDArray[np.float64]:
    unit = np.asarray(MTCNN_TEMPLATE_UNIT, dtype=np.float64)
    eye_distance = float(unit[1, 0] - unit[0, 0])
    xy = (unit - (unit[0] + unit[1]) / 2) / eye_distance
    z = np.array([0.0, 0.0, NOSE_DEPTH, MOUTH_DEPTH, MOUTH_DEPTH])
    model = np.column_stack([xy, z])
    return model - model.mean(axis=0)


#: The 3D mean face [5, 3] (centred), eye distance 1.
MEAN_FACE_3D = _mean_face()

_MAX_ITERATIONS = 50
_YAW_STARTS = (0.0, 35.0, -35.0)


@dataclass(frozen=True)
class HeadPose:
    """Head rotation in degrees (conventions: docs/estimations.md)."""

    pitch: float
    yaw: float
    roll: float
    #: RMS distance between the landmarks and the fitted model, in eye distances (0.01-0.07 on the test
    #: photos; large values mean the five points do not look like a face).
    residual: float = 0.0


def rotation_matrix(pitch: float, yaw: float, roll: float) -> NDArray[np.float64]:
    """R = Rz(roll) @ Ry(yaw) @ Rx(pitch), angles in degrees (camera frame x right, y down, z forward)."""
    p, y, r = (math.radians(a) for a in (pitch, yaw, roll))
    rx = np.array([[1, 0, 0], [0, math.cos(p), -math.sin(p)], [0, math.sin(p), math.cos(p)]])
    ry = np.array([[math.cos(y), 0, math.sin(y)], [0, 1, 0], [-math.sin(y), 0, math.cos(y)]])
    rz = np.array([[math.cos(r), -math.sin(r), 0], [math.sin(r), math.cos(r), 0], [0, 0, 1]])
    return rz @ ry @ rx


def project(
    pitch: float, yaw: float, roll: float, scale: float = 1.0, offset: tuple[float, float] = (0.0, 0.0)
) -> NDArray[np.float64]:
    """The five image points [5, 2] of the mean face seen in this pose (weak perspective)."""
    rotated = MEAN_FACE_3D @ rotation_matrix(pitch, yaw, roll).T
    return scale * rotated[:, :2] + np.asarray(offset, dtype=np.float64)


def _residuals(params: NDArray[np.float64], target: NDArray[np.float64]) -> NDArray[np.float64]:
    pitch, yaw, roll, log_scale, tx, ty = params
    return (project(pitch, yaw, roll, math.exp(log_scale), (tx, ty)) - target).reshape(-1)


def _fit(target: NDArray[np.float64], start: NDArray[np.float64]) -> tuple[NDArray[np.float64], float]:
    """Levenberg-Marquardt with a numerical Jacobian (6 parameters, 10 residuals)."""
    params = start.copy()
    residual = _residuals(params, target)
    cost = float(residual @ residual)
    damping = 1e-3
    converged = False
    steps = np.array([1e-4, 1e-4, 1e-4, 1e-6, 1e-6, 1e-6])
    for _ in range(_MAX_ITERATIONS):
        jacobian = np.empty((residual.size, params.size))
        for k in range(params.size):
            shifted = params.copy()
            shifted[k] += steps[k]
            jacobian[:, k] = (_residuals(shifted, target) - residual) / steps[k]
        gradient = jacobian.T @ residual
        normal = jacobian.T @ jacobian
        improved = False
        while damping < 1e8:
            delta = np.linalg.solve(normal + damping * np.diag(np.diag(normal) + 1e-12), -gradient)
            candidate = params + delta
            candidate_residual = _residuals(candidate, target)
            candidate_cost = float(candidate_residual @ candidate_residual)
            if candidate_cost < cost:
                params, residual, improved = candidate, candidate_residual, True
                converged = cost - candidate_cost < 1e-12 * max(cost, 1e-12)
                cost = candidate_cost
                damping = max(damping / 10, 1e-9)
                break
            damping *= 10
        if not improved or converged:
            break
    return params, cost


def _wrap(angle: float) -> float:
    wrapped = (angle + 180.0) % 360.0 - 180.0
    return 180.0 if wrapped == -180.0 else wrapped


def head_pose_from_landmarks(landmarks: NDArray[np.floating]) -> HeadPose:
    """Head pose from MTCNN's five points [5, 2] (left eye, right eye, nose, mouth left, mouth right, as seen
    in the image; image pixels). Raises ValueError for degenerate input (coincident eyes, not finite)."""
    points = np.asarray(landmarks, dtype=np.float64).reshape(5, 2)
    if not np.isfinite(points).all():
        raise ValueError("landmarks are not finite")
    eyes = points[1] - points[0]
    eye_distance = float(np.hypot(*eyes))
    if eye_distance < 1e-6:
        raise ValueError("degenerate landmarks: the eyes coincide")
    # Work in eye-distance units around the centroid (conditioning; angles are unaffected).
    centre = points.mean(axis=0)
    target = (points - centre) / eye_distance
    roll0 = math.degrees(math.atan2(eyes[1], eyes[0]))
    best: tuple[NDArray[np.float64], float] | None = None
    for yaw0 in _YAW_STARTS:
        start = np.array([0.0, yaw0, roll0, 0.0, 0.0, 0.0])
        params, cost = _fit(target, start)
        if best is None or cost < best[1]:
            best = (params, cost)
    assert best is not None
    params, cost = best
    # Canonicalise through the rotation matrix: yaw in [-90, 90], pitch and roll in (-180, 180].
    matrix = rotation_matrix(params[0], params[1], params[2])
    pitch, yaw, roll = _euler(matrix)
    return HeadPose(pitch=pitch, yaw=yaw, roll=roll, residual=math.sqrt(cost / 5.0))


def _euler(matrix: NDArray[np.float64]) -> tuple[float, float, float]:
    """(pitch, yaw, roll) in degrees of R = Rz(roll) Ry(yaw) Rx(pitch); yaw in [-90, 90], the others in
    (-180, 180] (a face the fit sees from the front has |pitch| < 90)."""
    yaw = math.degrees(math.asin(float(np.clip(-matrix[2, 0], -1.0, 1.0))))
    pitch = math.degrees(math.atan2(matrix[2, 1], matrix[2, 2]))
    roll = math.degrees(math.atan2(matrix[1, 0], matrix[0, 0]))
    return _wrap(pitch), yaw, _wrap(roll)


def estimate_head_pose(detection: FaceDetection) -> HeadPose:
    """Head pose of a detected face (uses its five landmarks; the box is not needed by the 5-point fit)."""
    return head_pose_from_landmarks(detection.landmarks)
