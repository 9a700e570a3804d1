from google.protobuf import struct_pb2 as _struct_pb2
from lumen.v6 import common_pb2 as _common_pb2
from lumen.v6 import detector_pb2 as _detector_pb2
from lumen.v6 import handlers_pb2 as _handlers_pb2
from lumen.v6 import iso_pb2 as _iso_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Verifier(_message.Message):
    __slots__ = ("verifier_id", "account_id", "description", "policies", "create_time", "last_update_time", "version")
    VERIFIER_ID_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    POLICIES_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    LAST_UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    verifier_id: str
    account_id: str
    description: str
    policies: VerifierPolicies
    create_time: str
    last_update_time: str
    version: int
    def __init__(self, verifier_id: _Optional[str] = ..., account_id: _Optional[str] = ..., description: _Optional[str] = ..., policies: _Optional[_Union[VerifierPolicies, _Mapping]] = ..., create_time: _Optional[str] = ..., last_update_time: _Optional[str] = ..., version: _Optional[int] = ...) -> None: ...

class VerifierParams(_message.Message):
    __slots__ = ("description", "policies")
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    POLICIES_FIELD_NUMBER: _ClassVar[int]
    description: str
    policies: VerifierPolicies
    def __init__(self, description: _Optional[str] = ..., policies: _Optional[_Union[VerifierPolicies, _Mapping]] = ...) -> None: ...

class VerifierPolicies(_message.Message):
    __slots__ = ("verification_threshold", "detect_policy", "extract_policy", "storage_policy")
    VERIFICATION_THRESHOLD_FIELD_NUMBER: _ClassVar[int]
    DETECT_POLICY_FIELD_NUMBER: _ClassVar[int]
    EXTRACT_POLICY_FIELD_NUMBER: _ClassVar[int]
    STORAGE_POLICY_FIELD_NUMBER: _ClassVar[int]
    verification_threshold: float
    detect_policy: _handlers_pb2.DetectPolicy
    extract_policy: VerifierExtractPolicy
    storage_policy: VerifierStoragePolicy
    def __init__(self, verification_threshold: _Optional[float] = ..., detect_policy: _Optional[_Union[_handlers_pb2.DetectPolicy, _Mapping]] = ..., extract_policy: _Optional[_Union[VerifierExtractPolicy, _Mapping]] = ..., storage_policy: _Optional[_Union[VerifierStoragePolicy, _Mapping]] = ...) -> None: ...

class VerifierExtractPolicy(_message.Message):
    __slots__ = ("extract_basic_attributes", "fd_score_threshold")
    EXTRACT_BASIC_ATTRIBUTES_FIELD_NUMBER: _ClassVar[int]
    FD_SCORE_THRESHOLD_FIELD_NUMBER: _ClassVar[int]
    extract_basic_attributes: int
    fd_score_threshold: float
    def __init__(self, extract_basic_attributes: _Optional[int] = ..., fd_score_threshold: _Optional[float] = ...) -> None: ...

class VerifierStoragePolicy(_message.Message):
    __slots__ = ("attribute_policy", "face_sample_policy")
    ATTRIBUTE_POLICY_FIELD_NUMBER: _ClassVar[int]
    FACE_SAMPLE_POLICY_FIELD_NUMBER: _ClassVar[int]
    attribute_policy: VerifierAttributePolicy
    face_sample_policy: VerifierSamplePolicy
    def __init__(self, attribute_policy: _Optional[_Union[VerifierAttributePolicy, _Mapping]] = ..., face_sample_policy: _Optional[_Union[VerifierSamplePolicy, _Mapping]] = ...) -> None: ...

class VerifierAttributePolicy(_message.Message):
    __slots__ = ("store_attribute",)
    STORE_ATTRIBUTE_FIELD_NUMBER: _ClassVar[int]
    store_attribute: int
    def __init__(self, store_attribute: _Optional[int] = ...) -> None: ...

