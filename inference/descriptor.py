"""Face descriptors: dlib's 128-d metric ResNet on 150x150 face chips."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from inference.alignment import CHIP_SIZE
from inference.models import DLIB_DESCRIPTOR, ModelSpec
from inference.transport import InferenceTransport

DESCRIPTOR_SIZE = 128
#: dlib's recommended same-person threshold on the raw (unnormalised) descriptors' euclidean distance.
DLIB_EUCLIDEAN_THRESHOLD = 0.6


def l2_normalize(vectors: NDArray[np.floating]) -> NDArray[np.float32]:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return (vectors / np.maximum(norms, 1e-12)).astype(np.float32)


class DescriptorExtractor:
    """Turns aligned chips (uint8 [N, 150, 150, 3] RGB, see inference.alignment) into descriptors."""

    def __init__(self, transport: InferenceTransport, model: ModelSpec = DLIB_DESCRIPTOR) -> None:
        """`model`: the descriptor model at the Triton version to call (inference.models.descriptor_model)."""
        self._transport = transport
        self.model = model

    def extract_raw(self, chips: NDArray[np.uint8]) -> NDArray[np.float32]:
        """dlib's raw descriptors float32 [N, 128] (compare with euclidean distance, threshold 0.6)."""
        if chips.ndim != 4 or chips.shape[1:] != (CHIP_SIZE, CHIP_SIZE, 3) or chips.dtype != np.uint8:
            raise ValueError(f"expected uint8 [N, {CHIP_SIZE}, {CHIP_SIZE}, 3], got {chips.dtype} {chips.shape}")
        if chips.shape[0] == 0:
            return np.empty((0, DESCRIPTOR_SIZE), dtype=np.float32)
        model = self.model
        out = self._transport.infer(model, {model.inputs[0]: np.ascontiguousarray(chips)})
        return np.asarray(out[model.outputs[0]], dtype=np.float32)

    def extract(self, chips: NDArray[np.uint8]) -> NDArray[np.float32]:
        """L2-normalised descriptors float32 [N, 128] (compare with the dot product / cosine)."""
        return l2_normalize(self.extract_raw(chips))


def mean_descriptor(vectors: NDArray[np.floating]) -> NDArray[np.float32]:
    """The fusion of several descriptors of one person: their mean, L2-normalised again."""
    mean = np.asarray(vectors, dtype=np.float32).mean(axis=0)
    return (mean / max(float(np.linalg.norm(mean)), 1e-12)).astype(np.float32)
