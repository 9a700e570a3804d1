"""Approximate (ANN) candidate search for very large collections, re-ranked exactly.

Details: docs/matching.md, "server/matching/ann.py".
"""

from __future__ import annotations

import logging
import threading

import numpy as np
import numpy.typing as npt

from server.matching.index import DescriptorIndex, Match
from server.storage.descriptors import DescriptorStore

_LOGGER = logging.getLogger(__name__)

DEFAULT_ANN_MIN_ROWS = 2_000_000
ANN_INDEX_TYPE = "IVF_SQ"
# IVF partitions probed per query (of about sqrt(n)) and candidates fetched per reference
# (1M rows: recall@1 0.99-1.0, p50 about 8 ms; see BENCHMARKS.md).
ANN_NPROBES = 100
ANN_FETCH = 100
# Candidates fetched per reference are at least this many times the requested limit.
ANN_FETCH_PER_LIMIT = 5
# Above this many references in one call the batched exact scan (one pass over the rows for all of
# them) is cheaper than one ANN query per reference (1M: 30 exact in 115 ms vs 30 x 8 ms ANN).
ANN_MAX_QUERIES = 8
# Descriptors added since the last build after which the index is rebuilt in the background.
REINDEX_ROWS = 50_000
# An existing index found at start is reused when it covers at least this share of the rows.
REUSE_COVERAGE = 0.9


class AnnSearch:
    """ANN candidate search over a DescriptorStore table, with exact re-ranking on `faces`.

    Thread-safe; `search` never waits for a build.
    """

    def __init__(
        self,
        store: DescriptorStore,
        version: int,
        faces: DescriptorIndex,
        min_rows: int = DEFAULT_ANN_MIN_ROWS,
        *,
        nprobes: int = ANN_NPROBES,
        fetch: int = ANN_FETCH,
        reindex_rows: int = REINDEX_ROWS,
        index_type: str = ANN_INDEX_TYPE,
    ) -> None:
        if min_rows < 0 or nprobes < 1 or fetch < 1 or reindex_rows < 1:
            raise ValueError("min_rows must be >= 0; nprobes, fetch and reindex_rows >= 1")
        self.store = store
        self.version = version
        self.faces = faces
        self.min_rows = min_rows
        self.nprobes = nprobes
        self.fetch = fetch
        self.reindex_rows = reindex_rows
        self.index_type = index_type
        self._lock = threading.Lock()
        self._ready = False  # an index exists and may be searched
        self._building: threading.Thread | None = None
        self._added = 0  # descriptors written since the last build started
        self.builds = 0
        self.searches = 0  # searches answered through the ANN index (for tests and stats)

    @property
    def enabled(self) -> bool:
        return self.min_rows > 0

    @property
    def ready(self) -> bool:
        return self._ready

    # -- index life cycle ------------------------------------------------------------------------

    def start(self) -> None:
        """After the start-up load: reuse a fitting index, or build one in the background."""
        if not self.enabled:
            return
        rows = self.store.count(self.version)
        if rows < self.min_rows:
            return
        indexed = self.store.ann_index_rows(self.version)
        if indexed is not None:
            self._ready = True
            if indexed >= REUSE_COVERAGE * rows:
                _LOGGER.info("ANN index found: %d of %d descriptors indexed", indexed, rows)
                return
        self._build_in_background()

    def note_added(self, count: int = 1) -> None:
        """Descriptors were written: rebuild in the background after `reindex_rows` of them."""
        if not self.enabled:
            return
        with self._lock:
            self._added += count
            due = self._added >= self.reindex_rows and self._building is None
        if due and len(self.faces) >= self.min_rows:
            self._build_in_background()

    def _build_in_background(self) -> None:
        with self._lock:
            if self._building is not None:
                return
            self._added = 0
            self._building = threading.Thread(target=self._build, name="lumen-ann-build", daemon=True)
            self._building.start()

    def _build(self) -> None:
        try:
            rows = self.store.build_ann_index(self.version, index_type=self.index_type)
            self.store.build_account_index(self.version)
            self._ready = True
            self.builds += 1
            _LOGGER.info("ANN index (%s) built over %d descriptors", self.index_type, rows)
        except Exception:  # a failed build leaves search exact; retried after more writes
            _LOGGER.exception("ANN index build failed; face search stays exact")
        finally:
            with self._lock:
                self._building = None

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for a running build (tests, benchmarks); True when none is running afterwards."""
        thread = self._building
        if thread is not None:
            thread.join(timeout)
        return self._building is None

    # -- search ----------------------------------------------------------------------------------

    def applies(self, account_id: str | None, queries: int = 1) -> bool:
        """Whether a search of `queries` references over this account (None: all accounts) goes
        through the ANN index."""
        return (
            self.enabled
            and self._ready
            and queries <= ANN_MAX_QUERIES
            and self.faces.count(account_id) >= self.min_rows
        )

    def search(
        self,
        queries: npt.ArrayLike,
        *,
        account_id: str | None,
        limit: int,
        threshold: float | None,
    ) -> list[list[Match]] | None:
        """Exactly re-ranked ANN matches per query; None when the ANN path failed (search exactly)."""
        vectors = np.asarray(queries, dtype=np.float32)
        if vectors.ndim == 1:
            vectors = vectors[None, :]
        fetch = max(self.fetch, ANN_FETCH_PER_LIMIT * limit)
        candidates: set[str] = set()
        try:
            for vector in vectors:
                candidates.update(
                    self.store.ann_search(
                        self.version, vector, limit=fetch, nprobes=self.nprobes, account_id=account_id
                    )
                )
        except Exception:
            _LOGGER.exception("ANN search failed; searching exactly")
            return None
        self.searches += 1
        if not candidates:
            return [[] for _ in range(vectors.shape[0])]
        # exact scores of the union on the in-memory vectors: faces no longer indexed (deleted) drop out
        return self.faces.search(
            vectors, account_id=account_id, candidate_ids=candidates, limit=limit, threshold=threshold
        )
