"""Crash points for the durability tests: LUMEN_CRASH_POINT=<name> makes the process exit at once
when the write reaches that point, as a power cut would. Never set in production."""

from __future__ import annotations

import os

_ACTIVE: str = ""


def configure(point: str) -> None:
    global _ACTIVE
    _ACTIVE = point


def crash_point(name: str) -> None:
    if _ACTIVE and name == _ACTIVE:
        os._exit(75)
