"""Reads under a write load: GET /6/faces/{face_id} latency alone, then with 64 mixed clients.

    python -m bench.mixed_load [--clients 64] [--writers 32] [--seconds 20] [--idle-requests 1000]

Boots a real stack (gRPC server + Envoy, Triton off: faces CRUD needs no model) in a temporary
data directory on loopback, creates faces with descriptors, then measures:
- idle: one client doing GET /6/faces/{face_id} (p50/p99);
- mixed: `--clients` clients at once, `--writers` of them looping over writes (POST /6/faces with a
  descriptor, PATCH /6/faces/{id}, DELETE /6/faces/{id}) and the rest doing GET /6/faces/{face_id}:
  GET p50/p99, write latency and write throughput.
Clients run in `--processes` worker processes (threads inside), so the client side does not share
one GIL. Every loop is bounded by count (`--max-requests` per client) and by time (`--seconds`).
`--reads-only` adds a control phase: the same readers without writers.
Readers are paced (Poisson arrivals, `--read-interval-ms` apart on average, default 100 ms: 320 GET/s
from 32 readers) so that the GETs alone do not saturate the machine; writers go back to back. Prints one JSON document;
`get_p99_ratio` is mixed GET p99 / idle GET p99. `load_average_1m` is the machine's load when the
run started: on a shared machine the latencies include other processes' CPU use.
"""

from __future__ import annotations

import argparse
import base64
import http.client
import json
import multiprocessing
import os
import platform
import random
import statistics
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from bench.common import bench_settings
from server.settings import Settings
from server.stack import Stack

SEED_FACES = 300
DESCRIPTOR_VERSION = 300
DESCRIPTOR_DIMENSION = 128
WRITE_OPS = ("post", "patch", "delete")
WARM_UP_REQUESTS = 50
CONNECT_TIMEOUT_S = 60.0


def percentiles(samples_s: list[float]) -> dict[str, float]:
    if not samples_s:
        return {"count": 0}
    ordered = sorted(samples_s)

    def pick(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000, 3)

    return {
        "count": len(ordered),
        "p50_ms": pick(0.50),
        "p99_ms": pick(0.99),
        "max_ms": round(ordered[-1] * 1000, 3),
        "mean_ms": round(statistics.fmean(ordered) * 1000, 3),
    }


def descriptor(seed: int) -> str:
    values = np.random.default_rng(seed).standard_normal(DESCRIPTOR_DIMENSION).astype("<f4")
    return base64.b64encode((values / np.linalg.norm(values)).astype("<f4").tobytes()).decode()


class RestClient:
    def __init__(self, port: int, account: str) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=CONNECT_TIMEOUT_S)
        self.headers = {"Luna-Account-Id": account, "Content-Type": "application/json"}

    def request(self, method: str, path: str, body: dict[str, Any] | None = None, expect: int = 200) -> bytes:
        data = None if body is None else json.dumps(body).encode()
        self.connection.request(method, path, body=data, headers=self.headers)
        reply = self.connection.getresponse()
        payload = reply.read()
        if reply.status != expect:
            raise RuntimeError(f"{method} {path}: {reply.status} {payload[:200]!r}")
        return payload

    def create_face(self, seed: int) -> str:
        body = {
            "user_data": f"bench-{seed}",
            "external_id": f"e{seed}",
            "attribute": {"face_descriptors": [{"descriptor": descriptor(seed), "version": DESCRIPTOR_VERSION}]},
        }
        return str(json.loads(self.request("POST", "/6/faces", body, expect=201))["face_id"])


@dataclass
class ClientResult:
    get_s: list[float] = field(default_factory=list)
    write_s: list[float] = field(default_factory=list)
    writes: dict[str, int] = field(default_factory=lambda: {"post": 0, "patch": 0, "delete": 0})
    errors: list[str] = field(default_factory=list)
    record_from: float = 0.0  # time.time() from which samples count (after the warm-up)


class Arrivals:
    """Poisson arrivals with a mean gap of `interval_s` (0: back to back): independent clients, no
    lock-step bursts. A request that falls behind the schedule goes at once."""

    def __init__(self, interval_s: float, seed: int) -> None:
        self.interval_s = interval_s
        self.rng = random.Random(seed)
        self.next_at = time.perf_counter() + (self.rng.uniform(0, interval_s) if interval_s else 0.0)

    def wait(self) -> None:
        if self.interval_s:
            time.sleep(max(0.0, self.next_at - time.perf_counter()))
            self.next_at += self.rng.expovariate(1.0 / self.interval_s)


