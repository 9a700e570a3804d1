"""Build an OpenAPI 3.0.3 document from the compiled proto descriptor set.

The REST surface of Lumen is defined entirely by ``google.api.http`` annotations on the gRPC
services (Envoy's grpc_json_transcoder serves it), so the same descriptor set that configures
Envoy (``protoc --include_imports --include_source_info --descriptor_set_out``) is enough to
describe every route: paths and verbs come from the ``HttpRule``, parameters and bodies from
the request message, responses from the response message, and texts from the proto comments.

Conventions:

* The success status of an RPC is its ``(lumen.v6.http_success_status)`` option
  (proto/lumen/v6/options.proto; 200 when unset), the same the server answers with (server/rpc.py).
* Query parameters are typed from the proto field (issue 9 item 3): int32/int64 → integer, bool →
  integer 0/1 (v6 flags), double/float → number, ``google.protobuf.Timestamp`` → date-time string,
  ``repeated`` → array sent as a comma list (``style: form, explode: false``; repeating the
  parameter works too), strings named ``*_id`` / ``*_ids`` (before a ``__gte``-like suffix) →
  uuid, except the free-text external_id and track_id. A field's ``(lumen.v6.query)`` option
  adds the range, the allowed values and the default.
* Every operation takes the ``Luna-Request-Id`` header and, unless it is public
  (server/accounts.py PUBLIC_RPCS), ``Luna-Account-Id`` (required when the installation requires
  an account); every answer carries ``Luna-Request-Id``. Failures are the shared ``Error`` response
  (the LUNA error object).
* Request fields of type ``google.api.HttpBody`` are raw bodies (``*/*`` binary), except a request
  body field next to a message field named ``params``: that is Lumen's JSON body convention (the
  REST client sends the JSON form of ``params``; gRPC clients send ``params`` itself), so the body
  is documented as ``application/json`` with the ``params`` message schema.
* An answer of type ``google.api.HttpBody`` is what the RPC's ``(lumen.v6.http_response)`` option
  says (media types and, for JSON / msgpack, the message it carries), else
  ``application/octet-stream`` bytes.
* Responses of type ``google.protobuf.Empty`` (or any message without fields), status 204 and
  HEAD operations have no content.
* Property names are the proto field names (the transcoder preserves them).
"""

from __future__ import annotations

import json
import logging
import re
import textwrap
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from typing import Any

import yaml
from google.api import annotations_pb2, http_pb2
from google.protobuf import descriptor_pb2

from gateway.config import TASKS_API_SERVICE
from lumen.v6 import options_pb2
from server.accounts import PUBLIC_RPCS

_LOGGER = logging.getLogger(__name__)

OPENAPI_VERSION = "3.0.3"
ERROR_SCHEMA = "Error"
ERROR_RESPONSE = "Error"
ACCOUNT_ID_HEADER = "Luna-Account-Id"
REQUEST_ID_HEADER = "Luna-Request-Id"
ACCOUNT_ID_PARAMETER = "LunaAccountId"
REQUEST_ID_PARAMETER = "LunaRequestId"
# What gateway/lumen.lua echoes (anything else is replaced by a new id): "<unix seconds>,<uuid>".
REQUEST_ID_PATTERN = "^[0-9]{10},[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
OCTET_STREAM = "application/octet-stream"
_JSON_MEDIA_TYPES = ("application/json", "application/msgpack")
_TEXT_MEDIA_TYPES = ("application/x-yaml", "text/")
# Lookup suffixes of v6 filter names (face_id__gte); the rest of the name says what the value is.
_LOOKUP_SUFFIX_RE = re.compile(r"__(gte|gt|lte|lt|eq)$")
# Ids v6 names like the others that are free text, not uuids: external_id (<= 36 characters), track_id.
_FREE_TEXT_IDS = ("external_id", "track_id")
_LIST_NOTE = "A comma-separated list; repeating the parameter (x=a&x=b) works too."
# Name of the typed sibling of a JSON google.api.HttpBody request body (see the module docstring).
PARAMS_FIELD = "params"
_SCHEMA_PREFIX = "#/components/schemas/"
_PARAMETER_PREFIX = "#/components/parameters/"
_HEADER_PREFIX = "#/components/headers/"
_RESPONSE_PREFIX = "#/components/responses/"
# Placeholder prefix for message references; resolved to component names at the end.
_PENDING_REF = "\x00msg:"

