"""The events store (server/storage/event_store.py, repositories/events.py) on a real SQLite + LanceDB
directory: own database file, all-or-nothing writes with descriptors, filters, statistics, recovery."""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import pytest

from server.storage.descriptors import DEFAULT_VERSION, encode_raw
from server.storage.event_store import EVENTS_DB_FILE, EventStore
from server.storage.repositories.events import (
    EventDetection,
    EventFilter,
    EventLocation,
    EventRecord,
    EventRect,
    EventTopMatch,
    GeoBox,
    GeoPosition,
    StatsCondition,
    StatsTarget,
    TimeGrouping,
)
from server.storage.store import Storage

ACCOUNT = "a0000000-0000-4000-8000-000000000001"
OTHER = "a0000000-0000-4000-8000-000000000002"


def unit(seed: int) -> np.ndarray:
    vector = np.random.default_rng(seed).standard_normal(128).astype(np.float32)
    return vector / np.linalg.norm(vector)


def event(day: int, **fields: object) -> EventRecord:
    stamp = f"2026-02-{day:02d}T10:00:00Z"
    values: dict[str, object] = {
        "event_id": str(uuid.uuid4()),
        "account_id": ACCOUNT,
        "create_time": stamp,
        "end_time": stamp,
        **fields,
    }
    return EventRecord(**values)  # type: ignore[arg-type]


@pytest.fixture
def store(tmp_path: Path) -> Iterator[EventStore]:
    yield EventStore(tmp_path)


class Recorder:
    def __init__(self) -> None:
        self.saved: list[str] = []

    def on_events_saved(self, records: Sequence[EventRecord]) -> None:
        self.saved.extend(r.event_id for r in records)

    def on_events_deleted(self, event_ids: Sequence[str]) -> None:
        pass


def test_events_live_in_their_own_database_file_and_round_trip(tmp_path: Path) -> None:
    storage = Storage(tmp_path)
    full = event(
        3,
        handler_id=str(uuid.uuid4()),
        face_id=str(uuid.uuid4()),
        external_id="ext-1",
        source="cam_1",
        user_data="someone",
        tags=("vip", "door"),
        track_id="track_1",
        top_match=EventTopMatch(label="staff", similarity=0.87, face_id=str(uuid.uuid4()), external_id="emp-7"),
        match_result=({"label": "staff", "candidates": [{"face": {"face_id": "x"}, "similarity": 0.87}]},),
        face_detections=(EventDetection("s1", "2026-02-03T10:00:00+00:00", EventRect(1, 2, 30, 40), 1.5, None),),
        body_detections=None,
        attach_result=(str(uuid.uuid4()),),
        gender=1,
        age=31,
        emotion=7,
        mask=2,
        ethnic_group=3,
        liveness=1,
        location=EventLocation(city="Oslo", street="Main", geo_position=GeoPosition(10.75, 59.91)),
        descriptors={DEFAULT_VERSION: unit(1)},
    )
    storage.events.save_events([full])
    assert (tmp_path / EVENTS_DB_FILE).exists()
    with sqlite3.connect(tmp_path / "lumen.sqlite3") as faces_db:
        assert not faces_db.execute("SELECT name FROM sqlite_master WHERE name = 'events'").fetchall()
    got = storage.events.repository.get(full.event_id, ACCOUNT)
    assert got is not None
    assert got.create_time == "2026-02-03T10:00:00.000000+00:00"
    expected = {**full.__dict__, "create_time": got.create_time, "end_time": got.end_time, "descriptors": {}}
    assert got.__dict__ == expected
    assert storage.events.repository.get(full.event_id, OTHER) is None
    stored = storage.events.descriptors.get(full.event_id)
    assert np.allclose(stored[DEFAULT_VERSION], unit(1))
    assert not storage.events.db.query("SELECT * FROM journal")


def test_a_failed_write_stores_nothing(store: EventStore) -> None:
    first = event(1, tags=("a",), descriptors={DEFAULT_VERSION: unit(2)})
    store.save_events([first])
    duplicate = event(2, tags=("b",), descriptors={DEFAULT_VERSION: unit(3)})
    with pytest.raises(sqlite3.IntegrityError):
        store.save_events([duplicate, first])  # the second id exists: the whole batch is refused
    assert store.repository.get(duplicate.event_id) is None
    assert store.db.query("SELECT tag FROM event_tags") == [{"tag": "a"}]
    assert store.descriptors.get(duplicate.event_id) == {}
    assert not store.db.query("SELECT * FROM journal")


def test_listener_hears_committed_batches(store: EventStore) -> None:
    recorder = Recorder()
    store.listener = recorder
    records = [event(1), event(2)]
    store.save_events(records)
    assert recorder.saved == [r.event_id for r in records]
    buffered = event(3)
    store.save_events([buffered], wait=False)
    store.flush()
    assert recorder.saved[-1] == buffered.event_id
    assert store.repository.exists(buffered.event_id)


