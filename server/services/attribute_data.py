"""Attribute data shared by temporary attributes (/6/attributes) and face attributes (/6/faces).

An attribute is descriptors (one per version), basic attributes {age, gender, ethnicity} and the
sample IDs each was built from. Clients give it as JSON (POST /6/attributes, the inline
`attribute` of POST /6/faces and PUT /6/faces/{id}/attributes) or by the ID of a temporary
attribute. Temporary attributes live until their TTL ends (server/storage/repositories/attributes.py);
face attributes live with their face, their descriptors in LanceDB (server/storage/repositories/faces.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
from google.protobuf import struct_pb2
from google.protobuf.message import Message

from server import errors
from server.descriptor_codec import decode_raw, decode_sdk
from server.errors import LunaError
from server.storage.descriptors import FORMATS, current_version, supported_versions
from server.storage.repositories.attributes import AttributeData, TemporaryAttributeRepository
from server.validation import UUID_SCHEMA

AGE_MAX = 100
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


def query_descriptor_version(request: Message) -> int:
    """The `descriptor_version` query field: a version Lumen knows (12012 naming the versions otherwise)."""
    version = int(request.descriptor_version) if request.HasField("descriptor_version") else current_version()
    if version not in FORMATS:
        raise LunaError(errors.BAD_DESCRIPTOR_VERSION_PARAM, supported=supported_versions())
    return version


# -- temporary attributes ----------------------------------------------------------------------


def load_temporary(
    repository: TemporaryAttributeRepository, attribute_id: str, account_id: str | None
) -> AttributeData:
    """The data of a live temporary attribute of the account (22011 when missing or expired)."""
    data = repository.load(attribute_id, account_id)
    if data is None:
        raise LunaError(errors.ATTRIBUTE_NOT_FOUND, id=attribute_id)
    return data


def resolve_face_attribute(
    repository: TemporaryAttributeRepository, document: dict[str, Any], account_id: str
) -> AttributeData:
    """Attribute data from JSON validated by FACE_ATTRIBUTE_SCHEMA."""
    if "attribute_id" in document:
        return load_temporary(repository, str(document["attribute_id"]).lower(), account_id)
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