_FDP = descriptor_pb2.FieldDescriptorProto

# Source code info path components (see descriptor.proto field numbers).
_FILE_MESSAGE = 4
_FILE_ENUM = 5
_FILE_SERVICE = 6
_MESSAGE_FIELD = 2
_MESSAGE_NESTED = 3
_MESSAGE_ENUM = 4
_SERVICE_METHOD = 2

_HTTP_BODY = "google.api.HttpBody"
_EMPTY = "google.protobuf.Empty"
_TIMESTAMP = "google.protobuf.Timestamp"

_INT32_TYPES = {
    _FDP.TYPE_INT32,
    _FDP.TYPE_UINT32,
    _FDP.TYPE_SINT32,
    _FDP.TYPE_FIXED32,
    _FDP.TYPE_SFIXED32,
}
_INT64_TYPES = {
    _FDP.TYPE_INT64,
    _FDP.TYPE_UINT64,
    _FDP.TYPE_SINT64,
    _FDP.TYPE_FIXED64,
    _FDP.TYPE_SFIXED64,
}

_WRAPPERS: dict[str, dict[str, Any]] = {
    "google.protobuf.DoubleValue": {"type": "number", "format": "double"},
    "google.protobuf.FloatValue": {"type": "number", "format": "float"},
    "google.protobuf.Int64Value": {"type": "integer", "format": "int64"},
    "google.protobuf.UInt64Value": {"type": "integer", "format": "int64"},
    "google.protobuf.Int32Value": {"type": "integer", "format": "int32"},
    "google.protobuf.UInt32Value": {"type": "integer", "format": "int32"},
    "google.protobuf.BoolValue": {"type": "boolean"},
    "google.protobuf.StringValue": {"type": "string"},
    "google.protobuf.BytesValue": {"type": "string", "format": "byte"},
}

_WELL_KNOWN: dict[str, dict[str, Any]] = {
    "google.protobuf.Value": {},
    "google.protobuf.ListValue": {"type": "array", "items": {}},
    "google.protobuf.Struct": {"type": "object", "additionalProperties": True},
    _EMPTY: {"type": "object"},
    "google.protobuf.Timestamp": {"type": "string", "format": "date-time"},
    "google.protobuf.Duration": {"type": "string"},
    "google.protobuf.FieldMask": {"type": "string"},
    "google.protobuf.Any": {
        "type": "object",
        "properties": {"@type": {"type": "string"}},
        "additionalProperties": True,
    },
}

_OPENAPI_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_PATH_VAR_RE = re.compile(r"\{([^}=]+)(?:=[^}]*)?\}")
_REASONS = {
    200: "OK",
    201: "Created",
    202: "Accepted",
    204: "No Content",
    302: "Found",
}


@dataclass
class _Message:
    full_name: str  # without the leading dot
    package: str
    proto: descriptor_pb2.DescriptorProto
    comment: str
    field_comments: dict[str, str] = field(default_factory=dict)


@dataclass
class _Enum:
    full_name: str
    proto: descriptor_pb2.EnumDescriptorProto
    comment: str


@dataclass
class _Binding:
    method: str
    path: str
    body: str
    response_body: str


class _Index:
    """Messages, enums and comments of a descriptor set, by full name."""

    def __init__(self, files: list[descriptor_pb2.FileDescriptorProto]) -> None:
        self.messages: dict[str, _Message] = {}
        self.enums: dict[str, _Enum] = {}
        for file in files:
            comments = _comments(file)
            prefix = file.package
            for i, message in enumerate(file.message_type):
                self._add_message(message, prefix, file.package, (_FILE_MESSAGE, i), comments)
            for i, enum in enumerate(file.enum_type):
                self._add_enum(enum, prefix, (_FILE_ENUM, i), comments)

    def _add_message(
        self,
        message: descriptor_pb2.DescriptorProto,
        prefix: str,
        package: str,
        path: tuple[int, ...],
        comments: dict[tuple[int, ...], str],
    ) -> None:
        full_name = f"{prefix}.{message.name}" if prefix else message.name
        entry = _Message(full_name, package, message, comments.get(path, ""))
        for i, fld in enumerate(message.field):
            text = comments.get((*path, _MESSAGE_FIELD, i), "")
            if text:
                entry.field_comments[fld.name] = text
        self.messages[full_name] = entry
        for i, nested in enumerate(message.nested_type):
            self._add_message(nested, full_name, package, (*path, _MESSAGE_NESTED, i), comments)
        for i, enum in enumerate(message.enum_type):
            self._add_enum(enum, full_name, (*path, _MESSAGE_ENUM, i), comments)

    def _add_enum(
        self,
        enum: descriptor_pb2.EnumDescriptorProto,
        prefix: str,
        path: tuple[int, ...],
        comments: dict[tuple[int, ...], str],
    ) -> None:
        full_name = f"{prefix}.{enum.name}" if prefix else enum.name
        self.enums[full_name] = _Enum(full_name, enum, comments.get(path, ""))

    def message(self, type_name: str) -> _Message:
        return self.messages[type_name.lstrip(".")]


