"""The events store: its own SQLite file (WAL) beside the faces database, and event descriptors in
LanceDB (`event_descriptors_v<version>` tables), written all-or-nothing.

Why a separate file: a flood of events (every camera frame of every handler) takes the events
database's write lock, never the faces database's, so face writes and reads are not slowed by it.

How a write stays atomic: one SQLite transaction inserts the event rows, their tags and, for each
event with descriptors, a `descriptors_set` journal row carrying them; after commit the journal is
applied to LanceDB and removed by the same group-commit applier the faces use (server/storage/applier.py:
one LanceDB append per table for every write ready at once), and recovery at start replays leftover
rows (idempotent). Events are never updated, so a live apply is a pure append. In the journal payload
`face_id` holds the event id (the applier's FaceChange is keyed by one id column).

Sample and image blobs an event refers to are written before it by the caller (Storage.put_blob, as
/6/detector does): a failed event write leaves at most unreferenced samples, never an event
pointing to nothing.

`EventStore.listener` (an `EventListener`) hears about every saved batch once it is durable (the
matching index adds the event descriptors as candidates; server/matching/live.py).
"""

from __future__ import annotations

import json
import logging
import threading
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import sqlite_utils

from server.clock import now
from server.settings import DEFAULT_STORAGE_OPTIMIZE_INTERVAL_S, DEFAULT_STORAGE_VERSION_RETENTION_S
from server.storage.applier import Applier, Event, JournalOp, Optimizer, face_changes
from server.storage.db import Database
from server.storage.descriptors import DescriptorStore, encode_raw
from server.storage.repositories.events import EVENTS_SCHEMA, EventRecord, EventRepository

_LOGGER = logging.getLogger(__name__)

EVENTS_DB_FILE = "events.sqlite3"
EVENT_TABLE_PREFIX = "event_descriptors_v"
# Events saved without waiting (wait_saving=0) are written in groups of at most this many.
BUFFER_GROUP_MAX = 1000
# Events waiting in the buffer at most; beyond that save_events(wait=False) writes synchronously.
BUFFER_MAX = 20_000


class EventListener(Protocol):
    """What in-memory views of the stored events implement to follow committed writes."""

    def on_events_saved(self, records: Sequence[EventRecord]) -> None: ...

    def on_events_deleted(self, event_ids: Sequence[str]) -> None: ...


class EventWriteBatch:
    """The transaction of one event write and what must follow its commit."""

    def __init__(self, tx: sqlite_utils.Database) -> None:
        self.tx = tx
        self.ops: list[JournalOp] = []
        self.events: list[Event] = []

    def set_descriptors(self, event_id: str, account_id: str, vectors: dict[int, np.ndarray]) -> None:
        """Journal the descriptors of a new event (applied to LanceDB after commit)."""
        payload: dict[str, Any] = {
            "face_id": event_id,
            "account_id": account_id,
            "descriptors": {str(v): encode_raw(vec) for v, vec in vectors.items()},
            "fresh": True,
        }
        op_id = str(uuid.uuid4())
        self.tx.conn.execute(
            "INSERT INTO journal (op_id, kind, payload, create_time) VALUES (?, ?, ?, ?)",
            (op_id, "descriptors_set", json.dumps(payload), now()),
        )
        self.ops.append((op_id, "descriptors_set", payload))

    def saved(self, records: list[EventRecord]) -> None:
        if records:
            self.events.append(("on_events_saved", (records,)))

    def delete_descriptors(self, event_ids: list[str]) -> None:
        """Journal the removal of the descriptors of deleted events (applied to LanceDB after commit)."""
        if not event_ids:
            return
        payload: dict[str, Any] = {"face_ids": event_ids}
        op_id = str(uuid.uuid4())
        self.tx.conn.execute(
            "INSERT INTO journal (op_id, kind, payload, create_time) VALUES (?, ?, ?, ?)",
            (op_id, "descriptors_delete", json.dumps(payload), now()),
        )
        self.ops.append((op_id, "descriptors_delete", payload))

    def deleted(self, event_ids: list[str]) -> None:
        if event_ids:
            self.events.append(("on_events_deleted", (event_ids,)))


