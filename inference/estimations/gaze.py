"""Gaze direction (LUNA `gaze{yaw, pitch}`, degrees, both eyes together).

Interface only for now: the estimator (MediaPipe iris landmarks + eye geometry) is being added.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Gaze:
    #: Degrees; LUNA's conventions: yaw positive = looking to the image's ..., pitch positive = up.
    yaw: float
    pitch: float
