from google.api import annotations_pb2 as _annotations_pb2
from google.api import httpbody_pb2 as _httpbody_pb2
from lumen.v6 import common_pb2 as _common_pb2
from lumen.v6 import options_pb2 as _options_pb2
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class CreateSampleRequest(_message.Message):
    __slots__ = ("samples_type", "body")
    SAMPLES_TYPE_FIELD_NUMBER: _ClassVar[int]
    BODY_FIELD_NUMBER: _ClassVar[int]
    samples_type: str
    body: _httpbody_pb2.HttpBody
    def __init__(self, samples_type: _Optional[str] = ..., body: _Optional[_Union[_httpbody_pb2.HttpBody, _Mapping]] = ...) -> None: ...

class CreateSampleResponse(_message.Message):
    __slots__ = ("sample_id", "url")
    SAMPLE_ID_FIELD_NUMBER: _ClassVar[int]
    URL_FIELD_NUMBER: _ClassVar[int]
    sample_id: str
    url: str
    def __init__(self, sample_id: _Optional[str] = ..., url: _Optional[str] = ...) -> None: ...

class GetSampleRequest(_message.Message):
    __slots__ = ("samples_type", "sample_id")
    SAMPLES_TYPE_FIELD_NUMBER: _ClassVar[int]
    SAMPLE_ID_FIELD_NUMBER: _ClassVar[int]
    samples_type: str
    sample_id: str
    def __init__(self, samples_type: _Optional[str] = ..., sample_id: _Optional[str] = ...) -> None: ...

class SampleExistsRequest(_message.Message):
    __slots__ = ("samples_type", "sample_id")
    SAMPLES_TYPE_FIELD_NUMBER: _ClassVar[int]
    SAMPLE_ID_FIELD_NUMBER: _ClassVar[int]
    samples_type: str
    sample_id: str
    def __init__(self, samples_type: _Optional[str] = ..., sample_id: _Optional[str] = ...) -> None: ...

class DeleteSampleRequest(_message.Message):
    __slots__ = ("samples_type", "sample_id")
    SAMPLES_TYPE_FIELD_NUMBER: _ClassVar[int]
    SAMPLE_ID_FIELD_NUMBER: _ClassVar[int]
    samples_type: str
    sample_id: str
    def __init__(self, samples_type: _Optional[str] = ..., sample_id: _Optional[str] = ...) -> None: ...

class GetFaceSampleRequest(_message.Message):
    __slots__ = ("sample_id",)
    SAMPLE_ID_FIELD_NUMBER: _ClassVar[int]
    sample_id: str
    def __init__(self, sample_id: _Optional[str] = ...) -> None: ...

class FaceSampleExistsRequest(_message.Message):
    __slots__ = ("sample_id",)
    SAMPLE_ID_FIELD_NUMBER: _ClassVar[int]
    sample_id: str
    def __init__(self, sample_id: _Optional[str] = ...) -> None: ...

class DeleteFaceSampleRequest(_message.Message):
    __slots__ = ("sample_id",)
    SAMPLE_ID_FIELD_NUMBER: _ClassVar[int]
    sample_id: str
    def __init__(self, sample_id: _Optional[str] = ...) -> None: ...
