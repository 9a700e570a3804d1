"""ROC (task type 7): verification quality of the stored descriptors on a labelled markup.

Content: {markup: [{face_id, label}], filters?: {account_id}, threshold_hit_top?: num, limit?: int,
key_FPRs?: [num]}. Every pair of markup faces is a trial: genuine when both have the same label, impostor
otherwise; its score is the LUNA similarity of the two descriptors.
Plan: the markup faces with a descriptor (missing ones become task errors 22004; fewer than one genuine and one
impostor pair: 28010), subtasks of CHUNK probe rows. Run: the scores of pairs (i, j > i) of its rows.
Merge: ROC points (FPR, TPR for each distinct threshold, descending), AUC (trapezoid), EER, TPR at each key FPR
(largest TPR with FPR <= the key), top-N hit rate (probes with a genuine mate among their `limit` best
candidates at similarity >= threshold_hit_top). The curve is also stored as a PNG (GET .../result with
Accept: image/png) drawn with matplotlib, see `plot_png`.
"""

from __future__ import annotations

import io
import json
import uuid
from typing import Any

import numpy as np

from server import errors
from server.errors import LunaError
from server.matching.similarity import similarity_from_cosine
from server.storage.repositories.tasks import NewError, TaskRow
from server.tasks import objects
from server.tasks.base import Binary, Output, Plan, TaskEnv, row_ranges
from server.validation import UUID_SCHEMA

PAIRS_TYPE = "application/x-lumen-scores"
PNG_TYPE = "image/png"
DEFAULT_KEY_FPRS = [1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1]
MAX_MARKUP = 20_000
# ROC points kept in the JSON result (evenly spread over the curve, both ends kept).
MAX_POINTS = 1000

SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "markup": {
            "type": "array",
            "minItems": 2,
            "maxItems": MAX_MARKUP,
            "items": {
                "type": "object",
                "properties": {
                    "face_id": UUID_SCHEMA,
                    "label": {"type": ["integer", "string"]},
                },
                "required": ["face_id", "label"],
                "additionalProperties": False,
            },
        },
        "filters": {
            "type": "object",
            "properties": {"account_id": UUID_SCHEMA},
            "additionalProperties": False,
        },
        "threshold_hit_top": {"type": "number", "minimum": 0, "maximum": 1},
        "limit": {"type": "integer", "minimum": 1, "maximum": 1000},
        "key_FPRs": {"type": "array", "items": {"type": "number", "minimum": 0, "maximum": 1}, "maxItems": 100},
    },
    "required": ["markup"],
    "additionalProperties": False,
}


