from google.protobuf import struct_pb2 as _struct_pb2
from lumen.v6 import common_pb2 as _common_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class DetectionRect(_message.Message):
    __slots__ = ("x", "y", "width", "height")
    X_FIELD_NUMBER: _ClassVar[int]
    Y_FIELD_NUMBER: _ClassVar[int]
    WIDTH_FIELD_NUMBER: _ClassVar[int]
    HEIGHT_FIELD_NUMBER: _ClassVar[int]
    x: int
    y: int
    width: int
    height: int
    def __init__(self, x: _Optional[int] = ..., y: _Optional[int] = ..., width: _Optional[int] = ..., height: _Optional[int] = ...) -> None: ...

class HeadPose(_message.Message):
    __slots__ = ("pitch", "roll", "yaw")
    PITCH_FIELD_NUMBER: _ClassVar[int]
    ROLL_FIELD_NUMBER: _ClassVar[int]
    YAW_FIELD_NUMBER: _ClassVar[int]
    pitch: float
    roll: float
    yaw: float
    def __init__(self, pitch: _Optional[float] = ..., roll: _Optional[float] = ..., yaw: _Optional[float] = ...) -> None: ...

class FaceQuality(_message.Message):
    __slots__ = ("blurriness", "dark", "illumination", "specularity", "light")
    BLURRINESS_FIELD_NUMBER: _ClassVar[int]
    DARK_FIELD_NUMBER: _ClassVar[int]
    ILLUMINATION_FIELD_NUMBER: _ClassVar[int]
    SPECULARITY_FIELD_NUMBER: _ClassVar[int]
    LIGHT_FIELD_NUMBER: _ClassVar[int]
    blurriness: float
    dark: float
    illumination: float
    specularity: float
    light: float
    def __init__(self, blurriness: _Optional[float] = ..., dark: _Optional[float] = ..., illumination: _Optional[float] = ..., specularity: _Optional[float] = ..., light: _Optional[float] = ...) -> None: ...

class EthnicityEstimations(_message.Message):
    __slots__ = ("asian", "indian", "caucasian", "african_american")
    ASIAN_FIELD_NUMBER: _ClassVar[int]
    INDIAN_FIELD_NUMBER: _ClassVar[int]
    CAUCASIAN_FIELD_NUMBER: _ClassVar[int]
    AFRICAN_AMERICAN_FIELD_NUMBER: _ClassVar[int]
    asian: float
    indian: float
    caucasian: float
    african_american: float
    def __init__(self, asian: _Optional[float] = ..., indian: _Optional[float] = ..., caucasian: _Optional[float] = ..., african_american: _Optional[float] = ...) -> None: ...

class Ethnicities(_message.Message):
    __slots__ = ("predominant_ethnicity", "estimations")
    PREDOMINANT_ETHNICITY_FIELD_NUMBER: _ClassVar[int]
    ESTIMATIONS_FIELD_NUMBER: _ClassVar[int]
    predominant_ethnicity: str
    estimations: EthnicityEstimations
    def __init__(self, predominant_ethnicity: _Optional[str] = ..., estimations: _Optional[_Union[EthnicityEstimations, _Mapping]] = ...) -> None: ...

class EstimatedBasicAttributes(_message.Message):
    __slots__ = ("ethnicities", "age", "gender")
    ETHNICITIES_FIELD_NUMBER: _ClassVar[int]
    AGE_FIELD_NUMBER: _ClassVar[int]
    GENDER_FIELD_NUMBER: _ClassVar[int]
    ethnicities: Ethnicities
    age: int
    gender: int
    def __init__(self, ethnicities: _Optional[_Union[Ethnicities, _Mapping]] = ..., age: _Optional[int] = ..., gender: _Optional[int] = ...) -> None: ...

class EmotionEstimations(_message.Message):
    __slots__ = ("anger", "disgust", "fear", "happiness", "sadness", "surprise", "neutral")
    ANGER_FIELD_NUMBER: _ClassVar[int]
    DISGUST_FIELD_NUMBER: _ClassVar[int]
    FEAR_FIELD_NUMBER: _ClassVar[int]
    HAPPINESS_FIELD_NUMBER: _ClassVar[int]
    SADNESS_FIELD_NUMBER: _ClassVar[int]
    SURPRISE_FIELD_NUMBER: _ClassVar[int]
    NEUTRAL_FIELD_NUMBER: _ClassVar[int]
    anger: float
    disgust: float
    fear: float
    happiness: float
    sadness: float
    surprise: float
    neutral: float
    def __init__(self, anger: _Optional[float] = ..., disgust: _Optional[float] = ..., fear: _Optional[float] = ..., happiness: _Optional[float] = ..., sadness: _Optional[float] = ..., surprise: _Optional[float] = ..., neutral: _Optional[float] = ...) -> None: ...

class Emotions(_message.Message):
    __slots__ = ("predominant_emotion", "estimations")
    PREDOMINANT_EMOTION_FIELD_NUMBER: _ClassVar[int]
    ESTIMATIONS_FIELD_NUMBER: _ClassVar[int]
    predominant_emotion: str
    estimations: EmotionEstimations
    def __init__(self, predominant_emotion: _Optional[str] = ..., estimations: _Optional[_Union[EmotionEstimations, _Mapping]] = ...) -> None: ...

