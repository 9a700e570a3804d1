"""Storage growth under single writes: POST /6/faces with a descriptor, one face per request (or, with
`--resource events`, POST /6/handlers/{id}/events/raw with a descriptor, one event per request; with
`--resource tasks`, POST /6/tasks/gc of events older than 2000, one task per request, which the task workers run
meanwhile: a task row, its planning and its empty result per request, in tasks.sqlite3).

    python -m bench.storage_growth [--faces 100000] [--step 10000] [--clients 8] [--resource faces|events|tasks]

Starts a fresh stack (no Triton) and creates N faces through REST, each request one face with one
random unit descriptor, from C concurrent keep-alive clients. Per step of `step` faces: create
latency p50 / p99 / mean and the throughput, the server's RSS and the data directory's size. At the
end (right away, and again once the background compaction had time to remove old LanceDB versions:
storage_version_retention_s + 2 x storage_optimize_interval_s): disk bytes per face of the data
directory (LanceDB, SQLite with its WAL), the LanceDB table's versions and fragments, and a check
that LanceDB holds exactly one descriptor per face. Prints one JSON document.

Flat means the last step's p50 is at most 1.3 x the first step's; the disk target is <= 2 KB per
face (bench output: `flat_p50_ratio`, `bytes_per_face_settled`).
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import http.client
import json
import os
import platform
import statistics
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from bench.common import bench_settings
from server.stack import Stack
from server.storage.descriptors import DEFAULT_VERSION, DescriptorStore
from server.storage.event_store import EVENT_TABLE_PREFIX

D = 128


def dir_bytes(root: Path) -> int:
    """Allocated bytes of every file under root (what the disk pays)."""
    total = 0
    for directory, _, names in os.walk(root):
        for name in names:
            with contextlib.suppress(FileNotFoundError):  # removed by a compaction meanwhile
                total += os.stat(os.path.join(directory, name)).st_blocks * 512
    return total


def rss_bytes(pid: int) -> dict[str, int]:
    found: dict[str, int] = {}
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                found[key] = int(value.split()[0]) * 1024
    return found


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    pick = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))]  # noqa: E731
    return {
        "p50_ms": round(pick(0.5) * 1000, 2),
        "p99_ms": round(pick(0.99) * 1000, 2),
        "mean_ms": round(statistics.fmean(ordered) * 1000, 2),
        "max_ms": round(ordered[-1] * 1000, 2),
    }


class Load:
    """C clients creating faces (or events) until N are created; latency per request, by request index."""

    def __init__(self, port: int, faces: int, clients: int, seed: int, resource: str = "faces") -> None:
        self.resource = resource
        self.path = "/6/faces"
        self.port = port
        self.faces = faces
        self.clients = clients
        self.account = str(uuid.uuid4())
        self.seed = seed
        self.lock = threading.Lock()
        self.next = 0
        self.latency = np.zeros(faces, dtype=np.float64)
        self.finished = np.zeros(faces, dtype=np.float64)
        self.errors: list[str] = []

    def take(self) -> int | None:
        with self.lock:
            if self.next >= self.faces:
                return None
            self.next += 1
            return self.next - 1

    def client(self, number: int) -> None:
        rng = np.random.default_rng(self.seed + number)
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        headers = {"Luna-Account-Id": self.account, "Content-Type": "application/json"}
        while (index := self.take()) is not None:
            vector = rng.standard_normal(D).astype("<f4")
            vector /= np.linalg.norm(vector)
            descriptor = base64.b64encode(vector.tobytes()).decode()
            if self.resource == "tasks":
                document: dict[str, Any] = {
                    "description": f"gc {index}",
                    "content": {"target": "events", "filters": {"create_time__lt": "2000-01-01T00:00:00Z"}},
                }
            elif self.resource == "events":
                document = {
                    "source": f"cam{index % 16}",
                    "tags": ["bench"],
                    "user_data": f"event {index}",
                    "face_attributes": {"descriptor": descriptor},
                }
            else:
                document = {
                    "user_data": f"face {index}",
                    "attribute": {"face_descriptors": [{"descriptor": descriptor, "version": DEFAULT_VERSION}]},
                }
            body = json.dumps(document)
            started = time.perf_counter()
            conn.request("POST", self.path, body=body, headers=headers)
            reply = conn.getresponse()
            payload = reply.read()
            self.latency[index] = time.perf_counter() - started
            self.finished[index] = time.monotonic()
            if reply.status != (202 if self.resource == "tasks" else 201) and len(self.errors) < 10:
                self.errors.append(f"{reply.status} {payload[:200]!r}")
        conn.close()


def descriptor_rows(data_dir: Path, resource: str) -> dict[str, Any]:
    """The LanceDB table's versions and fragments, and its rows: one descriptor per face (event) created."""
    store = (
        DescriptorStore(data_dir / "lancedb", table_prefix=EVENT_TABLE_PREFIX, id_column="event_id")
        if resource == "events"
        else DescriptorStore(data_dir / "lancedb")
    )
    stats = store.stats(DEFAULT_VERSION) if hasattr(store, "stats") else {}
    ids = [i for batch, _ in store.scan(DEFAULT_VERSION) for i in batch]
    return {**stats, "rows": len(ids), "distinct_faces": len(set(ids))}


