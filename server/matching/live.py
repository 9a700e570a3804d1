"""The matching index of a running server, kept coherent with storage.

Details: docs/matching.md, "server/matching/live.py".
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from server.matching.ann import AnnSearch
from server.matching.index import DescriptorIndex, Match, Precision
from server.matching.lists import ListMembership
from server.storage.descriptors import current_version, descriptor_format
from server.storage.repositories.events import EventRecord
from server.storage.store import Storage

_LOGGER = logging.getLogger(__name__)
# Rows read from LanceDB per batch at start (bounded memory for the Arrow batches).
LOAD_BATCH_ROWS = 65536


class MatchingIndexes:
    """The in-memory matching state of a server (implements storage.WriteListener)."""

    def __init__(self, version: int | None = None, precision: Precision = "float32") -> None:
        """`version`: the descriptor version compared (default: the configured one); descriptors of other versions
        never enter the index, so matching never compares two versions."""
        version = current_version() if version is None else version
        self.version = version
        self.membership = ListMembership()
        self.faces = DescriptorIndex(
            descriptor_format(version).dimension, precision=precision, membership=self.membership
        )
        # Event descriptors: the candidates of origin "events" (no lists; events are never deleted here).
        self.events = DescriptorIndex(descriptor_format(version).dimension, precision=precision)
        self.load_seconds = 0.0
        self.ann: AnnSearch | None = None

    # -- start -----------------------------------------------------------------------------------

    def load(self, storage: Storage) -> int:
        """Fill from storage (after Storage.recover()); returns the number of faces indexed."""
        started = time.perf_counter()
        by_list: dict[str, list[str]] = {}
        for list_id, face_id in storage.lists.links():
            by_list.setdefault(list_id, []).append(face_id)
        for list_id, face_ids in by_list.items():
            self.membership.attach(list_id, face_ids)
        accounts = storage.faces.accounts()
        total = 0
        for ids, vectors in storage.descriptors.scan(self.version, LOAD_BATCH_ROWS):
            keep = [i for i, face_id in enumerate(ids) if face_id in accounts]
            if len(keep) < len(ids):
                _LOGGER.warning("%d descriptors without a face row ignored", len(ids) - len(keep))
            if keep:
                kept_ids = [ids[i] for i in keep]
                self.faces.add_many(kept_ids, [accounts[f] for f in kept_ids], vectors[keep])
                total += len(kept_ids)
        events = self._load_events(storage)
        self.load_seconds = time.perf_counter() - started
        _LOGGER.info(
            "matching index: %d faces, %d lists, %d events loaded in %.2f s",
            total,
            len(by_list),
            events,
            self.load_seconds,
        )
        return total

    def _load_events(self, storage: Storage) -> int:
        accounts = storage.events.repository.descriptor_accounts()
        total = 0
        for ids, vectors in storage.events.descriptors.scan(self.version, LOAD_BATCH_ROWS):
            keep = [i for i, event_id in enumerate(ids) if event_id in accounts]
            if keep:
                kept_ids = [ids[i] for i in keep]
                self.events.add_many(kept_ids, [accounts[e] for e in kept_ids], vectors[keep])
                total += len(kept_ids)
        return total

    def start_ann(self, storage: Storage, min_rows: int) -> None:
        """Enable ANN search for collections of at least `min_rows` faces (0: never); see ann.py."""
        if min_rows > 0:
            self.ann = AnnSearch(storage.descriptors, self.version, self.faces, min_rows)
            self.ann.start()

    # -- search ----------------------------------------------------------------------------------

    def search(
        self,
        queries: npt.ArrayLike,
        *,
        account_id: str | None = None,
        list_id: str | None = None,
        candidate_ids: list[str] | None = None,
        limit: int,
        threshold: float | None = None,
    ) -> list[list[Match]]:
        """Face search: ANN + exact re-rank for a whole large account (or all accounts), else exact."""
        ann = self.ann
        count = 1 if np.ndim(queries) == 1 else len(np.asarray(queries))
        if ann is not None and list_id is None and candidate_ids is None and ann.applies(account_id, count):
            found = ann.search(queries, account_id=account_id, limit=limit, threshold=threshold)
            if found is not None:
                return found
        return self.faces.search(
            queries,
            account_id=account_id,
            list_id=list_id,
            candidate_ids=candidate_ids,
            limit=limit,
            threshold=threshold,
        )

    # -- WriteListener ---------------------------------------------------------------------------

    def on_descriptors_set(self, face_id: str, account_id: str, vectors: dict[int, np.ndarray]) -> None:
        vector = vectors.get(self.version)
        if vector is None:
            self.faces.remove(face_id)
        else:
            self.faces.add(face_id, account_id, vector)
            if self.ann is not None:
                self.ann.note_added()

    def on_descriptors_deleted(self, face_ids: Sequence[str]) -> None:
        self.faces.remove_many(face_ids)

    def on_faces_deleted(self, face_ids: Sequence[str]) -> None:
        self.faces.remove_many(face_ids)
        self.membership.forget_faces(face_ids)

    def on_list_faces_attached(self, list_id: str, face_ids: Sequence[str]) -> None:
        self.membership.attach(list_id, face_ids)

    def on_list_faces_detached(self, list_id: str, face_ids: Sequence[str]) -> None:
        self.membership.detach(list_id, face_ids)

    def on_list_deleted(self, list_id: str) -> None:
        self.membership.delete_list(list_id)

    # -- EventListener (server/storage/event_store.py) --------------------------------------------

    def on_events_saved(self, records: Sequence[EventRecord]) -> None:
        with_vector = [r for r in records if self.version in r.descriptors]
        if with_vector:
            self.events.add_many(
                [r.event_id for r in with_vector],
                [r.account_id for r in with_vector],
                np.stack([np.asarray(r.descriptors[self.version], dtype=np.float32) for r in with_vector]),
            )

    def on_events_deleted(self, event_ids: Sequence[str]) -> None:
        self.events.remove_many(event_ids)

    # -- figures ---------------------------------------------------------------------------------

    def stats(self) -> dict[str, float]:
        return {
            "faces": float(len(self.faces)),
            "events": float(len(self.events)),
            "matrix_bytes": float(self.faces.matrix_bytes()),
            "load_seconds": self.load_seconds,
        }
