"""Tasks throughput over REST: many small linker tasks queued at once, and the API's latency while they run.

    python -m bench.tasks_throughput [--tasks 1000] [--workers 2] [--probes 2000]

Boots a stack without Triton (gRPC server, the task worker process with LUMEN_TASKS_WORKERS threads, Envoy). One
account with a list and --tasks faces; GET /6/faces/{id} latency is sampled idle (--probes requests), then one
thread keeps sampling it while --tasks linker tasks (one face each) are created by 8 client threads at once (in a
process of their own, so that they never hold the sampler's GIL) and until every task is done. With --queue-first
(the default) the worker process is stopped (SIGSTOP) while the tasks are created and continued (SIGCONT) once all
are queued, so the two phases are apart: the API under the creation storm (API load, no task runs) and the API
while the queue of tasks runs (task load: the worker's reads, its effects in the server). --no-queue-first
creates and runs at the same time. Prints one JSON document: tasks/s, creation latency, GET p50/p99 idle, while
creating and while running, and the p99 ratios (goal: p99 while the tasks run under 2x idle).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import signal
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
    parser.add_argument("--probes", type=int, default=2000)
    parser.add_argument(
        "--queue-first",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="stop the worker process while the tasks are created (SIGSTOP), then let it run them (SIGCONT)",
    )
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
    worker = stack.processes["tasks"].pid
    with httpx.Client(base_url=stack.rest_url, timeout=60.0) as client:
        list_id = client.post("/6/lists", json={}, headers=headers).json()["list_id"]
        faces = [client.post("/6/faces", json={}, headers=headers).json()["face_id"] for _ in range(args.tasks)]
        probe = f"/6/faces/{faces[0]}"
        idle = [get_ms(client, probe, headers) for _ in range(args.probes)]

        samples: dict[str, list[float]] = {"creating": [], "running": []}
        phase = ["creating"]
        stop = threading.Event()

        def sample() -> None:
            with httpx.Client(base_url=stack.rest_url, timeout=60.0) as own:
                while not stop.is_set():
                    took = get_ms(own, probe, headers)
                    samples[phase[0]].append(took)

        def finished() -> tuple[int, int]:
            done = client.get("/6/tasks/count", params={"task_status": 5}, headers=headers).json()["count"]
            failed = client.get("/6/tasks/count", params={"task_status": 3}, headers=headers).json()["count"]
            return int(done), int(failed)

        # the creating clients run in their own process (started and warm before the clock starts): in this one
        # they would hold the GIL the sampler needs
        with multiprocessing.get_context("spawn").Pool(1) as pool:
            pool.apply(create_all, (stack.rest_url, account, list_id, []))
            sampler = threading.Thread(target=sample)
            sampler.start()
            if args.queue_first:  # the worker process is stopped while the tasks are created: queued at once
                os.kill(worker, signal.SIGSTOP)
            started = time.perf_counter()
            try:
                create_ms = pool.apply(create_all, (stack.rest_url, account, list_id, faces))
            finally:
                if args.queue_first:
                    os.kill(worker, signal.SIGCONT)
        created = time.perf_counter()
        phase[0] = "running"
        while sum(finished()) < args.tasks:
            time.sleep(0.05)
        ended = time.perf_counter()
        stop.set()
        sampler.join()
        _, failed = finished()
        linked = client.get("/6/faces/count", params={"list_id": list_id}, headers=headers).json()["faces_count"]
    idle_stats = percentiles(idle)
    creating, running = percentiles(samples["creating"]), percentiles(samples["running"])
    report: dict[str, object] = {
        "benchmark": "tasks_throughput",
        "time": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": platform.platform(),
        "tasks": args.tasks,
        "workers": args.workers,
        "queue_first": args.queue_first,
        "created_s": round(created - started, 2),
        "all_done_s": round(ended - started, 2),
        "failed": failed,
        "linked_faces": linked,
        "create": percentiles(create_ms),
        "get_face_idle": idle_stats,
        "get_face_while_creating": creating,
        "get_face_while_running": running,
        "p99_ratio_creating": round(creating["p99_ms"] / idle_stats["p99_ms"], 2),
        "p99_ratio_running": round(running["p99_ms"] / idle_stats["p99_ms"], 2),
    }
    # tasks/s: from the first POST when they run while created, from the release of the queue otherwise
    report["tasks_per_s"] = round(args.tasks / ((ended - created) if args.queue_first else (ended - started)), 1)
    return report


if __name__ == "__main__":
    main()
