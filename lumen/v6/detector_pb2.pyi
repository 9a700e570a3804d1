from google.protobuf import struct_pb2 as _struct_pb2
from lumen.v6 import common_pb2 as _common_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class DetectionRect(_message.Message):
    __slots__ = ("x", "y", "width", "height")
    X_FIELD_NUMBER: _ClassVar[int]
    Y_FIELD_NUMBER: _ClassVar[int]
    WIDTH_FIELD_NUMBER: _ClassVar[int]
    HEIGHT_FIELD_NUMBER: _ClassVar[int]
    x: int
    y: int
    width: int
    height: int
    def __init__(self, x: _Optional[int] = ..., y: _Optional[int] = ..., width: _Optional[int] = ..., height: _Optional[int] = ...) -> None: ...

class FaceDetectionResult(_message.Message):
    __slots__ = ("rect", "landmarks5")
    RECT_FIELD_NUMBER: _ClassVar[int]
    LANDMARKS5_FIELD_NUMBER: _ClassVar[int]
    rect: DetectionRect
    landmarks5: _struct_pb2.ListValue
    def __init__(self, rect: _Optional[_Union[DetectionRect, _Mapping]] = ..., landmarks5: _Optional[_Union[_struct_pb2.ListValue, _Mapping]] = ...) -> None: ...

class DetectedFace(_message.Message):
    __slots__ = ("detection", "url", "sample_id")
    DETECTION_FIELD_NUMBER: _ClassVar[int]
    URL_FIELD_NUMBER: _ClassVar[int]
    SAMPLE_ID_FIELD_NUMBER: _ClassVar[int]
    detection: FaceDetectionResult
    url: str
    sample_id: str
    def __init__(self, detection: _Optional[_Union[FaceDetectionResult, _Mapping]] = ..., url: _Optional[str] = ..., sample_id: _Optional[str] = ...) -> None: ...

class DetectorSample(_message.Message):
    __slots__ = ("face",)
    FACE_FIELD_NUMBER: _ClassVar[int]
    face: DetectedFace
    def __init__(self, face: _Optional[_Union[DetectedFace, _Mapping]] = ...) -> None: ...

class FilteredDetections(_message.Message):
    __slots__ = ("face_detections",)
    FACE_DETECTIONS_FIELD_NUMBER: _ClassVar[int]
    face_detections: _containers.RepeatedCompositeFieldContainer[_struct_pb2.Struct]
    def __init__(self, face_detections: _Optional[_Iterable[_Union[_struct_pb2.Struct, _Mapping]]] = ...) -> None: ...

class ImageDetections(_message.Message):
    __slots__ = ("samples", "filtered_detections")
    SAMPLES_FIELD_NUMBER: _ClassVar[int]
    FILTERED_DETECTIONS_FIELD_NUMBER: _ClassVar[int]
    samples: _containers.RepeatedCompositeFieldContainer[DetectorSample]
    filtered_detections: FilteredDetections
    def __init__(self, samples: _Optional[_Iterable[_Union[DetectorSample, _Mapping]]] = ..., filtered_detections: _Optional[_Union[FilteredDetections, _Mapping]] = ...) -> None: ...

class DetectorImage(_message.Message):
    __slots__ = ("filename", "error", "status", "detections", "exif")
    FILENAME_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    DETECTIONS_FIELD_NUMBER: _ClassVar[int]
    EXIF_FIELD_NUMBER: _ClassVar[int]
    filename: str
    error: _common_pb2.Error
    status: int
    detections: ImageDetections
    exif: _struct_pb2.Struct
    def __init__(self, filename: _Optional[str] = ..., error: _Optional[_Union[_common_pb2.Error, _Mapping]] = ..., status: _Optional[int] = ..., detections: _Optional[_Union[ImageDetections, _Mapping]] = ..., exif: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ...) -> None: ...