def task_counts(port: int, account: str) -> dict[str, int]:
    """Tasks of the account by status once the load ended (every created task should be done)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    counts: dict[str, int] = {}
    for name, status in (("done", 5), ("failed", 3), ("all", None)):
        query = "" if status is None else f"?task_status={status}"
        conn.request("GET", f"/6/tasks/count{query}", headers={"Luna-Account-Id": account})
        counts[name] = int(json.loads(conn.getresponse().read())["count"])
    conn.close()
    return counts


def dynamic_handler(port: int, account: str) -> str:
    """A dynamic handler of the account (raw events need one)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Luna-Account-Id": account, "Content-Type": "application/json"}
    conn.request("POST", "/6/handlers", body=json.dumps({"description": "growth", "is_dynamic": True}), headers=headers)
    reply = conn.getresponse()
    created = json.loads(reply.read())
    conn.close()
    if reply.status != 201:
        raise RuntimeError(f"POST /6/handlers answered {reply.status}: {created}")
    return str(created["handler_id"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--faces", type=int, default=100_000)
    parser.add_argument("--step", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--port", type=int, default=18700)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--resource", choices=("faces", "events", "tasks"), default="faces")
    args = parser.parse_args()
    result: dict[str, Any] = {
        "benchmark": "storage_growth",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform()},
        "faces": args.faces,
        "step": args.step,
        "clients": args.clients,
        "resource": args.resource,
    }
    with tempfile.TemporaryDirectory(prefix="lumen-storage-growth-") as tmp:
        data_dir = Path(tmp) / "data"
        settings = bench_settings(data_dir, args.port)
        # getattr: the benchmark also runs on a tree from before background compaction (comparisons).
        interval_s = int(getattr(settings, "storage_optimize_interval_s", 0))
        retention_s = int(getattr(settings, "storage_version_retention_s", 0))
        result["settings"] = {"storage_optimize_interval_s": interval_s, "storage_version_retention_s": retention_s}
        stack = Stack(settings, log_dir=Path(tmp) / "logs").start()
        try:
            pid = stack.processes["server"].pid
            load = Load(args.port, args.faces, args.clients, args.seed, args.resource)
            if args.resource == "events":
                load.path = f"/6/handlers/{dynamic_handler(args.port, load.account)}/events/raw"
            elif args.resource == "tasks":
                load.path = "/6/tasks/gc"
            threads = [threading.Thread(target=load.client, args=(i,), daemon=True) for i in range(args.clients)]
            started = time.monotonic()
            for thread in threads:
                thread.start()
            samples: list[tuple[int, int, int]] = []  # (faces issued, server RSS, data dir bytes)
            while any(t.is_alive() for t in threads):
                time.sleep(1.0)
                with load.lock:
                    issued = load.next
                samples.append((issued, rss_bytes(pid)["VmRSS"], dir_bytes(data_dir)))
                print(json.dumps({"issued": issued, "s": round(time.monotonic() - started, 1)}), flush=True)
            steps: list[dict[str, Any]] = []
            for hi in range(args.step, args.faces + 1, args.step):
                lo = hi - args.step
                span = float(load.finished[lo:hi].max() - load.finished[lo:hi].min()) or 1e-9
                at = [sample for sample in samples if sample[0] <= hi] or samples[:1]
                steps.append(
                    {
                        "faces": hi,
                        **percentiles(list(load.latency[lo:hi])),
                        "creates_per_s": round(args.step / span, 1),
                        "server_rss_mb": round(at[-1][1] / 2**20, 1),
                        "data_dir_mb": round(at[-1][2] / 2**20, 1),
                    }
                )
            result["load_s"] = round(time.monotonic() - started, 1)
            result["errors"] = load.errors
            result["steps"] = steps
            if steps:
                result["flat_p50_ratio"] = round(steps[-1]["p50_ms"] / steps[0]["p50_ms"], 2)
                result["flat_p99_ratio"] = round(steps[-1]["p99_ms"] / steps[0]["p99_ms"], 2)
            result["bytes_per_face_at_end"] = round(dir_bytes(data_dir) / args.faces, 1)
            settle_s = retention_s + 2 * interval_s + 5
            time.sleep(settle_s)
            lance, sqlite = dir_bytes(data_dir / "lancedb"), dir_bytes(data_dir) - dir_bytes(data_dir / "lancedb")
            result["settle_s"] = settle_s
            result["bytes_per_face_settled"] = round((lance + sqlite) / args.faces, 1)
            result["lancedb_bytes_per_face"] = round(lance / args.faces, 1)
            result["sqlite_and_rest_bytes_per_face"] = round(sqlite / args.faces, 1)
            rss = rss_bytes(pid)
            result["server_rss_mb"] = round(rss["VmRSS"] / 2**20, 1)
            result["server_peak_rss_mb"] = round(rss["VmHWM"] / 2**20, 1)
            if args.resource == "tasks":
                result["tasks"] = task_counts(args.port, load.account)
            else:
                result["lancedb"] = descriptor_rows(data_dir, args.resource)
        finally:
            stack.stop()
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
