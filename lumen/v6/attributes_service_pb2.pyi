from google.api import annotations_pb2 as _annotations_pb2
from google.api import httpbody_pb2 as _httpbody_pb2
from lumen.v6 import attributes_pb2 as _attributes_pb2
from lumen.v6 import common_pb2 as _common_pb2
from lumen.v6 import options_pb2 as _options_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class CreateAttributeRequest(_message.Message):
    __slots__ = ("ttl", "body", "params")
    TTL_FIELD_NUMBER: _ClassVar[int]
    BODY_FIELD_NUMBER: _ClassVar[int]
    PARAMS_FIELD_NUMBER: _ClassVar[int]
    ttl: int
    body: _httpbody_pb2.HttpBody
    params: _attributes_pb2.AttributeData
    def __init__(self, ttl: _Optional[int] = ..., body: _Optional[_Union[_httpbody_pb2.HttpBody, _Mapping]] = ..., params: _Optional[_Union[_attributes_pb2.AttributeData, _Mapping]] = ...) -> None: ...

class CreateAttributeResponse(_message.Message):
    __slots__ = ("attribute_id", "url")
    ATTRIBUTE_ID_FIELD_NUMBER: _ClassVar[int]
    URL_FIELD_NUMBER: _ClassVar[int]
    attribute_id: str
    url: str
    def __init__(self, attribute_id: _Optional[str] = ..., url: _Optional[str] = ...) -> None: ...

class GetAttributesRequest(_message.Message):
    __slots__ = ("attribute_ids", "targets", "descriptor_version")
    ATTRIBUTE_IDS_FIELD_NUMBER: _ClassVar[int]
    TARGETS_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTOR_VERSION_FIELD_NUMBER: _ClassVar[int]
    attribute_ids: _containers.RepeatedScalarFieldContainer[str]
    targets: _containers.RepeatedScalarFieldContainer[str]
    descriptor_version: int
    def __init__(self, attribute_ids: _Optional[_Iterable[str]] = ..., targets: _Optional[_Iterable[str]] = ..., descriptor_version: _Optional[int] = ...) -> None: ...

class GetAttributesResponse(_message.Message):
    __slots__ = ("attributes",)
    ATTRIBUTES_FIELD_NUMBER: _ClassVar[int]
    attributes: _containers.RepeatedCompositeFieldContainer[_attributes_pb2.TemporaryAttribute]
    def __init__(self, attributes: _Optional[_Iterable[_Union[_attributes_pb2.TemporaryAttribute, _Mapping]]] = ...) -> None: ...

class GetAttributeRequest(_message.Message):
    __slots__ = ("attribute_id", "targets", "descriptor_version")
    ATTRIBUTE_ID_FIELD_NUMBER: _ClassVar[int]
    TARGETS_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTOR_VERSION_FIELD_NUMBER: _ClassVar[int]
    attribute_id: str
    targets: _containers.RepeatedScalarFieldContainer[str]
    descriptor_version: int
    def __init__(self, attribute_id: _Optional[str] = ..., targets: _Optional[_Iterable[str]] = ..., descriptor_version: _Optional[int] = ...) -> None: ...

class AttributeExistsRequest(_message.Message):
    __slots__ = ("attribute_id",)
    ATTRIBUTE_ID_FIELD_NUMBER: _ClassVar[int]
    attribute_id: str
    def __init__(self, attribute_id: _Optional[str] = ...) -> None: ...

class DeleteAttributeRequest(_message.Message):
    __slots__ = ("attribute_id",)
    ATTRIBUTE_ID_FIELD_NUMBER: _ClassVar[int]
    attribute_id: str
    def __init__(self, attribute_id: _Optional[str] = ...) -> None: ...

class GetAttributeSamplesRequest(_message.Message):
    __slots__ = ("attribute_id",)
    ATTRIBUTE_ID_FIELD_NUMBER: _ClassVar[int]
    attribute_id: str
    def __init__(self, attribute_id: _Optional[str] = ...) -> None: ...
