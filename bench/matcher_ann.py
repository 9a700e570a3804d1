"""LanceDB ANN index for very large collections: build time, latency and recall vs exact search.

    python -m bench.matcher_ann [--rows 1000000] [--queries 200] [--index-types IVF_FLAT IVF_PQ]
                                [--datasets random clustered] [--settings 20:10 50:10 50:50]

For each data set (d = 128, unit vectors) it writes the rows into a fresh LanceDB table through
`DescriptorStore.append`, builds each ANN index type with `DescriptorStore.build_ann_index`
(cosine, sqrt(n) partitions) and runs the queries through `DescriptorStore.ann_search` for every
setting `nprobes:fetch`: LanceDB returns `fetch` candidates, which are re-ranked exactly with the
in-memory float32 vectors (what server/matching/ann.py does) and the best 10 are compared with the
exact top 10 (numpy, float32). Data sets:
- random: uniform random unit vectors (the worst case for IVF/PQ: no cluster structure);
- clustered: identities of `--samples` noisy descriptors each, tuned to look like dlib descriptors:
  identity centres at cosine ~0.75 from each other (different people 0.6-0.85), samples at
  cosine 0.93-0.99 from the other samples of the same identity. Queries are fresh samples of
  enrolled identities (a probe of a known person);
- gallery: the same with 2 descriptors per identity (a large gallery of mostly distinct people).
Also one prefiltered setting (half of the rows in account "a", `account_id` prefilter; with
`--account-index` again after a BITMAP scalar index on account_id) and the exact
in-memory single-query time for comparison. Prints one JSON document.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from server.storage.descriptors import DEFAULT_VERSION, DescriptorStore

D = 128
TOP = 10
INSERT_ROWS = 100_000
# clustered data: centre = normalise(shared + CENTRE_SPREAD * random) -> centres at cosine ~0.75
CENTRE_SPREAD = 0.577
# per identity sample noise sigma (per component): two samples at cosine 1 / (1 + 128 sigma^2)
NOISE_MIN = 0.009
NOISE_MAX = 0.024


def _unit(x: np.ndarray) -> np.ndarray:
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


def random_set(rows: int, queries: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    return _unit(rng.standard_normal((rows, D), dtype=np.float32)), _unit(
        rng.standard_normal((queries, D), dtype=np.float32)
    )


def clustered_set(
    rows: int, samples: int, queries: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, dict[str, float]]:
    identities = max(1, rows // samples)
    shared = _unit(rng.standard_normal((1, D), dtype=np.float32))
    centres = _unit(shared + CENTRE_SPREAD * _unit(rng.standard_normal((identities, D), dtype=np.float32)))
    sigma = rng.uniform(NOISE_MIN, NOISE_MAX, identities).astype(np.float32)
    owner = np.repeat(np.arange(identities), samples)[:rows]
    data = np.empty((rows, D), dtype=np.float32)
    for start in range(0, rows, INSERT_ROWS):
        part = owner[start : start + INSERT_ROWS]
        noise = rng.standard_normal((part.size, D), dtype=np.float32) * sigma[part, None]
        data[start : start + part.size] = _unit(centres[part] + noise)
    probe_owner = rng.integers(0, identities, queries)
    probes = _unit(
        centres[probe_owner] + rng.standard_normal((queries, D), dtype=np.float32) * sigma[probe_owner, None]
    )
    # spreads actually produced (for the record)
    same = np.einsum("ij,ij->i", data[: samples * 50 : samples], data[1 : samples * 50 : samples])
    other = np.einsum("ij,ij->i", centres[:500], centres[500:1000]) if identities >= 1000 else np.array([np.nan])
    spread = {
        "same_identity_cos_p5": float(np.percentile(same, 5)),
        "same_identity_cos_p50": float(np.median(same)),
        "same_identity_cos_p95": float(np.percentile(same, 95)),
        "different_identity_centre_cos_p50": float(np.median(other)),
        "different_identity_centre_cos_max": float(np.max(other)),
    }
    return data, probes, spread


def exact_top(data: np.ndarray, probes: np.ndarray, rows: np.ndarray | None = None) -> list[list[int]]:
    """Exact top-TOP row numbers per probe (restricted to `rows` when given)."""
    matrix = data if rows is None else data[rows]
    tops = []
    for start in range(0, probes.shape[0], 50):
        scores = probes[start : start + 50] @ matrix.T
        for line in scores:
            best = np.argpartition(line, line.size - TOP)[line.size - TOP :]
            best = best[np.argsort(-line[best])]
            tops.append((best if rows is None else rows[best]).tolist())
    return tops


def _pct(values: list[float], q: float) -> float:
    return round(float(np.percentile(values, q)) * 1000, 2)


def run_setting(
    store: DescriptorStore,
    data: np.ndarray,
    probes: np.ndarray,
    truth: list[list[int]],
    nprobes: int,
    fetch: int,
    account: str | None = None,
) -> dict[str, Any]:
    latencies, r1, r10 = [], 0, 0.0
    for probe, want in zip(probes, truth, strict=True):
        started = time.perf_counter()
        ids = store.ann_search(DEFAULT_VERSION, probe, limit=fetch, nprobes=nprobes, account_id=account)
        rows = np.fromiter((int(i) for i in ids), dtype=np.intp, count=len(ids))
        scores = data[rows] @ probe  # exact re-rank with the in-memory vectors
        got = rows[np.argsort(-scores)[:TOP]].tolist()
        latencies.append(time.perf_counter() - started)
        r1 += int(bool(got) and got[0] == want[0])
        r10 += len(set(got) & set(want)) / TOP
    n = len(truth)
    return {
        "nprobes": nprobes,
        "fetch": fetch,
        "account_prefilter": account is not None,
        "p50_ms": _pct(latencies, 50),
        "p99_ms": _pct(latencies, 99),
        "recall_at_1": round(r1 / n, 4),
        "recall_at_10": round(r10 / n, 4),
    }


def bench_dataset(
    name: str, data: np.ndarray, probes: np.ndarray, args: argparse.Namespace, extra: dict[str, Any]
) -> dict[str, Any]:
    rows = data.shape[0]
    report: dict[str, Any] = {"dataset": name, "rows": rows, **extra}
    truth = exact_top(data, probes)
    half = np.arange(0, rows, 2)
    truth_a = exact_top(data, probes, half)
    exact_times = []
    for probe in probes[:50]:
        started = time.perf_counter()
        line = data @ probe
        np.argpartition(line, line.size - TOP)[line.size - TOP :]
        exact_times.append(time.perf_counter() - started)
    report["exact_numpy_p50_ms"] = _pct(exact_times, 50)
    folder = Path(tempfile.mkdtemp(prefix="lumen-ann-"))
    try:
        store = DescriptorStore(folder)
        started = time.perf_counter()
        for start in range(0, rows, INSERT_ROWS):
            stop = min(rows, start + INSERT_ROWS)
            store.append(
                DEFAULT_VERSION,
                [str(i) for i in range(start, stop)],
                ["a" if i % 2 == 0 else "b" for i in range(start, stop)],
                data[start:stop],
            )
        report["insert_s"] = round(time.perf_counter() - started, 1)
        report["indexes"] = []
        for index_type in args.index_types:
            started = time.perf_counter()
            store.build_ann_index(DEFAULT_VERSION, index_type=index_type)
            entry: dict[str, Any] = {
                "index_type": index_type,
                "partitions": max(1, round(rows**0.5)),
                "build_s": round(time.perf_counter() - started, 1),
                "settings": [],
            }
            for setting in args.settings:
                nprobes, fetch = (int(x) for x in setting.split(":"))
                entry["settings"].append(run_setting(store, data, probes, truth, nprobes, fetch))
            nprobes, fetch = (int(x) for x in args.settings[-1].split(":"))
            entry["settings"].append(run_setting(store, data, probes, truth_a, nprobes, fetch, account="a"))
            if args.account_index:  # the same prefiltered search with a BITMAP index on account_id
                store.build_account_index(DEFAULT_VERSION)
                setting = run_setting(store, data, probes, truth_a, nprobes, fetch, account="a")
                entry["settings"].append({**setting, "account_bitmap_index": True})
            report["indexes"].append(entry)
            print(json.dumps({"progress": name, **entry}), flush=True)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--samples", type=int, default=100, help="descriptors per identity (clustered)")
    parser.add_argument("--datasets", nargs="+", default=["clustered", "gallery", "random"])
    parser.add_argument("--index-types", nargs="+", default=["IVF_FLAT", "IVF_SQ"])
    parser.add_argument("--settings", nargs="+", default=["10:10", "20:50", "50:50"], help="nprobes:fetch")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--account-index", action="store_true", help="also prefilter with a BITMAP index")
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    started = time.perf_counter()
    result: dict[str, Any] = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()} {os.cpu_count()} cpus, {platform.platform()}",
        "load_average_before": [round(x, 2) for x in os.getloadavg()],
        "args": vars(args),
        "datasets": [],
    }
    for name in args.datasets:
        if name == "random":
            data, probes = random_set(args.rows, args.queries, rng)
            extra: dict[str, Any] = {}
        else:
            samples = 2 if name == "gallery" else args.samples
            data, probes, spread = clustered_set(args.rows, samples, args.queries, rng)
            extra = {"spread": spread}
        result["datasets"].append(bench_dataset(name, data, probes, args, extra))
        del data
    result["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    result["total_s"] = round(time.perf_counter() - started, 1)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
