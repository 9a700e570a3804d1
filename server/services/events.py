"""EventsService: stored events (v6 API-095..102): GET /6/events, GET/HEAD /6/events/{id},
POST /6/events/stats and POST /6/handlers/{handler_id}/events/raw.

Events live in their own database (server/storage/event_store.py); the SQL is in
server/storage/repositories/events.py; JSON <-> EventRecord in server/events/records.py.
"""

from __future__ import annotations

import calendar
import re
import uuid
from datetime import UTC, datetime
from typing import Any

import numpy as np
from google.protobuf import struct_pb2

from lumen.v6 import common_pb2, events_pb2, events_service_pb2, events_service_pb2_grpc
from server import errors
from server.clock import format_time
from server.descriptor_codec import decode_raw, decode_sdk
from server.errors import LunaError
from server.events import bus
from server.events.records import EVENT_TARGETS, record_from_event_json, stored_event_json
from server.rpc import HTTP_STATUS_HEADER, Call, luna_rpc
from server.services.common import EXTERNAL_ID_MAX, USER_DATA_MAX
from server.storage.descriptors import current_version
from server.storage.repositories.events import (
    AGGREGATORS,
    OPERATORS,
    ORDERED_STATS_COLUMNS,
    STATS_COLUMNS,
    EventFilter,
    EventRepository,
    GeoBox,
    StatsCondition,
    StatsTarget,
    TimeGrouping,
)
from server.storage.store import Storage
from server.validation import (
    UUID_SCHEMA,
    float_param,
    int_param,
    json_body,
    list_param,
    now,
    page_params,
    parse_time,
    path_uuid,
    str_param,
    targets_param,
    time_param,
    uuid_list_param,
    uuid_param,
)

EVENTS_MAX_PAGE_SIZE = 1000
TRACK_ID_PATTERN = "^[a-zA-Z0-9_\\-]{1,36}$"
_TRACK_ID_RE = re.compile(TRACK_ID_PATTERN)
LOCATION_PART_MAX = 36
TAG_MAX = 36
SOURCE_MAX = 128
DEFAULT_GEO_DELTA = 0.01
# Codes of the attribute filters (§4.2).
EMOTION_RANGE = range(1, 8)
MASK_RANGE = range(1, 4)
ETHNIC_RANGE = range(1, 5)
LIVENESS_RANGE = range(0, 3)
MAX_STATS_ITEMS = 100

# -- POST /6/events/stats ------------------------------------------------------------------------------------

GROUP_BY_RE = re.compile(r"^(?:(?P<count>[1-9][0-9]{0,3})(?P<unit>[smhdwMy])|(?P<frequency>\w+))$")
FREQUENCIES = ("hourOfDay", "dayOfWeek", "dayOfMonth", "monthOfYear")
PERIOD_OPERATORS = ("gt", "gte", "lt", "lte")
STATS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "targets": {
            "type": "array",
            "maxItems": MAX_STATS_ITEMS,
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["column", "aggregator"],
                "properties": {"column": {"enum": list(STATS_COLUMNS)}, "aggregator": {"enum": list(AGGREGATORS)}},
            },
        },
        "filters": {
            "type": "array",
            "maxItems": MAX_STATS_ITEMS,
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["column", "operator", "value"],
                "properties": {
                    "column": {"enum": list(STATS_COLUMNS)},
                    "operator": {"enum": list(OPERATORS)},
                    "value": {
                        "type": ["string", "number", "null", "array"],
                        "maxLength": 1024,
                        "maxItems": 1000,
                        "items": {"type": ["string", "number"], "maxLength": 1024},
                    },
                },
            },
        },
        "period": {
            "type": "array",
            "maxItems": 2,
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["operator", "value"],
                "properties": {"operator": {"enum": list(PERIOD_OPERATORS)}, "value": {"type": "string"}},
            },
        },
        "group_by": {"type": "string", "maxLength": 32},
    },
}
DEFAULT_STATS_TARGETS = (StatsTarget("event_id", "count"),)

# -- POST /6/handlers/{handler_id}/events/raw ----------------------------------------------------------------

