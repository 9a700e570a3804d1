"""Parsing and validation of v6 inputs: query strings, path ids and JSON bodies.

Every function raises LunaError with the v6 code (12012 for query values, 12001 for ids in the
path, 12017/12021/12022 for bodies), so services never see malformed input.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

import jsonschema
import msgpack
from google.api import httpbody_pb2
from google.protobuf import json_format
from google.protobuf.message import Message

from server import errors
from server.clock import format_time, now  # noqa: F401 - now: re-exported for the services
from server.errors import LunaError

UUID_PATTERN = "^[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}$"
_UUID_RE = re.compile(UUID_PATTERN)
DEFAULT_PAGE_SIZE = 10
MAX_PAGE_SIZE = 100
# Integers from the query must fit SQLite's INTEGER (int64), and so must a page's offset.
INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1
# JSON bodies nested deeper than this are refused (12021) before anything recurses over them.
MAX_JSON_DEPTH = 64
_SURROGATE_RE = re.compile("[\ud800-\udfff]")
JSON_CONTENT_TYPE = "application/json"
MSGPACK_CONTENT_TYPE = "application/msgpack"

# JSON-schema fragments shared by the body schemas.
UUID_SCHEMA: dict[str, Any] = {"type": "string", "pattern": UUID_PATTERN}
UUID_ARRAY_SCHEMA: dict[str, Any] = {"type": "array", "items": UUID_SCHEMA, "minItems": 1}


def query_param(request: Message, name: str) -> str | None:
    """An optional query-string field of a request message: its text, or None when absent."""
    return str(getattr(request, name)) if request.HasField(name) else None


def is_uuid(value: str) -> bool:
    return bool(_UUID_RE.match(value))


def path_uuid(value: str, name: str) -> str:
    """A UUID from the path; the canonical lower-case form."""
    lowered = value.lower()
    if not is_uuid(lowered):
        raise LunaError(errors.BAD_PATH_ID, name=name)
    return lowered


def query_uuid(value: str | None, name: str) -> str | None:
    if value is None or value == "":
        return None
    lowered = value.lower()
    if not is_uuid(lowered):
        raise LunaError(errors.BAD_QUERY_PARAM, name=name)
    return lowered


def query_int(
    value: str | None,
    name: str,
    default: int,
    *,
    minimum: int | None = None,
    maximum: int | None = None,
    choices: Sequence[int] | None = None,
) -> int:
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise LunaError(errors.BAD_QUERY_PARAM, name=name) from None
    if not INT64_MIN <= number <= INT64_MAX:
        raise LunaError(errors.BAD_QUERY_PARAM, name=name)
    if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
        raise LunaError(errors.BAD_QUERY_PARAM, name=name)
    if choices is not None and number not in choices:
        raise LunaError(errors.BAD_QUERY_PARAM, name=name)
    return number


def query_str(value: str | None, name: str, *, max_length: int | None = None) -> str | None:
    if value is None:
        return None
    if max_length is not None and len(value) > max_length:
        raise LunaError(errors.BAD_QUERY_PARAM, name=name)
    return value


def parse_time(value: str) -> datetime:
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment


def _present(request: Message, name: str) -> bool:
    return request.HasField(name)


def int_param(
    request: Message,
    name: str,
    default: int,
    *,
    minimum: int | None = None,
    maximum: int | None = None,
    choices: Sequence[int] | None = None,
) -> int:
    """An `optional int32/int64` query field; `default` when absent."""
    if not _present(request, name):
        return default
    number = int(getattr(request, name))
    if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
        raise LunaError(errors.BAD_QUERY_PARAM, name=name)
    if choices is not None and number not in choices:
        raise LunaError(errors.BAD_QUERY_PARAM, name=name)
    return number


def flag_param(request: Message, name: str, default: bool = False) -> bool:
    """An `optional bool` query field (REST: 0 or 1); `default` when absent."""
    return bool(getattr(request, name)) if _present(request, name) else default


def float_param(request: Message, name: str, default: float, *, minimum: float, maximum: float) -> float:
    """An `optional double` query field within [minimum, maximum]; `default` when absent."""
    if not _present(request, name):
        return default
    number = float(getattr(request, name))
    if not minimum <= number <= maximum:  # also refuses NaN
        raise LunaError(errors.BAD_QUERY_PARAM, name=name)
    return number


def time_param(request: Message, name: str) -> str | None:
    """A `google.protobuf.Timestamp` query field in the stored time format; None when absent."""
    if not _present(request, name):
        return None
    try:
        moment = getattr(request, name).ToDatetime(tzinfo=UTC)
    except (ValueError, OverflowError):
        raise LunaError(errors.BAD_QUERY_PARAM, name=name) from None
    return format_time(moment)


def list_param(request: Message, name: str, *, skip_blank: bool = False) -> list[str] | None:
    """A `repeated string` query field: REST sends `a,b` or `x=a&x=b`, both flattened; None when absent.

    12012 for a blank item (`skip_blank`: blank items are dropped, 12012 only when none is left)."""
    values = list(getattr(request, name))
    if not values:
        return None
    items = [item.strip() for value in values for item in value.split(",")]
    if skip_blank:
        items = [item for item in items if item]
    if not items or any(item == "" for item in items):
        raise LunaError(errors.BAD_QUERY_PARAM, name=name)
    return items


def uuid_list_param(request: Message, name: str) -> list[str] | None:
    """A `repeated string` of UUIDs (lower-cased, blank items dropped); None when absent."""
    items = list_param(request, name, skip_blank=True)
    if items is None:
        return None
    lowered = [item.lower() for item in items]
    if not all(is_uuid(item) for item in lowered):
        raise LunaError(errors.BAD_QUERY_PARAM, name=name)
    return lowered


def uuid_param(request: Message, name: str) -> str | None:
    """An `optional string` UUID field; None when absent or empty."""
    return query_uuid(query_param(request, name), name)


def str_param(request: Message, name: str, *, max_length: int | None = None) -> str | None:
    """An `optional string` field of at most `max_length` characters; None when absent."""
    return query_str(query_param(request, name), name, max_length=max_length)


def targets_param(request: Message, name: str, allowed: Iterable[str]) -> list[str] | None:
    """A `repeated string` of field names from `allowed`, deduplicated; None when absent (all fields)."""
    items = list_param(request, name, skip_blank=True)
    if items is None:
        return None
    allowed_set = set(allowed)
    if any(item not in allowed_set for item in items):
        raise LunaError(errors.BAD_QUERY_PARAM, name=name)
    return list(dict.fromkeys(items))


def page_params(request: Message, max_page_size: int = MAX_PAGE_SIZE) -> tuple[int, int]:
    """(offset, limit) from the `optional int32` page and page_size fields (v6: page >= 1, 1..max_page_size)."""
    page_number = int_param(request, "page", 1, minimum=1)
    size = int_param(request, "page_size", DEFAULT_PAGE_SIZE, minimum=1, maximum=max_page_size)
    return (page_number - 1) * size, size


def _json_path(error: jsonschema.ValidationError) -> str:
    return ".".join(str(part) for part in error.absolute_path)


def validate_json(document: Any, schema: dict[str, Any]) -> None:
    validator = jsonschema.Draft7Validator(schema)
    found = sorted(validator.iter_errors(document), key=lambda e: (len(e.absolute_path), e.path))
    if found:
        first = jsonschema.exceptions.best_match(found) or found[0]
        raise LunaError(errors.JSON_VALIDATION, path=_json_path(first), message=first.message)


def _media_type(content_type: str) -> str:
    return content_type.split(";", 1)[0].strip().lower()


def _bytes_to_base64(value: Any) -> Any:
    """msgpack bodies may carry descriptors as raw bytes; the schemas expect base64 text."""
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    if isinstance(value, dict):
        return {k: _bytes_to_base64(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_bytes_to_base64(v) for v in value]
    return value


def check_json_document(document: Any) -> Any:
    """`document` if it nests at most MAX_JSON_DEPTH levels and holds no lone UTF-16 surrogate
    (json.loads accepts "\\ud800"; no store can encode it), else 12021. Iterative: no recursion."""
    stack: list[tuple[Any, int]] = [(document, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, str):
            if not value.isascii() and _SURROGATE_RE.search(value):
                raise LunaError(errors.BAD_JSON, reason="lone surrogate in a string")
        elif isinstance(value, dict | list):
            if depth > MAX_JSON_DEPTH:
                raise LunaError(errors.BAD_JSON, reason=f"nested deeper than {MAX_JSON_DEPTH} levels")
            items = value.items() if isinstance(value, dict) else enumerate(value)
            for key, item in items:
                if isinstance(key, str):
                    stack.append((key, depth))
                stack.append((item, depth + 1))
    return document


def parse_json(data: bytes) -> Any:
    """A JSON document from bytes, or 12021 (bad syntax or UTF-8, too deep, lone surrogate)."""
    try:
        document = json.loads(data)
    except RecursionError:
        raise LunaError(errors.BAD_JSON, reason=f"nested deeper than {MAX_JSON_DEPTH} levels") from None
    except (ValueError, UnicodeDecodeError) as error:
        raise LunaError(errors.BAD_JSON, reason=str(error)) from None
    return check_json_document(document)


def _decode_body(http_body: httpbody_pb2.HttpBody, accept_msgpack: bool) -> Any:
    media_type = _media_type(http_body.content_type)
    if media_type == JSON_CONTENT_TYPE:
        return parse_json(http_body.data) if http_body.data else {}
    if accept_msgpack and media_type == MSGPACK_CONTENT_TYPE:
        try:
            document = msgpack.unpackb(http_body.data, raw=False) if http_body.data else {}
            return _bytes_to_base64(check_json_document(document))
        except (ValueError, msgpack.UnpackException, RecursionError) as error:
            raise LunaError(errors.BAD_JSON, reason=str(error) or type(error).__name__) from None
    raise LunaError(errors.BAD_CONTENT_TYPE)


def json_document(http_body: httpbody_pb2.HttpBody, *, accept_msgpack: bool = False) -> Any:
    """A REST body of any JSON type (e.g. the bare array of /6/extractor), decoded but not validated:
    12017 for another Content-Type, 12021 when it does not decode."""
    return _decode_body(http_body, accept_msgpack)


def json_body(
    http_body: httpbody_pb2.HttpBody,
    params: Message | None,
    schema: dict[str, Any],
    *,
    has_params: bool = False,
    accept_msgpack: bool = False,
) -> dict[str, Any]:
    """The request's JSON body as a validated dict.

    REST requests carry the raw JSON in `http_body`; gRPC clients send the typed `params`
    message instead (has_params=True). Both go through the same JSON schema. Operations that v6
    documents with `application/msgpack` pass accept_msgpack=True.
    """
    if http_body.data or http_body.content_type:
        document = _decode_body(http_body, accept_msgpack)
    elif has_params and params is not None:
        document = json_format.MessageToDict(params, preserving_proto_field_name=True)
    else:
        document = {}
    validate_json(document, schema)
    if not isinstance(document, dict):
        raise LunaError(errors.JSON_VALIDATION, path="", message="body must be an object")
    return document
