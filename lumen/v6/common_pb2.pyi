from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Optional as _Optional

DESCRIPTOR: _descriptor.FileDescriptor

class Error(_message.Message):
    __slots__ = ("error_code", "desc", "detail")
    ERROR_CODE_FIELD_NUMBER: _ClassVar[int]
    DESC_FIELD_NUMBER: _ClassVar[int]
    DETAIL_FIELD_NUMBER: _ClassVar[int]
    error_code: int
    desc: str
    detail: str
    def __init__(self, error_code: _Optional[int] = ..., desc: _Optional[str] = ..., detail: _Optional[str] = ...) -> None: ...

class NoContent(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...