_TEXT_36: dict[str, Any] = {"type": ["string", "null"], "maxLength": LOCATION_PART_MAX}
_RECT: dict[str, Any] = {
    "type": "object",
    "required": ["x", "y", "width", "height"],
    "properties": {
        k: {"type": "integer", "minimum": -(2**31), "maximum": 2**31 - 1} for k in ("x", "y", "width", "height")
    },
}
_SAMPLE: dict[str, Any] = {
    "type": "object",
    "properties": {
        "sample_id": UUID_SCHEMA,
        "detection": {"type": "object", "properties": {"rect": _RECT}},
        "url": {"type": "string", "maxLength": 256},
    },
}
_CANDIDATE_OBJECT: dict[str, Any] = {
    "type": "object",
    "properties": {
        "face_id": UUID_SCHEMA,
        "event_id": UUID_SCHEMA,
        "external_id": {"type": ["string", "null"], "maxLength": EXTERNAL_ID_MAX},
        "user_data": {"type": ["string", "null"], "maxLength": USER_DATA_MAX},
    },
}
RAW_EVENT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "detections": {
            "type": "array",
            "maxItems": 100,
            "items": {
                "type": "object",
                "properties": {
                    "filename": {"type": "string", "maxLength": 256},
                    "samples": {"type": "object", "properties": {"face": _SAMPLE, "body": _SAMPLE}},
                    "detect_time": {"type": "string", "maxLength": 64},
                    "detect_ts": {"type": ["number", "null"]},
                    "image_origin": {"type": ["string", "null"], "maxLength": 256},
                },
            },
        },
        "source": {"type": "string", "maxLength": SOURCE_MAX},
        "location": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "city": _TEXT_36,
                "area": _TEXT_36,
                "district": _TEXT_36,
                "street": _TEXT_36,
                "house_number": _TEXT_36,
                "geo_position": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["longitude", "latitude"],
                    "properties": {
                        "longitude": {"type": "number", "minimum": -180, "maximum": 180},
                        "latitude": {"type": "number", "minimum": -90, "maximum": 90},
                    },
                },
            },
        },
        "external_id": {"type": "string", "maxLength": EXTERNAL_ID_MAX},
        "user_data": {"type": "string", "maxLength": USER_DATA_MAX},
        "track_id": {"type": "string", "pattern": TRACK_ID_PATTERN},
        "face": {
            "type": ["object", "null"],
            "properties": {
                "face_id": UUID_SCHEMA,
                "event_id": UUID_SCHEMA,
                "external_id": {"type": "string", "maxLength": EXTERNAL_ID_MAX},
                "user_data": {"type": "string", "maxLength": USER_DATA_MAX},
                "lists": {"type": "array", "items": UUID_SCHEMA, "maxItems": 1000},
                "url": {"type": "string", "maxLength": 256},
            },
        },
        "matches": {
            "type": ["array", "null"],
            "maxItems": 30,
            "items": {
                "type": "object",
                "required": ["label", "candidates"],
                "properties": {
                    "label": {"type": "string", "maxLength": 36},
                    "candidates": {
                        "type": "array",
                        "maxItems": 100,
                        "items": {
                            "type": "object",
                            "required": ["similarity"],
                            "properties": {
                                "face": _CANDIDATE_OBJECT,
                                "event": _CANDIDATE_OBJECT,
                                "similarity": {"type": "number", "minimum": 0, "maximum": 1},
                            },
                        },
                    },
                },
            },
        },
        "face_attributes": {
            "type": ["object", "null"],
            "properties": {
                "attribute_id": UUID_SCHEMA,
                "basic_attributes": {
                    "type": "object",
                    "properties": {
                        "age": {"type": "integer", "minimum": 0, "maximum": 200},
                        "gender": {"type": "integer", "enum": [0, 1]},
                        "ethnicities": {
                            "type": "object",
                            "properties": {
                                "predominant_ethnicity": {"enum": ["african_american", "indian", "asian", "caucasian"]}
                            },
                        },
                    },
                },
                "descriptor": {"type": "string", "maxLength": 65536},
            },
        },
        "body_attributes": {"type": ["object", "null"]},
        "aggregate_estimations": {"type": "object"},
        "tags": {"type": "array", "maxItems": 100, "items": {"type": "string", "maxLength": TAG_MAX}},
        "create_time": {"type": "string", "maxLength": 64},
        "end_time": {"type": "string", "maxLength": 64},
    },
}


def _codes(request: Any, name: str, allowed: range) -> list[int] | None:
    items = list_param(request, name)
    if items is None:
        return None
    try:
        codes = [int(item) for item in items]
    except ValueError:
        raise LunaError(errors.BAD_QUERY_PARAM, name=name) from None
    if any(code not in allowed for code in codes):
        raise LunaError(errors.BAD_QUERY_PARAM, name=name)
    return codes


def _bounded_list(request: Any, name: str, max_length: int) -> list[str] | None:
    items = list_param(request, name)
    if items is not None and any(len(item) > max_length for item in items):
        raise LunaError(errors.BAD_QUERY_PARAM, name=name)
    return items


