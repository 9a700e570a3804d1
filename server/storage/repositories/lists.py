"""Lists of faces: the `lists` table and the `list_faces` links."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypedDict, cast

from server.clock import now
from server.storage.db import Database
from server.storage.sql import Where, chunks, marks

if TYPE_CHECKING:
    from server.storage.store import WriteBatch


class ListRow(TypedDict):
    list_id: str
    account_id: str
    user_data: str
    create_time: str
    last_update_time: str


@dataclass(frozen=True)
class ListFilter:
    """The filters of GET /6/lists and /6/lists/count (None: not filtered)."""

    account_id: str | None = None
    user_data_contains: str | None = None
    user_data: str | None = None
    list_ids: Sequence[str] | None = None
    list_id_gte: str | None = None
    list_id_lt: str | None = None
    create_time_gte: str | None = None
    create_time_lt: str | None = None
    last_update_time_gte: str | None = None
    last_update_time_lt: str | None = None

    def where(self) -> Where:
        return (
            Where()
            .eq("account_id", self.account_id)
            .contains("user_data", self.user_data_contains)
            .eq("user_data", self.user_data)
            .among("list_id", self.list_ids)
            .gte("list_id", self.list_id_gte)
            .lt("list_id", self.list_id_lt)
            .gte("create_time", self.create_time_gte)
            .lt("create_time", self.create_time_lt)
            .gte("last_update_time", self.last_update_time_gte)
            .lt("last_update_time", self.last_update_time_lt)
        )


class ListRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    # -- reads ---------------------------------------------------------------------------------

    def get(self, list_id: str, account_id: str | None = None) -> ListRow | None:
        """The list (of the account when one is given)."""
        where = Where().eq("list_id", list_id).eq("account_id", account_id)
        rows = self.db.query(f"SELECT * FROM lists{where.sql()}", where.params)
        return cast(ListRow, rows[0]) if rows else None

    def find(self, filters: ListFilter, *, offset: int, limit: int) -> list[ListRow]:
        """A page of lists, oldest first."""
        where = filters.where()
        rows = self.db.query(
            f"SELECT * FROM lists{where.sql()} ORDER BY create_time, list_id LIMIT ? OFFSET ?",
            [*where.params, limit, offset],
        )
        return cast(list[ListRow], rows)

    def count(self, filters: ListFilter) -> int:
        where = filters.where()
        return self.db.count(f"SELECT COUNT(*) FROM lists{where.sql()}", where.params)

    def owned_ids(self, account_id: str, list_ids: Sequence[str]) -> set[str]:
        """Which of `list_ids` exist in the account."""
        if not list_ids:
            return set()
        conn = self.db.connection().conn
        return {
            str(r[0])
            for r in conn.execute(
                f"SELECT list_id FROM lists WHERE account_id = ? AND list_id IN ({marks(list_ids)})",
                (account_id, *list_ids),
            )
        }

    def links(self) -> list[tuple[str, str]]:
        """Every (list_id, face_id) link (loading the matching index)."""
        return [
            (str(r[0]), str(r[1])) for r in self.db.connection().conn.execute("SELECT list_id, face_id FROM list_faces")
        ]

    # -- writes --------------------------------------------------------------------------------

    def insert(self, batch: WriteBatch, row: ListRow) -> None:
        batch.tx.table("lists").insert(dict(row))

    def set_user_data(self, batch: WriteBatch, list_id: str, user_data: str) -> None:
        batch.tx.conn.execute(
            "UPDATE lists SET user_data = ?, last_update_time = ? WHERE list_id = ?", (user_data, now(), list_id)
        )

    def touch(self, batch: WriteBatch, list_ids: Sequence[str], stamp: str) -> None:
        """Set the last_update_time of the lists."""
        if list_ids:
            batch.tx.conn.execute(
                f"UPDATE lists SET last_update_time = ? WHERE list_id IN ({marks(list_ids)})", (stamp, *list_ids)
            )

    def attach(self, batch: WriteBatch, list_id: str, face_ids: Sequence[str], stamp: str) -> None:
        """Link the faces to the list (existing links stay as they are); the list is not touched."""
        batch.tx.conn.executemany(
            "INSERT OR IGNORE INTO list_faces (list_id, face_id, link_time) VALUES (?, ?, ?)",
            [(list_id, face_id, stamp) for face_id in face_ids],
        )
        batch.list_faces_attached(list_id, list(face_ids))

    def detach(self, batch: WriteBatch, list_id: str, face_ids: Sequence[str]) -> None:
        """Unlink the faces from the list; the list is not touched."""
        if face_ids:
            batch.tx.conn.execute(
                f"DELETE FROM list_faces WHERE list_id = ? AND face_id IN ({marks(face_ids)})", (list_id, *face_ids)
            )
        batch.list_faces_detached(list_id, list(face_ids))

    def delete(self, batch: WriteBatch, account_id: str, list_ids: Sequence[str], *, with_faces: bool) -> None:
        """Delete the account's lists among `list_ids` (and, `with_faces`, every face linked to any
        of them, with its descriptors)."""
        if not list_ids:
            return
        conn = batch.tx.conn
        found = self.owned_ids(account_id, list_ids)
        if with_faces:
            face_ids = [
                str(r[0])
                for r in conn.execute(
                    f"SELECT DISTINCT face_id FROM list_faces WHERE list_id IN ({marks(list_ids)})", list(list_ids)
                )
            ]
            for chunk in chunks(face_ids):
                conn.execute(f"DELETE FROM faces WHERE face_id IN ({marks(chunk)})", list(chunk))
            batch.delete_descriptors(face_ids)
            batch.faces_deleted(face_ids)
        conn.execute(
            f"DELETE FROM lists WHERE account_id = ? AND list_id IN ({marks(list_ids)})", (account_id, *list_ids)
        )
        for list_id in found:
            batch.list_deleted(list_id)