def reader(
    port: int,
    account: str,
    face_ids: list[str],
    seed: int,
    stop_at: float,
    max_requests: int,
    interval_s: float,
    out: ClientResult,
) -> None:
    """GET /6/faces/{face_id}, on average every `interval_s` (0: back to back)."""
    client = RestClient(port, account)
    arrivals = Arrivals(interval_s, seed)
    i = 0
    while i < max_requests and time.time() < stop_at:
        arrivals.wait()
        start, start_wall = time.perf_counter(), time.time()
        try:
            client.request("GET", f"/6/faces/{face_ids[i % len(face_ids)]}")
        except (RuntimeError, OSError, http.client.HTTPException) as error:
            out.errors.append(f"GET: {error}"[:200])
            client = RestClient(port, account)
        else:
            if start_wall >= out.record_from:
                out.get_s.append(time.perf_counter() - start)
        i += 1


def writer(
    port: int,
    account: str,
    face_ids: list[str],
    seed: int,
    stop_at: float,
    max_requests: int,
    interval_s: float,
    out: ClientResult,
    write_ops: tuple[str, ...] = WRITE_OPS,
) -> None:
    """POST a face with a descriptor, PATCH it, DELETE it (the `write_ops` of these); repeat, a write on
    average every `interval_s`. Without "post" the writer works on one face it creates first."""
    client = RestClient(port, account)
    arrivals = Arrivals(interval_s, seed)
    i = 0
    face_id = "" if "post" in write_ops else client.create_face(seed * 1_000_000)
    while i < max_requests and time.time() < stop_at:
        arrivals.wait()
        step = write_ops[i % len(write_ops)]
        start, start_wall = time.perf_counter(), time.time()
        try:
            if step == "post":
                face_id = client.create_face(seed * 1_000_000 + i)
            elif step == "patch":
                client.request("PATCH", f"/6/faces/{face_id}", {"user_data": "patched"}, expect=204)
            else:
                client.request("DELETE", f"/6/faces/{face_id}", expect=204)
        except (RuntimeError, OSError, http.client.HTTPException) as error:
            out.errors.append(f"{step}: {error}"[:200])
            client = RestClient(port, account)
            i += len(write_ops) - i % len(write_ops)  # start over with a new face
            continue
        if start_wall >= out.record_from:
            out.write_s.append(time.perf_counter() - start)
            out.writes[step] += 1
        i += 1


def client_process(
    port: int,
    account: str,
    face_ids: list[str],
    roles: list[tuple[str, int]],
    start_at: float,
    warm_up_s: float,
    seconds: float,
    max_requests: int,
    intervals_s: tuple[float, float],
    write_ops: tuple[str, ...],
    queue: Any,
) -> None:
    """One worker process: a thread per client; puts one merged ClientResult on the queue."""
    results = [ClientResult(record_from=start_at + warm_up_s) for _ in roles]
    stop_at = start_at + warm_up_s + seconds
    threads = []
    for (role, seed), result in zip(roles, results, strict=True):
        target = reader if role == "read" else writer
        interval_s = intervals_s[0] if role == "read" else intervals_s[1]
        args = (port, account, face_ids, seed, stop_at, max_requests, interval_s, result)
        kwargs = {} if role == "read" else {"write_ops": write_ops}
        threads.append(threading.Thread(target=target, args=args, kwargs=kwargs))
    time.sleep(max(0.0, start_at - time.time()))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    merged = ClientResult()
    for result in results:
        merged.get_s += result.get_s
        merged.write_s += result.write_s
        merged.errors += result.errors
        for name, count in result.writes.items():
            merged.writes[name] += count
    queue.put(merged)


def mixed(port: int, account: str, face_ids: list[str], options: argparse.Namespace, writers: int) -> dict[str, Any]:
    """`options.clients - writers` readers and `writers` writers at once (writers=0: the readers alone)."""
    clients = options.clients - options.writers + writers
    roles = [("write", n) if n < writers else ("read", n) for n in range(clients)]
    # Interleave readers and writers over the processes.
    per_process: list[list[tuple[str, int]]] = [roles[p :: options.processes] for p in range(options.processes)]
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    intervals = (options.read_interval_ms / 1000, options.write_interval_ms / 1000)
    write_ops = tuple(options.write_ops.split(","))
    start_at = time.time() + 3.0  # the workers are spawned (imports) before the clock starts
    workers = [
        context.Process(
            target=client_process,
            args=(
                port,
                account,
                face_ids,
                chunk,
                start_at,
                options.warm_up_seconds,
                options.seconds,
                options.max_requests,
                intervals,
                write_ops,
                queue,
            ),
        )
        for chunk in per_process
        if chunk
    ]
    for worker in workers:
        worker.start()
    merged = ClientResult()
    for _ in workers:
        result: ClientResult = queue.get(timeout=options.warm_up_seconds + options.seconds + 120)
        merged.get_s += result.get_s
        merged.write_s += result.write_s
        merged.errors += result.errors
        for name, count in result.writes.items():
            merged.writes[name] += count
    for worker in workers:
        worker.join(timeout=30)
    elapsed = options.seconds
    total_writes = sum(merged.writes.values())
    return {
        "clients": clients,
        "writers": writers,
        "readers": clients - writers,
        "read_interval_ms": options.read_interval_ms,
        "write_interval_ms": options.write_interval_ms,
        "write_ops": options.write_ops,
        "get": percentiles(merged.get_s),
        "get_rps": round(len(merged.get_s) / elapsed, 1),
        "write": percentiles(merged.write_s),
        "writes": merged.writes,
        "write_ops_per_s": round(total_writes / elapsed, 1),
        "errors": len(merged.errors),
        "error_examples": sorted(set(merged.errors))[:5],
    }


