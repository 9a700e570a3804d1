"""Event filters in JSON bodies (v6 §4.5: matcher candidates with origin "events", match_policy candidates):
their JSON schema and their EventFilter (server/storage/repositories/events.py)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from server import errors
from server.clock import format_time
from server.errors import LunaError
from server.storage.repositories.events import EventFilter, GeoBox
from server.validation import UUID_SCHEMA, parse_time

MAX_FILTER_ITEMS = 1000
_UUIDS: dict[str, Any] = {"type": "array", "items": UUID_SCHEMA, "maxItems": MAX_FILTER_ITEMS}


def _texts(max_length: int) -> dict[str, Any]:
    return {"type": "array", "items": {"type": "string", "maxLength": max_length}, "maxItems": MAX_FILTER_ITEMS}


def _codes(first: int, last: int) -> dict[str, Any]:
    return {"type": "array", "items": {"type": "integer", "minimum": first, "maximum": last}, "maxItems": 16}


_TIME: dict[str, Any] = {"type": "string", "maxLength": 64}
_SIMILARITY: dict[str, Any] = {"type": "number", "minimum": 0, "maximum": 1}
_AGE: dict[str, Any] = {"type": "integer", "minimum": 0, "maximum": 200}

#: The §4.5 object (unknown keys refused).
EVENT_FILTERS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "origin": {"const": "events"},
        "event_ids": _UUIDS,
        "account_id": UUID_SCHEMA,
        "event_id__gte": UUID_SCHEMA,
        "event_id__lt": UUID_SCHEMA,
        "handler_ids": _UUIDS,
        "external_ids": _texts(36),
        "top_matching_candidates_label": {"type": "string", "maxLength": 36},
        "top_similar_object_ids": _UUIDS,
        "top_similar_external_ids": _texts(36),
        "top_similar_object_similarity__gte": _SIMILARITY,
        "top_similar_object_similarity__lt": _SIMILARITY,
        "age__gte": _AGE,
        "age__lt": _AGE,
        "gender": {"type": "integer", "enum": [0, 1]},
        "emotions": _codes(1, 7),
        "liveness": _codes(0, 2),
        "masks": _codes(1, 3),
        "ethnic_groups": _codes(1, 4),
        "face_ids": _UUIDS,
        "user_data": {"type": "string", "maxLength": 128},
        "sources": _texts(128),
        "tags": _texts(36),
        "cities": _texts(36),
        "areas": _texts(36),
        "districts": _texts(36),
        "streets": _texts(36),
        "house_numbers": _texts(36),
        "geo_position": {
            "type": "object",
            "additionalProperties": False,
            "required": ["origin_longitude", "origin_latitude"],
            "properties": {
                "origin_longitude": {"type": "number", "minimum": -180, "maximum": 180},
                "origin_latitude": {"type": "number", "minimum": -90, "maximum": 90},
                "longitude_delta": {"type": "number", "minimum": 0, "maximum": 90},
                "latitude_delta": {"type": "number", "minimum": 0, "maximum": 90},
            },
        },
        "track_ids": {
            "type": "array",
            "items": {"type": "string", "pattern": "^[a-zA-Z0-9_\\-]{1,36}$"},
            "maxItems": MAX_FILTER_ITEMS,
        },
        "create_time__gte": _TIME,
        "create_time__lt": _TIME,
        "end_time__gte": _TIME,
        "end_time__lt": _TIME,
    },
}

_LISTS = (
    "event_ids",
    "handler_ids",
    "external_ids",
    "top_similar_object_ids",
    "top_similar_external_ids",
    "emotions",
    "liveness",
    "masks",
    "ethnic_groups",
    "face_ids",
    "sources",
    "tags",
    "cities",
    "areas",
    "districts",
    "streets",
    "house_numbers",
    "track_ids",
)


def _time(filters: Mapping[str, Any], name: str, path: str) -> str | None:
    if name not in filters:
        return None
    try:
        return format_time(parse_time(str(filters[name])))
    except ValueError:
        raise LunaError(errors.JSON_VALIDATION, path=f"{path}.{name}", message="not an RFC 3339 date-time") from None


def event_filter(filters: Mapping[str, Any], account_id: str | None, path: str = "filters") -> EventFilter:
    """The EventFilter of a validated §4.5 object; `account_id`: the account the search is limited to
    (the caller reconciles the header and the filter's own account_id). 12022 at `path` for bad times."""
    lists: dict[str, Any] = {name: list(filters[name]) for name in _LISTS if name in filters}
    for name in ("event_ids", "handler_ids", "top_similar_object_ids", "face_ids"):
        if name in lists:
            lists[name] = [str(item).lower() for item in lists[name]]
    geo = filters.get("geo_position")
    return EventFilter(
        account_id=account_id,
        event_id_gte=str(filters["event_id__gte"]).lower() if "event_id__gte" in filters else None,
        event_id_lt=str(filters["event_id__lt"]).lower() if "event_id__lt" in filters else None,
        user_data=filters.get("user_data"),
        geo=None
        if geo is None
        else GeoBox(
            origin_longitude=float(geo["origin_longitude"]),
            origin_latitude=float(geo["origin_latitude"]),
            longitude_delta=float(geo.get("longitude_delta", 0.01)),
            latitude_delta=float(geo.get("latitude_delta", 0.01)),
        ),
        top_matching_candidates_label=filters.get("top_matching_candidates_label"),
        top_similarity_gte=filters.get("top_similar_object_similarity__gte"),
        top_similarity_lt=filters.get("top_similar_object_similarity__lt"),
        age_gte=filters.get("age__gte"),
        age_lt=filters.get("age__lt"),
        gender=filters.get("gender"),
        create_time_gte=_time(filters, "create_time__gte", path),
        create_time_lt=_time(filters, "create_time__lt", path),
        end_time_gte=_time(filters, "end_time__gte", path),
        end_time_lt=_time(filters, "end_time__lt", path),
        **lists,
    )


def only_account(filters: EventFilter) -> bool:
    """Whether nothing but the account narrows the events (the index alone can search them)."""
    return all(
        getattr(filters, name) is None
        for name in filters.__dataclass_fields__
        if name not in ("account_id", "with_descriptor")
    )
