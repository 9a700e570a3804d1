"""Storage under single writes and on a full disk, through the real stack (REST -> gRPC -> SQLite, LanceDB).

- Faces created one request at a time are grouped into few LanceDB commits and compacted in the
  background: the descriptor table ends with a bounded number of versions and fragments, and every
  descriptor still reads back and matches.
- A full data disk: writes get the LUNA error 40050 (HTTP 507) or succeed, never half-written; reads
  keep working, also after a restart on the full disk; once space is freed every answered write is
  there and nothing else.
"""

from __future__ import annotations

import base64
import errno
import os
import subprocess
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest

from server.stack import Stack
from server.storage.descriptors import DEFAULT_VERSION, DescriptorStore
from server.storage.store import Storage
from tests.conftest import assert_luna_error, auth, stack_settings

STORAGE_FULL = 40050
POLL_DEADLINE_S = 120.0


def unit(seed: int) -> np.ndarray:
    vector = np.random.default_rng(seed).standard_normal(128).astype("<f4")
    return vector / np.linalg.norm(vector)


def b64(vector: np.ndarray) -> str:
    return base64.b64encode(np.asarray(vector, dtype="<f4").tobytes()).decode()


def face_body(seed: int) -> dict[str, Any]:
    return {"attribute": {"face_descriptors": [{"descriptor": b64(unit(seed)), "version": DEFAULT_VERSION}]}}


def dir_bytes(root: Path) -> int:
    return sum(p.stat().st_size for p in root.rglob("*") if p.is_file())


def lance_ids(data_dir: Path) -> list[str]:
    return [face_id for ids, _ in DescriptorStore(data_dir / "lancedb").scan(DEFAULT_VERSION) for face_id in ids]


def stored_descriptor(rest: httpx.Client, account: str, face_id: str) -> str | None:
    reply = rest.get(f"/6/faces/{face_id}/attributes", headers=auth(account))
    assert reply.status_code == 200, reply.text
    descriptor = reply.json()["attributes"]["face_descriptor"]
    return None if descriptor is None else str(descriptor["descriptor"])


@pytest.fixture
def quick_compaction_stack(tmp_path: Path) -> Iterator[Stack]:
    settings = stack_settings(tmp_path / "data", storage_optimize_interval_s=1, storage_version_retention_s=1)
    running = Stack(settings).start()
    try:
        yield running
    finally:
        running.stop()


def test_single_writes_are_grouped_and_compacted(quick_compaction_stack: Stack) -> None:
    stack = quick_compaction_stack
    account = str(uuid.uuid4())
    faces = 300
    with httpx.Client(base_url=stack.rest_url, timeout=60.0) as rest:

        def create(seed: int) -> str:
            reply = rest.post("/6/faces", json=face_body(seed), headers=auth(account))
            assert reply.status_code == 201, reply.text
            return str(reply.json()["face_id"])

        with ThreadPoolExecutor(8) as pool:
            face_ids = list(pool.map(create, range(faces)))

        # The background optimizer compacts the table and drops old versions (one LanceDB commit per
        # write would leave ~2 versions and a fragment per face).
        store = DescriptorStore(stack.settings.data_dir / "lancedb")
        deadline = time.monotonic() + POLL_DEADLINE_S
        while True:
            stats = store.stats(DEFAULT_VERSION)
            if stats["versions"] <= 3 and stats["fragments"] == 1:
                break
            assert time.monotonic() < deadline, stats
            time.sleep(0.5)
        assert stats["rows"] == faces
        assert dir_bytes(stack.settings.data_dir / "lancedb") < faces * 2048

        # Every descriptor reads back (LanceDB) and matches its face (the in-memory index).
        for seed, face_id in enumerate(face_ids):
            assert stored_descriptor(rest, account, face_id) == b64(unit(seed))
        for seed in range(0, faces, 37):
            body = {
                "references": [{"type": "raw_descriptor", "id": "probe", "data": b64(unit(seed))}],
                "candidates": [{"filters": {"origin": "faces"}, "limit": 1}],
            }
            reply = rest.post("/6/matcher/faces", json=body, headers=auth(account))
            assert reply.status_code == 200, reply.text
            (best,) = reply.json()[0]["matches"][0]["result"]
            assert best["face"]["face_id"] == face_ids[seed]
            assert best["similarity"] > 0.99
    assert sorted(lance_ids(stack.settings.data_dir)) == sorted(face_ids)