def roc_curve(scores: np.ndarray, genuine: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(fpr, tpr, thresholds) with thresholds descending, starting at (0, 0) for an infinite threshold."""
    order = np.argsort(-scores, kind="stable")
    s, g = scores[order], genuine[order]
    distinct = np.r_[np.nonzero(np.diff(s))[0], len(s) - 1]
    tp = np.cumsum(g)[distinct]
    fp = np.cumsum(~g)[distinct]
    positives, negatives = max(int(g.sum()), 1), max(int((~g).sum()), 1)
    tpr = np.r_[0.0, tp / positives]
    fpr = np.r_[0.0, fp / negatives]
    return fpr, tpr, np.r_[np.inf, s[distinct]]


def summary(scores: np.ndarray, genuine: np.ndarray, key_fprs: list[float]) -> dict[str, Any]:
    fpr, tpr, thresholds = roc_curve(scores, genuine)
    auc = float(np.trapezoid(tpr, fpr))
    fnr = 1.0 - tpr
    index = int(np.argmin(np.abs(fnr - fpr)))
    eer = float((fpr[index] + fnr[index]) / 2.0)
    at_keys = []
    for key in key_fprs:
        allowed = np.nonzero(fpr <= key)[0]
        best = int(allowed[-1]) if len(allowed) else 0
        at_keys.append(
            {
                "FPR": key,
                "TPR": float(tpr[best]),
                "threshold": None if not np.isfinite(thresholds[best]) else float(thresholds[best]),
            }
        )
    picks = np.unique(np.linspace(0, len(fpr) - 1, min(len(fpr), MAX_POINTS)).round().astype(int))
    points = [
        {"FPR": float(fpr[i]), "TPR": float(tpr[i]), "threshold": None if i == 0 else float(thresholds[i])}
        for i in picks
    ]
    return {
        "auc": auc,
        "eer": eer,
        "eer_threshold": None if not np.isfinite(thresholds[index]) else float(thresholds[index]),
        "key_FPRs": at_keys,
        "roc_curve": points,
        "genuine_pairs": int(genuine.sum()),
        "impostor_pairs": int((~genuine).sum()),
    }


# The plot: PLOT_INCHES square at PLOT_DPI (600 x 600 pixels).
PLOT_INCHES = 6.0
PLOT_DPI = 100


def plot_png(points: list[dict[str, Any]], auc: float, eer: float | None = None) -> bytes:
    """The ROC curve as a PNG drawn with matplotlib (Agg, no display): TPR against FPR on linear axes, the chance
    diagonal, the line FPR = FNR (TPR = 1 - FPR) and on it the EER point, AUC and EER in the legend.

    matplotlib is imported here, not at module level: the server imports this module for the task types, and
    only the worker that merges a ROC task pays for matplotlib. The object-oriented API (a Figure with its own Agg
    canvas, no pyplot state) is safe to use from several worker threads at once."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(PLOT_INCHES, PLOT_INCHES), dpi=PLOT_DPI)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    fpr = [float(p["FPR"]) for p in points]
    tpr = [float(p["TPR"]) for p in points]
    axes.plot(fpr, tpr, color="tab:blue", linewidth=2, label=f"ROC (AUC = {auc:.4f})")
    axes.plot([0, 1], [0, 1], color="grey", linestyle="--", linewidth=1, label="chance (TPR = FPR)")
    axes.plot([0, 1], [1, 0], color="grey", linestyle=":", linewidth=1, label="FPR = FNR")
    if eer is not None:
        axes.plot([eer], [1.0 - eer], "o", color="tab:red", markersize=7, label=f"EER = {eer:.4f}")
    axes.set_xlim(0.0, 1.0)
    axes.set_ylim(0.0, 1.0)
    axes.set_aspect("equal")
    axes.set_xlabel("False positive rate (FPR)")
    axes.set_ylabel("True positive rate (TPR)")
    axes.set_title("ROC curve")
    axes.grid(True, alpha=0.3)
    axes.legend(loc="lower right")
    figure.tight_layout()
    out = io.BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()


class Roc:
    code = 7
    name = "roc"
    schema = SCHEMA

    def plan(self, env: TaskEnv, task: TaskRow, content: dict[str, Any]) -> Plan:
        objects.check_account(content.get("filters", {}), task["account_id"])
        markup = content["markup"]
        ids = [str(item["face_id"]).lower() for item in markup]
        owned = set(env.storage.faces.owned_ids(task["account_id"], ids))
        kept, _ = objects.vectors(env, "faces", [i for i in ids if i in owned])
        have = set(kept)
        for face_id in dict.fromkeys(ids):
            if face_id not in have:
                env.tasks.add_error(
                    task,
                    None,
                    NewError(
                        errors.FACES_NOT_FOUND.code,
                        errors.FACES_NOT_FOUND.http_status,
                        errors.FACES_NOT_FOUND.desc,
                        errors.FACES_NOT_FOUND.detail.format(id=face_id),
                        face_id,
                    ),
                )
        labels = {str(item["face_id"]).lower(): str(item["label"]) for item in markup}
        used = list(dict.fromkeys(i for i in ids if i in have))
        label_list = [labels[i] for i in used]
        same = sum(label_list.count(label) * (label_list.count(label) - 1) // 2 for label in set(label_list))
        total = len(used) * (len(used) - 1) // 2
        if same == 0 or same == total:
            raise LunaError(errors.TASK_OBJECTS_NOT_FOUND, task="roc (genuine and impostor pairs)")
        subtasks = row_ranges(len(used), env.subtask_size)
        return Plan(subtasks, {"ids": used, "labels": label_list})

    def run(self, env: TaskEnv, task: TaskRow, content: dict[str, Any], state: dict[str, Any] | None) -> Output:
        assert state is not None
        ids: list[str] = state["ids"]
        _, matrix = objects.vectors(env, "faces", ids)
        if len(matrix) != len(ids):
            raise LunaError(errors.TASK_SUBTASK_FAILED, reason="markup faces changed since the task was planned")
        labels = np.asarray(state["labels"])
        start, end = content["rows"]
        scores: list[np.ndarray] = []
        genuine: list[np.ndarray] = []
        for row in range(start, end):
            if row % 64 == 0:
                env.check_cancelled()
            cos = matrix[row + 1 :] @ matrix[row]
            scores.append(similarity_from_cosine(cos).astype(np.float64))
            genuine.append(labels[row + 1 :] == labels[row])
        s = np.concatenate(scores) if scores else np.zeros(0)
        g = np.concatenate(genuine) if genuine else np.zeros(0, dtype=bool)
        return Binary(PAIRS_TYPE, s.astype("<f8").tobytes() + np.packbits(g).tobytes() + len(s).to_bytes(8, "little"))

    def merge(
        self, env: TaskEnv, task: TaskRow, outputs: list[tuple[dict[str, Any], Output]], state: dict[str, Any] | None
    ) -> Output:
        assert state is not None
        content = json.loads(task["content"])
        all_scores: list[np.ndarray] = []
        all_genuine: list[np.ndarray] = []
        for _, output in outputs:
            if not isinstance(output, Binary):
                continue
            count = int.from_bytes(output.data[-8:], "little")
            all_scores.append(np.frombuffer(output.data[: count * 8], dtype="<f8"))
            bits = np.frombuffer(output.data[count * 8 : -8], dtype=np.uint8)
            all_genuine.append(np.unpackbits(bits)[:count].astype(bool))
        scores, genuine = np.concatenate(all_scores), np.concatenate(all_genuine)
        result = summary(scores, genuine, [float(k) for k in content.get("key_FPRs", DEFAULT_KEY_FPRS)])
        result["top_n_hit"] = top_n_hit(
            env, state, float(content.get("threshold_hit_top", 0.0)), int(content.get("limit", 1))
        )
        plot_id = str(uuid.uuid4())
        env.tasks.add_result(
            task["task_id"], plot_id, PNG_TYPE, plot_png(result["roc_curve"], result["auc"], result["eer"])
        )
        result["plot_result_id"] = plot_id
        return result


def top_n_hit(env: TaskEnv, state: dict[str, Any], threshold: float, limit: int) -> dict[str, Any]:
    """Share of probes (markup faces with a genuine mate) whose mate is among their `limit` best other markup
    faces with similarity >= threshold."""
    ids: list[str] = state["ids"]
    labels = np.asarray(state["labels"])
    _, matrix = objects.vectors(env, "faces", ids)
    probes = hits = 0
    for row in range(len(ids)):
        if row % 64 == 0:
            env.check_cancelled()
        mates = labels == labels[row]
        mates[row] = False
        if not mates.any():
            continue
        probes += 1
        sims = similarity_from_cosine(matrix @ matrix[row])
        sims[row] = -1.0
        best = np.argsort(-sims, kind="stable")[:limit]
        if np.any(mates[best] & (sims[best] >= threshold)):
            hits += 1
    return {"limit": limit, "threshold": threshold, "probes": probes, "hit_rate": hits / probes if probes else 0.0}
