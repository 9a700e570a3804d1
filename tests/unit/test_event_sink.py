"""EventSink (server/handlers/event_sink.py): notification_policy publishes to the live bus only when the account
has a subscriber (the JSON documents are not built otherwise), and a failing publish never fails the request."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from lumen.v6 import handler_events_pb2
from server.handlers.event_sink import EventSink
from server.storage.repositories.events import EventRecord

NOW = "2026-12-03T10:00:00.000000+00:00"


def record(account: str) -> EventRecord:
    return EventRecord(event_id=str(uuid.uuid4()), account_id=account, create_time=NOW, end_time=NOW, source="door")


def test_publishes_only_to_accounts_that_listen() -> None:
    published: list[tuple[str, Mapping[str, Any], Mapping[str, Any], str]] = []
    listening = {"a"}
    sink = EventSink(lambda *_, **__: None, lambda *args: published.append(args), listening.__contains__)
    event = handler_events_pb2.HandlerEvent(event_id="e1")
    sink.publish("b", record("b"), event, "req-b")
    assert published == []
    first = record("a")
    sink.publish("a", first, event, "req-a")
    ((account, stored, answer, request_id),) = published
    assert (account, stored["event_id"], stored["source"], answer["event_id"], request_id) == (
        "a", first.event_id, "door", "e1", "req-a",
    )  # fmt: skip


def test_without_a_listening_check_every_event_is_published_and_failures_are_swallowed() -> None:
    calls: list[str] = []

    def failing(account: str, *_: Any) -> None:
        calls.append(account)
        raise RuntimeError("bus down")

    sink = EventSink(lambda *_, **__: None, failing)
    sink.publish("a", record("a"), handler_events_pb2.HandlerEvent(event_id="e1"), "req")
    assert calls == ["a"]
    broken = EventSink(lambda *_, **__: None, failing, lambda _: 1 / 0 > 0)  # the check itself fails: logged
    broken.publish("a", record("a"), handler_events_pb2.HandlerEvent(event_id="e1"), "req")
