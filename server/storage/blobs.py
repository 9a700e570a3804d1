"""Blob directory: image, sample and object bytes, one file per id, written atomically."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


class BlobStore:
    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)

    def path(self, bucket: str, blob_id: str) -> Path:
        return self.root / bucket / blob_id[:2] / blob_id

    def put(self, bucket: str, blob_id: str, data: bytes) -> None:
        """Write to a temporary file, fsync, then rename: a reader never sees half a blob."""
        target = self.path(bucket, blob_id)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def get(self, bucket: str, blob_id: str) -> bytes | None:
        try:
            return self.path(bucket, blob_id).read_bytes()
        except FileNotFoundError:
            return None

    def delete(self, bucket: str, blob_id: str) -> None:
        self.path(bucket, blob_id).unlink(missing_ok=True)