def month_before(moment: datetime) -> datetime:
    """The same time a calendar month earlier (the day clamped to the month's length)."""
    year, month = (moment.year, moment.month - 1) if moment.month > 1 else (moment.year - 1, 12)
    return moment.replace(year=year, month=month, day=min(moment.day, calendar.monthrange(year, month)[1]))


def event_filters(request: events_service_pb2.GetEventsRequest, account_id: str | None) -> EventFilter:
    """The filters of GET /6/events (§4.3), with its default window (the last month) unless an event id
    or a create_time bound is given."""
    event_ids = uuid_list_param(request, "event_ids")
    event_id_gte = uuid_param(request, "event_id__gte")
    event_id_lt = uuid_param(request, "event_id__lt")
    create_gte = time_param(request, "create_time__gte")
    create_lt = time_param(request, "create_time__lt")
    if not (event_ids or event_id_gte or event_id_lt or create_gte or create_lt):
        current = datetime.now(UTC)
        create_gte, create_lt = format_time(month_before(current)), format_time(current)
    # Each value's range first (12012 naming it), then the pair: the box needs both origins.
    longitude = float_param(request, "origin_longitude", 0.0, minimum=-180, maximum=180)
    latitude = float_param(request, "origin_latitude", 0.0, minimum=-90, maximum=90)
    longitude_delta = float_param(request, "longitude_delta", DEFAULT_GEO_DELTA, minimum=0, maximum=90)
    latitude_delta = float_param(request, "latitude_delta", DEFAULT_GEO_DELTA, minimum=0, maximum=90)
    has_longitude = request.HasField("origin_longitude")
    if has_longitude != request.HasField("origin_latitude"):
        raise LunaError(errors.BAD_QUERY_PARAM, name="origin_latitude" if has_longitude else "origin_longitude")
    geo = GeoBox(longitude, latitude, longitude_delta, latitude_delta) if has_longitude else None
    track_ids = list_param(request, "track_ids")
    if track_ids is not None and not all(_TRACK_ID_RE.match(item) for item in track_ids):
        raise LunaError(errors.BAD_QUERY_PARAM, name="track_ids")
    similarity = {"minimum": 0.0, "maximum": 1.0}
    return EventFilter(
        account_id=account_id,
        event_ids=event_ids,
        event_id_gte=event_id_gte,
        event_id_lt=event_id_lt,
        handler_ids=uuid_list_param(request, "handler_ids"),
        face_ids=uuid_list_param(request, "face_ids"),
        external_ids=_bounded_list(request, "external_ids", EXTERNAL_ID_MAX),
        user_data=str_param(request, "user_data", max_length=USER_DATA_MAX),
        sources=_bounded_list(request, "sources", SOURCE_MAX),
        tags=_bounded_list(request, "tags", TAG_MAX),
        cities=_bounded_list(request, "cities", LOCATION_PART_MAX),
        areas=_bounded_list(request, "areas", LOCATION_PART_MAX),
        districts=_bounded_list(request, "districts", LOCATION_PART_MAX),
        streets=_bounded_list(request, "streets", LOCATION_PART_MAX),
        house_numbers=_bounded_list(request, "house_numbers", LOCATION_PART_MAX),
        geo=geo,
        top_matching_candidates_label=str_param(request, "top_matching_candidates_label", max_length=36),
        top_similar_object_ids=uuid_list_param(request, "top_similar_object_ids"),
        top_similar_external_ids=_bounded_list(request, "top_similar_external_ids", EXTERNAL_ID_MAX),
        top_similarity_gte=float_param(request, "top_similar_object_similarity__gte", 0.0, **similarity)
        if request.HasField("top_similar_object_similarity__gte")
        else None,
        top_similarity_lt=float_param(request, "top_similar_object_similarity__lt", 1.0, **similarity)
        if request.HasField("top_similar_object_similarity__lt")
        else None,
        age_gte=int_param(request, "age__gte", 0, minimum=0) if request.HasField("age__gte") else None,
        age_lt=int_param(request, "age__lt", 0, minimum=0) if request.HasField("age__lt") else None,
        gender=int_param(request, "gender", 0, choices=(0, 1)) if request.HasField("gender") else None,
        emotions=_codes(request, "emotions", EMOTION_RANGE),
        masks=_codes(request, "masks", MASK_RANGE),
        ethnic_groups=_codes(request, "ethnic_groups", ETHNIC_RANGE),
        liveness=_codes(request, "liveness", LIVENESS_RANGE),
        track_ids=track_ids,
        create_time_gte=create_gte,
        create_time_lt=create_lt,
        end_time_gte=time_param(request, "end_time__gte"),
        end_time_lt=time_param(request, "end_time__lt"),
    )