class MaskEstimations(_message.Message):
    __slots__ = ("medical_mask", "missing", "occluded")
    MEDICAL_MASK_FIELD_NUMBER: _ClassVar[int]
    MISSING_FIELD_NUMBER: _ClassVar[int]
    OCCLUDED_FIELD_NUMBER: _ClassVar[int]
    medical_mask: float
    missing: float
    occluded: float
    def __init__(self, medical_mask: _Optional[float] = ..., missing: _Optional[float] = ..., occluded: _Optional[float] = ...) -> None: ...

class Mask(_message.Message):
    __slots__ = ("predominant_mask", "estimations")
    PREDOMINANT_MASK_FIELD_NUMBER: _ClassVar[int]
    ESTIMATIONS_FIELD_NUMBER: _ClassVar[int]
    predominant_mask: str
    estimations: MaskEstimations
    def __init__(self, predominant_mask: _Optional[str] = ..., estimations: _Optional[_Union[MaskEstimations, _Mapping]] = ...) -> None: ...

class EyeAttributes(_message.Message):
    __slots__ = ("state", "iris_landmarks")
    STATE_FIELD_NUMBER: _ClassVar[int]
    IRIS_LANDMARKS_FIELD_NUMBER: _ClassVar[int]
    state: str
    iris_landmarks: _struct_pb2.ListValue
    def __init__(self, state: _Optional[str] = ..., iris_landmarks: _Optional[_Union[_struct_pb2.ListValue, _Mapping]] = ...) -> None: ...

class Gaze(_message.Message):
    __slots__ = ("yaw", "pitch")
    YAW_FIELD_NUMBER: _ClassVar[int]
    PITCH_FIELD_NUMBER: _ClassVar[int]
    yaw: float
    pitch: float
    def __init__(self, yaw: _Optional[float] = ..., pitch: _Optional[float] = ...) -> None: ...

class Glasses(_message.Message):
    __slots__ = ("glasses",)
    GLASSES_FIELD_NUMBER: _ClassVar[int]
    glasses: str
    def __init__(self, glasses: _Optional[str] = ...) -> None: ...

class EyesAttributes(_message.Message):
    __slots__ = ("left_eye", "right_eye")
    LEFT_EYE_FIELD_NUMBER: _ClassVar[int]
    RIGHT_EYE_FIELD_NUMBER: _ClassVar[int]
    left_eye: EyeAttributes
    right_eye: EyeAttributes
    def __init__(self, left_eye: _Optional[_Union[EyeAttributes, _Mapping]] = ..., right_eye: _Optional[_Union[EyeAttributes, _Mapping]] = ...) -> None: ...

class MouthAttributes(_message.Message):
    __slots__ = ("opened", "occluded", "smile", "score")
    OPENED_FIELD_NUMBER: _ClassVar[int]
    OCCLUDED_FIELD_NUMBER: _ClassVar[int]
    SMILE_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    opened: float
    occluded: float
    smile: float
    score: float
    def __init__(self, opened: _Optional[float] = ..., occluded: _Optional[float] = ..., smile: _Optional[float] = ..., score: _Optional[float] = ...) -> None: ...

class DetectorFaceAttributes(_message.Message):
    __slots__ = ("head_pose", "emotions", "mask", "eyes_attributes", "mouth_attributes", "gaze")
    HEAD_POSE_FIELD_NUMBER: _ClassVar[int]
    EMOTIONS_FIELD_NUMBER: _ClassVar[int]
    MASK_FIELD_NUMBER: _ClassVar[int]
    EYES_ATTRIBUTES_FIELD_NUMBER: _ClassVar[int]
    MOUTH_ATTRIBUTES_FIELD_NUMBER: _ClassVar[int]
    GAZE_FIELD_NUMBER: _ClassVar[int]
    head_pose: HeadPose
    emotions: Emotions
    mask: Mask
    eyes_attributes: EyesAttributes
    mouth_attributes: MouthAttributes
    gaze: Gaze
    def __init__(self, head_pose: _Optional[_Union[HeadPose, _Mapping]] = ..., emotions: _Optional[_Union[Emotions, _Mapping]] = ..., mask: _Optional[_Union[Mask, _Mapping]] = ..., eyes_attributes: _Optional[_Union[EyesAttributes, _Mapping]] = ..., mouth_attributes: _Optional[_Union[MouthAttributes, _Mapping]] = ..., gaze: _Optional[_Union[Gaze, _Mapping]] = ...) -> None: ...