def _clean_comment(text: str) -> str:
    lines = [line.rstrip() for line in text.splitlines()]
    return textwrap.dedent("\n".join(lines)).strip()


def _comments(file: descriptor_pb2.FileDescriptorProto) -> dict[tuple[int, ...], str]:
    found: dict[tuple[int, ...], str] = {}
    for location in file.source_code_info.location:
        if location.HasField("leading_comments"):
            text = _clean_comment(location.leading_comments)
            if text:
                found[tuple(location.path)] = text
    return found


def success_status(method: descriptor_pb2.MethodDescriptorProto) -> int:
    """The HTTP status of a successful answer: the RPC's ``http_success_status`` option, else 200."""
    return method.options.Extensions[options_pb2.http_success_status] or 200


def _bindings(rule: http_pb2.HttpRule) -> Iterator[_Binding]:
    yield from _binding(rule)
    for extra in rule.additional_bindings:
        if extra.additional_bindings:
            _LOGGER.warning("nested additional_bindings are not allowed; ignored")
        yield from _binding(extra)


def _binding(rule: http_pb2.HttpRule) -> Iterator[_Binding]:
    pattern = rule.WhichOneof("pattern")
    if pattern is None:
        return
    if pattern == "custom":
        method = rule.custom.kind.lower()
        path = rule.custom.path
    else:
        method = pattern
        path = getattr(rule, pattern)
    if method not in _OPENAPI_METHODS:
        _LOGGER.warning("HTTP method %r of %s cannot be described in OpenAPI; skipped", method, path)
        return
    yield _Binding(method, path, rule.body, rule.response_body)


def _path_variables(template: str) -> tuple[str, list[str]]:
    """Return the OpenAPI path (``{name=pattern}`` → ``{name}``) and the variable names."""
    names = [m.group(1).strip() for m in _PATH_VAR_RE.finditer(template)]
    return _PATH_VAR_RE.sub(lambda m: "{" + m.group(1).strip() + "}", template), names


def _scalar_schema(fld: descriptor_pb2.FieldDescriptorProto, index: _Index) -> dict[str, Any] | None:
    kind = fld.type
    if kind in _INT32_TYPES:
        return {"type": "integer", "format": "int32"}
    if kind in _INT64_TYPES:
        return {"type": "integer", "format": "int64"}
    if kind == _FDP.TYPE_DOUBLE:
        return {"type": "number", "format": "double"}
    if kind == _FDP.TYPE_FLOAT:
        return {"type": "number", "format": "float"}
    if kind == _FDP.TYPE_BOOL:
        return {"type": "boolean"}
    if kind == _FDP.TYPE_STRING:
        return {"type": "string"}
    if kind == _FDP.TYPE_BYTES:
        return {"type": "string", "format": "byte"}
    if kind == _FDP.TYPE_ENUM:
        name = fld.type_name.lstrip(".")
        if name == "google.protobuf.NullValue":
            return {"nullable": True}
        enum = index.enums.get(name)
        if enum is None:
            _LOGGER.warning("enum %s is not in the descriptor set", name)
            return {"type": "string"}
        return {"type": "string", "enum": [value.name for value in enum.proto.value]}
    return None