def test_concurrent_updates_of_one_face_agree(quick_compaction_stack: Stack) -> None:
    """LanceDB (read by GET attributes) and the matching index (told by the listener) end with the same
    last committed descriptor when many writers replace one face's attribute at once."""
    stack = quick_compaction_stack
    account = str(uuid.uuid4())
    with httpx.Client(base_url=stack.rest_url, timeout=60.0) as rest:
        face_id = rest.post("/6/faces", json=face_body(0), headers=auth(account)).json()["face_id"]

        def update(seed: int) -> None:
            reply = rest.put(f"/6/faces/{face_id}/attributes", json=face_body(seed)["attribute"], headers=auth(account))
            assert reply.status_code == 204, reply.text

        with ThreadPoolExecutor(8) as pool:
            list(pool.map(update, range(1, 41)))
        final = stored_descriptor(rest, account, face_id)
        assert final in {b64(unit(seed)) for seed in range(1, 41)}
        body = {
            "references": [{"type": "raw_descriptor", "id": "probe", "data": final}],
            "candidates": [{"filters": {"origin": "faces"}, "limit": 1}],
        }
        (best,) = rest.post("/6/matcher/faces", json=body, headers=auth(account)).json()[0]["matches"][0]["result"]
        assert best["face"]["face_id"] == face_id
        assert best["similarity"] > 0.99
    assert lance_ids(stack.settings.data_dir) == [face_id]


# -- a full disk ---------------------------------------------------------------------------------


def mount_small_disk(mount_point: Path) -> Iterator[Path]:
    """A 24 MiB tmpfs at mount_point (needs root); always unmounted."""
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root")
    mount_point.mkdir(parents=True)
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs", str(mount_point)], capture_output=True, check=False
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs: {mounted.stderr.decode(errors='replace')[:200]}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], capture_output=True, check=False)


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    yield from mount_small_disk(tmp_path / "small-disk")


@pytest.fixture
def small_lancedb_disk(tmp_path: Path) -> Iterator[Path]:
    """The data directory of a stack whose LanceDB directory (only) is on a small tmpfs."""
    for _ in mount_small_disk(tmp_path / "data" / "lancedb"):
        yield tmp_path / "data"


def fill(path: Path) -> None:
    """Write `path` until the disk is full.

    Unbuffered: a buffered writer keeps the bytes a failed write left over and raises again when closed."""
    chunk = b"\0" * (256 * 1024)
    with path.open("wb", buffering=0) as handle:
        while True:
            try:
                handle.write(chunk)
            except OSError as error:
                assert error.errno == errno.ENOSPC
                break
    for size in (4096, 512):  # the page cache may hold a few more bytes
        try:
            with path.open("ab", buffering=0) as handle:
                while True:
                    handle.write(b"\0" * size)
        except OSError:
            pass