class EventStore:
    def __init__(
        self,
        data_dir: Path,
        *,
        optimize_interval_s: int = DEFAULT_STORAGE_OPTIMIZE_INTERVAL_S,
        version_retention_s: int = DEFAULT_STORAGE_VERSION_RETENTION_S,
    ) -> None:
        self.db = Database(data_dir / EVENTS_DB_FILE, schema=EVENTS_SCHEMA)
        self.descriptors = DescriptorStore(data_dir / "lancedb", table_prefix=EVENT_TABLE_PREFIX, id_column="event_id")
        self.repository = EventRepository(self.db)
        self.listener: EventListener | None = None
        self.applier = Applier(self.descriptors, self._apply_other, self._forget, self._notify)
        self.optimizer = Optimizer(self.descriptors, self.applier, optimize_interval_s, version_retention_s)
        self._buffer: list[EventRecord] = []
        self._buffer_cond = threading.Condition()
        self._buffer_thread: threading.Thread | None = None
        self._writing = False  # the buffer thread is writing a group

    # -- writes --------------------------------------------------------------------------------

    @contextmanager
    def write(self) -> Iterator[EventWriteBatch]:
        """An events-database transaction whose LanceDB effects and listener calls follow its commit
        (the block returns once they ran)."""
        ticket: int | None = None
        batch: EventWriteBatch | None = None
        try:
            with self.db.transaction() as tx:
                batch = EventWriteBatch(tx)
                yield batch
                if batch.ops or batch.events:
                    ticket = self.applier.take_ticket()  # under the write lock: commit order
            if ticket is not None and batch is not None:
                commit = self.applier.submit(ticket, batch.ops, batch.events)
                ticket = None
                commit.done.wait()
        finally:
            if ticket is not None:  # the transaction failed after taking its ticket: let later ones go
                self.applier.submit(ticket, [], [])

    def save_events(self, records: Sequence[EventRecord], *, wait: bool = True) -> None:
        """Store new events (rows, tags, descriptors) all-or-nothing.

        wait=True: returns once stored (a StorageError, e.g. StorageFullError, when not: nothing was
        stored). wait=False (v6 wait_saving=0): queued and written in the background, grouped with
        other queued events; a failure there is logged, the events are lost."""
        if not records:
            return
        if not wait:
            with self._buffer_cond:
                if len(self._buffer) + len(records) <= BUFFER_MAX:
                    self._buffer.extend(records)
                    self._start_buffer_locked()
                    self._buffer_cond.notify_all()
                    return
        with self.write() as batch:
            self.repository.insert_many(batch, records)

    def flush(self) -> None:
        """Wait until every queued event (wait=False) is written or failed."""
        with self._buffer_cond:
            while self._buffer or self._writing:
                self._buffer_cond.wait(0.05)

    def _start_buffer_locked(self) -> None:
        if self._buffer_thread is None:
            self._buffer_thread = threading.Thread(target=self._drain, name="lumen-events-buffer", daemon=True)
            self._buffer_thread.start()

    def _drain(self) -> None:
        while True:
            with self._buffer_cond:
                while not self._buffer:
                    self._buffer_cond.wait()
                group, self._buffer = self._buffer[:BUFFER_GROUP_MAX], self._buffer[BUFFER_GROUP_MAX:]
                self._writing = True
            try:
                with self.write() as batch:
                    self.repository.insert_many(batch, group)
            except Exception:  # wait_saving=0: the client was answered already; the events are lost
                _LOGGER.exception("saving %d buffered events failed", len(group))
            finally:
                with self._buffer_cond:
                    self._writing = False
                    self._buffer_cond.notify_all()

    # -- post-commit -----------------------------------------------------------------------------

    def _forget(self, op_ids: list[str]) -> None:
        with self.db.transaction() as tx:
            for start in range(0, len(op_ids), 500):
                chunk = op_ids[start : start + 500]
                tx.conn.execute(f"DELETE FROM journal WHERE op_id IN ({', '.join('?' * len(chunk))})", chunk)

    @staticmethod
    def _apply_other(kind: str, payload: dict[str, Any]) -> None:
        _LOGGER.error("unknown events journal entry kind %s", kind)

    def _notify(self, events: list[Event]) -> None:
        listener = self.listener
        if listener is None:
            return
        for name, args in events:
            try:
                getattr(listener, name)(*args)
            except Exception:  # the write is committed; a listener failure must not undo or hide it
                _LOGGER.exception("event listener %s failed", name)

    # -- start and maintenance -----------------------------------------------------------------

    def recover(self) -> int:
        """Re-apply the descriptor writes a crash interrupted (idempotent); returns how many."""
        entries = self.db.query("SELECT op_id, kind, payload FROM journal ORDER BY rowid")
        ops: list[JournalOp] = [(str(e["op_id"]), str(e["kind"]), json.loads(str(e["payload"]))) for e in entries]
        if not ops:
            return 0
        try:
            self.descriptors.apply(face_changes(ops, lambda _: False), trust_fresh=False)
        except Exception as error:  # noqa: BLE001 - logged; the applier retries them
            _LOGGER.error("could not apply %d event journal entries at start (%s); retrying later", len(ops), error)
            self.applier.adopt(ops)
            return len(ops)
        _LOGGER.warning("recovered %d interrupted event writes", len(ops))
        try:
            self._forget([op_id for op_id, _, _ in ops])
        except Exception as error:  # noqa: BLE001 - replayed (idempotent) at the next start
            _LOGGER.error("could not clear the events journal at start: %s", error)
        return len(ops)

    def start_maintenance(self) -> None:
        self.optimizer.start()