class VerifierSamplePolicy(_message.Message):
    __slots__ = ("store_sample",)
    STORE_SAMPLE_FIELD_NUMBER: _ClassVar[int]
    store_sample: int
    def __init__(self, store_sample: _Optional[int] = ...) -> None: ...

class RawVerification(_message.Message):
    __slots__ = ("candidate_id", "similarity", "status")
    CANDIDATE_ID_FIELD_NUMBER: _ClassVar[int]
    SIMILARITY_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    candidate_id: str
    similarity: float
    status: bool
    def __init__(self, candidate_id: _Optional[str] = ..., similarity: _Optional[float] = ..., status: _Optional[bool] = ...) -> None: ...

class RawReferenceVerifications(_message.Message):
    __slots__ = ("reference_id", "matches")
    REFERENCE_ID_FIELD_NUMBER: _ClassVar[int]
    MATCHES_FIELD_NUMBER: _ClassVar[int]
    reference_id: str
    matches: _containers.RepeatedCompositeFieldContainer[RawVerification]
    def __init__(self, reference_id: _Optional[str] = ..., matches: _Optional[_Iterable[_Union[RawVerification, _Mapping]]] = ...) -> None: ...

class VerifiedFace(_message.Message):
    __slots__ = ("face_id",)
    FACE_ID_FIELD_NUMBER: _ClassVar[int]
    face_id: str
    def __init__(self, face_id: _Optional[str] = ...) -> None: ...

class VerifiedEvent(_message.Message):
    __slots__ = ("event_id",)
    EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    event_id: str
    def __init__(self, event_id: _Optional[str] = ...) -> None: ...

class VerifiedAttribute(_message.Message):
    __slots__ = ("attribute_id",)
    ATTRIBUTE_ID_FIELD_NUMBER: _ClassVar[int]
    attribute_id: str
    def __init__(self, attribute_id: _Optional[str] = ...) -> None: ...

class Verification(_message.Message):
    __slots__ = ("similarity", "status", "face", "event", "attribute")
    SIMILARITY_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    FACE_FIELD_NUMBER: _ClassVar[int]
    EVENT_FIELD_NUMBER: _ClassVar[int]
    ATTRIBUTE_FIELD_NUMBER: _ClassVar[int]
    similarity: float
    status: bool
    face: VerifiedFace
    event: VerifiedEvent
    attribute: VerifiedAttribute
    def __init__(self, similarity: _Optional[float] = ..., status: _Optional[bool] = ..., face: _Optional[_Union[VerifiedFace, _Mapping]] = ..., event: _Optional[_Union[VerifiedEvent, _Mapping]] = ..., attribute: _Optional[_Union[VerifiedAttribute, _Mapping]] = ...) -> None: ...

class VerificationFaceAttributes(_message.Message):
    __slots__ = ("attribute_id", "url", "samples", "score", "basic_attributes")
    ATTRIBUTE_ID_FIELD_NUMBER: _ClassVar[int]
    URL_FIELD_NUMBER: _ClassVar[int]
    SAMPLES_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    BASIC_ATTRIBUTES_FIELD_NUMBER: _ClassVar[int]
    attribute_id: _struct_pb2.Value
    url: _struct_pb2.Value
    samples: _containers.RepeatedScalarFieldContainer[str]
    score: float
    basic_attributes: _detector_pb2.EstimatedBasicAttributes
    def __init__(self, attribute_id: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., url: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., samples: _Optional[_Iterable[str]] = ..., score: _Optional[float] = ..., basic_attributes: _Optional[_Union[_detector_pb2.EstimatedBasicAttributes, _Mapping]] = ...) -> None: ...