def _query_scalar(fld: descriptor_pb2.FieldDescriptorProto, index: _Index) -> dict[str, Any] | None:
    """The schema of one value of a query field (v6 syntax: flags are 0/1); None for a message field."""
    if fld.type == _FDP.TYPE_BOOL:
        return {"type": "integer", "enum": [0, 1]}
    if fld.type == _FDP.TYPE_MESSAGE:
        name = fld.type_name.lstrip(".")
        if name == _TIMESTAMP:
            return {"type": "string", "format": "date-time"}
        if name == "google.protobuf.BoolValue":
            return {"type": "integer", "enum": [0, 1]}
        if name in _WRAPPERS:
            return dict(_WRAPPERS[name])
        return None
    return _scalar_schema(fld, index)


def _field(message: _Message, dotted: str) -> descriptor_pb2.FieldDescriptorProto | None:
    """The field of a (non-nested) path variable; None for a nested one."""
    if "." in dotted:
        return None
    return next((f for f in message.proto.field if f.name == dotted), None)


def _string_format(fld: descriptor_pb2.FieldDescriptorProto | None, name: str) -> str:
    """The format of a string parameter: its option's, else uuid for *_id / *_ids names."""
    if fld is not None and fld.options.HasExtension(options_pb2.query):
        options = fld.options.Extensions[options_pb2.query]
        if options.HasField("format"):
            return options.format
    base = _LOOKUP_SUFFIX_RE.sub("", name).removesuffix("s")
    return "uuid" if base.endswith("_id") and not base.endswith(_FREE_TEXT_IDS) else ""


def _typed_value(text: str, schema: dict[str, Any], where: str) -> Any:
    """An option value given as text, as the JSON value of the schema's type."""
    kind = schema.get("type")
    try:
        if kind == "integer":
            return int(text)
        if kind == "number":
            return float(text)
    except ValueError:
        _LOGGER.warning("%s: %r is not a %s; documented as text", where, text, kind)
    return text


def _apply_query_options(
    item: dict[str, Any], fld: descriptor_pb2.FieldDescriptorProto, options: options_pb2.QueryField
) -> None:
    """Add the range, allowed values and default of a ``(lumen.v6.query)`` option to a value schema."""
    kind = item.get("type")
    for bound in ("minimum", "maximum"):
        if options.HasField(bound):
            value: float = getattr(options, bound)
            if kind == "integer":
                item[bound] = int(value)
            elif kind == "number":
                item[bound] = value
            else:
                _LOGGER.warning("%s: a %s on a %s field is ignored", fld.name, bound, kind)
    if options.enum_values:
        item["enum"] = [_typed_value(value, item, fld.name) for value in options.enum_values]
    if options.HasField("default_value"):
        if fld.label == _FDP.LABEL_REPEATED:
            item["default"] = [_typed_value(v.strip(), item, fld.name) for v in options.default_value.split(",")]
        else:
            item["default"] = _typed_value(options.default_value, item, fld.name)


