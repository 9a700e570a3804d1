from google.api import annotations_pb2 as _annotations_pb2
from google.api import httpbody_pb2 as _httpbody_pb2
from lumen.v6 import options_pb2 as _options_pb2
from lumen.v6 import system_pb2 as _system_pb2
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Optional as _Optional

DESCRIPTOR: _descriptor.FileDescriptor

class GetVersionRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class GetHealthRequest(_message.Message):
    __slots__ = ("include_luna_services",)
    INCLUDE_LUNA_SERVICES_FIELD_NUMBER: _ClassVar[int]
    include_luna_services: bool
    def __init__(self, include_luna_services: _Optional[bool] = ...) -> None: ...

class GetConfigRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class GetDocsSpecRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class GetDocsDevRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class GetDocsDevIndexRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...
