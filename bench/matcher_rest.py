"""POST /6/matcher/faces over REST (Envoy -> gRPC server -> in-memory index) on a large list.

    python -m bench.matcher_rest [--faces 100000] [--requests 300] [--load-sizes 100000 1000000]

1. Fills a fresh data directory through the storage layer's bulk path (benchmark only; the API has no
   bulk import): N faces of one account in one list, each with an attribute and a random unit
   descriptor (SQLite rows in one transaction, LanceDB rows with DescriptorStore.append).
2. Measures the start-up load of the matching index from that storage (MatchingIndexes.load, the
   code the server runs at start) and the RAM it holds (tracemalloc), per million faces.
3. Disk bytes per face: the LanceDB directory and the SQLite file (after a WAL checkpoint) / N.
4. Starts the stack (no Triton) and times sequential POST /6/matcher/faces requests (keep-alive,
   after warm-up): p50 / p90 / p99 / mean for several request shapes, plus the bare index search
   in-process for comparison.
Prints one JSON document.
"""

from __future__ import annotations

import argparse
import base64
import gc
import http.client
import json
import os
import platform
import statistics
import tempfile
import time
import tracemalloc
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from bench.common import bench_settings
from server.matching.live import MatchingIndexes
from server.stack import Stack
from server.storage.descriptors import DEFAULT_VERSION
from server.storage.store import Storage
from server.validation import now

D = 128
CHUNK = 50_000


def unit_vectors(rng: np.random.Generator, n: int) -> np.ndarray:
    vectors = rng.standard_normal((n, D), dtype=np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def fill(data_dir: Path, n: int, seed: int = 1) -> tuple[str, str, list[str]]:
    """N faces of one account in one list, through Storage (bulk). Returns (account, list, face ids)."""
    rng = np.random.default_rng(seed)
    storage = Storage(data_dir)
    account, list_id = str(uuid.uuid4()), str(uuid.uuid4())
    face_ids = [str(uuid.uuid4()) for _ in range(n)]
    stamp = now()
    with storage.db.transaction() as tx:
        conn = tx.conn
        conn.execute(
            "INSERT INTO lists (list_id, account_id, user_data, create_time, last_update_time) VALUES (?, ?, '', ?, ?)",
            (list_id, account, stamp, stamp),
        )
        conn.executemany(
            "INSERT INTO faces (face_id, account_id, event_id, user_data, external_id, avatar, create_time) "
            "VALUES (?, ?, NULL, ?, ?, '', ?)",
            [(f, account, f"user {i}", f"ext-{i}", stamp) for i, f in enumerate(face_ids)],
        )
        conn.executemany(
            "INSERT INTO face_attributes (face_id, create_time, descriptor_versions) VALUES (?, ?, ?)",
            [(f, stamp, json.dumps([DEFAULT_VERSION])) for f in face_ids],
        )
        conn.executemany(
            "INSERT INTO list_faces (list_id, face_id, link_time) VALUES (?, ?, ?)",
            [(list_id, f, stamp) for f in face_ids],
        )
    for start in range(0, n, CHUNK):
        part = face_ids[start : start + CHUNK]
        storage.descriptors.append(DEFAULT_VERSION, part, [account] * len(part), unit_vectors(rng, len(part)))
    storage.db.connection().conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    storage.db.close()
    return account, list_id, face_ids


def dir_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def measure_load(data_dir: Path) -> dict[str, Any]:
    storage = Storage(data_dir)
    gc.collect()
    tracemalloc.start()
    started = time.perf_counter()
    indexes = MatchingIndexes()
    count = indexes.load(storage)
    seconds = time.perf_counter() - started
    held, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    per_million = 1e6 / max(count, 1)
    return {
        "faces": count,
        "load_s": round(seconds, 2),
        "faces_per_s": round(count / seconds),
        "ram_held_mib_per_million": round(held * per_million / 2**20, 1),
        "ram_peak_mib_per_million": round(peak * per_million / 2**20, 1),
        "matrix_bytes_per_face": round(indexes.faces.matrix_bytes() / max(count, 1), 1),
        "index": indexes,
    }


class Rest:
    def __init__(self, port: int, account: str) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port)
        self.headers = {"Content-Type": "application/json", "Luna-Account-Id": account}

    def post(self, path: str, body: dict[str, Any]) -> Any:
        self.connection.request("POST", path, json.dumps(body).encode(), self.headers)
        response = self.connection.getresponse()
        data = response.read()
        if response.status != 200:
            raise RuntimeError(f"{response.status}: {data[:300]!r}")
        return json.loads(data)


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    pick = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))]  # noqa: E731
    return {
        "p50_ms": round(pick(0.5) * 1e3, 2),
        "p90_ms": round(pick(0.9) * 1e3, 2),
        "p99_ms": round(pick(0.99) * 1e3, 2),
        "mean_ms": round(statistics.fmean(ordered) * 1e3, 2),
    }


