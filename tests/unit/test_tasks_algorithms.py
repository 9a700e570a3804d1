"""The pure parts of the task types: connected components, track edges, the ROC summary, the PNG plot, and the
worker threads' lower priority."""

from __future__ import annotations

import io
import os
import platform
import subprocess
import sys
import threading
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

from server.errors import LunaError
from server.tasks import export
from server.tasks.clustering import components, track_edges, upper_edges
from server.tasks.roc import plot_png, roc_curve, summary
from server.tasks.runner import WORKER_NICE, lower_priority


def test_components_groups_connected_nodes_largest_first() -> None:
    edges = np.array([[0, 3], [3, 4], [1, 2]], dtype=np.int32)
    assert components(6, edges) == [[0, 3, 4], [1, 2], [5]]
    assert components(3, np.zeros((0, 2), dtype=np.int32)) == [[0], [1], [2]]


def reference_components(count: int, edges: np.ndarray) -> list[list[int]]:
    """Plain union-find, for comparison."""
    parent = list(range(count))

    def root(node: int) -> int:
        while parent[node] != node:
            node = parent[node]
        return node

    for a, b in edges.tolist():
        parent[max(root(a), root(b))] = min(root(a), root(b))
    groups: dict[int, list[int]] = {}
    for node in range(count):
        groups.setdefault(root(node), []).append(node)
    return sorted(groups.values(), key=lambda g: (-len(g), g[0]))


@pytest.mark.parametrize("seed", range(5))
def test_components_equal_union_find_on_random_graphs(seed: int) -> None:
    rng = np.random.default_rng(seed)
    count = 400
    edges = rng.integers(0, count, size=(int(rng.integers(0, 600)), 2)).astype(np.int32)
    chain = np.stack([np.arange(100, 199), np.arange(101, 200)], axis=1)[::-1]  # a long path, reversed
    edges = np.concatenate([edges, chain.astype(np.int32)])
    assert components(count, edges) == reference_components(count, edges)
    assert components(0, np.zeros((0, 2), dtype=np.int32)) == []


def test_upper_edges_equal_every_pair_above_the_bar() -> None:
    rng = np.random.default_rng(3)
    matrix = rng.standard_normal((300, 16)).astype(np.float32)
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
    bar = 0.5
    scores = matrix @ matrix.T
    expected = {(i, j) for i in range(300) for j in range(i + 1, 300) if scores[i, j] >= bar}
    found = np.concatenate([upper_edges(matrix, start, min(start + 64, 300), bar) for start in range(0, 300, 64)])
    assert {tuple(pair) for pair in found.tolist()} == expected and len(found) == len(expected)


def test_track_edges_chain_each_track() -> None:
    assert track_edges(["a", None, "a", "b", "a"]).tolist() == [[0, 2], [2, 4]]
    assert track_edges([None, None]).shape == (0, 2)


def test_roc_of_a_perfect_and_of_a_reversed_score() -> None:
    genuine = np.array([True, True, False, False])
    perfect = summary(np.array([0.9, 0.8, 0.2, 0.1]), genuine, [0.0, 0.5])
    assert perfect["auc"] == 1.0 and perfect["eer"] == 0.0
    assert [k["TPR"] for k in perfect["key_FPRs"]] == [1.0, 1.0]
    reversed_ = summary(np.array([0.1, 0.2, 0.8, 0.9]), genuine, [0.5])
    assert reversed_["auc"] == 0.0 and reversed_["eer"] == 1.0
    assert reversed_["key_FPRs"][0]["TPR"] == 0.0


def test_roc_auc_is_the_mann_whitney_statistic_with_ties() -> None:
    rng = np.random.default_rng(3)
    scores = np.round(rng.random(400), 2)  # many ties
    genuine = rng.random(400) < 0.3
    g, m = scores[genuine], scores[~genuine]
    expected = ((g[:, None] > m[None, :]).sum() + 0.5 * (g[:, None] == m[None, :]).sum()) / (len(g) * len(m))
    assert summary(scores, genuine, [0.1])["auc"] == pytest.approx(expected, abs=1e-12)
    fpr, tpr, thresholds = roc_curve(scores, genuine)
    assert fpr[0] == tpr[0] == 0.0 and fpr[-1] == tpr[-1] == 1.0 and np.isinf(thresholds[0])
    assert np.all(np.diff(fpr) >= 0) and np.all(np.diff(tpr) >= 0)


