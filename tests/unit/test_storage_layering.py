"""Layering rules: the servicers write no SQL (storage repositories own it), storage does not
depend on the server's errors, validation or services (it raises server/storage/errors.py)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SERVICES = sorted((ROOT / "server" / "services").glob("*.py"))
STORAGE = sorted((ROOT / "server" / "storage").rglob("*.py"))

# SQL is written in upper case here; a lower-case "select" in prose is no SQL.
SQL = re.compile(
    r"\.execute(many)?\(|\.executescript\(|\.query\(|\.scalar\(|\.table\(|\.transaction\(|\.connection\("
    r"|\bSELECT\s|\bINSERT\s|\bDELETE\s+FROM\b|\bUPDATE\s+\w+\s+SET\b"
)
SERVER_ONLY = re.compile(r"^\s*(from|import)\s+server\.(errors|validation|services|rpc)\b|\bLunaError\b", re.MULTILINE)


def test_the_scan_finds_sql() -> None:
    assert SQL.search('conn.execute("SELECT 1")')
    assert SQL.search("tx.table('faces').insert(row)")
    assert SQL.search("DELETE FROM faces WHERE face_id = ?")
    assert SQL.search("self.storage.db.connection().conn")
    assert SQL.search("UPDATE lists SET user_data = ?")
    assert not SQL.search("self.storage.faces.delete(batch, found)")
    assert not SQL.search("first select candidate ids from SQLite")


@pytest.mark.parametrize("path", SERVICES, ids=lambda p: p.name)
def test_services_write_no_sql(path: Path) -> None:
    found = [
        f"{path.name}:{number}: {line.strip()}"
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if SQL.search(line)
    ]
    assert not found, "SQL belongs in server/storage/repositories:\n" + "\n".join(found)


@pytest.mark.parametrize("path", STORAGE, ids=lambda p: str(p.relative_to(ROOT)))
def test_storage_does_not_import_server_errors_or_validation(path: Path) -> None:
    found = SERVER_ONLY.search(path.read_text())
    assert not found, f"{path.name}: {found.group(0)!r}; storage raises server/storage/errors.py"
