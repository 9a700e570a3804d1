"""68 face landmarks (LUNA `landmarks68`, iBUG 300-W order) from MediaPipe FaceMesh's 468 points.

Method, constants and measurements: docs/estimations.md, "inference/estimations/landmarks68.py".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from inference.alignment import crop_chip, crop_to_image_transform
from inference.image import RgbImage, from_array
from inference.models import FACEMESH
from inference.transport import InferenceTransport

FACEMESH_CHIP_SIZE = 192
FACEMESH_POINTS = 468
#: MediaPipe's landmark ROI in unit-template coordinates (inference.alignment.MTCNN_TEMPLATE_UNIT: the face
#: spans about [0, 1]): centre and side of the square crop. Medians measured by deploy/convert/verify_facemesh.py
#: on 19 faces (centre x made symmetric).
ROI_CENTER_UNIT = (0.5, 0.52)
ROI_SIZE_UNIT = 2.15

#: iBUG 300-W point i = FaceMesh vertex IBUG68_FROM_FACEMESH[i].
IBUG68_FROM_FACEMESH: tuple[int, ...] = (
    # 0-16 jaw, from the image's left (subject's right) temple over the chin (8 = 152) to the right.
    234,
    93,
    132,
    58,
    172,
    136,
    150,
    176,
    152,
    400,
    379,
    365,
    397,
    288,
    361,
    323,
    454,
    # 17-21 left brow (outer -> inner), 22-26 right brow (inner -> outer).
    70,
    63,
    105,
    66,
    107,
    336,
    296,
    334,
    293,
    300,
    # 27-30 nose bridge (between the eyes -> tip), 31-35 nostrils and subnasale (left -> right).
    168,
    197,
    5,
    4,
    98,
    97,
    2,
    326,
    327,
    # 36-41 left eye: outer corner, upper lid x2, inner corner, lower lid x2.
    33,
    160,
    158,
    133,
    153,
    144,
    # 42-47 right eye: inner corner, upper lid x2, outer corner, lower lid x2.
    362,
    385,
    387,
    263,
    373,
    380,
    # 48-59 outer lips: left corner, upper lip to the right corner (54), lower lip back.
    61,
    40,
    37,
    0,
    267,
    270,
    291,
    321,
    314,
    17,
    84,
    91,
    # 60-67 inner lips: left corner, upper to the right corner (64), lower back.
    78,
    81,
    13,
    311,
    308,
    402,
    14,
    178,
)
assert len(IBUG68_FROM_FACEMESH) == 68 and len(set(IBUG68_FROM_FACEMESH)) == 68


@dataclass(frozen=True, eq=False)
class FaceMesh:
    """FaceMesh output for one face, in image pixels."""

    #: float64 [468, 3]: x, y in image pixels, z relative depth in image pixels (smaller = nearer).
    points: NDArray[np.float64]
    #: MediaPipe's face-presence probability for the crop (it drops faces below 0.5 in video tracking).
    face_flag: float

    @property
    def landmarks68(self) -> NDArray[np.float64]:
        """[68, 2] iBUG-order points in image pixels."""
        return self.points[list(IBUG68_FROM_FACEMESH), :2]


def roi_transform(landmarks: NDArray[np.floating]) -> NDArray[np.float64]:
    """The 2x3 map from FaceMesh chip pixels to image pixels for MTCNN's five points."""
    scale = 1.0 / ROI_SIZE_UNIT
    offset = (0.5 - ROI_CENTER_UNIT[0] * scale, 0.5 - ROI_CENTER_UNIT[1] * scale)
    return crop_to_image_transform(landmarks, FACEMESH_CHIP_SIZE, (scale, scale), offset)


def facemesh_chips(image: RgbImage, landmarks: Sequence[NDArray[np.floating]]) -> NDArray[np.uint8]:
    """The FaceMesh crops uint8 [N, 192, 192, 3] RGB (outside the image is black)."""
    if not landmarks:
        return np.empty((0, FACEMESH_CHIP_SIZE, FACEMESH_CHIP_SIZE, 3), np.uint8)
    pil = from_array(image)
    scale = 1.0 / ROI_SIZE_UNIT
    offset = (0.5 - ROI_CENTER_UNIT[0] * scale, 0.5 - ROI_CENTER_UNIT[1] * scale)
    return np.stack([crop_chip(pil, points, FACEMESH_CHIP_SIZE, (scale, scale), offset) for points in landmarks])


def to_image(chip_points: NDArray[np.floating], transform: NDArray[np.float64]) -> NDArray[np.float64]:
    """FaceMesh output [468, 3] in chip pixels -> image pixels (z scaled like x and y)."""
    points = np.asarray(chip_points, dtype=np.float64).reshape(FACEMESH_POINTS, 3)
    linear = transform[:, :2]
    out = np.empty_like(points)
    out[:, :2] = points[:, :2] @ linear.T + transform[:, 2]
    out[:, 2] = points[:, 2] * float(np.sqrt(abs(np.linalg.det(linear))))
    return out


class FaceMeshEstimator:
    """FaceMesh through an InferenceTransport (LocalTransport or TritonTransport)."""

    def __init__(self, transport: InferenceTransport) -> None:
        self._transport = transport

    def estimate(self, image: RgbImage, landmarks: Sequence[NDArray[np.floating]]) -> list[FaceMesh]:
        """FaceMesh of the faces with these MTCNN five points (one batched call)."""
        points = list(landmarks)
        chips = facemesh_chips(image, points)
        if not points:
            return []
        outputs = self._transport.infer(FACEMESH, {FACEMESH.inputs[0]: np.ascontiguousarray(chips)})
        meshes = np.asarray(outputs[FACEMESH.outputs[0]]).reshape(len(points), FACEMESH_POINTS, 3)
        flags = np.asarray(outputs[FACEMESH.outputs[1]]).reshape(len(points))
        return [
            FaceMesh(points=to_image(mesh, roi_transform(five)), face_flag=float(flag))
            for mesh, flag, five in zip(meshes, flags, points, strict=True)
        ]
