"""server.matching: exactness against brute force, isolation, lists, limits, writes, concurrency."""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable

import numpy as np
import pytest

from server.matching import (
    PRECISIONS,
    DescriptorIndex,
    ListMembership,
    Match,
    cosine_from_similarity,
    similarity_from_cosine,
)
from server.matching.similarity import CENTER

D = 128
# Small blocks so that a few thousand rows exercise the multi-block and multi-chunk paths.
SMALL = {"block_rows": 512, "chunk_rows": 96, "initial_capacity": 8}


def unit_rows(rng: np.random.Generator, n: int, d: int = D) -> np.ndarray:
    x = rng.standard_normal((n, d)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def clustered_rows(rng: np.random.Generator, n: int, clusters: int = 50, spread: float = 0.35) -> np.ndarray:
    """Descriptors like faces: many per identity, close to the identity's centre."""
    centres = unit_rows(rng, clusters)
    x = centres[rng.integers(0, clusters, n)] + spread * unit_rows(rng, n) * rng.random((n, 1)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def brute_force(
    queries: np.ndarray, vectors: np.ndarray, ids: list[str], limit: int, threshold: float | None = None
) -> list[list[tuple[str, float]]]:
    q = queries / np.linalg.norm(queries, axis=1, keepdims=True)
    sims = similarity_from_cosine(q.astype(np.float64) @ vectors.astype(np.float64).T)
    out = []
    for row in sims:
        order = np.argsort(-row, kind="stable")[:limit]
        out.append([(ids[i], float(row[i])) for i in order if threshold is None or row[i] >= threshold])
    return out


def build(
    vectors: np.ndarray, precision: str = "float32", accounts: list[str] | None = None, **kwargs: object
) -> tuple[DescriptorIndex, list[str]]:
    ids = [f"face-{i}" for i in range(len(vectors))]
    index = DescriptorIndex(D, precision=precision, **{**SMALL, **kwargs})  # type: ignore[arg-type]
    index.add_many(ids, accounts if accounts is not None else "acc", vectors)
    return index, ids


def assert_same(got: list[list[Match]], want: list[list[tuple[str, float]]], tol: float = 1e-5) -> None:
    assert len(got) == len(want)
    for g, w in zip(got, want, strict=True):
        assert [m.face_id for m in g] == [face_id for face_id, _ in w]
        np.testing.assert_allclose([m.similarity for m in g], [s for _, s in w], atol=tol)


# -- similarity ---------------------------------------------------------------------------------


def test_similarity_mapping_is_monotonic_bounded_and_invertible() -> None:
    cos = np.linspace(-1.2, 1.2, 241)
    sim = similarity_from_cosine(cos)
    assert np.all(np.diff(sim) >= 0)
    assert sim.min() == 0.0 and sim.max() == 1.0
    assert similarity_from_cosine(1.0) == 1.0 and similarity_from_cosine(-1.0) == 0.0
    # calibrated (BENCHMARKS.md "Similarity calibration"): 0.5 at the same/different boundary
    assert similarity_from_cosine(CENTER) == pytest.approx(0.5, abs=1e-3)
    assert similarity_from_cosine(0.975) > 0.99 and similarity_from_cosine(0.85) < 0.01
    inner = np.linspace(0.5, 1, 101)
    np.testing.assert_allclose(cosine_from_similarity(similarity_from_cosine(inner)), inner, atol=1e-9)
    assert cosine_from_similarity(similarity_from_cosine(0.93)) == pytest.approx(0.93)
    assert cosine_from_similarity(0.0) == -1.0 and cosine_from_similarity(1.0) == 1.0


# -- exactness ----------------------------------------------------------------------------------


@pytest.mark.parametrize("k", [1, 7, 30])
@pytest.mark.parametrize("limit", [1, 5, 60])
def test_float32_search_equals_brute_force(k: int, limit: int) -> None:
    rng = np.random.default_rng(k * 100 + limit)
    vectors = unit_rows(rng, 3001)
    index, ids = build(vectors)
    queries = rng.standard_normal((k, D)).astype(np.float32)  # not normalised: the index normalises
    assert_same(index.search(queries, limit=limit), brute_force(queries, vectors, ids, limit))


def test_single_vector_query_and_limit_above_size() -> None:
    rng = np.random.default_rng(3)
    vectors = unit_rows(rng, 10)
    index, ids = build(vectors)
    result = index.search(vectors[4], limit=100)
    assert len(result) == 1 and len(result[0]) == 10
    assert result[0][0].face_id == "face-4" and result[0][0].similarity == pytest.approx(1.0, abs=1e-6)
    assert_same(result, brute_force(vectors[4:5], vectors, ids, 100))


@pytest.mark.parametrize("precision", ["float16", "int16"])
@pytest.mark.parametrize("data", ["random", "clustered"])
def test_half_precision_keeps_top1_and_similarity_error_below_1e3(precision: str, data: str) -> None:
    rng = np.random.default_rng(11)
    vectors = unit_rows(rng, 4000) if data == "random" else clustered_rows(rng, 4000)
    exact, ids = build(vectors, "float32")
    half, _ = build(vectors, precision)
    # probes: perturbed copies of stored rows (the genuine case), plus unrelated vectors
    probes = np.vstack([vectors[:200] + 0.05 * unit_rows(rng, 200), unit_rows(rng, 50)])
    want = exact.search(probes, limit=10)
    got = half.search(probes, limit=10)
    reference = {f: v for f, v in zip(ids, vectors.astype(np.float64), strict=True)}
    unit_probes = probes / np.linalg.norm(probes, axis=1, keepdims=True)
    worst = 0.0
    flips = 0
    for q, (g, w) in enumerate(zip(got, want, strict=True)):
        if g[0].face_id != w[0].face_id:  # allowed only between near-ties (clustered data has some)
            assert w[0].similarity - w[1].similarity < 1e-4
            flips += 1
        for m in g:  # every reported similarity against the exact one of that face
            exact_sim = similarity_from_cosine(float(unit_probes[q].astype(np.float64) @ reference[m.face_id]))
            worst = max(worst, abs(m.similarity - exact_sim))
        # and the k-th best similarity agrees, so no better face was missed beyond rounding
        assert abs(g[-1].similarity - w[-1].similarity) < 1e-3
    assert worst < 1e-3
    assert flips <= 2
    assert half.matrix_bytes() * 2 == exact.matrix_bytes()


@pytest.mark.parametrize("precision", PRECISIONS)
def test_all_precisions_exact_on_separated_data(precision: str) -> None:
    rng = np.random.default_rng(5)
    vectors = unit_rows(rng, 1500)
    index, ids = build(vectors, precision)
    got = index.search(vectors[:40], limit=1)
    assert [r[0].face_id for r in got] == ids[:40]
    stored = index.get("face-7")
    assert stored is not None and stored.dtype == np.float32
    np.testing.assert_allclose(stored, vectors[7], atol=1e-3)


# -- accounts, lists, candidates --------------------------------------------------------------


def test_account_isolation() -> None:
    rng = np.random.default_rng(21)
    vectors = unit_rows(rng, 1200)
    accounts = ["alpha" if i % 3 else "beta" for i in range(1200)]
    index, ids = build(vectors, accounts=accounts)
    alpha = [i for i, a in enumerate(accounts) if a == "alpha"]
    queries = vectors[[0, 3, 6]]  # beta's own faces
    got = index.search(queries, account_id="alpha", limit=20)
    assert_same(got, brute_force(queries, vectors[alpha], [ids[i] for i in alpha], 20))
    assert all(index.account_of(m.face_id) == "alpha" for r in got for m in r)
    assert index.search(queries, account_id="nobody", limit=5) == [[], [], []]
    assert_same(index.search(queries, limit=20), brute_force(queries, vectors, ids, 20))
    assert index.count("alpha") == len(alpha) and index.count() == 1200


def test_same_face_id_changing_account_moves_it() -> None:
    rng = np.random.default_rng(22)
    vectors = unit_rows(rng, 3)
    index = DescriptorIndex(D, **SMALL)  # type: ignore[arg-type]
    index.add("f", "a", vectors[0])
    index.add("g", "a", vectors[1])
    index.add("f", "b", vectors[2])
    assert index.account_of("f") == "b" and index.count("a") == 1 and len(index) == 2
    assert [m.face_id for m in index.search(vectors[2], account_id="a", limit=5)[0]] == ["g"]
    assert [m.face_id for m in index.search(vectors[2], limit=5)[0]] == ["f", "g"]


def test_list_restriction_follows_attach_detach_and_row_moves() -> None:
    rng = np.random.default_rng(31)
    vectors = unit_rows(rng, 2000)
    membership = ListMembership()
    early = [f"face-{i}" for i in range(0, 2000, 4)]
    membership.attach("L", early[:100])  # attached before the descriptors exist
    index, ids = build(vectors, membership=membership)
    membership.attach("L", early[100:])
    membership.attach("M", ids[:50])
    queries = unit_rows(rng, 5)
    position = {f: i for i, f in enumerate(ids)}

    def check() -> None:
        members = sorted((f for f in membership.members("L") if f in index), key=position.__getitem__)
        rows = [position[f] for f in members]
        got = index.search(queries, list_id="L", limit=25)
        assert_same(got, brute_force(queries, vectors[rows], members, 25))

    check()
    # detach some, remove some (members and non-members: swap-removes move list rows around)
    membership.detach("L", early[:30])
    assert index.remove_many(ids[1:600:3]) == len(ids[1:600:3])
    for face_id in ids[1000:1200]:
        assert index.remove(face_id)
    check()
    # re-added faces rejoin their lists
    index.add_many(ids[1000:1200], "acc", vectors[1000:1200])
    check()
    assert membership.forget_faces(early[200:260]) == 60
    check()
    assert membership.delete_list("L") > 0
    assert index.search(queries, list_id="L", limit=5) == [[]] * 5
    assert {m.face_id for m in index.search(queries, list_id="M", limit=50)[0]} <= set(ids[:50])


def test_list_search_is_per_account() -> None:
    rng = np.random.default_rng(32)
    vectors = unit_rows(rng, 40)
    membership = ListMembership()
    accounts = ["a"] * 20 + ["b"] * 20
    index, ids = build(vectors, accounts=accounts, membership=membership)
    membership.attach("L", ids[10:30])
    got = index.search(vectors[:3], account_id="a", list_id="L", limit=40)
    assert all({m.face_id for m in r} == set(ids[10:20]) for r in got)
    got = index.search(vectors[:3], list_id="L", limit=40)
    assert all({m.face_id for m in r} == set(ids[10:30]) for r in got)


def test_candidate_ids_and_their_intersection_with_a_list() -> None:
    rng = np.random.default_rng(41)
    vectors = unit_rows(rng, 1500)
    membership = ListMembership()
    index, ids = build(vectors, membership=membership)
    membership.attach("L", ids[:700])
    candidates = set(ids[500:900]) | {"unknown-face"}
    queries = unit_rows(rng, 4)
    rows = list(range(500, 900))
    got = index.search(queries, candidate_ids=candidates, limit=15)
    assert_same(got, brute_force(queries, vectors[rows], [ids[i] for i in rows], 15))
    got = index.search(queries, candidate_ids=candidates, list_id="L", limit=15)
    rows = list(range(500, 700))
    assert_same(got, brute_force(queries, vectors[rows], [ids[i] for i in rows], 15))
    assert index.search(queries, candidate_ids=set(), limit=3) == [[]] * 4


# -- limit and threshold ------------------------------------------------------------------------


@pytest.mark.parametrize("precision", PRECISIONS)
def test_threshold_returns_exactly_the_faces_above_it(precision: str) -> None:
    rng = np.random.default_rng(51)
    vectors = clustered_rows(rng, 3000, clusters=20)
    index, ids = build(vectors, precision)
    queries = vectors[:6]
    threshold = 0.9
    got = index.search(queries, limit=3000, threshold=threshold)
    want = brute_force(queries, vectors, ids, 3000, threshold)
    tol = 1e-5 if precision == "float32" else 1e-3
    for g, w in zip(got, want, strict=True):
        assert all(m.similarity >= threshold for m in g)
        # identical sets except faces within rounding of the threshold
        borderline = {f for f, s in w if s < threshold + tol}
        assert {m.face_id for m in g} ^ {f for f, _ in w} <= borderline
        assert len(g) > 10
    limited = index.search(queries, limit=4, threshold=threshold)
    assert all(len(r) == 4 for r in limited)
    assert index.search(queries, limit=5, threshold=1.0)[1] in ([], [Match("face-1", 1.0)])


def test_invalid_arguments() -> None:
    index = DescriptorIndex(D)
    with pytest.raises(ValueError):
        index.add("f", "a", np.ones(D - 1))
    with pytest.raises(ValueError):
        index.add("f", "a", np.full(D, np.nan))
    with pytest.raises(ValueError):
        index.search(np.ones(D), limit=0)
    with pytest.raises(ValueError):
        index.search(np.ones(D), threshold=1.5)
    with pytest.raises(ValueError):
        index.search(np.ones((2, 3)))
    with pytest.raises(ValueError):
        index.search(np.ones(D), list_id="L")  # no membership
    with pytest.raises(ValueError):
        DescriptorIndex(D, precision="float64")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        index.add_many(["a", "b"], "acc", np.ones((3, D)))
    assert index.search(np.ones(D)) == [[]]


# -- writes -------------------------------------------------------------------------------------


@pytest.mark.parametrize("precision", PRECISIONS)
def test_remove_replace_growth_and_shrink(precision: str) -> None:
    rng = np.random.default_rng(61)
    vectors = unit_rows(rng, 1000)
    index = DescriptorIndex(D, precision=precision, **SMALL)  # type: ignore[arg-type]
    ids = [f"face-{i}" for i in range(1000)]
    for face_id, vector in zip(ids, vectors, strict=True):
        index.add(face_id, "acc", vector)
    assert len(index) == 1000 and index.matrix_bytes() >= 1000 * D * 2
    assert not index.remove("missing")
    for i in range(0, 1000, 2):
        assert index.remove(ids[i])
    assert "face-0" not in index and "face-1" in index
    alive = list(range(1, 1000, 2))
    got = index.search(vectors[:20], limit=1)
    want = brute_force(vectors[:20], vectors[alive], [ids[i] for i in alive], 1)
    assert [r[0].face_id for r in got] == [w[0][0] for w in want]
    # replace: face-1 now carries face-0's old vector
    index.add("face-1", "acc", vectors[0])
    assert len(index) == 500
    assert index.search(vectors[0], limit=1)[0][0].face_id == "face-1"
    assert index.search(vectors[0], limit=1)[0][0].similarity == pytest.approx(1.0, abs=1e-4)
    # shrink back when nearly empty, and an emptied account disappears
    assert index.remove_many(ids[1:990:2]) == 495
    assert len(index) == 5 and index.matrix_bytes() <= 64 * D * 4
    index.remove_many(ids)
    assert len(index) == 0 and index.matrix_bytes() == 0
    assert index.search(vectors[:2], limit=3) == [[], []]


def test_add_many_last_duplicate_wins_and_replaces_existing() -> None:
    rng = np.random.default_rng(71)
    vectors = unit_rows(rng, 4)
    index = DescriptorIndex(D)
    index.add("x", "acc", vectors[0])
    index.add_many(["x", "y", "y"], "acc", vectors[1:4])
    assert len(index) == 2
    assert index.search(vectors[1], limit=1)[0][0].face_id == "x"
    assert index.search(vectors[3], limit=1)[0][0].face_id == "y"
    assert index.search(vectors[2], limit=1)[0][0].similarity < 0.99


# -- concurrency --------------------------------------------------------------------------------


@pytest.mark.parametrize("precision", ["float32", "int16"])
def test_concurrent_writes_never_expose_removed_or_torn_rows(precision: str) -> None:
    rng = np.random.default_rng(81)
    targets = unit_rows(rng, 8)  # searched vectors; churned faces are near-copies of them
    background = unit_rows(rng, 3000)
    membership = ListMembership()
    index = DescriptorIndex(D, precision=precision, membership=membership, **SMALL)  # type: ignore[arg-type]
    index.add_many([f"bg-{i}" for i in range(3000)], "acc", background)
    membership.attach("L", [f"bg-{i}" for i in range(0, 3000, 2)])

    seq = itertools.count()  # next() is atomic under the GIL
    vectors: dict[str, np.ndarray] = {}
    removed_at: dict[str, int] = {}
    stop = threading.Event()
    errors: list[str] = []

    def writer(offset: int) -> None:
        w_rng = np.random.default_rng(offset)
        generation = 0
        while not stop.is_set():
            batch = []
            for t in range(len(targets)):
                face_id = f"w{offset}-{generation}-{t}"
                vector = targets[t] + 0.01 * unit_rows(w_rng, 1)[0]
                vectors[face_id] = vector / np.linalg.norm(vector)
                index.add(face_id, "acc", vector)
                if generation % 2:
                    membership.attach("L", [face_id])
                batch.append(face_id)
            for face_id in batch:  # remove: rows of other faces move into the freed slots
                index.remove(face_id)
                removed_at[face_id] = next(seq)
            generation += 1

    def searcher() -> None:
        s_rng = np.random.default_rng()
        while not stop.is_set():
            started = next(seq)
            list_id = "L" if s_rng.random() < 0.3 else None
            results = index.search(targets, limit=5, list_id=list_id)
            for q, result in enumerate(results):
                for match in result:
                    if match.face_id.startswith("bg-"):
                        vector = background[int(match.face_id[3:])]
                    else:
                        gone = removed_at.get(match.face_id)
                        if gone is not None and gone < started:
                            errors.append(f"{match.face_id} returned after its removal")
                        vector = vectors[match.face_id]
                    exact = similarity_from_cosine(float(targets[q] @ vector))
                    if abs(exact - match.similarity) > 1e-3:
                        errors.append(f"{match.face_id}: similarity {match.similarity} vs {exact}")

    def guarded(target: Callable[..., None], *args: int) -> Callable[[], None]:
        def run() -> None:
            try:
                target(*args)
            except Exception as exc:  # noqa: BLE001 - a crash in a thread must fail the test, not just warn
                errors.append(f"{target.__name__}: {exc!r}")
                stop.set()

        return run

    threads = [threading.Thread(target=guarded(writer, i)) for i in range(2)]
    threads += [threading.Thread(target=guarded(searcher)) for _ in range(3)]
    for thread in threads:
        thread.start()
    time.sleep(1.5)
    stop.set()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors[:5]
    assert len(removed_at) > 50
    assert len(index) == 3000
    # the list's row arrays converged to the membership
    got = index.search(targets, list_id="L", limit=2000)
    assert all({m.face_id for m in r} == {f"bg-{i}" for i in range(0, 3000, 2)} for r in got)