def test_plot_is_a_png_of_the_curve() -> None:
    """matplotlib's PNG decodes (Pillow) to the plot's size, is mostly white with a drawing on it: the blue curve
    (tab:blue) and the red EER point (tab:red) are there."""
    points = [{"FPR": 0.0, "TPR": 0.0}, {"FPR": 0.05, "TPR": 0.7}, {"FPR": 0.2, "TPR": 0.9}, {"FPR": 1.0, "TPR": 1.0}]
    data = plot_png(points, 0.9, 0.15)
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "PNG" and image.size == (600, 600)
        pixels = np.asarray(image.convert("RGB")).reshape(-1, 3).astype(int)
    white = (pixels > 245).all(axis=1).mean()
    assert 0.5 < white < 0.99, white  # neither blank nor filled
    blue = (np.abs(pixels - (31, 119, 180)).sum(axis=1) < 40).sum()
    red = (np.abs(pixels - (214, 39, 40)).sum(axis=1) < 40).sum()
    assert blue > 500 and red > 30, (blue, red)
    without_eer = plot_png(points, 0.9)
    with Image.open(io.BytesIO(without_eer)) as image:
        assert image.size == (600, 600)


def test_matplotlib_stays_out_of_the_server_start() -> None:
    """The server imports the task types (server.services.tasks); matplotlib is imported only when a plot is
    drawn."""
    code = "import sys, server.services.tasks, server.tasks.roc; print('matplotlib' in sys.modules)"
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root)
    assert done.stdout.strip() == "False"


@pytest.mark.skipif(platform.system() != "Linux", reason="per-thread nice values are Linux")
def test_worker_threads_run_at_a_lower_priority() -> None:
    seen: list[int] = []

    def worker() -> None:
        lower_priority()
        seen.append(os.getpriority(os.PRIO_PROCESS, threading.get_native_id()))

    before = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    thread = threading.Thread(target=worker)
    thread.start()
    thread.join()
    assert seen == [max(before, WORKER_NICE)]  # raising a nice value needs no privilege
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == before  # the caller is untouched


class _Blobs:
    def __init__(self, data: dict[str, bytes]) -> None:
        self.data = data

    def get(self, bucket: str, blob_id: str) -> bytes | None:
        return self.data.get(blob_id)


class _Storage:
    def __init__(self, data: dict[str, bytes]) -> None:
        self.blobs = _Blobs(data)

    def blob_meta(self, bucket: str, blob_id: str, account_id: str) -> dict[str, str] | None:
        return {"content_type": "image/jpeg"} if blob_id in self.blobs.data else None


class _Env:
    def __init__(self, data: dict[str, bytes]) -> None:
        self.storage = _Storage(data)

    def check_cancelled(self) -> None:
        pass


def test_export_archive_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    """An archive over the result limit fails with 28022 as soon as it gets there; under it, every sample is in."""
    samples = {f"s{i}": bytes([i]) * 1000 for i in range(5)}
    env: Any = _Env(samples)
    images = [("images", sample_id) for sample_id in [*samples, "gone"]]
    monkeypatch.setattr(export, "SPOOL_BYTES", 1024)  # the spooled file goes to disk on the way
    archive = zipfile.ZipFile(io.BytesIO(export.zip_archive(env, "a", "x.csv", "id\n1\n", images)))
    assert sorted(archive.namelist()) == [
        "images/s0.jpg",
        "images/s1.jpg",
        "images/s2.jpg",
        "images/s3.jpg",
        "images/s4.jpg",
        "x.csv",
    ]
    monkeypatch.setattr(export, "RESULT_MAX_BYTES", 3000)
    with pytest.raises(LunaError) as raised:
        export.zip_archive(env, "a", "x.csv", "id\n1\n", images)
    assert raised.value.spec.code == 28022
