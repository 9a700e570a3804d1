from google.api import annotations_pb2 as _annotations_pb2
from google.api import httpbody_pb2 as _httpbody_pb2
from lumen.v6 import iso_pb2 as _iso_pb2
from lumen.v6 import options_pb2 as _options_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class CheckRequest(_message.Message):
    __slots__ = ("image_type", "multiface_policy", "extract_exif", "body")
    IMAGE_TYPE_FIELD_NUMBER: _ClassVar[int]
    MULTIFACE_POLICY_FIELD_NUMBER: _ClassVar[int]
    EXTRACT_EXIF_FIELD_NUMBER: _ClassVar[int]
    BODY_FIELD_NUMBER: _ClassVar[int]
    image_type: int
    multiface_policy: int
    extract_exif: bool
    body: _httpbody_pb2.HttpBody
    def __init__(self, image_type: _Optional[int] = ..., multiface_policy: _Optional[int] = ..., extract_exif: _Optional[bool] = ..., body: _Optional[_Union[_httpbody_pb2.HttpBody, _Mapping]] = ...) -> None: ...

class CheckImagesRequest(_message.Message):
    __slots__ = ("image_type", "multiface_policy", "extract_exif", "body")
    IMAGE_TYPE_FIELD_NUMBER: _ClassVar[int]
    MULTIFACE_POLICY_FIELD_NUMBER: _ClassVar[int]
    EXTRACT_EXIF_FIELD_NUMBER: _ClassVar[int]
    BODY_FIELD_NUMBER: _ClassVar[int]
    image_type: int
    multiface_policy: int
    extract_exif: bool
    body: _httpbody_pb2.HttpBody
    def __init__(self, image_type: _Optional[int] = ..., multiface_policy: _Optional[int] = ..., extract_exif: _Optional[bool] = ..., body: _Optional[_Union[_httpbody_pb2.HttpBody, _Mapping]] = ...) -> None: ...

class CheckImagesResponse(_message.Message):
    __slots__ = ("images",)
    IMAGES_FIELD_NUMBER: _ClassVar[int]
    images: _containers.RepeatedCompositeFieldContainer[_iso_pb2.IsoImage]
    def __init__(self, images: _Optional[_Iterable[_Union[_iso_pb2.IsoImage, _Mapping]]] = ...) -> None: ...