_PLAIN_FIELDS = frozenset({"event_id", "account_id", "create_time", "end_time", "user_data"})
_LIST_FIELDS = frozenset({"tags", "match_result", "face_detections", "attach_result"})


def _set_value(target: struct_pb2.Value, value: Any) -> None:
    if value is None:
        target.null_value = struct_pb2.NULL_VALUE
    elif isinstance(value, bool):
        target.bool_value = value
    elif isinstance(value, int | float):
        target.number_value = value
    elif isinstance(value, str):
        target.string_value = value
    elif isinstance(value, dict):
        target.struct_value.SetInParent()
        target.struct_value.update(value)
    else:
        target.list_value.SetInParent()
        target.list_value.extend(value)


def to_event(document: dict[str, Any]) -> events_pb2.Event:
    """The Event message of a stored event's JSON (server/events/records.py stored_event_json). Built field by
    field: json_format.ParseDict takes 3x as long, which a page of 1 000 events feels."""
    event = events_pb2.Event()
    for name, value in document.items():
        if name in _PLAIN_FIELDS:
            setattr(event, name, value)
        elif name in _LIST_FIELDS:
            field = getattr(event, name)
            field.SetInParent()
            field.extend(value)
        else:
            _set_value(getattr(event, name), value)
    return event


def _json_error(path: str, message: str) -> LunaError:
    return LunaError(errors.JSON_VALIDATION, path=path, message=message)


def _time_grouping(value: str) -> TimeGrouping:
    match = GROUP_BY_RE.match(value)
    if match is None or (match.group("frequency") is not None and match.group("frequency") not in FREQUENCIES):
        raise _json_error("group_by", f"'{value}' is neither an interval (e.g. 1h) nor one of {', '.join(FREQUENCIES)}")
    if match.group("frequency") is not None:
        return TimeGrouping(frequency=match.group("frequency"), label=value)
    return TimeGrouping(count=int(match.group("count")), unit=match.group("unit"), label=value)


def stats_query(
    document: dict[str, Any], account_id: str | None
) -> tuple[EventFilter, list[StatsCondition], list[StatsTarget], TimeGrouping | None]:
    """The parts of a validated POST /6/events/stats body (12022 for what the schema cannot check)."""
    targets = [StatsTarget(t["column"], t["aggregator"]) for t in document.get("targets") or ()] or list(
        DEFAULT_STATS_TARGETS
    )
    for index, target in enumerate(targets):
        if target.aggregator in ("min", "max") and target.column not in ORDERED_STATS_COLUMNS:
            raise _json_error(f"targets.{index}", f"'{target.aggregator}' does not apply to '{target.column}'")
        if target.aggregator == "avg" and target.column not in ORDERED_STATS_COLUMNS - {"create_time", "end_time"}:
            raise _json_error(f"targets.{index}", f"'avg' does not apply to '{target.column}'")
    conditions: list[StatsCondition] = []
    for index, item in enumerate(document.get("filters") or ()):
        operator, value = item["operator"], item["value"]
        if (operator in ("in", "nin")) != isinstance(value, list):
            raise _json_error(
                f"filters.{index}.value",
                f"operator '{operator}' needs {'a list' if operator in ('in', 'nin') else 'a single value'}",
            )
        if operator in ("like", "nlike") and not isinstance(value, str):
            raise _json_error(f"filters.{index}.value", f"operator '{operator}' needs a string")
        if item["column"] in ("create_time", "end_time") and isinstance(value, str):
            value = _stored_time(value, f"filters.{index}.value")
        conditions.append(StatsCondition(item["column"], operator, value))
    for index, bound in enumerate(document.get("period") or ()):
        stamp = _stored_time(bound["value"], f"period.{index}.value")
        conditions.append(StatsCondition("create_time", bound["operator"], stamp))
    grouping = _time_grouping(document["group_by"]) if "group_by" in document else None
    return EventFilter(account_id=account_id), conditions, targets, grouping


def _stored_time(value: str, path: str) -> str:
    try:
        moment = parse_time(value)
    except ValueError:
        raise _json_error(path, f"'{value}' is not an RFC 3339 date-time") from None
    return format_time(moment)


def _descriptor(encoded: str) -> dict[int, np.ndarray]:
    """face_attributes.descriptor: an SDK descriptor (base64), else a raw one of Lumen's default version."""
    try:
        version, vector = decode_sdk(encoded)
    except LunaError:
        version, vector = current_version(), decode_raw(encoded, current_version())
    return {version: vector}


