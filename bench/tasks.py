"""Tasks: clustering and cross_match through the task machinery vs a plain numpy computation of the same result.

    python -m bench.tasks [--faces 100000] [--cluster-size 20] [--noise 0.15] [--references 10000] [--workers 2]

In-process (no REST): a Storage in a temporary directory with `--faces` face rows in one account and their
synthetic clustered descriptors in the matching index (groups of --cluster-size around random centres, each
member the centre plus a random offset of norm --noise, normalised: 0.15 makes well separated people, 0.9 people
whose members' cosine is about 0.55, near the threshold), then a
TaskRunner (server/tasks/runner.py) with --workers threads runs
  1. a clustering task over every face (threshold 0.5), compared with numpy: the same blocked matrix products,
     thresholded edges and connected components in one loop; both results must be equal;
  2. a cross_match task of the first --references faces against every face (limit 3), compared with numpy: the
     blocked matrix product and the top-3 per row (argpartition, then a sort of those).
Prints one JSON document: wall times, their ratio (goal: task within 1.5x of numpy), purity / completeness of the
clusters against the synthetic truth, and the peak RSS of the process.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from server.clock import now
from server.matching.live import MatchingIndexes
from server.matching.similarity import cosine_from_similarity
from server.storage.descriptors import DEFAULT_VERSION, descriptor_format
from server.storage.repositories.faces import FaceRow
from server.storage.repositories.tasks import DONE, FINISHED, TaskRepository
from server.storage.store import Storage
from server.tasks.clustering import BLOCK, components
from server.tasks.runner import TaskRunner

THRESHOLD = 0.5
LIMIT = 3


def synthetic(count: int, cluster_size: int, noise: float = 0.15, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """(unit vectors [count, dimension] float32, true cluster label per row)."""
    dimension = descriptor_format(DEFAULT_VERSION).dimension
    rng = np.random.default_rng(seed)
    labels = np.arange(count) // cluster_size
    centres = rng.standard_normal((labels[-1] + 1, dimension)).astype(np.float32)
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    offsets = rng.standard_normal((count, dimension)).astype(np.float32)
    offsets *= noise / np.linalg.norm(offsets, axis=1, keepdims=True)
    vectors = centres[labels] + offsets
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors.astype(np.float32), labels


def populate(storage: Storage, matching: MatchingIndexes, vectors: np.ndarray) -> tuple[str, list[str]]:
    account = str(uuid.uuid4())
    face_ids = sorted(str(uuid.uuid4()) for _ in range(len(vectors)))
    stamp = now()
    with storage.write() as batch:
        for face_id in face_ids:
            storage.faces.insert(
                batch,
                FaceRow(
                    face_id=face_id,
                    account_id=account,
                    event_id=None,
                    user_data="",
                    external_id="",
                    avatar="",
                    create_time=stamp,
                ),
            )
    matching.faces.add_many(face_ids, account, vectors)
    return account, face_ids


def run_task(
    runner: TaskRunner, tasks: TaskRepository, account: str, code: int, content: dict[str, Any]
) -> tuple[int, float]:
    start = time.perf_counter()
    task_id = tasks.create(account, code, "bench", content)
    runner.wake()
    while True:
        row = tasks.get(task_id)
        assert row is not None
        if row["task_status"] in FINISHED:
            assert row["task_status"] == DONE, row
            return task_id, time.perf_counter() - start
        time.sleep(0.02)


def numpy_clusters(matrix: np.ndarray) -> list[list[int]]:
    """The same computation in one loop: blocks of rows against the columns from the block on, thresholded."""
    bar = float(cosine_from_similarity(THRESHOLD))
    found = []
    for start in range(0, len(matrix), BLOCK):
        scores = matrix[start : start + BLOCK] @ matrix[start:].T
        hit_rows, hit_cols = np.nonzero(scores >= bar)
        keep = hit_cols > hit_rows
        found.append(np.stack([hit_rows[keep] + start, hit_cols[keep] + start], axis=1))
    return components(len(matrix), np.concatenate(found))


def numpy_top(matrix: np.ndarray, references: int) -> np.ndarray:
    out = []
    for start in range(0, references, BLOCK):
        scores = matrix[start : min(start + BLOCK, references)] @ matrix.T
        top = np.argpartition(-scores, LIMIT, axis=1)[:, : LIMIT + 1]
        order = np.argsort(-np.take_along_axis(scores, top, axis=1), axis=1)
        out.append(np.take_along_axis(top, order, axis=1))
    return np.concatenate(out)


def purity_completeness(clusters: list[list[int]], labels: np.ndarray) -> tuple[float, float]:
    purity = sum(np.bincount(labels[c]).max() for c in clusters) / len(labels)
    best: dict[int, int] = {}
    for cluster in clusters:
        values, counts = np.unique(labels[cluster], return_counts=True)
        for value, number in zip(values.tolist(), counts.tolist(), strict=True):
            best[value] = max(best.get(value, 0), number)
    return float(purity), sum(best.values()) / len(labels)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--faces", type=int, default=100_000)
    parser.add_argument("--cluster-size", type=int, default=20)
    parser.add_argument("--noise", type=float, default=0.15)
    parser.add_argument("--references", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    vectors, labels = synthetic(args.faces, args.cluster_size, args.noise)
    with tempfile.TemporaryDirectory() as tmp:
        storage = Storage(Path(tmp))
        storage.recover()
        matching = MatchingIndexes()
        account, face_ids = populate(storage, matching, vectors)
        tasks = TaskRepository(Path(tmp))
        runner = TaskRunner(storage, matching, tasks, args.workers).start()

        clustering = {"objects_type": "faces", "threshold": THRESHOLD}
        clustering_id, clustering_s = run_task(runner, tasks, account, 2, clustering)
        start = time.perf_counter()
        expected = numpy_clusters(vectors)
        numpy_clustering_s = time.perf_counter() - start
        row = tasks.get(clustering_id)
        assert row is not None and row["result_id"] is not None
        stored = tasks.result(row["result_id"])
        assert stored is not None
        result = json.loads(stored[1])
        index = {face_id: i for i, face_id in enumerate(face_ids)}
        got = sorted(sorted(index[f] for f in cluster) for cluster in result["clusters"])
        same = got == sorted(sorted(c) for c in expected)
        purity, completeness = purity_completeness(got, labels)

        references = min(args.references, args.faces)
        content = {
            "filters": {
                "reference_type": "faces",
                "candidate_type": "faces",
                "reference_filters": {"face_ids": face_ids[:references]},
            },
            "limit": LIMIT,
        }
        _, cross_s = run_task(runner, tasks, account, 6, content)
        start = time.perf_counter()
        numpy_top(vectors, references)
        numpy_cross_s = time.perf_counter() - start
        runner.stop()
    print(
        json.dumps(
            {
                "benchmark": "tasks",
                "time": datetime.now(UTC).isoformat(timespec="seconds"),
                "machine": platform.platform(),
                "faces": args.faces,
                "cluster_size": args.cluster_size,
                "noise": args.noise,
                "workers": args.workers,
                "clustering": {
                    "task_s": round(clustering_s, 3),
                    "numpy_s": round(numpy_clustering_s, 3),
                    "ratio": round(clustering_s / numpy_clustering_s, 2),
                    "same_clusters_as_numpy": same,
                    "clusters": len(result["clusters"]),
                    "purity": round(purity, 4),
                    "completeness": round(completeness, 4),
                },
                "cross_match": {
                    "references": references,
                    "candidates": args.faces,
                    "task_s": round(cross_s, 3),
                    "numpy_s": round(numpy_cross_s, 3),
                    "ratio": round(cross_s / numpy_cross_s, 2),
                },
                "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