def idle(port: int, account: str, face_ids: list[str], requests: int) -> dict[str, Any]:
    client = RestClient(port, account)
    for i in range(min(WARM_UP_REQUESTS, requests)):
        client.request("GET", f"/6/faces/{face_ids[i % len(face_ids)]}")
    samples = []
    for i in range(requests):
        start = time.perf_counter()
        client.request("GET", f"/6/faces/{face_ids[i % len(face_ids)]}")
        samples.append(time.perf_counter() - start)
    return percentiles(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--writers", type=int, default=32, help="how many of the clients write")
    parser.add_argument(
        "--read-interval-ms", type=float, default=100.0, help="each reader sends a GET this often (0: back to back)"
    )
    parser.add_argument("--write-interval-ms", type=float, default=0.0, help="each writer's pace (0: back to back)")
    parser.add_argument("--write-ops", default=",".join(WRITE_OPS), help="the writers' cycle, of post,patch,delete")
    parser.add_argument("--seconds", type=float, default=20.0, help="length of the measured mixed phase")
    parser.add_argument("--warm-up-seconds", type=float, default=3.0, help="clients run, unmeasured, before it")
    parser.add_argument("--max-requests", type=int, default=100_000, help="per client, mixed phase")
    parser.add_argument("--idle-requests", type=int, default=1000)
    parser.add_argument("--reads-only", action="store_true", help="also run the readers alone (control)")
    parser.add_argument("--processes", type=int, default=4, help="client processes of the mixed phase")
    parser.add_argument("--grpc-workers", type=int, default=None, help="LUMEN_GRPC_WORKERS (default: settings)")
    parser.add_argument("--port", type=int, default=18600)
    parser.add_argument("--set", action="append", default=[], metavar="FIELD=VALUE", help="another Settings field")
    options = parser.parse_args()

    load_at_start = round(os.getloadavg()[0], 2)  # the machine's other load: the numbers are only as quiet as it
    with tempfile.TemporaryDirectory() as tmp:
        overrides: dict[str, Any] = {}
        for item in options.set:
            name, _, raw = item.partition("=")
            overrides[name] = Settings.from_env({f"LUMEN_{name.upper()}": raw}).__getattribute__(name)
        if options.grpc_workers is not None:
            overrides["grpc_workers"] = options.grpc_workers
        settings = bench_settings(Path(tmp), options.port, **overrides)
        stack = Stack(settings).start()
        try:
            account = str(uuid.uuid4())
            seeder = RestClient(settings.rest_port, account)
            face_ids = [seeder.create_face(seed) for seed in range(SEED_FACES)]
            results = {"idle_get": idle(settings.rest_port, account, face_ids, options.idle_requests)}
            if options.reads_only:
                results["reads_only"] = mixed(settings.rest_port, account, face_ids, options, 0)
            results["mixed"] = mixed(settings.rest_port, account, face_ids, options, options.writers)
            idle_p99 = results["idle_get"]["p99_ms"]
            mixed_get = results["mixed"]["get"]
            if mixed_get.get("count"):
                results["get_p99_ratio"] = round(mixed_get["p99_ms"] / idle_p99, 2)
                results["get_p50_ratio"] = round(mixed_get["p50_ms"] / results["idle_get"]["p50_ms"], 2)
            report = {
                "benchmark": "mixed_load",
                "date": datetime.now(UTC).date().isoformat(),
                "machine": f"{platform.machine()} {platform.processor() or ''} cores={os.cpu_count()}",
                "settings": {k: v for k, v in settings.public_view().items() if k.startswith("grpc")},
                "seconds": options.seconds,
                "load_average_1m": load_at_start,
                "results": results,
            }
            print(json.dumps(report, indent=2))
        finally:
            stack.stop()


if __name__ == "__main__":
    main()
