"""Build an OpenAPI 3.0.3 document from the compiled proto descriptor set.

The REST surface of Lumen is defined entirely by ``google.api.http`` annotations on the gRPC
services (Envoy's grpc_json_transcoder serves it), so the same descriptor set that configures
Envoy (``protoc --include_imports --include_source_info --descriptor_set_out``) is enough to
describe every route: paths and verbs come from the ``HttpRule``, parameters and bodies from
the request message, responses from the response message, and texts from the proto comments.

Conventions:

* The success status of an RPC is its ``(lumen.v6.http_success_status)`` option
  (proto/lumen/v6/options.proto; 200 when unset), the same the server answers with (server/rpc.py).
* Request / response fields of type ``google.api.HttpBody`` are raw bodies (``*/*`` binary),
  except a request body field next to a message field named ``params``: that is Lumen's JSON
  body convention (the REST client sends the JSON form of ``params``; gRPC clients send
  ``params`` itself), so the body is documented as ``application/json`` with the ``params``
  message schema.
* Responses of type ``google.protobuf.Empty`` (or any message without fields), status 204 and
  HEAD operations have no content.
* Property names are the proto field names (the transcoder preserves them).
"""

from __future__ import annotations

import json
import logging
import re
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import yaml
from google.api import annotations_pb2, http_pb2
from google.protobuf import descriptor_pb2

from lumen.v6 import options_pb2

_LOGGER = logging.getLogger(__name__)

OPENAPI_VERSION = "3.0.3"
ERROR_SCHEMA = "Error"
# Name of the typed sibling of a JSON google.api.HttpBody request body (see the module docstring).
PARAMS_FIELD = "params"
_SCHEMA_PREFIX = "#/components/schemas/"
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

    def parameters(self, request: _Message, variables: list[str], binding: _Binding) -> list[dict[str, Any]]:
        params: list[dict[str, Any]] = []
        for name in variables:
            param: dict[str, Any] = {
                "name": name,
                "in": "path",
                "required": True,
                "schema": {"type": "string", "format": "uuid"} if name.endswith("_id") else {"type": "string"},
            }
            description = self._path_comment(request, name)
            if description:
                param["description"] = description
            params.append(param)
        if binding.body == "*":
            return params
        bound = {name.split(".", 1)[0] for name in variables}
        for fld in request.proto.field:
            if fld.name in bound or fld.name == binding.body:
                continue
            scalar = _scalar_schema(fld, self.index)
            if scalar is None:
                continue  # message fields are not query parameters
            if fld.label == _FDP.LABEL_REPEATED:
                scalar = {"type": "array", "items": scalar}
            param = {
                "name": fld.name,
                "in": "query",
                "required": False,
                "schema": scalar,
            }
            field_comment = request.field_comments.get(fld.name)
            if field_comment:
                param["description"] = field_comment
            params.append(param)
        return params

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

    def success_response(self, response: _Message, binding: _Binding, status: int) -> dict[str, Any]:
        result: dict[str, Any] = {"description": _REASONS.get(status, "Success")}
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
                result["content"] = _raw_body(required=True)["content"]
            else:
                schema = self.field_schema(fld)
                result["content"] = {"application/json": {"schema": schema}}
            return result
        if response.full_name == _HTTP_BODY:
            result["content"] = _raw_body(required=True)["content"]
            return result
        if response.full_name == _EMPTY or not response.proto.field:
            return result
        schema = self.message_ref(response.full_name)
        result["content"] = {"application/json": {"schema": schema}}
        return result


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


def _raw_body(*, required: bool) -> dict[str, Any]:
    return {
        "required": required,
        "content": {"*/*": {"schema": {"type": "string", "format": "binary"}}},
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


def build_openapi(
    descriptor_set: bytes,
    *,
    title: str = "Lumen (LUNA PLATFORM 5 API v6)",
    version: str = "6",
) -> dict[str, Any]:
    """Describe every ``google.api.http`` route of the ``lumen.*`` services as OpenAPI 3.0.3."""
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
                    parameters = builder.parameters(request, variables, binding)
                    if parameters:
                        operation["parameters"] = parameters
                    body = builder.request_body(request, variables, binding)
                    if body is not None:
                        operation["requestBody"] = body
                    operation["responses"] = {
                        str(status): builder.success_response(response, binding, status),
                        "default": {
                            "description": "Error",
                            "content": {"application/json": {"schema": {"$ref": _SCHEMA_PREFIX + ERROR_SCHEMA}}},
                        },
                    }
                    item[binding.method] = operation
                    tag_used = True
            if tag_used:
                tags.append(tag_entry)

    names = _component_names(index, sorted(builder.schemas))
    schemas: dict[str, Any] = {names[full_name]: builder.schemas[full_name] for full_name in sorted(builder.schemas)}
    schemas[ERROR_SCHEMA] = _error_schema()
    document: dict[str, Any] = {
        "openapi": OPENAPI_VERSION,
        "info": {"title": title, "version": version},
        "tags": tags,
        "paths": paths,
        "components": {"schemas": dict(sorted(schemas.items()))},
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