class _Builder:
    def __init__(self, index: _Index) -> None:
        self.index = index
        self.schemas: dict[str, dict[str, Any]] = {}  # by message full name
        self._building: set[str] = set()

    # -- schemas -------------------------------------------------------------------------

    def message_ref(self, full_name: str) -> dict[str, Any]:
        """Schema of a message type: a well-known inline schema or a component reference."""
        full_name = full_name.lstrip(".")
        if full_name in _WRAPPERS:
            return {**_WRAPPERS[full_name], "nullable": True}
        if full_name in _WELL_KNOWN:
            return json.loads(json.dumps(_WELL_KNOWN[full_name]))  # deep copy
        if full_name not in self.index.messages:
            _LOGGER.warning("message %s is not in the descriptor set", full_name)
            return {"type": "object"}
        if full_name not in self.schemas and full_name not in self._building:
            self._building.add(full_name)
            try:
                self.schemas[full_name] = self.object_schema(self.index.messages[full_name])
            finally:
                self._building.discard(full_name)
        return {"$ref": _PENDING_REF + full_name}

    def object_schema(self, message: _Message, exclude: frozenset[str] = frozenset()) -> dict[str, Any]:
        properties: dict[str, Any] = {}
        for fld in message.proto.field:
            if fld.name in exclude:
                continue
            schema = self.field_schema(fld)
            description = message.field_comments.get(fld.name)
            if description:
                schema = _describe(schema, description)
            properties[fld.name] = schema
        result: dict[str, Any] = {"type": "object"}
        if message.comment:
            result["description"] = message.comment
        if properties:
            result["properties"] = properties
        return result

    def field_schema(self, fld: descriptor_pb2.FieldDescriptorProto) -> dict[str, Any]:
        repeated = fld.label == _FDP.LABEL_REPEATED
        if fld.type == _FDP.TYPE_MESSAGE:
            entry = self.index.messages.get(fld.type_name.lstrip("."))
            if repeated and entry is not None and entry.proto.options.map_entry:
                value = next(f for f in entry.proto.field if f.name == "value")
                return {
                    "type": "object",
                    "additionalProperties": self.field_schema(value),
                }
            item = self.message_ref(fld.type_name)
        elif fld.type == _FDP.TYPE_GROUP:
            item = self.message_ref(fld.type_name)
        else:
            scalar = _scalar_schema(fld, self.index)
            assert scalar is not None
            item = scalar
        if repeated:
            return {"type": "array", "items": item}
        return item

    # -- operations ----------------------------------------------------------------------

    def parameters(
        self, request: _Message, variables: list[str], binding: _Binding, *, public: bool
    ) -> list[dict[str, Any]]:
        params: list[dict[str, Any]] = []
        for name in variables:
            fld = _field(request, name)
            schema: dict[str, Any] = {"type": "string"}
            fmt = _string_format(fld, name.rsplit(".", 1)[-1]) if fld is None or fld.type == _FDP.TYPE_STRING else ""
            if fmt:
                schema["format"] = fmt
            param: dict[str, Any] = {"name": name, "in": "path", "required": True, "schema": schema}
            description = self._path_comment(request, name)
            if description:
                param["description"] = description
            params.append(param)
        if binding.body != "*":
            bound = {name.split(".", 1)[0] for name in variables}
            for fld in request.proto.field:
                if fld.name in bound or fld.name == binding.body:
                    continue
                query = self.query_parameter(request, fld)
                if query is not None:
                    params.append(query)
        if not public:
            params.append({"$ref": _PARAMETER_PREFIX + ACCOUNT_ID_PARAMETER})
        params.append({"$ref": _PARAMETER_PREFIX + REQUEST_ID_PARAMETER})
        return params

    def query_parameter(self, request: _Message, fld: descriptor_pb2.FieldDescriptorProto) -> dict[str, Any] | None:
        """The query parameter of a request field; None for a message field (not a query parameter)."""
        item = _query_scalar(fld, self.index)
        if item is None:
            return None
        options = fld.options.Extensions[options_pb2.query] if fld.options.HasExtension(options_pb2.query) else None
        if item.get("type") == "string" and "enum" not in item:
            fmt = _string_format(fld, fld.name)
            if fmt:
                item["format"] = fmt
        if options is not None:
            _apply_query_options(item, fld, options)
        repeated = fld.label == _FDP.LABEL_REPEATED
        schema = item
        if repeated:
            schema = {"type": "array", "items": item}
            if "default" in item:
                schema["default"] = item.pop("default")
        param: dict[str, Any] = {"name": fld.name, "in": "query", "required": False, "schema": schema}
        if repeated:
            param["style"] = "form"
            param["explode"] = False
        description = request.field_comments.get(fld.name, "")
        if repeated:
            description = f"{description}\n{_LIST_NOTE}" if description else _LIST_NOTE
        if description:
            param["description"] = description
        return param

    def _path_comment(self, request: _Message, dotted: str) -> str:
        message: _Message | None = request
        parts = dotted.split(".")
        for depth, part in enumerate(parts):
            if message is None:
                return ""
            fld = next((f for f in message.proto.field if f.name == part), None)
            if fld is None:
                _LOGGER.warning("path variable %s is not a field of %s", dotted, request.full_name)
                return ""
            if depth == len(parts) - 1:
                return message.field_comments.get(part, "")
            message = self.index.messages.get(fld.type_name.lstrip("."))
        return ""

    def request_body(self, request: _Message, variables: list[str], binding: _Binding) -> dict[str, Any] | None:
        if not binding.body:
            return None
        if binding.body == "*":
            if request.full_name == _HTTP_BODY:
                return _raw_body(required=True)
            if request.full_name == _EMPTY:
                return None
            exclude = frozenset(variables)
            if exclude & {f.name for f in request.proto.field}:
                schema = self.object_schema(request, exclude)
            else:
                schema = self.message_ref(request.full_name)
            return {
                "required": True,
                "content": {"application/json": {"schema": schema}},
            }
        fld = next((f for f in request.proto.field if f.name == binding.body), None)
        if fld is None:
            _LOGGER.warning("body field %s is not a field of %s", binding.body, request.full_name)
            return None
        if fld.type == _FDP.TYPE_MESSAGE and fld.type_name.lstrip(".") == _HTTP_BODY:
            params = _params_field(request, fld.name)
            if params is None:
                return _raw_body(required=True)
            # The raw body carries the JSON form of the typed `params` message.
            schema = self.message_ref(params.type_name)
        else:
            schema = self.field_schema(fld)
        description = request.field_comments.get(fld.name)
        body: dict[str, Any] = {
            "required": True,
            "content": {"application/json": {"schema": schema}},
        }
        if description:
            body["description"] = description
        return body

    def success_response(
        self,
        response: _Message,
        binding: _Binding,
        status: int,
        http_response: options_pb2.HttpResponse | None = None,
    ) -> dict[str, Any]:
        result: dict[str, Any] = {
            "description": _REASONS.get(status, "Success"),
            "headers": {REQUEST_ID_HEADER: {"$ref": _HEADER_PREFIX + REQUEST_ID_PARAMETER}},
        }
        if status == 302:
            result["headers"]["Location"] = {"description": "Where to go.", "schema": {"type": "string"}}
        if status == 204 or binding.method == "head":
            return result
        if binding.response_body:
            fld = next(
                (f for f in response.proto.field if f.name == binding.response_body),
                None,
            )
            if fld is None:
                _LOGGER.warning(
                    "response_body %s is not a field of %s",
                    binding.response_body,
                    response.full_name,
                )
                return result
            if fld.type == _FDP.TYPE_MESSAGE and fld.type_name.lstrip(".") == _HTTP_BODY:
                result["content"] = self.http_body_content(http_response)
            else:
                schema = self.field_schema(fld)
                result["content"] = {"application/json": {"schema": schema}}
            return result
        if response.full_name == _HTTP_BODY:
            result["content"] = self.http_body_content(http_response)
            return result
        if response.full_name == _EMPTY or not response.proto.field:
            return result
        schema = self.message_ref(response.full_name)
        result["content"] = {"application/json": {"schema": schema}}
        return result

    def http_body_content(self, http_response: options_pb2.HttpResponse | None) -> dict[str, Any]:
        """The content of a ``google.api.HttpBody`` answer, from the RPC's ``(lumen.v6.http_response)``."""
        if http_response is None or not http_response.media_types:
            return {OCTET_STREAM: {"schema": _binary()}}
        content: dict[str, Any] = {}
        for media_type in http_response.media_types:
            if media_type in _JSON_MEDIA_TYPES or media_type.endswith("+json"):
                schema: dict[str, Any] = self.message_ref(http_response.message) if http_response.message else {}
                if http_response.array:
                    schema = {"type": "array", "items": schema}
            elif media_type.startswith(_TEXT_MEDIA_TYPES):
                schema = {"type": "string"}
            else:
                schema = _binary()
            content[media_type] = {"schema": schema}
        return content


