from google.api import annotations_pb2 as _annotations_pb2
from google.api import httpbody_pb2 as _httpbody_pb2
from lumen.v6 import detector_pb2 as _detector_pb2
from lumen.v6 import handler_events_pb2 as _handler_events_pb2
from lumen.v6 import options_pb2 as _options_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class CreateEventsRequest(_message.Message):
    __slots__ = ("handler_id", "city", "area", "district", "street", "house_number", "longitude", "latitude", "external_id", "user_data", "image_type", "aggregate_attributes", "source", "tags", "track_id", "use_exif_info", "body")
    HANDLER_ID_FIELD_NUMBER: _ClassVar[int]
    CITY_FIELD_NUMBER: _ClassVar[int]
    AREA_FIELD_NUMBER: _ClassVar[int]
    DISTRICT_FIELD_NUMBER: _ClassVar[int]
    STREET_FIELD_NUMBER: _ClassVar[int]
    HOUSE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    LONGITUDE_FIELD_NUMBER: _ClassVar[int]
    LATITUDE_FIELD_NUMBER: _ClassVar[int]
    EXTERNAL_ID_FIELD_NUMBER: _ClassVar[int]
    USER_DATA_FIELD_NUMBER: _ClassVar[int]
    IMAGE_TYPE_FIELD_NUMBER: _ClassVar[int]
    AGGREGATE_ATTRIBUTES_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    TAGS_FIELD_NUMBER: _ClassVar[int]
    TRACK_ID_FIELD_NUMBER: _ClassVar[int]
    USE_EXIF_INFO_FIELD_NUMBER: _ClassVar[int]
    BODY_FIELD_NUMBER: _ClassVar[int]
    handler_id: str
    city: str
    area: str
    district: str
    street: str
    house_number: str
    longitude: float
    latitude: float
    external_id: str
    user_data: str
    image_type: int
    aggregate_attributes: bool
    source: str
    tags: _containers.RepeatedScalarFieldContainer[str]
    track_id: str
    use_exif_info: bool
    body: _httpbody_pb2.HttpBody
    def __init__(self, handler_id: _Optional[str] = ..., city: _Optional[str] = ..., area: _Optional[str] = ..., district: _Optional[str] = ..., street: _Optional[str] = ..., house_number: _Optional[str] = ..., longitude: _Optional[float] = ..., latitude: _Optional[float] = ..., external_id: _Optional[str] = ..., user_data: _Optional[str] = ..., image_type: _Optional[int] = ..., aggregate_attributes: _Optional[bool] = ..., source: _Optional[str] = ..., tags: _Optional[_Iterable[str]] = ..., track_id: _Optional[str] = ..., use_exif_info: _Optional[bool] = ..., body: _Optional[_Union[_httpbody_pb2.HttpBody, _Mapping]] = ...) -> None: ...

class CreateEventsResponse(_message.Message):
    __slots__ = ("images", "events", "filtered_detections")
    IMAGES_FIELD_NUMBER: _ClassVar[int]
    EVENTS_FIELD_NUMBER: _ClassVar[int]
    FILTERED_DETECTIONS_FIELD_NUMBER: _ClassVar[int]
    images: _containers.RepeatedCompositeFieldContainer[_handler_events_pb2.HandlerEventsImage]
    events: _containers.RepeatedCompositeFieldContainer[_handler_events_pb2.HandlerEvent]
    filtered_detections: _detector_pb2.FilteredDetections
    def __init__(self, images: _Optional[_Iterable[_Union[_handler_events_pb2.HandlerEventsImage, _Mapping]]] = ..., events: _Optional[_Iterable[_Union[_handler_events_pb2.HandlerEvent, _Mapping]]] = ..., filtered_detections: _Optional[_Union[_detector_pb2.FilteredDetections, _Mapping]] = ...) -> None: ...
