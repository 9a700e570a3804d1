"""The JSON schema of a v6 Policies object (ENDPOINTS.md §2.2-§2.7): types, enums, ranges, unknown keys.

Checks a schema cannot express (min <= max, time bounds, match labels) are in policies.py. Both report
12022 naming the path of the offending value.
"""

from __future__ import annotations

from typing import Any

from server.validation import UUID_PATTERN

FLAG: dict[str, Any] = {"type": "integer", "enum": [0, 1]}
UUID: dict[str, Any] = {"type": "string", "pattern": UUID_PATTERN}
MAX_IDS = 1000
MAX_LIST_ITEMS = 100
UUIDS: dict[str, Any] = {"type": "array", "items": UUID, "maxItems": MAX_IDS}
TEXT_36: dict[str, Any] = {"type": "string", "maxLength": 36}
TEXT_128: dict[str, Any] = {"type": "string", "maxLength": 128}
TEXTS_36: dict[str, Any] = {"type": "array", "items": TEXT_36, "maxItems": MAX_IDS}
AGE: dict[str, Any] = {"type": "integer", "minimum": 0, "maximum": 200}
PROBABILITY: dict[str, Any] = {"type": "number", "minimum": 0, "maximum": 1}
# A time bound: RFC 3339 date-time or relative (`now-2y`); parsed in policies.py.
TIME_BOUND: dict[str, Any] = {"type": "string", "minLength": 1, "maxLength": 64}
TRACK_ID: dict[str, Any] = {"type": "string", "pattern": "^[a-zA-Z0-9_\\-]{1,36}$"}


def int_enum(*values: int) -> dict[str, Any]:
    return {"type": "integer", "enum": list(values)}


def int_enum_list(*values: int, nullable: bool = False) -> dict[str, Any]:
    schema: dict[str, Any] = {
        "type": ["array", "null"] if nullable else "array",
        "items": int_enum(*values),
        "maxItems": len(values) * 4,
    }
    return schema


def obj(properties: dict[str, Any], required: list[str] | None = None) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "object", "properties": properties, "additionalProperties": False}
    if required:
        schema["required"] = required
    return schema


# -- face_quality checks (§2.3.1) --------------------------------------------------------------------------


def range_threshold(minimum: float | None = None, maximum: float | None = None) -> dict[str, Any]:
    bound: dict[str, Any] = {"type": ["number", "null"]}
    if minimum is not None:
        bound["minimum"] = minimum
    if maximum is not None:
        bound["maximum"] = maximum
    return obj({"min": bound, "max": bound})


def list_threshold(values: list[str] | None) -> dict[str, Any]:
    item: dict[str, Any] = {"type": "string", "enum": values} if values else {"type": "string", "maxLength": 36}
    return {"type": "array", "items": item, "minItems": 1, "maxItems": MAX_LIST_ITEMS}


def check(threshold: dict[str, Any]) -> dict[str, Any]:
    return obj({"estimate": FLAG, "threshold": threshold})


# -- filters (§2.5 match filters, §2.6 storage filters) ----------------------------------------------------

ATTRIBUTE_FILTERS: dict[str, Any] = {
    "gender": int_enum(0, 1),
    "ethnicities": int_enum_list(1, 2, 3, 4),
    "age__lt": AGE,
    "age__gte": AGE,
    "liveness": int_enum_list(0, 1, 2),
}
MATCH_LABEL: dict[str, Any] = {"type": "string", "minLength": 1, "maxLength": 36}
STORAGE_FILTERS = obj(
    {
        **ATTRIBUTE_FILTERS,
        "match": {
            "type": "array",
            "maxItems": MAX_LIST_ITEMS,
            "items": obj(
                {"label": MATCH_LABEL, "similarity__lte": PROBABILITY, "similarity__gte": PROBABILITY}, ["label"]
            ),
        },
    }
)
MATCH_FILTERS = obj(dict(ATTRIBUTE_FILTERS))

