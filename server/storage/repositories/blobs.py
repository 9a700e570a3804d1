"""Blob rows: the `blobs` table (images, objects, face and body samples). The bytes are files
(server/storage/blobs.py); `Storage.put_blob` / `delete_blob` keep the two consistent via the journal."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypedDict, cast

from server.storage.db import Database

if TYPE_CHECKING:
    from server.storage.store import WriteBatch


class BlobRow(TypedDict):
    bucket: str  # images | objects | samples/faces | samples/bodies
    blob_id: str
    account_id: str
    content_type: str
    size: int
    create_time: str


class BlobRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    def get(self, bucket: str, blob_id: str, account_id: str | None = None) -> BlobRow | None:
        """The blob's row (of the account when one is given)."""
        sql = "SELECT * FROM blobs WHERE bucket = ? AND blob_id = ?"
        params: list[object] = [bucket, blob_id]
        if account_id is not None:
            sql += " AND account_id = ?"
            params.append(account_id)
        rows = self.db.query(sql, params)
        return cast(BlobRow, rows[0]) if rows else None

    def exists(self, bucket: str, blob_id: str) -> bool:
        return bool(self.db.scalar("SELECT 1 FROM blobs WHERE bucket = ? AND blob_id = ?", (bucket, blob_id)))

    def insert(self, batch: WriteBatch, row: BlobRow) -> None:
        """Record a blob whose file is written (replacing a row of the same id)."""
        batch.tx.table("blobs").insert(dict(row), replace=True)

    def delete(self, batch: WriteBatch, bucket: str, blob_id: str, account_id: str) -> bool:
        """Remove the account's blob row; its file goes after commit. False when there was none."""
        cursor = batch.tx.conn.execute(
            "DELETE FROM blobs WHERE bucket = ? AND blob_id = ? AND account_id = ?", (bucket, blob_id, account_id)
        )
        if cursor.rowcount:
            batch.after_commit("blob_delete", {"bucket": bucket, "blob_id": blob_id})
        return bool(cursor.rowcount)
