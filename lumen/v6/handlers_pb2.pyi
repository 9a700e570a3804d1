from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Handler(_message.Message):
    __slots__ = ("handler_id", "account_id", "description", "policies", "create_time", "last_update_time", "is_dynamic")
    HANDLER_ID_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    POLICIES_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    LAST_UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    IS_DYNAMIC_FIELD_NUMBER: _ClassVar[int]
    handler_id: str
    account_id: str
    description: str
    policies: Policies
    create_time: str
    last_update_time: str
    is_dynamic: bool
    def __init__(self, handler_id: _Optional[str] = ..., account_id: _Optional[str] = ..., description: _Optional[str] = ..., policies: _Optional[_Union[Policies, _Mapping]] = ..., create_time: _Optional[str] = ..., last_update_time: _Optional[str] = ..., is_dynamic: _Optional[bool] = ...) -> None: ...

class HandlerParams(_message.Message):
    __slots__ = ("description", "policies", "is_dynamic")
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    POLICIES_FIELD_NUMBER: _ClassVar[int]
    IS_DYNAMIC_FIELD_NUMBER: _ClassVar[int]
    description: str
    policies: Policies
    is_dynamic: bool
    def __init__(self, description: _Optional[str] = ..., policies: _Optional[_Union[Policies, _Mapping]] = ..., is_dynamic: _Optional[bool] = ...) -> None: ...

class HandlerPoliciesParams(_message.Message):
    __slots__ = ("policies",)
    POLICIES_FIELD_NUMBER: _ClassVar[int]
    policies: Policies
    def __init__(self, policies: _Optional[_Union[Policies, _Mapping]] = ...) -> None: ...

class Policies(_message.Message):
    __slots__ = ("detect_policy", "extract_policy", "match_policy", "storage_policy", "conditional_tags_policy")
    DETECT_POLICY_FIELD_NUMBER: _ClassVar[int]
    EXTRACT_POLICY_FIELD_NUMBER: _ClassVar[int]
    MATCH_POLICY_FIELD_NUMBER: _ClassVar[int]
    STORAGE_POLICY_FIELD_NUMBER: _ClassVar[int]
    CONDITIONAL_TAGS_POLICY_FIELD_NUMBER: _ClassVar[int]
    detect_policy: DetectPolicy
    extract_policy: ExtractPolicy
    match_policy: _containers.RepeatedCompositeFieldContainer[MatchPolicy]
    storage_policy: StoragePolicy
    conditional_tags_policy: _containers.RepeatedCompositeFieldContainer[ConditionalTag]
    def __init__(self, detect_policy: _Optional[_Union[DetectPolicy, _Mapping]] = ..., extract_policy: _Optional[_Union[ExtractPolicy, _Mapping]] = ..., match_policy: _Optional[_Iterable[_Union[MatchPolicy, _Mapping]]] = ..., storage_policy: _Optional[_Union[StoragePolicy, _Mapping]] = ..., conditional_tags_policy: _Optional[_Iterable[_Union[ConditionalTag, _Mapping]]] = ...) -> None: ...

