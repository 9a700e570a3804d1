import datetime

from google.api import annotations_pb2 as _annotations_pb2
from google.api import httpbody_pb2 as _httpbody_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from lumen.v6 import common_pb2 as _common_pb2
from lumen.v6 import events_pb2 as _events_pb2
from lumen.v6 import options_pb2 as _options_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class GetEventsRequest(_message.Message):
    __slots__ = ("target", "create_time__gte", "create_time__lt", "end_time__gte", "end_time__lt", "sources", "cities", "areas", "districts", "streets", "house_numbers", "origin_longitude", "origin_latitude", "longitude_delta", "latitude_delta", "top_matching_candidates_label", "top_similar_object_ids", "top_similar_external_ids", "top_similar_object_similarity__gte", "top_similar_object_similarity__lt", "age__lt", "age__gte", "gender", "emotions", "masks", "ethnic_groups", "liveness", "face_ids", "event_ids", "event_id__gte", "event_id__lt", "handler_ids", "external_ids", "user_data", "tags", "track_ids", "order", "page", "page_size")
    TARGET_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME__GTE_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME__LT_FIELD_NUMBER: _ClassVar[int]
    END_TIME__GTE_FIELD_NUMBER: _ClassVar[int]
    END_TIME__LT_FIELD_NUMBER: _ClassVar[int]
    SOURCES_FIELD_NUMBER: _ClassVar[int]
    CITIES_FIELD_NUMBER: _ClassVar[int]
    AREAS_FIELD_NUMBER: _ClassVar[int]
    DISTRICTS_FIELD_NUMBER: _ClassVar[int]
    STREETS_FIELD_NUMBER: _ClassVar[int]
    HOUSE_NUMBERS_FIELD_NUMBER: _ClassVar[int]
    ORIGIN_LONGITUDE_FIELD_NUMBER: _ClassVar[int]
    ORIGIN_LATITUDE_FIELD_NUMBER: _ClassVar[int]
    LONGITUDE_DELTA_FIELD_NUMBER: _ClassVar[int]
    LATITUDE_DELTA_FIELD_NUMBER: _ClassVar[int]
    TOP_MATCHING_CANDIDATES_LABEL_FIELD_NUMBER: _ClassVar[int]
    TOP_SIMILAR_OBJECT_IDS_FIELD_NUMBER: _ClassVar[int]
    TOP_SIMILAR_EXTERNAL_IDS_FIELD_NUMBER: _ClassVar[int]
    TOP_SIMILAR_OBJECT_SIMILARITY__GTE_FIELD_NUMBER: _ClassVar[int]
    TOP_SIMILAR_OBJECT_SIMILARITY__LT_FIELD_NUMBER: _ClassVar[int]
    AGE__LT_FIELD_NUMBER: _ClassVar[int]
    AGE__GTE_FIELD_NUMBER: _ClassVar[int]
    GENDER_FIELD_NUMBER: _ClassVar[int]
    EMOTIONS_FIELD_NUMBER: _ClassVar[int]
    MASKS_FIELD_NUMBER: _ClassVar[int]
    ETHNIC_GROUPS_FIELD_NUMBER: _ClassVar[int]
    LIVENESS_FIELD_NUMBER: _ClassVar[int]
    FACE_IDS_FIELD_NUMBER: _ClassVar[int]
    EVENT_IDS_FIELD_NUMBER: _ClassVar[int]
    EVENT_ID__GTE_FIELD_NUMBER: _ClassVar[int]
    EVENT_ID__LT_FIELD_NUMBER: _ClassVar[int]
    HANDLER_IDS_FIELD_NUMBER: _ClassVar[int]
    EXTERNAL_IDS_FIELD_NUMBER: _ClassVar[int]
    USER_DATA_FIELD_NUMBER: _ClassVar[int]
    TAGS_FIELD_NUMBER: _ClassVar[int]
    TRACK_IDS_FIELD_NUMBER: _ClassVar[int]
    ORDER_FIELD_NUMBER: _ClassVar[int]
    PAGE_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    target: _containers.RepeatedScalarFieldContainer[str]
    create_time__gte: _timestamp_pb2.Timestamp
    create_time__lt: _timestamp_pb2.Timestamp
    end_time__gte: _timestamp_pb2.Timestamp
    end_time__lt: _timestamp_pb2.Timestamp
    sources: _containers.RepeatedScalarFieldContainer[str]
    cities: _containers.RepeatedScalarFieldContainer[str]
    areas: _containers.RepeatedScalarFieldContainer[str]
    districts: _containers.RepeatedScalarFieldContainer[str]
    streets: _containers.RepeatedScalarFieldContainer[str]
    house_numbers: _containers.RepeatedScalarFieldContainer[str]
    origin_longitude: float
    origin_latitude: float
    longitude_delta: float
    latitude_delta: float
    top_matching_candidates_label: str
    top_similar_object_ids: _containers.RepeatedScalarFieldContainer[str]
    top_similar_external_ids: _containers.RepeatedScalarFieldContainer[str]
    top_similar_object_similarity__gte: float
    top_similar_object_similarity__lt: float
    age__lt: int
    age__gte: int
    gender: int
    emotions: _containers.RepeatedScalarFieldContainer[str]
    masks: _containers.RepeatedScalarFieldContainer[str]
    ethnic_groups: _containers.RepeatedScalarFieldContainer[str]
    liveness: _containers.RepeatedScalarFieldContainer[str]
    face_ids: _containers.RepeatedScalarFieldContainer[str]
    event_ids: _containers.RepeatedScalarFieldContainer[str]
    event_id__gte: str
    event_id__lt: str
    handler_ids: _containers.RepeatedScalarFieldContainer[str]
    external_ids: _containers.RepeatedScalarFieldContainer[str]
    user_data: str
    tags: _containers.RepeatedScalarFieldContainer[str]
    track_ids: _containers.RepeatedScalarFieldContainer[str]
    order: str
    page: int
    page_size: int
    def __init__(self, target: _Optional[_Iterable[str]] = ..., create_time__gte: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., create_time__lt: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., end_time__gte: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., end_time__lt: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., sources: _Optional[_Iterable[str]] = ..., cities: _Optional[_Iterable[str]] = ..., areas: _Optional[_Iterable[str]] = ..., districts: _Optional[_Iterable[str]] = ..., streets: _Optional[_Iterable[str]] = ..., house_numbers: _Optional[_Iterable[str]] = ..., origin_longitude: _Optional[float] = ..., origin_latitude: _Optional[float] = ..., longitude_delta: _Optional[float] = ..., latitude_delta: _Optional[float] = ..., top_matching_candidates_label: _Optional[str] = ..., top_similar_object_ids: _Optional[_Iterable[str]] = ..., top_similar_external_ids: _Optional[_Iterable[str]] = ..., top_similar_object_similarity__gte: _Optional[float] = ..., top_similar_object_similarity__lt: _Optional[float] = ..., age__lt: _Optional[int] = ..., age__gte: _Optional[int] = ..., gender: _Optional[int] = ..., emotions: _Optional[_Iterable[str]] = ..., masks: _Optional[_Iterable[str]] = ..., ethnic_groups: _Optional[_Iterable[str]] = ..., liveness: _Optional[_Iterable[str]] = ..., face_ids: _Optional[_Iterable[str]] = ..., event_ids: _Optional[_Iterable[str]] = ..., event_id__gte: _Optional[str] = ..., event_id__lt: _Optional[str] = ..., handler_ids: _Optional[_Iterable[str]] = ..., external_ids: _Optional[_Iterable[str]] = ..., user_data: _Optional[str] = ..., tags: _Optional[_Iterable[str]] = ..., track_ids: _Optional[_Iterable[str]] = ..., order: _Optional[str] = ..., page: _Optional[int] = ..., page_size: _Optional[int] = ...) -> None: ...

