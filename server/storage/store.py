"""Storage facade: SQLite metadata, LanceDB descriptors and blob files under one data directory,
with all-or-nothing writes across them.

How a multi-store write stays atomic (the journal table):
- Blob uploads: a `blob_put` entry is committed first, the file is written, then the metadata row
  is inserted and the entry removed in one transaction. On start, a leftover entry means the row
  never committed: the file is removed.
- Descriptor changes: the metadata change and a `descriptors_set` / `descriptors_delete` entry that
  carries the complete new LanceDB state are committed in one SQLite transaction; the LanceDB
  change is applied afterwards and the entry removed. On start, leftover entries are re-applied
  (they are idempotent), so SQLite and LanceDB always converge to the committed metadata.
- Blob deletions: the row and a `blob_delete` entry are committed together, then the file goes.

In-memory state derived from storage (the matching index, server/matching/live.py) hears about a
write through `Storage.listener` (a `WriteListener`) after the commit and after the LanceDB changes:
the events a WriteBatch recorded are delivered once the write is durable, never for a rolled-back
one. The post-commit stage (journal apply + events) of the writes that have one runs in commit
order (a ticket taken inside the transaction), so LanceDB and listeners see conflicting writes to
the same face or list in the order SQLite committed them. Listeners are not journaled: they are
rebuilt from storage at start.

The post-commit stage runs grouped: one thread applies every write that is ready as one LanceDB
commit per table, and compaction removes old LanceDB versions in the background
(server/storage/applier.py). A write whose LanceDB step fails after its metadata committed (disk
full) is committed: it stays journaled and is retried, and the writer is told success.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import sqlite_utils

from server.clock import now
from server.settings import DEFAULT_STORAGE_OPTIMIZE_INTERVAL_S, DEFAULT_STORAGE_VERSION_RETENTION_S
from server.storage import faults
from server.storage.applier import Applier, JournalOp, Optimizer, face_changes
from server.storage.blobs import BlobStore
from server.storage.db import Database
from server.storage.descriptors import DescriptorStore, encode_raw
from server.storage.event_store import EventStore
from server.storage.repositories.attributes import TemporaryAttributeRepository
from server.storage.repositories.blobs import BlobRepository, BlobRow
from server.storage.repositories.faces import FaceRepository
from server.storage.repositories.handlers import HandlerRepository
from server.storage.repositories.lists import ListRepository
from server.storage.repositories.verifiers import VerifierRepository

_LOGGER = logging.getLogger(__name__)


class WriteListener(Protocol):
    """What in-memory views of the stored faces implement to follow committed writes."""

    def on_descriptors_set(self, face_id: str, account_id: str, vectors: dict[int, np.ndarray]) -> None: ...

    def on_descriptors_deleted(self, face_ids: Sequence[str]) -> None: ...

    def on_faces_deleted(self, face_ids: Sequence[str]) -> None: ...

    def on_list_faces_attached(self, list_id: str, face_ids: Sequence[str]) -> None: ...

    def on_list_faces_detached(self, list_id: str, face_ids: Sequence[str]) -> None: ...

    def on_list_deleted(self, list_id: str) -> None: ...


class Storage:
    def __init__(
        self,
        data_dir: Path,
        *,
        optimize_interval_s: int = DEFAULT_STORAGE_OPTIMIZE_INTERVAL_S,
        version_retention_s: int = DEFAULT_STORAGE_VERSION_RETENTION_S,
    ) -> None:
        self.data_dir = data_dir
        self.db = Database(data_dir / "lumen.sqlite3")
        self.blobs = BlobStore(data_dir / "blobs")
        self.descriptors = DescriptorStore(data_dir / "lancedb")
        # The SQL of each resource (server/storage/repositories).
        self.lists = ListRepository(self.db)
        self.faces = FaceRepository(self.db)
        self.attributes = TemporaryAttributeRepository(self.db)
        self.blob_rows = BlobRepository(self.db)
        self.handlers = HandlerRepository(self.db)
        self.verifiers = VerifierRepository(self.db)
        # Events: their own SQLite file and LanceDB tables (server/storage/event_store.py).
        self.events = EventStore(
            data_dir, optimize_interval_s=optimize_interval_s, version_retention_s=version_retention_s
        )
        # Told about every committed write (set once at start, after recovery and index load).
        self.listener: WriteListener | None = None
        self.applier = Applier(self.descriptors, self._apply, self._forget, self._notify)
        # Started by `start_maintenance` (the server), not by tools that only read the store.
        self.optimizer = Optimizer(self.descriptors, self.applier, optimize_interval_s, version_retention_s)

    # -- journal -------------------------------------------------------------------------------

    @staticmethod
    def journal_add(tx: sqlite_utils.Database, kind: str, payload: dict[str, Any]) -> str:
        op_id = str(uuid.uuid4())
        tx.table("journal").insert({"op_id": op_id, "kind": kind, "payload": json.dumps(payload), "create_time": now()})
        return op_id

    def journal_done(self, op_id: str) -> None:
        self._forget([op_id])

    def _forget(self, op_ids: list[str]) -> None:
        with self.db.transaction() as tx:
            for start in range(0, len(op_ids), 500):
                chunk = op_ids[start : start + 500]
                tx.conn.execute(f"DELETE FROM journal WHERE op_id IN ({', '.join('?' * len(chunk))})", chunk)

    @contextmanager
    def write(self) -> Iterator[WriteBatch]:
        """A metadata transaction whose descriptor and blob side effects run after commit."""
        batch = WriteBatch(self)
        ticket: int | None = None
        try:
            with self.db.transaction() as tx:
                batch.tx = tx
                yield batch
                for kind, payload in batch.pending:
                    batch.op_ids.append((self.journal_add(tx, kind, payload), kind, payload))
                if batch.op_ids or batch.events:
                    ticket = self.applier.take_ticket()  # under the write lock: commit order
            faults.crash_point("after_metadata_commit")
            if ticket is not None:
                commit = self.applier.submit(ticket, batch.op_ids, batch.events)
                ticket = None
                commit.done.wait()
        finally:
            if ticket is not None:  # the transaction failed after taking its ticket: let later ones go
                self.applier.submit(ticket, [], [])

    def start_maintenance(self) -> None:
        """Background compaction of the descriptor tables (the server calls this once serving)."""
        self.optimizer.start()
        self.events.start_maintenance()

    def _notify(self, events: list[tuple[str, tuple[Any, ...]]]) -> None:
        listener = self.listener
        if listener is None:
            return
        for name, args in events:
            try:
                getattr(listener, name)(*args)
            except Exception:  # the write is committed; a listener failure must not undo or hide it
                _LOGGER.exception("write listener %s failed", name)

    def _apply(self, kind: str, payload: dict[str, Any]) -> None:
        """Apply one blob journal entry (descriptor entries are applied in groups, see applier.py)."""
        if kind == "blob_delete":
            self.blobs.delete(payload["bucket"], payload["blob_id"])
        elif kind == "blob_put":
            if not self.blob_rows.exists(payload["bucket"], payload["blob_id"]):
                self.blobs.delete(payload["bucket"], payload["blob_id"])
        else:
            _LOGGER.error("unknown journal entry kind %s", kind)

    def recover(self) -> int:
        """Finish or undo every write a crash interrupted, remove leftover temporary files and
        compact the descriptor tables. Returns the number of journal entries handled.

        On a full disk the server must still start and serve reads: entries that cannot be applied
        are held and retried in the background (see applier.py), and failures are only logged."""
        self.events.recover()
        removed = self.blobs.remove_temporaries()
        if removed:
            _LOGGER.warning("removed %d leftover temporary blob files", removed)
        entries = self.db.query("SELECT op_id, kind, payload FROM journal ORDER BY rowid")
        ops: list[JournalOp] = [(str(e["op_id"]), str(e["kind"]), json.loads(str(e["payload"]))) for e in entries]
        try:
            self.descriptors.apply(face_changes(ops, lambda _: False), trust_fresh=False)
            for _, kind, payload in ops:
                if kind not in ("descriptors_set", "descriptors_delete"):
                    self._apply(kind, payload)
        except Exception as error:  # noqa: BLE001 - logged; the applier retries them
            _LOGGER.error(
                "could not apply %d journal entries at start (%s); retrying in the background", len(ops), error
            )
            self.applier.adopt(ops)
        else:
            if ops:
                _LOGGER.warning("recovered %d interrupted writes", len(ops))
            try:
                if ops:
                    self._forget([op_id for op_id, _, _ in ops])
            except Exception as error:  # noqa: BLE001 - replayed (idempotent) at the next start
                _LOGGER.error("could not clear the journal at start: %s", error)
        try:
            # Nothing else writes the tables yet, so unreferenced files of failed writes can go too.
            self.descriptors.optimize(self.optimizer.retention, delete_unverified=True)
        except Exception as error:  # noqa: BLE001 - logged; the optimizer runs again later
            _LOGGER.error("descriptor table optimize at start failed: %s", error)
        return len(entries)

    # -- blobs -------------------------------------------------------------------------------

    def put_blob(self, bucket: str, blob_id: str, account_id: str, content_type: str, data: bytes) -> None:
        with self.db.transaction() as tx:
            op_id = self.journal_add(tx, "blob_put", {"bucket": bucket, "blob_id": blob_id})
        try:
            self.blobs.put(bucket, blob_id, data)
        except BaseException:
            try:  # no row was inserted, so the write did not happen; the entry would only undo it
                self.journal_done(op_id)
            except Exception:  # noqa: BLE001 - recovery removes it at the next start
                _LOGGER.warning("could not remove the journal entry of a failed blob write")
            raise
        faults.crash_point("after_blob_write")
        with self.write() as batch:
            row = BlobRow(
                bucket=bucket,
                blob_id=blob_id,
                account_id=account_id,
                content_type=content_type,
                size=len(data),
                create_time=now(),
            )
            self.blob_rows.insert(batch, row)
            batch.tx.conn.execute("DELETE FROM journal WHERE op_id = ?", (op_id,))

    def blob_meta(self, bucket: str, blob_id: str, account_id: str | None) -> dict[str, Any] | None:
        """The blob's row (of the account when one is given)."""
        row = self.blob_rows.get(bucket, blob_id, account_id)
        return None if row is None else dict(row)

    def delete_blob(self, bucket: str, blob_id: str, account_id: str) -> bool:
        with self.write() as batch:
            return self.blob_rows.delete(batch, bucket, blob_id, account_id)