class DetectPolicy(_message.Message):
    __slots__ = ("detect_face", "detect_body", "multiface_policy", "estimate_head_pose", "estimate_emotions", "estimate_mask", "estimate_quality", "estimate_gaze", "estimate_eyes_attributes", "estimate_mouth_attributes", "detect_landmarks68", "extract_exif", "yaw_threshold", "roll_threshold", "pitch_threshold", "mask_states", "estimate_liveness", "liveness_states", "face_quality")
    DETECT_FACE_FIELD_NUMBER: _ClassVar[int]
    DETECT_BODY_FIELD_NUMBER: _ClassVar[int]
    MULTIFACE_POLICY_FIELD_NUMBER: _ClassVar[int]
    ESTIMATE_HEAD_POSE_FIELD_NUMBER: _ClassVar[int]
    ESTIMATE_EMOTIONS_FIELD_NUMBER: _ClassVar[int]
    ESTIMATE_MASK_FIELD_NUMBER: _ClassVar[int]
    ESTIMATE_QUALITY_FIELD_NUMBER: _ClassVar[int]
    ESTIMATE_GAZE_FIELD_NUMBER: _ClassVar[int]
    ESTIMATE_EYES_ATTRIBUTES_FIELD_NUMBER: _ClassVar[int]
    ESTIMATE_MOUTH_ATTRIBUTES_FIELD_NUMBER: _ClassVar[int]
    DETECT_LANDMARKS68_FIELD_NUMBER: _ClassVar[int]
    EXTRACT_EXIF_FIELD_NUMBER: _ClassVar[int]
    YAW_THRESHOLD_FIELD_NUMBER: _ClassVar[int]
    ROLL_THRESHOLD_FIELD_NUMBER: _ClassVar[int]
    PITCH_THRESHOLD_FIELD_NUMBER: _ClassVar[int]
    MASK_STATES_FIELD_NUMBER: _ClassVar[int]
    ESTIMATE_LIVENESS_FIELD_NUMBER: _ClassVar[int]
    LIVENESS_STATES_FIELD_NUMBER: _ClassVar[int]
    FACE_QUALITY_FIELD_NUMBER: _ClassVar[int]
    detect_face: int
    detect_body: int
    multiface_policy: int
    estimate_head_pose: int
    estimate_emotions: int
    estimate_mask: int
    estimate_quality: int
    estimate_gaze: int
    estimate_eyes_attributes: int
    estimate_mouth_attributes: int
    detect_landmarks68: int
    extract_exif: int
    yaw_threshold: int
    roll_threshold: int
    pitch_threshold: int
    mask_states: _containers.RepeatedScalarFieldContainer[int]
    estimate_liveness: LivenessPolicy
    liveness_states: _containers.RepeatedScalarFieldContainer[int]
    face_quality: FaceQualityPolicy
    def __init__(self, detect_face: _Optional[int] = ..., detect_body: _Optional[int] = ..., multiface_policy: _Optional[int] = ..., estimate_head_pose: _Optional[int] = ..., estimate_emotions: _Optional[int] = ..., estimate_mask: _Optional[int] = ..., estimate_quality: _Optional[int] = ..., estimate_gaze: _Optional[int] = ..., estimate_eyes_attributes: _Optional[int] = ..., estimate_mouth_attributes: _Optional[int] = ..., detect_landmarks68: _Optional[int] = ..., extract_exif: _Optional[int] = ..., yaw_threshold: _Optional[int] = ..., roll_threshold: _Optional[int] = ..., pitch_threshold: _Optional[int] = ..., mask_states: _Optional[_Iterable[int]] = ..., estimate_liveness: _Optional[_Union[LivenessPolicy, _Mapping]] = ..., liveness_states: _Optional[_Iterable[int]] = ..., face_quality: _Optional[_Union[FaceQualityPolicy, _Mapping]] = ...) -> None: ...

class LivenessPolicy(_message.Message):
    __slots__ = ("estimate", "quality_threshold", "liveness_threshold")
    ESTIMATE_FIELD_NUMBER: _ClassVar[int]
    QUALITY_THRESHOLD_FIELD_NUMBER: _ClassVar[int]
    LIVENESS_THRESHOLD_FIELD_NUMBER: _ClassVar[int]
    estimate: int
    quality_threshold: float
    liveness_threshold: float
    def __init__(self, estimate: _Optional[int] = ..., quality_threshold: _Optional[float] = ..., liveness_threshold: _Optional[float] = ...) -> None: ...

class FaceQualityPolicy(_message.Message):
    __slots__ = ("estimate", "filter", "checks")
    ESTIMATE_FIELD_NUMBER: _ClassVar[int]
    FILTER_FIELD_NUMBER: _ClassVar[int]
    CHECKS_FIELD_NUMBER: _ClassVar[int]
    estimate: int
    filter: int
    checks: FaceQualityChecks
    def __init__(self, estimate: _Optional[int] = ..., filter: _Optional[int] = ..., checks: _Optional[_Union[FaceQualityChecks, _Mapping]] = ...) -> None: ...

class RangeThreshold(_message.Message):
    __slots__ = ("min", "max")
    MIN_FIELD_NUMBER: _ClassVar[int]
    MAX_FIELD_NUMBER: _ClassVar[int]
    min: float
    max: float
    def __init__(self, min: _Optional[float] = ..., max: _Optional[float] = ...) -> None: ...

class RangeCheck(_message.Message):
    __slots__ = ("estimate", "threshold")
    ESTIMATE_FIELD_NUMBER: _ClassVar[int]
    THRESHOLD_FIELD_NUMBER: _ClassVar[int]
    estimate: int
    threshold: RangeThreshold
    def __init__(self, estimate: _Optional[int] = ..., threshold: _Optional[_Union[RangeThreshold, _Mapping]] = ...) -> None: ...

class ListCheck(_message.Message):
    __slots__ = ("estimate", "threshold")
    ESTIMATE_FIELD_NUMBER: _ClassVar[int]
    THRESHOLD_FIELD_NUMBER: _ClassVar[int]
    estimate: int
    threshold: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, estimate: _Optional[int] = ..., threshold: _Optional[_Iterable[str]] = ...) -> None: ...

