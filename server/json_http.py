"""JSON answers that Envoy's transcoder cannot produce: a bare JSON array as the response body.

docs/ARCHITECTURE.md §9: `response_body: "<repeated field>"` is refused by Envoy 1.40, so REST routes whose v6
answer is a bare array (/6/extractor, /6/matcher/*, GET /6/handlers) return google.api.HttpBody,
rendered here from the typed messages with the transcoder's own print options (proto field names,
fields without presence always printed, unset optional/message fields omitted), and keep a typed
RPC for gRPC clients.

    return json_array_body(response.attributes)

Answers that v6 also offers as msgpack (`Accept: application/msgpack`: /6/sdk, /6/iso) go through
negotiated_body(): the same document, msgpack-encoded.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from typing import Any

import msgpack
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


MSGPACK_CONTENT_TYPE = "application/msgpack"


def accept_header(context: Any) -> str | None:
    """The Accept header of a REST request (gRPC metadata `accept`), None when absent."""
    for key, value in context.invocation_metadata():
        if key.lower() == "accept":
            return value if isinstance(value, str) else value.decode("latin-1")
    return None


def accepted_media(accept: str | None) -> list[str]:
    """The media types of an Accept header with q > 0, preferred first (by q, then order)."""
    ranked: list[tuple[float, int, str]] = []
    for position, entry in enumerate((accept or "").split(",")):
        media, *params = (part.strip().lower() for part in entry.split(";"))
        quality = 1.0
        for param in params:
            if param.startswith("q="):
                try:
                    quality = float(param[2:])
                except ValueError:
                    quality = 0.0
        if media and quality > 0:
            ranked.append((-quality, position, media))
    return [media for _, _, media in sorted(ranked)]


def preferred(accept: str | None, supported: list[str], default: str) -> str:
    """The supported media type the Accept header prefers; `default` for a wildcard or when none is accepted."""
    for media in accepted_media(accept):
        if media in supported:
            return media
        if media in ("*/*", f"{default.split('/')[0]}/*"):
            return default
    return default


def prefers_msgpack(accept: str | None) -> bool:
    """True when Accept ranks application/msgpack above application/json (by q, then order)."""
    for media in accepted_media(accept):
        if media in (JSON_CONTENT_TYPE, MSGPACK_CONTENT_TYPE):
            return media == MSGPACK_CONTENT_TYPE
    return False


def negotiated_body(value: Any, accept: str | None) -> httpbody_pb2.HttpBody:
    """A JSON value as JSON, or as msgpack (the same document) when Accept asks for application/msgpack."""
    if prefers_msgpack(accept):
        return httpbody_pb2.HttpBody(content_type=MSGPACK_CONTENT_TYPE, data=msgpack.packb(value, use_bin_type=True))
    return json_http_body(value)
