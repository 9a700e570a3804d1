"""EventsStreamService/StreamEvents: the live events of one account as a gRPC server stream (v6 API-148).

It runs on a gRPC server of its own (server/app.py `Servers.stream`: its own port and thread pool), never
on the request servers: a stream holds its thread for as long as the client listens, so streams could
otherwise take every thread that requests need. The pool has one thread per allowed subscriber
(LUMEN_LIVE_MAX_SUBSCRIBERS) plus a few for health checks; the bus refuses a subscriber beyond the limit
with a LUNA 503 (SERVICE_UNAVAILABLE) instead of letting it wait for a thread.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import grpc

from lumen.v6 import events_stream_service_pb2, events_stream_service_pb2_grpc
from server import errors
from server.errors import LunaError
from server.events.bus import (
    BUS,
    EventBus,
    EventFilters,
    LiveEvent,
    SubscriberDroppedError,
    SubscriptionClosedError,
    TooManySubscribersError,
)
from server.rpc import Call, luna_rpc
from server.validation import float_param, int_param, list_param, uuid_list_param

_LOGGER = logging.getLogger(__name__)

SERVICE = "lumen.v6.EventsStreamService"
#: The consumer thread re-checks that its client is still there this often (a cancelled call wakes it at once).
POLL_S = 5.0
#: Initial metadata that tells the caller (the websocket bridge) that the subscription is live.
SUBSCRIBED_HEADER = "x-lumen-live"
MAX_LIST_ITEMS = 100
#: Longest accepted item of each text list (v6: tags 36, source 128, location fields 36).
TEXT_LIMITS = {
    "sources": 128,
    "matching_candidates_labels": 128,
    "tags": 36,
    "cities": 36,
    "areas": 36,
    "districts": 36,
    "streets": 36,
    "house_numbers": 36,
}
#: The codes each integer list accepts (ENDPOINTS.md §4.2).
CODE_LISTS = {
    "ethnic_groups": range(1, 5),
    "liveness": range(0, 3),
    "masks": range(1, 4),
    "emotions": range(1, 8),
}
MAX_AGE = 1000


def _bounded_list(request: Any, name: str) -> list[str] | None:
    items = list_param(request, name)
    if items is not None and len(items) > MAX_LIST_ITEMS:
        raise LunaError(errors.BAD_QUERY_PARAM, name=name)
    return items


def _text_set(request: Any, name: str) -> frozenset[str] | None:
    items = _bounded_list(request, name)
    if items is None:
        return None
    if any(len(item) > TEXT_LIMITS[name] for item in items):
        raise LunaError(errors.BAD_QUERY_PARAM, name=name)
    return frozenset(items)


def _code_set(request: Any, name: str) -> frozenset[int] | None:
    items = _bounded_list(request, name)
    if items is None:
        return None
    allowed = CODE_LISTS[name]
    codes: set[int] = set()
    for item in items:
        if not item.isascii() or not item.lstrip("+-").isdigit() or int(item) not in allowed:
            raise LunaError(errors.BAD_QUERY_PARAM, name=name)
        codes.add(int(item))
    return frozenset(codes)


def _optional_int(request: Any, name: str, **limits: Any) -> int | None:
    return int_param(request, name, 0, **limits) if request.HasField(name) else None


def _optional_similarity(request: Any, name: str) -> float | None:
    return float_param(request, name, 0.0, minimum=0.0, maximum=1.0) if request.HasField(name) else None


def event_filters(request: events_stream_service_pb2.StreamEventsRequest) -> EventFilters:
    """The §4.4 filters of a StreamEvents request; 12012 naming the first bad parameter."""
    handler_ids = uuid_list_param(request, "handler_ids")
    if handler_ids is not None and len(handler_ids) > MAX_LIST_ITEMS:
        raise LunaError(errors.BAD_QUERY_PARAM, name="handler_ids")
    return EventFilters(
        sources=_text_set(request, "sources"),
        matching_candidates_labels=_text_set(request, "matching_candidates_labels"),
        object_similarity__gte=_optional_similarity(request, "object_similarity__gte"),
        object_similarity__lt=_optional_similarity(request, "object_similarity__lt"),
        age__lt=_optional_int(request, "age__lt", minimum=0, maximum=MAX_AGE),
        age__gte=_optional_int(request, "age__gte", minimum=0, maximum=MAX_AGE),
        gender=_optional_int(request, "gender", choices=(0, 1)),
        ethnic_groups=_code_set(request, "ethnic_groups"),
        liveness=_code_set(request, "liveness"),
        tags=_text_set(request, "tags"),
        cities=_text_set(request, "cities"),
        areas=_text_set(request, "areas"),
        districts=_text_set(request, "districts"),
        streets=_text_set(request, "streets"),
        house_numbers=_text_set(request, "house_numbers"),
        handler_ids=None if handler_ids is None else frozenset(handler_ids),
        masks=_code_set(request, "masks"),
        emotions=_code_set(request, "emotions"),
    )


#: LiveEvent fields copied to and from LiveEventFacts as they are (optional scalars).
FACT_FIELDS = (
    "source",
    "top_similarity",
    "age",
    "gender",
    "emotion",
    "mask",
    "ethnic_group",
    "liveness",
    "city",
    "area",
    "district",
    "street",
    "house_number",
)


def to_message(event: LiveEvent) -> events_stream_service_pb2.LiveEvent:
    message = events_stream_service_pb2.LiveEvent(
        event_id=event.event_id,
        event_create_time=event.create_time,
        event_end_time=event.end_time,
        luna_request_id=event.request_id,
        event_json=event.event_json,
    )
    if event.handler_id is not None:
        message.handler_id = event.handler_id
    facts = message.facts
    facts.tags.extend(sorted(event.tags))
    facts.match_labels.extend(sorted(event.match_labels))
    for name in FACT_FIELDS:
        value = getattr(event, name)
        if value is not None:
            setattr(facts, name, value)
    return message


def from_message(account_id: str, message: events_stream_service_pb2.LiveEvent) -> LiveEvent:
    """The filterable event of a streamed message (the websocket bridge applies each websocket's filters)."""
    facts = message.facts
    return LiveEvent(
        account_id=account_id,
        event_id=message.event_id,
        handler_id=message.handler_id if message.HasField("handler_id") else None,
        create_time=message.event_create_time,
        end_time=message.event_end_time,
        request_id=message.luna_request_id,
        handler_event={},
        tags=frozenset(facts.tags),
        match_labels=frozenset(facts.match_labels),
        **{name: getattr(facts, name) if facts.HasField(name) else None for name in FACT_FIELDS},
    )


class EventsStreamService(events_stream_service_pb2_grpc.EventsStreamServiceServicer):
    def __init__(self, bus: EventBus = BUS, poll_s: float = POLL_S) -> None:
        self.bus = bus
        self.poll_s = poll_s

    @luna_rpc(account_required=True)
    def StreamEvents(
        self, request: events_stream_service_pb2.StreamEventsRequest, call: Call
    ) -> Iterator[events_stream_service_pb2.LiveEvent]:
        filters = event_filters(request)
        account_id = call.require_account()
        try:
            subscription = self.bus.subscribe(account_id, filters)
        except TooManySubscribersError:
            raise LunaError(errors.SERVICE_UNAVAILABLE, service="lumen-live-events (subscriber limit)") from None
        context = call.grpc_context
        if not context.add_callback(subscription.close):  # the call already ended
            subscription.close()
        # sent with the initial metadata once this returns: the caller knows the subscription is live
        call.set_header(SUBSCRIBED_HEADER, str(subscription.ident))
        _LOGGER.info("live events: subscriber %d of account %s", subscription.ident, account_id)
        return self._messages(subscription, context)

    def _messages(
        self, subscription: Any, context: grpc.ServicerContext
    ) -> Iterator[events_stream_service_pb2.LiveEvent]:
        try:
            while context.is_active():
                try:
                    event = subscription.get(timeout_s=self.poll_s)
                except SubscriptionClosedError:
                    return
                except SubscriberDroppedError:
                    context.abort(
                        grpc.StatusCode.RESOURCE_EXHAUSTED,
                        f"live events: the subscriber fell {subscription.max_queue} events behind and was dropped",
                    )
                if event is not None:
                    yield to_message(event)
        finally:
            subscription.close()
            _LOGGER.info(
                "live events: subscriber %d of account %s left after %d events",
                subscription.ident,
                subscription.account_id,
                subscription.delivered,
            )


def register_stream(server: Any) -> None:
    """Add the service to the stream server (server/app.py); not to the request servers (no `register`)."""
    events_stream_service_pb2_grpc.add_EventsStreamServiceServicer_to_server(EventsStreamService(BUS), server)
