"""Basic attributes (LUNA `basic_attributes`): age and gender from dlib-models' networks (Cydral, CC0), ethnicity
from the GEAR race classifier (inference/estimations/ethnicity.py).

Method, constants and measurements: docs/estimations.md, "inference/estimations/attributes.py".
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from inference.alignment import face_chip
from inference.estimations.ethnicity import Ethnicities, EthnicityEstimator, ethnicity_chips
from inference.estimations.ethnicity import aggregate as aggregate_ethnicities
from inference.image import RgbImage, from_array
from inference.models import DLIB_AGE, DLIB_GENDER
from inference.transport import InferenceTransport
from inference.types import FaceDetection

AGE_CHIP_SIZE = 64
GENDER_CHIP_SIZE = 32
#: dlib's default chip padding, which both networks were trained with.
ATTRIBUTE_CHIP_PADDING = 0.2
AGE_CLASSES = 81
#: Weight of each age class in the expectation (dlib's dnn_age_predictor_v1_ex.cpp: 0.25 for class 0).
AGE_WEIGHTS = np.concatenate([[0.25], np.arange(1, AGE_CLASSES)]).astype(np.float64)
#: LUNA's gender values.
FEMALE, MALE = 0, 1


@dataclass(frozen=True)
class BasicAttributes:
    """Age, gender and (when estimated) the ethnicities of one face."""

    #: Estimated age in years (0..80), rounded.
    age: int
    #: The unrounded expectation over the age classes.
    age_estimate: float
    #: The largest age-class probability (dlib's "confidence"; 0.1-0.3 is typical, the classes are 1 year).
    age_confidence: float
    #: LUNA's gender: 1 male, 0 female.
    gender: int
    #: Probability that the face is male, in [0, 1].
    male_probability: float
    #: LUNA's four ethnicity probabilities; None when not estimated.
    ethnicities: Ethnicities | None = None

    @property
    def gender_confidence(self) -> float:
        return max(self.male_probability, 1.0 - self.male_probability)

    @property
    def ethnicity(self) -> int | None:
        """LUNA's stored ethnicity code (1..4) of the predominant ethnicity; None when not estimated."""
        return None if self.ethnicities is None else self.ethnicities.code


def attribute_chips(
    image: RgbImage, landmarks: Sequence[NDArray[np.floating]]
) -> tuple[NDArray[np.uint8], NDArray[np.uint8]]:
    """The age chips [N, 64, 64, 3] and gender chips [N, 32, 32, 3] for the faces of one image."""
    if not landmarks:
        return (
            np.empty((0, AGE_CHIP_SIZE, AGE_CHIP_SIZE, 3), np.uint8),
            np.empty((0, GENDER_CHIP_SIZE, GENDER_CHIP_SIZE, 3), np.uint8),
        )
    pil = from_array(image)
    age = np.stack([face_chip(pil, points, AGE_CHIP_SIZE, ATTRIBUTE_CHIP_PADDING) for points in landmarks])
    gender = np.stack([face_chip(pil, points, GENDER_CHIP_SIZE, ATTRIBUTE_CHIP_PADDING) for points in landmarks])
    return age, gender


def age_from_probabilities(probabilities: NDArray[np.floating]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """(expected ages [N], largest class probability [N]) from age probabilities [N, 81]."""
    values = np.asarray(probabilities, dtype=np.float64)
    return values @ AGE_WEIGHTS, values.max(axis=1)


class BasicAttributesEstimator:
    """Age, gender and ethnicity through an InferenceTransport (LocalTransport or TritonTransport)."""

    def __init__(self, transport: InferenceTransport) -> None:
        self._transport = transport
        self._ethnicity = EthnicityEstimator(transport)

    def estimate_chips(
        self,
        age_chips: NDArray[np.uint8],
        gender_chips: NDArray[np.uint8],
        ethnicity_chips: NDArray[np.uint8] | None = None,
    ) -> list[BasicAttributes]:
        """Attributes from ready chips (as made by attribute_chips and ethnicity.ethnicity_chips), one batched call
        per model; ethnicities only when ethnicity_chips are given."""
        _check(age_chips, AGE_CHIP_SIZE)
        _check(gender_chips, GENDER_CHIP_SIZE)
        if age_chips.shape[0] != gender_chips.shape[0]:
            raise ValueError(f"{age_chips.shape[0]} age chips but {gender_chips.shape[0]} gender chips")
        if ethnicity_chips is not None and ethnicity_chips.shape[0] != age_chips.shape[0]:
            raise ValueError(f"{age_chips.shape[0]} age chips but {ethnicity_chips.shape[0]} ethnicity chips")
        if age_chips.shape[0] == 0:
            return []
        age_probabilities = self._transport.infer(DLIB_AGE, {DLIB_AGE.inputs[0]: np.ascontiguousarray(age_chips)})[
            DLIB_AGE.outputs[0]
        ]
        gender_probabilities = self._transport.infer(
            DLIB_GENDER, {DLIB_GENDER.inputs[0]: np.ascontiguousarray(gender_chips)}
        )[DLIB_GENDER.outputs[0]]
        ages, confidences = age_from_probabilities(age_probabilities)
        male = np.asarray(gender_probabilities, dtype=np.float64)[:, 1]
        ethnicities: list[Ethnicities | None] = [None] * len(male)
        if ethnicity_chips is not None:
            ethnicities = list(self._ethnicity.estimate_chips(ethnicity_chips))
        return [
            BasicAttributes(
                age=int(math.floor(age + 0.5)),
                age_estimate=float(age),
                age_confidence=float(conf),
                gender=MALE if p >= 0.5 else FEMALE,
                male_probability=float(p),
                ethnicities=ethnic,
            )
            for age, conf, p, ethnic in zip(ages, confidences, male, ethnicities, strict=True)
        ]

    def estimate(self, image: RgbImage, detections: Sequence[FaceDetection]) -> list[BasicAttributes]:
        """Attributes (with ethnicities) of the detected faces of one image (in the order given)."""
        landmarks = [d.landmarks for d in detections]
        age_chips, gender_chips = attribute_chips(image, landmarks)
        return self.estimate_chips(age_chips, gender_chips, ethnicity_chips(image, landmarks))


def aggregate(attributes: Sequence[BasicAttributes]) -> BasicAttributes:
    """One estimate for several photos of the same person (LUNA's aggregate_attributes): the mean age
    expectation, the mean male probability and the mean of each ethnicity probability (ethnicity.aggregate,
    over the estimates that have ethnicities; None when none has)."""
    if not attributes:
        raise ValueError("nothing to aggregate")
    age = float(np.mean([a.age_estimate for a in attributes]))
    male = float(np.mean([a.male_probability for a in attributes]))
    ethnic = [a.ethnicities for a in attributes if a.ethnicities is not None]
    return BasicAttributes(
        age=int(math.floor(age + 0.5)),
        age_estimate=age,
        age_confidence=float(np.mean([a.age_confidence for a in attributes])),
        gender=MALE if male >= 0.5 else FEMALE,
        male_probability=male,
        ethnicities=aggregate_ethnicities(ethnic) if ethnic else None,
    )


def _check(chips: NDArray[np.uint8], size: int) -> None:
    if chips.ndim != 4 or chips.shape[1:] != (size, size, 3) or chips.dtype != np.uint8:
        raise ValueError(f"expected uint8 [N, {size}, {size}, 3], got {chips.dtype} {chips.shape}")
