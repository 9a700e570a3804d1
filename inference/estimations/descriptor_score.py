"""Descriptor score (LUNA `descriptor{sdk_descriptor, score}`, /6/extractor `score`, `score_threshold`).

Method, constants and measurements: docs/estimations.md, "inference/estimations/descriptor_score.py".
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from PIL import Image

from inference.alignment import CHIP_SIZE
from inference.models import MTCNN_ONET
from inference.transport import InferenceTransport

#: The face square of a 150x150 chip (left, top, right, bottom; see docs/estimations.md).
CHIP_FACE_BOX = (20, 22, 130, 132)
ONET_SIZE = 48


def onet_crops(chips: NDArray[np.uint8]) -> NDArray[np.uint8]:
    """O-Net inputs uint8 [N, 48, 48, 3], transposed (x first) as the MTCNN graphs take them."""
    crops = np.empty((chips.shape[0], ONET_SIZE, ONET_SIZE, 3), dtype=np.uint8)
    for index, chip in enumerate(chips):
        face = Image.fromarray(chip).crop(CHIP_FACE_BOX)
        crops[index] = np.asarray(face.resize((ONET_SIZE, ONET_SIZE), Image.Resampling.BOX), dtype=np.uint8)
    return np.ascontiguousarray(crops.transpose(0, 2, 1, 3))


def descriptor_scores(transport: InferenceTransport, chips: NDArray[np.uint8]) -> NDArray[np.float32]:
    """The score in [0, 1] of each chip uint8 [N, 150, 150, 3] (one batched O-Net call)."""
    if chips.ndim != 4 or chips.shape[1:] != (CHIP_SIZE, CHIP_SIZE, 3) or chips.dtype != np.uint8:
        raise ValueError(f"expected uint8 [N, {CHIP_SIZE}, {CHIP_SIZE}, 3], got {chips.dtype} {chips.shape}")
    if chips.shape[0] == 0:
        return np.empty((0,), dtype=np.float32)
    out = transport.infer(MTCNN_ONET, {MTCNN_ONET.inputs[0]: onet_crops(chips)})
    return np.asarray(out["softmax_2"][:, 1], dtype=np.float32)
