"""In-memory exact 1:N descriptor index for one descriptor version.

Details: docs/matching.md, "server/matching/index.py".
"""

from __future__ import annotations

import logging
import math
import threading
from collections.abc import Iterable, Sequence
from typing import Literal, NamedTuple, get_args

import numpy as np
import numpy.typing as npt

from server.matching.lists import ListMembership
from server.matching.rwlock import RWLock
from server.matching.similarity import cosine_from_similarity, similarity_from_cosine

_LOGGER = logging.getLogger(__name__)

Precision = Literal["float32", "float16", "int16"]
PRECISIONS: tuple[str, ...] = get_args(Precision)

DEFAULT_PRECISION: Precision = "float32"
DEFAULT_LIMIT = 3  # LUNA's default number of candidates per reference
DEFAULT_INITIAL_CAPACITY = 1024
# Most rows scored per BLAS call on contiguous float32 data (128 MiB at d=128). One block per
# 100k-row shard keeps the per-block top-k overhead off the single-query path (measured: 65536-row
# blocks cost 10-70% over a plain `X @ q`, 262144-row blocks match it at 100k and 1M).
DEFAULT_BLOCK_ROWS = 262144
# The (queries x block) score buffer is capped at this many float32 (8 MiB), so a batch of 30
# queries scans in ~70k-row blocks and concurrent searches stay small in memory.
SCORE_BUFFER_FLOATS = 2**21
# Rows widened (or gathered) per step on the 16-bit and list paths: 512 KiB of float32 at d=128, so
# the widened copy stays in L2 between the cast and the product (measured best of 256..8192).
DEFAULT_CHUNK_ROWS = 1024
# Rows written under one write lock by add_many, so that a bulk load does not stall searches.
BULK_ROWS_PER_LOCK = 65536

INT16_SCALE = 32767.0
# float16 -> float32 by bits: sign-extend to int32, shift the 15 exponent/mantissa bits left by 13,
# keep bit 31 (sign) and bits 13..27 (0x8FFFE000). The float32 read from those bits is the half
# value times 2**-112 (exponent not re-biased), so the query is multiplied by 2**112 instead.
# Half subnormals become float32 denormals, exact unless something sets flush-to-zero/DAZ (then such
# components, |x| < 6.1e-5, count as 0: an error below 6.1e-5 * |q_i| each).
_FP16_BITS_MASK = np.int32(-1879056384)  # 0x8FFFE000 as a signed int32
_FP16_QUERY_SCALE = 2.0**112
# Top-k of a block with nothing to beat yet: the limit-th best of a prefix of this many rows (at
# least _SAMPLE_FACTOR * limit) is used as a first bar, so that the block is selected with one
# compare instead of an argpartition over all of it (3-5x cheaper on 100k rows).
_SAMPLE_ROWS = 4096
_SAMPLE_FACTOR = 16
# A threshold turned into a cosine floor is lowered by this much before filtering exactly on the
# similarity, so that rounding never drops a candidate that is exactly at the threshold.
_FLOOR_SLACK = 1e-5

FloatArray = npt.NDArray[np.float32]
RowArray = npt.NDArray[np.intp]


class Match(NamedTuple):
    face_id: str
    similarity: float


def _storage_dtype(precision: Precision) -> np.dtype[np.generic]:
    return np.dtype({"float32": np.float32, "float16": np.float16, "int16": np.int16}[precision])


def normalise(vectors: npt.ArrayLike, dimension: int) -> FloatArray:
    """Rows L2-normalised (float32, 2-d); a zero row stays zero. Rejects wrong shapes and non-finite values."""
    array = np.asarray(vectors, dtype=np.float32)
    if array.ndim == 1:
        array = array[None, :]
    if array.ndim != 2 or array.shape[1] != dimension:
        raise ValueError(f"expected vectors of dimension {dimension}, got shape {np.shape(vectors)}")
    norms = np.sqrt(np.einsum("ij,ij->i", array, array))
    if not np.isfinite(norms).all():
        raise ValueError("vectors must be finite (and their norms representable in float32)")
    norms[norms == 0.0] = 1.0
    return array / norms[:, None]


def encode(unit: FloatArray, precision: Precision) -> np.ndarray:
    """Unit vectors in the storage format."""
    if precision == "float32":
        return unit
    if precision == "float16":
        return unit.astype(np.float16)
    return np.rint(np.clip(unit, -1.0, 1.0) * INT16_SCALE).astype(np.int16)


