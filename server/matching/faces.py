"""Face candidates of a match: the one search both POST /6/matcher/faces (server/services/matcher.py) and the
handlers' match_policy (server/handlers/events_pipeline.py) run.

`FaceCandidates` are the candidate filters of v6 (face_ids, account_id, external_ids, user_data, create_time and
face_id ranges, list_id). List and id filters restrict the in-memory index directly; the SQL-only filters first
select candidate ids from SQLite. Faces deleted between the index search and the SQLite read are skipped (the
search looks a little further).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from server.matching.index import Match
from server.matching.live import MatchingIndexes
from server.storage.repositories.faces import FaceFilter, FaceRow
from server.storage.store import Storage

# Rows re-fetched when a face vanished (deleted) between the index search and the SQLite read.
_MAX_SEARCH_ATTEMPTS = 3


@dataclass(frozen=True)
class FaceCandidates:
    """The candidate filters of origin "faces" (times in the stored format, ids lower-case)."""

    #: The filter's own account_id (None: the caller's account decides).
    account_id: str | None = None
    face_ids: list[str] | None = None
    external_ids: list[str] | None = None
    user_data: str | None = None
    create_time_gte: str | None = None
    create_time_lt: str | None = None
    face_id_gte: str | None = None
    face_id_lt: str | None = None
    list_id: str | None = None

    @property
    def needs_sql(self) -> bool:
        return any(
            value is not None
            for value in (
                self.external_ids,
                self.user_data,
                self.create_time_gte,
                self.create_time_lt,
                self.face_id_gte,
                self.face_id_lt,
            )
        )


@dataclass(frozen=True)
class FoundFace:
    match: Match
    row: FaceRow


def scope(filter_account: str | None, account_id: str | None) -> tuple[bool, str | None]:
    """(possible, account): the header account and the filter's account must agree."""
    if filter_account is None:
        return True, account_id
    wanted = filter_account.lower()
    if account_id is not None and wanted != account_id:
        return False, None
    return True, wanted


def search_faces(
    storage: Storage,
    matching: MatchingIndexes,
    vectors: np.ndarray,
    candidates: FaceCandidates,
    *,
    limit: int,
    threshold: float | None,
    account_id: str | None,
) -> list[list[FoundFace]]:
    """The best faces (at most `limit`, similarity >= `threshold`) for each row of `vectors`."""
    empty: list[list[FoundFace]] = [[] for _ in range(vectors.shape[0])]
    possible, account = scope(candidates.account_id, account_id)
    if not possible:
        return empty
    candidate_ids: list[str] | None = candidates.face_ids
    if candidates.needs_sql:
        candidate_ids = storage.faces.ids(
            FaceFilter(
                account_id=account,
                face_ids=candidates.face_ids,
                external_ids=candidates.external_ids,
                user_data_contains=candidates.user_data,
                face_id_gte=candidates.face_id_gte,
                face_id_lt=candidates.face_id_lt,
                create_time_gte=candidates.create_time_gte,
                create_time_lt=candidates.create_time_lt,
                list_id=candidates.list_id,
            )
        )
    if candidate_ids is not None and not candidate_ids:
        return empty
    wanted = limit
    found: list[list[Match]] = []
    rows: dict[str, FaceRow] = {}
    for _ in range(_MAX_SEARCH_ATTEMPTS):
        found = matching.search(
            vectors,
            account_id=account,
            list_id=candidates.list_id,
            candidate_ids=candidate_ids,
            limit=wanted,
            threshold=threshold,
        )
        rows = storage.faces.by_ids(list({m.face_id for matches in found for m in matches}))
        vanished = max(sum(1 for m in matches if m.face_id not in rows) for matches in found) if found else 0
        if not vanished:
            break
        wanted = limit + vanished  # faces deleted since the search: look a little further
    return [[FoundFace(m, rows[m.face_id]) for m in matches if m.face_id in rows][:limit] for matches in found]


def lists_of(storage: Storage, results: list[list[FoundFace]]) -> dict[str, list[str]]:
    """The lists of every face found."""
    return storage.faces.lists_of(list({found.match.face_id for items in results for found in items}))


__all__: list[Any] = ["FaceCandidates", "FoundFace", "lists_of", "scope", "search_faces"]