class IntCheck(_message.Message):
    __slots__ = ("estimate", "threshold")
    ESTIMATE_FIELD_NUMBER: _ClassVar[int]
    THRESHOLD_FIELD_NUMBER: _ClassVar[int]
    estimate: int
    threshold: int
    def __init__(self, estimate: _Optional[int] = ..., threshold: _Optional[int] = ...) -> None: ...

class FaceQualityChecks(_message.Message):
    __slots__ = ("image_format", "illumination_quality", "specularity_quality", "blurriness_quality", "dark_quality", "light_quality", "head_yaw", "head_pitch", "head_roll", "gaze_yaw", "gaze_pitch", "mouth_smiling", "mouth_occluded", "mouth_open", "glasses", "left_eye", "right_eye", "head_horizontal_center", "head_vertical_center", "head_width", "head_height", "eye_distance", "image_width", "image_height", "aspect_ratio", "face_width", "face_height", "indent_left", "indent_right", "indent_upper", "indent_lower", "image_size", "eyebrows_state", "headwear_type", "smile_properties", "face_color_type", "natural_light", "radial_distortion", "red_eyes", "illumination_uniformity", "dynamic_range")
    IMAGE_FORMAT_FIELD_NUMBER: _ClassVar[int]
    ILLUMINATION_QUALITY_FIELD_NUMBER: _ClassVar[int]
    SPECULARITY_QUALITY_FIELD_NUMBER: _ClassVar[int]
    BLURRINESS_QUALITY_FIELD_NUMBER: _ClassVar[int]
    DARK_QUALITY_FIELD_NUMBER: _ClassVar[int]
    LIGHT_QUALITY_FIELD_NUMBER: _ClassVar[int]
    HEAD_YAW_FIELD_NUMBER: _ClassVar[int]
    HEAD_PITCH_FIELD_NUMBER: _ClassVar[int]
    HEAD_ROLL_FIELD_NUMBER: _ClassVar[int]
    GAZE_YAW_FIELD_NUMBER: _ClassVar[int]
    GAZE_PITCH_FIELD_NUMBER: _ClassVar[int]
    MOUTH_SMILING_FIELD_NUMBER: _ClassVar[int]
    MOUTH_OCCLUDED_FIELD_NUMBER: _ClassVar[int]
    MOUTH_OPEN_FIELD_NUMBER: _ClassVar[int]
    GLASSES_FIELD_NUMBER: _ClassVar[int]
    LEFT_EYE_FIELD_NUMBER: _ClassVar[int]
    RIGHT_EYE_FIELD_NUMBER: _ClassVar[int]
    HEAD_HORIZONTAL_CENTER_FIELD_NUMBER: _ClassVar[int]
    HEAD_VERTICAL_CENTER_FIELD_NUMBER: _ClassVar[int]
    HEAD_WIDTH_FIELD_NUMBER: _ClassVar[int]
    HEAD_HEIGHT_FIELD_NUMBER: _ClassVar[int]
    EYE_DISTANCE_FIELD_NUMBER: _ClassVar[int]
    IMAGE_WIDTH_FIELD_NUMBER: _ClassVar[int]
    IMAGE_HEIGHT_FIELD_NUMBER: _ClassVar[int]
    ASPECT_RATIO_FIELD_NUMBER: _ClassVar[int]
    FACE_WIDTH_FIELD_NUMBER: _ClassVar[int]
    FACE_HEIGHT_FIELD_NUMBER: _ClassVar[int]
    INDENT_LEFT_FIELD_NUMBER: _ClassVar[int]
    INDENT_RIGHT_FIELD_NUMBER: _ClassVar[int]
    INDENT_UPPER_FIELD_NUMBER: _ClassVar[int]
    INDENT_LOWER_FIELD_NUMBER: _ClassVar[int]
    IMAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    EYEBROWS_STATE_FIELD_NUMBER: _ClassVar[int]
    HEADWEAR_TYPE_FIELD_NUMBER: _ClassVar[int]
    SMILE_PROPERTIES_FIELD_NUMBER: _ClassVar[int]
    FACE_COLOR_TYPE_FIELD_NUMBER: _ClassVar[int]
    NATURAL_LIGHT_FIELD_NUMBER: _ClassVar[int]
    RADIAL_DISTORTION_FIELD_NUMBER: _ClassVar[int]
    RED_EYES_FIELD_NUMBER: _ClassVar[int]
    ILLUMINATION_UNIFORMITY_FIELD_NUMBER: _ClassVar[int]
    DYNAMIC_RANGE_FIELD_NUMBER: _ClassVar[int]
    image_format: ListCheck
    illumination_quality: RangeCheck
    specularity_quality: RangeCheck
    blurriness_quality: RangeCheck
    dark_quality: RangeCheck
    light_quality: RangeCheck
    head_yaw: RangeCheck
    head_pitch: RangeCheck
    head_roll: RangeCheck
    gaze_yaw: RangeCheck
    gaze_pitch: RangeCheck
    mouth_smiling: RangeCheck
    mouth_occluded: RangeCheck
    mouth_open: RangeCheck
    glasses: ListCheck
    left_eye: ListCheck
    right_eye: ListCheck
    head_horizontal_center: RangeCheck
    head_vertical_center: RangeCheck
    head_width: RangeCheck
    head_height: RangeCheck
    eye_distance: RangeCheck
    image_width: RangeCheck
    image_height: RangeCheck
    aspect_ratio: RangeCheck
    face_width: RangeCheck
    face_height: RangeCheck
    indent_left: RangeCheck
    indent_right: RangeCheck
    indent_upper: RangeCheck
    indent_lower: RangeCheck
    image_size: RangeCheck
    eyebrows_state: ListCheck
    headwear_type: ListCheck
    smile_properties: ListCheck
    face_color_type: ListCheck
    natural_light: IntCheck
    radial_distortion: IntCheck
    red_eyes: IntCheck
    illumination_uniformity: RangeCheck
    dynamic_range: RangeCheck
    def __init__(self, image_format: _Optional[_Union[ListCheck, _Mapping]] = ..., illumination_quality: _Optional[_Union[RangeCheck, _Mapping]] = ..., specularity_quality: _Optional[_Union[RangeCheck, _Mapping]] = ..., blurriness_quality: _Optional[_Union[RangeCheck, _Mapping]] = ..., dark_quality: _Optional[_Union[RangeCheck, _Mapping]] = ..., light_quality: _Optional[_Union[RangeCheck, _Mapping]] = ..., head_yaw: _Optional[_Union[RangeCheck, _Mapping]] = ..., head_pitch: _Optional[_Union[RangeCheck, _Mapping]] = ..., head_roll: _Optional[_Union[RangeCheck, _Mapping]] = ..., gaze_yaw: _Optional[_Union[RangeCheck, _Mapping]] = ..., gaze_pitch: _Optional[_Union[RangeCheck, _Mapping]] = ..., mouth_smiling: _Optional[_Union[RangeCheck, _Mapping]] = ..., mouth_occluded: _Optional[_Union[RangeCheck, _Mapping]] = ..., mouth_open: _Optional[_Union[RangeCheck, _Mapping]] = ..., glasses: _Optional[_Union[ListCheck, _Mapping]] = ..., left_eye: _Optional[_Union[ListCheck, _Mapping]] = ..., right_eye: _Optional[_Union[ListCheck, _Mapping]] = ..., head_horizontal_center: _Optional[_Union[RangeCheck, _Mapping]] = ..., head_vertical_center: _Optional[_Union[RangeCheck, _Mapping]] = ..., head_width: _Optional[_Union[RangeCheck, _Mapping]] = ..., head_height: _Optional[_Union[RangeCheck, _Mapping]] = ..., eye_distance: _Optional[_Union[RangeCheck, _Mapping]] = ..., image_width: _Optional[_Union[RangeCheck, _Mapping]] = ..., image_height: _Optional[_Union[RangeCheck, _Mapping]] = ..., aspect_ratio: _Optional[_Union[RangeCheck, _Mapping]] = ..., face_width: _Optional[_Union[RangeCheck, _Mapping]] = ..., face_height: _Optional[_Union[RangeCheck, _Mapping]] = ..., indent_left: _Optional[_Union[RangeCheck, _Mapping]] = ..., indent_right: _Optional[_Union[RangeCheck, _Mapping]] = ..., indent_upper: _Optional[_Union[RangeCheck, _Mapping]] = ..., indent_lower: _Optional[_Union[RangeCheck, _Mapping]] = ..., image_size: _Optional[_Union[RangeCheck, _Mapping]] = ..., eyebrows_state: _Optional[_Union[ListCheck, _Mapping]] = ..., headwear_type: _Optional[_Union[ListCheck, _Mapping]] = ..., smile_properties: _Optional[_Union[ListCheck, _Mapping]] = ..., face_color_type: _Optional[_Union[ListCheck, _Mapping]] = ..., natural_light: _Optional[_Union[IntCheck, _Mapping]] = ..., radial_distortion: _Optional[_Union[IntCheck, _Mapping]] = ..., red_eyes: _Optional[_Union[IntCheck, _Mapping]] = ..., illumination_uniformity: _Optional[_Union[RangeCheck, _Mapping]] = ..., dynamic_range: _Optional[_Union[RangeCheck, _Mapping]] = ...) -> None: ...

