from google.protobuf import struct_pb2 as _struct_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class BasicAttributes(_message.Message):
    __slots__ = ("age", "gender", "ethnicity")
    AGE_FIELD_NUMBER: _ClassVar[int]
    GENDER_FIELD_NUMBER: _ClassVar[int]
    ETHNICITY_FIELD_NUMBER: _ClassVar[int]
    age: int
    gender: int
    ethnicity: int
    def __init__(self, age: _Optional[int] = ..., gender: _Optional[int] = ..., ethnicity: _Optional[int] = ...) -> None: ...

class AttributeData(_message.Message):
    __slots__ = ("face_descriptors", "face_descriptor_samples", "basic_attributes", "basic_attributes_samples")
    FACE_DESCRIPTORS_FIELD_NUMBER: _ClassVar[int]
    FACE_DESCRIPTOR_SAMPLES_FIELD_NUMBER: _ClassVar[int]
    BASIC_ATTRIBUTES_FIELD_NUMBER: _ClassVar[int]
    BASIC_ATTRIBUTES_SAMPLES_FIELD_NUMBER: _ClassVar[int]
    face_descriptors: _containers.RepeatedCompositeFieldContainer[_struct_pb2.Value]
    face_descriptor_samples: _containers.RepeatedScalarFieldContainer[str]
    basic_attributes: BasicAttributes
    basic_attributes_samples: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, face_descriptors: _Optional[_Iterable[_Union[_struct_pb2.Value, _Mapping]]] = ..., face_descriptor_samples: _Optional[_Iterable[str]] = ..., basic_attributes: _Optional[_Union[BasicAttributes, _Mapping]] = ..., basic_attributes_samples: _Optional[_Iterable[str]] = ...) -> None: ...

class TemporaryAttribute(_message.Message):
    __slots__ = ("create_time", "attribute_id", "account_id", "face_descriptor_samples", "basic_attributes_samples", "face_descriptor", "basic_attributes")
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    ATTRIBUTE_ID_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    FACE_DESCRIPTOR_SAMPLES_FIELD_NUMBER: _ClassVar[int]
    BASIC_ATTRIBUTES_SAMPLES_FIELD_NUMBER: _ClassVar[int]
    FACE_DESCRIPTOR_FIELD_NUMBER: _ClassVar[int]
    BASIC_ATTRIBUTES_FIELD_NUMBER: _ClassVar[int]
    create_time: str
    attribute_id: str
    account_id: str
    face_descriptor_samples: _struct_pb2.ListValue
    basic_attributes_samples: _struct_pb2.ListValue
    face_descriptor: _struct_pb2.Value
    basic_attributes: _struct_pb2.Value
    def __init__(self, create_time: _Optional[str] = ..., attribute_id: _Optional[str] = ..., account_id: _Optional[str] = ..., face_descriptor_samples: _Optional[_Union[_struct_pb2.ListValue, _Mapping]] = ..., basic_attributes_samples: _Optional[_Union[_struct_pb2.ListValue, _Mapping]] = ..., face_descriptor: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., basic_attributes: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...

class AttributeSamples(_message.Message):
    __slots__ = ("samples",)
    SAMPLES_FIELD_NUMBER: _ClassVar[int]
    samples: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, samples: _Optional[_Iterable[str]] = ...) -> None: ...
