"""Iris landmarks (LUNA `eyes_attributes.{left_eye, right_eye}.iris_landmarks`, 32 points) with MediaPipe Iris.

Method, constants and measurements: docs/estimations.md, "inference/estimations/iris.py".
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from inference.alignment import warp_affine
from inference.image import RgbImage, from_array
from inference.models import IRIS
from inference.transport import InferenceTransport

IRIS_CHIP_SIZE = 64
ROI_SCALE = 2.3
CONTOUR_POINTS = 71
IRIS_POINTS = 5
#: v6 iris_landmarks per eye.
IRIS_LANDMARKS = 32
#: FaceMesh vertices (start, end) of the rotation vector of each eye's crop, as MediaPipe: the eye on the image's
#: left (outer corner 33, inner 133) and on the image's right (inner 362, outer 263; flipped).
LEFT_EYE_CORNERS = (33, 133)
RIGHT_EYE_CORNERS = (362, 263)
#: Indices of the eyelid contour in the 71 points: outer corner, inner corner, and the 16-point eyelid loop.
OUTER_CORNER, INNER_CORNER = 0, 8
EYELID = tuple(range(16))


@dataclass(frozen=True, eq=False)
class EyeLandmarks:
    """MediaPipe Iris output for one eye, in image pixels."""

    #: float64 [71, 3] x, y image pixels, z relative depth (image pixels); EYELID = the first 16.
    contour: NDArray[np.float64]
    #: float64 [5, 3] iris centre, then 4 boundary points.
    iris: NDArray[np.float64]

    @property
    def centre(self) -> NDArray[np.float64]:
        """Iris centre [2] (image pixels)."""
        return self.iris[0, :2]

    @property
    def corners(self) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """(the corner on the image's left, the corner on the image's right) [2] each."""
        a, b = self.contour[OUTER_CORNER, :2], self.contour[INNER_CORNER, :2]
        return (a, b) if a[0] <= b[0] else (b, a)

    @property
    def eyelid(self) -> NDArray[np.float64]:
        """[16, 2] the eyelid contour (corner, lower lid, other corner, upper lid)."""
        return self.contour[list(EYELID), :2]

    def iris_ellipse(self) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
        """(centre c, u, v): the iris ellipse c + u cos t + v sin t (docs/estimations.md)."""
        left, right = self.corners
        axis = right - left
        norm = float(np.hypot(*axis))
        along = axis / norm if norm > 0 else np.array([1.0, 0.0])
        across = np.array([-along[1], along[0]])  # along rotated +90 degrees: downwards in image coordinates
        offsets = self.iris[1:, :2] - self.centre
        horizontal = np.abs(offsets @ along)
        order = np.argsort(-horizontal)
        pair_u, pair_v = offsets[order[:2]], offsets[order[2:]]
        first, second = pair_u[np.argsort(pair_u @ along)]
        u = (second - first) / 2.0
        top, bottom = pair_v[np.argsort(pair_v @ across)]
        v = (bottom - top) / 2.0
        return self.centre, u, v

    def iris_landmarks(self, count: int = IRIS_LANDMARKS) -> NDArray[np.float64]:
        """[count, 2] points on the iris ellipse, image pixels (docs/estimations.md)."""
        centre, u, v = self.iris_ellipse()
        t = 2.0 * np.pi * np.arange(count) / count
        return centre + np.outer(np.cos(t), u) + np.outer(np.sin(t), v)

    @property
    def iris_radius(self) -> float:
        """Mean distance of the 4 boundary points from the centre (image pixels)."""
        return float(np.linalg.norm(self.iris[1:, :2] - self.centre, axis=1).mean())


@dataclass(frozen=True, eq=False)
class Irises:
    """Both eyes of one face: `left` is the eye on the image's left."""

    left: EyeLandmarks
    right: EyeLandmarks


