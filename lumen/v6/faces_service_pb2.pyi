import datetime

from google.api import annotations_pb2 as _annotations_pb2
from google.api import httpbody_pb2 as _httpbody_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from lumen.v6 import attributes_pb2 as _attributes_pb2
from lumen.v6 import common_pb2 as _common_pb2
from lumen.v6 import faces_pb2 as _faces_pb2
from lumen.v6 import options_pb2 as _options_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class CreateFaceRequest(_message.Message):
    __slots__ = ("body", "params")
    BODY_FIELD_NUMBER: _ClassVar[int]
    PARAMS_FIELD_NUMBER: _ClassVar[int]
    body: _httpbody_pb2.HttpBody
    params: _faces_pb2.FaceCreateParams
    def __init__(self, body: _Optional[_Union[_httpbody_pb2.HttpBody, _Mapping]] = ..., params: _Optional[_Union[_faces_pb2.FaceCreateParams, _Mapping]] = ...) -> None: ...

class CreateFaceResponse(_message.Message):
    __slots__ = ("face_id", "url")
    FACE_ID_FIELD_NUMBER: _ClassVar[int]
    URL_FIELD_NUMBER: _ClassVar[int]
    face_id: str
    url: str
    def __init__(self, face_id: _Optional[str] = ..., url: _Optional[str] = ...) -> None: ...

class GetFacesRequest(_message.Message):
    __slots__ = ("page", "page_size", "create_time__lt", "create_time__gte", "event_id", "face_id__lt", "face_id__gte", "face_ids", "external_ids", "user_data", "list_id", "targets")
    PAGE_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME__LT_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME__GTE_FIELD_NUMBER: _ClassVar[int]
    EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    FACE_ID__LT_FIELD_NUMBER: _ClassVar[int]
    FACE_ID__GTE_FIELD_NUMBER: _ClassVar[int]
    FACE_IDS_FIELD_NUMBER: _ClassVar[int]
    EXTERNAL_IDS_FIELD_NUMBER: _ClassVar[int]
    USER_DATA_FIELD_NUMBER: _ClassVar[int]
    LIST_ID_FIELD_NUMBER: _ClassVar[int]
    TARGETS_FIELD_NUMBER: _ClassVar[int]
    page: int
    page_size: int
    create_time__lt: _timestamp_pb2.Timestamp
    create_time__gte: _timestamp_pb2.Timestamp
    event_id: str
    face_id__lt: str
    face_id__gte: str
    face_ids: _containers.RepeatedScalarFieldContainer[str]
    external_ids: _containers.RepeatedScalarFieldContainer[str]
    user_data: str
    list_id: str
    targets: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, page: _Optional[int] = ..., page_size: _Optional[int] = ..., create_time__lt: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., create_time__gte: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., event_id: _Optional[str] = ..., face_id__lt: _Optional[str] = ..., face_id__gte: _Optional[str] = ..., face_ids: _Optional[_Iterable[str]] = ..., external_ids: _Optional[_Iterable[str]] = ..., user_data: _Optional[str] = ..., list_id: _Optional[str] = ..., targets: _Optional[_Iterable[str]] = ...) -> None: ...

class GetFacesResponse(_message.Message):
    __slots__ = ("faces",)
    FACES_FIELD_NUMBER: _ClassVar[int]
    faces: _containers.RepeatedCompositeFieldContainer[_faces_pb2.Face]
    def __init__(self, faces: _Optional[_Iterable[_Union[_faces_pb2.Face, _Mapping]]] = ...) -> None: ...

class DeleteFacesRequest(_message.Message):
    __slots__ = ("ignore", "body", "params")
    IGNORE_FIELD_NUMBER: _ClassVar[int]
    BODY_FIELD_NUMBER: _ClassVar[int]
    PARAMS_FIELD_NUMBER: _ClassVar[int]
    ignore: bool
    body: _httpbody_pb2.HttpBody
    params: _faces_pb2.FacesDeleteParams
    def __init__(self, ignore: _Optional[bool] = ..., body: _Optional[_Union[_httpbody_pb2.HttpBody, _Mapping]] = ..., params: _Optional[_Union[_faces_pb2.FacesDeleteParams, _Mapping]] = ...) -> None: ...

