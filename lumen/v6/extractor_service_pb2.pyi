from google.api import annotations_pb2 as _annotations_pb2
from google.api import httpbody_pb2 as _httpbody_pb2
from google.protobuf import struct_pb2 as _struct_pb2
from lumen.v6 import detector_pb2 as _detector_pb2
from lumen.v6 import options_pb2 as _options_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ExtractRequest(_message.Message):
    __slots__ = ("body", "score_threshold", "extract_descriptor", "extract_basic_attributes", "aggregate_attributes", "ttl")
    BODY_FIELD_NUMBER: _ClassVar[int]
    SCORE_THRESHOLD_FIELD_NUMBER: _ClassVar[int]
    EXTRACT_DESCRIPTOR_FIELD_NUMBER: _ClassVar[int]
    EXTRACT_BASIC_ATTRIBUTES_FIELD_NUMBER: _ClassVar[int]
    AGGREGATE_ATTRIBUTES_FIELD_NUMBER: _ClassVar[int]
    TTL_FIELD_NUMBER: _ClassVar[int]
    body: _httpbody_pb2.HttpBody
    score_threshold: float
    extract_descriptor: bool
    extract_basic_attributes: bool
    aggregate_attributes: bool
    ttl: int
    def __init__(self, body: _Optional[_Union[_httpbody_pb2.HttpBody, _Mapping]] = ..., score_threshold: _Optional[float] = ..., extract_descriptor: _Optional[bool] = ..., extract_basic_attributes: _Optional[bool] = ..., aggregate_attributes: _Optional[bool] = ..., ttl: _Optional[int] = ...) -> None: ...

class ExtractAttributesRequest(_message.Message):
    __slots__ = ("sample_ids", "score_threshold", "extract_descriptor", "extract_basic_attributes", "aggregate_attributes", "ttl")
    SAMPLE_IDS_FIELD_NUMBER: _ClassVar[int]
    SCORE_THRESHOLD_FIELD_NUMBER: _ClassVar[int]
    EXTRACT_DESCRIPTOR_FIELD_NUMBER: _ClassVar[int]
    EXTRACT_BASIC_ATTRIBUTES_FIELD_NUMBER: _ClassVar[int]
    AGGREGATE_ATTRIBUTES_FIELD_NUMBER: _ClassVar[int]
    TTL_FIELD_NUMBER: _ClassVar[int]
    sample_ids: _containers.RepeatedScalarFieldContainer[str]
    score_threshold: float
    extract_descriptor: bool
    extract_basic_attributes: bool
    aggregate_attributes: bool
    ttl: int
    def __init__(self, sample_ids: _Optional[_Iterable[str]] = ..., score_threshold: _Optional[float] = ..., extract_descriptor: _Optional[bool] = ..., extract_basic_attributes: _Optional[bool] = ..., aggregate_attributes: _Optional[bool] = ..., ttl: _Optional[int] = ...) -> None: ...

class ExtractAttributesResponse(_message.Message):
    __slots__ = ("attributes",)
    ATTRIBUTES_FIELD_NUMBER: _ClassVar[int]
    attributes: _containers.RepeatedCompositeFieldContainer[ExtractedAttribute]
    def __init__(self, attributes: _Optional[_Iterable[_Union[ExtractedAttribute, _Mapping]]] = ...) -> None: ...

class ExtractionFilterReason(_message.Message):
    __slots__ = ("filter_name", "object_value", "threshold_value")
    FILTER_NAME_FIELD_NUMBER: _ClassVar[int]
    OBJECT_VALUE_FIELD_NUMBER: _ClassVar[int]
    THRESHOLD_VALUE_FIELD_NUMBER: _ClassVar[int]
    filter_name: str
    object_value: float
    threshold_value: float
    def __init__(self, filter_name: _Optional[str] = ..., object_value: _Optional[float] = ..., threshold_value: _Optional[float] = ...) -> None: ...

class ExtractionFilter(_message.Message):
    __slots__ = ("is_filtered", "filter_reasons")
    IS_FILTERED_FIELD_NUMBER: _ClassVar[int]
    FILTER_REASONS_FIELD_NUMBER: _ClassVar[int]
    is_filtered: bool
    filter_reasons: _containers.RepeatedCompositeFieldContainer[ExtractionFilterReason]
    def __init__(self, is_filtered: _Optional[bool] = ..., filter_reasons: _Optional[_Iterable[_Union[ExtractionFilterReason, _Mapping]]] = ...) -> None: ...

class ExtractedAttribute(_message.Message):
    __slots__ = ("samples", "attribute_id", "url", "basic_attributes", "score", "filter")
    SAMPLES_FIELD_NUMBER: _ClassVar[int]
    ATTRIBUTE_ID_FIELD_NUMBER: _ClassVar[int]
    URL_FIELD_NUMBER: _ClassVar[int]
    BASIC_ATTRIBUTES_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    FILTER_FIELD_NUMBER: _ClassVar[int]
    samples: _containers.RepeatedScalarFieldContainer[str]
    attribute_id: _struct_pb2.Value
    url: _struct_pb2.Value
    basic_attributes: _detector_pb2.EstimatedBasicAttributes
    score: float
    filter: ExtractionFilter
    def __init__(self, samples: _Optional[_Iterable[str]] = ..., attribute_id: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., url: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., basic_attributes: _Optional[_Union[_detector_pb2.EstimatedBasicAttributes, _Mapping]] = ..., score: _Optional[float] = ..., filter: _Optional[_Union[ExtractionFilter, _Mapping]] = ...) -> None: ...