def decode(stored: np.ndarray, precision: Precision) -> FloatArray:
    """Stored rows back as float32 (exact for float32/float16, the quantised value for int16)."""
    if precision == "int16":
        return (stored.astype(np.float32) / np.float32(INT16_SCALE)).astype(np.float32)
    return stored.astype(np.float32)


class _RowSet:
    """Rows of one list's faces within one shard: an index array with O(1) add/discard/move."""

    __slots__ = ("count", "faces", "pos", "rows")

    def __init__(self) -> None:
        self.rows: RowArray = np.empty(16, dtype=np.intp)
        self.count = 0
        self.faces: list[str] = []
        self.pos: dict[str, int] = {}

    def add(self, face_id: str, row: int) -> None:
        if face_id in self.pos:
            return
        if self.count == self.rows.size:
            grown = np.empty(self.rows.size * 2, dtype=np.intp)
            grown[: self.count] = self.rows[: self.count]
            self.rows = grown
        self.rows[self.count] = row
        self.pos[face_id] = self.count
        self.faces.append(face_id)
        self.count += 1

    def discard(self, face_id: str) -> None:
        at = self.pos.pop(face_id, None)
        if at is None:
            return
        last = self.count - 1
        if at != last:
            moved = self.faces[last]
            self.rows[at] = self.rows[last]
            self.faces[at] = moved
            self.pos[moved] = at
        self.faces.pop()
        self.count = last

    def move(self, face_id: str, row: int) -> None:
        self.rows[self.pos[face_id]] = row

    def view(self) -> RowArray:
        return self.rows[: self.count]


