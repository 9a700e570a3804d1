from google.api import annotations_pb2 as _annotations_pb2
from google.api import httpbody_pb2 as _httpbody_pb2
from lumen.v6 import liveness_pb2 as _liveness_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class PredictLivenessRequest(_message.Message):
    __slots__ = ("aggregate", "body")
    AGGREGATE_FIELD_NUMBER: _ClassVar[int]
    BODY_FIELD_NUMBER: _ClassVar[int]
    aggregate: bool
    body: _httpbody_pb2.HttpBody
    def __init__(self, aggregate: _Optional[bool] = ..., body: _Optional[_Union[_httpbody_pb2.HttpBody, _Mapping]] = ...) -> None: ...

class PredictLivenessResponse(_message.Message):
    __slots__ = ("images", "aggregate_estimations")
    IMAGES_FIELD_NUMBER: _ClassVar[int]
    AGGREGATE_ESTIMATIONS_FIELD_NUMBER: _ClassVar[int]
    images: _containers.RepeatedCompositeFieldContainer[_liveness_pb2.LivenessImage]
    aggregate_estimations: _liveness_pb2.LivenessAggregateEstimations
    def __init__(self, images: _Optional[_Iterable[_Union[_liveness_pb2.LivenessImage, _Mapping]]] = ..., aggregate_estimations: _Optional[_Union[_liveness_pb2.LivenessAggregateEstimations, _Mapping]] = ...) -> None: ...