def eye_crop_transform(start: NDArray[np.floating], end: NDArray[np.floating], *, flip: bool) -> NDArray[np.float64]:
    """The 2x3 map from chip pixels (centres at integers) to image pixels for the eye with these two corners.

    Chip point c maps to centre + side / 64 * Rot(angle) @ F @ (c + 0.5 - 32), F = diag(-1, 1) when flipped: the
    chip spans the square of side ROI_SCALE * |end - start| centred between the corners, its x axis along
    start -> end (reversed when flipped)."""
    a = np.asarray(start, dtype=np.float64)[:2]
    b = np.asarray(end, dtype=np.float64)[:2]
    delta = b - a
    distance = float(np.hypot(*delta))
    angle = math.atan2(delta[1], delta[0])
    scale = ROI_SCALE * max(distance, 1e-6) / IRIS_CHIP_SIZE
    cos, sin = math.cos(angle) * scale, math.sin(angle) * scale
    linear = np.array([[cos, -sin], [sin, cos]])
    if flip:
        linear = linear @ np.diag([-1.0, 1.0])
    centre = (a + b) / 2.0
    half = IRIS_CHIP_SIZE / 2.0 - 0.5
    matrix = np.empty((2, 3), dtype=np.float64)
    matrix[:, :2] = linear
    matrix[:, 2] = centre - linear @ np.array([half, half])
    return matrix


def _eye_transforms(mesh_points: NDArray[np.floating]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    points = np.asarray(mesh_points, dtype=np.float64)
    left = eye_crop_transform(points[LEFT_EYE_CORNERS[0]], points[LEFT_EYE_CORNERS[1]], flip=False)
    right = eye_crop_transform(points[RIGHT_EYE_CORNERS[0]], points[RIGHT_EYE_CORNERS[1]], flip=True)
    return left, right


def iris_chips(
    image: RgbImage, meshes: Sequence[NDArray[np.floating]]
) -> tuple[NDArray[np.uint8], list[NDArray[np.float64]]]:
    """The eye crops uint8 [2N, 64, 64, 3] (left eye, right eye flipped, per face) of faces with these FaceMesh
    points ([468, 2+] image pixels each), and their chip -> image transforms."""
    transforms: list[NDArray[np.float64]] = []
    for points in meshes:
        transforms.extend(_eye_transforms(points))
    if not transforms:
        return np.empty((0, IRIS_CHIP_SIZE, IRIS_CHIP_SIZE, 3), np.uint8), []
    pil = from_array(image)
    return np.stack([warp_affine(pil, matrix, IRIS_CHIP_SIZE) for matrix in transforms]), transforms


def to_image(chip_points: NDArray[np.floating], transform: NDArray[np.float64]) -> NDArray[np.float64]:
    """Model points [K, 3] (x, y continuous chip coordinates 0..64, as MediaPipe) -> image pixels."""
    points = np.asarray(chip_points, dtype=np.float64).reshape(-1, 3)
    linear = transform[:, :2]
    out = np.empty_like(points)
    # Continuous chip coordinate x is pixel-centre coordinate x - 0.5.
    out[:, :2] = (points[:, :2] - 0.5) @ linear.T + transform[:, 2]
    out[:, 2] = points[:, 2] * float(np.sqrt(abs(np.linalg.det(linear))))
    return out


class IrisEstimator:
    """MediaPipe Iris through an InferenceTransport (LocalTransport or TritonTransport)."""

    def __init__(self, transport: InferenceTransport) -> None:
        self._transport = transport

    def estimate_chips(self, chips: NDArray[np.uint8], transforms: Sequence[NDArray[np.float64]]) -> list[EyeLandmarks]:
        """One EyeLandmarks per chip (one batched call), mapped to the image with its transform."""
        if not len(transforms):
            return []
        outputs = self._transport.infer(IRIS, {IRIS.inputs[0]: np.ascontiguousarray(chips)})
        contours = np.asarray(outputs[IRIS.outputs[0]]).reshape(len(transforms), CONTOUR_POINTS, 3)
        irises = np.asarray(outputs[IRIS.outputs[1]]).reshape(len(transforms), IRIS_POINTS, 3)
        return [
            EyeLandmarks(contour=to_image(contour, matrix), iris=to_image(iris, matrix))
            for contour, iris, matrix in zip(contours, irises, transforms, strict=True)
        ]

    def estimate(self, image: RgbImage, meshes: Sequence[NDArray[np.floating]]) -> list[Irises]:
        """Both eyes of the faces with these FaceMesh points (FaceMesh.points, [468, 2+] image pixels), one call."""
        chips, transforms = iris_chips(image, list(meshes))
        eyes = self.estimate_chips(chips, transforms)
        return [Irises(left=eyes[2 * i], right=eyes[2 * i + 1]) for i in range(len(eyes) // 2)]
