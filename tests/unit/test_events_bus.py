"""The live event bus (server/events/bus.py): bounded queues, dropping slow subscribers, §4.4 filters, accounts."""

from __future__ import annotations

import logging
import threading
import uuid
from typing import Any

import pytest

from server.events import bus as bus_module
from server.events.bus import (
    EventBus,
    EventFilters,
    LiveEvent,
    SubscriberDroppedError,
    SubscriptionClosedError,
    TooManySubscribersError,
)

ACCOUNT = "8b8b5937-2e9c-4e8b-a7a7-5caf86621b5a"
OTHER = "11111111-2222-4333-8444-555555555555"
HANDLER = "88c5dd7e-693b-4386-92bc-0c31a150a7d0"


def stored(**fields: Any) -> dict[str, Any]:
    """A stored event (§4.1) with every filtered field set; `fields` override."""
    event: dict[str, Any] = {
        "event_id": str(uuid.uuid4()),
        "account_id": ACCOUNT,
        "handler_id": HANDLER,
        "create_time": "2026-12-03T10:00:00.000000+00:00",
        "end_time": "2026-12-03T10:00:01.000000+00:00",
        "source": "cam1",
        "tags": ["vip", "hall"],
        "top_match": {"face_id": str(uuid.uuid4()), "similarity": 0.8, "label": "staff", "external_id": ""},
        "match_result": [
            {"label": "staff", "candidates": [{"face": {"face_id": "x"}, "similarity": 0.8}]},
            {"label": "empty", "candidates": []},
        ],
        "age": 31,
        "gender": 1,
        "emotion": 7,
        "mask": 2,
        "ethnic_group": 3,
        "liveness": 1,
        "location": {"city": "Moscow", "area": "CAD", "district": "Mitino", "street": "Arbat", "house_number": "1"},
    }
    event.update(fields)
    return event


def live(**fields: Any) -> LiveEvent:
    return LiveEvent.from_stored(
        ACCOUNT, stored(**fields), request_id="1536751345,8b8b5937-2e9c-4e8b-a7a7-5caf86621b5a"
    )


def test_message_has_the_shape_of_the_v6_websocket_message() -> None:
    handler_event = {"event_id": "e", "url": "/6/events/e", "detections": []}
    event = LiveEvent.from_stored(ACCOUNT, stored(), handler_event=handler_event, request_id="1,abc")
    assert event.message() == {
        "event": handler_event,
        "handler_id": HANDLER,
        "event-create-time": "2026-12-03T10:00:00.000000+00:00",
        "event-end-time": "2026-12-03T10:00:01.000000+00:00",
        "Luna-Request-id": "1,abc",
    }


def test_without_a_handler_event_one_is_derived_from_the_stored_event() -> None:
    record = stored(face_id="f1", external_id="ext", user_data="ud", track_id="t1")
    event = LiveEvent.from_stored(ACCOUNT, record).message()["event"]
    assert event["event_id"] == record["event_id"]
    assert event["url"] == f"/6/events/{record['event_id']}"
    assert event["face"] == {"face_id": "f1", "url": "/6/faces/f1"}
    assert (event["source"], event["tags"], event["external_id"], event["track_id"]) == (
        "cam1",
        ["vip", "hall"],
        "ext",
        "t1",
    )
    assert event["matches"] == record["match_result"]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (EventFilters(), True),
        (EventFilters(sources=frozenset({"cam2", "cam1"})), True),
        (EventFilters(sources=frozenset({"cam2"})), False),
        (EventFilters(matching_candidates_labels=frozenset({"staff", "other"})), True),
        (EventFilters(matching_candidates_labels=frozenset({"empty"})), False),  # a label without candidates
        (EventFilters(object_similarity__gte=0.8), True),
        (EventFilters(object_similarity__gte=0.81), False),
        (EventFilters(object_similarity__lt=0.8), False),
        (EventFilters(object_similarity__lt=0.81), True),
        (EventFilters(age__gte=31, age__lt=32), True),
        (EventFilters(age__gte=32), False),
        (EventFilters(age__lt=31), False),
        (EventFilters(gender=1), True),
        (EventFilters(gender=0), False),
        (EventFilters(ethnic_groups=frozenset({3, 4})), True),
        (EventFilters(ethnic_groups=frozenset({1})), False),
        (EventFilters(liveness=frozenset({1})), True),
        (EventFilters(liveness=frozenset({0, 2})), False),
        (EventFilters(tags=frozenset({"vip"})), True),
        (EventFilters(tags=frozenset({"vip", "hall"})), True),
        (EventFilters(tags=frozenset({"vip", "lobby"})), False),  # all tags, not any
        (EventFilters(cities=frozenset({"Moscow", "New York"})), True),
        (EventFilters(cities=frozenset({"New York"})), False),
        (EventFilters(areas=frozenset({"Manhattan"})), False),
        (EventFilters(districts=frozenset({"Mitino"})), True),
        (EventFilters(streets=frozenset({"West 48th street"})), False),
        (EventFilters(house_numbers=frozenset({"1", "220"})), True),
        (EventFilters(handler_ids=frozenset({HANDLER})), True),
        (EventFilters(handler_ids=frozenset({OTHER})), False),
        (EventFilters(masks=frozenset({2})), True),
        (EventFilters(masks=frozenset({1, 3})), False),
        (EventFilters(emotions=frozenset({7})), True),
        (EventFilters(emotions=frozenset({1})), False),
        (EventFilters(sources=frozenset({"cam1"}), gender=0), False),  # every filter must hold
    ],
)
def test_each_filter(filters: EventFilters, expected: bool) -> None:
    assert filters.matches(live()) is expected


