"""All-or-nothing writes across SQLite, LanceDB and blobs, proven by killing the server mid-write.

The server is started with LUMEN_CRASH_POINT=<point>; it exits (os._exit) when a write reaches
that point, like a power cut. After a restart without the crash point, recovery must leave the
stores consistent: no face without its descriptor, no descriptor or blob without its metadata.
"""

from __future__ import annotations

import base64
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

import httpx
import numpy as np
import pytest

from server.stack import Stack
from server.storage.descriptors import DEFAULT_VERSION, DescriptorStore
from server.storage.store import Storage
from tests.conftest import auth, stack_settings


def descriptor() -> str:
    vector = np.random.default_rng(7).standard_normal(128).astype("<f4")
    vector /= np.linalg.norm(vector)
    return base64.b64encode(vector.tobytes()).decode()


@pytest.fixture
def crash_stack(tmp_path: Path) -> Iterator[Stack]:
    running = Stack(stack_settings(tmp_path / "data")).start()
    try:
        yield running
    finally:
        running.stop()


def post_until_crash(stack: Stack, point: str, path: str, **request: object) -> None:
    stack.restart_server(replace(stack.settings, crash_point=point))
    with httpx.Client(base_url=stack.rest_url, timeout=30.0) as client:
        reply = client.post(path, **request)  # type: ignore[arg-type]
    assert reply.status_code >= 500, reply.text  # the server died before answering
    process = stack.processes["server"]
    assert process.wait(10) == 75  # it exited at the crash point
    stack.restart_server(replace(stack.settings, crash_point=""))


def lance_face_ids(data_dir: Path) -> list[str]:
    store = DescriptorStore(data_dir / "lancedb")
    table = store._table(DEFAULT_VERSION)  # test inspects the raw store
    return [str(v) for v in table.to_arrow().column("face_id").to_pylist()]


def test_face_with_descriptor_survives_crash_after_metadata_commit(crash_stack: Stack) -> None:
    account = str(uuid.uuid4())
    body = {"attribute": {"face_descriptors": [{"descriptor": descriptor(), "version": DEFAULT_VERSION}]}}
    post_until_crash(crash_stack, "after_metadata_commit", "/6/faces", json=body, headers=auth(account))
    with httpx.Client(base_url=crash_stack.rest_url) as rest:
        faces = rest.get("/6/faces", headers=auth(account)).json()["faces"]
        assert len(faces) == 1  # the metadata committed, so the face exists ...
        face_id = faces[0]["face_id"]
        attributes = rest.get(f"/6/faces/{face_id}/attributes", headers=auth(account)).json()["attributes"]
        # ... and recovery re-applied the journaled descriptor write to LanceDB.
        assert attributes["face_descriptor"]["descriptor"] == body["attribute"]["face_descriptors"][0]["descriptor"]
    assert lance_face_ids(crash_stack.settings.data_dir) == [face_id]
    storage = Storage(crash_stack.settings.data_dir)
    assert storage.db.count("SELECT COUNT(*) FROM journal") == 0


def descriptor_of(seed: int) -> str:
    vector = np.random.default_rng(seed).standard_normal(128).astype("<f4")
    vector /= np.linalg.norm(vector)
    return base64.b64encode(vector.tobytes()).decode()


def create_concurrently_until_crash(stack: Stack, point: str, account: str, seeds: range) -> None:
    """Concurrent single-face creates (seed in user_data) while the server dies at `point`."""
    stack.restart_server(replace(stack.settings, crash_point=point))

    def create(seed: int) -> int:
        body = {
            "user_data": str(seed),
            "attribute": {"face_descriptors": [{"descriptor": descriptor_of(seed), "version": DEFAULT_VERSION}]},
        }
        with httpx.Client(base_url=stack.rest_url, timeout=30.0) as client:
            return client.post("/6/faces", json=body, headers=auth(account)).status_code

    with ThreadPoolExecutor(len(seeds)) as pool:
        statuses = list(pool.map(create, seeds))
    assert all(status >= 500 for status in statuses), statuses  # nobody was answered before the crash
    assert stack.processes["server"].wait(10) == 75
    stack.restart_server(replace(stack.settings, crash_point=""))


def assert_recovered(stack: Stack, account: str) -> list[str]:
    """Every committed face has exactly its descriptor, in LanceDB once; the journal is empty."""
    with httpx.Client(base_url=stack.rest_url) as rest:
        faces = rest.get("/6/faces", params={"page_size": 100}, headers=auth(account)).json()["faces"]
        for face in faces:
            reply = rest.get(f"/6/faces/{face['face_id']}/attributes", headers=auth(account))
            stored = reply.json()["attributes"]["face_descriptor"]
            assert stored["descriptor"] == descriptor_of(int(face["user_data"]))
    face_ids = sorted(face["face_id"] for face in faces)
    assert sorted(lance_face_ids(stack.settings.data_dir)) == face_ids  # no duplicate, none missing
    assert Storage(stack.settings.data_dir).db.count("SELECT COUNT(*) FROM journal") == 0
    return face_ids


def test_group_of_concurrent_creates_survives_crash_before_apply(crash_stack: Stack) -> None:
    account = str(uuid.uuid4())
    create_concurrently_until_crash(crash_stack, "before_group_apply", account, range(8))
    assert len(assert_recovered(crash_stack, account)) >= 1  # the group that crashed had committed


def test_crash_after_group_apply_replays_without_duplicates(crash_stack: Stack) -> None:
    """The live apply skipped the delete of new faces; the replay of their journal rows must not."""
    account = str(uuid.uuid4())
    create_concurrently_until_crash(crash_stack, "after_group_apply", account, range(8))
    assert len(assert_recovered(crash_stack, account)) >= 1


def test_blob_is_removed_when_crash_precedes_metadata(crash_stack: Stack) -> None:
    account = str(uuid.uuid4())
    png = base64.b64decode(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
    )
    post_until_crash(
        crash_stack,
        "after_blob_write",
        "/6/images",
        content=png,
        headers=auth(account, **{"Content-Type": "image/png"}),
    )
    blobs = crash_stack.settings.data_dir / "blobs"
    assert [p for p in blobs.rglob("*") if p.is_file()] == []  # the orphan file was removed
    storage = Storage(crash_stack.settings.data_dir)
    assert storage.db.count("SELECT COUNT(*) FROM blobs") == 0
    assert storage.db.count("SELECT COUNT(*) FROM journal") == 0
    with httpx.Client(base_url=crash_stack.rest_url) as rest:
        reply = rest.post("/6/images", content=png, headers=auth(account, **{"Content-Type": "image/png"}))
        assert reply.status_code == 201  # and the store works normally afterwards
