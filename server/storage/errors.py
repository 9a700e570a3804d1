"""What storage raises on purpose. Storage knows nothing of the v6 API: the server turns these into
LUNA errors in one place (server/errors.py `from_storage_error`, used by server/rpc.py)."""

from __future__ import annotations


class StorageError(Exception):
    """Base of the errors storage raises on purpose."""


class UnknownDescriptorVersionError(StorageError):
    """A descriptor version storage has no format (and no LanceDB table) for."""

    def __init__(self, version: int, supported: tuple[int, ...]) -> None:
        super().__init__(f"unknown descriptor version {version}")
        self.version = version
        self.supported = supported


class CorruptDescriptorError(StorageError):
    """Stored descriptor bytes (a journal entry) that do not decode to a descriptor of their version."""


class StorageFullError(StorageError):
    """The data directory's disk (or quota) is full: the write was refused, nothing of it was stored."""

    def __init__(self) -> None:
        super().__init__("not enough disk space to store the data")
