"""Faces: the `faces` table, their list links (as seen from the face) and `face_attributes`.

A face attribute's descriptors live in LanceDB; its row records which versions it has, and every
descriptor change goes through the batch's journal (WriteBatch.set_descriptors / delete_descriptors).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypedDict, cast

from server.clock import now
from server.storage.db import Database
from server.storage.repositories.attributes import AttributeData
from server.storage.sql import Where, marks

if TYPE_CHECKING:
    from server.storage.store import WriteBatch

#: Columns of `faces` a PATCH may change.
PATCHABLE_COLUMNS = frozenset({"external_id", "event_id", "user_data", "avatar"})


class FaceRow(TypedDict):
    face_id: str
    account_id: str
    event_id: str | None
    user_data: str
    external_id: str
    avatar: str
    create_time: str


@dataclass(frozen=True)
class FaceFilter:
    """The face filters of GET /6/faces, /6/faces/count and matcher candidates (None: not filtered)."""

    account_id: str | None = None
    face_ids: Sequence[str] | None = None
    external_ids: Sequence[str] | None = None
    user_data_contains: str | None = None
    event_id: str | None = None
    face_id_gte: str | None = None
    face_id_lt: str | None = None
    create_time_gte: str | None = None
    create_time_lt: str | None = None
    list_id: str | None = None

    def where(self) -> Where:
        where = (
            Where()
            .eq("account_id", self.account_id)
            .among("face_id", self.face_ids)
            .among("external_id", self.external_ids)
            .contains("user_data", self.user_data_contains)
            .eq("event_id", self.event_id)
            .gte("face_id", self.face_id_gte)
            .lt("face_id", self.face_id_lt)
            .gte("create_time", self.create_time_gte)
            .lt("create_time", self.create_time_lt)
        )
        if self.list_id is not None:
            where.add("face_id IN (SELECT face_id FROM list_faces WHERE list_id = ?)", self.list_id)
        return where


@dataclass(frozen=True)
class FaceAttributeRow:
    """A stored face attribute (its descriptors are read from the DescriptorStore)."""

    face_id: str
    create_time: str
    basic_attributes: dict[str, Any] | None
    basic_attributes_samples: list[str]
    face_descriptor_samples: list[str]
    descriptor_versions: list[int]


class FaceRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    def _conn(self) -> Any:
        return self.db.connection().conn

    # -- reads ---------------------------------------------------------------------------------

    def get(self, face_id: str, account_id: str | None = None) -> FaceRow | None:
        """The face (of the account when one is given)."""
        where = Where().eq("face_id", face_id).eq("account_id", account_id)
        rows = self.db.query(f"SELECT * FROM faces{where.sql()}", where.params)
        return cast(FaceRow, rows[0]) if rows else None

    def find(self, filters: FaceFilter, *, offset: int, limit: int) -> list[FaceRow]:
        """A page of faces, oldest first."""
        where = filters.where()
        rows = self.db.query(
            f"SELECT * FROM faces{where.sql()} ORDER BY create_time, face_id LIMIT ? OFFSET ?",
            [*where.params, limit, offset],
        )
        return cast(list[FaceRow], rows)

    def count(self, filters: FaceFilter) -> int:
        where = filters.where()
        return self.db.count(f"SELECT COUNT(*) FROM faces{where.sql()}", where.params)

    def ids(self, filters: FaceFilter, *, ordered: bool = False) -> list[str]:
        """The ids of the matching faces (oldest first when `ordered`)."""
        where = filters.where()
        order = " ORDER BY create_time, face_id" if ordered else ""
        return [str(r[0]) for r in self._conn().execute(f"SELECT face_id FROM faces{where.sql()}{order}", where.params)]

    def by_ids(self, face_ids: Sequence[str]) -> dict[str, FaceRow]:
        """The faces among `face_ids` that exist, by id (any account)."""
        if not face_ids:
            return {}
        ids: list[object] = list(face_ids)
        rows = self.db.query(f"SELECT * FROM faces WHERE face_id IN ({marks(ids)})", ids)
        return {str(row["face_id"]): cast(FaceRow, row) for row in rows}

    def owned_ids(self, account_id: str, face_ids: Sequence[str]) -> list[str]:
        """Which of `face_ids` exist in the account."""
        if not face_ids:
            return []
        return [
            str(r[0])
            for r in self._conn().execute(
                f"SELECT face_id FROM faces WHERE account_id = ? AND face_id IN ({marks(face_ids)})",
                (account_id, *face_ids),
            )
        ]

    def lists_of(self, face_ids: Sequence[str]) -> dict[str, list[str]]:
        """The lists of each face, in link order (faces in no list are absent)."""
        found: dict[str, list[str]] = {}
        if face_ids:
            for face_id, list_id in self._conn().execute(
                f"SELECT face_id, list_id FROM list_faces WHERE face_id IN ({marks(face_ids)}) "
                "ORDER BY link_time, list_id",
                list(face_ids),
            ):
                found.setdefault(str(face_id), []).append(str(list_id))
        return found

    def accounts(self) -> dict[str, str]:
        """face_id -> account_id of every face (loading the matching index)."""
        return {str(f): str(a) for f, a in self._conn().execute("SELECT face_id, account_id FROM faces")}

    def attribute(self, face_id: str) -> FaceAttributeRow | None:
        rows = self.db.query("SELECT * FROM face_attributes WHERE face_id = ?", (face_id,))
        return _attribute_row(rows[0]) if rows else None

    def attributes(self, face_ids: Sequence[str]) -> dict[str, FaceAttributeRow]:
        """The attributes of the faces among `face_ids` that have one, by face id (one query)."""
        if not face_ids:
            return {}
        ids: list[object] = list(face_ids)
        rows = self.db.query(f"SELECT * FROM face_attributes WHERE face_id IN ({marks(ids)})", ids)
        return {str(row["face_id"]): _attribute_row(row) for row in rows}

    def count_attributes(self, account_id: str | None) -> int:
        """Faces with an attribute (of the account when one is given)."""
        where = Where().eq("f.account_id", account_id)
        return self.db.count(
            f"SELECT COUNT(*) FROM face_attributes a JOIN faces f ON f.face_id = a.face_id{where.sql()}",
            where.params,
        )

    # -- writes --------------------------------------------------------------------------------

    def insert(self, batch: WriteBatch, row: FaceRow, list_ids: Sequence[str] = ()) -> None:
        """A new face, linked to `list_ids` (which must exist) at its create_time; the lists are touched."""
        batch.tx.table("faces").insert(dict(row))
        if list_ids:
            stamp = row["create_time"]
            conn = batch.tx.conn
            conn.executemany(
                "INSERT INTO list_faces (list_id, face_id, link_time) VALUES (?, ?, ?)",
                [(list_id, row["face_id"], stamp) for list_id in list_ids],
            )
            conn.execute(
                f"UPDATE lists SET last_update_time = ? WHERE list_id IN ({marks(list_ids)})", (stamp, *list_ids)
            )
            for list_id in list_ids:
                batch.list_faces_attached(list_id, [row["face_id"]])

    def update(self, batch: WriteBatch, face_id: str, changes: dict[str, Any]) -> None:
        """Set columns of PATCHABLE_COLUMNS."""
        columns = sorted(changes)
        if not columns:
            return
        unknown = set(columns) - PATCHABLE_COLUMNS
        if unknown:
            raise ValueError(f"not patchable: {sorted(unknown)}")
        batch.tx.conn.execute(
            f"UPDATE faces SET {', '.join(f'{c} = ?' for c in columns)} WHERE face_id = ?",
            (*(changes[c] for c in columns), face_id),
        )

    def delete(self, batch: WriteBatch, face_ids: Sequence[str]) -> None:
        """Delete existing faces (their links, attributes and descriptors); their lists are touched."""
        found = list(face_ids)
        if not found:
            return
        conn = batch.tx.conn
        conn.execute(
            "UPDATE lists SET last_update_time = ? WHERE list_id IN "
            f"(SELECT DISTINCT list_id FROM list_faces WHERE face_id IN ({marks(found)}))",
            (now(), *found),
        )
        with_attributes = [
            str(r[0])
            for r in conn.execute(f"SELECT face_id FROM face_attributes WHERE face_id IN ({marks(found)})", found)
        ]
        conn.execute(f"DELETE FROM faces WHERE face_id IN ({marks(found)})", found)
        batch.delete_descriptors(with_attributes)
        batch.faces_deleted(found)

    def set_attribute(
        self, batch: WriteBatch, face_id: str, account_id: str, data: AttributeData, *, replacing: bool
    ) -> None:
        """Make `data` the attribute of the face: metadata row now, descriptors via the journal
        (a new face without descriptors needs no LanceDB change)."""
        batch.tx.table("face_attributes").insert(
            {
                "face_id": face_id,
                "create_time": now(),
                "basic_attributes": None if data.basic_attributes is None else json.dumps(data.basic_attributes),
                "basic_attributes_samples": json.dumps(data.basic_attributes_samples),
                "face_descriptor_samples": json.dumps(data.face_descriptor_samples),
                "descriptor_versions": json.dumps(sorted(data.descriptors)),
            },
            replace=True,
        )
        if data.descriptors or replacing:
            batch.set_descriptors(face_id, account_id, data.descriptors, new_face=not replacing)

    def delete_attribute(self, batch: WriteBatch, face_id: str) -> bool:
        """Remove the face's attribute and descriptors; False when it had none."""
        cursor = batch.tx.conn.execute("DELETE FROM face_attributes WHERE face_id = ?", (face_id,))
        if cursor.rowcount:
            batch.delete_descriptors([face_id])
        return bool(cursor.rowcount)


def _attribute_row(row: dict[str, Any]) -> FaceAttributeRow:
    basic = row["basic_attributes"]
    return FaceAttributeRow(
        face_id=str(row["face_id"]),
        create_time=str(row["create_time"]),
        basic_attributes=None if basic is None else json.loads(str(basic)),
        basic_attributes_samples=json.loads(str(row["basic_attributes_samples"])),
        face_descriptor_samples=json.loads(str(row["face_descriptor_samples"])),
        descriptor_versions=json.loads(str(row["descriptor_versions"])),
    )
