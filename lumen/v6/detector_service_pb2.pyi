from google.api import annotations_pb2 as _annotations_pb2
from google.api import httpbody_pb2 as _httpbody_pb2
from lumen.v6 import detector_pb2 as _detector_pb2
from lumen.v6 import options_pb2 as _options_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class DetectRequest(_message.Message):
    __slots__ = ("multiface_policy", "estimate_head_pose", "estimate_emotions", "estimate_mask", "detect_landmarks68", "extract_exif", "estimate_quality", "estimate_gaze", "estimate_eyes_attributes", "estimate_mouth_attributes", "pitch_threshold", "roll_threshold", "yaw_threshold", "warped_image", "use_exif_info", "body")
    MULTIFACE_POLICY_FIELD_NUMBER: _ClassVar[int]
    ESTIMATE_HEAD_POSE_FIELD_NUMBER: _ClassVar[int]
    ESTIMATE_EMOTIONS_FIELD_NUMBER: _ClassVar[int]
    ESTIMATE_MASK_FIELD_NUMBER: _ClassVar[int]
    DETECT_LANDMARKS68_FIELD_NUMBER: _ClassVar[int]
    EXTRACT_EXIF_FIELD_NUMBER: _ClassVar[int]
    ESTIMATE_QUALITY_FIELD_NUMBER: _ClassVar[int]
    ESTIMATE_GAZE_FIELD_NUMBER: _ClassVar[int]
    ESTIMATE_EYES_ATTRIBUTES_FIELD_NUMBER: _ClassVar[int]
    ESTIMATE_MOUTH_ATTRIBUTES_FIELD_NUMBER: _ClassVar[int]
    PITCH_THRESHOLD_FIELD_NUMBER: _ClassVar[int]
    ROLL_THRESHOLD_FIELD_NUMBER: _ClassVar[int]
    YAW_THRESHOLD_FIELD_NUMBER: _ClassVar[int]
    WARPED_IMAGE_FIELD_NUMBER: _ClassVar[int]
    USE_EXIF_INFO_FIELD_NUMBER: _ClassVar[int]
    BODY_FIELD_NUMBER: _ClassVar[int]
    multiface_policy: str
    estimate_head_pose: str
    estimate_emotions: str
    estimate_mask: str
    detect_landmarks68: str
    extract_exif: str
    estimate_quality: str
    estimate_gaze: str
    estimate_eyes_attributes: str
    estimate_mouth_attributes: str
    pitch_threshold: str
    roll_threshold: str
    yaw_threshold: str
    warped_image: str
    use_exif_info: str
    body: _httpbody_pb2.HttpBody
    def __init__(self, multiface_policy: _Optional[str] = ..., estimate_head_pose: _Optional[str] = ..., estimate_emotions: _Optional[str] = ..., estimate_mask: _Optional[str] = ..., detect_landmarks68: _Optional[str] = ..., extract_exif: _Optional[str] = ..., estimate_quality: _Optional[str] = ..., estimate_gaze: _Optional[str] = ..., estimate_eyes_attributes: _Optional[str] = ..., estimate_mouth_attributes: _Optional[str] = ..., pitch_threshold: _Optional[str] = ..., roll_threshold: _Optional[str] = ..., yaw_threshold: _Optional[str] = ..., warped_image: _Optional[str] = ..., use_exif_info: _Optional[str] = ..., body: _Optional[_Union[_httpbody_pb2.HttpBody, _Mapping]] = ...) -> None: ...

class DetectResponse(_message.Message):
    __slots__ = ("images",)
    IMAGES_FIELD_NUMBER: _ClassVar[int]
    images: _containers.RepeatedCompositeFieldContainer[_detector_pb2.DetectorImage]
    def __init__(self, images: _Optional[_Iterable[_Union[_detector_pb2.DetectorImage, _Mapping]]] = ...) -> None: ...
