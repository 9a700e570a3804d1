"""Where the pipeline's events go once built: the events store (event_policy) and the live bus (notification_policy,
GET /6/ws). One place, so the pipeline does not know how either is implemented.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

from google.protobuf import json_format

from lumen.v6 import handler_events_pb2
from server.events.records import stored_event_json
from server.storage.repositories.events import EventRecord

_LOGGER = logging.getLogger(__name__)

#: save(records, wait): the events store's save_events (server/storage/event_store.py).
SaveEvents = Callable[..., None]
#: publish(account_id, stored_event, handler_event, request_id): server/events/bus.py publish.
PublishEvent = Callable[[str, Mapping[str, Any], Mapping[str, Any], str], None]
#: listening(account_id): whether the account has a live subscriber now (server/events/bus.py subscribers).
Listening = Callable[[str], bool]


def handler_event_json(event: handler_events_pb2.HandlerEvent) -> dict[str, Any]:
    """The HandlerEvent as the REST answer prints it (proto field names, defaults printed)."""
    return json_format.MessageToDict(event, preserving_proto_field_name=True, always_print_fields_with_no_presence=True)


class EventSink:
    def __init__(
        self, save_events: SaveEvents, publish: PublishEvent | None, listening: Listening | None = None
    ) -> None:
        self._save_events = save_events
        self._publish = publish
        self._listening = listening

    def save(self, record: EventRecord, *, wait: bool) -> None:
        """event_policy: store the event (wait_saving=0: queued, written in the background)."""
        self._save_events([record], wait=wait)

    def publish(
        self, account_id: str, record: EventRecord, event: handler_events_pb2.HandlerEvent, request_id: str
    ) -> None:
        """notification_policy: the live subscribers of the account get the event. A failure here never fails
        the request (the event is already answered and stored)."""
        if self._publish is None:
            return
        try:
            if self._listening is not None and not self._listening(account_id):
                return  # nobody listens: the two JSON documents are not built (~0.6 ms per event)
            self._publish(account_id, stored_event_json(record), handler_event_json(event), request_id)
        except Exception:  # notifications are best effort: logged
            _LOGGER.exception("publishing event %s failed", record.event_id)
