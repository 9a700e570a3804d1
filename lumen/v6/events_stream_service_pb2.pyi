from google.api import annotations_pb2 as _annotations_pb2
from lumen.v6 import options_pb2 as _options_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class StreamEventsRequest(_message.Message):
    __slots__ = ("sources", "matching_candidates_labels", "object_similarity__gte", "object_similarity__lt", "age__lt", "age__gte", "gender", "ethnic_groups", "liveness", "tags", "cities", "areas", "districts", "streets", "house_numbers", "handler_ids", "masks", "emotions")
    SOURCES_FIELD_NUMBER: _ClassVar[int]
    MATCHING_CANDIDATES_LABELS_FIELD_NUMBER: _ClassVar[int]
    OBJECT_SIMILARITY__GTE_FIELD_NUMBER: _ClassVar[int]
    OBJECT_SIMILARITY__LT_FIELD_NUMBER: _ClassVar[int]
    AGE__LT_FIELD_NUMBER: _ClassVar[int]
    AGE__GTE_FIELD_NUMBER: _ClassVar[int]
    GENDER_FIELD_NUMBER: _ClassVar[int]
    ETHNIC_GROUPS_FIELD_NUMBER: _ClassVar[int]
    LIVENESS_FIELD_NUMBER: _ClassVar[int]
    TAGS_FIELD_NUMBER: _ClassVar[int]
    CITIES_FIELD_NUMBER: _ClassVar[int]
    AREAS_FIELD_NUMBER: _ClassVar[int]
    DISTRICTS_FIELD_NUMBER: _ClassVar[int]
    STREETS_FIELD_NUMBER: _ClassVar[int]
    HOUSE_NUMBERS_FIELD_NUMBER: _ClassVar[int]
    HANDLER_IDS_FIELD_NUMBER: _ClassVar[int]
    MASKS_FIELD_NUMBER: _ClassVar[int]
    EMOTIONS_FIELD_NUMBER: _ClassVar[int]
    sources: _containers.RepeatedScalarFieldContainer[str]
    matching_candidates_labels: _containers.RepeatedScalarFieldContainer[str]
    object_similarity__gte: float
    object_similarity__lt: float
    age__lt: int
    age__gte: int
    gender: int
    ethnic_groups: _containers.RepeatedScalarFieldContainer[str]
    liveness: _containers.RepeatedScalarFieldContainer[str]
    tags: _containers.RepeatedScalarFieldContainer[str]
    cities: _containers.RepeatedScalarFieldContainer[str]
    areas: _containers.RepeatedScalarFieldContainer[str]
    districts: _containers.RepeatedScalarFieldContainer[str]
    streets: _containers.RepeatedScalarFieldContainer[str]
    house_numbers: _containers.RepeatedScalarFieldContainer[str]
    handler_ids: _containers.RepeatedScalarFieldContainer[str]
    masks: _containers.RepeatedScalarFieldContainer[str]
    emotions: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, sources: _Optional[_Iterable[str]] = ..., matching_candidates_labels: _Optional[_Iterable[str]] = ..., object_similarity__gte: _Optional[float] = ..., object_similarity__lt: _Optional[float] = ..., age__lt: _Optional[int] = ..., age__gte: _Optional[int] = ..., gender: _Optional[int] = ..., ethnic_groups: _Optional[_Iterable[str]] = ..., liveness: _Optional[_Iterable[str]] = ..., tags: _Optional[_Iterable[str]] = ..., cities: _Optional[_Iterable[str]] = ..., areas: _Optional[_Iterable[str]] = ..., districts: _Optional[_Iterable[str]] = ..., streets: _Optional[_Iterable[str]] = ..., house_numbers: _Optional[_Iterable[str]] = ..., handler_ids: _Optional[_Iterable[str]] = ..., masks: _Optional[_Iterable[str]] = ..., emotions: _Optional[_Iterable[str]] = ...) -> None: ...

class LiveEvent(_message.Message):
    __slots__ = ("event_id", "handler_id", "event_create_time", "event_end_time", "luna_request_id", "event_json", "facts")
    EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    HANDLER_ID_FIELD_NUMBER: _ClassVar[int]
    EVENT_CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    EVENT_END_TIME_FIELD_NUMBER: _ClassVar[int]
    LUNA_REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    EVENT_JSON_FIELD_NUMBER: _ClassVar[int]
    FACTS_FIELD_NUMBER: _ClassVar[int]
    event_id: str
    handler_id: str
    event_create_time: str
    event_end_time: str
    luna_request_id: str
    event_json: str
    facts: LiveEventFacts
    def __init__(self, event_id: _Optional[str] = ..., handler_id: _Optional[str] = ..., event_create_time: _Optional[str] = ..., event_end_time: _Optional[str] = ..., luna_request_id: _Optional[str] = ..., event_json: _Optional[str] = ..., facts: _Optional[_Union[LiveEventFacts, _Mapping]] = ...) -> None: ...

class LiveEventFacts(_message.Message):
    __slots__ = ("source", "tags", "match_labels", "top_similarity", "age", "gender", "emotion", "mask", "ethnic_group", "liveness", "city", "area", "district", "street", "house_number")
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    TAGS_FIELD_NUMBER: _ClassVar[int]
    MATCH_LABELS_FIELD_NUMBER: _ClassVar[int]
    TOP_SIMILARITY_FIELD_NUMBER: _ClassVar[int]
    AGE_FIELD_NUMBER: _ClassVar[int]
    GENDER_FIELD_NUMBER: _ClassVar[int]
    EMOTION_FIELD_NUMBER: _ClassVar[int]
    MASK_FIELD_NUMBER: _ClassVar[int]
    ETHNIC_GROUP_FIELD_NUMBER: _ClassVar[int]
    LIVENESS_FIELD_NUMBER: _ClassVar[int]
    CITY_FIELD_NUMBER: _ClassVar[int]
    AREA_FIELD_NUMBER: _ClassVar[int]
    DISTRICT_FIELD_NUMBER: _ClassVar[int]
    STREET_FIELD_NUMBER: _ClassVar[int]
    HOUSE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    source: str
    tags: _containers.RepeatedScalarFieldContainer[str]
    match_labels: _containers.RepeatedScalarFieldContainer[str]
    top_similarity: float
    age: int
    gender: int
    emotion: int
    mask: int
    ethnic_group: int
    liveness: int
    city: str
    area: str
    district: str
    street: str
    house_number: str
    def __init__(self, source: _Optional[str] = ..., tags: _Optional[_Iterable[str]] = ..., match_labels: _Optional[_Iterable[str]] = ..., top_similarity: _Optional[float] = ..., age: _Optional[int] = ..., gender: _Optional[int] = ..., emotion: _Optional[int] = ..., mask: _Optional[int] = ..., ethnic_group: _Optional[int] = ..., liveness: _Optional[int] = ..., city: _Optional[str] = ..., area: _Optional[str] = ..., district: _Optional[str] = ..., street: _Optional[str] = ..., house_number: _Optional[str] = ...) -> None: ...
