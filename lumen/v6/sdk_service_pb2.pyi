from google.api import annotations_pb2 as _annotations_pb2
from google.api import httpbody_pb2 as _httpbody_pb2
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
    image_type: str
    multiface_policy: str
    detect_face: str
    detect_body: str
    estimate_head_pose: str
    estimate_emotions: str
    estimate_mask: str
    estimate_glasses: str
    estimate_liveness: str
    estimate_landmarks68: str
    estimate_landmarks5: str
    estimate_quality: str
    estimate_gaze: str
    estimate_eyes_attributes: str
    estimate_mouth_attributes: str
    estimate_face_descriptor: str
    estimate_basic_attributes: str
    estimate_body_descriptor: str
    estimate_body_warp: str
    estimate_face_warp: str
    aggregate_attributes: str
    pitch_threshold: str
    roll_threshold: str
    yaw_threshold: str
    score_threshold: str
    mask_states: _containers.RepeatedScalarFieldContainer[str]
    liveness_states: _containers.RepeatedScalarFieldContainer[str]
    use_exif_info: str
    body: _httpbody_pb2.HttpBody
    def __init__(self, image_type: _Optional[str] = ..., multiface_policy: _Optional[str] = ..., detect_face: _Optional[str] = ..., detect_body: _Optional[str] = ..., estimate_head_pose: _Optional[str] = ..., estimate_emotions: _Optional[str] = ..., estimate_mask: _Optional[str] = ..., estimate_glasses: _Optional[str] = ..., estimate_liveness: _Optional[str] = ..., estimate_landmarks68: _Optional[str] = ..., estimate_landmarks5: _Optional[str] = ..., estimate_quality: _Optional[str] = ..., estimate_gaze: _Optional[str] = ..., estimate_eyes_attributes: _Optional[str] = ..., estimate_mouth_attributes: _Optional[str] = ..., estimate_face_descriptor: _Optional[str] = ..., estimate_basic_attributes: _Optional[str] = ..., estimate_body_descriptor: _Optional[str] = ..., estimate_body_warp: _Optional[str] = ..., estimate_face_warp: _Optional[str] = ..., aggregate_attributes: _Optional[str] = ..., pitch_threshold: _Optional[str] = ..., roll_threshold: _Optional[str] = ..., yaw_threshold: _Optional[str] = ..., score_threshold: _Optional[str] = ..., mask_states: _Optional[_Iterable[str]] = ..., liveness_states: _Optional[_Iterable[str]] = ..., use_exif_info: _Optional[str] = ..., body: _Optional[_Union[_httpbody_pb2.HttpBody, _Mapping]] = ...) -> None: ...

class EstimateResponse(_message.Message):
    __slots__ = ("images_estimations", "aggregate_estimations")
    IMAGES_ESTIMATIONS_FIELD_NUMBER: _ClassVar[int]
    AGGREGATE_ESTIMATIONS_FIELD_NUMBER: _ClassVar[int]
    images_estimations: _containers.RepeatedCompositeFieldContainer[_sdk_pb2.SdkImage]
    aggregate_estimations: _sdk_pb2.SdkAggregateEstimations
    def __init__(self, images_estimations: _Optional[_Iterable[_Union[_sdk_pb2.SdkImage, _Mapping]]] = ..., aggregate_estimations: _Optional[_Union[_sdk_pb2.SdkAggregateEstimations, _Mapping]] = ...) -> None: ...
