from google.protobuf import struct_pb2 as _struct_pb2
from lumen.v6 import common_pb2 as _common_pb2
from lumen.v6 import detector_pb2 as _detector_pb2
from lumen.v6 import faces_pb2 as _faces_pb2
from lumen.v6 import iso_pb2 as _iso_pb2
from lumen.v6 import liveness_pb2 as _liveness_pb2
from lumen.v6 import sdk_pb2 as _sdk_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class HandlerEventsImage(_message.Message):
    __slots__ = ("filename", "status", "error", "exif")
    FILENAME_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    EXIF_FIELD_NUMBER: _ClassVar[int]
    filename: str
    status: int
    error: _common_pb2.Error
    exif: _struct_pb2.Struct
    def __init__(self, filename: _Optional[str] = ..., status: _Optional[int] = ..., error: _Optional[_Union[_common_pb2.Error, _Mapping]] = ..., exif: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ...) -> None: ...

class EventGeoPosition(_message.Message):
    __slots__ = ("longitude", "latitude")
    LONGITUDE_FIELD_NUMBER: _ClassVar[int]
    LATITUDE_FIELD_NUMBER: _ClassVar[int]
    longitude: float
    latitude: float
    def __init__(self, longitude: _Optional[float] = ..., latitude: _Optional[float] = ...) -> None: ...

class EventLocation(_message.Message):
    __slots__ = ("city", "area", "district", "street", "house_number", "geo_position")
    CITY_FIELD_NUMBER: _ClassVar[int]
    AREA_FIELD_NUMBER: _ClassVar[int]
    DISTRICT_FIELD_NUMBER: _ClassVar[int]
    STREET_FIELD_NUMBER: _ClassVar[int]
    HOUSE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    GEO_POSITION_FIELD_NUMBER: _ClassVar[int]
    city: str
    area: str
    district: str
    street: str
    house_number: str
    geo_position: EventGeoPosition
    def __init__(self, city: _Optional[str] = ..., area: _Optional[str] = ..., district: _Optional[str] = ..., street: _Optional[str] = ..., house_number: _Optional[str] = ..., geo_position: _Optional[_Union[EventGeoPosition, _Mapping]] = ...) -> None: ...

class EventFaceDetectionAttributes(_message.Message):
    __slots__ = ("mouth_attributes", "emotions", "mask", "head_pose", "gaze", "eyes_attributes", "liveness")
    MOUTH_ATTRIBUTES_FIELD_NUMBER: _ClassVar[int]
    EMOTIONS_FIELD_NUMBER: _ClassVar[int]
    MASK_FIELD_NUMBER: _ClassVar[int]
    HEAD_POSE_FIELD_NUMBER: _ClassVar[int]
    GAZE_FIELD_NUMBER: _ClassVar[int]
    EYES_ATTRIBUTES_FIELD_NUMBER: _ClassVar[int]
    LIVENESS_FIELD_NUMBER: _ClassVar[int]
    mouth_attributes: _detector_pb2.MouthAttributes
    emotions: _detector_pb2.Emotions
    mask: _detector_pb2.Mask
    head_pose: _detector_pb2.HeadPose
    gaze: _detector_pb2.Gaze
    eyes_attributes: _detector_pb2.EyesAttributes
    liveness: _liveness_pb2.SdkLiveness
    def __init__(self, mouth_attributes: _Optional[_Union[_detector_pb2.MouthAttributes, _Mapping]] = ..., emotions: _Optional[_Union[_detector_pb2.Emotions, _Mapping]] = ..., mask: _Optional[_Union[_detector_pb2.Mask, _Mapping]] = ..., head_pose: _Optional[_Union[_detector_pb2.HeadPose, _Mapping]] = ..., gaze: _Optional[_Union[_detector_pb2.Gaze, _Mapping]] = ..., eyes_attributes: _Optional[_Union[_detector_pb2.EyesAttributes, _Mapping]] = ..., liveness: _Optional[_Union[_liveness_pb2.SdkLiveness, _Mapping]] = ...) -> None: ...

class EventFaceDetection(_message.Message):
    __slots__ = ("rect", "landmarks5", "landmarks68", "quality", "attributes", "face_quality")
    RECT_FIELD_NUMBER: _ClassVar[int]
    LANDMARKS5_FIELD_NUMBER: _ClassVar[int]
    LANDMARKS68_FIELD_NUMBER: _ClassVar[int]
    QUALITY_FIELD_NUMBER: _ClassVar[int]
    ATTRIBUTES_FIELD_NUMBER: _ClassVar[int]
    FACE_QUALITY_FIELD_NUMBER: _ClassVar[int]
    rect: _detector_pb2.DetectionRect
    landmarks5: _struct_pb2.ListValue
    landmarks68: _struct_pb2.ListValue
    quality: _detector_pb2.FaceQuality
    attributes: EventFaceDetectionAttributes
    face_quality: _iso_pb2.IsoResult
    def __init__(self, rect: _Optional[_Union[_detector_pb2.DetectionRect, _Mapping]] = ..., landmarks5: _Optional[_Union[_struct_pb2.ListValue, _Mapping]] = ..., landmarks68: _Optional[_Union[_struct_pb2.ListValue, _Mapping]] = ..., quality: _Optional[_Union[_detector_pb2.FaceQuality, _Mapping]] = ..., attributes: _Optional[_Union[EventFaceDetectionAttributes, _Mapping]] = ..., face_quality: _Optional[_Union[_iso_pb2.IsoResult, _Mapping]] = ...) -> None: ...

