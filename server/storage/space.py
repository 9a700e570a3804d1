"""Recognising a full disk in the errors of SQLite, LanceDB and the blob files.

Storage raises them as StorageFullError (the server answers LUNA 40050, HTTP 507) where a write is
refused before it committed; a write that committed is never answered with an error (applier.py).
"""

from __future__ import annotations

import errno
import sqlite3

# SQLite's primary result code SQLITE_FULL ("database or disk is full").
SQLITE_FULL = 13
_MESSAGES = ("no space left on device", "database or disk is full", "os error 28", "disk quota exceeded")


def is_disk_full(error: BaseException | None) -> bool:
    """True when `error` (or an error it was raised from) says the disk or quota is full."""
    seen = 0
    while error is not None and seen < 10:
        if isinstance(error, OSError) and error.errno in (errno.ENOSPC, errno.EDQUOT):
            return True
        if isinstance(error, sqlite3.Error) and getattr(error, "sqlite_errorcode", None) == SQLITE_FULL:
            return True
        if any(message in str(error).lower() for message in _MESSAGES):  # LanceDB wraps Rust IO errors
            return True
        error = error.__cause__ or error.__context__
        seen += 1
    return False
