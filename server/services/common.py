"""Helpers shared by the resource services: SQL filter building and field selection."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

USER_DATA_MAX = 128
EXTERNAL_ID_MAX = 36
AVATAR_MAX = 256


class Where:
    """A WHERE clause built from optional v6 filters; None values are skipped."""

    def __init__(self) -> None:
        self.clauses: list[str] = []
        self.params: list[object] = []

    def add(self, clause: str, *params: object) -> Where:
        self.clauses.append(clause)
        self.params.extend(params)
        return self

    def eq(self, column: str, value: object | None) -> Where:
        if value is not None:
            self.add(f"{column} = ?", value)
        return self

    def gte(self, column: str, value: object | None) -> Where:
        if value is not None:
            self.add(f"{column} >= ?", value)
        return self

    def lt(self, column: str, value: object | None) -> Where:
        if value is not None:
            self.add(f"{column} < ?", value)
        return self

    def contains(self, column: str, value: str | None) -> Where:
        if value is not None:
            escaped = value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            self.add(f"{column} LIKE ? ESCAPE '\\'", f"%{escaped}%")
        return self

    def among(self, column: str, values: Sequence[object] | None) -> Where:
        if values is not None:
            self.add(f"{column} IN ({', '.join('?' * len(values))})", *values)
        return self

    def sql(self) -> str:
        return (" WHERE " + " AND ".join(self.clauses)) if self.clauses else ""


def select(row: dict[str, Any], targets: Iterable[str] | None) -> dict[str, Any]:
    """Keep only the requested fields (all when targets is None)."""
    if targets is None:
        return row
    wanted = set(targets)
    return {k: v for k, v in row.items() if k in wanted}
