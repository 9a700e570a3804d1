"""Temporary attributes (TTL): the `attributes` and `attribute_descriptors` tables.

They are small and short-lived, so their descriptors stay in SQLite (float32 little-endian bytes).
Expired rows are invisible at once and purged on the way by inserts, at most every PURGE_INTERVAL_S.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import numpy as np

from server.clock import format_time, now
from server.storage.db import Database
from server.storage.sql import Where, chunks, marks

if TYPE_CHECKING:
    from server.storage.store import WriteBatch

# Expired temporary attributes are invisible at once; their rows are purged at most this often.
PURGE_INTERVAL_S = 10.0


@dataclass
class AttributeData:
    """An attribute: descriptors (one per version), basic attributes and the samples each came from."""

    descriptors: dict[int, np.ndarray] = field(default_factory=dict)
    #: {age, gender, ethnicity}; ethnicity is LUNA's code 1..4 (1 african_american, 2 indian, 3 asian,
    #: 4 caucasian; /6/extractor: the predominant GEAR ethnicity), None when it was not estimated.
    basic_attributes: dict[str, int | None] | None = None
    face_descriptor_samples: list[str] = field(default_factory=list)
    basic_attributes_samples: list[str] = field(default_factory=list)

    def samples(self) -> list[str]:
        """Every sample the attribute was built from, once, descriptor samples first."""
        return list(dict.fromkeys([*self.face_descriptor_samples, *self.basic_attributes_samples]))


@dataclass(frozen=True)
class TemporaryAttributeRow:
    """A live temporary attribute without its descriptors (see `TemporaryAttributeRepository.descriptors`)."""

    attribute_id: str
    account_id: str
    create_time: str
    expire_time: str
    basic_attributes: dict[str, Any] | None
    basic_attributes_samples: list[str]
    face_descriptor_samples: list[str]


def expire_time(ttl_s: int, moment: datetime | None = None) -> str:
    return format_time((moment or datetime.now(UTC)) + timedelta(seconds=ttl_s))


class _PurgeClock:
    """Says when the next purge of expired attributes is due (shared by every writer)."""

    def __init__(self, interval_s: float) -> None:
        self.interval_s = interval_s
        self._next = 0.0
        self._lock = threading.Lock()

    def due(self) -> bool:
        with self._lock:
            moment = time.monotonic()
            if moment < self._next:
                return False
            self._next = moment + self.interval_s
            return True


_PURGE_CLOCK = _PurgeClock(PURGE_INTERVAL_S)


def _row(raw: dict[str, Any]) -> TemporaryAttributeRow:
    basic = raw["basic_attributes"]
    return TemporaryAttributeRow(
        attribute_id=str(raw["attribute_id"]),
        account_id=str(raw["account_id"]),
        create_time=str(raw["create_time"]),
        expire_time=str(raw["expire_time"]),
        basic_attributes=None if basic is None else json.loads(str(basic)),
        basic_attributes_samples=json.loads(str(raw["basic_attributes_samples"])),
        face_descriptor_samples=json.loads(str(raw["face_descriptor_samples"])),
    )


class TemporaryAttributeRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    def _conn(self) -> Any:
        return self.db.connection().conn

    # -- reads ---------------------------------------------------------------------------------

    def live(self, attribute_ids: Sequence[str], account_id: str | None) -> dict[str, TemporaryAttributeRow]:
        """Unexpired attributes by ID, limited to the account when one is given."""
        if not attribute_ids:
            return {}
        sql = f"SELECT * FROM attributes WHERE attribute_id IN ({marks(attribute_ids)}) AND expire_time > ?"
        params: list[object] = [*attribute_ids, now()]
        if account_id is not None:
            sql += " AND account_id = ?"
            params.append(account_id)
        cursor = self._conn().execute(sql, params)
        names = [d[0] for d in cursor.description]
        rows = [_row(dict(zip(names, row, strict=True))) for row in cursor.fetchall()]
        return {row.attribute_id: row for row in rows}

    def descriptors(self, attribute_ids: Sequence[str], version: int | None = None) -> dict[str, dict[int, bytes]]:
        """Raw descriptor bytes (float32 little-endian) by attribute ID and version (only `version` when given)."""
        if not attribute_ids:
            return {}
        sql = (
            "SELECT attribute_id, version, descriptor FROM attribute_descriptors "
            f"WHERE attribute_id IN ({marks(attribute_ids)})"
        )
        params: list[object] = list(attribute_ids)
        if version is not None:
            sql += " AND version = ?"
            params.append(version)
        found: dict[str, dict[int, bytes]] = {}
        for attribute_id, row_version, blob in self._conn().execute(sql, params):
            found.setdefault(str(attribute_id), {})[int(row_version)] = bytes(blob)
        return found

    def load(self, attribute_id: str, account_id: str | None) -> AttributeData | None:
        """The data of a live attribute (of the account when one is given); None when missing or expired."""
        row = self.live([attribute_id], account_id).get(attribute_id)
        if row is None:
            return None
        blobs = self.descriptors([attribute_id]).get(attribute_id, {})
        return AttributeData(
            descriptors={v: np.frombuffer(b, dtype="<f4").copy() for v, b in blobs.items()},
            basic_attributes=row.basic_attributes,
            face_descriptor_samples=row.face_descriptor_samples,
            basic_attributes_samples=row.basic_attributes_samples,
        )

    def live_descriptors(
        self, version: int, account_id: str | None, attribute_ids: Sequence[str] | None
    ) -> list[tuple[str, bytes]]:
        """(attribute_id, descriptor bytes) of every live attribute with a descriptor of `version`,
        limited to the account and to `attribute_ids` when given (matcher candidates)."""
        where = (
            Where()
            .add("d.version = ?", version)
            .add("a.expire_time > ?", now())
            .eq("a.account_id", account_id)
            .among("a.attribute_id", attribute_ids)
        )
        rows = self._conn().execute(
            "SELECT a.attribute_id, d.descriptor FROM attributes a "
            f"JOIN attribute_descriptors d ON d.attribute_id = a.attribute_id{where.sql()}",
            where.params,
        )
        return [(str(r[0]), bytes(r[1])) for r in rows.fetchall()]

    def live_ids(self, version: int, account_id: str | None, attribute_ids: Sequence[str] | None) -> list[str]:
        """IDs of the live attributes with a descriptor of `version`, limited to the account and to
        `attribute_ids` when given (read in slices of 500: SQLite caps the parameters), sorted (task selection)."""
        found: set[str] = set()
        for part in [None] if attribute_ids is None else chunks(list(dict.fromkeys(attribute_ids))):
            where = (
                Where()
                .add("d.version = ?", version)
                .add("a.expire_time > ?", now())
                .eq("a.account_id", account_id)
                .among("a.attribute_id", part)
            )
            rows = self._conn().execute(
                "SELECT a.attribute_id FROM attributes a "
                f"JOIN attribute_descriptors d ON d.attribute_id = a.attribute_id{where.sql()}",
                where.params,
            )
            found.update(str(r[0]) for r in rows.fetchall())
        return sorted(found)

    # -- writes --------------------------------------------------------------------------------

    def insert(self, batch: WriteBatch, attribute_id: str, account_id: str, data: AttributeData, ttl_s: int) -> str:
        """Store a temporary attribute; returns its create_time. Purges expired ones on the way
        (at most every PURGE_INTERVAL_S), so the table holds the live ones and a few dead ones."""
        conn = batch.tx.conn
        created = datetime.now(UTC)
        if _PURGE_CLOCK.due():
            conn.execute("DELETE FROM attributes WHERE expire_time <= ?", (format_time(created),))
        conn.execute(
            "INSERT INTO attributes (attribute_id, account_id, create_time, expire_time, basic_attributes, "
            "basic_attributes_samples, face_descriptor_samples) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                attribute_id,
                account_id,
                format_time(created),
                expire_time(ttl_s, created),
                None if data.basic_attributes is None else json.dumps(data.basic_attributes),
                json.dumps(data.basic_attributes_samples),
                json.dumps(data.face_descriptor_samples),
            ),
        )
        conn.executemany(
            "INSERT INTO attribute_descriptors (attribute_id, version, descriptor) VALUES (?, ?, ?)",
            [(attribute_id, v, np.asarray(vec, dtype="<f4").tobytes()) for v, vec in data.descriptors.items()],
        )
        return format_time(created)

    def delete(self, batch: WriteBatch, attribute_id: str) -> None:
        batch.tx.conn.execute("DELETE FROM attributes WHERE attribute_id = ?", (attribute_id,))
