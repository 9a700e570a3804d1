"""Tasks throughput over REST: many small linker tasks queued at once, and the API's latency while they run.

    python -m bench.tasks_throughput [--tasks 1000] [--workers 2] [--probes 300]

Boots a stack without Triton (gRPC server with LUMEN_TASKS_WORKERS workers + Envoy). One account with a list and
--tasks faces; GET /6/faces/{id} latency is sampled idle (--probes requests), then --tasks linker tasks (one face
each) are created by 8 client threads at once (in a process of their own, so that they never hold the sampler's
GIL) while one thread keeps sampling GET /6/faces/{id} until every task is done. Prints one JSON document: tasks/s
(first POST to last task done), creation latency, and the GET p50/p99 idle and under load with their ratio (goal:
p99 under 2x idle).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import platform
import statistics
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import httpx

from bench.common import bench_settings
from bench.inference import free_port_block
from server.stack import Stack

CLIENTS = 8


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "n": len(ordered),
        "p50_ms": round(statistics.median(ordered), 2),
        "p99_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))], 2),
    }


def get_ms(client: httpx.Client, path: str, headers: dict[str, str]) -> float:
    start = time.perf_counter()
    reply = client.get(path, headers=headers)
    assert reply.status_code == 200, reply.text
    return (time.perf_counter() - start) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tasks", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--probes", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        settings = bench_settings(Path(tmp), free_port_block(), tasks_workers=args.workers)
        stack = Stack(settings).start()
        try:
            report = run(stack, args)
        finally:
            stack.stop()
    print(json.dumps(report, indent=2))


def create_all(rest_url: str, account: str, list_id: str, faces: list[str]) -> list[float]:
    """One linker task per face, created by CLIENTS threads at once; each creation's latency in ms."""
    headers = {"Luna-Account-Id": account}
    create_ms: list[float] = []
    with httpx.Client(base_url=rest_url, timeout=60.0, limits=httpx.Limits(max_connections=CLIENTS)) as client:

        def create(face_id: str) -> None:
            content = {"objects_type": "faces", "list_id": list_id, "filters": {"face_ids": [face_id]}}
            start = time.perf_counter()
            reply = client.post("/6/tasks/linker", json={"content": content}, headers=headers)
            create_ms.append((time.perf_counter() - start) * 1000)
            assert reply.status_code == 202, reply.text

        with ThreadPoolExecutor(CLIENTS) as pool:
            list(pool.map(create, faces))
    return create_ms


def run(stack: Stack, args: argparse.Namespace) -> dict[str, object]:
    account = str(uuid.uuid4())
    headers = {"Luna-Account-Id": account}
    with httpx.Client(base_url=stack.rest_url, timeout=60.0) as client:
        list_id = client.post("/6/lists", json={}, headers=headers).json()["list_id"]
        faces = [client.post("/6/faces", json={}, headers=headers).json()["face_id"] for _ in range(args.tasks)]
        probe = f"/6/faces/{faces[0]}"
        idle = [get_ms(client, probe, headers) for _ in range(args.probes)]

        busy: list[float] = []
        stop = threading.Event()

        def sample() -> None:
            with httpx.Client(base_url=stack.rest_url, timeout=60.0) as own:
                while not stop.is_set():
                    busy.append(get_ms(own, probe, headers))

        # the creating clients run in their own process (started and warm before the clock starts): in this one
        # they would hold the GIL the sampler needs
        with multiprocessing.get_context("spawn").Pool(1) as pool:
            pool.apply(create_all, (stack.rest_url, account, list_id, []))
            sampler = threading.Thread(target=sample)
            sampler.start()
            started = time.perf_counter()
            create_ms = pool.apply(create_all, (stack.rest_url, account, list_id, faces))
        while True:
            done = client.get("/6/tasks/count", params={"task_status": 5}, headers=headers).json()["count"]
            failed = client.get("/6/tasks/count", params={"task_status": 3}, headers=headers).json()["count"]
            if done + failed >= args.tasks:
                break
            time.sleep(0.2)
        elapsed = time.perf_counter() - started
        stop.set()
        sampler.join()
        linked = client.get("/6/faces/count", params={"list_id": list_id}, headers=headers).json()["faces_count"]
    idle_stats, busy_stats = percentiles(idle), percentiles(busy)
    return {
        "benchmark": "tasks_throughput",
        "time": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": platform.platform(),
        "tasks": args.tasks,
        "workers": args.workers,
        "tasks_per_s": round(args.tasks / elapsed, 1),
        "all_done_s": round(elapsed, 2),
        "failed": failed,
        "linked_faces": linked,
        "create": percentiles(create_ms),
        "get_face_idle": idle_stats,
        "get_face_while_running": busy_stats,
        "p99_ratio": round(busy_stats["p99_ms"] / idle_stats["p99_ms"], 2),
    }


if __name__ == "__main__":
    main()