def _describe(schema: dict[str, Any], description: str) -> dict[str, Any]:
    if "$ref" in schema:
        # OpenAPI 3.0 ignores siblings of $ref; wrap it to keep the description.
        return {"allOf": [schema], "description": description}
    return {**schema, "description": description}


def _params_field(request: _Message, body_field: str) -> descriptor_pb2.FieldDescriptorProto | None:
    """The sibling ``params`` message field that types a JSON ``HttpBody`` body, if any."""
    for fld in request.proto.field:
        if (
            fld.name == PARAMS_FIELD
            and fld.name != body_field
            and fld.type == _FDP.TYPE_MESSAGE
            and fld.label != _FDP.LABEL_REPEATED
            and fld.type_name.lstrip(".") not in (_HTTP_BODY, *_WELL_KNOWN, *_WRAPPERS)
        ):
            return fld
    return None


def _binary() -> dict[str, Any]:
    return {"type": "string", "format": "binary"}


def _raw_body(*, required: bool) -> dict[str, Any]:
    return {"required": required, "content": {"*/*": {"schema": _binary()}}}


def _header_components(require_account: bool) -> tuple[dict[str, Any], dict[str, Any]]:
    """(parameters, headers) components: the LUNA request headers and the response header."""
    request_id_schema = {
        "type": "string",
        "pattern": REQUEST_ID_PATTERN,
        "example": "1700000000,3b0c1f4e-8a57-4a3e-9b8e-2c6f0e5d4a21",
    }
    account = (
        "The account the request acts for: what it creates belongs to it, what it reads and matches is limited "
        "to it. "
        + (
            "Required by this installation (LUMEN_REQUIRE_ACCOUNT); 403 (11036) without it."
            if require_account
            else "Required by the requests that change the state (403, 11036); optional for reads."
        )
    )
    parameters = {
        ACCOUNT_ID_PARAMETER: {
            "name": ACCOUNT_ID_HEADER,
            "in": "header",
            "required": require_account,
            "schema": {"type": "string", "format": "uuid"},
            "description": account,
        },
        REQUEST_ID_PARAMETER: {
            "name": REQUEST_ID_HEADER,
            "in": "header",
            "required": False,
            "schema": request_id_schema,
            "description": "The id of this request, echoed in the answer; any other value is replaced by a new id.",
        },
    }
    headers = {
        REQUEST_ID_PARAMETER: {
            "description": "The id of the request: the one it sent, else a new one.",
            "schema": dict(request_id_schema),
        }
    }
    return parameters, headers


