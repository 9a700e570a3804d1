from google.api import annotations_pb2 as _annotations_pb2
from google.api import httpbody_pb2 as _httpbody_pb2
from lumen.v6 import common_pb2 as _common_pb2
from lumen.v6 import matcher_pb2 as _matcher_pb2
from lumen.v6 import options_pb2 as _options_pb2
from lumen.v6 import verifiers_pb2 as _verifiers_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class CreateVerifierRequest(_message.Message):
    __slots__ = ("body", "params")
    BODY_FIELD_NUMBER: _ClassVar[int]
    PARAMS_FIELD_NUMBER: _ClassVar[int]
    body: _httpbody_pb2.HttpBody
    params: _verifiers_pb2.VerifierParams
    def __init__(self, body: _Optional[_Union[_httpbody_pb2.HttpBody, _Mapping]] = ..., params: _Optional[_Union[_verifiers_pb2.VerifierParams, _Mapping]] = ...) -> None: ...

class CreateVerifierResponse(_message.Message):
    __slots__ = ("verifier_id", "url")
    VERIFIER_ID_FIELD_NUMBER: _ClassVar[int]
    URL_FIELD_NUMBER: _ClassVar[int]
    verifier_id: str
    url: str
    def __init__(self, verifier_id: _Optional[str] = ..., url: _Optional[str] = ...) -> None: ...

class GetVerifiersRequest(_message.Message):
    __slots__ = ("page", "page_size", "description")
    PAGE_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    page: int
    page_size: int
    description: str
    def __init__(self, page: _Optional[int] = ..., page_size: _Optional[int] = ..., description: _Optional[str] = ...) -> None: ...

class GetVerifiersTypedRequest(_message.Message):
    __slots__ = ("page", "page_size", "description")
    PAGE_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    page: int
    page_size: int
    description: str
    def __init__(self, page: _Optional[int] = ..., page_size: _Optional[int] = ..., description: _Optional[str] = ...) -> None: ...

class GetVerifiersResponse(_message.Message):
    __slots__ = ("verifiers",)
    VERIFIERS_FIELD_NUMBER: _ClassVar[int]
    verifiers: _containers.RepeatedCompositeFieldContainer[_verifiers_pb2.Verifier]
    def __init__(self, verifiers: _Optional[_Iterable[_Union[_verifiers_pb2.Verifier, _Mapping]]] = ...) -> None: ...

class CountVerifiersRequest(_message.Message):
    __slots__ = ("description",)
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    description: str
    def __init__(self, description: _Optional[str] = ...) -> None: ...

class CountVerifiersResponse(_message.Message):
    __slots__ = ("verifiers_count",)
    VERIFIERS_COUNT_FIELD_NUMBER: _ClassVar[int]
    verifiers_count: int
    def __init__(self, verifiers_count: _Optional[int] = ...) -> None: ...

class GetVerifierRequest(_message.Message):
    __slots__ = ("verifier_id",)
    VERIFIER_ID_FIELD_NUMBER: _ClassVar[int]
    verifier_id: str
    def __init__(self, verifier_id: _Optional[str] = ...) -> None: ...

class GetVerifierTypedRequest(_message.Message):
    __slots__ = ("verifier_id",)
    VERIFIER_ID_FIELD_NUMBER: _ClassVar[int]
    verifier_id: str
    def __init__(self, verifier_id: _Optional[str] = ...) -> None: ...

class PutVerifierRequest(_message.Message):
    __slots__ = ("verifier_id", "body", "params")
    VERIFIER_ID_FIELD_NUMBER: _ClassVar[int]
    BODY_FIELD_NUMBER: _ClassVar[int]
    PARAMS_FIELD_NUMBER: _ClassVar[int]
    verifier_id: str
    body: _httpbody_pb2.HttpBody
    params: _verifiers_pb2.VerifierParams
    def __init__(self, verifier_id: _Optional[str] = ..., body: _Optional[_Union[_httpbody_pb2.HttpBody, _Mapping]] = ..., params: _Optional[_Union[_verifiers_pb2.VerifierParams, _Mapping]] = ...) -> None: ...

