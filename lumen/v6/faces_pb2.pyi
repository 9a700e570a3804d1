from google.protobuf import struct_pb2 as _struct_pb2
from lumen.v6 import attributes_pb2 as _attributes_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Face(_message.Message):
    __slots__ = ("face_id", "account_id", "event_id", "user_data", "create_time", "external_id", "avatar", "lists")
    FACE_ID_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    USER_DATA_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    EXTERNAL_ID_FIELD_NUMBER: _ClassVar[int]
    AVATAR_FIELD_NUMBER: _ClassVar[int]
    LISTS_FIELD_NUMBER: _ClassVar[int]
    face_id: str
    account_id: str
    event_id: _struct_pb2.Value
    user_data: str
    create_time: str
    external_id: str
    avatar: str
    lists: _struct_pb2.ListValue
    def __init__(self, face_id: _Optional[str] = ..., account_id: _Optional[str] = ..., event_id: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., user_data: _Optional[str] = ..., create_time: _Optional[str] = ..., external_id: _Optional[str] = ..., avatar: _Optional[str] = ..., lists: _Optional[_Union[_struct_pb2.ListValue, _Mapping]] = ...) -> None: ...

class FaceAttribute(_message.Message):
    __slots__ = ("create_time", "basic_attributes", "face_descriptor", "basic_attributes_samples", "face_descriptor_samples")
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    BASIC_ATTRIBUTES_FIELD_NUMBER: _ClassVar[int]
    FACE_DESCRIPTOR_FIELD_NUMBER: _ClassVar[int]
    BASIC_ATTRIBUTES_SAMPLES_FIELD_NUMBER: _ClassVar[int]
    FACE_DESCRIPTOR_SAMPLES_FIELD_NUMBER: _ClassVar[int]
    create_time: str
    basic_attributes: _struct_pb2.Value
    face_descriptor: _struct_pb2.Value
    basic_attributes_samples: _struct_pb2.ListValue
    face_descriptor_samples: _struct_pb2.ListValue
    def __init__(self, create_time: _Optional[str] = ..., basic_attributes: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., face_descriptor: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., basic_attributes_samples: _Optional[_Union[_struct_pb2.ListValue, _Mapping]] = ..., face_descriptor_samples: _Optional[_Union[_struct_pb2.ListValue, _Mapping]] = ...) -> None: ...

class FaceAttributeInput(_message.Message):
    __slots__ = ("attribute_id", "face_descriptors", "face_descriptor_samples", "basic_attributes", "basic_attributes_samples")
    ATTRIBUTE_ID_FIELD_NUMBER: _ClassVar[int]
    FACE_DESCRIPTORS_FIELD_NUMBER: _ClassVar[int]
    FACE_DESCRIPTOR_SAMPLES_FIELD_NUMBER: _ClassVar[int]
    BASIC_ATTRIBUTES_FIELD_NUMBER: _ClassVar[int]
    BASIC_ATTRIBUTES_SAMPLES_FIELD_NUMBER: _ClassVar[int]
    attribute_id: str
    face_descriptors: _containers.RepeatedCompositeFieldContainer[_struct_pb2.Value]
    face_descriptor_samples: _containers.RepeatedScalarFieldContainer[str]
    basic_attributes: _attributes_pb2.BasicAttributes
    basic_attributes_samples: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, attribute_id: _Optional[str] = ..., face_descriptors: _Optional[_Iterable[_Union[_struct_pb2.Value, _Mapping]]] = ..., face_descriptor_samples: _Optional[_Iterable[str]] = ..., basic_attributes: _Optional[_Union[_attributes_pb2.BasicAttributes, _Mapping]] = ..., basic_attributes_samples: _Optional[_Iterable[str]] = ...) -> None: ...

class FaceCreateParams(_message.Message):
    __slots__ = ("attribute", "external_id", "user_data", "avatar", "lists", "event_id")
    ATTRIBUTE_FIELD_NUMBER: _ClassVar[int]
    EXTERNAL_ID_FIELD_NUMBER: _ClassVar[int]
    USER_DATA_FIELD_NUMBER: _ClassVar[int]
    AVATAR_FIELD_NUMBER: _ClassVar[int]
    LISTS_FIELD_NUMBER: _ClassVar[int]
    EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    attribute: FaceAttributeInput
    external_id: str
    user_data: str
    avatar: str
    lists: _containers.RepeatedScalarFieldContainer[str]
    event_id: str
    def __init__(self, attribute: _Optional[_Union[FaceAttributeInput, _Mapping]] = ..., external_id: _Optional[str] = ..., user_data: _Optional[str] = ..., avatar: _Optional[str] = ..., lists: _Optional[_Iterable[str]] = ..., event_id: _Optional[str] = ...) -> None: ...

class FacePatchParams(_message.Message):
    __slots__ = ("external_id", "event_id", "user_data", "avatar")
    EXTERNAL_ID_FIELD_NUMBER: _ClassVar[int]
    EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    USER_DATA_FIELD_NUMBER: _ClassVar[int]
    AVATAR_FIELD_NUMBER: _ClassVar[int]
    external_id: str
    event_id: _struct_pb2.Value
    user_data: str
    avatar: str
    def __init__(self, external_id: _Optional[str] = ..., event_id: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., user_data: _Optional[str] = ..., avatar: _Optional[str] = ...) -> None: ...

class FacesDeleteParams(_message.Message):
    __slots__ = ("face_ids",)
    FACE_IDS_FIELD_NUMBER: _ClassVar[int]
    face_ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, face_ids: _Optional[_Iterable[str]] = ...) -> None: ...
