"""Glasses (LUNA `glasses{glasses: "eyeglasses" | "sunglasses" | "no_glasses"}`).

Interface only for now: the classical estimator is being added.
"""

from __future__ import annotations

from dataclasses import dataclass

GLASSES_STATES = ("no_glasses", "eyeglasses", "sunglasses")


@dataclass(frozen=True)
class Glasses:
    #: One of GLASSES_STATES.
    glasses: str
