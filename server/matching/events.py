"""Event candidates of a match (origin "events"): the one search POST /6/matcher/faces and the handlers'
match_policy run over stored event descriptors.

The event descriptors are in the in-memory index `MatchingIndexes.events` (filled at start from the events
store and by `on_events_saved` after every committed event write). Filters other than the account (§4.5)
first select candidate ids from the events database. Event references (`event`, `event_external_id`,
`event_track_id`) read their vectors from the same index.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from server.events.filters import only_account
from server.matching.index import Match
from server.matching.live import MatchingIndexes
from server.storage.repositories.events import EventFilter, EventRecord
from server.storage.store import Storage

#: Candidate events selected by SQL at most (more matching rows: the search covers the first ones by id).
MAX_SQL_CANDIDATES = 1_000_000


@dataclass(frozen=True)
class FoundEvent:
    match: Match  # match.face_id holds the event id
    record: EventRecord


def search_events(
    storage: Storage,
    matching: MatchingIndexes,
    vectors: np.ndarray,
    filters: EventFilter,
    *,
    limit: int,
    threshold: float | None,
) -> list[list[FoundEvent]]:
    """The best events (at most `limit`, similarity >= `threshold`) for each row of `vectors`, among the
    events with a descriptor that pass `filters` (whose account_id limits the search)."""
    empty: list[list[FoundEvent]] = [[] for _ in range(vectors.shape[0])]
    candidate_ids: list[str] | None = None
    if not only_account(filters):
        pairs = storage.events.repository.ids(
            EventFilter(**{**filters.__dict__, "with_descriptor": True}), limit=MAX_SQL_CANDIDATES
        )
        candidate_ids = [event_id for event_id, _ in pairs]
        if not candidate_ids:
            return empty
    found = matching.events.search(
        vectors, account_id=filters.account_id, candidate_ids=candidate_ids, limit=limit, threshold=threshold
    )
    records = storage.events.repository.by_ids(list({m.face_id for matches in found for m in matches}))
    return [[FoundEvent(m, records[m.face_id]) for m in matches if m.face_id in records] for matches in found]


def event_vectors(matching: MatchingIndexes, event_ids: list[str]) -> dict[str, np.ndarray]:
    """The indexed vectors of the events among `event_ids` that have one."""
    found = {}
    for event_id in event_ids:
        vector = matching.events.get(event_id)
        if vector is not None:
            found[event_id] = vector
    return found