def _error_response() -> dict[str, Any]:
    return {
        "description": "LUNA error: the error_code and desc v6 documents for the failure, and a bounded detail.",
        "headers": {REQUEST_ID_HEADER: {"$ref": _HEADER_PREFIX + REQUEST_ID_PARAMETER}},
        "content": {"application/json": {"schema": {"$ref": _SCHEMA_PREFIX + ERROR_SCHEMA}}},
    }


def _error_schema() -> dict[str, Any]:
    return {
        "type": "object",
        "description": "LUNA error object returned by every failed request.",
        "properties": {
            "error_code": {"type": "integer", "format": "int32"},
            "desc": {"type": "string"},
            "detail": {"type": "string"},
        },
    }


def _component_names(index: _Index, full_names: list[str]) -> dict[str, str]:
    """Short (package-relative) names where unique, full names with ``_`` otherwise."""

    def short(full_name: str) -> str:
        package = index.messages[full_name].package
        relative = full_name[len(package) + 1 :] if package else full_name
        return relative.replace(".", "_")

    counts: dict[str, int] = {}
    for name in full_names:
        counts[short(name)] = counts.get(short(name), 0) + 1
    names: dict[str, str] = {}
    for name in full_names:
        candidate = short(name)
        if counts[candidate] > 1 or candidate == ERROR_SCHEMA:
            candidate = name.replace(".", "_")
        names[name] = candidate
    return names


def _resolve_refs(node: Any, names: dict[str, str]) -> Any:
    if isinstance(node, dict):
        resolved: dict[str, Any] = {}
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str) and value.startswith(_PENDING_REF):
                resolved[key] = _SCHEMA_PREFIX + names[value[len(_PENDING_REF) :]]
            else:
                resolved[key] = _resolve_refs(value, names)
        return resolved
    if isinstance(node, list):
        return [_resolve_refs(item, names) for item in node]
    return node


# Services served on another Envoy listener than the v6 REST port (gateway/config.py tasks_listener): the v6
# document leaves them out; each has its own document (services=...).
OTHER_LISTENER_SERVICES = frozenset({TASKS_API_SERVICE})


def _documented(name: str, services: Collection[str] | None) -> bool:
    """Whether the service `name` ("pkg.Service") belongs to the document: one of `services`, else (None) any
    service of the v6 REST listener."""
    return name not in OTHER_LISTENER_SERVICES if services is None else name in services