# -- match_policy candidates (§2.5, §4.5) ----------------------------------------------------------------

FACE_CANDIDATES: dict[str, Any] = {
    "origin": {"type": "string", "enum": ["faces"]},
    "face_ids": UUIDS,
    "account_id": UUID,
    "external_ids": TEXTS_36,
    "user_data": TEXT_128,
    "create_time__gte": TIME_BOUND,
    "create_time__lt": TIME_BOUND,
    "face_id__gte": UUID,
    "face_id__lt": UUID,
    "list_id": UUID,
}
EVENT_CANDIDATES: dict[str, Any] = {
    "origin": {"type": "string", "enum": ["events"]},
    "event_ids": UUIDS,
    "account_id": UUID,
    "event_id__gte": UUID,
    "event_id__lt": UUID,
    "handler_ids": UUIDS,
    "external_ids": TEXTS_36,
    "top_matching_candidates_label": MATCH_LABEL,
    "top_similar_object_ids": UUIDS,
    "top_similar_external_ids": TEXTS_36,
    "top_similar_object_similarity__gte": PROBABILITY,
    "top_similar_object_similarity__lt": PROBABILITY,
    "age__gte": AGE,
    "age__lt": AGE,
    "gender": int_enum(0, 1),
    "emotions": int_enum_list(1, 2, 3, 4, 5, 6, 7),
    "liveness": int_enum_list(0, 1, 2),
    "masks": int_enum_list(1, 2, 3),
    "ethnic_groups": int_enum_list(1, 2, 3, 4),
    "face_ids": UUIDS,
    "user_data": TEXT_128,
    "sources": {"type": "array", "items": TEXT_128, "maxItems": MAX_IDS},
    "tags": TEXTS_36,
    "cities": TEXTS_36,
    "areas": TEXTS_36,
    "districts": TEXTS_36,
    "streets": TEXTS_36,
    "house_numbers": TEXTS_36,
    "geo_position": obj(
        {
            "origin_longitude": {"type": "number", "minimum": -180, "maximum": 180},
            "origin_latitude": {"type": "number", "minimum": -90, "maximum": 90},
            "longitude_delta": {"type": "number", "minimum": 0, "maximum": 90},
            "latitude_delta": {"type": "number", "minimum": 0, "maximum": 90},
        },
        ["origin_longitude", "origin_latitude"],
    ),
    "track_ids": {"type": "array", "items": TRACK_ID, "maxItems": MAX_IDS},
    "create_time__gte": TIME_BOUND,
    "create_time__lt": TIME_BOUND,
    "end_time__gte": TIME_BOUND,
    "end_time__lt": TIME_BOUND,
}
FACE_TARGETS = ["face_id", "account_id", "event_id", "user_data", "create_time", "external_id", "avatar", "lists"]
EVENT_TARGETS = [
    "event_id", "account_id", "handler_id", "create_time", "end_time", "face_id", "external_id", "source",
    "user_data", "tags", "track_id", "top_match", "match_result", "face_detections", "body_detections",
    "attach_result", "gender", "age", "emotion", "mask", "ethnic_group", "liveness", "location",
]  # fmt: skip
MAX_MATCH_LIMIT = 100
MATCH_POLICY_ITEM = obj(
    {
        "label": MATCH_LABEL,
        # origin picks which of the two candidate schemas applies (checked again in policies.py).
        "candidates": {
            "type": "object",
            "required": ["origin"],
            "properties": {"origin": {"type": "string", "enum": ["faces", "events"]}},
            "if": {"properties": {"origin": {"const": "faces"}}},
            "then": obj(FACE_CANDIDATES, ["origin"]),
            "else": obj(EVENT_CANDIDATES, ["origin"]),
        },
        "filters": MATCH_FILTERS,
        "limit": {"type": "integer", "minimum": 1, "maximum": MAX_MATCH_LIMIT},
        "targets": {
            "type": "array",
            "items": {"type": "string", "enum": sorted(set(FACE_TARGETS) | set(EVENT_TARGETS) | {"similarity"})},
            "minItems": 1,
            "maxItems": 64,
        },
        "threshold": PROBABILITY,
    },
    ["label", "candidates"],
)

