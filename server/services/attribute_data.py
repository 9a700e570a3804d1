"""Attribute data shared by temporary attributes (/6/attributes) and face attributes (/6/faces).

An attribute is descriptors (one per version), basic attributes {age, gender, ethnicity} and the
sample IDs each was built from. Clients give it as JSON (POST /6/attributes, the inline
`attribute` of POST /6/faces and PUT /6/faces/{id}/attributes) or by the ID of a temporary
attribute. Temporary attributes live in the `attributes` / `attribute_descriptors` tables until
their TTL ends; face attributes live in `face_attributes` with their descriptors in LanceDB.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
from google.protobuf import struct_pb2

from server import errors
from server.errors import LunaError
from server.storage.descriptors import DEFAULT_VERSION, FORMATS, decode_raw, decode_sdk, supported_versions
from server.validation import UUID_SCHEMA, format_time, now, query_int

AGE_MAX = 100
# Expired temporary attributes are invisible at once; their rows are purged at most this often.
PURGE_INTERVAL_S = 10.0
GENDERS = (0, 1)
ETHNICITIES = (1, 2, 3, 4)
BASIC_ATTRIBUTE_KEYS = ("age", "gender", "ethnicity")

SAMPLES_SCHEMA: dict[str, Any] = {"type": "array", "items": UUID_SCHEMA, "uniqueItems": True}
DESCRIPTOR_SCHEMA: dict[str, Any] = {
    "anyOf": [
        {
            "type": "object",
            "properties": {"descriptor": {"type": "string"}, "version": {"type": "integer"}},
            "required": ["descriptor", "version"],
            "additionalProperties": False,
        },
        {"type": "string"},
    ]
}
BASIC_ATTRIBUTES_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "age": {"type": "integer", "minimum": 0, "maximum": AGE_MAX},
        "gender": {"type": "integer", "enum": list(GENDERS)},
        "ethnicity": {"type": "integer", "enum": list(ETHNICITIES)},
    },
    "required": list(BASIC_ATTRIBUTE_KEYS),
    "additionalProperties": False,
}
# Descriptors and/or basic attributes, each with its samples (v6 POST /6/attributes body).
ATTRIBUTE_DATA_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "face_descriptors": {"type": "array", "items": DESCRIPTOR_SCHEMA, "minItems": 1},
        "face_descriptor_samples": SAMPLES_SCHEMA,
        "basic_attributes": BASIC_ATTRIBUTES_SCHEMA,
        "basic_attributes_samples": SAMPLES_SCHEMA,
    },
    # Checked in this order: an unknown key is reported before a missing one (as v6 does).
    "additionalProperties": False,
    "anyOf": [{"required": ["face_descriptors"]}, {"required": ["basic_attributes"]}],
    "dependencies": {
        "face_descriptor_samples": ["face_descriptors"],
        "basic_attributes_samples": ["basic_attributes"],
    },
}
# `{attribute_id}` of a temporary attribute, or attribute data (POST /6/faces `attribute`, PUT
# /6/faces/{id}/attributes).
FACE_ATTRIBUTE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "if": {"required": ["attribute_id"]},
    "then": {
        "type": "object",
        "additionalProperties": False,
        "properties": {"attribute_id": UUID_SCHEMA},
        "required": ["attribute_id"],
    },
    "else": ATTRIBUTE_DATA_SCHEMA,
}


@dataclass
class AttributeData:
    descriptors: dict[int, np.ndarray] = field(default_factory=dict)
    #: {age, gender, ethnicity}; ethnicity is LUNA's code 1..4 (1 african_american, 2 indian, 3 asian,
    #: 4 caucasian; /6/extractor: the predominant GEAR ethnicity), None when it was not estimated.
    basic_attributes: dict[str, int | None] | None = None
    face_descriptor_samples: list[str] = field(default_factory=list)
    basic_attributes_samples: list[str] = field(default_factory=list)

    def samples(self) -> list[str]:
        """Every sample the attribute was built from, once, descriptor samples first."""
        return list(dict.fromkeys([*self.face_descriptor_samples, *self.basic_attributes_samples]))


def parse_attribute_data(document: dict[str, Any]) -> AttributeData:
    """Decode JSON validated by ATTRIBUTE_DATA_SCHEMA (descriptor errors: 22017, 22018, 22019, 12022)."""
    descriptors: dict[int, np.ndarray] = {}
    for item in document.get("face_descriptors", []):
        if isinstance(item, str):
            version, vector = decode_sdk(item)
        else:
            version = int(item["version"])
            vector = decode_raw(item["descriptor"], version)
        if version in descriptors:
            raise LunaError(errors.DUPLICATE_DESCRIPTOR_VERSION, version=version)
        if not np.all(np.isfinite(vector)):
            raise LunaError(errors.JSON_VALIDATION, path="face_descriptors", message="descriptor has non-finite values")
        descriptors[version] = vector
    basic = document.get("basic_attributes")
    return AttributeData(
        descriptors=descriptors,
        basic_attributes=None if basic is None else {key: int(basic[key]) for key in BASIC_ATTRIBUTE_KEYS},
        face_descriptor_samples=[s.lower() for s in document.get("face_descriptor_samples", [])],
        basic_attributes_samples=[s.lower() for s in document.get("basic_attributes_samples", [])],
    )


def query_descriptor_version(value: str | None) -> int:
    """The `descriptor_version` query parameter: a version Lumen knows (12012 naming the versions otherwise)."""
    try:
        version: int | None = query_int(value, "descriptor_version", DEFAULT_VERSION)
    except LunaError:
        version = None
    if version is None or version not in FORMATS:
        raise LunaError(errors.BAD_DESCRIPTOR_VERSION_PARAM, supported=supported_versions())
    return version


# -- temporary attributes ----------------------------------------------------------------------


def expire_time(ttl_s: int, moment: datetime | None = None) -> str:
    return format_time((moment or datetime.now(UTC)) + timedelta(seconds=ttl_s))


class _PurgeClock:
    """Says when the next purge of expired attributes is due (shared by every writer)."""

    def __init__(self, interval_s: float) -> None:
        self.interval_s = interval_s
        self._next = 0.0
        self._lock = threading.Lock()

    def due(self) -> bool:
        with self._lock:
            moment = time.monotonic()
            if moment < self._next:
                return False
            self._next = moment + self.interval_s
            return True


_PURGE_CLOCK = _PurgeClock(PURGE_INTERVAL_S)


def insert_temporary(
    conn: sqlite3.Connection, attribute_id: str, account_id: str, data: AttributeData, ttl_s: int
) -> str:
    """Store a temporary attribute (inside the caller's write transaction); returns its create_time.

    Expired attributes are purged on the way (at most every PURGE_INTERVAL_S), so the table holds
    the live ones and a few dead ones; every read ignores the dead.
    """
    created = datetime.now(UTC)
    if _PURGE_CLOCK.due():
        conn.execute("DELETE FROM attributes WHERE expire_time <= ?", (format_time(created),))
    conn.execute(
        "INSERT INTO attributes (attribute_id, account_id, create_time, expire_time, basic_attributes, "
        "basic_attributes_samples, face_descriptor_samples) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            attribute_id,
            account_id,
            format_time(created),
            expire_time(ttl_s, created),
            None if data.basic_attributes is None else json.dumps(data.basic_attributes),
            json.dumps(data.basic_attributes_samples),
            json.dumps(data.face_descriptor_samples),
        ),
    )
    conn.executemany(
        "INSERT INTO attribute_descriptors (attribute_id, version, descriptor) VALUES (?, ?, ?)",
        [(attribute_id, v, np.asarray(vec, dtype="<f4").tobytes()) for v, vec in data.descriptors.items()],
    )
    return format_time(created)


def live_temporary_rows(
    conn: sqlite3.Connection, attribute_ids: list[str], account_id: str | None
) -> dict[str, dict[str, Any]]:
    """Unexpired attribute rows by ID, limited to the account when one is given."""
    if not attribute_ids:
        return {}
    sql = f"SELECT * FROM attributes WHERE attribute_id IN ({', '.join('?' * len(attribute_ids))}) AND expire_time > ?"
    params: list[object] = [*attribute_ids, now()]
    if account_id is not None:
        sql += " AND account_id = ?"
        params.append(account_id)
    cursor = conn.execute(sql, params)
    names = [d[0] for d in cursor.description]
    rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    return {str(row["attribute_id"]): row for row in rows}


def temporary_descriptors(
    conn: sqlite3.Connection, attribute_ids: list[str], version: int | None = None
) -> dict[str, dict[int, bytes]]:
    """Raw descriptor bytes by attribute ID and version (only `version` when given)."""
    if not attribute_ids:
        return {}
    sql = (
        "SELECT attribute_id, version, descriptor FROM attribute_descriptors "
        f"WHERE attribute_id IN ({', '.join('?' * len(attribute_ids))})"
    )
    params: list[object] = list(attribute_ids)
    if version is not None:
        sql += " AND version = ?"
        params.append(version)
    found: dict[str, dict[int, bytes]] = {}
    for attribute_id, row_version, blob in conn.execute(sql, params):
        found.setdefault(attribute_id, {})[int(row_version)] = bytes(blob)
    return found


def load_temporary(conn: sqlite3.Connection, attribute_id: str, account_id: str | None) -> AttributeData:
    """The data of a live temporary attribute of the account (22011 when missing or expired)."""
    row = live_temporary_rows(conn, [attribute_id], account_id).get(attribute_id)
    if row is None:
        raise LunaError(errors.ATTRIBUTE_NOT_FOUND, id=attribute_id)
    blobs = temporary_descriptors(conn, [attribute_id]).get(attribute_id, {})
    return AttributeData(
        descriptors={v: np.frombuffer(b, dtype="<f4").copy() for v, b in blobs.items()},
        basic_attributes=None if row["basic_attributes"] is None else json.loads(row["basic_attributes"]),
        face_descriptor_samples=json.loads(row["face_descriptor_samples"]),
        basic_attributes_samples=json.loads(row["basic_attributes_samples"]),
    )


def resolve_face_attribute(conn: sqlite3.Connection, document: dict[str, Any], account_id: str) -> AttributeData:
    """Attribute data from JSON validated by FACE_ATTRIBUTE_SCHEMA."""
    if "attribute_id" in document:
        return load_temporary(conn, str(document["attribute_id"]).lower(), account_id)
    return parse_attribute_data(document)


# -- JSON values for responses -----------------------------------------------------------------


def null_value() -> struct_pb2.Value:
    return struct_pb2.Value(null_value=struct_pb2.NULL_VALUE)


def string_list(items: Iterable[str]) -> struct_pb2.ListValue:
    values = struct_pb2.ListValue()
    values.extend(list(items))
    return values


def json_value(document: dict[str, Any] | None) -> struct_pb2.Value:
    """A JSON object as a Value, or null."""
    value = struct_pb2.Value()
    if document is None:
        value.null_value = struct_pb2.NULL_VALUE
    else:
        value.struct_value.update(document)
    return value
