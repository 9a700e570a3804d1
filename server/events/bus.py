"""The live event bus: each saved event goes to the live subscribers of its account (v6 API-148, §4.4).

The event save path calls, once the event is committed:

    from server.events import bus
    bus.publish(account_id, stored_event, handler_event=..., request_id=call.request_id)

`stored_event` is the event as GET /6/events/{id} returns it (ENDPOINTS.md §4.1: handler_id, create_time,
end_time, source, tags, top_match, match_result, age, gender, emotion, mask, ethnic_group, liveness,
location, ...); the §4.4 filters are read from it. `handler_event` is the HandlerEvent (§2.8) the
websocket message carries: what POST /6/handlers/{id}/events answered for this event, or for a raw event
its body with event_id and url; None: one is derived from the stored event (`derived_handler_event`).

Guarantees:
- publish never blocks on a subscriber: each subscription has a bounded queue (LUMEN_LIVE_QUEUE_EVENTS);
  a subscriber whose queue is full (slow or dead consumer) is dropped with a log line, and its consumer
  learns it (SubscriberDroppedError) after the events already queued.
- account scoping: publish(account_id, ...) reaches the subscriptions of that account only.
- every §4.4 filter of a subscription (EventFilters) is applied before its queue is touched.
The cost of publish is one dict lookup when the account has no subscriber, else one filter check and
one append per subscriber of the account; serialising a message happens in the consumer's thread.
"""

from __future__ import annotations

import itertools
import json
import logging
import queue
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, cast

_LOGGER = logging.getLogger(__name__)

DEFAULT_QUEUE_EVENTS = 256
DEFAULT_MAX_SUBSCRIBERS = 64


class SubscriberDroppedError(Exception):
    """The subscription fell behind (its queue was full) and was dropped; it receives nothing more."""


class SubscriptionClosedError(Exception):
    """The subscription was closed (by its consumer, or the bus shut down)."""


