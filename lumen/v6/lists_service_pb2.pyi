import datetime

from google.api import annotations_pb2 as _annotations_pb2
from google.api import httpbody_pb2 as _httpbody_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from lumen.v6 import common_pb2 as _common_pb2
from lumen.v6 import lists_pb2 as _lists_pb2
from lumen.v6 import options_pb2 as _options_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class CreateListRequest(_message.Message):
    __slots__ = ("body", "params")
    BODY_FIELD_NUMBER: _ClassVar[int]
    PARAMS_FIELD_NUMBER: _ClassVar[int]
    body: _httpbody_pb2.HttpBody
    params: _lists_pb2.ListCreateParams
    def __init__(self, body: _Optional[_Union[_httpbody_pb2.HttpBody, _Mapping]] = ..., params: _Optional[_Union[_lists_pb2.ListCreateParams, _Mapping]] = ...) -> None: ...

class CreateListResponse(_message.Message):
    __slots__ = ("list_id", "url")
    LIST_ID_FIELD_NUMBER: _ClassVar[int]
    URL_FIELD_NUMBER: _ClassVar[int]
    list_id: str
    url: str
    def __init__(self, list_id: _Optional[str] = ..., url: _Optional[str] = ...) -> None: ...

class GetListsRequest(_message.Message):
    __slots__ = ("user_data", "user_data__eq", "list_ids", "list_id__gte", "list_id__lt", "create_time__gte", "create_time__lt", "last_update_time__gte", "last_update_time__lt", "page", "page_size")
    USER_DATA_FIELD_NUMBER: _ClassVar[int]
    USER_DATA__EQ_FIELD_NUMBER: _ClassVar[int]
    LIST_IDS_FIELD_NUMBER: _ClassVar[int]
    LIST_ID__GTE_FIELD_NUMBER: _ClassVar[int]
    LIST_ID__LT_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME__GTE_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME__LT_FIELD_NUMBER: _ClassVar[int]
    LAST_UPDATE_TIME__GTE_FIELD_NUMBER: _ClassVar[int]
    LAST_UPDATE_TIME__LT_FIELD_NUMBER: _ClassVar[int]
    PAGE_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    user_data: str
    user_data__eq: str
    list_ids: _containers.RepeatedScalarFieldContainer[str]
    list_id__gte: str
    list_id__lt: str
    create_time__gte: _timestamp_pb2.Timestamp
    create_time__lt: _timestamp_pb2.Timestamp
    last_update_time__gte: _timestamp_pb2.Timestamp
    last_update_time__lt: _timestamp_pb2.Timestamp
    page: int
    page_size: int
    def __init__(self, user_data: _Optional[str] = ..., user_data__eq: _Optional[str] = ..., list_ids: _Optional[_Iterable[str]] = ..., list_id__gte: _Optional[str] = ..., list_id__lt: _Optional[str] = ..., create_time__gte: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., create_time__lt: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., last_update_time__gte: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., last_update_time__lt: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., page: _Optional[int] = ..., page_size: _Optional[int] = ...) -> None: ...

class GetListsResponse(_message.Message):
    __slots__ = ("lists",)
    LISTS_FIELD_NUMBER: _ClassVar[int]
    lists: _containers.RepeatedCompositeFieldContainer[_lists_pb2.FaceList]
    def __init__(self, lists: _Optional[_Iterable[_Union[_lists_pb2.FaceList, _Mapping]]] = ...) -> None: ...

class DeleteListsRequest(_message.Message):
    __slots__ = ("with_faces", "body", "params")
    WITH_FACES_FIELD_NUMBER: _ClassVar[int]
    BODY_FIELD_NUMBER: _ClassVar[int]
    PARAMS_FIELD_NUMBER: _ClassVar[int]
    with_faces: bool
    body: _httpbody_pb2.HttpBody
    params: _lists_pb2.ListsDeleteParams
    def __init__(self, with_faces: _Optional[bool] = ..., body: _Optional[_Union[_httpbody_pb2.HttpBody, _Mapping]] = ..., params: _Optional[_Union[_lists_pb2.ListsDeleteParams, _Mapping]] = ...) -> None: ...