class ExtractPolicy(_message.Message):
    __slots__ = ("extract_basic_attributes", "extract_face_descriptor", "extract_body_descriptor", "fd_score_threshold")
    EXTRACT_BASIC_ATTRIBUTES_FIELD_NUMBER: _ClassVar[int]
    EXTRACT_FACE_DESCRIPTOR_FIELD_NUMBER: _ClassVar[int]
    EXTRACT_BODY_DESCRIPTOR_FIELD_NUMBER: _ClassVar[int]
    FD_SCORE_THRESHOLD_FIELD_NUMBER: _ClassVar[int]
    extract_basic_attributes: int
    extract_face_descriptor: int
    extract_body_descriptor: int
    fd_score_threshold: float
    def __init__(self, extract_basic_attributes: _Optional[int] = ..., extract_face_descriptor: _Optional[int] = ..., extract_body_descriptor: _Optional[int] = ..., fd_score_threshold: _Optional[float] = ...) -> None: ...

class AttributeFilters(_message.Message):
    __slots__ = ("gender", "ethnicities", "age__lt", "age__gte", "liveness")
    GENDER_FIELD_NUMBER: _ClassVar[int]
    ETHNICITIES_FIELD_NUMBER: _ClassVar[int]
    AGE__LT_FIELD_NUMBER: _ClassVar[int]
    AGE__GTE_FIELD_NUMBER: _ClassVar[int]
    LIVENESS_FIELD_NUMBER: _ClassVar[int]
    gender: int
    ethnicities: _containers.RepeatedScalarFieldContainer[int]
    age__lt: int
    age__gte: int
    liveness: _containers.RepeatedScalarFieldContainer[int]
    def __init__(self, gender: _Optional[int] = ..., ethnicities: _Optional[_Iterable[int]] = ..., age__lt: _Optional[int] = ..., age__gte: _Optional[int] = ..., liveness: _Optional[_Iterable[int]] = ...) -> None: ...

