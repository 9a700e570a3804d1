"""REST syntax of the typed query fields, read from the proto descriptor (the one source of truth).

The transcoder parses `?page=abc` into an `optional int32` field itself and answers a parse failure with a
bare "Failed to decode the request"; v6 answers 12012 naming the parameter. So lumen.lua checks each typed
query value first, from the table built here (RPC -> {field: kind}), and hands the transcoder a canonical text:
  int32/int64/uint32/uint64  optional sign and digits within the type's range ("+5", " 5" -> "5")
  bool                       v6 flags: 0 or 1 only
  double                     a decimal number (no hex, no nan/inf)
  timestamp                  RFC 3339 / ISO 8601: a date, a date and time, an optional offset (none means UTC)
An empty value of a typed field is dropped (the field's default, as before). Strings, ids and repeated strings
are not checked here (only for UTF-8); the services check their content.
"""

from __future__ import annotations

from google.protobuf import descriptor_pb2

_Field = descriptor_pb2.FieldDescriptorProto
KIND_BY_TYPE: dict[int, str] = {
    _Field.TYPE_INT32: "int32",
    _Field.TYPE_SINT32: "int32",
    _Field.TYPE_SFIXED32: "int32",
    _Field.TYPE_INT64: "int64",
    _Field.TYPE_SINT64: "int64",
    _Field.TYPE_SFIXED64: "int64",
    _Field.TYPE_UINT32: "uint32",
    _Field.TYPE_FIXED32: "uint32",
    _Field.TYPE_UINT64: "uint64",
    _Field.TYPE_FIXED64: "uint64",
    _Field.TYPE_BOOL: "bool",
    _Field.TYPE_DOUBLE: "double",
    _Field.TYPE_FLOAT: "double",
}
TIMESTAMP_TYPE = ".google.protobuf.Timestamp"
#: Query fields whose malformed value has an error of its own (a LUA_REPLIES name in gateway/config.py).
FIELD_REPLIES = {"descriptor_version": "BAD_DESCRIPTOR_VERSION"}


def field_kind(field: descriptor_pb2.FieldDescriptorProto) -> str | None:
    """The REST kind of a top-level request field, None for text (and for messages other than Timestamp)."""
    if field.type == _Field.TYPE_MESSAGE:
        return "timestamp" if field.type_name == TIMESTAMP_TYPE else None
    return KIND_BY_TYPE.get(field.type)


def message_kinds(descriptor_set: descriptor_pb2.FileDescriptorSet) -> dict[str, dict[str, str]]:
    """Full message name ("lumen.v6.GetFacesRequest") -> {field name: kind} of its typed fields."""
    found: dict[str, dict[str, str]] = {}
    for file in descriptor_set.file:
        for message in file.message_type:
            kinds = {field.name: kind for field in message.field if (kind := field_kind(field)) is not None}
            found[f"{file.package}.{message.name}"] = kinds
    return found


def rpc_query_kinds(descriptor_set: descriptor_pb2.FileDescriptorSet) -> dict[str, dict[str, str]]:
    """gRPC method ("lumen.v6.FacesService/GetFaces") -> {query field: kind} of its request message."""
    messages = message_kinds(descriptor_set)
    found: dict[str, dict[str, str]] = {}
    for file in descriptor_set.file:
        if not file.package.startswith("lumen."):
            continue
        for service in file.service:
            for method in service.method:
                kinds = messages.get(method.input_type.lstrip("."), {})
                if kinds:
                    found[f"{file.package}.{service.name}/{method.name}"] = kinds
    return found
