"""Reads never queue behind writes: Envoy sends reads to the read server (own port and threads).

A stack of its own (Triton off) with 2 write threads: another process holds the SQLite write lock,
so the writers that arrive block in the server and fill the write pool; a GET still completes while
they are blocked, and every write succeeds, consistently, once the lock is released.
No timing assertions: the tests assert on completion and ordering.
"""

from __future__ import annotations

import base64
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest

from gateway.config import READ_CLUSTER, READ_ONLY_RPCS, WRITE_CLUSTER, load_descriptor_set, read_rpcs, routes
from server.stack import Stack
from tests.conftest import auth, stack_settings

WRITE_WORKERS = 2
BLOCKED_WRITES = 6
WAIT_S = 60.0
VERSION = 300


def descriptor(seed: int) -> str:
    values = np.random.default_rng(seed).standard_normal(128).astype("<f4")
    return base64.b64encode((values / np.linalg.norm(values)).astype("<f4").tobytes()).decode()


def face_body(seed: int, **extra: Any) -> dict[str, Any]:
    attribute = {"face_descriptors": [{"descriptor": descriptor(seed), "version": VERSION}]}
    return {"user_data": f"u{seed}", "attribute": attribute, **extra}


@pytest.fixture
def small_stack(tmp_path: Path) -> Iterator[Stack]:
    settings = replace(stack_settings(tmp_path), grpc_workers=WRITE_WORKERS, grpc_read_workers=2)
    running = Stack(settings).start()
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture
def client(small_stack: Stack) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=small_stack.rest_url, timeout=WAIT_S) as http:
        yield http


def upstream_stats(stack: Stack) -> dict[str, int]:
    """Envoy's per-cluster counters: {"lumen_grpc.upstream_rq_total": n, ...}."""
    reply = httpx.get(
        f"http://127.0.0.1:{stack.settings.envoy_admin_port}/stats",
        params={"filter": r"^cluster\.lumen_grpc(_read)?\.upstream_rq_(total|active)$"},
        timeout=10.0,
    )
    reply.raise_for_status()
    stats = {}
    for line in reply.text.splitlines():
        name, _, value = line.partition(": ")
        stats[name.removeprefix("cluster.")] = int(value)
    return stats


def wait_until(condition: Any, what: str) -> None:
    deadline = time.monotonic() + WAIT_S
    while not condition():
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.05)


def test_read_rpcs_are_the_get_head_and_matcher_operations() -> None:
    all_routes = routes(load_descriptor_set())
    reads = set(read_rpcs(all_routes))
    assert {"lumen.v6.FacesService/GetFace", "lumen.v6.FacesService/FaceExists"} <= reads
    assert "lumen.v6.MatcherService/MatchFaces" in reads
    writes = {"lumen.v6.FacesService/CreateFace", "lumen.v6.FacesService/PatchFace", "lumen.v6.FacesService/DeleteFace"}
    assert not writes & reads
    for route in all_routes:
        if route.method not in ("GET", "HEAD") and route.rpc not in READ_ONLY_RPCS:
            assert route.rpc not in reads, route


def test_envoy_sends_reads_to_the_read_server(small_stack: Stack, client: httpx.Client) -> None:
    account = str(uuid.uuid4())
    before = upstream_stats(small_stack)
    created = client.post("/6/faces", json=face_body(1), headers=auth(account))
    assert created.status_code == 201, created.text
    face_id = created.json()["face_id"]
    after_write = upstream_stats(small_stack)
    assert after_write[f"{WRITE_CLUSTER}.upstream_rq_total"] == before[f"{WRITE_CLUSTER}.upstream_rq_total"] + 1
    assert after_write[f"{READ_CLUSTER}.upstream_rq_total"] == before[f"{READ_CLUSTER}.upstream_rq_total"]

    assert client.get(f"/6/faces/{face_id}", headers=auth(account)).json()["user_data"] == "u1"
    assert client.head(f"/6/faces/{face_id}", headers=auth(account)).status_code == 200
    match = client.post(
        "/6/matcher/faces",
        json={"references": [{"type": "face", "id": face_id}], "candidates": [{"filters": {"origin": "faces"}}]},
        headers=auth(account),
    )
    assert match.status_code == 200, match.text
    after_reads = upstream_stats(small_stack)
    assert after_reads[f"{READ_CLUSTER}.upstream_rq_total"] == after_write[f"{READ_CLUSTER}.upstream_rq_total"] + 3
    assert after_reads[f"{WRITE_CLUSTER}.upstream_rq_total"] == after_write[f"{WRITE_CLUSTER}.upstream_rq_total"]