class EventFaceSample(_message.Message):
    __slots__ = ("sample_id", "url", "detection")
    SAMPLE_ID_FIELD_NUMBER: _ClassVar[int]
    URL_FIELD_NUMBER: _ClassVar[int]
    DETECTION_FIELD_NUMBER: _ClassVar[int]
    sample_id: _struct_pb2.Value
    url: _struct_pb2.Value
    detection: EventFaceDetection
    def __init__(self, sample_id: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., url: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., detection: _Optional[_Union[EventFaceDetection, _Mapping]] = ...) -> None: ...

class EventBodyDetection(_message.Message):
    __slots__ = ("rect",)
    RECT_FIELD_NUMBER: _ClassVar[int]
    rect: _detector_pb2.DetectionRect
    def __init__(self, rect: _Optional[_Union[_detector_pb2.DetectionRect, _Mapping]] = ...) -> None: ...

class EventBodySample(_message.Message):
    __slots__ = ("sample_id", "url", "detection")
    SAMPLE_ID_FIELD_NUMBER: _ClassVar[int]
    URL_FIELD_NUMBER: _ClassVar[int]
    DETECTION_FIELD_NUMBER: _ClassVar[int]
    sample_id: _struct_pb2.Value
    url: _struct_pb2.Value
    detection: EventBodyDetection
    def __init__(self, sample_id: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., url: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., detection: _Optional[_Union[EventBodyDetection, _Mapping]] = ...) -> None: ...

class EventSamples(_message.Message):
    __slots__ = ("face", "body")
    FACE_FIELD_NUMBER: _ClassVar[int]
    BODY_FIELD_NUMBER: _ClassVar[int]
    face: EventFaceSample
    body: EventBodySample
    def __init__(self, face: _Optional[_Union[EventFaceSample, _Mapping]] = ..., body: _Optional[_Union[EventBodySample, _Mapping]] = ...) -> None: ...

