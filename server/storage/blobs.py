"""Blob directory: image, sample and object bytes, one file per id, written atomically."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from server.storage.errors import StorageFullError
from server.storage.space import is_disk_full

TEMP_PREFIX = ".tmp-"


class BlobStore:
    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)

    def path(self, bucket: str, blob_id: str) -> Path:
        return self.root / bucket / blob_id[:2] / blob_id

    def put(self, bucket: str, blob_id: str, data: bytes) -> None:
        """Write to a temporary file, fsync, then rename: a reader never sees half a blob.
        A full disk is raised as StorageFullError."""
        target = self.path(bucket, blob_id)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=TEMP_PREFIX)
        except OSError as error:
            if is_disk_full(error):
                raise StorageFullError from error
            raise
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, target)
        except BaseException as error:
            Path(tmp).unlink(missing_ok=True)
            if is_disk_full(error):
                raise StorageFullError from error
            raise

    def get(self, bucket: str, blob_id: str) -> bytes | None:
        try:
            return self.path(bucket, blob_id).read_bytes()
        except FileNotFoundError:
            return None

    def delete(self, bucket: str, blob_id: str) -> None:
        self.path(bucket, blob_id).unlink(missing_ok=True)

    def remove_temporaries(self) -> int:
        """Remove the temporary files of writes a crash or a full disk interrupted (at start, before
        any write). Returns how many were removed."""
        removed = 0
        for directory, _, names in os.walk(self.root):
            for name in names:
                if name.startswith(TEMP_PREFIX):
                    Path(directory, name).unlink(missing_ok=True)
                    removed += 1
        return removed