# -- storage_policy (§2.6) and conditional_tags_policy (§2.7) ---------------------------------------------

MAX_TTL_S = 86400
STORAGE_POLICY = obj(
    {
        "face_sample_policy": obj({"store_sample": FLAG, "filters": STORAGE_FILTERS}),
        "body_sample_policy": obj({"store_sample": FLAG, "filters": STORAGE_FILTERS}),
        "image_origin_policy": obj({"store_image": FLAG, "use_external_references": FLAG, "filters": STORAGE_FILTERS}),
        "attribute_policy": obj(
            {
                "store_attribute": FLAG,
                "ttl": {"type": "integer", "minimum": 1, "maximum": MAX_TTL_S},
                "filters": STORAGE_FILTERS,
            }
        ),
        "face_policy": obj(
            {
                "store_face": FLAG,
                "set_sample_as_avatar": FLAG,
                "link_to_lists_policy": {
                    "type": "array",
                    "maxItems": MAX_LIST_ITEMS,
                    "items": obj({"list_id": UUID, "filters": STORAGE_FILTERS}, ["list_id"]),
                },
                "filters": STORAGE_FILTERS,
            }
        ),
        "event_policy": obj({"store_event": FLAG, "wait_saving": FLAG, "filters": STORAGE_FILTERS}),
        "notification_policy": obj({"send_notification": FLAG, "filters": STORAGE_FILTERS}),
    }
)
CONDITIONAL_TAG = obj({"tag": {"type": "string", "minLength": 1, "maxLength": 36}, "filters": STORAGE_FILTERS}, ["tag"])

ANGLE_THRESHOLD: dict[str, Any] = {"type": ["integer", "null"], "minimum": 0, "maximum": 180}


def policies_schema(checks: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The Policies schema; `checks` maps each face_quality check name to its threshold schema."""
    face_quality = obj(
        {
            "estimate": FLAG,
            "filter": FLAG,
            "checks": obj({name: check(threshold) for name, threshold in checks.items()}),
        }
    )
    detect_policy = obj(
        {
            "detect_face": FLAG,
            "detect_body": FLAG,
            "multiface_policy": int_enum(0, 1, 2),
            "estimate_head_pose": FLAG,
            "estimate_emotions": FLAG,
            "estimate_mask": FLAG,
            "estimate_quality": FLAG,
            "estimate_gaze": FLAG,
            "estimate_eyes_attributes": FLAG,
            "estimate_mouth_attributes": FLAG,
            "detect_landmarks68": FLAG,
            "extract_exif": FLAG,
            "yaw_threshold": ANGLE_THRESHOLD,
            "roll_threshold": ANGLE_THRESHOLD,
            "pitch_threshold": ANGLE_THRESHOLD,
            "mask_states": int_enum_list(1, 2, 3, nullable=True),
            "estimate_liveness": obj(
                {"estimate": FLAG, "quality_threshold": PROBABILITY, "liveness_threshold": PROBABILITY}
            ),
            "liveness_states": int_enum_list(0, 1, 2, nullable=True),
            "face_quality": face_quality,
        }
    )
    extract_policy = obj(
        {
            "extract_basic_attributes": FLAG,
            "extract_face_descriptor": FLAG,
            "extract_body_descriptor": FLAG,
            "fd_score_threshold": PROBABILITY,
        }
    )
    return obj(
        {
            "detect_policy": detect_policy,
            "extract_policy": extract_policy,
            "match_policy": {"type": "array", "items": MATCH_POLICY_ITEM, "maxItems": MAX_LIST_ITEMS},
            "storage_policy": STORAGE_POLICY,
            "conditional_tags_policy": {"type": "array", "items": CONDITIONAL_TAG, "maxItems": MAX_LIST_ITEMS},
        }
    )
