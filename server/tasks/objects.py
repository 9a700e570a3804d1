"""Selecting the faces, events and temporary attributes a task works on, and their descriptors.

Filters (v6 §7.4) arrive in the task content as JSON; FACE_FILTERS_SCHEMA / EVENT_FILTERS_SCHEMA check them at
creation (12022 with the path). The account is always the task's: `account_id` in the filters may only repeat it.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from typing import Any

import numpy as np

from server import errors
from server.clock import format_time
from server.errors import LunaError
from server.matching.index import normalise
from server.storage.repositories.events import EventFilter
from server.storage.repositories.faces import FaceFilter
from server.storage.repositories.tasks import TaskRow
from server.tasks.base import TaskEnv
from server.validation import UUID_SCHEMA, parse_time

_UUIDS = {"type": "array", "items": UUID_SCHEMA, "maxItems": 100_000}
_TIME = {"type": "string", "minLength": 1, "maxLength": 64}
_TEXT_LIST = {"type": "array", "items": {"type": "string", "maxLength": 256}, "maxItems": 1000}

FACE_FILTERS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "account_id": UUID_SCHEMA,
        "face_ids": _UUIDS,
        "external_ids": _TEXT_LIST,
        "user_data": {"type": "string", "maxLength": 128},
        "create_time__gte": _TIME,
        "create_time__lt": _TIME,
        "face_id__gte": UUID_SCHEMA,
        "face_id__lt": UUID_SCHEMA,
        "list_id": UUID_SCHEMA,
    },
    "additionalProperties": False,
}
EVENT_FILTERS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "account_id": UUID_SCHEMA,
        "event_ids": _UUIDS,
        "handler_ids": _UUIDS,
        "face_ids": _UUIDS,
        "external_ids": _TEXT_LIST,
        "sources": _TEXT_LIST,
        "track_ids": _TEXT_LIST,
        "user_data": {"type": "string", "maxLength": 128},
        "create_time__gte": _TIME,
        "create_time__lt": _TIME,
        "end_time__gte": _TIME,
        "end_time__lt": _TIME,
    },
    "additionalProperties": False,
}
# Temporary attributes (POST /6/extractor, /6/attributes): the matcher's candidate filters of origin "attributes".
ATTRIBUTE_FILTERS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"account_id": UUID_SCHEMA, "attribute_ids": _UUIDS},
    "additionalProperties": False,
}


def _time(filters: dict[str, Any], name: str) -> str | None:
    value = filters.get(name)
    if value is None:
        return None
    try:
        return format_time(parse_time(str(value)))
    except LunaError:
        raise LunaError(
            errors.JSON_VALIDATION, path=f"content.filters.{name}", message="not an RFC 3339 time"
        ) from None


def check_account(filters: dict[str, Any], account_id: str) -> None:
    """`account_id` in the filters may only name the task's own account (isolation)."""
    given = filters.get("account_id")
    if given is not None and str(given).lower() != account_id:
        raise LunaError(errors.JSON_VALIDATION, path="content.filters.account_id", message="not the caller's account")


def face_filter(filters: dict[str, Any], account_id: str) -> FaceFilter:
    check_account(filters, account_id)
    return FaceFilter(
        account_id=account_id,
        face_ids=filters.get("face_ids"),
        external_ids=filters.get("external_ids"),
        user_data_contains=filters.get("user_data"),
        face_id_gte=filters.get("face_id__gte"),
        face_id_lt=filters.get("face_id__lt"),
        create_time_gte=_time(filters, "create_time__gte"),
        create_time_lt=_time(filters, "create_time__lt"),
        list_id=filters.get("list_id"),
    )


def event_filter(filters: dict[str, Any], account_id: str) -> EventFilter:
    check_account(filters, account_id)
    return EventFilter(
        account_id=account_id,
        event_ids=filters.get("event_ids"),
        handler_ids=filters.get("handler_ids"),
        face_ids=filters.get("face_ids"),
        external_ids=filters.get("external_ids"),
        sources=filters.get("sources"),
        track_ids=filters.get("track_ids"),
        user_data=filters.get("user_data"),
        create_time_gte=_time(filters, "create_time__gte"),
        create_time_lt=_time(filters, "create_time__lt"),
        end_time_gte=_time(filters, "end_time__gte"),
        end_time_lt=_time(filters, "end_time__lt"),
        with_descriptor=True,
    )


