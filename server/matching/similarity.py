"""LUNA similarity (0..1) from the cosine of two L2-normalised descriptors.

The whole matcher works on cosines (a matrix product of unit vectors); this module is the one
place where a cosine becomes the `similarity` a LUNA client sees, and back (for thresholds).

Details: docs/matching.md, "server/matching/similarity.py".
"""

from __future__ import annotations

import math
from typing import TypeVar

import numpy as np

_FloatOrArray = TypeVar("_FloatOrArray", float, np.ndarray)

#: cosine at which the similarity is 0.5 (the recommended matching threshold).
CENTER = 0.91
#: steepness of the logistic (per unit of cosine).
SLOPE = 80.0
RECOMMENDED_THRESHOLD = 0.5


def _logistic(cos: float) -> float:
    return 1.0 / (1.0 + math.exp(-SLOPE * (cos - CENTER)))


_LOW = _logistic(-1.0)
_SPAN = _logistic(1.0) - _LOW


def similarity_from_cosine(cos: _FloatOrArray) -> _FloatOrArray:
    """LUNA similarity in [0, 1] for a cosine in [-1, 1] (scalar or array, same type back)."""
    if isinstance(cos, np.ndarray):
        c = np.clip(np.asarray(cos, dtype=np.float64), -1.0, 1.0)
        value = (1.0 / (1.0 + np.exp(-SLOPE * (c - CENTER))) - _LOW) / _SPAN
        return np.clip(value, 0.0, 1.0)
    c = min(1.0, max(-1.0, float(cos)))
    return min(1.0, max(0.0, (_logistic(c) - _LOW) / _SPAN))


def _cosine(similarity: float) -> float:
    s = min(1.0, max(0.0, similarity))
    if s <= 0.0:
        return -1.0
    if s >= 1.0:
        return 1.0
    level = s * _SPAN + _LOW
    return min(1.0, max(-1.0, CENTER + math.log(level / (1.0 - level)) / SLOPE))


def cosine_from_similarity(similarity: _FloatOrArray) -> _FloatOrArray:
    """The inverse of `similarity_from_cosine` on [0, 1] (used to turn a threshold into a cosine)."""
    if isinstance(similarity, np.ndarray):
        return np.vectorize(_cosine, otypes=[np.float64])(similarity)
    return _cosine(float(similarity))
