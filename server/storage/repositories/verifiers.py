"""Verifiers (v6 API-139..147): the `verifiers` table, account-scoped. Policies are stored as the complete JSON
text the service hands over (server/verifiers/policies.py); storage does not read it. `version` starts at 0 and
each replacement increments it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, TypedDict, cast

from server.storage.db import Database
from server.storage.sql import Where

if TYPE_CHECKING:
    from server.storage.store import WriteBatch


class VerifierRow(TypedDict):
    verifier_id: str
    account_id: str
    description: str
    policies: str  # JSON text
    version: int
    create_time: str
    last_update_time: str


@dataclass(frozen=True)
class VerifierFilter:
    """The filters of GET /6/verifiers and /6/verifiers/count (None: not filtered)."""

    account_id: str | None = None
    description_contains: str | None = None

    def where(self) -> Where:
        return Where().eq("account_id", self.account_id).contains("description", self.description_contains)


class VerifierRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    # -- reads ---------------------------------------------------------------------------------

    def get(self, verifier_id: str, account_id: str | None = None) -> VerifierRow | None:
        """The verifier (of the account when one is given)."""
        where = Where().eq("verifier_id", verifier_id).eq("account_id", account_id)
        rows = self.db.query(f"SELECT * FROM verifiers{where.sql()}", where.params)
        return cast(VerifierRow, rows[0]) if rows else None

    def exists(self, verifier_id: str, account_id: str | None = None) -> bool:
        where = Where().eq("verifier_id", verifier_id).eq("account_id", account_id)
        return self.db.scalar(f"SELECT 1 FROM verifiers{where.sql()} LIMIT 1", where.params) is not None

    def find(self, filters: VerifierFilter, *, offset: int, limit: int) -> list[VerifierRow]:
        """A page of verifiers, oldest first."""
        where = filters.where()
        rows = self.db.query(
            f"SELECT * FROM verifiers{where.sql()} ORDER BY create_time, verifier_id LIMIT ? OFFSET ?",
            [*where.params, limit, offset],
        )
        return cast(list[VerifierRow], rows)

    def count(self, filters: VerifierFilter) -> int:
        where = filters.where()
        return self.db.count(f"SELECT COUNT(*) FROM verifiers{where.sql()}", where.params)

    # -- writes --------------------------------------------------------------------------------

    def insert(self, batch: WriteBatch, row: VerifierRow) -> None:
        batch.tx.table("verifiers").insert(dict(row))

    def replace(
        self, batch: WriteBatch, verifier_id: str, account_id: str, *, description: str, policies: str, stamp: str
    ) -> int | None:
        """Replace description and policies of the account's verifier: its new version, None when it has none."""
        cursor = batch.tx.conn.execute(
            "UPDATE verifiers SET description = ?, policies = ?, version = version + 1, last_update_time = ?"
            " WHERE verifier_id = ? AND account_id = ? RETURNING version",
            (description, policies, stamp, verifier_id, account_id),
        )
        row = cursor.fetchone()
        return None if row is None else int(row[0])

    def delete(self, batch: WriteBatch, verifier_id: str, account_id: str) -> bool:
        """Delete the account's verifier; False when it has none."""
        cursor = batch.tx.conn.execute(
            "DELETE FROM verifiers WHERE verifier_id = ? AND account_id = ?", (verifier_id, account_id)
        )
        return cursor.rowcount > 0