def build_openapi(
    descriptor_set: bytes,
    *,
    title: str = "Lumen (LUNA PLATFORM 5 API v6)",
    version: str = "6",
    require_account: bool = False,
    public_rpcs: frozenset[str] = PUBLIC_RPCS,
    services: Collection[str] | None = None,
) -> dict[str, Any]:
    """Describe every ``google.api.http`` route of the ``lumen.*`` services of one listener as OpenAPI 3.0.3.

    require_account: Luna-Account-Id is required (LUMEN_REQUIRE_ACCOUNT); public_rpcs ("pkg.Service/Method")
    take no Luna-Account-Id. services: the full names ("lumen.v6.LunaTasksService") of the services to describe
    (the routes of another listener); None: those of the v6 REST listener (every service but
    OTHER_LISTENER_SERVICES).
    """
    files = list(descriptor_pb2.FileDescriptorSet.FromString(descriptor_set).file)
    index = _Index(files)
    builder = _Builder(index)
    paths: dict[str, dict[str, Any]] = {}
    tags: list[dict[str, str]] = []
    operation_ids: set[str] = set()

    for file in files:
        if not file.package.startswith("lumen."):
            continue
        comments = _comments(file)
        for s_index, service in enumerate(file.service):
            if not _documented(f"{file.package}.{service.name}", services):
                continue
            tag = service.name.removesuffix("Service") or service.name
            tag_entry = {"name": tag}
            service_comment = comments.get((_FILE_SERVICE, s_index))
            if service_comment:
                tag_entry["description"] = service_comment
            tag_used = False
            for m_index, method in enumerate(service.method):
                if not method.options.HasExtension(annotations_pb2.http):
                    continue
                rule = method.options.Extensions[annotations_pb2.http]
                comment = comments.get((_FILE_SERVICE, s_index, _SERVICE_METHOD, m_index), "")
                text = comment
                status = success_status(method)
                request = index.message(method.input_type)
                response = index.message(method.output_type)
                http_response = (
                    method.options.Extensions[options_pb2.http_response]
                    if method.options.HasExtension(options_pb2.http_response)
                    else None
                )
                base_id = f"{service.name}.{method.name}"
                for number, binding in enumerate(_bindings(rule)):
                    path, variables = _path_variables(binding.path)
                    item = paths.setdefault(path, {})
                    if binding.method in item:
                        _LOGGER.warning(
                            "%s %s is bound twice; keeping %s, ignoring %s",
                            binding.method.upper(),
                            path,
                            item[binding.method]["operationId"],
                            base_id,
                        )
                        continue
                    operation_id = base_id if number == 0 else f"{base_id}_{number}"
                    while operation_id in operation_ids:
                        operation_id += "_"
                    operation_ids.add(operation_id)
                    operation: dict[str, Any] = {
                        "operationId": operation_id,
                        "tags": [tag],
                    }
                    if text:
                        operation["summary"] = text.splitlines()[0]
                        operation["description"] = text
                    public = f"{file.package}.{service.name}/{method.name}" in public_rpcs
                    parameters = builder.parameters(request, variables, binding, public=public)
                    if parameters:
                        operation["parameters"] = parameters
                    body = builder.request_body(request, variables, binding)
                    if body is not None:
                        operation["requestBody"] = body
                    operation["responses"] = {
                        str(status): builder.success_response(response, binding, status, http_response),
                        "default": {"$ref": _RESPONSE_PREFIX + ERROR_RESPONSE},
                    }
                    item[binding.method] = operation
                    tag_used = True
            if tag_used:
                tags.append(tag_entry)

    names = _component_names(index, sorted(builder.schemas))
    schemas: dict[str, Any] = {names[full_name]: builder.schemas[full_name] for full_name in sorted(builder.schemas)}
    schemas[ERROR_SCHEMA] = _error_schema()
    header_parameters, headers = _header_components(require_account)
    document: dict[str, Any] = {
        "openapi": OPENAPI_VERSION,
        "info": {"title": title, "version": version},
        "tags": tags,
        "paths": paths,
        "components": {
            "schemas": dict(sorted(schemas.items())),
            "parameters": header_parameters,
            "headers": headers,
            "responses": {ERROR_RESPONSE: _error_response()},
        },
    }
    resolved: dict[str, Any] = _resolve_refs(document, names)
    _LOGGER.debug(
        "OpenAPI document: %d paths, %d schemas",
        len(paths),
        len(resolved["components"]["schemas"]),
    )
    return resolved


class _NoAliasDumper(yaml.SafeDumper):
    """Never emit YAML anchors / aliases for repeated sub-objects."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def render(document: dict[str, Any], accept: str | None) -> tuple[bytes, str]:
    """Serialize the document as YAML when the Accept header asks for it, else as JSON."""
    wanted = (accept or "").lower()
    if "application/x-yaml" in wanted or "text/yaml" in wanted:
        text = yaml.dump(
            document,
            Dumper=_NoAliasDumper,
            sort_keys=False,
            allow_unicode=True,
            width=100,
        )
        return text.encode("utf-8"), "application/x-yaml"
    return (
        json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8"),
        "application/json",
    )
