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
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import sqlite_utils

from server.storage import faults
from server.storage.blobs import BlobStore
from server.storage.db import Database
from server.storage.descriptors import DescriptorStore, decode_raw, encode_raw
from server.validation import now

_LOGGER = logging.getLogger(__name__)


class Storage:
    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.db = Database(data_dir / "lumen.sqlite3")
        self.blobs = BlobStore(data_dir / "blobs")
        self.descriptors = DescriptorStore(data_dir / "lancedb")

    # -- journal -------------------------------------------------------------------------------

    @staticmethod
    def journal_add(tx: sqlite_utils.Database, kind: str, payload: dict[str, Any]) -> str:
        op_id = str(uuid.uuid4())
        tx.table("journal").insert({"op_id": op_id, "kind": kind, "payload": json.dumps(payload), "create_time": now()})
        return op_id

    def journal_done(self, op_id: str) -> None:
        with self.db.transaction() as tx:
            tx.conn.execute("DELETE FROM journal WHERE op_id = ?", (op_id,))

    @contextmanager
    def write(self) -> Iterator[WriteBatch]:
        """A metadata transaction whose descriptor and blob side effects run after commit."""
        batch = WriteBatch(self)
        with self.db.transaction() as tx:
            batch.tx = tx
            yield batch
            for kind, payload in batch.pending:
                batch.op_ids.append((self.journal_add(tx, kind, payload), kind, payload))
        faults.crash_point("after_metadata_commit")
        for op_id, kind, payload in batch.op_ids:
            self._apply(kind, payload)
            self.journal_done(op_id)

    def _apply(self, kind: str, payload: dict[str, Any]) -> None:
        if kind == "descriptors_set":
            vectors = {int(v): decode_raw(d, int(v)) for v, d in payload["descriptors"].items()}
            self.descriptors.replace(payload["face_id"], payload["account_id"], vectors)
        elif kind == "descriptors_delete":
            self.descriptors.delete(payload["face_ids"])
        elif kind == "blob_delete":
            self.blobs.delete(payload["bucket"], payload["blob_id"])
        elif kind == "blob_put":
            exists = self.db.scalar(
                "SELECT 1 FROM blobs WHERE bucket = ? AND blob_id = ?",
                (payload["bucket"], payload["blob_id"]),
            )
            if not exists:
                self.blobs.delete(payload["bucket"], payload["blob_id"])
        else:
            _LOGGER.error("unknown journal entry kind %s", kind)

    def recover(self) -> int:
        """Finish or undo every write a crash interrupted. Returns the number of entries handled."""
        entries = self.db.query("SELECT op_id, kind, payload FROM journal ORDER BY rowid")
        for entry in entries:
            self._apply(str(entry["kind"]), json.loads(str(entry["payload"])))
            self.journal_done(str(entry["op_id"]))
        if entries:
            _LOGGER.warning("recovered %d interrupted writes", len(entries))
        return len(entries)

    # -- blobs -------------------------------------------------------------------------------

    def put_blob(self, bucket: str, blob_id: str, account_id: str, content_type: str, data: bytes) -> None:
        with self.db.transaction() as tx:
            op_id = self.journal_add(tx, "blob_put", {"bucket": bucket, "blob_id": blob_id})
        self.blobs.put(bucket, blob_id, data)
        faults.crash_point("after_blob_write")
        with self.db.transaction() as tx:
            tx.table("blobs").insert(
                {
                    "bucket": bucket,
                    "blob_id": blob_id,
                    "account_id": account_id,
                    "content_type": content_type,
                    "size": len(data),
                    "create_time": now(),
                },
                replace=True,
            )
            tx.conn.execute("DELETE FROM journal WHERE op_id = ?", (op_id,))

    def blob_meta(self, bucket: str, blob_id: str, account_id: str | None) -> dict[str, Any] | None:
        sql = "SELECT * FROM blobs WHERE bucket = ? AND blob_id = ?"
        params: list[object] = [bucket, blob_id]
        if account_id is not None:
            sql += " AND account_id = ?"
            params.append(account_id)
        rows = self.db.query(sql, params)
        return rows[0] if rows else None

    def delete_blob(self, bucket: str, blob_id: str, account_id: str) -> bool:
        with self.write() as batch:
            cursor = batch.tx.conn.execute(
                "DELETE FROM blobs WHERE bucket = ? AND blob_id = ? AND account_id = ?",
                (bucket, blob_id, account_id),
            )
            if cursor.rowcount:
                batch.after_commit("blob_delete", {"bucket": bucket, "blob_id": blob_id})
        return bool(cursor.rowcount)


class WriteBatch:
    """Collects the LanceDB/blob effects of one metadata transaction (see Storage.write)."""

    def __init__(self, storage: Storage) -> None:
        self.storage = storage
        self.tx: sqlite_utils.Database
        self.pending: list[tuple[str, dict[str, Any]]] = []
        self.op_ids: list[tuple[str, str, dict[str, Any]]] = []

    def after_commit(self, kind: str, payload: dict[str, Any]) -> None:
        self.pending.append((kind, payload))

    def set_descriptors(self, face_id: str, account_id: str, vectors: dict[int, np.ndarray]) -> None:
        self.after_commit(
            "descriptors_set",
            {
                "face_id": face_id,
                "account_id": account_id,
                "descriptors": {str(v): encode_raw(vec) for v, vec in vectors.items()},
            },
        )

    def delete_descriptors(self, face_ids: list[str]) -> None:
        if face_ids:
            self.after_commit("descriptors_delete", {"face_ids": face_ids})
