from google.protobuf import struct_pb2 as _struct_pb2
from lumen.v6 import common_pb2 as _common_pb2
from lumen.v6 import detector_pb2 as _detector_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class IsoCheck(_message.Message):
    __slots__ = ("name", "object_value", "threshold_value", "result")
    NAME_FIELD_NUMBER: _ClassVar[int]
    OBJECT_VALUE_FIELD_NUMBER: _ClassVar[int]
    THRESHOLD_VALUE_FIELD_NUMBER: _ClassVar[int]
    RESULT_FIELD_NUMBER: _ClassVar[int]
    name: str
    object_value: _struct_pb2.Value
    threshold_value: _struct_pb2.Value
    result: int
    def __init__(self, name: _Optional[str] = ..., object_value: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., threshold_value: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., result: _Optional[int] = ...) -> None: ...

class IsoResult(_message.Message):
    __slots__ = ("status", "checks")
    STATUS_FIELD_NUMBER: _ClassVar[int]
    CHECKS_FIELD_NUMBER: _ClassVar[int]
    status: int
    checks: _containers.RepeatedCompositeFieldContainer[IsoCheck]
    def __init__(self, status: _Optional[int] = ..., checks: _Optional[_Iterable[_Union[IsoCheck, _Mapping]]] = ...) -> None: ...

class IsoFaceDetection(_message.Message):
    __slots__ = ("iso", "rect")
    ISO_FIELD_NUMBER: _ClassVar[int]
    RECT_FIELD_NUMBER: _ClassVar[int]
    iso: IsoResult
    rect: _detector_pb2.DetectionRect
    def __init__(self, iso: _Optional[_Union[IsoResult, _Mapping]] = ..., rect: _Optional[_Union[_detector_pb2.DetectionRect, _Mapping]] = ...) -> None: ...

class IsoFace(_message.Message):
    __slots__ = ("detection",)
    DETECTION_FIELD_NUMBER: _ClassVar[int]
    detection: IsoFaceDetection
    def __init__(self, detection: _Optional[_Union[IsoFaceDetection, _Mapping]] = ...) -> None: ...

class IsoEstimation(_message.Message):
    __slots__ = ("face",)
    FACE_FIELD_NUMBER: _ClassVar[int]
    face: IsoFace
    def __init__(self, face: _Optional[_Union[IsoFace, _Mapping]] = ...) -> None: ...

class IsoImage(_message.Message):
    __slots__ = ("filename", "status", "error", "estimations", "exif")
    FILENAME_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    ESTIMATIONS_FIELD_NUMBER: _ClassVar[int]
    EXIF_FIELD_NUMBER: _ClassVar[int]
    filename: str
    status: int
    error: _common_pb2.Error
    estimations: _containers.RepeatedCompositeFieldContainer[IsoEstimation]
    exif: _struct_pb2.Struct
    def __init__(self, filename: _Optional[str] = ..., status: _Optional[int] = ..., error: _Optional[_Union[_common_pb2.Error, _Mapping]] = ..., estimations: _Optional[_Iterable[_Union[IsoEstimation, _Mapping]]] = ..., exif: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ...) -> None: ...