class EventDetection(_message.Message):
    __slots__ = ("filename", "samples", "detect_time", "detect_ts", "image_origin")
    FILENAME_FIELD_NUMBER: _ClassVar[int]
    SAMPLES_FIELD_NUMBER: _ClassVar[int]
    DETECT_TIME_FIELD_NUMBER: _ClassVar[int]
    DETECT_TS_FIELD_NUMBER: _ClassVar[int]
    IMAGE_ORIGIN_FIELD_NUMBER: _ClassVar[int]
    filename: str
    samples: EventSamples
    detect_time: str
    detect_ts: _struct_pb2.Value
    image_origin: _struct_pb2.Value
    def __init__(self, filename: _Optional[str] = ..., samples: _Optional[_Union[EventSamples, _Mapping]] = ..., detect_time: _Optional[str] = ..., detect_ts: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., image_origin: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...

class EventMatchEvent(_message.Message):
    __slots__ = ("event_id", "external_id", "user_data", "create_time", "handler_id", "source")
    EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    EXTERNAL_ID_FIELD_NUMBER: _ClassVar[int]
    USER_DATA_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    HANDLER_ID_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    event_id: str
    external_id: str
    user_data: str
    create_time: str
    handler_id: _struct_pb2.Value
    source: _struct_pb2.Value
    def __init__(self, event_id: _Optional[str] = ..., external_id: _Optional[str] = ..., user_data: _Optional[str] = ..., create_time: _Optional[str] = ..., handler_id: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., source: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...

class EventMatchCandidate(_message.Message):
    __slots__ = ("face", "event", "similarity")
    FACE_FIELD_NUMBER: _ClassVar[int]
    EVENT_FIELD_NUMBER: _ClassVar[int]
    SIMILARITY_FIELD_NUMBER: _ClassVar[int]
    face: _faces_pb2.Face
    event: EventMatchEvent
    similarity: float
    def __init__(self, face: _Optional[_Union[_faces_pb2.Face, _Mapping]] = ..., event: _Optional[_Union[EventMatchEvent, _Mapping]] = ..., similarity: _Optional[float] = ...) -> None: ...

class EventMatches(_message.Message):
    __slots__ = ("label", "candidates")
    LABEL_FIELD_NUMBER: _ClassVar[int]
    CANDIDATES_FIELD_NUMBER: _ClassVar[int]
    label: str
    candidates: _containers.RepeatedCompositeFieldContainer[EventMatchCandidate]
    def __init__(self, label: _Optional[str] = ..., candidates: _Optional[_Iterable[_Union[EventMatchCandidate, _Mapping]]] = ...) -> None: ...

class EventAttributeFilter(_message.Message):
    __slots__ = ("is_filtered", "filter_reasons")
    IS_FILTERED_FIELD_NUMBER: _ClassVar[int]
    FILTER_REASONS_FIELD_NUMBER: _ClassVar[int]
    is_filtered: bool
    filter_reasons: _containers.RepeatedCompositeFieldContainer[_detector_pb2.FilterReason]
    def __init__(self, is_filtered: _Optional[bool] = ..., filter_reasons: _Optional[_Iterable[_Union[_detector_pb2.FilterReason, _Mapping]]] = ...) -> None: ...

class EventFaceAttributes(_message.Message):
    __slots__ = ("attribute_id", "url", "samples", "score", "basic_attributes", "filter")
    ATTRIBUTE_ID_FIELD_NUMBER: _ClassVar[int]
    URL_FIELD_NUMBER: _ClassVar[int]
    SAMPLES_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    BASIC_ATTRIBUTES_FIELD_NUMBER: _ClassVar[int]
    FILTER_FIELD_NUMBER: _ClassVar[int]
    attribute_id: _struct_pb2.Value
    url: _struct_pb2.Value
    samples: _containers.RepeatedScalarFieldContainer[str]
    score: float
    basic_attributes: _detector_pb2.EstimatedBasicAttributes
    filter: EventAttributeFilter
    def __init__(self, attribute_id: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., url: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., samples: _Optional[_Iterable[str]] = ..., score: _Optional[float] = ..., basic_attributes: _Optional[_Union[_detector_pb2.EstimatedBasicAttributes, _Mapping]] = ..., filter: _Optional[_Union[EventAttributeFilter, _Mapping]] = ...) -> None: ...

class EventFace(_message.Message):
    __slots__ = ("face_id", "account_id", "event_id", "user_data", "create_time", "external_id", "avatar", "lists", "url")
    FACE_ID_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    USER_DATA_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    EXTERNAL_ID_FIELD_NUMBER: _ClassVar[int]
    AVATAR_FIELD_NUMBER: _ClassVar[int]
    LISTS_FIELD_NUMBER: _ClassVar[int]
    URL_FIELD_NUMBER: _ClassVar[int]
    face_id: str
    account_id: str
    event_id: str
    user_data: str
    create_time: str
    external_id: str
    avatar: str
    lists: _containers.RepeatedScalarFieldContainer[str]
    url: str
    def __init__(self, face_id: _Optional[str] = ..., account_id: _Optional[str] = ..., event_id: _Optional[str] = ..., user_data: _Optional[str] = ..., create_time: _Optional[str] = ..., external_id: _Optional[str] = ..., avatar: _Optional[str] = ..., lists: _Optional[_Iterable[str]] = ..., url: _Optional[str] = ...) -> None: ...

class HandlerEvent(_message.Message):
    __slots__ = ("event_id", "url", "source", "tags", "external_id", "user_data", "track_id", "location", "face", "face_attributes", "body_attributes", "matches", "detections", "aggregate_estimations")
    EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    URL_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    TAGS_FIELD_NUMBER: _ClassVar[int]
    EXTERNAL_ID_FIELD_NUMBER: _ClassVar[int]
    USER_DATA_FIELD_NUMBER: _ClassVar[int]
    TRACK_ID_FIELD_NUMBER: _ClassVar[int]
    LOCATION_FIELD_NUMBER: _ClassVar[int]
    FACE_FIELD_NUMBER: _ClassVar[int]
    FACE_ATTRIBUTES_FIELD_NUMBER: _ClassVar[int]
    BODY_ATTRIBUTES_FIELD_NUMBER: _ClassVar[int]
    MATCHES_FIELD_NUMBER: _ClassVar[int]
    DETECTIONS_FIELD_NUMBER: _ClassVar[int]
    AGGREGATE_ESTIMATIONS_FIELD_NUMBER: _ClassVar[int]
    event_id: str
    url: str
    source: _struct_pb2.Value
    tags: _containers.RepeatedScalarFieldContainer[str]
    external_id: str
    user_data: str
    track_id: _struct_pb2.Value
    location: EventLocation
    face: _struct_pb2.Value
    face_attributes: _struct_pb2.Value
    body_attributes: _struct_pb2.Value
    matches: _containers.RepeatedCompositeFieldContainer[EventMatches]
    detections: _containers.RepeatedCompositeFieldContainer[EventDetection]
    aggregate_estimations: _sdk_pb2.SdkAggregateEstimations
    def __init__(self, event_id: _Optional[str] = ..., url: _Optional[str] = ..., source: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., tags: _Optional[_Iterable[str]] = ..., external_id: _Optional[str] = ..., user_data: _Optional[str] = ..., track_id: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., location: _Optional[_Union[EventLocation, _Mapping]] = ..., face: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., face_attributes: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., body_attributes: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., matches: _Optional[_Iterable[_Union[EventMatches, _Mapping]]] = ..., detections: _Optional[_Iterable[_Union[EventDetection, _Mapping]]] = ..., aggregate_estimations: _Optional[_Union[_sdk_pb2.SdkAggregateEstimations, _Mapping]] = ...) -> None: ...
