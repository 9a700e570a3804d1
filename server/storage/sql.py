"""SQL fragments shared by the repositories (server/storage/repositories). Storage-internal."""

from __future__ import annotations

from collections.abc import Sequence, Sized


class Where:
    """A WHERE clause built from optional filters; None values are skipped."""

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
            self.add(f"{column} IN ({marks(values)})", *values)
        return self

    def sql(self) -> str:
        return (" WHERE " + " AND ".join(self.clauses)) if self.clauses else ""


def marks(values: Sized) -> str:
    """`?, ?, ...`: one placeholder per value."""
    return ", ".join("?" * len(values))


def chunks(values: Sequence[str], size: int = 500) -> list[Sequence[str]]:
    """`values` in slices of at most `size` (SQLite caps the parameters of one statement)."""
    return [values[start : start + size] for start in range(0, len(values), size)]