class _Shard:
    """One account's rows. Mutators must be called with `lock` held for writing."""

    def __init__(self, account_id: str, dimension: int, dtype: np.dtype[np.generic], capacity: int) -> None:
        self.account_id = account_id
        self.lock = RWLock()
        self.initial_capacity = capacity
        self.matrix: np.ndarray = np.zeros((capacity, dimension), dtype=dtype)
        self.ids: list[str] = []
        self.rows: dict[str, int] = {}
        self.lists: dict[str, _RowSet] = {}
        self.face_lists: dict[str, set[str]] = {}

    @property
    def count(self) -> int:
        return len(self.ids)

    def _resize(self, capacity: int) -> None:
        resized = np.zeros((capacity, self.matrix.shape[1]), dtype=self.matrix.dtype)
        resized[: self.count] = self.matrix[: self.count]
        self.matrix = resized

    def reserve(self, extra: int) -> None:
        needed = self.count + extra
        capacity = self.matrix.shape[0]
        if needed > capacity:
            while capacity < needed:
                capacity *= 2
            self._resize(capacity)

    def put(self, face_id: str, vector: np.ndarray, list_ids: Iterable[str]) -> None:
        row = self.rows.get(face_id)
        if row is not None:
            self.matrix[row] = vector
            return
        self.reserve(1)
        row = self.count
        self.matrix[row] = vector
        self.ids.append(face_id)
        self.rows[face_id] = row
        for list_id in list_ids:
            self.attach(list_id, face_id)

    def append_many(self, face_ids: list[str], vectors: np.ndarray, list_ids: list[frozenset[str]] | None) -> None:
        """Append faces known to be absent from this shard (distinct ids)."""
        self.reserve(len(face_ids))
        start = self.count
        self.matrix[start : start + len(face_ids)] = vectors
        self.ids.extend(face_ids)
        rows = self.rows
        for offset, face_id in enumerate(face_ids, start):
            rows[face_id] = offset
        if list_ids is not None:
            for face_id, lists in zip(face_ids, list_ids, strict=True):
                for list_id in lists:
                    self.attach(list_id, face_id)

    def delete(self, face_id: str) -> bool:
        row = self.rows.pop(face_id, None)
        if row is None:
            return False
        for list_id in self.face_lists.pop(face_id, ()):
            self._discard_from_list(list_id, face_id)
        last = self.count - 1
        if row != last:
            moved = self.ids[last]
            self.matrix[row] = self.matrix[last]
            self.ids[row] = moved
            self.rows[moved] = row
            for list_id in self.face_lists.get(moved, ()):
                self.lists[list_id].move(moved, row)
        self.ids.pop()
        capacity = self.matrix.shape[0]
        if capacity > self.initial_capacity and self.count <= capacity // 4:
            self._resize(max(self.initial_capacity, capacity // 2))
        return True

    def attach(self, list_id: str, face_id: str) -> None:
        row = self.rows.get(face_id)
        if row is None:
            return
        rowset = self.lists.get(list_id)
        if rowset is None:
            rowset = self.lists[list_id] = _RowSet()
        rowset.add(face_id, row)
        self.face_lists.setdefault(face_id, set()).add(list_id)

    def detach(self, list_id: str, face_id: str) -> None:
        lists = self.face_lists.get(face_id)
        if lists is None or list_id not in lists:
            return
        lists.discard(list_id)
        if not lists:
            del self.face_lists[face_id]
        self._discard_from_list(list_id, face_id)

    def _discard_from_list(self, list_id: str, face_id: str) -> None:
        rowset = self.lists[list_id]
        rowset.discard(face_id)
        if rowset.count == 0:
            del self.lists[list_id]


def _best(line: FloatArray, bar: float, limit: int) -> RowArray:
    """Positions of the best `limit` values of `line` that are >= bar (all of them if fewer)."""
    size = line.size
    if bar == -math.inf:
        if size <= limit:
            return np.arange(size)
        sample = max(_SAMPLE_ROWS, _SAMPLE_FACTOR * limit)
        if size <= sample:
            return np.argpartition(line, size - limit)[size - limit :]
        # the limit-th best of a prefix: the block's best `limit` are all at least as good
        bar = float(np.partition(line[:sample], sample - limit)[sample - limit])
    picked = np.flatnonzero(line >= bar)
    if picked.size > limit:
        picked = picked[np.argpartition(line[picked], picked.size - limit)[picked.size - limit :]]
    return picked


class _TopK:
    """Running best `limit` (cosine, row) per query over the blocks of one shard, with a floor."""

    def __init__(self, limit: int, floors: npt.NDArray[np.float64]) -> None:
        self.limit = limit
        self.floors = floors.astype(np.float32)
        self.bars = self.floors.copy()  # a candidate must score >= bars[q]
        empty_scores = np.empty(0, dtype=np.float32)
        empty_rows = np.empty(0, dtype=np.intp)
        self.scores: list[FloatArray] = [empty_scores] * floors.size
        self.rows: list[RowArray] = [empty_rows] * floors.size

    def push(self, scores: FloatArray, rows: RowArray | None, base: int) -> None:
        """scores: (queries x b) cosines of rows `rows` (or base..base+b when rows is None)."""
        limit = self.limit
        bars = self.bars
        if np.isneginf(bars).all():  # nothing to beat yet (first block, no threshold): skip the max pass
            queries: Iterable[int] = range(scores.shape[0])
        else:
            queries = np.flatnonzero(scores.max(axis=1) >= bars).tolist()
        for q in queries:
            line = scores[q]
            picked = _best(line, float(bars[q]), limit)
            pool_scores = np.concatenate((self.scores[q], line[picked]))
            pool_rows = np.concatenate((self.rows[q], picked + base if rows is None else rows[picked]))
            if pool_scores.size > limit:
                keep = np.argpartition(pool_scores, pool_scores.size - limit)[pool_scores.size - limit :]
                pool_scores, pool_rows = pool_scores[keep], pool_rows[keep]
            self.scores[q], self.rows[q] = pool_scores, pool_rows
            if pool_scores.size == limit:
                bars[q] = max(self.floors[q], pool_scores.min())


class DescriptorIndex:
    """Exact cosine search over (face_id, account_id, vector) rows of one descriptor version.

    Thread-safe. `membership` (optional, may be shared by the indexes of several versions) enables
    `search(list_id=...)`.
    """

    def __init__(
        self,
        dimension: int,
        *,
        precision: Precision = DEFAULT_PRECISION,
        membership: ListMembership | None = None,
        initial_capacity: int = DEFAULT_INITIAL_CAPACITY,
        block_rows: int = DEFAULT_BLOCK_ROWS,
        chunk_rows: int = DEFAULT_CHUNK_ROWS,
    ) -> None:
        if dimension <= 0:
            raise ValueError("dimension must be positive")
        if precision not in PRECISIONS:
            raise ValueError(f"precision must be one of {PRECISIONS}, got {precision!r}")
        if initial_capacity <= 0 or block_rows <= 0 or chunk_rows <= 0:
            raise ValueError("capacities and block sizes must be positive")
        self.dimension = dimension
        self.precision: Precision = precision
        self._dtype = _storage_dtype(precision)
        self._initial_capacity = initial_capacity
        self._block_rows = block_rows
        self._chunk_rows = min(chunk_rows, block_rows)
        self._membership = membership
        self._write_mutex = threading.Lock()
        self._shards: dict[str, _Shard] = {}  # copy-on-write: replaced, never mutated
        self._owner: dict[str, _Shard] = {}  # face_id -> shard; written under _write_mutex
        if membership is not None:
            membership.subscribe(self)

    # -- reads ----------------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._owner)

    def __contains__(self, face_id: object) -> bool:
        return face_id in self._owner

    def count(self, account_id: str | None = None) -> int:
        if account_id is None:
            return len(self._owner)
        shard = self._shards.get(account_id)
        return 0 if shard is None else shard.count

    def account_of(self, face_id: str) -> str | None:
        shard = self._owner.get(face_id)
        return None if shard is None else shard.account_id

    def get(self, face_id: str) -> FloatArray | None:
        """The stored (normalised, possibly quantised) vector of a face as float32, or None."""
        shard = self._owner.get(face_id)
        if shard is None:
            return None
        with shard.lock.read():
            row = shard.rows.get(face_id)
            if row is None:
                return None
            return decode(shard.matrix[row], self.precision)

    def matrix_bytes(self) -> int:
        """Bytes held by the descriptor matrices (allocated capacity, not only used rows)."""
        return sum(shard.matrix.nbytes for shard in self._shards.values())

    # -- writes ---------------------------------------------------------------------------------

    def add(self, face_id: str, account_id: str, vector: npt.ArrayLike) -> None:
        """Insert a face, or replace its vector (and account, if it changed)."""
        stored = encode(normalise(vector, self.dimension), self.precision)[0]
        with self._write_mutex:
            shard = self._owner.get(face_id)
            if shard is not None and shard.account_id != account_id:
                self._delete_locked(face_id)
                shard = None
            lists: frozenset[str] = frozenset()
            if shard is None:
                shard = self._shard_locked(account_id)
                lists = self._lists_of(face_id)
            with shard.lock.write():
                shard.put(face_id, stored, lists)
            self._owner[face_id] = shard

    def add_many(self, face_ids: Sequence[str], account_ids: str | Sequence[str], vectors: npt.ArrayLike) -> None:
        """Bulk insert/replace (e.g. loading from LanceDB); the last row wins for repeated ids."""
        if np.ndim(vectors) != 2:
            raise ValueError(f"expected a matrix of vectors, got shape {np.shape(vectors)}")
        unit = normalise(vectors, self.dimension)  # validates everything before anything is written
        accounts = [account_ids] * len(face_ids) if isinstance(account_ids, str) else list(account_ids)
        if not (len(face_ids) == len(accounts) == unit.shape[0]):
            raise ValueError("face_ids, account_ids and vectors must have the same length")
        last = {face_id: i for i, face_id in enumerate(face_ids)}
        with self._write_mutex:
            by_account: dict[str, list[int]] = {}
            for face_id, i in last.items():
                shard = self._owner.get(face_id)
                if shard is not None and shard.account_id == accounts[i]:
                    stored = encode(unit[i : i + 1], self.precision)[0]
                    with shard.lock.write():
                        shard.put(face_id, stored, ())
                    continue
                if shard is not None:
                    self._delete_locked(face_id)
                by_account.setdefault(accounts[i], []).append(i)
            for account_id, positions in by_account.items():
                shard = self._shard_locked(account_id)
                with shard.lock.write():
                    shard.reserve(len(positions))
                for start in range(0, len(positions), BULK_ROWS_PER_LOCK):
                    part = positions[start : start + BULK_ROWS_PER_LOCK]
                    ids = [face_ids[i] for i in part]
                    stored = encode(unit[part], self.precision)
                    lists = self._membership.lists_of_many(ids) if self._membership is not None else None
                    with shard.lock.write():
                        shard.append_many(ids, stored, lists)
                    owner = self._owner
                    for face_id in ids:
                        owner[face_id] = shard
        _LOGGER.debug("indexed %d descriptors of dimension %d", len(last), self.dimension)

    def remove(self, face_id: str) -> bool:
        with self._write_mutex:
            return self._delete_locked(face_id)

    def remove_many(self, face_ids: Iterable[str]) -> int:
        with self._write_mutex:
            by_shard: dict[str, list[str]] = {}
            for face_id in dict.fromkeys(face_ids):
                shard = self._owner.pop(face_id, None)
                if shard is not None:
                    by_shard.setdefault(shard.account_id, []).append(face_id)
            for account_id, ids in by_shard.items():
                shard = self._shards[account_id]
                with shard.lock.write():
                    for face_id in ids:
                        shard.delete(face_id)
                self._drop_if_empty_locked(shard)
            return sum(len(ids) for ids in by_shard.values())

    def _delete_locked(self, face_id: str) -> bool:
        shard = self._owner.pop(face_id, None)
        if shard is None:
            return False
        with shard.lock.write():
            shard.delete(face_id)
        self._drop_if_empty_locked(shard)
        return True

    def _shard_locked(self, account_id: str) -> _Shard:
        shard = self._shards.get(account_id)
        if shard is None:
            shard = _Shard(account_id, self.dimension, self._dtype, self._initial_capacity)
            self._shards = {**self._shards, account_id: shard}
        return shard

    def _drop_if_empty_locked(self, shard: _Shard) -> None:
        if shard.count == 0 and self._shards.get(shard.account_id) is shard:
            self._shards = {k: v for k, v in self._shards.items() if k != shard.account_id}

    def _lists_of(self, face_id: str) -> frozenset[str]:
        return frozenset() if self._membership is None else self._membership.lists_of(face_id)

    # -- membership notifications (MembershipListener) ----------------------------------------

    def on_members_attached(self, list_id: str, face_ids: list[str]) -> None:
        self._apply_membership(list_id, face_ids, attach=True)

    def on_members_detached(self, list_id: str, face_ids: list[str]) -> None:
        self._apply_membership(list_id, face_ids, attach=False)

    def _apply_membership(self, list_id: str, face_ids: list[str], *, attach: bool) -> None:
        with self._write_mutex:
            by_shard: dict[str, list[str]] = {}
            for face_id in face_ids:
                shard = self._owner.get(face_id)
                if shard is not None:
                    by_shard.setdefault(shard.account_id, []).append(face_id)
            for account_id, ids in by_shard.items():
                shard = self._shards[account_id]
                with shard.lock.write():
                    for face_id in ids:
                        if attach:
                            shard.attach(list_id, face_id)
                        else:
                            shard.detach(list_id, face_id)

    # -- search ---------------------------------------------------------------------------------

    def search(
        self,
        queries: npt.ArrayLike,
        *,
        account_id: str | None = None,
        list_id: str | None = None,
        candidate_ids: Iterable[str] | None = None,
        limit: int = DEFAULT_LIMIT,
        threshold: float | None = None,
    ) -> list[list[Match]]:
        """Best `limit` matches per query, best first, as (face_id, LUNA similarity).

        queries: (k, d) or (d,) vectors (normalised here), scored together in one pass over the rows.
        account_id: only this account's faces (None: every account).
        list_id: only faces attached to this list (needs `membership`; precomputed row arrays).
        candidate_ids: only these faces (rows looked up per call; combine with list_id to intersect).
        threshold: only similarities >= threshold.
        """
        if limit < 1:
            raise ValueError("limit must be at least 1")
        if threshold is not None and not 0.0 <= threshold <= 1.0:
            raise ValueError("threshold must be in [0, 1]")
        if list_id is not None and self._membership is None:
            raise ValueError("list search needs an index created with a ListMembership")
        unit = normalise(queries, self.dimension)
        k = unit.shape[0]
        operand = self._query_operand(unit)
        candidates = None if candidate_ids is None else set(candidate_ids)
        floor = -math.inf if threshold is None else cosine_from_similarity(threshold) - _FLOOR_SLACK
        shards = self._shards
        if account_id is not None:
            selected = [shards[account_id]] if account_id in shards else []
        else:
            selected = list(shards.values())

        best: list[dict[str, float]] = [{} for _ in range(k)]
        bars = np.full(k, floor, dtype=np.float64)
        for shard in selected:
            with shard.lock.read():
                rows = self._restrict(shard, list_id, candidates)
                total = shard.count if rows is None else rows.size
                if total == 0:
                    continue
                topk = _TopK(limit, bars)
                self._scan(shard, rows, total, operand, topk)
                found = [([shard.ids[row] for row in topk.rows[q].tolist()], topk.scores[q].tolist()) for q in range(k)]
            for q, (ids, scores) in enumerate(found):
                pool = best[q]
                for face_id, score in zip(ids, scores, strict=True):
                    if score > pool.get(face_id, -math.inf):  # a face moving between accounts may appear twice
                        pool[face_id] = score
                if len(pool) > limit:
                    best[q] = pool = dict(sorted(pool.items(), key=lambda item: -item[1])[:limit])
                if len(pool) == limit:
                    bars[q] = max(floor, min(pool.values()))

        results: list[list[Match]] = []
        for pool in best:
            ranked = sorted(pool.items(), key=lambda item: -item[1])[:limit]
            matches = [Match(face_id, similarity_from_cosine(score)) for face_id, score in ranked]
            if threshold is not None:
                matches = [m for m in matches if m.similarity >= threshold]
            results.append(matches)
        return results

    def _query_operand(self, unit: FloatArray) -> FloatArray:
        """(k, d) float32 left-hand side of the block products, scaled for the storage format."""
        if self.precision == "float16":
            unit = unit * np.float32(_FP16_QUERY_SCALE)
        elif self.precision == "int16":
            unit = unit / np.float32(INT16_SCALE)
        return np.ascontiguousarray(unit, dtype=np.float32)

    def _restrict(self, shard: _Shard, list_id: str | None, candidates: set[str] | None) -> RowArray | None:
        """Rows to scan in a shard (None: all of them). Called under the shard's read lock."""
        if list_id is None and candidates is None:
            return None
        if list_id is not None:
            rowset = shard.lists.get(list_id)
            if rowset is None:
                return np.empty(0, dtype=np.intp)
            if candidates is None:
                return rowset.view()
            in_list = rowset.pos
            return np.fromiter((shard.rows[f] for f in candidates if f in in_list), dtype=np.intp)
        assert candidates is not None
        rows = shard.rows
        found = np.fromiter((row for f in candidates if (row := rows.get(f)) is not None), dtype=np.intp)
        found.sort()  # gather in memory order
        return found

    def _scan(self, shard: _Shard, rows: RowArray | None, total: int, operand: FloatArray, topk: _TopK) -> None:
        """Score every selected row of a shard against all queries, block by block.

        Scores are computed as (queries x rows) = operand @ block.T, so each query's scores are
        contiguous for the top-k selection (no transpose of the score block).
        """
        matrix = shard.matrix
        chunk_rows = self._chunk_rows
        block_rows = max(chunk_rows, min(self._block_rows, SCORE_BUFFER_FLOATS // operand.shape[0]))
        scores = np.empty((operand.shape[0], min(total, block_rows)), dtype=np.float32)
        direct = self.precision == "float32" and rows is None
        gathered = np.empty((chunk_rows, self.dimension), dtype=matrix.dtype) if rows is not None else None
        widened = np.empty((chunk_rows, self.dimension), dtype=np.float32) if self.precision != "float32" else None
        for start in range(0, total, block_rows):
            stop = min(total, start + block_rows)
            out = scores[:, : stop - start]
            if direct:
                np.matmul(operand, matrix[start:stop].T, out=out)
            else:
                for c_start in range(start, stop, chunk_rows):
                    c_stop = min(stop, c_start + chunk_rows)
                    size = c_stop - c_start
                    if gathered is None:
                        chunk = matrix[c_start:c_stop]
                    else:
                        assert rows is not None
                        chunk = np.take(matrix, rows[c_start:c_stop], axis=0, out=gathered[:size], mode="clip")
                    block = chunk if widened is None else self._widen(chunk, widened[:size])
                    np.matmul(operand, block.T, out=out[:, c_start - start : c_stop - start])
            topk.push(out, None if rows is None else rows[start:stop], start)

    def _widen(self, chunk: np.ndarray, out: FloatArray) -> FloatArray:
        """A chunk of 16-bit rows as float32, in the scale `_query_operand` expects."""
        if self.precision == "int16":
            np.copyto(out, chunk, casting="unsafe")
            return out
        bits = out.view(np.int32)
        np.copyto(bits, chunk.view(np.int16), casting="unsafe")  # sign-extend
        np.left_shift(bits, 13, out=bits)
        np.bitwise_and(bits, _FP16_BITS_MASK, out=bits)
        return out
