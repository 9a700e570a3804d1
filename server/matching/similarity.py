"""LUNA similarity (0..1) from the cosine of two L2-normalised descriptors.

The whole matcher works on cosines (a matrix product of unit vectors); this module is the one
place where a cosine becomes the `similarity` a LUNA client sees, and back (for thresholds).

Choice (provisional, 2026-11-23): the linear map

    similarity = clip((cos + 1) / 2, 0, 1)

- monotonic and exactly invertible, so ranking by cosine is ranking by similarity, and a
  similarity threshold converts to a cosine threshold without loss (`cosine_from_similarity`);
- identical descriptors give 1.0, orthogonal ones 0.5, opposite ones 0.0;
- no fitted constants, so it cannot be mis-calibrated, only un-calibrated: for the dlib ResNet
  descriptors (L2-normalised 128-d) different people typically still have cosines well above 0,
  so impostor similarities sit around 0.6-0.9 rather than near 0 as in LUNA. Clients that carry
  LUNA thresholds over need a calibrated mapping.

The calibration on real photos (genuine/impostor cosine distributions of the test photo sets) will
replace the body of these two functions with a fitted logistic,
`1 / (1 + exp(-a * (cos - c0)))`, keeping both functions monotonic and mutually inverse; nothing
else in the matcher depends on the formula.
"""

from __future__ import annotations

from typing import TypeVar

import numpy as np

_FloatOrArray = TypeVar("_FloatOrArray", float, np.ndarray)


def similarity_from_cosine(cos: _FloatOrArray) -> _FloatOrArray:
    """LUNA similarity in [0, 1] for a cosine in [-1, 1] (scalar or array, same type back)."""
    if isinstance(cos, np.ndarray):
        return np.clip((cos + 1.0) * 0.5, 0.0, 1.0)
    return min(1.0, max(0.0, (float(cos) + 1.0) * 0.5))


def cosine_from_similarity(similarity: _FloatOrArray) -> _FloatOrArray:
    """The inverse of `similarity_from_cosine` on [0, 1] (used to turn a threshold into a cosine)."""
    if isinstance(similarity, np.ndarray):
        return np.clip(similarity, 0.0, 1.0) * 2.0 - 1.0
    return min(1.0, max(0.0, float(similarity))) * 2.0 - 1.0