class WriteBatch:
    """Collects the LanceDB/blob effects of one metadata transaction (see Storage.write)."""

    def __init__(self, storage: Storage) -> None:
        self.storage = storage
        self.tx: sqlite_utils.Database
        self.pending: list[tuple[str, dict[str, Any]]] = []
        self.op_ids: list[tuple[str, str, dict[str, Any]]] = []
        # WriteListener calls to make once the write is durable (in this order).
        self.events: list[tuple[str, tuple[Any, ...]]] = []

    def after_commit(self, kind: str, payload: dict[str, Any]) -> None:
        self.pending.append((kind, payload))

    def set_descriptors(
        self, face_id: str, account_id: str, vectors: dict[int, np.ndarray], *, new_face: bool = False
    ) -> None:
        """`new_face`: the face is created by this write, so it has no stored descriptors yet (the
        live apply then skips the delete; a replay after a crash does not)."""
        payload: dict[str, Any] = {
            "face_id": face_id,
            "account_id": account_id,
            "descriptors": {str(v): encode_raw(vec) for v, vec in vectors.items()},
        }
        if new_face:
            payload["fresh"] = True
        self.after_commit("descriptors_set", payload)
        self.events.append(("on_descriptors_set", (face_id, account_id, dict(vectors))))

    def delete_descriptors(self, face_ids: list[str]) -> None:
        if face_ids:
            self.after_commit("descriptors_delete", {"face_ids": face_ids})
            self.events.append(("on_descriptors_deleted", (list(face_ids),)))

    # -- events for the WriteListener (no storage effect of their own) ----------------------------

    def faces_deleted(self, face_ids: list[str]) -> None:
        if face_ids:
            self.events.append(("on_faces_deleted", (list(face_ids),)))

    def list_faces_attached(self, list_id: str, face_ids: list[str]) -> None:
        if face_ids:
            self.events.append(("on_list_faces_attached", (list_id, list(face_ids))))

    def list_faces_detached(self, list_id: str, face_ids: list[str]) -> None:
        if face_ids:
            self.events.append(("on_list_faces_detached", (list_id, list(face_ids))))

    def list_deleted(self, list_id: str) -> None:
        self.events.append(("on_list_deleted", (list_id,)))