def raw_reference(vector: np.ndarray, name: str = "probe") -> dict[str, Any]:
    return {"type": "raw_descriptor", "id": name, "data": base64.b64encode(vector.astype("<f4").tobytes()).decode()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--faces", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--warmup", type=int, default=30)
    parser.add_argument("--port", type=int, default=18600)
    parser.add_argument("--load-sizes", type=int, nargs="*", default=[], help="extra sizes for the load timing only")
    args = parser.parse_args()
    rng = np.random.default_rng(7)
    result: dict[str, Any] = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()} {os.cpu_count()} cpus, python {platform.python_version()}",
        "faces": args.faces,
    }
    loads = []
    for size in args.load_sizes:
        with tempfile.TemporaryDirectory() as tmp:
            started = time.perf_counter()
            fill(Path(tmp), size)
            filled = time.perf_counter() - started
            measured = measure_load(Path(tmp))
            measured.pop("index")
            loads.append({**measured, "fill_s": round(filled, 1)})
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp)
        started = time.perf_counter()
        account, list_id, face_ids = fill(data_dir, args.faces)
        fill_s = time.perf_counter() - started
        lance = dir_bytes(data_dir / "lancedb")
        sqlite = (data_dir / "lumen.sqlite3").stat().st_size
        result["disk"] = {
            "lancedb_bytes_per_face": round(lance / args.faces, 1),
            "sqlite_bytes_per_face": round(sqlite / args.faces, 1),
            "total_bytes_per_face": round((lance + sqlite) / args.faces, 1),
            "fill_s": round(fill_s, 1),
        }
        measured = measure_load(data_dir)
        index = measured.pop("index").faces
        loads.insert(0, measured)
        result["load"] = loads

        probe = unit_vectors(rng, 1)[0]
        batch = unit_vectors(rng, 30)
        direct: dict[str, list[float]] = {"list": [], "list_30_refs": []}
        for _ in range(args.requests):
            t0 = time.perf_counter()
            index.search(probe, account_id=account, list_id=list_id, limit=3)
            t1 = time.perf_counter()
            index.search(batch, account_id=account, list_id=list_id, limit=3)
            t2 = time.perf_counter()
            direct["list"].append(t1 - t0)
            direct["list_30_refs"].append(t2 - t1)
        result["index_in_process"] = {name: percentiles(samples) for name, samples in direct.items()}
        del index
        gc.collect()

        settings = bench_settings(data_dir, args.port)
        started = time.perf_counter()
        stack = Stack(settings).start()
        result["stack_start_s"] = round(time.perf_counter() - started, 2)
        try:
            rest = Rest(settings.rest_port, account)
            in_list = {"filters": {"origin": "faces", "list_id": list_id}}
            shapes: dict[str, dict[str, Any]] = {
                "raw_ref_list_limit3": {"references": [raw_reference(probe)], "candidates": [in_list]},
                "face_ref_list_limit3": {
                    "references": [{"type": "face", "id": face_ids[12345 % args.faces]}],
                    "candidates": [in_list],
                },
                "raw_ref_account_limit3": {
                    "references": [raw_reference(probe)],
                    "candidates": [{"filters": {"origin": "faces"}}],
                },
                "raw_ref_list_limit100_all_targets": {
                    "references": [raw_reference(probe)],
                    "candidates": [{**in_list, "limit": 100}],
                },
                "raw_30_refs_list_limit3": {
                    "references": [raw_reference(v, f"p{i}") for i, v in enumerate(batch)],
                    "candidates": [in_list],
                },
                "raw_ref_list_user_data_filter": {
                    "references": [raw_reference(probe)],
                    "candidates": [{"filters": {"origin": "faces", "list_id": list_id, "user_data": "user 1"}}],
                },
            }
            latency = {}
            for name, body in shapes.items():
                for _ in range(args.warmup):
                    rest.post("/6/matcher/faces", body)
                samples = []
                for _ in range(args.requests):
                    t0 = time.perf_counter()
                    answer = rest.post("/6/matcher/faces", body)
                    samples.append(time.perf_counter() - t0)
                assert answer[0]["matches"][0]["result"], name
                latency[name] = percentiles(samples)
            result["rest_latency"] = latency
        finally:
            stack.stop()
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