class FaceDetectionResult(_message.Message):
    __slots__ = ("rect", "landmarks5", "quality", "attributes", "landmarks68")
    RECT_FIELD_NUMBER: _ClassVar[int]
    LANDMARKS5_FIELD_NUMBER: _ClassVar[int]
    QUALITY_FIELD_NUMBER: _ClassVar[int]
    ATTRIBUTES_FIELD_NUMBER: _ClassVar[int]
    LANDMARKS68_FIELD_NUMBER: _ClassVar[int]
    rect: DetectionRect
    landmarks5: _struct_pb2.ListValue
    quality: FaceQuality
    attributes: DetectorFaceAttributes
    landmarks68: _struct_pb2.ListValue
    def __init__(self, rect: _Optional[_Union[DetectionRect, _Mapping]] = ..., landmarks5: _Optional[_Union[_struct_pb2.ListValue, _Mapping]] = ..., quality: _Optional[_Union[FaceQuality, _Mapping]] = ..., attributes: _Optional[_Union[DetectorFaceAttributes, _Mapping]] = ..., landmarks68: _Optional[_Union[_struct_pb2.ListValue, _Mapping]] = ...) -> None: ...

class DetectedFace(_message.Message):
    __slots__ = ("detection", "url", "sample_id")
    DETECTION_FIELD_NUMBER: _ClassVar[int]
    URL_FIELD_NUMBER: _ClassVar[int]
    SAMPLE_ID_FIELD_NUMBER: _ClassVar[int]
    detection: FaceDetectionResult
    url: str
    sample_id: str
    def __init__(self, detection: _Optional[_Union[FaceDetectionResult, _Mapping]] = ..., url: _Optional[str] = ..., sample_id: _Optional[str] = ...) -> None: ...

class DetectorSample(_message.Message):
    __slots__ = ("face",)
    FACE_FIELD_NUMBER: _ClassVar[int]
    face: DetectedFace
    def __init__(self, face: _Optional[_Union[DetectedFace, _Mapping]] = ...) -> None: ...

class FilterReason(_message.Message):
    __slots__ = ("filter_name", "object_value", "threshold_value")
    FILTER_NAME_FIELD_NUMBER: _ClassVar[int]
    OBJECT_VALUE_FIELD_NUMBER: _ClassVar[int]
    THRESHOLD_VALUE_FIELD_NUMBER: _ClassVar[int]
    filter_name: str
    object_value: float
    threshold_value: _struct_pb2.Value
    def __init__(self, filter_name: _Optional[str] = ..., object_value: _Optional[float] = ..., threshold_value: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...

class FilteredSample(_message.Message):
    __slots__ = ("detection",)
    DETECTION_FIELD_NUMBER: _ClassVar[int]
    detection: FaceDetectionResult
    def __init__(self, detection: _Optional[_Union[FaceDetectionResult, _Mapping]] = ...) -> None: ...

class FilteredDetection(_message.Message):
    __slots__ = ("filename", "sample")
    FILENAME_FIELD_NUMBER: _ClassVar[int]
    SAMPLE_FIELD_NUMBER: _ClassVar[int]
    filename: str
    sample: FilteredSample
    def __init__(self, filename: _Optional[str] = ..., sample: _Optional[_Union[FilteredSample, _Mapping]] = ...) -> None: ...

class FilteredFaceDetection(_message.Message):
    __slots__ = ("filter_reasons", "detection")
    FILTER_REASONS_FIELD_NUMBER: _ClassVar[int]
    DETECTION_FIELD_NUMBER: _ClassVar[int]
    filter_reasons: _containers.RepeatedCompositeFieldContainer[FilterReason]
    detection: FilteredDetection
    def __init__(self, filter_reasons: _Optional[_Iterable[_Union[FilterReason, _Mapping]]] = ..., detection: _Optional[_Union[FilteredDetection, _Mapping]] = ...) -> None: ...

class FilteredDetections(_message.Message):
    __slots__ = ("face_detections",)
    FACE_DETECTIONS_FIELD_NUMBER: _ClassVar[int]
    face_detections: _containers.RepeatedCompositeFieldContainer[FilteredFaceDetection]
    def __init__(self, face_detections: _Optional[_Iterable[_Union[FilteredFaceDetection, _Mapping]]] = ...) -> None: ...

class ImageDetections(_message.Message):
    __slots__ = ("samples", "filtered_detections")
    SAMPLES_FIELD_NUMBER: _ClassVar[int]
    FILTERED_DETECTIONS_FIELD_NUMBER: _ClassVar[int]
    samples: _containers.RepeatedCompositeFieldContainer[DetectorSample]
    filtered_detections: FilteredDetections
    def __init__(self, samples: _Optional[_Iterable[_Union[DetectorSample, _Mapping]]] = ..., filtered_detections: _Optional[_Union[FilteredDetections, _Mapping]] = ...) -> None: ...

class DetectorImage(_message.Message):
    __slots__ = ("filename", "error", "status", "detections", "exif")
    FILENAME_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    DETECTIONS_FIELD_NUMBER: _ClassVar[int]
    EXIF_FIELD_NUMBER: _ClassVar[int]
    filename: str
    error: _common_pb2.Error
    status: int
    detections: ImageDetections
    exif: _struct_pb2.Struct
    def __init__(self, filename: _Optional[str] = ..., error: _Optional[_Union[_common_pb2.Error, _Mapping]] = ..., status: _Optional[int] = ..., detections: _Optional[_Union[ImageDetections, _Mapping]] = ..., exif: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ...) -> None: ...
