"""SQLite metadata store (sqlite-utils, WAL): schema, connections and write transactions.

One place owns transactions: `Database.transaction()` serialises writers in this process with a
lock and runs BEGIN IMMEDIATE ... COMMIT, rolling back on any exception. Readers use a
per-thread connection and see the last committed state (WAL).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlite_utils

from server.storage.errors import StorageError, StorageFullError
from server.storage.space import is_disk_full

BUSY_TIMEOUT_MS = 10_000

SCHEMA = """
CREATE TABLE IF NOT EXISTS lists (
    list_id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL,
    user_data TEXT NOT NULL DEFAULT '',
    create_time TEXT NOT NULL,
    last_update_time TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS lists_account ON lists(account_id, list_id);

CREATE TABLE IF NOT EXISTS faces (
    face_id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL,
    event_id TEXT,
    user_data TEXT NOT NULL DEFAULT '',
    external_id TEXT NOT NULL DEFAULT '',
    avatar TEXT NOT NULL DEFAULT '',
    create_time TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS faces_account ON faces(account_id, face_id);
CREATE INDEX IF NOT EXISTS faces_external ON faces(external_id);

CREATE TABLE IF NOT EXISTS list_faces (
    list_id TEXT NOT NULL REFERENCES lists(list_id) ON DELETE CASCADE,
    face_id TEXT NOT NULL REFERENCES faces(face_id) ON DELETE CASCADE,
    link_time TEXT NOT NULL,
    PRIMARY KEY (list_id, face_id)
);
CREATE INDEX IF NOT EXISTS list_faces_face ON list_faces(face_id);

-- The attribute of a face; its descriptors live in LanceDB (server/storage/descriptors.py).
CREATE TABLE IF NOT EXISTS face_attributes (
    face_id TEXT PRIMARY KEY REFERENCES faces(face_id) ON DELETE CASCADE,
    create_time TEXT NOT NULL,
    basic_attributes TEXT,              -- JSON {age, gender, ethnicity} or NULL
    basic_attributes_samples TEXT NOT NULL DEFAULT '[]',
    face_descriptor_samples TEXT NOT NULL DEFAULT '[]',
    descriptor_versions TEXT NOT NULL DEFAULT '[]'
);

-- Temporary attributes (ttl); small, short-lived, so their descriptors stay in SQLite.
CREATE TABLE IF NOT EXISTS attributes (
    attribute_id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL,
    create_time TEXT NOT NULL,
    expire_time TEXT NOT NULL,
    basic_attributes TEXT,
    basic_attributes_samples TEXT NOT NULL DEFAULT '[]',
    face_descriptor_samples TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX IF NOT EXISTS attributes_account ON attributes(account_id, attribute_id);
CREATE TABLE IF NOT EXISTS attribute_descriptors (
    attribute_id TEXT NOT NULL REFERENCES attributes(attribute_id) ON DELETE CASCADE,
    version INTEGER NOT NULL,
    descriptor BLOB NOT NULL,
    PRIMARY KEY (attribute_id, version)
);

-- Binary objects whose bytes live in the blob directory (server/storage/blobs.py).
CREATE TABLE IF NOT EXISTS blobs (
    bucket TEXT NOT NULL,               -- images | objects | samples/faces | samples/bodies
    blob_id TEXT NOT NULL,
    account_id TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    create_time TEXT NOT NULL,
    PRIMARY KEY (bucket, blob_id)
);

-- Handlers (v6 API-082..092): policies is the complete policies JSON (every default filled in), NULL for a
-- dynamic handler (server/storage/repositories/handlers.py).
CREATE TABLE IF NOT EXISTS handlers (
    handler_id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    policies TEXT,
    is_dynamic INTEGER NOT NULL DEFAULT 0,
    create_time TEXT NOT NULL,
    last_update_time TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS handlers_account ON handlers(account_id, create_time, handler_id);

-- Verifiers (v6 API-139..147): policies is the complete verifier policies JSON; version counts replacements
-- (server/storage/repositories/verifiers.py).
CREATE TABLE IF NOT EXISTS verifiers (
    verifier_id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    policies TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 0,
    create_time TEXT NOT NULL,
    last_update_time TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS verifiers_account ON verifiers(account_id, create_time, verifier_id);

-- Multi-store writes in flight (server/storage/journal.py).
CREATE TABLE IF NOT EXISTS journal (
    op_id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    create_time TEXT NOT NULL
);
"""


class Database:
    """The SQLite file with one connection per thread and one writer at a time."""

    def __init__(self, path: Path, schema: str = SCHEMA) -> None:
        """`schema`: the DDL run at open (the faces database by default; the events database has its own)."""
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        self._write_lock = threading.RLock()
        conn = self.connection()
        conn.conn.execute("PRAGMA journal_mode=WAL")
        conn.conn.executescript(schema)

    def connection(self) -> sqlite_utils.Database:
        db = getattr(self._local, "db", None)
        if db is None:
            raw = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            raw.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            raw.execute("PRAGMA foreign_keys=ON")
            raw.execute("PRAGMA synchronous=NORMAL")
            db = sqlite_utils.Database(raw)
            self._local.db = db
        return db

    def query(self, sql: str, params: tuple[object, ...] | list[object] = ()) -> list[dict[str, object]]:
        return list(self.connection().query(sql, params))

    def scalar(self, sql: str, params: tuple[object, ...] | list[object] = ()) -> object:
        row = self.connection().conn.execute(sql, params).fetchone()
        return None if row is None else row[0]

    def count(self, sql: str, params: tuple[object, ...] | list[object] = ()) -> int:
        value = self.scalar(sql, params)
        return int(value) if isinstance(value, int | float | str) else 0

    def check(self) -> None:
        """Raise when the database cannot be read (health checks)."""
        self.scalar("SELECT count(*) FROM sqlite_master")

    @contextmanager
    def transaction(self) -> Iterator[sqlite_utils.Database]:
        """BEGIN IMMEDIATE ... COMMIT; any exception rolls the whole write back. A full disk is
        raised as StorageFullError (nothing of the write was stored)."""
        db = self.connection()
        with self._write_lock:
            try:
                db.conn.execute("BEGIN IMMEDIATE")
                try:
                    yield db
                except BaseException:
                    if db.conn.in_transaction:
                        db.conn.execute("ROLLBACK")
                    raise
                db.conn.execute("COMMIT")
            except Exception as error:
                if db.conn.in_transaction:  # COMMIT failed (disk full, I/O error) without rolling back
                    db.conn.execute("ROLLBACK")
                if is_disk_full(error) and not isinstance(error, StorageError):
                    raise StorageFullError from error
                raise

    def close(self) -> None:
        db = getattr(self._local, "db", None)
        if db is not None:
            db.conn.close()
            self._local.db = None
