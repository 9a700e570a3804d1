"""Handlers (v6 API-082..092): the `handlers` table, account-scoped. Policies are stored as the complete
JSON text the service hands over (server/handlers/policies.py policies_to_json); storage does not read it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, TypedDict, cast

from server.storage.db import Database
from server.storage.sql import Where

if TYPE_CHECKING:
    from server.storage.store import WriteBatch


class HandlerRow(TypedDict):
    handler_id: str
    account_id: str
    description: str
    policies: str | None  # JSON text; None for a dynamic handler
    is_dynamic: int
    create_time: str
    last_update_time: str


@dataclass(frozen=True)
class HandlerFilter:
    """The filters of GET /6/handlers and /6/handlers/count (None: not filtered)."""

    account_id: str | None = None
    description_contains: str | None = None
    is_dynamic: bool | None = None

    def where(self) -> Where:
        return (
            Where()
            .eq("account_id", self.account_id)
            .contains("description", self.description_contains)
            .eq("is_dynamic", None if self.is_dynamic is None else int(self.is_dynamic))
        )


class HandlerRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    # -- reads ---------------------------------------------------------------------------------

    def get(self, handler_id: str, account_id: str | None = None) -> HandlerRow | None:
        """The handler (of the account when one is given)."""
        where = Where().eq("handler_id", handler_id).eq("account_id", account_id)
        rows = self.db.query(f"SELECT * FROM handlers{where.sql()}", where.params)
        return cast(HandlerRow, rows[0]) if rows else None

    def exists(self, handler_id: str, account_id: str | None = None) -> bool:
        where = Where().eq("handler_id", handler_id).eq("account_id", account_id)
        return self.db.scalar(f"SELECT 1 FROM handlers{where.sql()} LIMIT 1", where.params) is not None

    def find(self, filters: HandlerFilter, *, offset: int, limit: int) -> list[HandlerRow]:
        """A page of handlers, oldest first."""
        where = filters.where()
        rows = self.db.query(
            f"SELECT * FROM handlers{where.sql()} ORDER BY create_time, handler_id LIMIT ? OFFSET ?",
            [*where.params, limit, offset],
        )
        return cast(list[HandlerRow], rows)

    def count(self, filters: HandlerFilter) -> int:
        where = filters.where()
        return self.db.count(f"SELECT COUNT(*) FROM handlers{where.sql()}", where.params)

    # -- writes --------------------------------------------------------------------------------

    def insert(self, batch: WriteBatch, row: HandlerRow) -> None:
        batch.tx.table("handlers").insert(dict(row))

    def replace(
        self,
        batch: WriteBatch,
        handler_id: str,
        account_id: str,
        *,
        description: str,
        policies: str | None,
        is_dynamic: bool,
        stamp: str,
    ) -> bool:
        """Replace description, policies and is_dynamic of the account's handler; False when it has none."""
        cursor = batch.tx.conn.execute(
            "UPDATE handlers SET description = ?, policies = ?, is_dynamic = ?, last_update_time = ?"
            " WHERE handler_id = ? AND account_id = ?",
            (description, policies, int(is_dynamic), stamp, handler_id, account_id),
        )
        return cursor.rowcount > 0

    def delete(self, batch: WriteBatch, handler_id: str, account_id: str) -> bool:
        """Delete the account's handler; False when it has none."""
        cursor = batch.tx.conn.execute(
            "DELETE FROM handlers WHERE handler_id = ? AND account_id = ?", (handler_id, account_id)
        )
        return cursor.rowcount > 0