class TooManySubscribersError(Exception):
    """The bus already serves its maximum number of subscriptions."""


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _code(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def derived_handler_event(stored: Mapping[str, Any]) -> dict[str, Any]:
    """A HandlerEvent (§2.8) built from a stored event (§4.1), for a publisher that has none at hand."""
    event_id = stored.get("event_id")
    face_id = stored.get("face_id")
    return {
        "event_id": event_id,
        "url": f"/6/events/{event_id}",
        "source": stored.get("source"),
        "tags": list(stored.get("tags") or []),
        "external_id": stored.get("external_id"),
        "user_data": stored.get("user_data"),
        "track_id": stored.get("track_id"),
        "location": stored.get("location"),
        "face": None if face_id is None else {"face_id": face_id, "url": f"/6/faces/{face_id}"},
        "matches": list(stored.get("match_result") or []),
        "detections": [],
    }


@dataclass(frozen=True)
class LiveEvent:
    """One saved event as the bus carries it: the values the §4.4 filters read, and the message parts."""

    account_id: str
    event_id: str
    handler_id: str | None
    create_time: str
    end_time: str
    request_id: str
    handler_event: Mapping[str, Any]
    source: str | None = None
    tags: frozenset[str] = frozenset()
    match_labels: frozenset[str] = frozenset()
    top_similarity: float | None = None
    age: int | None = None
    gender: int | None = None
    emotion: int | None = None
    mask: int | None = None
    ethnic_group: int | None = None
    liveness: int | None = None
    city: str | None = None
    area: str | None = None
    district: str | None = None
    street: str | None = None
    house_number: str | None = None

    @classmethod
    def from_stored(
        cls,
        account_id: str,
        stored: Mapping[str, Any],
        *,
        handler_event: Mapping[str, Any] | None = None,
        request_id: str = "",
    ) -> LiveEvent:
        location = stored.get("location") or {}
        top_match = stored.get("top_match") or {}
        labels = frozenset(
            group["label"]
            for group in stored.get("match_result") or []
            if isinstance(group, Mapping) and isinstance(group.get("label"), str) and group.get("candidates")
        )
        return cls(
            account_id=account_id,
            event_id=str(stored.get("event_id") or ""),
            handler_id=_text(stored.get("handler_id")),
            create_time=str(stored.get("create_time") or ""),
            end_time=str(stored.get("end_time") or stored.get("create_time") or ""),
            request_id=request_id,
            handler_event=handler_event if handler_event is not None else derived_handler_event(stored),
            source=_text(stored.get("source")),
            tags=frozenset(tag for tag in stored.get("tags") or [] if isinstance(tag, str)),
            match_labels=labels,
            top_similarity=_number(top_match.get("similarity")) if isinstance(top_match, Mapping) else None,
            age=_code(stored.get("age")),
            gender=_code(stored.get("gender")),
            emotion=_code(stored.get("emotion")),
            mask=_code(stored.get("mask")),
            ethnic_group=_code(stored.get("ethnic_group")),
            liveness=_code(stored.get("liveness")),
            city=_text(location.get("city")),
            area=_text(location.get("area")),
            district=_text(location.get("district")),
            street=_text(location.get("street")),
            house_number=_text(location.get("house_number")),
        )

    @cached_property
    def event_json(self) -> str:
        """The HandlerEvent as compact JSON, serialised once for every subscriber (by the first that needs it)."""
        return json.dumps(self.handler_event, ensure_ascii=False, separators=(",", ":"))

    def message(self) -> dict[str, Any]:
        """The websocket message of §4.4."""
        return self._message

    @cached_property
    def _message(self) -> dict[str, Any]:
        return {
            "event": dict(self.handler_event),
            "handler_id": self.handler_id,
            "event-create-time": self.create_time,
            "event-end-time": self.end_time,
            "Luna-Request-id": self.request_id,
        }


def _any_of(wanted: frozenset[Any] | None, value: Any) -> bool:
    return wanted is None or (value is not None and value in wanted)


@dataclass(frozen=True)
class EventFilters:
    """The §4.4 filters of one subscription; None: not given. Lists match any of their items, except tags
    (the event must carry all of them); a bound on a value the event lacks never matches."""

    sources: frozenset[str] | None = None
    matching_candidates_labels: frozenset[str] | None = None
    object_similarity__gte: float | None = None
    object_similarity__lt: float | None = None
    age__lt: int | None = None
    age__gte: int | None = None
    gender: int | None = None
    ethnic_groups: frozenset[int] | None = None
    liveness: frozenset[int] | None = None
    tags: frozenset[str] | None = None
    cities: frozenset[str] | None = None
    areas: frozenset[str] | None = None
    districts: frozenset[str] | None = None
    streets: frozenset[str] | None = None
    house_numbers: frozenset[str] | None = None
    handler_ids: frozenset[str] | None = None
    masks: frozenset[int] | None = None
    emotions: frozenset[int] | None = None

    def matches(self, event: LiveEvent) -> bool:
        if not (
            _any_of(self.sources, event.source)
            and _any_of(self.handler_ids, event.handler_id)
            and _any_of(self.cities, event.city)
            and _any_of(self.areas, event.area)
            and _any_of(self.districts, event.district)
            and _any_of(self.streets, event.street)
            and _any_of(self.house_numbers, event.house_number)
            and _any_of(self.ethnic_groups, event.ethnic_group)
            and _any_of(self.liveness, event.liveness)
            and _any_of(self.masks, event.mask)
            and _any_of(self.emotions, event.emotion)
        ):
            return False
        if self.gender is not None and event.gender != self.gender:
            return False
        if self.tags is not None and not self.tags <= event.tags:
            return False
        if self.matching_candidates_labels is not None and not self.matching_candidates_labels & event.match_labels:
            return False
        if (self.age__gte is not None or self.age__lt is not None) and event.age is None:
            return False
        if self.age__gte is not None and event.age is not None and event.age < self.age__gte:
            return False
        if self.age__lt is not None and event.age is not None and event.age >= self.age__lt:
            return False
        similarity = event.top_similarity
        if (self.object_similarity__gte is not None or self.object_similarity__lt is not None) and similarity is None:
            return False
        if (
            self.object_similarity__gte is not None
            and similarity is not None
            and similarity < self.object_similarity__gte
        ):
            return False
        return not (
            self.object_similarity__lt is not None
            and similarity is not None
            and similarity >= self.object_similarity__lt
        )


#: Queued after the events of a dropped subscription, so its consumer gets those first (FIFO).
_DROPPED = object()
#: Wakes a consumer waiting in get() when its subscription is closed.
_CLOSED = object()


@dataclass(eq=False)
class Subscription:
    """One consumer of the live events of one account. Its consumer calls `get` (one thread) and `close`.

    The queue is a queue.SimpleQueue: offer() is one C-level put, so the publisher never takes a lock a
    consumer holds, nor waits for a consumer's thread. The bound is checked before the put (a consumer may
    take events meanwhile, so it can only be conservative; concurrent publishers may exceed it by a few)."""

    account_id: str
    filters: EventFilters
    max_queue: int
    ident: int
    bus: EventBus
    _queue: queue.SimpleQueue[Any] = field(default_factory=queue.SimpleQueue)
    dropped: bool = False
    closed: bool = False
    delivered: int = 0

    def offer(self, event: LiveEvent) -> bool:
        """Queue `event` without waiting; False when the queue is full (the bus then drops this subscriber)."""
        if self.closed or self.dropped:
            return True
        if self._queue.qsize() >= self.max_queue:
            return False
        self._queue.put(event)
        return True

    def get(self, timeout_s: float | None = None) -> LiveEvent | None:
        """The next event; None after timeout_s without one. SubscriberDroppedError once the queued events are
        consumed after a drop; SubscriptionClosedError once closed."""
        if self.closed:
            raise SubscriptionClosedError
        try:
            item = (
                self._queue.get(timeout=timeout_s) if timeout_s is None or timeout_s > 0 else self._queue.get_nowait()
            )
        except queue.Empty:
            return None
        if self.closed or item is _CLOSED:
            raise SubscriptionClosedError
        if item is _DROPPED:
            self._queue.put(_DROPPED)  # every later get says so too
            raise SubscriberDroppedError
        self.delivered += 1
        return cast(LiveEvent, item)

    def pending(self) -> int:
        """Events queued and not yet consumed."""
        return max(0, self._queue.qsize() - self.dropped)

    def _mark_dropped(self) -> None:
        if not self.dropped:
            self.dropped = True
            self._queue.put(_DROPPED)

    def close(self) -> None:
        """Stop receiving events (idempotent)."""
        self.bus.unsubscribe(self)
        if not self.closed:
            self.closed = True
            self._queue.put(_CLOSED)

    def __enter__(self) -> Subscription:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


class EventBus:
    """Subscriptions by account; publish from any thread, without waiting on any subscriber."""

    def __init__(
        self, *, max_queue: int = DEFAULT_QUEUE_EVENTS, max_subscribers: int = DEFAULT_MAX_SUBSCRIBERS
    ) -> None:
        self.max_queue = max_queue
        self.max_subscribers = max_subscribers
        self._lock = threading.Lock()
        # account -> its subscriptions; the tuples are replaced, never changed, so publish reads without the lock
        self._by_account: dict[str, tuple[Subscription, ...]] = {}
        self._count = 0
        self._ids = itertools.count(1)
        self.dropped_total = 0

    def configure(self, *, max_queue: int, max_subscribers: int) -> None:
        """Limits for the subscriptions made from now on (the server applies its settings at start)."""
        self.max_queue = max_queue
        self.max_subscribers = max_subscribers

    def subscribe(self, account_id: str, filters: EventFilters | None = None) -> Subscription:
        """A new subscription to the events of `account_id`; TooManySubscribersError at the limit."""
        with self._lock:
            if self._count >= self.max_subscribers:
                raise TooManySubscribersError
            subscription = Subscription(account_id, filters or EventFilters(), self.max_queue, next(self._ids), self)
            self._by_account[account_id] = (*self._by_account.get(account_id, ()), subscription)
            self._count += 1
        return subscription

    def unsubscribe(self, subscription: Subscription) -> bool:
        """Remove `subscription`; False when it was no longer subscribed."""
        with self._lock:
            current = self._by_account.get(subscription.account_id, ())
            if subscription not in current:
                return False
            kept = tuple(one for one in current if one is not subscription)
            if kept:
                self._by_account[subscription.account_id] = kept
            else:
                del self._by_account[subscription.account_id]
            self._count -= 1
            return True

    def subscribers(self, account_id: str | None = None) -> int:
        if account_id is None:
            return self._count
        return len(self._by_account.get(account_id, ()))

    def publish_event(self, event: LiveEvent) -> int:
        """Offer `event` to the matching subscriptions of its account; the number that queued it."""
        queued = 0
        for subscription in self._by_account.get(event.account_id, ()):
            if not subscription.filters.matches(event):
                continue
            if subscription.offer(event):
                queued += 1
            else:
                self._drop(subscription)
        return queued

    def publish(
        self,
        account_id: str,
        stored_event: Mapping[str, Any],
        *,
        handler_event: Mapping[str, Any] | None = None,
        request_id: str = "",
    ) -> int:
        """Publish one saved event (see the module docstring); the number of subscriptions that queued it."""
        if account_id not in self._by_account:
            return 0
        return self.publish_event(
            LiveEvent.from_stored(account_id, stored_event, handler_event=handler_event, request_id=request_id)
        )

    def _drop(self, subscription: Subscription) -> None:
        if self.unsubscribe(subscription):
            self.dropped_total += 1
            _LOGGER.warning(
                "live events: subscriber %d of account %s dropped: %d events not consumed (queue bound %d)",
                subscription.ident,
                subscription.account_id,
                subscription.pending(),
                subscription.max_queue,
            )
        subscription._mark_dropped()

    def close_all(self) -> None:
        """Close every subscription (server shutdown): their consumers get SubscriptionClosedError."""
        with self._lock:
            every = [one for group in self._by_account.values() for one in group]
        for subscription in every:
            subscription.close()


#: The bus of this process: the save path publishes to it, EventsStreamService subscribes to it.
BUS = EventBus()


def publish(
    account_id: str,
    stored_event: Mapping[str, Any],
    *,
    handler_event: Mapping[str, Any] | None = None,
    request_id: str = "",
) -> int:
    """Publish one committed event to the live subscribers of `account_id` (never blocks; see the module doc).

    Call it after the event's transaction committed, never inside it. It does not raise for a malformed
    event: the bus reads what it finds."""
    try:
        return BUS.publish(account_id, stored_event, handler_event=handler_event, request_id=request_id)
    except Exception:  # a live-stream fault must never fail the save that already committed
        _LOGGER.exception("live events: publish failed")
        return 0