class CountListsRequest(_message.Message):
    __slots__ = ("user_data", "user_data__eq", "list_ids", "list_id__gte", "list_id__lt", "create_time__gte", "create_time__lt", "last_update_time__gte", "last_update_time__lt")
    USER_DATA_FIELD_NUMBER: _ClassVar[int]
    USER_DATA__EQ_FIELD_NUMBER: _ClassVar[int]
    LIST_IDS_FIELD_NUMBER: _ClassVar[int]
    LIST_ID__GTE_FIELD_NUMBER: _ClassVar[int]
    LIST_ID__LT_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME__GTE_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME__LT_FIELD_NUMBER: _ClassVar[int]
    LAST_UPDATE_TIME__GTE_FIELD_NUMBER: _ClassVar[int]
    LAST_UPDATE_TIME__LT_FIELD_NUMBER: _ClassVar[int]
    user_data: str
    user_data__eq: str
    list_ids: _containers.RepeatedScalarFieldContainer[str]
    list_id__gte: str
    list_id__lt: str
    create_time__gte: _timestamp_pb2.Timestamp
    create_time__lt: _timestamp_pb2.Timestamp
    last_update_time__gte: _timestamp_pb2.Timestamp
    last_update_time__lt: _timestamp_pb2.Timestamp
    def __init__(self, user_data: _Optional[str] = ..., user_data__eq: _Optional[str] = ..., list_ids: _Optional[_Iterable[str]] = ..., list_id__gte: _Optional[str] = ..., list_id__lt: _Optional[str] = ..., create_time__gte: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., create_time__lt: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., last_update_time__gte: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., last_update_time__lt: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class CountListsResponse(_message.Message):
    __slots__ = ("lists_count",)
    LISTS_COUNT_FIELD_NUMBER: _ClassVar[int]
    lists_count: int
    def __init__(self, lists_count: _Optional[int] = ...) -> None: ...

class GetListRequest(_message.Message):
    __slots__ = ("list_id",)
    LIST_ID_FIELD_NUMBER: _ClassVar[int]
    list_id: str
    def __init__(self, list_id: _Optional[str] = ...) -> None: ...

class ListExistsRequest(_message.Message):
    __slots__ = ("list_id",)
    LIST_ID_FIELD_NUMBER: _ClassVar[int]
    list_id: str
    def __init__(self, list_id: _Optional[str] = ...) -> None: ...

class PatchListRequest(_message.Message):
    __slots__ = ("list_id", "body", "params")
    LIST_ID_FIELD_NUMBER: _ClassVar[int]
    BODY_FIELD_NUMBER: _ClassVar[int]
    PARAMS_FIELD_NUMBER: _ClassVar[int]
    list_id: str
    body: _httpbody_pb2.HttpBody
    params: _lists_pb2.ListPatchParams
    def __init__(self, list_id: _Optional[str] = ..., body: _Optional[_Union[_httpbody_pb2.HttpBody, _Mapping]] = ..., params: _Optional[_Union[_lists_pb2.ListPatchParams, _Mapping]] = ...) -> None: ...

class DeleteListRequest(_message.Message):
    __slots__ = ("list_id", "with_faces")
    LIST_ID_FIELD_NUMBER: _ClassVar[int]
    WITH_FACES_FIELD_NUMBER: _ClassVar[int]
    list_id: str
    with_faces: bool
    def __init__(self, list_id: _Optional[str] = ..., with_faces: _Optional[bool] = ...) -> None: ...

class UpdateListFacesRequest(_message.Message):
    __slots__ = ("list_id", "body", "params")
    LIST_ID_FIELD_NUMBER: _ClassVar[int]
    BODY_FIELD_NUMBER: _ClassVar[int]
    PARAMS_FIELD_NUMBER: _ClassVar[int]
    list_id: str
    body: _httpbody_pb2.HttpBody
    params: _lists_pb2.ListFacesParams
    def __init__(self, list_id: _Optional[str] = ..., body: _Optional[_Union[_httpbody_pb2.HttpBody, _Mapping]] = ..., params: _Optional[_Union[_lists_pb2.ListFacesParams, _Mapping]] = ...) -> None: ...
