"""Clustering (task type 2): faces or events grouped by descriptor similarity.

Plan: select the objects by the filters (28010 when none) and split them into subtasks of query rows.
Run: for its rows, the neighbours among all selected objects whose LUNA similarity reaches the threshold
(exact cosine k-NN graph edges, matrix products in blocks), stored as int32 index pairs (a binary result).
Merge: connected components of the union of the edges (union-find); clusters in descending size, singletons
included; with params.use_track_info=1 (events), the events of one track_id are also joined. Result:
{"clusters": [[id, ...], ...], "total_objects", "total_clusters", "objects_without_descriptor"}.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from server import errors
from server.errors import LunaError
from server.matching.similarity import RECOMMENDED_THRESHOLD, cosine_from_similarity
from server.storage.repositories.tasks import TaskRow
from server.tasks import objects
from server.tasks.base import Binary, Output, Plan, TaskEnv, chunked, row_ranges

BLOCK = 256
EDGES_TYPE = "application/x-lumen-edges"

SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "objects_type": {"enum": ["faces", "events"]},
        "filters": {"type": "object"},
        "params": {
            "type": "object",
            "properties": {"use_track_info": {"enum": [0, 1, True, False]}},
            "additionalProperties": False,
        },
        "threshold": {"type": "number", "minimum": 0, "maximum": 1},
        "descriptor": {
            "type": "object",
            "properties": {"type": {"enum": ["face"]}},
            "additionalProperties": False,
        },
        "limit": {"type": "integer", "minimum": 1},
    },
    "required": ["objects_type"],
    "additionalProperties": False,
}


def components(count: int, edges: np.ndarray) -> list[list[int]]:
    """Connected components of the graph on `count` nodes with the (n, 2) int edges; largest first (ties: by
    their smallest node), nodes ascending. Vectorised: every round hooks each root to the smallest root it shares
    an edge with, then shortcuts every node to its root, until no label changes (a few rounds)."""
    labels = np.arange(count, dtype=np.int64)
    if len(edges):
        a = np.asarray(edges[:, 0], dtype=np.int64)
        b = np.asarray(edges[:, 1], dtype=np.int64)
        while True:
            root_a, root_b = labels[a], labels[b]
            lowest = np.minimum(root_a, root_b)
            hooked = labels.copy()
            np.minimum.at(hooked, root_a, lowest)
            np.minimum.at(hooked, root_b, lowest)
            while True:  # shortcut: every node to its root
                jumped = hooked[hooked]
                if np.array_equal(jumped, hooked):
                    break
                hooked = jumped
            if np.array_equal(hooked, labels):
                break
            labels = hooked
    order = np.argsort(labels, kind="stable")
    _, starts = np.unique(labels[order], return_index=True)
    groups = [group.tolist() for group in np.split(order, starts[1:])] if count else []
    return sorted(groups, key=lambda g: (-len(g), g[0]))


def upper_edges(matrix: np.ndarray, start: int, end: int, bar: float) -> np.ndarray:
    """Edges (i, j), i in [start, end), j > i, with cosine >= bar: the rows against the columns from `start` on
    only (the similarity is symmetric, so the lower triangle is never computed). int32 (n, 2)."""
    scores = matrix[start:end] @ matrix[start:].T
    hit_rows, hit_cols = np.nonzero(scores >= bar)
    keep = hit_cols > hit_rows
    return np.stack([hit_rows[keep] + start, hit_cols[keep] + start], axis=1).astype(np.int32)


def track_edges(tracks: list[str | None]) -> np.ndarray:
    """use_track_info: edges joining the events of one track (consecutive members of each track)."""
    last: dict[str, int] = {}
    pairs: list[tuple[int, int]] = []
    for index, track in enumerate(tracks):
        if track is None:
            continue
        if track in last:
            pairs.append((last[track], index))
        last[track] = index
    return np.asarray(pairs, dtype=np.int32).reshape(-1, 2)


class Clustering:
    code = 2
    name = "clustering"
    schema = SCHEMA

    def plan(self, env: TaskEnv, task: TaskRow, content: dict[str, Any]) -> Plan:
        objects_type = content["objects_type"]
        ids = objects.select_ids(env, objects_type, content.get("filters", {}), task["account_id"])
        kept, _ = objects.vectors(env, objects_type, ids)
        if not kept:
            raise LunaError(errors.TASK_OBJECTS_NOT_FOUND, task="clustering")
        subtasks = row_ranges(len(kept), env.subtask_size)
        state: dict[str, Any] = {"ids": kept, "without_descriptor": len(ids) - len(kept)}
        if objects_type == "events" and content.get("params", {}).get("use_track_info") in (1, True):
            records = env.storage.events.repository.by_ids(kept)
            state["tracks"] = [records[i].track_id if i in records else None for i in kept]
        return Plan(subtasks, state)

    def run(self, env: TaskEnv, task: TaskRow, content: dict[str, Any], state: dict[str, Any] | None) -> Output:
        assert state is not None
        task_content = objects.content_of(task)
        ids: list[str] = state["ids"]
        _, matrix = objects.vectors(env, task_content["objects_type"], ids)
        if len(matrix) != len(ids):  # objects deleted since planning: their rows are gone
            raise LunaError(errors.TASK_SUBTASK_FAILED, reason="objects changed since the task was planned")
        bar = float(cosine_from_similarity(float(task_content.get("threshold", RECOMMENDED_THRESHOLD))))
        start, end = content["rows"]
        found: list[np.ndarray] = []
        for block in chunked(list(range(start, end)), BLOCK):
            env.check_cancelled()
            found.append(upper_edges(matrix, block[0], block[-1] + 1, bar))
        edges = np.concatenate(found) if found else np.zeros((0, 2), dtype=np.int32)
        return Binary(EDGES_TYPE, edges.tobytes())

    def merge(
        self, env: TaskEnv, task: TaskRow, outputs: list[tuple[dict[str, Any], Output]], state: dict[str, Any] | None
    ) -> Output:
        assert state is not None
        ids: list[str] = state["ids"]
        parts = [np.frombuffer(o.data, dtype=np.int32).reshape(-1, 2) for _, o in outputs if isinstance(o, Binary)]
        edges = np.concatenate(parts) if parts else np.zeros((0, 2), dtype=np.int32)
        if state.get("tracks"):
            edges = np.concatenate([edges, track_edges(state["tracks"])])
        clusters = [[ids[i] for i in group] for group in components(len(ids), edges)]
        return {
            "clusters": clusters,
            "total_objects": len(ids),
            "total_clusters": len(clusters),
            "objects_without_descriptor": state.get("without_descriptor", 0),
        }
