from google.protobuf import struct_pb2 as _struct_pb2
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ComponentVersion(_message.Message):
    __slots__ = ("api", "major", "minor", "patch")
    API_FIELD_NUMBER: _ClassVar[int]
    MAJOR_FIELD_NUMBER: _ClassVar[int]
    MINOR_FIELD_NUMBER: _ClassVar[int]
    PATCH_FIELD_NUMBER: _ClassVar[int]
    api: int
    major: int
    minor: int
    patch: int
    def __init__(self, api: _Optional[int] = ..., major: _Optional[int] = ..., minor: _Optional[int] = ..., patch: _Optional[int] = ...) -> None: ...

class Versions(_message.Message):
    __slots__ = ("lumen", "lumen_api")
    LUMEN_FIELD_NUMBER: _ClassVar[int]
    LUMEN_API_FIELD_NUMBER: _ClassVar[int]
    lumen: ComponentVersion
    lumen_api: ComponentVersion
    def __init__(self, lumen: _Optional[_Union[ComponentVersion, _Mapping]] = ..., lumen_api: _Optional[_Union[ComponentVersion, _Mapping]] = ...) -> None: ...

class Health(_message.Message):
    __slots__ = ("execution_time", "errors")
    EXECUTION_TIME_FIELD_NUMBER: _ClassVar[int]
    ERRORS_FIELD_NUMBER: _ClassVar[int]
    execution_time: float
    errors: _struct_pb2.ListValue
    def __init__(self, execution_time: _Optional[float] = ..., errors: _Optional[_Union[_struct_pb2.ListValue, _Mapping]] = ...) -> None: ...
