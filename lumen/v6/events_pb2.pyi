from google.protobuf import struct_pb2 as _struct_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Event(_message.Message):
    __slots__ = ("event_id", "account_id", "handler_id", "create_time", "end_time", "face_id", "external_id", "source", "user_data", "tags", "track_id", "top_match", "match_result", "face_detections", "body_detections", "attach_result", "gender", "age", "emotion", "mask", "ethnic_group", "liveness", "location")
    EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    HANDLER_ID_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    END_TIME_FIELD_NUMBER: _ClassVar[int]
    FACE_ID_FIELD_NUMBER: _ClassVar[int]
    EXTERNAL_ID_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    USER_DATA_FIELD_NUMBER: _ClassVar[int]
    TAGS_FIELD_NUMBER: _ClassVar[int]
    TRACK_ID_FIELD_NUMBER: _ClassVar[int]
    TOP_MATCH_FIELD_NUMBER: _ClassVar[int]
    MATCH_RESULT_FIELD_NUMBER: _ClassVar[int]
    FACE_DETECTIONS_FIELD_NUMBER: _ClassVar[int]
    BODY_DETECTIONS_FIELD_NUMBER: _ClassVar[int]
    ATTACH_RESULT_FIELD_NUMBER: _ClassVar[int]
    GENDER_FIELD_NUMBER: _ClassVar[int]
    AGE_FIELD_NUMBER: _ClassVar[int]
    EMOTION_FIELD_NUMBER: _ClassVar[int]
    MASK_FIELD_NUMBER: _ClassVar[int]
    ETHNIC_GROUP_FIELD_NUMBER: _ClassVar[int]
    LIVENESS_FIELD_NUMBER: _ClassVar[int]
    LOCATION_FIELD_NUMBER: _ClassVar[int]
    event_id: str
    account_id: str
    handler_id: _struct_pb2.Value
    create_time: str
    end_time: str
    face_id: _struct_pb2.Value
    external_id: _struct_pb2.Value
    source: _struct_pb2.Value
    user_data: str
    tags: _struct_pb2.ListValue
    track_id: _struct_pb2.Value
    top_match: _struct_pb2.Value
    match_result: _struct_pb2.ListValue
    face_detections: _struct_pb2.ListValue
    body_detections: _struct_pb2.Value
    attach_result: _struct_pb2.ListValue
    gender: _struct_pb2.Value
    age: _struct_pb2.Value
    emotion: _struct_pb2.Value
    mask: _struct_pb2.Value
    ethnic_group: _struct_pb2.Value
    liveness: _struct_pb2.Value
    location: _struct_pb2.Value
    def __init__(self, event_id: _Optional[str] = ..., account_id: _Optional[str] = ..., handler_id: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., create_time: _Optional[str] = ..., end_time: _Optional[str] = ..., face_id: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., external_id: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., source: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., user_data: _Optional[str] = ..., tags: _Optional[_Union[_struct_pb2.ListValue, _Mapping]] = ..., track_id: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., top_match: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., match_result: _Optional[_Union[_struct_pb2.ListValue, _Mapping]] = ..., face_detections: _Optional[_Union[_struct_pb2.ListValue, _Mapping]] = ..., body_detections: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., attach_result: _Optional[_Union[_struct_pb2.ListValue, _Mapping]] = ..., gender: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., age: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., emotion: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., mask: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., ethnic_group: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., liveness: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., location: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...

class EventStatsTarget(_message.Message):
    __slots__ = ("column", "aggregator")
    COLUMN_FIELD_NUMBER: _ClassVar[int]
    AGGREGATOR_FIELD_NUMBER: _ClassVar[int]
    column: str
    aggregator: str
    def __init__(self, column: _Optional[str] = ..., aggregator: _Optional[str] = ...) -> None: ...

class EventStatsFilter(_message.Message):
    __slots__ = ("column", "operator", "value")
    COLUMN_FIELD_NUMBER: _ClassVar[int]
    OPERATOR_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    column: str
    operator: str
    value: _struct_pb2.Value
    def __init__(self, column: _Optional[str] = ..., operator: _Optional[str] = ..., value: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...

class EventStatsPeriod(_message.Message):
    __slots__ = ("operator", "value")
    OPERATOR_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    operator: str
    value: str
    def __init__(self, operator: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...

class EventStatsParams(_message.Message):
    __slots__ = ("targets", "filters", "period", "group_by")
    TARGETS_FIELD_NUMBER: _ClassVar[int]
    FILTERS_FIELD_NUMBER: _ClassVar[int]
    PERIOD_FIELD_NUMBER: _ClassVar[int]
    GROUP_BY_FIELD_NUMBER: _ClassVar[int]
    targets: _containers.RepeatedCompositeFieldContainer[EventStatsTarget]
    filters: _containers.RepeatedCompositeFieldContainer[EventStatsFilter]
    period: _containers.RepeatedCompositeFieldContainer[EventStatsPeriod]
    group_by: str
    def __init__(self, targets: _Optional[_Iterable[_Union[EventStatsTarget, _Mapping]]] = ..., filters: _Optional[_Iterable[_Union[EventStatsFilter, _Mapping]]] = ..., period: _Optional[_Iterable[_Union[EventStatsPeriod, _Mapping]]] = ..., group_by: _Optional[str] = ...) -> None: ...

class EventStats(_message.Message):
    __slots__ = ("fields", "stats")
    FIELDS_FIELD_NUMBER: _ClassVar[int]
    STATS_FIELD_NUMBER: _ClassVar[int]
    fields: _containers.RepeatedScalarFieldContainer[str]
    stats: _struct_pb2.ListValue
    def __init__(self, fields: _Optional[_Iterable[str]] = ..., stats: _Optional[_Union[_struct_pb2.ListValue, _Mapping]] = ...) -> None: ...

class RawEventParams(_message.Message):
    __slots__ = ("detections", "source", "location", "external_id", "user_data", "track_id", "face", "matches", "face_attributes", "body_attributes", "aggregate_estimations", "tags", "create_time", "end_time")
    DETECTIONS_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    LOCATION_FIELD_NUMBER: _ClassVar[int]
    EXTERNAL_ID_FIELD_NUMBER: _ClassVar[int]
    USER_DATA_FIELD_NUMBER: _ClassVar[int]
    TRACK_ID_FIELD_NUMBER: _ClassVar[int]
    FACE_FIELD_NUMBER: _ClassVar[int]
    MATCHES_FIELD_NUMBER: _ClassVar[int]
    FACE_ATTRIBUTES_FIELD_NUMBER: _ClassVar[int]
    BODY_ATTRIBUTES_FIELD_NUMBER: _ClassVar[int]
    AGGREGATE_ESTIMATIONS_FIELD_NUMBER: _ClassVar[int]
    TAGS_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    END_TIME_FIELD_NUMBER: _ClassVar[int]
    detections: _containers.RepeatedCompositeFieldContainer[_struct_pb2.Struct]
    source: str
    location: _struct_pb2.Struct
    external_id: str
    user_data: str
    track_id: str
    face: _struct_pb2.Struct
    matches: _containers.RepeatedCompositeFieldContainer[_struct_pb2.Struct]
    face_attributes: _struct_pb2.Struct
    body_attributes: _struct_pb2.Struct
    aggregate_estimations: _struct_pb2.Struct
    tags: _containers.RepeatedScalarFieldContainer[str]
    create_time: str
    end_time: str
    def __init__(self, detections: _Optional[_Iterable[_Union[_struct_pb2.Struct, _Mapping]]] = ..., source: _Optional[str] = ..., location: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., external_id: _Optional[str] = ..., user_data: _Optional[str] = ..., track_id: _Optional[str] = ..., face: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., matches: _Optional[_Iterable[_Union[_struct_pb2.Struct, _Mapping]]] = ..., face_attributes: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., body_attributes: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., aggregate_estimations: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., tags: _Optional[_Iterable[str]] = ..., create_time: _Optional[str] = ..., end_time: _Optional[str] = ...) -> None: ...

class RawEventCreated(_message.Message):
    __slots__ = ("event_id", "url")
    EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    URL_FIELD_NUMBER: _ClassVar[int]
    event_id: str
    url: str
    def __init__(self, event_id: _Optional[str] = ..., url: _Optional[str] = ...) -> None: ...