def test_bounds_and_lists_never_match_a_value_the_event_lacks() -> None:
    bare = live(age=None, top_match=None, source=None, location=None, match_result=[], tags=[])
    assert not EventFilters(age__gte=0).matches(bare)
    assert not EventFilters(object_similarity__lt=1.0).matches(bare)
    assert not EventFilters(sources=frozenset({"cam1"})).matches(bare)
    assert not EventFilters(cities=frozenset({"Moscow"})).matches(bare)
    assert not EventFilters(matching_candidates_labels=frozenset({"staff"})).matches(bare)
    assert not EventFilters(tags=frozenset({"vip"})).matches(bare)
    assert EventFilters(tags=frozenset()).matches(bare)


def test_publish_reaches_only_matching_subscribers_of_the_account() -> None:
    bus = EventBus()
    mine = bus.subscribe(ACCOUNT)
    filtered = bus.subscribe(ACCOUNT, EventFilters(sources=frozenset({"cam2"})))
    other = bus.subscribe(OTHER)
    record = stored()
    assert bus.publish(ACCOUNT, record, request_id="r") == 1
    got = mine.get(timeout_s=0)
    assert got is not None and got.event_id == record["event_id"] and got.request_id == "r"
    assert filtered.get(timeout_s=0) is None
    assert other.get(timeout_s=0) is None
    assert bus.publish(OTHER, stored(account_id=OTHER)) == 1
    assert mine.get(timeout_s=0) is None
    assert other.get(timeout_s=0) is not None


def test_a_full_queue_drops_the_subscriber_without_blocking_the_publisher(caplog: pytest.LogCaptureFixture) -> None:
    bus = EventBus(max_queue=3)
    stalled = bus.subscribe(ACCOUNT)
    reader = bus.subscribe(ACCOUNT)
    caplog.set_level(logging.WARNING, logger=bus_module.__name__)
    for _ in range(3):
        assert bus.publish(ACCOUNT, stored()) == 2
        assert reader.get(timeout_s=0) is not None
    # the fourth event finds the stalled queue full: that subscriber is dropped, the reader still gets it
    assert bus.publish(ACCOUNT, stored()) == 1
    assert bus.subscribers(ACCOUNT) == 1
    assert bus.dropped_total == 1
    assert [r for r in caplog.records if "dropped" in r.getMessage()]
    assert reader.get(timeout_s=0) is not None
    # the dropped consumer still gets what was queued, then learns it was dropped
    assert [stalled.get(timeout_s=0) is not None for _ in range(3)] == [True, True, True]
    with pytest.raises(SubscriberDroppedError):
        stalled.get(timeout_s=0)
    assert bus.publish(ACCOUNT, stored()) == 1
    with pytest.raises(SubscriberDroppedError):
        stalled.get(timeout_s=0)


def test_a_blocked_consumer_thread_never_blocks_publish() -> None:
    bus = EventBus(max_queue=2)
    subscription = bus.subscribe(ACCOUNT)
    # a consumer holding the subscription's lock forever would block; a consumer that never reads must not
    done = threading.Event()

    def publish_many() -> None:
        for _ in range(100):
            bus.publish(ACCOUNT, stored())
        done.set()

    worker = threading.Thread(target=publish_many)
    worker.start()
    worker.join(timeout=30)
    assert done.is_set()
    assert subscription.dropped


def test_close_wakes_a_waiting_consumer_and_unsubscribes() -> None:
    bus = EventBus()
    subscription = bus.subscribe(ACCOUNT)
    outcome: list[str] = []

    def consume() -> None:
        try:
            subscription.get(timeout_s=30)
        except SubscriptionClosedError:
            outcome.append("closed")

    consumer = threading.Thread(target=consume)
    consumer.start()
    bus.close_all()
    consumer.join(timeout=30)
    assert outcome == ["closed"]
    assert bus.subscribers() == 0
    assert bus.publish(ACCOUNT, stored()) == 0


def test_get_waits_for_an_event_published_by_another_thread() -> None:
    bus = EventBus()
    with bus.subscribe(ACCOUNT) as subscription:
        record = stored()
        threading.Timer(0.05, bus.publish, args=(ACCOUNT, record)).start()
        got = None
        while got is None:
            got = subscription.get(timeout_s=5)
        assert got.event_id == record["event_id"]
    assert bus.subscribers(ACCOUNT) == 0


def test_subscriber_limit() -> None:
    bus = EventBus(max_subscribers=2)
    first = bus.subscribe(ACCOUNT)
    bus.subscribe(OTHER)
    with pytest.raises(TooManySubscribersError):
        bus.subscribe(ACCOUNT)
    first.close()
    bus.subscribe(ACCOUNT)


def test_module_publish_never_raises_into_the_save_path(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_: object, **__: object) -> int:
        raise RuntimeError("boom")

    monkeypatch.setattr(bus_module.BUS, "publish", broken)
    assert bus_module.publish(ACCOUNT, stored()) == 0