class MatchFilter(_message.Message):
    __slots__ = ("label", "similarity__lte", "similarity__gte")
    LABEL_FIELD_NUMBER: _ClassVar[int]
    SIMILARITY__LTE_FIELD_NUMBER: _ClassVar[int]
    SIMILARITY__GTE_FIELD_NUMBER: _ClassVar[int]
    label: str
    similarity__lte: float
    similarity__gte: float
    def __init__(self, label: _Optional[str] = ..., similarity__lte: _Optional[float] = ..., similarity__gte: _Optional[float] = ...) -> None: ...

class StorageFilters(_message.Message):
    __slots__ = ("gender", "ethnicities", "age__lt", "age__gte", "liveness", "match")
    GENDER_FIELD_NUMBER: _ClassVar[int]
    ETHNICITIES_FIELD_NUMBER: _ClassVar[int]
    AGE__LT_FIELD_NUMBER: _ClassVar[int]
    AGE__GTE_FIELD_NUMBER: _ClassVar[int]
    LIVENESS_FIELD_NUMBER: _ClassVar[int]
    MATCH_FIELD_NUMBER: _ClassVar[int]
    gender: int
    ethnicities: _containers.RepeatedScalarFieldContainer[int]
    age__lt: int
    age__gte: int
    liveness: _containers.RepeatedScalarFieldContainer[int]
    match: _containers.RepeatedCompositeFieldContainer[MatchFilter]
    def __init__(self, gender: _Optional[int] = ..., ethnicities: _Optional[_Iterable[int]] = ..., age__lt: _Optional[int] = ..., age__gte: _Optional[int] = ..., liveness: _Optional[_Iterable[int]] = ..., match: _Optional[_Iterable[_Union[MatchFilter, _Mapping]]] = ...) -> None: ...

class GeoPosition(_message.Message):
    __slots__ = ("origin_longitude", "origin_latitude", "longitude_delta", "latitude_delta")
    ORIGIN_LONGITUDE_FIELD_NUMBER: _ClassVar[int]
    ORIGIN_LATITUDE_FIELD_NUMBER: _ClassVar[int]
    LONGITUDE_DELTA_FIELD_NUMBER: _ClassVar[int]
    LATITUDE_DELTA_FIELD_NUMBER: _ClassVar[int]
    origin_longitude: float
    origin_latitude: float
    longitude_delta: float
    latitude_delta: float
    def __init__(self, origin_longitude: _Optional[float] = ..., origin_latitude: _Optional[float] = ..., longitude_delta: _Optional[float] = ..., latitude_delta: _Optional[float] = ...) -> None: ...

