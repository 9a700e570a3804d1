"""server.matching.ann: when the ANN path is taken, exact re-ranking, deleted faces, fallbacks."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from server.matching import DescriptorIndex, similarity_from_cosine
from server.matching.ann import AnnSearch
from server.matching.live import MatchingIndexes
from server.settings import Settings
from server.storage.descriptors import DEFAULT_VERSION, DescriptorStore

D = 128
ROWS = 20_000
IDENTITIES = 400
MIN_ROWS = 10_000
SMALL_ACCOUNT_ROWS = 200
BIG = "account-big"
SMALL = "account-small"


def _unit(x: np.ndarray) -> np.ndarray:
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


class World:
    """20k clustered descriptors in LanceDB and in the in-memory index, ANN index built."""

    def __init__(self, folder: Path) -> None:
        rng = np.random.default_rng(11)
        self.centres = _unit(rng.standard_normal((IDENTITIES, D)))
        owner = np.arange(ROWS) % IDENTITIES
        self.vectors = _unit(self.centres[owner] + 0.02 * rng.standard_normal((ROWS, D)))
        self.ids = [f"face-{i:05d}" for i in range(ROWS)]
        self.accounts = [SMALL if i < SMALL_ACCOUNT_ROWS else BIG for i in range(ROWS)]
        self.store = DescriptorStore(folder)
        self.store.append(DEFAULT_VERSION, self.ids, self.accounts, self.vectors)
        self.matching = MatchingIndexes()
        self.matching.faces.add_many(self.ids, self.accounts, self.vectors)
        self.probes = _unit(self.centres[:5] + 0.02 * rng.standard_normal((5, D)))
        self.matching.start_ann(SimpleNamespace(descriptors=self.store), MIN_ROWS)  # type: ignore[arg-type]
        assert self.ann.wait(60)

    @property
    def ann(self) -> AnnSearch:
        assert self.matching.ann is not None
        return self.matching.ann


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    yield World(tmp_path_factory.mktemp("ann"))


def test_index_built_in_background_and_used_above_threshold(world: World) -> None:
    assert world.ann.ready and world.ann.builds == 1
    assert world.store.ann_index_rows(DEFAULT_VERSION) == ROWS
    before = world.ann.searches
    found = world.matching.search(world.probes, account_id=None, limit=5)
    assert world.ann.searches == before + 1
    exact = world.matching.faces.search(world.probes, limit=5)
    # clustered data: the ANN candidates contain the exact best matches
    assert [[m.face_id for m in q] for q in found] == [[m.face_id for m in q] for q in exact]
    found_big = world.matching.search(world.probes, account_id=BIG, limit=5)
    assert world.ann.searches == before + 2
    assert all(world.matching.faces.account_of(m.face_id) == BIG for q in found_big for m in q)


def test_similarities_are_exact_after_rerank(world: World) -> None:
    found = world.matching.search(world.probes, account_id=BIG, limit=10, threshold=0.2)
    rows = {face_id: i for i, face_id in enumerate(world.ids)}
    for probe, matches in zip(world.probes, found, strict=True):
        assert matches
        sims = [m.similarity for m in matches]
        assert sims == sorted(sims, reverse=True)
        for m in matches:
            cosine = float(np.dot(probe / np.linalg.norm(probe), world.vectors[rows[m.face_id]]))
            assert m.similarity == pytest.approx(similarity_from_cosine(cosine), abs=1e-5)
            assert m.similarity >= 0.2


def test_exact_below_threshold_and_for_restricted_candidates(world: World) -> None:
    before = world.ann.searches
    small = world.matching.search(world.probes, account_id=SMALL, limit=3)  # 200 faces < MIN_ROWS
    assert small == world.matching.faces.search(world.probes, account_id=SMALL, limit=3)
    some = world.ids[SMALL_ACCOUNT_ROWS : SMALL_ACCOUNT_ROWS + 500]
    assert world.matching.search(world.probes, candidate_ids=some, limit=3) == world.matching.faces.search(
        world.probes, candidate_ids=some, limit=3
    )
    assert world.matching.search(world.probes, list_id="no-such-list", limit=3) == [[] for _ in world.probes]
    many = np.repeat(world.probes, 2, axis=0)  # 10 references > ANN_MAX_QUERIES: one exact pass
    assert world.matching.search(many, limit=3) == world.matching.faces.search(many, limit=3)
    assert world.ann.searches == before


def test_deleted_faces_never_returned(world: World) -> None:
    best = world.matching.search(world.probes[:1], account_id=None, limit=3)[0]
    gone = [m.face_id for m in best]
    vectors = {face_id: world.matching.faces.get(face_id) for face_id in gone}
    world.matching.on_faces_deleted(gone)  # removed from memory; LanceDB still holds the rows
    try:
        before = world.ann.searches
        again = world.matching.search(world.probes[:1], account_id=None, limit=3)[0]
        assert world.ann.searches == before + 1
        assert len(again) == 3 and not {m.face_id for m in again} & set(gone)
    finally:
        for face_id, vector in vectors.items():
            assert vector is not None
            world.matching.faces.add(face_id, BIG, vector)


def test_ann_failure_falls_back_to_exact(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> list[str]:
        raise RuntimeError("lance unavailable")

    monkeypatch.setattr(world.store, "ann_search", broken)
    before = world.ann.searches
    assert world.matching.search(world.probes, limit=4) == world.matching.faces.search(world.probes, limit=4)
    assert world.ann.searches == before


def test_exact_without_index_or_when_disabled(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    vectors = _unit(rng.standard_normal((300, D)))
    ids = [f"f{i}" for i in range(300)]
    store = DescriptorStore(tmp_path)
    store.append(DEFAULT_VERSION, ids, ["a"] * 300, vectors)
    faces = DescriptorIndex(D)
    faces.add_many(ids, "a", vectors)
    never = AnnSearch(store, DEFAULT_VERSION, faces, min_rows=0)
    never.start()
    assert not never.enabled and not never.applies(None) and store.ann_index_rows(DEFAULT_VERSION) is None
    unbuilt = AnnSearch(store, DEFAULT_VERSION, faces, min_rows=100)
    assert not unbuilt.ready and not unbuilt.applies(None)  # start() not called yet: no index
    matching = MatchingIndexes()
    matching.faces.add_many(ids, "a", vectors)
    matching.start_ann(SimpleNamespace(descriptors=store), 0)  # type: ignore[arg-type]
    assert matching.ann is None
    assert matching.search(vectors[:2], limit=2) == matching.faces.search(vectors[:2], limit=2)


def test_reindex_after_new_rows(tmp_path: Path) -> None:
    rng = np.random.default_rng(5)
    vectors = _unit(rng.standard_normal((400, D)))
    ids = [f"f{i}" for i in range(400)]
    store = DescriptorStore(tmp_path)
    store.append(DEFAULT_VERSION, ids[:300], ["a"] * 300, vectors[:300])
    faces = DescriptorIndex(D)
    faces.add_many(ids[:300], "a", vectors[:300])
    ann = AnnSearch(store, DEFAULT_VERSION, faces, min_rows=200, reindex_rows=50)
    ann.start()
    assert ann.wait(60) and ann.ready and ann.builds == 1
    assert store.ann_index_rows(DEFAULT_VERSION) == 300
    store.append(DEFAULT_VERSION, ids[300:], ["a"] * 100, vectors[300:])
    faces.add_many(ids[300:], "a", vectors[300:])
    # rows added after the build are still found (LanceDB searches them next to the index)
    assert ann.search(vectors[350], account_id="a", limit=1, threshold=None) == [[faces.search(vectors[350])[0][0]]]
    ann.note_added(100)
    assert ann.wait(60) and ann.builds == 2
    assert store.ann_index_rows(DEFAULT_VERSION) == 400


def test_setting_from_environment() -> None:
    assert Settings().matcher_ann_min_rows == 2_000_000
    assert Settings.from_env({"LUMEN_MATCHER_ANN_MIN_ROWS": "0"}).matcher_ann_min_rows == 0
