from google.api import annotations_pb2 as _annotations_pb2
from google.api import httpbody_pb2 as _httpbody_pb2
from lumen.v6 import options_pb2 as _options_pb2
from lumen.v6 import sdk_pb2 as _sdk_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class EstimateImagesRequest(_message.Message):
    __slots__ = ("params",)
    PARAMS_FIELD_NUMBER: _ClassVar[int]
    params: EstimateRequest
    def __init__(self, params: _Optional[_Union[EstimateRequest, _Mapping]] = ...) -> None: ...

class EstimateRequest(_message.Message):
    __slots__ = ("image_type", "multiface_policy", "detect_face", "detect_body", "estimate_head_pose", "estimate_emotions", "estimate_mask", "estimate_glasses", "estimate_liveness", "estimate_landmarks68", "estimate_landmarks5", "estimate_quality", "estimate_gaze", "estimate_eyes_attributes", "estimate_mouth_attributes", "estimate_face_descriptor", "estimate_basic_attributes", "estimate_body_descriptor", "estimate_body_warp", "estimate_face_warp", "aggregate_attributes", "pitch_threshold", "roll_threshold", "yaw_threshold", "score_threshold", "mask_states", "liveness_states", "use_exif_info", "body")
    IMAGE_TYPE_FIELD_NUMBER: _ClassVar[int]
    MULTIFACE_POLICY_FIELD_NUMBER: _ClassVar[int]
    DETECT_FACE_FIELD_NUMBER: _ClassVar[int]
    DETECT_BODY_FIELD_NUMBER: _ClassVar[int]
    ESTIMATE_HEAD_POSE_FIELD_NUMBER: _ClassVar[int]
    ESTIMATE_EMOTIONS_FIELD_NUMBER: _ClassVar[int]
    ESTIMATE_MASK_FIELD_NUMBER: _ClassVar[int]
    ESTIMATE_GLASSES_FIELD_NUMBER: _ClassVar[int]
    ESTIMATE_LIVENESS_FIELD_NUMBER: _ClassVar[int]
    ESTIMATE_LANDMARKS68_FIELD_NUMBER: _ClassVar[int]
    ESTIMATE_LANDMARKS5_FIELD_NUMBER: _ClassVar[int]
    ESTIMATE_QUALITY_FIELD_NUMBER: _ClassVar[int]
    ESTIMATE_GAZE_FIELD_NUMBER: _ClassVar[int]
    ESTIMATE_EYES_ATTRIBUTES_FIELD_NUMBER: _ClassVar[int]
    ESTIMATE_MOUTH_ATTRIBUTES_FIELD_NUMBER: _ClassVar[int]
    ESTIMATE_FACE_DESCRIPTOR_FIELD_NUMBER: _ClassVar[int]
    ESTIMATE_BASIC_ATTRIBUTES_FIELD_NUMBER: _ClassVar[int]
    ESTIMATE_BODY_DESCRIPTOR_FIELD_NUMBER: _ClassVar[int]
    ESTIMATE_BODY_WARP_FIELD_NUMBER: _ClassVar[int]
    ESTIMATE_FACE_WARP_FIELD_NUMBER: _ClassVar[int]
    AGGREGATE_ATTRIBUTES_FIELD_NUMBER: _ClassVar[int]
    PITCH_THRESHOLD_FIELD_NUMBER: _ClassVar[int]
    ROLL_THRESHOLD_FIELD_NUMBER: _ClassVar[int]
    YAW_THRESHOLD_FIELD_NUMBER: _ClassVar[int]
    SCORE_THRESHOLD_FIELD_NUMBER: _ClassVar[int]
    MASK_STATES_FIELD_NUMBER: _ClassVar[int]
    LIVENESS_STATES_FIELD_NUMBER: _ClassVar[int]
    USE_EXIF_INFO_FIELD_NUMBER: _ClassVar[int]
    BODY_FIELD_NUMBER: _ClassVar[int]
    image_type: int
    multiface_policy: int
    detect_face: bool
    detect_body: bool
    estimate_head_pose: bool
    estimate_emotions: bool
    estimate_mask: bool
    estimate_glasses: bool
    estimate_liveness: bool
    estimate_landmarks68: bool
    estimate_landmarks5: bool
    estimate_quality: bool
    estimate_gaze: bool
    estimate_eyes_attributes: bool
    estimate_mouth_attributes: bool
    estimate_face_descriptor: bool
    estimate_basic_attributes: bool
    estimate_body_descriptor: bool
    estimate_body_warp: bool
    estimate_face_warp: bool
    aggregate_attributes: bool
    pitch_threshold: int
    roll_threshold: int
    yaw_threshold: int
    score_threshold: float
    mask_states: _containers.RepeatedScalarFieldContainer[str]
    liveness_states: _containers.RepeatedScalarFieldContainer[str]
    use_exif_info: bool
    body: _httpbody_pb2.HttpBody
    def __init__(self, image_type: _Optional[int] = ..., multiface_policy: _Optional[int] = ..., detect_face: _Optional[bool] = ..., detect_body: _Optional[bool] = ..., estimate_head_pose: _Optional[bool] = ..., estimate_emotions: _Optional[bool] = ..., estimate_mask: _Optional[bool] = ..., estimate_glasses: _Optional[bool] = ..., estimate_liveness: _Optional[bool] = ..., estimate_landmarks68: _Optional[bool] = ..., estimate_landmarks5: _Optional[bool] = ..., estimate_quality: _Optional[bool] = ..., estimate_gaze: _Optional[bool] = ..., estimate_eyes_attributes: _Optional[bool] = ..., estimate_mouth_attributes: _Optional[bool] = ..., estimate_face_descriptor: _Optional[bool] = ..., estimate_basic_attributes: _Optional[bool] = ..., estimate_body_descriptor: _Optional[bool] = ..., estimate_body_warp: _Optional[bool] = ..., estimate_face_warp: _Optional[bool] = ..., aggregate_attributes: _Optional[bool] = ..., pitch_threshold: _Optional[int] = ..., roll_threshold: _Optional[int] = ..., yaw_threshold: _Optional[int] = ..., score_threshold: _Optional[float] = ..., mask_states: _Optional[_Iterable[str]] = ..., liveness_states: _Optional[_Iterable[str]] = ..., use_exif_info: _Optional[bool] = ..., body: _Optional[_Union[_httpbody_pb2.HttpBody, _Mapping]] = ...) -> None: ...

class EstimateResponse(_message.Message):
    __slots__ = ("images_estimations", "aggregate_estimations")
    IMAGES_ESTIMATIONS_FIELD_NUMBER: _ClassVar[int]
    AGGREGATE_ESTIMATIONS_FIELD_NUMBER: _ClassVar[int]
    images_estimations: _containers.RepeatedCompositeFieldContainer[_sdk_pb2.SdkImage]
    aggregate_estimations: _sdk_pb2.SdkAggregateEstimations
    def __init__(self, images_estimations: _Optional[_Iterable[_Union[_sdk_pb2.SdkImage, _Mapping]]] = ..., aggregate_estimations: _Optional[_Union[_sdk_pb2.SdkAggregateEstimations, _Mapping]] = ...) -> None: ...