class VerificationSampleFace(_message.Message):
    __slots__ = ("sample_id", "url", "rect", "landmarks5", "landmarks68", "attributes", "quality", "face_quality")
    SAMPLE_ID_FIELD_NUMBER: _ClassVar[int]
    URL_FIELD_NUMBER: _ClassVar[int]
    RECT_FIELD_NUMBER: _ClassVar[int]
    LANDMARKS5_FIELD_NUMBER: _ClassVar[int]
    LANDMARKS68_FIELD_NUMBER: _ClassVar[int]
    ATTRIBUTES_FIELD_NUMBER: _ClassVar[int]
    QUALITY_FIELD_NUMBER: _ClassVar[int]
    FACE_QUALITY_FIELD_NUMBER: _ClassVar[int]
    sample_id: _struct_pb2.Value
    url: _struct_pb2.Value
    rect: _detector_pb2.DetectionRect
    landmarks5: _struct_pb2.ListValue
    landmarks68: _struct_pb2.ListValue
    attributes: _detector_pb2.DetectorFaceAttributes
    quality: _detector_pb2.FaceQuality
    face_quality: _iso_pb2.IsoResult
    def __init__(self, sample_id: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., url: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., rect: _Optional[_Union[_detector_pb2.DetectionRect, _Mapping]] = ..., landmarks5: _Optional[_Union[_struct_pb2.ListValue, _Mapping]] = ..., landmarks68: _Optional[_Union[_struct_pb2.ListValue, _Mapping]] = ..., attributes: _Optional[_Union[_detector_pb2.DetectorFaceAttributes, _Mapping]] = ..., quality: _Optional[_Union[_detector_pb2.FaceQuality, _Mapping]] = ..., face_quality: _Optional[_Union[_iso_pb2.IsoResult, _Mapping]] = ...) -> None: ...

class VerificationSample(_message.Message):
    __slots__ = ("face",)
    FACE_FIELD_NUMBER: _ClassVar[int]
    face: VerificationSampleFace
    def __init__(self, face: _Optional[_Union[VerificationSampleFace, _Mapping]] = ...) -> None: ...

class VerifiedFaceDetection(_message.Message):
    __slots__ = ("verifications", "face_attributes", "sample")
    VERIFICATIONS_FIELD_NUMBER: _ClassVar[int]
    FACE_ATTRIBUTES_FIELD_NUMBER: _ClassVar[int]
    SAMPLE_FIELD_NUMBER: _ClassVar[int]
    verifications: _containers.RepeatedCompositeFieldContainer[Verification]
    face_attributes: VerificationFaceAttributes
    sample: VerificationSample
    def __init__(self, verifications: _Optional[_Iterable[_Union[Verification, _Mapping]]] = ..., face_attributes: _Optional[_Union[VerificationFaceAttributes, _Mapping]] = ..., sample: _Optional[_Union[VerificationSample, _Mapping]] = ...) -> None: ...

class VerificationDetections(_message.Message):
    __slots__ = ("face_detections", "filtered_detections")
    FACE_DETECTIONS_FIELD_NUMBER: _ClassVar[int]
    FILTERED_DETECTIONS_FIELD_NUMBER: _ClassVar[int]
    face_detections: _containers.RepeatedCompositeFieldContainer[VerifiedFaceDetection]
    filtered_detections: _detector_pb2.FilteredDetections
    def __init__(self, face_detections: _Optional[_Iterable[_Union[VerifiedFaceDetection, _Mapping]]] = ..., filtered_detections: _Optional[_Union[_detector_pb2.FilteredDetections, _Mapping]] = ...) -> None: ...

class VerificationImage(_message.Message):
    __slots__ = ("filename", "error", "status", "exif", "detections")
    FILENAME_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    EXIF_FIELD_NUMBER: _ClassVar[int]
    DETECTIONS_FIELD_NUMBER: _ClassVar[int]
    filename: str
    error: _common_pb2.Error
    status: int
    exif: _struct_pb2.Struct
    detections: VerificationDetections
    def __init__(self, filename: _Optional[str] = ..., error: _Optional[_Union[_common_pb2.Error, _Mapping]] = ..., status: _Optional[int] = ..., exif: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., detections: _Optional[_Union[VerificationDetections, _Mapping]] = ...) -> None: ...
