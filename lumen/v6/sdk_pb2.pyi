from google.protobuf import struct_pb2 as _struct_pb2
from lumen.v6 import common_pb2 as _common_pb2
from lumen.v6 import detector_pb2 as _detector_pb2
from lumen.v6 import liveness_pb2 as _liveness_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class SdkDescriptor(_message.Message):
    __slots__ = ("sdk_descriptor", "score")
    SDK_DESCRIPTOR_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    sdk_descriptor: str
    score: float
    def __init__(self, sdk_descriptor: _Optional[str] = ..., score: _Optional[float] = ...) -> None: ...

class SdkFaceAttributes(_message.Message):
    __slots__ = ("head_pose", "emotions", "mask", "basic_attributes", "descriptor", "liveness", "eyes_attributes", "mouth_attributes", "gaze", "glasses")
    HEAD_POSE_FIELD_NUMBER: _ClassVar[int]
    EMOTIONS_FIELD_NUMBER: _ClassVar[int]
    MASK_FIELD_NUMBER: _ClassVar[int]
    BASIC_ATTRIBUTES_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTOR_FIELD_NUMBER: _ClassVar[int]
    LIVENESS_FIELD_NUMBER: _ClassVar[int]
    EYES_ATTRIBUTES_FIELD_NUMBER: _ClassVar[int]
    MOUTH_ATTRIBUTES_FIELD_NUMBER: _ClassVar[int]
    GAZE_FIELD_NUMBER: _ClassVar[int]
    GLASSES_FIELD_NUMBER: _ClassVar[int]
    head_pose: _detector_pb2.HeadPose
    emotions: _detector_pb2.Emotions
    mask: _detector_pb2.Mask
    basic_attributes: _detector_pb2.EstimatedBasicAttributes
    descriptor: SdkDescriptor
    liveness: _liveness_pb2.SdkLiveness
    eyes_attributes: _detector_pb2.EyesAttributes
    mouth_attributes: _detector_pb2.MouthAttributes
    gaze: _detector_pb2.Gaze
    glasses: _detector_pb2.Glasses
    def __init__(self, head_pose: _Optional[_Union[_detector_pb2.HeadPose, _Mapping]] = ..., emotions: _Optional[_Union[_detector_pb2.Emotions, _Mapping]] = ..., mask: _Optional[_Union[_detector_pb2.Mask, _Mapping]] = ..., basic_attributes: _Optional[_Union[_detector_pb2.EstimatedBasicAttributes, _Mapping]] = ..., descriptor: _Optional[_Union[SdkDescriptor, _Mapping]] = ..., liveness: _Optional[_Union[_liveness_pb2.SdkLiveness, _Mapping]] = ..., eyes_attributes: _Optional[_Union[_detector_pb2.EyesAttributes, _Mapping]] = ..., mouth_attributes: _Optional[_Union[_detector_pb2.MouthAttributes, _Mapping]] = ..., gaze: _Optional[_Union[_detector_pb2.Gaze, _Mapping]] = ..., glasses: _Optional[_Union[_detector_pb2.Glasses, _Mapping]] = ...) -> None: ...

class SdkFaceDetection(_message.Message):
    __slots__ = ("rect", "landmarks5", "attributes", "quality", "warp", "landmarks68")
    RECT_FIELD_NUMBER: _ClassVar[int]
    LANDMARKS5_FIELD_NUMBER: _ClassVar[int]
    ATTRIBUTES_FIELD_NUMBER: _ClassVar[int]
    QUALITY_FIELD_NUMBER: _ClassVar[int]
    WARP_FIELD_NUMBER: _ClassVar[int]
    LANDMARKS68_FIELD_NUMBER: _ClassVar[int]
    rect: _detector_pb2.DetectionRect
    landmarks5: _struct_pb2.ListValue
    attributes: SdkFaceAttributes
    quality: _detector_pb2.FaceQuality
    warp: str
    landmarks68: _struct_pb2.ListValue
    def __init__(self, rect: _Optional[_Union[_detector_pb2.DetectionRect, _Mapping]] = ..., landmarks5: _Optional[_Union[_struct_pb2.ListValue, _Mapping]] = ..., attributes: _Optional[_Union[SdkFaceAttributes, _Mapping]] = ..., quality: _Optional[_Union[_detector_pb2.FaceQuality, _Mapping]] = ..., warp: _Optional[str] = ..., landmarks68: _Optional[_Union[_struct_pb2.ListValue, _Mapping]] = ...) -> None: ...