def test_full_disk_refuses_writes_honestly_and_serves_reads(small_disk: Path, tmp_path: Path) -> None:
    data_dir = small_disk / "data"
    stack = Stack(stack_settings(data_dir), log_dir=tmp_path / "logs").start()
    account = str(uuid.uuid4())
    created: dict[str, int] = {}  # face id -> seed, for every 201
    png = base64.b64decode(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
    )
    try:
        with httpx.Client(base_url=stack.rest_url, timeout=60.0) as rest:

            def create(seed: int) -> httpx.Response:
                reply = rest.post("/6/faces", json=face_body(seed), headers=auth(account))
                if reply.status_code == 201:
                    created[reply.json()["face_id"]] = seed
                return reply

            for seed in range(20):
                assert create(seed).status_code == 201
            before_full = dict(created)
            filler = small_disk / "filler"
            fill(filler)

            # Writes on the full disk: each one either succeeds or gets the LUNA error, never a 500.
            refused = 0
            lock = threading.Lock()

            def attempt(seed: int) -> None:
                nonlocal refused
                reply = create(seed)
                if reply.status_code != 201:
                    assert_luna_error(reply, 507, STORAGE_FULL)
                    with lock:
                        refused += 1

            with ThreadPoolExecutor(4) as pool:
                list(pool.map(attempt, range(100, 300)))
            assert refused > 0
            image = rest.post("/6/images", content=png, headers=auth(account, **{"Content-Type": "image/png"}))
            if image.status_code != 201:
                assert_luna_error(image, 507, STORAGE_FULL)

            # Reads keep working, also after a restart on the full disk.
            leftover = data_dir / "blobs" / "images" / "ab" / ".tmp-interrupted"
            leftover.parent.mkdir(parents=True, exist_ok=True)
            leftover.touch()
            for restart in (False, True):
                if restart:
                    stack.restart_server()
                listed = rest.get("/6/faces", params={"page_size": 100}, headers=auth(account))
                assert listed.status_code == 200, listed.text
                assert {f["face_id"] for f in listed.json()["faces"]} >= set(before_full)
                for face_id, seed in list(before_full.items())[:5]:
                    assert stored_descriptor(rest, account, face_id) == b64(unit(seed))
            assert not leftover.exists()  # temporary blob files are removed at start

            # Space comes back: every answered write is there, with its descriptor, and nothing else.
            filler.unlink()
            stack.restart_server()
            page, listed_ids = 1, set()
            while True:
                reply = rest.get("/6/faces", params={"page_size": 100, "page": page}, headers=auth(account))
                assert reply.status_code == 200, reply.text
                batch = {f["face_id"] for f in reply.json()["faces"]}
                if not batch:
                    break
                listed_ids |= batch
                page += 1
            assert listed_ids == set(created)
            for face_id, seed in created.items():
                assert stored_descriptor(rest, account, face_id) == b64(unit(seed))
            assert create(1000).status_code == 201
    finally:
        stack.stop()
    assert sorted(lance_ids(data_dir)) == sorted(created)
    storage = Storage(data_dir, optimize_interval_s=0)
    assert storage.db.count("SELECT COUNT(*) FROM faces") == len(created)
    assert storage.db.count("SELECT COUNT(*) FROM journal") == 0


def test_descriptor_write_failing_after_commit_is_committed(small_lancedb_disk: Path, tmp_path: Path) -> None:
    """SQLite has room, LanceDB has none: the metadata and the journal commit, so the write happened. It
    is answered with success, reads and matches see it, and LanceDB gets it once space is back (also
    across a restart on the full disk)."""
    data_dir = small_lancedb_disk
    stack = Stack(stack_settings(data_dir), log_dir=tmp_path / "logs").start()
    account = str(uuid.uuid4())
    created: dict[str, int] = {}
    try:
        with httpx.Client(base_url=stack.rest_url, timeout=60.0) as rest:

            def create(seed: int) -> None:
                reply = rest.post("/6/faces", json=face_body(seed), headers=auth(account))
                assert reply.status_code == 201, reply.text
                created[reply.json()["face_id"]] = seed

            def check_reads() -> None:
                for face_id, seed in created.items():
                    assert stored_descriptor(rest, account, face_id) == b64(unit(seed))
                probe = max(created.values())
                body = {
                    "references": [{"type": "raw_descriptor", "id": "probe", "data": b64(unit(probe))}],
                    "candidates": [{"filters": {"origin": "faces"}, "limit": 1}],
                }
                reply = rest.post("/6/matcher/faces", json=body, headers=auth(account))
                (best,) = reply.json()[0]["matches"][0]["result"]
                assert created[best["face"]["face_id"]] == probe

            for seed in range(5):
                create(seed)
            filler = data_dir / "lancedb" / "filler.bin"
            fill(filler)
            with ThreadPoolExecutor(4) as pool:
                list(pool.map(create, range(100, 120)))
            check_reads()
            stack.restart_server()  # recovery cannot apply the journal: the server starts all the same
            check_reads()
            filler.unlink()
            storage = Storage(data_dir, optimize_interval_s=0)
            deadline = time.monotonic() + POLL_DEADLINE_S
            while storage.db.count("SELECT COUNT(*) FROM journal"):  # the background retry applies it
                assert time.monotonic() < deadline
                time.sleep(0.5)
            assert sorted(lance_ids(data_dir)) == sorted(created)
            create(1000)
            check_reads()
    finally:
        stack.stop()
    assert sorted(lance_ids(data_dir)) == sorted(created)
