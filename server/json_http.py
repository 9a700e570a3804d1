"""JSON answers that Envoy's transcoder cannot produce: a bare JSON array as the response body.

DESIGN.md §1: `response_body: "<repeated field>"` is refused by Envoy 1.40, so REST routes whose v6
answer is a bare array (/6/extractor, /6/matcher/*, GET /6/handlers) return google.api.HttpBody,
rendered here from the typed messages with the transcoder's own print options (proto field names,
fields without presence always printed, unset optional/message fields omitted), and keep a typed
RPC for gRPC clients.

    return json_array_body(response.attributes)
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from typing import Any

from google.api import httpbody_pb2
from google.protobuf import json_format
from google.protobuf.message import Message

JSON_CONTENT_TYPE = "application/json"


def message_to_json_value(message: Message) -> Any:
    """A message as the JSON value the transcoder would print for it."""
    value = json_format.MessageToDict(
        message, preserving_proto_field_name=True, always_print_fields_with_no_presence=True
    )
    return _integral_floats_as_ints(in_field_order(message, value))


def in_field_order(message: Message, value: dict[str, Any]) -> dict[str, Any]:
    """The JSON object of a message with its keys in declaration order, as the transcoder prints them
    (json_format appends the fields that hold their default value, e.g. `status: 0`, after the others).
    Well-known types (google.protobuf.*: Struct, Value, wrappers...) print as JSON values and are kept."""
    ordered: dict[str, Any] = {}
    for field in message.DESCRIPTOR.fields:
        if field.name not in value:
            continue
        item = value[field.name]
        kind = field.message_type
        nested = (
            kind is not None and not kind.full_name.startswith("google.protobuf.") and not kind.GetOptions().map_entry
        )
        if nested and field.label == field.LABEL_REPEATED:
            item = [
                in_field_order(child, entry) for child, entry in zip(getattr(message, field.name), item, strict=True)
            ]
        elif nested:
            item = in_field_order(getattr(message, field.name), item)
        ordered[field.name] = item
    return ordered


def _integral_floats_as_ints(value: Any) -> Any:
    # Envoy (C++) prints a double 3.0 as 3; Python's json would print 3.0.
    if isinstance(value, float) and math.isfinite(value) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    if isinstance(value, dict):
        return {key: _integral_floats_as_ints(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_integral_floats_as_ints(item) for item in value]
    return value


def json_http_body(value: Any) -> httpbody_pb2.HttpBody:
    """Any JSON value as an application/json HttpBody (compact, like the transcoder)."""
    data = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()
    return httpbody_pb2.HttpBody(content_type=JSON_CONTENT_TYPE, data=data)


def json_array_body(messages: Iterable[Message]) -> httpbody_pb2.HttpBody:
    """A bare JSON array of messages as an application/json HttpBody."""
    return json_http_body([message_to_json_value(message) for message in messages])