class EventsService(events_service_pb2_grpc.EventsServiceServicer):
    def __init__(self, storage: Storage) -> None:
        self.storage = storage

    @property
    def _events(self) -> EventRepository:
        return self.storage.events.repository

    @luna_rpc()
    def GetEvents(
        self, request: events_service_pb2.GetEventsRequest, call: Call
    ) -> events_service_pb2.GetEventsResponse:
        targets = targets_param(request, "target", EVENT_TARGETS)
        order = str_param(request, "order")
        if order not in (None, "asc", "desc"):
            raise LunaError(errors.BAD_QUERY_PARAM, name="order")
        offset, limit = page_params(request, EVENTS_MAX_PAGE_SIZE)
        filters = event_filters(request, call.account_id)
        records = self._events.find(filters, offset=offset, limit=limit, newest_first=order != "asc")
        return events_service_pb2.GetEventsResponse(events=[to_event(stored_event_json(r, targets)) for r in records])

    @luna_rpc()
    def GetEvent(self, request: events_service_pb2.GetEventRequest, call: Call) -> events_pb2.Event:
        event_id = path_uuid(request.event_id, "event_id")
        targets = targets_param(request, "target", EVENT_TARGETS)
        record = self._events.get(event_id, call.account_id)
        if record is None:
            raise LunaError(errors.EVENT_NOT_FOUND, id=event_id)
        return to_event(stored_event_json(record, targets))

    @luna_rpc()
    def EventExists(self, request: events_service_pb2.EventExistsRequest, call: Call) -> common_pb2.NoContent:
        event_id = path_uuid(request.event_id, "event_id")
        if not self._events.exists(event_id, call.account_id):
            raise LunaError(errors.EVENT_NOT_FOUND, id=event_id)
        return common_pb2.NoContent()

    @luna_rpc()
    def GetEventStats(self, request: events_service_pb2.GetEventStatsRequest, call: Call) -> events_pb2.EventStats:
        document = json_body(request.body, request.params, STATS_SCHEMA, has_params=request.HasField("params"))
        filters, conditions, targets, grouping = stats_query(document, call.account_id)
        result = self._events.stats(filters, conditions, targets, grouping)
        answer = events_pb2.EventStats(fields=result.fields)
        answer.stats.extend(result.rows)
        return answer

    @luna_rpc(account_required=True)
    def CreateRawEvent(
        self, request: events_service_pb2.CreateRawEventRequest, call: Call
    ) -> events_pb2.RawEventCreated:
        account_id = call.require_account()
        handler_id = path_uuid(request.handler_id, "handler_id")
        wait = request.wait_saving if request.HasField("wait_saving") else True
        document = json_body(request.body, request.params, RAW_EVENT_SCHEMA, has_params=request.HasField("params"))
        self._check_handler(handler_id, account_id)
        current = now()
        create_time = _stored_time(document["create_time"], "create_time") if "create_time" in document else current
        end_time = _stored_time(document["end_time"], "end_time") if "end_time" in document else create_time
        descriptor = (document.get("face_attributes") or {}).get("descriptor")
        event_id = str(uuid.uuid4())
        record = record_from_event_json(
            document,
            event_id=event_id,
            account_id=account_id,
            handler_id=handler_id,
            create_time=create_time,
            end_time=end_time,
            descriptors=_descriptor(descriptor) if descriptor else None,
        )
        url = f"/6/events/{event_id}"
        # wait_saving=0: queued, and published right away (LUNA forwards a buffered raw event at once too).
        self.storage.events.save_events([record], wait=wait)
        handler_event = {key: value for key, value in document.items() if key not in ("create_time", "end_time")}
        bus.publish(
            account_id,
            stored_event_json(record),
            handler_event={"event_id": event_id, "url": url, **handler_event},
            request_id=call.request_id,
        )
        if not wait:
            call.set_header(HTTP_STATUS_HEADER, "202")
        return events_pb2.RawEventCreated(event_id=event_id, url=url)

    def _check_handler(self, handler_id: str, account_id: str) -> None:
        """The handler must exist in the account (34000) and be dynamic (v6 API-095)."""
        found = self.storage.handlers.get(handler_id, account_id)
        if found is None:
            raise LunaError(errors.HANDLER_NOT_FOUND, id=handler_id)
        if not found["is_dynamic"]:
            raise LunaError(errors.HANDLER_NOT_DYNAMIC, id=handler_id)


def register(server: Any, context: Any) -> None:
    events_service_pb2_grpc.add_EventsServiceServicer_to_server(EventsService(context.storage), server)
    context.service_names.append(events_service_pb2.DESCRIPTOR.services_by_name["EventsService"].full_name)