class MatchCandidates(_message.Message):
    __slots__ = ("origin", "face_ids", "account_id", "external_ids", "user_data", "create_time__gte", "create_time__lt", "face_id__gte", "face_id__lt", "list_id", "event_ids", "event_id__gte", "event_id__lt", "handler_ids", "top_matching_candidates_label", "top_similar_object_ids", "top_similar_external_ids", "top_similar_object_similarity__gte", "top_similar_object_similarity__lt", "age__gte", "age__lt", "gender", "emotions", "liveness", "masks", "ethnic_groups", "sources", "tags", "cities", "areas", "districts", "streets", "house_numbers", "geo_position", "track_ids", "end_time__gte", "end_time__lt")
    ORIGIN_FIELD_NUMBER: _ClassVar[int]
    FACE_IDS_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    EXTERNAL_IDS_FIELD_NUMBER: _ClassVar[int]
    USER_DATA_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME__GTE_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME__LT_FIELD_NUMBER: _ClassVar[int]
    FACE_ID__GTE_FIELD_NUMBER: _ClassVar[int]
    FACE_ID__LT_FIELD_NUMBER: _ClassVar[int]
    LIST_ID_FIELD_NUMBER: _ClassVar[int]
    EVENT_IDS_FIELD_NUMBER: _ClassVar[int]
    EVENT_ID__GTE_FIELD_NUMBER: _ClassVar[int]
    EVENT_ID__LT_FIELD_NUMBER: _ClassVar[int]
    HANDLER_IDS_FIELD_NUMBER: _ClassVar[int]
    TOP_MATCHING_CANDIDATES_LABEL_FIELD_NUMBER: _ClassVar[int]
    TOP_SIMILAR_OBJECT_IDS_FIELD_NUMBER: _ClassVar[int]
    TOP_SIMILAR_EXTERNAL_IDS_FIELD_NUMBER: _ClassVar[int]
    TOP_SIMILAR_OBJECT_SIMILARITY__GTE_FIELD_NUMBER: _ClassVar[int]
    TOP_SIMILAR_OBJECT_SIMILARITY__LT_FIELD_NUMBER: _ClassVar[int]
    AGE__GTE_FIELD_NUMBER: _ClassVar[int]
    AGE__LT_FIELD_NUMBER: _ClassVar[int]
    GENDER_FIELD_NUMBER: _ClassVar[int]
    EMOTIONS_FIELD_NUMBER: _ClassVar[int]
    LIVENESS_FIELD_NUMBER: _ClassVar[int]
    MASKS_FIELD_NUMBER: _ClassVar[int]
    ETHNIC_GROUPS_FIELD_NUMBER: _ClassVar[int]
    SOURCES_FIELD_NUMBER: _ClassVar[int]
    TAGS_FIELD_NUMBER: _ClassVar[int]
    CITIES_FIELD_NUMBER: _ClassVar[int]
    AREAS_FIELD_NUMBER: _ClassVar[int]
    DISTRICTS_FIELD_NUMBER: _ClassVar[int]
    STREETS_FIELD_NUMBER: _ClassVar[int]
    HOUSE_NUMBERS_FIELD_NUMBER: _ClassVar[int]
    GEO_POSITION_FIELD_NUMBER: _ClassVar[int]
    TRACK_IDS_FIELD_NUMBER: _ClassVar[int]
    END_TIME__GTE_FIELD_NUMBER: _ClassVar[int]
    END_TIME__LT_FIELD_NUMBER: _ClassVar[int]
    origin: str
    face_ids: _containers.RepeatedScalarFieldContainer[str]
    account_id: str
    external_ids: _containers.RepeatedScalarFieldContainer[str]
    user_data: str
    create_time__gte: str
    create_time__lt: str
    face_id__gte: str
    face_id__lt: str
    list_id: str
    event_ids: _containers.RepeatedScalarFieldContainer[str]
    event_id__gte: str
    event_id__lt: str
    handler_ids: _containers.RepeatedScalarFieldContainer[str]
    top_matching_candidates_label: str
    top_similar_object_ids: _containers.RepeatedScalarFieldContainer[str]
    top_similar_external_ids: _containers.RepeatedScalarFieldContainer[str]
    top_similar_object_similarity__gte: float
    top_similar_object_similarity__lt: float
    age__gte: int
    age__lt: int
    gender: int
    emotions: _containers.RepeatedScalarFieldContainer[int]
    liveness: _containers.RepeatedScalarFieldContainer[int]
    masks: _containers.RepeatedScalarFieldContainer[int]
    ethnic_groups: _containers.RepeatedScalarFieldContainer[int]
    sources: _containers.RepeatedScalarFieldContainer[str]
    tags: _containers.RepeatedScalarFieldContainer[str]
    cities: _containers.RepeatedScalarFieldContainer[str]
    areas: _containers.RepeatedScalarFieldContainer[str]
    districts: _containers.RepeatedScalarFieldContainer[str]
    streets: _containers.RepeatedScalarFieldContainer[str]
    house_numbers: _containers.RepeatedScalarFieldContainer[str]
    geo_position: GeoPosition
    track_ids: _containers.RepeatedScalarFieldContainer[str]
    end_time__gte: str
    end_time__lt: str
    def __init__(self, origin: _Optional[str] = ..., face_ids: _Optional[_Iterable[str]] = ..., account_id: _Optional[str] = ..., external_ids: _Optional[_Iterable[str]] = ..., user_data: _Optional[str] = ..., create_time__gte: _Optional[str] = ..., create_time__lt: _Optional[str] = ..., face_id__gte: _Optional[str] = ..., face_id__lt: _Optional[str] = ..., list_id: _Optional[str] = ..., event_ids: _Optional[_Iterable[str]] = ..., event_id__gte: _Optional[str] = ..., event_id__lt: _Optional[str] = ..., handler_ids: _Optional[_Iterable[str]] = ..., top_matching_candidates_label: _Optional[str] = ..., top_similar_object_ids: _Optional[_Iterable[str]] = ..., top_similar_external_ids: _Optional[_Iterable[str]] = ..., top_similar_object_similarity__gte: _Optional[float] = ..., top_similar_object_similarity__lt: _Optional[float] = ..., age__gte: _Optional[int] = ..., age__lt: _Optional[int] = ..., gender: _Optional[int] = ..., emotions: _Optional[_Iterable[int]] = ..., liveness: _Optional[_Iterable[int]] = ..., masks: _Optional[_Iterable[int]] = ..., ethnic_groups: _Optional[_Iterable[int]] = ..., sources: _Optional[_Iterable[str]] = ..., tags: _Optional[_Iterable[str]] = ..., cities: _Optional[_Iterable[str]] = ..., areas: _Optional[_Iterable[str]] = ..., districts: _Optional[_Iterable[str]] = ..., streets: _Optional[_Iterable[str]] = ..., house_numbers: _Optional[_Iterable[str]] = ..., geo_position: _Optional[_Union[GeoPosition, _Mapping]] = ..., track_ids: _Optional[_Iterable[str]] = ..., end_time__gte: _Optional[str] = ..., end_time__lt: _Optional[str] = ...) -> None: ...

