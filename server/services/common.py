"""Helpers shared by the resource services: field limits and field selection."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

USER_DATA_MAX = 128
EXTERNAL_ID_MAX = 36
AVATAR_MAX = 256


def select(row: dict[str, Any], targets: Iterable[str] | None) -> dict[str, Any]:
    """Keep only the requested fields (all when targets is None)."""
    if targets is None:
        return row
    wanted = set(targets)
    return {k: v for k, v in row.items() if k in wanted}
