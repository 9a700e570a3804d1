"""1:N exact matching throughput: server.matching vs numpy vs LanceDB flat vs the memory-bandwidth bound.

    python -m bench.matcher [--sizes 100000 1000000] [--rounds 7] [--lance-queries 3] [--lance-max 1000000]

For each size (random unit vectors, d=128) it builds DescriptorIndex in float32, float16 and int16
and times, interleaved round by round (the machine is shared, so every round re-measures the
bandwidth next to the searches):
- a single query (limit 10) and a batch of 30 queries (limit 10) on each index;
- the plain numpy baseline on a float32 matrix: `X @ q` + argpartition (batch: `Q @ X.T`);
- the memory-bandwidth bound: streaming reads of a 2 GiB array (np.sum, 1 and 2 threads); the
  bound for a precision is bandwidth / bytes per descriptor;
- LanceDB 0.40 flat search (no vector index, brute force, dot distance) on the same vectors.
Also the accuracy of 16-bit storage on random and clustered data (top-1 agreement with exact float64
search, worst similarity error) and RAM per million faces (tracemalloc over a 1 M build with uuid4
ids). Prints one JSON document.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import statistics
import tempfile
import time
import tracemalloc
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

import numpy as np

from server.matching import DescriptorIndex, Precision

D = 128
LIMIT = 10
BATCH = 30
BANDWIDTH_BYTES = 2 * 1024**3  # >> any cache level this VM reports (L3 480 MiB)
PRECISIONS: tuple[Precision, ...] = ("float32", "float16", "int16")
BYTES_PER_DESCRIPTOR: dict[str, int] = {"float32": 4 * D, "float16": 2 * D, "int16": 2 * D}


def unit_vectors(rng: np.random.Generator, n: int) -> np.ndarray:
    out = np.empty((n, D), dtype=np.float32)
    for start in range(0, n, 1 << 17):
        part = rng.standard_normal((min(n, start + (1 << 17)) - start, D), dtype=np.float32)
        out[start : start + part.shape[0]] = part / np.linalg.norm(part, axis=1, keepdims=True)
    return out


def timed(call: Callable[..., object], *args: Any, **kwargs: Any) -> float:
    start = time.perf_counter()
    call(*args, **kwargs)
    return time.perf_counter() - start


def summary(samples: list[float]) -> dict[str, float]:
    return {"min_ms": round(min(samples) * 1e3, 3), "median_ms": round(statistics.median(samples) * 1e3, 3)}


class Bandwidth:
    """Streaming read bandwidth over an array far larger than the caches."""

    def __init__(self) -> None:
        self.array = np.ones(BANDWIDTH_BYTES // 4, dtype=np.float32)
        half = self.array.size // 2
        self.halves = [self.array[:half], self.array[half:]]
        self.pool = ThreadPoolExecutor(2)
        self.one: list[float] = []
        self.two: list[float] = []

    def measure(self) -> None:
        self.one.append(self.array.nbytes / timed(self.array.sum))
        self.two.append(self.array.nbytes / timed(self._both_halves))

    def _both_halves(self) -> None:
        list(self.pool.map(np.sum, self.halves))

    def best(self) -> float:
        return max(self.one + self.two)

    def report(self) -> dict[str, float]:
        return {
            "one_thread_best_gb_s": round(max(self.one) / 1e9, 2),
            "one_thread_median_gb_s": round(statistics.median(self.one) / 1e9, 2),
            "two_threads_best_gb_s": round(max(self.two) / 1e9, 2),
            "two_threads_median_gb_s": round(statistics.median(self.two) / 1e9, 2),
        }


def numpy_single(matrix: np.ndarray, query: np.ndarray) -> np.ndarray:
    scores = matrix @ query
    top = np.argpartition(scores, scores.size - LIMIT)[-LIMIT:]
    return top[np.argsort(-scores[top])]


def numpy_batch(matrix: np.ndarray, queries: np.ndarray) -> np.ndarray:
    scores = queries @ matrix.T
    return np.argpartition(scores, scores.shape[1] - LIMIT, axis=1)[:, -LIMIT:]


def lancedb_flat(vectors: np.ndarray, ids: list[str], queries: np.ndarray, count: int) -> dict[str, Any]:
    import lancedb
    import pyarrow as pa

    with tempfile.TemporaryDirectory(prefix="lumen-bench-lance-") as folder:
        db = lancedb.connect(folder)
        flat = pa.FixedSizeListArray.from_arrays(pa.array(vectors.reshape(-1)), D)
        table_data = pa.table({"face_id": pa.array(ids), "account_id": pa.array(["acc"] * len(ids)), "vector": flat})
        started = time.perf_counter()
        table = db.create_table("descriptors", table_data)
        insert_s = time.perf_counter() - started

        def search(query: np.ndarray) -> Any:
            return (
                table.search(query, vector_column_name="vector")  # type: ignore[attr-defined]
                .distance_type("dot")
                .bypass_vector_index()
                .limit(LIMIT)
                .select(["face_id", "_distance"])
                .to_arrow()
            )

        first = timed(search, queries[0])
        samples = [timed(search, q) for q in queries[1 : count + 1]]
        return {
            "insert_s": round(insert_s, 2),
            "first_query_ms": round(first * 1e3, 1),
            "single": summary(samples),
            "queries_timed": len(samples),
        }


def clustered_vectors(rng: np.random.Generator, n: int, identities: int, spread: float = 0.35) -> np.ndarray:
    """Face-like data: several descriptors per identity around the identity's centre."""
    centres = unit_vectors(rng, identities)
    noise = unit_vectors(rng, n) * (spread * rng.random((n, 1), dtype=np.float32))
    x = centres[rng.integers(0, identities, n)] + noise
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


