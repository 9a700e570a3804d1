from google.api import annotations_pb2 as _annotations_pb2
from google.api import httpbody_pb2 as _httpbody_pb2
from lumen.v6 import common_pb2 as _common_pb2
from lumen.v6 import handlers_pb2 as _handlers_pb2
from lumen.v6 import options_pb2 as _options_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class CreateHandlerRequest(_message.Message):
    __slots__ = ("body", "params")
    BODY_FIELD_NUMBER: _ClassVar[int]
    PARAMS_FIELD_NUMBER: _ClassVar[int]
    body: _httpbody_pb2.HttpBody
    params: _handlers_pb2.HandlerParams
    def __init__(self, body: _Optional[_Union[_httpbody_pb2.HttpBody, _Mapping]] = ..., params: _Optional[_Union[_handlers_pb2.HandlerParams, _Mapping]] = ...) -> None: ...

class CreateHandlerResponse(_message.Message):
    __slots__ = ("handler_id", "url")
    HANDLER_ID_FIELD_NUMBER: _ClassVar[int]
    URL_FIELD_NUMBER: _ClassVar[int]
    handler_id: str
    url: str
    def __init__(self, handler_id: _Optional[str] = ..., url: _Optional[str] = ...) -> None: ...

class GetHandlersRequest(_message.Message):
    __slots__ = ("page", "page_size", "is_dynamic", "description")
    PAGE_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    IS_DYNAMIC_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    page: int
    page_size: int
    is_dynamic: bool
    description: str
    def __init__(self, page: _Optional[int] = ..., page_size: _Optional[int] = ..., is_dynamic: _Optional[bool] = ..., description: _Optional[str] = ...) -> None: ...

class GetHandlersTypedRequest(_message.Message):
    __slots__ = ("page", "page_size", "is_dynamic", "description")
    PAGE_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    IS_DYNAMIC_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    page: int
    page_size: int
    is_dynamic: bool
    description: str
    def __init__(self, page: _Optional[int] = ..., page_size: _Optional[int] = ..., is_dynamic: _Optional[bool] = ..., description: _Optional[str] = ...) -> None: ...

class GetHandlersResponse(_message.Message):
    __slots__ = ("handlers",)
    HANDLERS_FIELD_NUMBER: _ClassVar[int]
    handlers: _containers.RepeatedCompositeFieldContainer[_handlers_pb2.Handler]
    def __init__(self, handlers: _Optional[_Iterable[_Union[_handlers_pb2.Handler, _Mapping]]] = ...) -> None: ...

class CountHandlersRequest(_message.Message):
    __slots__ = ("description", "is_dynamic")
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    IS_DYNAMIC_FIELD_NUMBER: _ClassVar[int]
    description: str
    is_dynamic: bool
    def __init__(self, description: _Optional[str] = ..., is_dynamic: _Optional[bool] = ...) -> None: ...

class CountHandlersResponse(_message.Message):
    __slots__ = ("handlers_count",)
    HANDLERS_COUNT_FIELD_NUMBER: _ClassVar[int]
    handlers_count: int
    def __init__(self, handlers_count: _Optional[int] = ...) -> None: ...

class ValidateHandlerPoliciesRequest(_message.Message):
    __slots__ = ("body", "params")
    BODY_FIELD_NUMBER: _ClassVar[int]
    PARAMS_FIELD_NUMBER: _ClassVar[int]
    body: _httpbody_pb2.HttpBody
    params: _handlers_pb2.HandlerPoliciesParams
    def __init__(self, body: _Optional[_Union[_httpbody_pb2.HttpBody, _Mapping]] = ..., params: _Optional[_Union[_handlers_pb2.HandlerPoliciesParams, _Mapping]] = ...) -> None: ...

class GetHandlerRequest(_message.Message):
    __slots__ = ("handler_id",)
    HANDLER_ID_FIELD_NUMBER: _ClassVar[int]
    handler_id: str
    def __init__(self, handler_id: _Optional[str] = ...) -> None: ...

class GetHandlerTypedRequest(_message.Message):
    __slots__ = ("handler_id",)
    HANDLER_ID_FIELD_NUMBER: _ClassVar[int]
    handler_id: str
    def __init__(self, handler_id: _Optional[str] = ...) -> None: ...

class PutHandlerRequest(_message.Message):
    __slots__ = ("handler_id", "body", "params")
    HANDLER_ID_FIELD_NUMBER: _ClassVar[int]
    BODY_FIELD_NUMBER: _ClassVar[int]
    PARAMS_FIELD_NUMBER: _ClassVar[int]
    handler_id: str
    body: _httpbody_pb2.HttpBody
    params: _handlers_pb2.HandlerParams
    def __init__(self, handler_id: _Optional[str] = ..., body: _Optional[_Union[_httpbody_pb2.HttpBody, _Mapping]] = ..., params: _Optional[_Union[_handlers_pb2.HandlerParams, _Mapping]] = ...) -> None: ...

class HandlerExistsRequest(_message.Message):
    __slots__ = ("handler_id",)
    HANDLER_ID_FIELD_NUMBER: _ClassVar[int]
    handler_id: str
    def __init__(self, handler_id: _Optional[str] = ...) -> None: ...

class DeleteHandlerRequest(_message.Message):
    __slots__ = ("handler_id",)
    HANDLER_ID_FIELD_NUMBER: _ClassVar[int]
    handler_id: str
    def __init__(self, handler_id: _Optional[str] = ...) -> None: ...
