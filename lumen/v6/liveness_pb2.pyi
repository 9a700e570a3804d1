from google.protobuf import struct_pb2 as _struct_pb2
from lumen.v6 import common_pb2 as _common_pb2
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class SdkLivenessEstimations(_message.Message):
    __slots__ = ("quality", "score")
    QUALITY_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    quality: float
    score: float
    def __init__(self, quality: _Optional[float] = ..., score: _Optional[float] = ...) -> None: ...

class SdkLiveness(_message.Message):
    __slots__ = ("prediction", "estimations")
    PREDICTION_FIELD_NUMBER: _ClassVar[int]
    ESTIMATIONS_FIELD_NUMBER: _ClassVar[int]
    prediction: str
    estimations: SdkLivenessEstimations
    def __init__(self, prediction: _Optional[str] = ..., estimations: _Optional[_Union[SdkLivenessEstimations, _Mapping]] = ...) -> None: ...

class LivenessImage(_message.Message):
    __slots__ = ("filename", "status", "liveness", "error")
    FILENAME_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    LIVENESS_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    filename: str
    status: int
    liveness: _struct_pb2.Value
    error: _common_pb2.Error
    def __init__(self, filename: _Optional[str] = ..., status: _Optional[int] = ..., liveness: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., error: _Optional[_Union[_common_pb2.Error, _Mapping]] = ...) -> None: ...

class LivenessAggregateEstimations(_message.Message):
    __slots__ = ("liveness",)
    LIVENESS_FIELD_NUMBER: _ClassVar[int]
    liveness: _struct_pb2.Value
    def __init__(self, liveness: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...