class CountFacesRequest(_message.Message):
    __slots__ = ("create_time__lt", "create_time__gte", "face_ids", "face_id__lt", "face_id__gte", "event_id", "external_ids", "user_data", "list_id")
    CREATE_TIME__LT_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME__GTE_FIELD_NUMBER: _ClassVar[int]
    FACE_IDS_FIELD_NUMBER: _ClassVar[int]
    FACE_ID__LT_FIELD_NUMBER: _ClassVar[int]
    FACE_ID__GTE_FIELD_NUMBER: _ClassVar[int]
    EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    EXTERNAL_IDS_FIELD_NUMBER: _ClassVar[int]
    USER_DATA_FIELD_NUMBER: _ClassVar[int]
    LIST_ID_FIELD_NUMBER: _ClassVar[int]
    create_time__lt: _timestamp_pb2.Timestamp
    create_time__gte: _timestamp_pb2.Timestamp
    face_ids: _containers.RepeatedScalarFieldContainer[str]
    face_id__lt: str
    face_id__gte: str
    event_id: str
    external_ids: _containers.RepeatedScalarFieldContainer[str]
    user_data: str
    list_id: str
    def __init__(self, create_time__lt: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., create_time__gte: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., face_ids: _Optional[_Iterable[str]] = ..., face_id__lt: _Optional[str] = ..., face_id__gte: _Optional[str] = ..., event_id: _Optional[str] = ..., external_ids: _Optional[_Iterable[str]] = ..., user_data: _Optional[str] = ..., list_id: _Optional[str] = ...) -> None: ...

class CountFacesResponse(_message.Message):
    __slots__ = ("faces_count",)
    FACES_COUNT_FIELD_NUMBER: _ClassVar[int]
    faces_count: int
    def __init__(self, faces_count: _Optional[int] = ...) -> None: ...

class CountFaceAttributesRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class GetFaceRequest(_message.Message):
    __slots__ = ("face_id", "targets")
    FACE_ID_FIELD_NUMBER: _ClassVar[int]
    TARGETS_FIELD_NUMBER: _ClassVar[int]
    face_id: str
    targets: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, face_id: _Optional[str] = ..., targets: _Optional[_Iterable[str]] = ...) -> None: ...

class PatchFaceRequest(_message.Message):
    __slots__ = ("face_id", "body", "params")
    FACE_ID_FIELD_NUMBER: _ClassVar[int]
    BODY_FIELD_NUMBER: _ClassVar[int]
    PARAMS_FIELD_NUMBER: _ClassVar[int]
    face_id: str
    body: _httpbody_pb2.HttpBody
    params: _faces_pb2.FacePatchParams
    def __init__(self, face_id: _Optional[str] = ..., body: _Optional[_Union[_httpbody_pb2.HttpBody, _Mapping]] = ..., params: _Optional[_Union[_faces_pb2.FacePatchParams, _Mapping]] = ...) -> None: ...

class DeleteFaceRequest(_message.Message):
    __slots__ = ("face_id",)
    FACE_ID_FIELD_NUMBER: _ClassVar[int]
    face_id: str
    def __init__(self, face_id: _Optional[str] = ...) -> None: ...

class FaceExistsRequest(_message.Message):
    __slots__ = ("face_id",)
    FACE_ID_FIELD_NUMBER: _ClassVar[int]
    face_id: str
    def __init__(self, face_id: _Optional[str] = ...) -> None: ...

class PutFaceAttributeRequest(_message.Message):
    __slots__ = ("face_id", "body", "params")
    FACE_ID_FIELD_NUMBER: _ClassVar[int]
    BODY_FIELD_NUMBER: _ClassVar[int]
    PARAMS_FIELD_NUMBER: _ClassVar[int]
    face_id: str
    body: _httpbody_pb2.HttpBody
    params: _faces_pb2.FaceAttributeInput
    def __init__(self, face_id: _Optional[str] = ..., body: _Optional[_Union[_httpbody_pb2.HttpBody, _Mapping]] = ..., params: _Optional[_Union[_faces_pb2.FaceAttributeInput, _Mapping]] = ...) -> None: ...

class GetFaceAttributeRequest(_message.Message):
    __slots__ = ("face_id", "targets", "descriptor_version")
    FACE_ID_FIELD_NUMBER: _ClassVar[int]
    TARGETS_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTOR_VERSION_FIELD_NUMBER: _ClassVar[int]
    face_id: str
    targets: _containers.RepeatedScalarFieldContainer[str]
    descriptor_version: int
    def __init__(self, face_id: _Optional[str] = ..., targets: _Optional[_Iterable[str]] = ..., descriptor_version: _Optional[int] = ...) -> None: ...

class GetFaceAttributeResponse(_message.Message):
    __slots__ = ("attributes",)
    ATTRIBUTES_FIELD_NUMBER: _ClassVar[int]
    attributes: _faces_pb2.FaceAttribute
    def __init__(self, attributes: _Optional[_Union[_faces_pb2.FaceAttribute, _Mapping]] = ...) -> None: ...

class DeleteFaceAttributeRequest(_message.Message):
    __slots__ = ("face_id",)
    FACE_ID_FIELD_NUMBER: _ClassVar[int]
    face_id: str
    def __init__(self, face_id: _Optional[str] = ...) -> None: ...

class GetFaceAttributeSamplesRequest(_message.Message):
    __slots__ = ("face_id",)
    FACE_ID_FIELD_NUMBER: _ClassVar[int]
    face_id: str
    def __init__(self, face_id: _Optional[str] = ...) -> None: ...