def select_ids(env: TaskEnv, objects_type: str, filters: dict[str, Any], account_id: str) -> list[str]:
    """The ids of the selected faces, events or attributes, in a stable order. Attributes: the live ones (not
    expired) with a descriptor of the task's version, read from storage (in the worker: its read-only view)."""
    if objects_type == "attributes":
        check_account(filters, account_id)
        wanted = filters.get("attribute_ids")
        ids = None if wanted is None else [str(a).lower() for a in wanted]
        return env.storage.attributes.live_ids(env.matching.version, account_id, ids)
    if objects_type == "events":
        return sorted(event_id for event_id, _ in env.storage.events.repository.ids(event_filter(filters, account_id)))
    return sorted(env.storage.faces.ids(face_filter(filters, account_id)))


# The descriptor matrices of the tasks running now: every subtask of a task reads the same ids (a clustering of
# 100 k faces has 100 subtasks), so they are read once per task and kept for the next subtasks.
_CACHE: OrderedDict[tuple[object, ...], tuple[list[str], np.ndarray]] = OrderedDict()
_CACHE_LOCK = threading.Lock()
CACHED_TASKS = 4


def vectors(env: TaskEnv, objects_type: str, ids: list[str]) -> tuple[list[str], np.ndarray]:
    """(ids that have a descriptor of the task's version, their unit vectors as rows), in the order of `ids`;
    cached per task and id list."""
    key = (env.task_id, objects_type, len(ids), hashlib.sha1("\n".join(ids).encode(), usedforsecurity=False).digest())
    with _CACHE_LOCK:
        hit = _CACHE.get(key)
        if hit is not None:
            _CACHE.move_to_end(key)
            return hit
    found = _read_vectors(env, objects_type, ids)
    with _CACHE_LOCK:
        _CACHE[key] = found
        while len(_CACHE) > CACHED_TASKS:
            _CACHE.popitem(last=False)
    return found


def forget(task_id: int) -> None:
    """Drop the cached matrices of a finished task."""
    with _CACHE_LOCK:
        for key in [k for k in _CACHE if k[0] == task_id]:
            del _CACHE[key]


def _read_vectors(env: TaskEnv, objects_type: str, ids: list[str]) -> tuple[list[str], np.ndarray]:
    """Faces and events: from the matching indexes (the worker's snapshot, the server's live index in tests).
    Attributes: from storage (live attributes only), descriptors of the version of those indexes."""
    if objects_type == "attributes":
        return _attribute_vectors(env, ids)
    index = env.matching.events if objects_type == "events" else env.matching.faces
    rows: list[np.ndarray] = []
    kept = []
    for object_id in ids:
        vector = index.get(object_id)
        if vector is not None:
            kept.append(object_id)
            rows.append(vector)
    if not rows:
        return [], np.zeros((0, 0), dtype=np.float32)
    return kept, np.stack(rows).astype(np.float32)


# Attribute descriptors read per query (SQLite caps the parameters of one statement).
ATTRIBUTE_READ_ROWS = 500


def _attribute_vectors(env: TaskEnv, ids: list[str]) -> tuple[list[str], np.ndarray]:
    version = env.matching.version
    found: dict[str, bytes] = {}
    for start in range(0, len(ids), ATTRIBUTE_READ_ROWS):
        found.update(env.storage.attributes.live_descriptors(version, None, ids[start : start + ATTRIBUTE_READ_ROWS]))
    kept = [i for i in ids if i in found]
    if not kept:
        return [], np.zeros((0, 0), dtype=np.float32)
    matrix = np.frombuffer(b"".join(found[i] for i in kept), dtype="<f4").reshape(len(kept), -1)
    return kept, normalise(matrix, matrix.shape[1])


def content_of(task: TaskRow) -> dict[str, Any]:
    """The content the task was created with."""
    value = json.loads(task["content"])
    return value if isinstance(value, dict) else {}
