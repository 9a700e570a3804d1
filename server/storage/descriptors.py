"""Face descriptors: the versions Lumen knows, their stored form, and their LanceDB tables.

One LanceDB table per descriptor version (`face_descriptors_v<version>`), rows
(face_id, account_id, vector float32[dimension]). Writes are idempotent (delete + insert) so the
journal can replay them after a crash. The events store (server/storage/event_store.py) keeps event
descriptors the same way in its own DescriptorStore (`event_descriptors_v<version>`, rows keyed by
event_id): a FaceChange's `face_id` is then an event id.

Every LanceDB write is a new table version with its own manifest, so the store writes in groups
(`apply`: one delete and one add per table for a whole group of face changes, see
server/storage/applier.py) and `optimize` compacts the small fragments and removes old versions
in the background.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import lancedb
import numpy as np
import pyarrow as pa
from lancedb.index import Bitmap, IvfFlat, IvfPq, IvfSq
from lancedb.query import LanceVectorQueryBuilder

from server.storage.errors import CorruptDescriptorError, UnknownDescriptorVersionError

# Face descriptor tables are `face_descriptors_v<version>`.
FACE_TABLE_PREFIX = "face_descriptors_v"
# Name of the ANN (vector) index on a descriptor table, see `DescriptorStore.build_ann_index`.
ANN_INDEX_NAME = "vector_ann"
ANN_INDEX_TYPES = ("IVF_FLAT", "IVF_SQ", "IVF_PQ")
ACCOUNT_INDEX_NAME = "account_bitmap"
# LanceDB's cache of manifests and file metadata (the index cache keeps its default size).
METADATA_CACHE_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class DescriptorFormat:
    version: int
    dimension: int
    description: str

    @property
    def byte_length(self) -> int:
        return self.dimension * 4


# Lumen's own descriptor: the dlib metric ResNet (128 float32, L2-normalised), see MODELS.md.
LUMEN_DLIB_RESNET_V1 = DescriptorFormat(300, 128, "dlib ResNet metric network, 128 x float32")
#: The descriptor versions this installation knows (stores, matches, accepts from clients): version 300 unless the
#: settings name more (`configure`, docs/model-updates.md). Mutated in place, so every importer sees the same.
FORMATS: dict[int, DescriptorFormat] = {LUMEN_DLIB_RESNET_V1.version: LUMEN_DLIB_RESNET_V1}
#: The built-in descriptor version (an installation that configures nothing).
DEFAULT_VERSION = LUMEN_DLIB_RESNET_V1.version
_current = [DEFAULT_VERSION]


def configure(model_versions: dict[int, int], current: int) -> None:
    """Make the descriptor versions of `model_versions` (Lumen version -> version of Triton's descriptor model
    directory, settings `face_descriptor_models`) the known ones and `current` the one new extractions produce and
    matching compares (settings `face_descriptor_version`). Every version comes from a version of the same Triton
    model (dlib_face_descriptor: a 150x150 chip in, 128 floats out), so every format has that dimension."""
    if current not in model_versions:
        raise ValueError(f"descriptor version {current} is not among the configured {sorted(model_versions)}")
    FORMATS.clear()
    for version, triton_version in sorted(model_versions.items()):
        FORMATS[version] = DescriptorFormat(
            version,
            LUMEN_DLIB_RESNET_V1.dimension,
            f"dlib_face_descriptor Triton model version {triton_version}, 128 x float32",
        )
    _current[0] = current


def current_version() -> int:
    """The descriptor version new extractions produce and matching compares (DEFAULT_VERSION unless configured)."""
    return _current[0]


def supported_versions() -> str:
    """The versions Lumen has, as error details name them ("300")."""
    return ", ".join(str(version) for version in sorted(FORMATS))


def descriptor_format(version: int) -> DescriptorFormat:
    found = FORMATS.get(version)
    if found is None:
        raise UnknownDescriptorVersionError(version, tuple(sorted(FORMATS)))
    return found


# -- the stored form of a descriptor (journal entries): base64 of float32 little-endian ------------
# Client-facing codecs (validation, v6 errors, SDK descriptors) are server/descriptor_codec.py.


def encode_raw(vector: np.ndarray) -> str:
    return base64.b64encode(np.asarray(vector, dtype="<f4").tobytes()).decode()


def decode_raw(encoded: str, version: int) -> np.ndarray:
    """A descriptor `encode_raw` wrote (CorruptDescriptorError when it does not decode)."""
    fmt = descriptor_format(version)
    try:
        raw = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise CorruptDescriptorError(f"descriptor of version {version} is not base64") from None
    if len(raw) != fmt.byte_length:
        raise CorruptDescriptorError(f"descriptor of version {version} has {len(raw)} bytes, not {fmt.byte_length}")
    return np.frombuffer(raw, dtype="<f4").copy()


def __getattr__(name: str) -> Any:
    # Old import path of the SDK encoder (tests); it lives with the other client codecs now.
    if name == "encode_sdk":
        from server import descriptor_codec

        return descriptor_codec.encode_sdk
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@dataclass(frozen=True)
class FaceChange:
    """The new descriptors of a face (`vectors` None: it has none any more).

    `fresh`: the face had no descriptors before this change (it was created by the same write),
    so no delete is needed. Only a first, live apply may trust it; a replay must not (the change
    may have been applied before the crash).
    """

    face_id: str
    account_id: str
    vectors: dict[int, np.ndarray] | None
    fresh: bool = False


# Face ids per `face_id IN (...)` delete predicate.
DELETE_CHUNK = 1000


def _read(run: Callable[[], pa.Table]) -> pa.Table:
    """Run a LanceDB read, once more if it fails: the background cleanup may have removed the files of
    the version it started on (a version superseded and older than the retention), and a second try
    reads the latest version."""
    try:
        return run()
    except (OSError, RuntimeError, ValueError):
        return run()


def _quoted(ids: Sequence[str]) -> str:
    # ids are validated UUIDs; quote defensively anyway.
    return ", ".join("'" + i.replace("'", "''") + "'" for i in ids)


class DescriptorStore:
    """LanceDB tables of face descriptors, one per version."""

    def __init__(self, path: Path, *, table_prefix: str = FACE_TABLE_PREFIX, id_column: str = "face_id") -> None:
        """`table_prefix` + version names each table; `id_column` names the id of its rows (the
        events store keeps event descriptors as `event_descriptors_v<version>` rows keyed by event_id)."""
        path.mkdir(parents=True, exist_ok=True)
        self._prefix = table_prefix
        self._id = id_column
        # Every write makes a table version whose manifest and file metadata LanceDB caches; the
        # default cache grows by tens of KB per version (GBs after 100 k single writes), so bound it.
        session = lancedb.Session(metadata_cache_size_bytes=METADATA_CACHE_BYTES)
        self._db = lancedb.connect(str(path), read_consistency_interval=timedelta(0), session=session)
        self._tables: dict[int, lancedb.table.Table] = {}
        self._lock = threading.Lock()
        # Held by compactions and by deletes: a Delete commit preempts a running compaction, whose
        # rewritten files then stay behind until a cleanup that trusts no other writer runs.
        self._compaction_lock = threading.Lock()
        # Held by index builds (minutes on large tables); compaction skips its turn meanwhile.
        self._index_lock = threading.Lock()
        # Held by `apply` (the group-commit writes); an exclusive optimize holds it so that no append
        # can preempt its commit (see `optimize`).
        self._apply_lock = threading.Lock()
        # Set while a compaction runs beside the writes: the applier then spaces its commits out, so
        # that the compaction's commit finds a gap between appends (applier.py).
        self.compacting = threading.Event()
        # Descriptor changes that are committed (journaled) but not yet in LanceDB because applying
        # them failed (disk full): reads see them here until a retry succeeds.
        self._unapplied: dict[str, dict[int, np.ndarray]] = {}
        self._unapplied_lock = threading.Lock()

    def _schema(self, fmt: DescriptorFormat) -> pa.Schema:
        return pa.schema(
            [
                pa.field(self._id, pa.string()),
                pa.field("account_id", pa.string()),
                pa.field("vector", pa.list_(pa.float32(), fmt.dimension)),
            ]
        )

    def _table(self, version: int) -> lancedb.table.Table:
        with self._lock:
            table = self._tables.get(version)
            if table is None:
                fmt = descriptor_format(version)
                table = self._db.create_table(f"{self._prefix}{version}", schema=self._schema(fmt), exist_ok=True)
                self._tables[version] = table
            return table

    def replace(self, face_id: str, account_id: str, vectors: dict[int, np.ndarray]) -> None:
        """Make `vectors` the face's only descriptors (idempotent)."""
        self.delete([face_id])
        for version, vector in vectors.items():
            table = self._table(version)
            rows = pa.Table.from_pylist(
                [{self._id: face_id, "account_id": account_id, "vector": vector.tolist()}],
                schema=table.schema,
            )
            table.add(rows)

    def apply(self, changes: Sequence[FaceChange], *, trust_fresh: bool = True) -> int:
        """Make LanceDB hold the end state of `changes` (applied in order): at most one delete and
        one add per table. Idempotent when `trust_fresh` is False. Returns the LanceDB commits."""
        final: dict[str, FaceChange] = {}
        stale: set[str] = set()
        for change in changes:
            final.pop(change.face_id, None)
            final[change.face_id] = change
            if not (trust_fresh and change.fresh):
                stale.add(change.face_id)
        with self._apply_lock:
            return self._apply(final, stale)

    def _apply(self, final: dict[str, FaceChange], stale: set[str]) -> int:
        commits = 0
        if stale:
            ordered = sorted(stale)
            with self._compaction_lock:
                for version in FORMATS:
                    table = self._table(version)
                    for start in range(0, len(ordered), DELETE_CHUNK):
                        table.delete(f"{self._id} IN ({_quoted(ordered[start : start + DELETE_CHUNK])})")
                        commits += 1
        for version in FORMATS:
            adds = [c for c in final.values() if c.vectors is not None and version in c.vectors]
            if adds:
                vectors = np.stack([np.asarray(c.vectors[version], dtype=np.float32) for c in adds if c.vectors])
                self.append(version, [c.face_id for c in adds], [c.account_id for c in adds], vectors)
                commits += 1
        return commits

    def hold_unapplied(self, changes: Sequence[FaceChange]) -> None:
        """Remember committed changes LanceDB does not hold yet (reads return them)."""
        with self._unapplied_lock:
            for change in changes:
                self._unapplied[change.face_id] = dict(change.vectors or {})

    def release_unapplied(self) -> None:
        with self._unapplied_lock:
            self._unapplied.clear()

    def append(self, version: int, face_ids: list[str], account_ids: list[str], vectors: np.ndarray) -> None:
        """Bulk-append descriptors of faces that have none yet (benchmarks, imports). Not journaled:
        the caller commits the matching SQLite rows and keeps the two consistent."""
        fmt = descriptor_format(version)
        flat = pa.array(np.ascontiguousarray(vectors, dtype=np.float32).reshape(-1), type=pa.float32())
        table = self._table(version)
        rows = pa.Table.from_arrays(
            [
                pa.array(face_ids, type=pa.string()),
                pa.array(account_ids, type=pa.string()),
                pa.FixedSizeListArray.from_arrays(flat, fmt.dimension),
            ],
            schema=table.schema,
        )
        table.add(rows)

    def delete(self, face_ids: list[str]) -> None:
        if not face_ids:
            return
        with self._compaction_lock:
            for version in FORMATS:
                self._table(version).delete(f"{self._id} IN ({_quoted(face_ids)})")

    def get(self, face_id: str) -> dict[int, np.ndarray]:
        """The face's descriptors by version (empty when it has none)."""
        return self.get_many([face_id]).get(face_id, {})

    def get_many(self, face_ids: Sequence[str]) -> dict[str, dict[int, np.ndarray]]:
        """The descriptors of each of `face_ids` that has some, by version: one filtered read per table and chunk
        of DELETE_CHUNK ids."""
        with self._unapplied_lock:
            found = {i: dict(self._unapplied[i]) for i in face_ids if i in self._unapplied}
        rest = sorted({i for i in face_ids if i not in found})
        for version in FORMATS:
            table = self._table(version)
            for start in range(0, len(rest), DELETE_CHUNK):
                chunk = rest[start : start + DELETE_CHUNK]
                query = table.search().where(f"{self._id} IN ({_quoted(chunk)})").select([self._id, "vector"])
                rows = _read(query.limit(len(chunk)).to_arrow)
                flat = np.asarray(rows.column("vector").combine_chunks().flatten(), dtype=np.float32)
                vectors = flat.reshape(-1, descriptor_format(version).dimension)
                for face_id, vector in zip(rows.column(self._id).to_pylist(), vectors, strict=True):
                    found.setdefault(face_id, {})[version] = vector.copy()
        return found

    def count(self, version: int) -> int:
        return int(self._table(version).count_rows())

    # -- maintenance -----------------------------------------------------------------------------

    def optimize(self, retention: timedelta, *, delete_unverified: bool = False, exclusive: bool = False) -> bool:
        """Compact small fragments, fold new rows into indices and remove the files of versions
        older than `retention` (a running read keeps its version for far less). False when an index
        build is running (try again later).

        `delete_unverified` also removes files no version references (left by failed writes); only
        safe while nothing else writes the tables (at start, before serving). `exclusive` holds group
        writes back meanwhile: a compaction that runs beside appends can lose its commit to them again
        and again under load (LanceDB gives up after 30 s), and the fragments then pile up."""
        if not self._index_lock.acquire(blocking=False):
            return False
        try:
            with self._apply_lock if exclusive else contextlib.nullcontext(), self._compaction_lock:
                if not exclusive:
                    self.compacting.set()
                try:
                    for version in FORMATS:
                        table = self._table(version)
                        table.optimize(cleanup_older_than=retention, delete_unverified=delete_unverified)
                finally:
                    self.compacting.clear()
        finally:
            self._index_lock.release()
        return True

    def stats(self, version: int) -> dict[str, int]:
        """Versions kept, fragments and rows of a version's table (tests, benchmarks)."""
        table = self._table(version)
        # lancedb 0.40 types stats() as a dataclass but returns a dict.
        table_stats: Any = table.stats()
        return {
            "versions": len(table.list_versions()),
            "fragments": int(table_stats["fragment_stats"]["num_fragments"]),
            "rows": int(table_stats["num_rows"]),
        }

    # -- ANN index (large collections only; see server/matching/ann.py) ------------------------

    def build_ann_index(
        self,
        version: int,
        *,
        index_type: str = "IVF_FLAT",
        num_partitions: int | None = None,
        num_sub_vectors: int | None = None,
    ) -> int:
        """(Re)build the cosine ANN index of a version's table; returns the rows it covers.

        Runs for minutes on millions of rows (call it from a background thread); the new index
        replaces the old one atomically, searches keep using the old one until then.
        """
        if index_type not in ANN_INDEX_TYPES:
            raise ValueError(f"index_type must be one of {ANN_INDEX_TYPES}")
        table = self._table(version)
        rows = int(table.count_rows())
        if num_partitions is None:
            num_partitions = max(1, round(rows**0.5))
        config: IvfFlat | IvfSq | IvfPq
        if index_type == "IVF_FLAT":
            config = IvfFlat(distance_type="cosine", num_partitions=num_partitions)
        elif index_type == "IVF_SQ":
            config = IvfSq(distance_type="cosine", num_partitions=num_partitions)
        else:
            sub_vectors = num_sub_vectors or max(1, descriptor_format(version).dimension // 8)
            config = IvfPq(distance_type="cosine", num_partitions=num_partitions, num_sub_vectors=sub_vectors)
        with self._index_lock:
            table.create_index("vector", replace=True, config=config, name=ANN_INDEX_NAME)
        return rows

    def build_account_index(self, version: int) -> None:
        """A BITMAP scalar index on account_id (speeds up the account prefilter of `ann_search`)."""
        with self._index_lock:
            self._table(version).create_index("account_id", replace=True, config=Bitmap(), name=ACCOUNT_INDEX_NAME)

    def ann_index_rows(self, version: int) -> int | None:
        """Rows covered by the version's ANN index (None: no index)."""
        stats = self._table(version).index_stats(ANN_INDEX_NAME)
        return None if stats is None else int(stats.num_indexed_rows)

    def drop_ann_index(self, version: int) -> None:
        table = self._table(version)
        if any(index.name == ANN_INDEX_NAME for index in table.list_indices()):
            table.drop_index(ANN_INDEX_NAME)

    def ann_search(
        self,
        version: int,
        vector: np.ndarray,
        *,
        limit: int,
        nprobes: int,
        refine_factor: int | None = None,
        account_id: str | None = None,
    ) -> list[str]:
        """Face ids of the approximate nearest rows (cosine) of one query, best first.

        Rows added after the index was built are searched exactly by LanceDB (flat) as well.
        `account_id` is a prefilter (applied before the vector search, so `limit` rows of the
        account come back when it has that many among the probed partitions).
        """
        search = self._table(version).search(np.asarray(vector, dtype=np.float32), vector_column_name="vector")
        assert isinstance(search, LanceVectorQueryBuilder)
        query = search.distance_type("cosine").nprobes(nprobes).select([self._id, "_distance"]).limit(limit)
        if refine_factor:
            query = query.refine_factor(refine_factor)
        if account_id is not None:
            query = query.where(f"account_id = {_quoted([account_id])}", prefilter=True)
        return [str(face_id) for face_id in _read(query.to_arrow).column(self._id).to_pylist()]

    def scan(self, version: int, batch_rows: int = 65536) -> Iterator[tuple[list[str], np.ndarray]]:
        """Every stored descriptor of a version as (face_ids, float32 [n, dimension]) batches."""
        dimension = descriptor_format(version).dimension
        with self._unapplied_lock:
            held = dict(self._unapplied)
        reader = self._table(version).search().select([self._id, "vector"]).limit(None).to_batches(batch_rows)
        for batch in reader:
            if batch.num_rows == 0:
                continue
            ids = [str(face_id) for face_id in batch.column(self._id).to_pylist()]
            flat = batch.column("vector").flatten().to_numpy(zero_copy_only=False)
            vectors = np.asarray(flat, dtype=np.float32).reshape(batch.num_rows, dimension)
            if held:
                keep = [i for i, face_id in enumerate(ids) if face_id not in held]
                ids, vectors = [ids[i] for i in keep], vectors[keep]
            if ids:
                yield ids, vectors
        pending = [(face_id, vectors[version]) for face_id, vectors in held.items() if version in vectors]
        if pending:
            yield [face_id for face_id, _ in pending], np.stack([vector for _, vector in pending])