class MatchPolicy(_message.Message):
    __slots__ = ("label", "candidates", "filters", "limit", "targets", "threshold")
    LABEL_FIELD_NUMBER: _ClassVar[int]
    CANDIDATES_FIELD_NUMBER: _ClassVar[int]
    FILTERS_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    TARGETS_FIELD_NUMBER: _ClassVar[int]
    THRESHOLD_FIELD_NUMBER: _ClassVar[int]
    label: str
    candidates: MatchCandidates
    filters: AttributeFilters
    limit: int
    targets: _containers.RepeatedScalarFieldContainer[str]
    threshold: float
    def __init__(self, label: _Optional[str] = ..., candidates: _Optional[_Union[MatchCandidates, _Mapping]] = ..., filters: _Optional[_Union[AttributeFilters, _Mapping]] = ..., limit: _Optional[int] = ..., targets: _Optional[_Iterable[str]] = ..., threshold: _Optional[float] = ...) -> None: ...

class SamplePolicy(_message.Message):
    __slots__ = ("store_sample", "filters")
    STORE_SAMPLE_FIELD_NUMBER: _ClassVar[int]
    FILTERS_FIELD_NUMBER: _ClassVar[int]
    store_sample: int
    filters: StorageFilters
    def __init__(self, store_sample: _Optional[int] = ..., filters: _Optional[_Union[StorageFilters, _Mapping]] = ...) -> None: ...

class ImageOriginPolicy(_message.Message):
    __slots__ = ("store_image", "use_external_references", "filters")
    STORE_IMAGE_FIELD_NUMBER: _ClassVar[int]
    USE_EXTERNAL_REFERENCES_FIELD_NUMBER: _ClassVar[int]
    FILTERS_FIELD_NUMBER: _ClassVar[int]
    store_image: int
    use_external_references: int
    filters: StorageFilters
    def __init__(self, store_image: _Optional[int] = ..., use_external_references: _Optional[int] = ..., filters: _Optional[_Union[StorageFilters, _Mapping]] = ...) -> None: ...

class AttributePolicy(_message.Message):
    __slots__ = ("store_attribute", "ttl", "filters")
    STORE_ATTRIBUTE_FIELD_NUMBER: _ClassVar[int]
    TTL_FIELD_NUMBER: _ClassVar[int]
    FILTERS_FIELD_NUMBER: _ClassVar[int]
    store_attribute: int
    ttl: int
    filters: StorageFilters
    def __init__(self, store_attribute: _Optional[int] = ..., ttl: _Optional[int] = ..., filters: _Optional[_Union[StorageFilters, _Mapping]] = ...) -> None: ...