def test_recovery_replays_a_journaled_descriptor(tmp_path: Path) -> None:
    store = EventStore(tmp_path)
    record = event(1, descriptors={DEFAULT_VERSION: unit(4)})
    store.save_events([record])
    # As if the server died between the SQLite commit and the LanceDB append: journal row, no vector.
    store.descriptors.delete([record.event_id])
    descriptors = {str(DEFAULT_VERSION): encode_raw(unit(4))}
    payload = {"face_id": record.event_id, "account_id": ACCOUNT, "descriptors": descriptors, "fresh": True}
    with store.db.transaction() as tx:
        tx.conn.execute(
            "INSERT INTO journal (op_id, kind, payload, create_time) VALUES ('op', 'descriptors_set', ?, 'now')",
            (json.dumps(payload),),
        )
    assert EventStore(tmp_path).recover() == 1
    assert np.allclose(EventStore(tmp_path).descriptors.get(record.event_id)[DEFAULT_VERSION], unit(4))


def ids(records: Sequence[EventRecord]) -> set[str]:
    return {r.event_id for r in records}


def test_filters(store: EventStore) -> None:
    handler = str(uuid.uuid4())
    face = str(uuid.uuid4())
    a = event(1, source="cam_1", tags=("x", "y"), age=20, gender=0, handler_id=handler, track_id="t1", emotion=1)
    b = event(2, source="cam_2", tags=("x",), age=40, gender=1, user_data="hello world", liveness=2)
    c = event(
        3,
        top_match=EventTopMatch(label="L", similarity=0.9, face_id=face, external_id="e"),
        location=EventLocation(city="Oslo", geo_position=GeoPosition(10.0, 60.0)),
    )
    d = event(4, account_id=OTHER, source="cam_1")
    store.save_events([a, b, c, d])
    repo = store.repository

    def find(**kw: object) -> set[str]:
        return ids(repo.find(EventFilter(**kw), offset=0, limit=100))  # type: ignore[arg-type]

    assert find(account_id=ACCOUNT) == ids([a, b, c])
    assert find(sources=["cam_1"]) == ids([a, d])
    assert find(tags=["x"]) == ids([a, b])
    assert find(tags=["x", "y"]) == ids([a])
    assert find(age_gte=20, age_lt=40) == ids([a])
    assert find(gender=1) == ids([b])
    assert find(handler_ids=[handler]) == ids([a])
    assert find(track_ids=["t1"]) == ids([a])
    assert find(emotions=[1, 2]) == ids([a])
    assert find(liveness=[2]) == ids([b])
    assert find(user_data="lo wo") == ids([b])
    assert find(top_similar_object_ids=[face]) == ids([c])
    assert find(top_matching_candidates_label="L", top_similarity_gte=0.9) == ids([c])
    assert find(top_similarity_lt=0.9) == set()
    assert find(cities=["Oslo"]) == ids([c])
    assert find(geo=GeoBox(10.005, 59.995)) == ids([c])
    assert find(geo=GeoBox(10.02, 60.0)) == set()
    window = {
        "create_time_gte": "2026-02-02T00:00:00.000000+00:00",
        "create_time_lt": "2026-02-04T00:00:00.000000+00:00",
    }
    assert find(**window) == ids([b, c])
    newest = repo.find(EventFilter(account_id=ACCOUNT), offset=0, limit=2)
    assert [r.event_id for r in newest] == [c.event_id, b.event_id]
    oldest = repo.find(EventFilter(account_id=ACCOUNT), offset=1, limit=2, newest_first=False)
    assert [r.event_id for r in oldest] == [b.event_id, c.event_id]
    assert repo.count(EventFilter(sources=["cam_1"])) == 2


def test_stats(store: EventStore) -> None:
    store.save_events(
        [
            event(2, source="hall", age=20, gender=0),  # 2026-02-02 is a Monday
            event(2, source="hall", age=30, gender=1),
            event(3, source="hall", age=40, gender=1),
            event(3, source="door", age=50, gender=1),
        ]
    )
    repo = store.repository
    result = repo.stats(
        EventFilter(account_id=ACCOUNT),
        [StatsCondition("source", "eq", "hall")],
        [StatsTarget("event_id", "count"), StatsTarget("gender", "group_by"), StatsTarget("age", "avg")],
        TimeGrouping(frequency="dayOfWeek", label="dayOfWeek"),
    )
    assert result.fields == [
        "Group by time: dayOfWeek",
        "gender, aggregator 'group_by'",
        "event_id, aggregator 'count'",
        "age, aggregator 'avg'",
    ]
    assert result.rows == [["Monday", 0, 1, 20.0], ["Monday", 1, 1, 30.0], ["Tuesday", 1, 1, 40.0]]
    by_day = repo.stats(EventFilter(), [], [StatsTarget("age", "max")], TimeGrouping(count=1, unit="d", label="1d"))
    assert by_day.rows == [["2026-02-02T00:00:00Z", 30], ["2026-02-03T00:00:00Z", 50]]
    plain = repo.stats(EventFilter(), [StatsCondition("age", "in", [20, 50])], [StatsTarget("event_id", "count")], None)
    assert plain.rows == [[2]]
    # The account holds every row: read by a table scan (NOT INDEXED), same answer.
    whole = repo.stats(EventFilter(account_id=ACCOUNT), [], [StatsTarget("gender", "group_by")], None)
    assert whole.fields == ["gender, aggregator 'group_by'"] and whole.rows == [[0], [1]]
    assert repo.stats(EventFilter(account_id=OTHER), [], [StatsTarget("event_id", "count")], None).rows == [[0]]