class GetEventsResponse(_message.Message):
    __slots__ = ("events",)
    EVENTS_FIELD_NUMBER: _ClassVar[int]
    events: _containers.RepeatedCompositeFieldContainer[_events_pb2.Event]
    def __init__(self, events: _Optional[_Iterable[_Union[_events_pb2.Event, _Mapping]]] = ...) -> None: ...

class GetEventRequest(_message.Message):
    __slots__ = ("event_id", "target")
    EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    TARGET_FIELD_NUMBER: _ClassVar[int]
    event_id: str
    target: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, event_id: _Optional[str] = ..., target: _Optional[_Iterable[str]] = ...) -> None: ...

class EventExistsRequest(_message.Message):
    __slots__ = ("event_id",)
    EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    event_id: str
    def __init__(self, event_id: _Optional[str] = ...) -> None: ...

class GetEventStatsRequest(_message.Message):
    __slots__ = ("body", "params")
    BODY_FIELD_NUMBER: _ClassVar[int]
    PARAMS_FIELD_NUMBER: _ClassVar[int]
    body: _httpbody_pb2.HttpBody
    params: _events_pb2.EventStatsParams
    def __init__(self, body: _Optional[_Union[_httpbody_pb2.HttpBody, _Mapping]] = ..., params: _Optional[_Union[_events_pb2.EventStatsParams, _Mapping]] = ...) -> None: ...

class CreateRawEventRequest(_message.Message):
    __slots__ = ("handler_id", "wait_saving", "body", "params")
    HANDLER_ID_FIELD_NUMBER: _ClassVar[int]
    WAIT_SAVING_FIELD_NUMBER: _ClassVar[int]
    BODY_FIELD_NUMBER: _ClassVar[int]
    PARAMS_FIELD_NUMBER: _ClassVar[int]
    handler_id: str
    wait_saving: bool
    body: _httpbody_pb2.HttpBody
    params: _events_pb2.RawEventParams
    def __init__(self, handler_id: _Optional[str] = ..., wait_saving: _Optional[bool] = ..., body: _Optional[_Union[_httpbody_pb2.HttpBody, _Mapping]] = ..., params: _Optional[_Union[_events_pb2.RawEventParams, _Mapping]] = ...) -> None: ...
