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
    multiface_policy: int
    estimate_head_pose: bool
    estimate_emotions: bool
    estimate_mask: bool
    detect_landmarks68: bool
    extract_exif: bool
    estimate_quality: bool
    estimate_gaze: bool
    estimate_eyes_attributes: bool
    estimate_mouth_attributes: bool
    pitch_threshold: int
    roll_threshold: int
    yaw_threshold: int
    warped_image: bool
    use_exif_info: bool
    body: _httpbody_pb2.HttpBody
    def __init__(self, multiface_policy: _Optional[int] = ..., estimate_head_pose: _Optional[bool] = ..., estimate_emotions: _Optional[bool] = ..., estimate_mask: _Optional[bool] = ..., detect_landmarks68: _Optional[bool] = ..., extract_exif: _Optional[bool] = ..., estimate_quality: _Optional[bool] = ..., estimate_gaze: _Optional[bool] = ..., estimate_eyes_attributes: _Optional[bool] = ..., estimate_mouth_attributes: _Optional[bool] = ..., pitch_threshold: _Optional[int] = ..., roll_threshold: _Optional[int] = ..., yaw_threshold: _Optional[int] = ..., warped_image: _Optional[bool] = ..., use_exif_info: _Optional[bool] = ..., body: _Optional[_Union[_httpbody_pb2.HttpBody, _Mapping]] = ...) -> None: ...

class DetectResponse(_message.Message):
    __slots__ = ("images",)
    IMAGES_FIELD_NUMBER: _ClassVar[int]
    images: _containers.RepeatedCompositeFieldContainer[_detector_pb2.DetectorImage]
    def __init__(self, images: _Optional[_Iterable[_Union[_detector_pb2.DetectorImage, _Mapping]]] = ...) -> None: ...