def test_get_completes_while_writers_are_blocked(small_stack: Stack, client: httpx.Client) -> None:
    account = str(uuid.uuid4())
    created = client.post("/6/faces", json=face_body(0), headers=auth(account))
    assert created.status_code == 201, created.text
    face_id = created.json()["face_id"]

    events: list[str] = []
    replies: dict[int, httpx.Response] = {}
    lock = threading.Lock()

    def write(n: int) -> None:
        reply = client.post("/6/faces", json=face_body(100 + n, external_id=f"w{n}"), headers=auth(account))
        with lock:
            replies[n] = reply
            events.append(f"write {n}")

    # Another process holds the SQLite write lock: the server's writers block inside their transaction.
    holder = sqlite3.connect(small_stack.settings.data_dir / "lumen.sqlite3", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    writers = [threading.Thread(target=write, args=(n,)) for n in range(BLOCKED_WRITES)]
    try:
        active_before = upstream_stats(small_stack)[f"{WRITE_CLUSTER}.upstream_rq_active"]
        for thread in writers:
            thread.start()
        # Every write is in the server: WRITE_WORKERS of them hold the write threads, the rest queue for one.
        wait_until(
            lambda: (
                upstream_stats(small_stack)[f"{WRITE_CLUSTER}.upstream_rq_active"] >= active_before + BLOCKED_WRITES
            ),
            "the writes to reach the server",
        )
        reply = client.get(f"/6/faces/{face_id}", headers=auth(account))
        with lock:
            events.append("get")
        assert reply.status_code == 200, reply.text
        assert reply.json()["face_id"] == face_id
    finally:
        holder.execute("ROLLBACK")
        holder.close()
        for thread in writers:
            thread.join(WAIT_S)
    # The GET was answered before any write got through.
    assert events[0] == "get", events
    assert sorted(events[1:]) == sorted(f"write {n}" for n in range(BLOCKED_WRITES))
    for n, reply in replies.items():
        assert reply.status_code == 201, (n, reply.text)
        stored = client.get(f"/6/faces/{reply.json()['face_id']}/attributes", headers=auth(account)).json()
        assert stored["attributes"]["face_descriptor"]["descriptor"] == descriptor(100 + n)
    count = client.get("/6/faces/count", headers=auth(account)).json()
    assert count == {"faces_count": 1 + BLOCKED_WRITES}


def test_concurrent_writes_all_succeed_and_stay_consistent(small_stack: Stack, client: httpx.Client) -> None:
    account = str(uuid.uuid4())
    reply = client.post("/6/lists", json={"user_data": "load"}, headers=auth(account))
    assert reply.status_code == 201, reply.text
    list_id = reply.json()["list_id"]
    writers, faces_each = 8, 4
    kept: dict[str, int] = {}
    failures: list[str] = []
    lock = threading.Lock()

    def writer(w: int) -> None:
        for k in range(faces_each):
            seed = 1000 + w * faces_each + k
            created = client.post("/6/faces", json=face_body(seed, lists=[list_id]), headers=auth(account))
            if created.status_code != 201:
                failures.append(f"create {created.status_code} {created.text[:200]}")
                continue
            face_id = created.json()["face_id"]
            patched = client.patch(f"/6/faces/{face_id}", json={"user_data": f"p{seed}"}, headers=auth(account))
            if patched.status_code != 204:
                failures.append(f"patch {patched.status_code} {patched.text[:200]}")
            if k % 2:
                deleted = client.delete(f"/6/faces/{face_id}", headers=auth(account))
                if deleted.status_code != 204:
                    failures.append(f"delete {deleted.status_code} {deleted.text[:200]}")
            else:
                with lock:
                    kept[face_id] = seed

    def reader(stop: threading.Event) -> None:
        while not stop.is_set():
            listed = client.get("/6/faces", params={"list_id": list_id}, headers=auth(account))
            if listed.status_code != 200:
                failures.append(f"list {listed.status_code} {listed.text[:200]}")

    stop = threading.Event()
    threads = [threading.Thread(target=writer, args=(w,)) for w in range(writers)]
    readers = [threading.Thread(target=reader, args=(stop,)) for _ in range(2)]
    for thread in threads + readers:
        thread.start()
    for thread in threads:
        thread.join(WAIT_S * 2)
    stop.set()
    for thread in readers:
        thread.join(WAIT_S)

    assert failures == []
    assert len(kept) == writers * faces_each // 2
    listed = client.get("/6/faces", params={"list_id": list_id, "page_size": 100}, headers=auth(account)).json()
    assert {face["face_id"]: face["user_data"] for face in listed["faces"]} == {
        face_id: f"p{seed}" for face_id, seed in kept.items()
    }
    # LanceDB agrees with SQLite: each kept face is its own best match, deleted faces are gone.
    for face_id in list(kept)[:3]:
        match = client.post(
            "/6/matcher/faces",
            json={
                "references": [{"type": "face", "id": face_id}],
                "candidates": [{"filters": {"origin": "faces", "list_id": list_id}, "limit": 100}],
            },
            headers=auth(account),
        )
        assert match.status_code == 200, match.text
        found = [row["face"]["face_id"] for row in match.json()[0]["matches"][0]["result"]]
        assert found[0] == face_id
        assert set(found) == set(kept)