def accuracy(n: int) -> dict[str, Any]:
    """16-bit storage vs exact (float64) similarities: top-1 agreement and worst similarity error."""
    rng = np.random.default_rng(99)
    out: dict[str, Any] = {"faces": n, "limit": LIMIT}
    datasets = {"random": unit_vectors(rng, n), "clustered": clustered_vectors(rng, n, n // 10)}
    for data, vectors in datasets.items():
        ids = [str(i) for i in range(n)]
        probes = np.vstack([vectors[:300] + 0.05 * unit_vectors(rng, 300), unit_vectors(rng, 100)])
        probes /= np.linalg.norm(probes, axis=1, keepdims=True)
        exact = probes.astype(np.float64) @ vectors.astype(np.float64).T
        exact_top1 = exact.argmax(axis=1)
        ordered = np.sort(exact, axis=1)
        gaps = ordered[:, -1] - ordered[:, -2]
        per_data: dict[str, Any] = {"probes": len(probes)}
        for precision in PRECISIONS:
            index = DescriptorIndex(D, precision=precision)
            index.add_many(ids, "acc", vectors)
            found = index.search(probes, limit=LIMIT)
            same = [int(r[0].face_id) == exact_top1[q] for q, r in enumerate(found)]
            errors = [abs(m.similarity - (exact[q, int(m.face_id)] + 1) / 2) for q, r in enumerate(found) for m in r]
            flips = [float(gaps[q]) / 2 for q, ok in enumerate(same) if not ok]
            per_data[precision] = {
                "top1_identical": f"{sum(same)}/{len(same)}",
                "top1_flip_similarity_gaps": [float(f"{g:.2e}") for g in flips],
                "max_similarity_error": float(f"{max(errors):.2e}"),
            }
        per_data["probes_with_top2_gap_below_1e-4"] = int((gaps / 2 < 1e-4).sum())
        out[data] = per_data
    return out


def ram_per_million(n: int) -> dict[str, Any]:
    """Bytes per face held by an index: matrix (allocated capacity) + ids and row maps."""
    rng = np.random.default_rng(7)
    vectors = unit_vectors(rng, n)
    gc.collect()
    tracemalloc.start()
    ids = [str(uuid.uuid4()) for _ in range(n)]
    index = DescriptorIndex(D, precision="float32")
    index.add_many(ids, "6d1f2e57-6b9a-4a0c-9a39-4c1d5e0b7a11", vectors)
    current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    bookkeeping = current - index.matrix_bytes() - (len(ids) * 8 + 56)  # the caller's id list is not the index's
    per_face_book = bookkeeping / n
    out: dict[str, Any] = {"faces": n, "bookkeeping_bytes_per_face": round(per_face_book, 1)}
    for precision in PRECISIONS:
        matrix = BYTES_PER_DESCRIPTOR[precision]
        out[precision] = {
            "matrix_bytes_per_face": matrix,
            "total_mib_per_million": round((matrix + per_face_book) * 1e6 / 2**20, 1),
        }
    out["capacity_slack_rows"] = index.matrix_bytes() // (4 * D) - n
    out["peak_traced_during_build_mib"] = round(peak / 2**20, 1)
    del index, ids, vectors
    gc.collect()
    return out


def bench_size(n: int, rounds: int, bandwidth: Bandwidth, lance_queries: int, lance_max: int) -> dict[str, Any]:
    rng = np.random.default_rng(n)
    vectors = unit_vectors(rng, n)
    ids = [str(uuid.uuid4()) for _ in range(n)]
    indexes: dict[str, DescriptorIndex] = {}
    build_s: dict[str, float] = {}
    for precision in PRECISIONS:
        index = DescriptorIndex(D, precision=precision)
        build_s[precision] = round(timed(index.add_many, ids, "acc", vectors), 2)
        indexes[precision] = index

    single: dict[str, list[float]] = {}
    batch: dict[str, list[float]] = {}
    bw_rounds: list[float] = []
    agree = {"float32": 0, "float16": 0, "int16": 0}
    for _ in range(rounds):
        bandwidth.measure()
        bw_rounds.append(max(bandwidth.one[-1], bandwidth.two[-1]))
        queries = unit_vectors(rng, BATCH)
        query = queries[:1]
        reference = [ids[i] for i in numpy_single(vectors, queries[0])]
        single.setdefault("numpy_float32", []).append(timed(numpy_single, vectors, queries[0]))
        batch.setdefault("numpy_float32", []).append(timed(numpy_batch, vectors, queries))
        for name, index in indexes.items():
            single.setdefault(f"index_{name}", []).append(timed(index.search, query, limit=LIMIT))
            batch.setdefault(f"index_{name}", []).append(timed(index.search, queries, limit=LIMIT))
            agree[name] += [m.face_id for m in index.search(query, limit=LIMIT)[0]] == reference

    result: dict[str, Any] = {"build_s": build_s, "top10_identical_to_numpy_rounds": agree, "rounds": rounds}
    best_bw = max(bw_rounds)
    median_bw = statistics.median(bw_rounds)
    methods: dict[str, Any] = {}
    for name, samples in single.items():
        per_desc = BYTES_PER_DESCRIPTOR["float32" if name.startswith("numpy") else name.removeprefix("index_")]
        bound_best = best_bw / per_desc
        bound_median = median_bw / per_desc
        rate_best = n / min(samples)
        rate_median = n / statistics.median(samples)
        methods[name] = {
            "single": summary(samples),
            "batch30": summary(batch[name]),
            "single_descriptors_per_s": {"best": round(rate_best), "median": round(rate_median)},
            "batch30_descriptors_per_s": {
                "best": round(BATCH * n / min(batch[name])),
                "median": round(BATCH * n / statistics.median(batch[name])),
            },
            "bound_descriptors_per_s": {"best": round(bound_best), "median": round(bound_median)},
            "fraction_of_bound": {
                "best_vs_best": round(rate_best / bound_best, 3),
                "median_vs_median": round(rate_median / bound_median, 3),
            },
        }
    numpy_fp16 = vectors[: min(n, 100_000)].astype(np.float16)
    query16 = queries[0].astype(np.float16)
    methods["numpy_float16_naive_100k"] = summary([timed(np.matmul, numpy_fp16, query16) for _ in range(2)])
    result["methods"] = methods
    if lance_queries and n <= lance_max:
        lance = lancedb_flat(vectors, ids, unit_vectors(rng, lance_queries + 1), lance_queries)
        lance_rate = n / (lance["single"]["median_ms"] / 1e3)
        lance["single_descriptors_per_s_median"] = round(lance_rate)
        for precision in PRECISIONS:
            ours = n / statistics.median(single[f"index_{precision}"])
            lance[f"speedup_index_{precision}_median"] = round(ours / lance_rate, 1)
        result["lancedb_flat"] = lance
    indexes.clear()
    gc.collect()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--lance-queries", type=int, default=3)
    parser.add_argument("--lance-max", type=int, default=1_000_000)
    parser.add_argument("--ram-faces", type=int, default=1_000_000)
    parser.add_argument("--accuracy-faces", type=int, default=100_000)
    args = parser.parse_args()

    started = time.perf_counter()
    load_before = os.getloadavg()
    bandwidth = Bandwidth()
    sizes = {str(n): bench_size(n, args.rounds, bandwidth, args.lance_queries, args.lance_max) for n in args.sizes}
    document = {
        "benchmark": "matcher",
        "date": datetime.now(UTC).strftime("%Y-%m-%d"),
        "machine": {
            "platform": platform.platform(),
            "machine": platform.machine(),
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "numpy": np.__version__,
            "load_average_before": [round(x, 2) for x in load_before],
        },
        "command": "python -m bench.matcher "
        + " ".join(
            [
                f"--sizes {' '.join(map(str, args.sizes))}",
                f"--rounds {args.rounds}",
                f"--lance-queries {args.lance_queries}",
            ]
        ),
        "dimension": D,
        "limit": LIMIT,
        "bandwidth": bandwidth.report(),
        "sizes": sizes,
        "accuracy_16bit": accuracy(args.accuracy_faces) if args.accuracy_faces else None,
        "ram_per_million": ram_per_million(args.ram_faces) if args.ram_faces else None,
    }
    document["machine"]["load_average_after"] = [round(x, 2) for x in os.getloadavg()]  # type: ignore[index]
    document["runtime_s"] = round(time.perf_counter() - started, 1)
    print(json.dumps(document, indent=2))


if __name__ == "__main__":
    main()