class PutVerifierResponse(_message.Message):
    __slots__ = ("version",)
    VERSION_FIELD_NUMBER: _ClassVar[int]
    version: int
    def __init__(self, version: _Optional[int] = ...) -> None: ...

class VerifierExistsRequest(_message.Message):
    __slots__ = ("verifier_id",)
    VERIFIER_ID_FIELD_NUMBER: _ClassVar[int]
    verifier_id: str
    def __init__(self, verifier_id: _Optional[str] = ...) -> None: ...

class DeleteVerifierRequest(_message.Message):
    __slots__ = ("verifier_id",)
    VERIFIER_ID_FIELD_NUMBER: _ClassVar[int]
    verifier_id: str
    def __init__(self, verifier_id: _Optional[str] = ...) -> None: ...

class VerifyRawRequest(_message.Message):
    __slots__ = ("verifier_id", "body", "params")
    VERIFIER_ID_FIELD_NUMBER: _ClassVar[int]
    BODY_FIELD_NUMBER: _ClassVar[int]
    PARAMS_FIELD_NUMBER: _ClassVar[int]
    verifier_id: str
    body: _httpbody_pb2.HttpBody
    params: _matcher_pb2.MatchParams
    def __init__(self, verifier_id: _Optional[str] = ..., body: _Optional[_Union[_httpbody_pb2.HttpBody, _Mapping]] = ..., params: _Optional[_Union[_matcher_pb2.MatchParams, _Mapping]] = ...) -> None: ...

class VerifyRawResponse(_message.Message):
    __slots__ = ("matches",)
    MATCHES_FIELD_NUMBER: _ClassVar[int]
    matches: _containers.RepeatedCompositeFieldContainer[_verifiers_pb2.RawReferenceVerifications]
    def __init__(self, matches: _Optional[_Iterable[_Union[_verifiers_pb2.RawReferenceVerifications, _Mapping]]] = ...) -> None: ...

class VerifyRequest(_message.Message):
    __slots__ = ("verifier_id", "face_ids", "event_ids", "attribute_ids", "external_ids", "use_exif_info", "body")
    VERIFIER_ID_FIELD_NUMBER: _ClassVar[int]
    FACE_IDS_FIELD_NUMBER: _ClassVar[int]
    EVENT_IDS_FIELD_NUMBER: _ClassVar[int]
    ATTRIBUTE_IDS_FIELD_NUMBER: _ClassVar[int]
    EXTERNAL_IDS_FIELD_NUMBER: _ClassVar[int]
    USE_EXIF_INFO_FIELD_NUMBER: _ClassVar[int]
    BODY_FIELD_NUMBER: _ClassVar[int]
    verifier_id: str
    face_ids: _containers.RepeatedScalarFieldContainer[str]
    event_ids: _containers.RepeatedScalarFieldContainer[str]
    attribute_ids: _containers.RepeatedScalarFieldContainer[str]
    external_ids: _containers.RepeatedScalarFieldContainer[str]
    use_exif_info: bool
    body: _httpbody_pb2.HttpBody
    def __init__(self, verifier_id: _Optional[str] = ..., face_ids: _Optional[_Iterable[str]] = ..., event_ids: _Optional[_Iterable[str]] = ..., attribute_ids: _Optional[_Iterable[str]] = ..., external_ids: _Optional[_Iterable[str]] = ..., use_exif_info: _Optional[bool] = ..., body: _Optional[_Union[_httpbody_pb2.HttpBody, _Mapping]] = ...) -> None: ...

class VerifyResponse(_message.Message):
    __slots__ = ("images",)
    IMAGES_FIELD_NUMBER: _ClassVar[int]
    images: _containers.RepeatedCompositeFieldContainer[_verifiers_pb2.VerificationImage]
    def __init__(self, images: _Optional[_Iterable[_Union[_verifiers_pb2.VerificationImage, _Mapping]]] = ...) -> None: ...