class SdkFace(_message.Message):
    __slots__ = ("detection",)
    DETECTION_FIELD_NUMBER: _ClassVar[int]
    detection: SdkFaceDetection
    def __init__(self, detection: _Optional[_Union[SdkFaceDetection, _Mapping]] = ...) -> None: ...

class SdkBodyDetection(_message.Message):
    __slots__ = ("rect", "warp", "attributes")
    RECT_FIELD_NUMBER: _ClassVar[int]
    WARP_FIELD_NUMBER: _ClassVar[int]
    ATTRIBUTES_FIELD_NUMBER: _ClassVar[int]
    rect: _detector_pb2.DetectionRect
    warp: str
    attributes: SdkBodyAttributes
    def __init__(self, rect: _Optional[_Union[_detector_pb2.DetectionRect, _Mapping]] = ..., warp: _Optional[str] = ..., attributes: _Optional[_Union[SdkBodyAttributes, _Mapping]] = ...) -> None: ...

class SdkBodyAttributes(_message.Message):
    __slots__ = ("descriptor",)
    DESCRIPTOR_FIELD_NUMBER: _ClassVar[int]
    descriptor: _struct_pb2.Value
    def __init__(self, descriptor: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...

class SdkBody(_message.Message):
    __slots__ = ("detection",)
    DETECTION_FIELD_NUMBER: _ClassVar[int]
    detection: SdkBodyDetection
    def __init__(self, detection: _Optional[_Union[SdkBodyDetection, _Mapping]] = ...) -> None: ...

class SdkEstimation(_message.Message):
    __slots__ = ("face", "body")
    FACE_FIELD_NUMBER: _ClassVar[int]
    BODY_FIELD_NUMBER: _ClassVar[int]
    face: SdkFace
    body: SdkBody
    def __init__(self, face: _Optional[_Union[SdkFace, _Mapping]] = ..., body: _Optional[_Union[SdkBody, _Mapping]] = ...) -> None: ...

class SdkImage(_message.Message):
    __slots__ = ("filename", "error", "status", "estimations", "filtered_detections")
    FILENAME_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    ESTIMATIONS_FIELD_NUMBER: _ClassVar[int]
    FILTERED_DETECTIONS_FIELD_NUMBER: _ClassVar[int]
    filename: str
    error: _common_pb2.Error
    status: int
    estimations: _containers.RepeatedCompositeFieldContainer[SdkEstimation]
    filtered_detections: _detector_pb2.FilteredDetections
    def __init__(self, filename: _Optional[str] = ..., error: _Optional[_Union[_common_pb2.Error, _Mapping]] = ..., status: _Optional[int] = ..., estimations: _Optional[_Iterable[_Union[SdkEstimation, _Mapping]]] = ..., filtered_detections: _Optional[_Union[_detector_pb2.FilteredDetections, _Mapping]] = ...) -> None: ...

class SdkAggregateFaceAttributes(_message.Message):
    __slots__ = ("basic_attributes", "descriptor", "mask", "emotions", "liveness")
    BASIC_ATTRIBUTES_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTOR_FIELD_NUMBER: _ClassVar[int]
    MASK_FIELD_NUMBER: _ClassVar[int]
    EMOTIONS_FIELD_NUMBER: _ClassVar[int]
    LIVENESS_FIELD_NUMBER: _ClassVar[int]
    basic_attributes: _detector_pb2.EstimatedBasicAttributes
    descriptor: SdkDescriptor
    mask: _detector_pb2.Mask
    emotions: _detector_pb2.Emotions
    liveness: _liveness_pb2.SdkLiveness
    def __init__(self, basic_attributes: _Optional[_Union[_detector_pb2.EstimatedBasicAttributes, _Mapping]] = ..., descriptor: _Optional[_Union[SdkDescriptor, _Mapping]] = ..., mask: _Optional[_Union[_detector_pb2.Mask, _Mapping]] = ..., emotions: _Optional[_Union[_detector_pb2.Emotions, _Mapping]] = ..., liveness: _Optional[_Union[_liveness_pb2.SdkLiveness, _Mapping]] = ...) -> None: ...

class SdkAggregateFace(_message.Message):
    __slots__ = ("attributes",)
    ATTRIBUTES_FIELD_NUMBER: _ClassVar[int]
    attributes: SdkAggregateFaceAttributes
    def __init__(self, attributes: _Optional[_Union[SdkAggregateFaceAttributes, _Mapping]] = ...) -> None: ...

class SdkAggregateEstimations(_message.Message):
    __slots__ = ("face",)
    FACE_FIELD_NUMBER: _ClassVar[int]
    face: SdkAggregateFace
    def __init__(self, face: _Optional[_Union[SdkAggregateFace, _Mapping]] = ...) -> None: ...