class LinkToListPolicy(_message.Message):
    __slots__ = ("list_id", "filters")
    LIST_ID_FIELD_NUMBER: _ClassVar[int]
    FILTERS_FIELD_NUMBER: _ClassVar[int]
    list_id: str
    filters: StorageFilters
    def __init__(self, list_id: _Optional[str] = ..., filters: _Optional[_Union[StorageFilters, _Mapping]] = ...) -> None: ...

class FacePolicy(_message.Message):
    __slots__ = ("store_face", "set_sample_as_avatar", "link_to_lists_policy", "filters")
    STORE_FACE_FIELD_NUMBER: _ClassVar[int]
    SET_SAMPLE_AS_AVATAR_FIELD_NUMBER: _ClassVar[int]
    LINK_TO_LISTS_POLICY_FIELD_NUMBER: _ClassVar[int]
    FILTERS_FIELD_NUMBER: _ClassVar[int]
    store_face: int
    set_sample_as_avatar: int
    link_to_lists_policy: _containers.RepeatedCompositeFieldContainer[LinkToListPolicy]
    filters: StorageFilters
    def __init__(self, store_face: _Optional[int] = ..., set_sample_as_avatar: _Optional[int] = ..., link_to_lists_policy: _Optional[_Iterable[_Union[LinkToListPolicy, _Mapping]]] = ..., filters: _Optional[_Union[StorageFilters, _Mapping]] = ...) -> None: ...

class EventPolicy(_message.Message):
    __slots__ = ("store_event", "wait_saving", "filters")
    STORE_EVENT_FIELD_NUMBER: _ClassVar[int]
    WAIT_SAVING_FIELD_NUMBER: _ClassVar[int]
    FILTERS_FIELD_NUMBER: _ClassVar[int]
    store_event: int
    wait_saving: int
    filters: StorageFilters
    def __init__(self, store_event: _Optional[int] = ..., wait_saving: _Optional[int] = ..., filters: _Optional[_Union[StorageFilters, _Mapping]] = ...) -> None: ...

class NotificationPolicy(_message.Message):
    __slots__ = ("send_notification", "filters")
    SEND_NOTIFICATION_FIELD_NUMBER: _ClassVar[int]
    FILTERS_FIELD_NUMBER: _ClassVar[int]
    send_notification: int
    filters: StorageFilters
    def __init__(self, send_notification: _Optional[int] = ..., filters: _Optional[_Union[StorageFilters, _Mapping]] = ...) -> None: ...

class StoragePolicy(_message.Message):
    __slots__ = ("face_sample_policy", "body_sample_policy", "image_origin_policy", "attribute_policy", "face_policy", "event_policy", "notification_policy")
    FACE_SAMPLE_POLICY_FIELD_NUMBER: _ClassVar[int]
    BODY_SAMPLE_POLICY_FIELD_NUMBER: _ClassVar[int]
    IMAGE_ORIGIN_POLICY_FIELD_NUMBER: _ClassVar[int]
    ATTRIBUTE_POLICY_FIELD_NUMBER: _ClassVar[int]
    FACE_POLICY_FIELD_NUMBER: _ClassVar[int]
    EVENT_POLICY_FIELD_NUMBER: _ClassVar[int]
    NOTIFICATION_POLICY_FIELD_NUMBER: _ClassVar[int]
    face_sample_policy: SamplePolicy
    body_sample_policy: SamplePolicy
    image_origin_policy: ImageOriginPolicy
    attribute_policy: AttributePolicy
    face_policy: FacePolicy
    event_policy: EventPolicy
    notification_policy: NotificationPolicy
    def __init__(self, face_sample_policy: _Optional[_Union[SamplePolicy, _Mapping]] = ..., body_sample_policy: _Optional[_Union[SamplePolicy, _Mapping]] = ..., image_origin_policy: _Optional[_Union[ImageOriginPolicy, _Mapping]] = ..., attribute_policy: _Optional[_Union[AttributePolicy, _Mapping]] = ..., face_policy: _Optional[_Union[FacePolicy, _Mapping]] = ..., event_policy: _Optional[_Union[EventPolicy, _Mapping]] = ..., notification_policy: _Optional[_Union[NotificationPolicy, _Mapping]] = ...) -> None: ...

class ConditionalTag(_message.Message):
    __slots__ = ("tag", "filters")
    TAG_FIELD_NUMBER: _ClassVar[int]
    FILTERS_FIELD_NUMBER: _ClassVar[int]
    tag: str
    filters: StorageFilters
    def __init__(self, tag: _Optional[str] = ..., filters: _Optional[_Union[StorageFilters, _Mapping]] = ...) -> None: ...
