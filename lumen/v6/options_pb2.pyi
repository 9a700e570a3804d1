from google.protobuf import descriptor_pb2 as _descriptor_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable
from typing import ClassVar as _ClassVar, Optional as _Optional

DESCRIPTOR: _descriptor.FileDescriptor
HTTP_SUCCESS_STATUS_FIELD_NUMBER: _ClassVar[int]
http_success_status: _descriptor.FieldDescriptor
HTTP_RESPONSE_FIELD_NUMBER: _ClassVar[int]
http_response: _descriptor.FieldDescriptor
QUERY_FIELD_NUMBER: _ClassVar[int]
query: _descriptor.FieldDescriptor

class HttpResponse(_message.Message):
    __slots__ = ("media_types", "message", "array")
    MEDIA_TYPES_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    ARRAY_FIELD_NUMBER: _ClassVar[int]
    media_types: _containers.RepeatedScalarFieldContainer[str]
    message: str
    array: bool
    def __init__(self, media_types: _Optional[_Iterable[str]] = ..., message: _Optional[str] = ..., array: _Optional[bool] = ...) -> None: ...

class QueryField(_message.Message):
    __slots__ = ("minimum", "maximum", "enum_values", "default_value", "format")
    MINIMUM_FIELD_NUMBER: _ClassVar[int]
    MAXIMUM_FIELD_NUMBER: _ClassVar[int]
    ENUM_VALUES_FIELD_NUMBER: _ClassVar[int]
    DEFAULT_VALUE_FIELD_NUMBER: _ClassVar[int]
    FORMAT_FIELD_NUMBER: _ClassVar[int]
    minimum: float
    maximum: float
    enum_values: _containers.RepeatedScalarFieldContainer[str]
    default_value: str
    format: str
    def __init__(self, minimum: _Optional[float] = ..., maximum: _Optional[float] = ..., enum_values: _Optional[_Iterable[str]] = ..., default_value: _Optional[str] = ..., format: _Optional[str] = ...) -> None: ...
