"""Handler policies (ENDPOINTS.md §2.2-§2.7): parse and validate a Policies JSON document into frozen,
typed dataclasses with every default filled in, and print them back.

    policies = parse_policies(document)          # LunaError 12022 naming the path when invalid
    policies.detect_policy.face_quality.checks   # every check, defaults included
    policies_to_json(policies)                   # the complete JSON form (stored, returned by GET)

Flags (v6 int 0/1) are bools here; absent optional values (v6 null) are None. Time bounds of match_policy
candidates stay text (`now-2y` is resolved when used: times.resolve_time_bound). Defaults are Lumen's
reading of the dumps (docs/handlers.md).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields, is_dataclass
from datetime import datetime
from typing import Any, Literal

import jsonschema

from server import errors
from server.errors import LunaError
from server.handlers import schema
from server.handlers.times import is_relative_time, parse_time_bound

# -- face_quality (§2.3.1) ---------------------------------------------------------------------------------

CheckKind = Literal["range", "list", "int"]


@dataclass(frozen=True)
class RangeThreshold:
    """Inclusive bounds; None: unbounded on that side."""

    min: float | None = None
    max: float | None = None

    def contains(self, value: float) -> bool:
        return (self.min is None or value >= self.min) and (self.max is None or value <= self.max)


@dataclass(frozen=True)
class QualityCheck:
    """One face_quality check. `threshold` is a RangeThreshold (kind "range"), the allowed values (kind
    "list") or the required 0/1 value (kind "int")."""

    name: str
    kind: CheckKind
    estimate: bool
    threshold: RangeThreshold | tuple[str, ...] | int

    def passes(self, value: float | str | int) -> bool:
        """Whether an estimated `value` satisfies the threshold."""
        if isinstance(self.threshold, RangeThreshold):
            return not isinstance(value, str) and self.threshold.contains(float(value))
        if isinstance(self.threshold, tuple):
            return isinstance(value, str) and value in self.threshold
        return not isinstance(value, str) and int(value) == self.threshold


@dataclass(frozen=True)
class CheckSpec:
    kind: CheckKind
    default: RangeThreshold | tuple[str, ...] | int
    threshold_schema: dict[str, Any]


def _range(
    low: float | None, high: float | None, *, minimum: float | None = None, maximum: float | None = None
) -> CheckSpec:
    return CheckSpec("range", RangeThreshold(low, high), schema.range_threshold(minimum, maximum))


def _list(default: tuple[str, ...], values: list[str] | None = None) -> CheckSpec:
    return CheckSpec("list", default, schema.list_threshold(values))


_INT01 = {"type": "integer", "enum": [0, 1]}
_ANGLE = {"minimum": -180.0, "maximum": 180.0}
_UNIT = {"minimum": 0.0, "maximum": 1.0}
_NON_NEGATIVE = {"minimum": 0.0}

# Every check in the order of the v6 examples. Defaults: the /iso sample thresholds where it has the check,
# else the "create handler" sample (§2.3.1).
CHECKS: dict[str, CheckSpec] = {
    "image_format": _list(("JPEG", "JPEG2000", "PNG"), ["JPEG", "JPEG2000", "PNG", "BMP", "PPM", "TIFF"]),
    "illumination_quality": _range(0.3, 1.0, **_UNIT),
    "specularity_quality": _range(0.3, 1.0, **_UNIT),
    "blurriness_quality": _range(0.61, 1.0, **_UNIT),
    "dark_quality": _range(0.5, 1.0, **_UNIT),
    "light_quality": _range(0.57, 1.0, **_UNIT),
    "head_yaw": _range(-5.0, 5.0, **_ANGLE),
    "head_pitch": _range(-5.0, 5.0, **_ANGLE),
    "head_roll": _range(-8.0, 8.0, **_ANGLE),
    "gaze_yaw": _range(-5.0, 5.0, **_ANGLE),
    "gaze_pitch": _range(-5.0, 5.0, **_ANGLE),
    "mouth_smiling": _range(0.0, 0.5, **_UNIT),
    "mouth_occluded": _range(0.0, 0.5, **_UNIT),
    "mouth_open": _range(0.0, 0.5, **_UNIT),
    "glasses": _list(("no_glasses", "eyeglasses"), ["no_glasses", "eyeglasses", "sunglasses"]),
    "left_eye": _list(("open",), ["open", "closed", "occluded"]),
    "right_eye": _list(("open",), ["open", "closed", "occluded"]),
    "head_horizontal_center": _range(0.45, 0.55),
    "head_vertical_center": _range(0.3, 0.5),
    "head_width": _range(0.5, 0.75, **_NON_NEGATIVE),
    "head_height": _range(0.6, 0.9, **_NON_NEGATIVE),
    "eye_distance": _range(90.0, None, **_NON_NEGATIVE),
    "image_width": _range(180.0, 1920.0, **_NON_NEGATIVE),
    "image_height": _range(180.0, 1080.0, **_NON_NEGATIVE),
    "aspect_ratio": _range(0.74, 0.8, **_NON_NEGATIVE),
    "face_width": _range(180.0, 1920.0, **_NON_NEGATIVE),
    "face_height": _range(180.0, 1000.0, **_NON_NEGATIVE),
    "indent_left": _range(20.0, 1000.0),
    "indent_right": _range(20.0, 1000.0),
    "indent_upper": _range(20.0, 100.0),
    "indent_lower": _range(20.0, 100.0),
    "image_size": _range(5120.0, 2097152.0, **_NON_NEGATIVE),
    "eyebrows_state": _list(("neutral",)),
    "headwear_type": _list(("none",)),
    "smile_properties": _list(("none",)),
    "face_color_type": _list(("color",)),
    "natural_light": CheckSpec("int", 1, _INT01),
    "radial_distortion": CheckSpec("int", 0, _INT01),
    "red_eyes": CheckSpec("int", 0, _INT01),
    "illumination_uniformity": _range(0.5, 0.9, **_UNIT),
    "dynamic_range": _range(0.5, 0.9, **_UNIT),
}
POLICIES_SCHEMA: dict[str, Any] = schema.policies_schema({name: spec.threshold_schema for name, spec in CHECKS.items()})
_VALIDATOR = jsonschema.Draft7Validator(POLICIES_SCHEMA)


@dataclass(frozen=True)
class FaceQualityPolicy:
    estimate: bool = False
    # Drop detections that fail a check (they go to filtered_detections).
    filter: bool = False
    # Every check of CHECKS, in that order.
    checks: tuple[QualityCheck, ...] = ()

    def check(self, name: str) -> QualityCheck:
        for one in self.checks:
            if one.name == name:
                return one
        raise KeyError(name)


# -- detect_policy (§2.3) ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class LivenessPolicy:
    estimate: bool = False
    quality_threshold: float = 0.7
    liveness_threshold: float = 0.7


@dataclass(frozen=True)
class DetectPolicy:
    detect_face: bool = True
    detect_body: bool = False
    # 0: error when more than one face, 1: every face, 2: only the best face (docs/handlers.md).
    multiface_policy: int = 1
    estimate_head_pose: bool = False
    estimate_emotions: bool = False
    estimate_mask: bool = False
    estimate_quality: bool = False
    estimate_gaze: bool = False
    estimate_eyes_attributes: bool = False
    estimate_mouth_attributes: bool = False
    detect_landmarks68: bool = False
    extract_exif: bool = False
    # Head-angle filters in degrees 0..180 (None: no filter).
    yaw_threshold: int | None = None
    roll_threshold: int | None = None
    pitch_threshold: int | None = None
    # Keep only detections whose predominant mask state is one of these (1..3); None: no filter.
    mask_states: tuple[int, ...] | None = None
    estimate_liveness: LivenessPolicy = field(default_factory=LivenessPolicy)
    # Keep only detections whose liveness state is one of these (0..2); None: no filter.
    liveness_states: tuple[int, ...] | None = None
    face_quality: FaceQualityPolicy = field(default_factory=lambda: _face_quality({}))


# -- extract_policy (§2.4) ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExtractPolicy:
    extract_basic_attributes: bool = False
    extract_face_descriptor: bool = True
    extract_body_descriptor: bool = False
    fd_score_threshold: float = 0.0


# -- filters (§2.5, §2.6) ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class MatchFilter:
    """A condition on the result of the match_policy item with this label (storage filters)."""

    label: str
    similarity__lte: float | None = None
    similarity__gte: float | None = None


@dataclass(frozen=True)
class AttributeFilters:
    """Conditions on the processed detection's attributes; None: not filtered. All must hold."""

    gender: int | None = None
    ethnicities: tuple[int, ...] | None = None
    age__lt: int | None = None
    age__gte: int | None = None
    liveness: tuple[int, ...] | None = None


@dataclass(frozen=True)
class StorageFilters(AttributeFilters):
    """AttributeFilters plus conditions on match results (storage_policy and conditional_tags_policy)."""

    match: tuple[MatchFilter, ...] | None = None


# -- match_policy (§2.5) -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class FaceCandidates:
    """Faces to match against (origin "faces"). Times are RFC 3339 or relative (`now-2y`), as given."""

    origin: Literal["faces"] = "faces"
    face_ids: tuple[str, ...] | None = None
    account_id: str | None = None
    external_ids: tuple[str, ...] | None = None
    user_data: str | None = None
    create_time__gte: str | None = None
    create_time__lt: str | None = None
    face_id__gte: str | None = None
    face_id__lt: str | None = None
    list_id: str | None = None


@dataclass(frozen=True)
class GeoPosition:
    origin_longitude: float
    origin_latitude: float
    longitude_delta: float = 0.01
    latitude_delta: float = 0.01


@dataclass(frozen=True)
class EventCandidates:
    """Events to match against (origin "events"): the event filters of §4.5."""

    origin: Literal["events"] = "events"
    event_ids: tuple[str, ...] | None = None
    account_id: str | None = None
    event_id__gte: str | None = None
    event_id__lt: str | None = None
    handler_ids: tuple[str, ...] | None = None
    external_ids: tuple[str, ...] | None = None
    top_matching_candidates_label: str | None = None
    top_similar_object_ids: tuple[str, ...] | None = None
    top_similar_external_ids: tuple[str, ...] | None = None
    top_similar_object_similarity__gte: float | None = None
    top_similar_object_similarity__lt: float | None = None
    age__gte: int | None = None
    age__lt: int | None = None
    gender: int | None = None
    emotions: tuple[int, ...] | None = None
    liveness: tuple[int, ...] | None = None
    masks: tuple[int, ...] | None = None
    ethnic_groups: tuple[int, ...] | None = None
    face_ids: tuple[str, ...] | None = None
    user_data: str | None = None
    sources: tuple[str, ...] | None = None
    tags: tuple[str, ...] | None = None
    cities: tuple[str, ...] | None = None
    areas: tuple[str, ...] | None = None
    districts: tuple[str, ...] | None = None
    streets: tuple[str, ...] | None = None
    house_numbers: tuple[str, ...] | None = None
    geo_position: GeoPosition | None = None
    track_ids: tuple[str, ...] | None = None
    create_time__gte: str | None = None
    create_time__lt: str | None = None
    end_time__gte: str | None = None
    end_time__lt: str | None = None


DEFAULT_MATCH_LIMIT = 3


@dataclass(frozen=True)
class MatchPolicy:
    label: str
    candidates: FaceCandidates | EventCandidates
    filters: AttributeFilters = field(default_factory=AttributeFilters)
    limit: int = DEFAULT_MATCH_LIMIT
    # Candidate fields to return; None: all of them.
    targets: tuple[str, ...] | None = None
    # Minimum similarity of a returned candidate; None: no minimum.
    threshold: float | None = None


# -- storage_policy (§2.6), conditional_tags_policy (§2.7) -------------------------------------------------


@dataclass(frozen=True)
class SamplePolicy:
    store_sample: bool = True
    filters: StorageFilters = field(default_factory=StorageFilters)


@dataclass(frozen=True)
class ImageOriginPolicy:
    store_image: bool = False
    use_external_references: bool = False
    filters: StorageFilters = field(default_factory=StorageFilters)


DEFAULT_ATTRIBUTE_TTL_S = 300


@dataclass(frozen=True)
class AttributePolicy:
    store_attribute: bool = False
    ttl: int = DEFAULT_ATTRIBUTE_TTL_S
    filters: StorageFilters = field(default_factory=StorageFilters)


@dataclass(frozen=True)
class LinkToListPolicy:
    list_id: str
    filters: StorageFilters = field(default_factory=StorageFilters)


@dataclass(frozen=True)
class FacePolicy:
    store_face: bool = False
    set_sample_as_avatar: bool = True
    link_to_lists_policy: tuple[LinkToListPolicy, ...] = ()
    filters: StorageFilters = field(default_factory=StorageFilters)


@dataclass(frozen=True)
class EventPolicy:
    store_event: bool = True
    wait_saving: bool = True
    filters: StorageFilters = field(default_factory=StorageFilters)


@dataclass(frozen=True)
class NotificationPolicy:
    send_notification: bool = True
    filters: StorageFilters = field(default_factory=StorageFilters)


@dataclass(frozen=True)
class StoragePolicy:
    face_sample_policy: SamplePolicy = field(default_factory=SamplePolicy)
    body_sample_policy: SamplePolicy = field(default_factory=SamplePolicy)
    image_origin_policy: ImageOriginPolicy = field(default_factory=ImageOriginPolicy)
    attribute_policy: AttributePolicy = field(default_factory=AttributePolicy)
    face_policy: FacePolicy = field(default_factory=FacePolicy)
    event_policy: EventPolicy = field(default_factory=EventPolicy)
    notification_policy: NotificationPolicy = field(default_factory=NotificationPolicy)


@dataclass(frozen=True)
class ConditionalTag:
    tag: str
    filters: StorageFilters = field(default_factory=StorageFilters)


@dataclass(frozen=True)
class Policies:
    detect_policy: DetectPolicy = field(default_factory=DetectPolicy)
    extract_policy: ExtractPolicy = field(default_factory=ExtractPolicy)
    match_policy: tuple[MatchPolicy, ...] = ()
    storage_policy: StoragePolicy = field(default_factory=StoragePolicy)
    conditional_tags_policy: tuple[ConditionalTag, ...] = ()

    def match_labels(self) -> tuple[str, ...]:
        return tuple(item.label for item in self.match_policy)


# -- parsing -----------------------------------------------------------------------------------------------


class PolicyError(LunaError):
    """12022 for an invalid policies document; `path` names the offending value."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(errors.JSON_VALIDATION, path=path, message=message)
        self.path = path


def _join(prefix: str, *parts: object) -> str:
    return ".".join(str(part) for part in (prefix, *parts) if str(part) != "")


def validate_policies_schema(document: Any, path: str = "policies") -> None:
    """The schema checks of §2.2-§2.7: PolicyError (12022) naming `path`.<where> for the first violation."""
    if _VALIDATOR.is_valid(document):
        return
    found = sorted(_VALIDATOR.iter_errors(document), key=lambda e: (len(e.absolute_path), list(map(str, e.path))))
    if found:
        first = jsonschema.exceptions.best_match(found) or found[0]
        raise PolicyError(_join(path, *first.absolute_path), first.message)


def parse_policies(document: Any, path: str = "policies", *, reference: datetime | None = None) -> Policies:
    """The Policies of a JSON document (a dict, {} or None: every default), validated; PolicyError (12022)
    with the path under `path` otherwise. Relative time bounds are checked against `reference` (default now)."""
    if document is None:
        document = {}
    validate_policies_schema(document, path)
    policies = Policies(
        detect_policy=_detect_policy(document.get("detect_policy", {})),
        extract_policy=_extract_policy(document.get("extract_policy", {})),
        match_policy=tuple(_match_policy(item) for item in document.get("match_policy", [])),
        storage_policy=_storage_policy(document.get("storage_policy", {})),
        conditional_tags_policy=tuple(
            ConditionalTag(tag=item["tag"], filters=_storage_filters(item.get("filters", {})))
            for item in document.get("conditional_tags_policy", [])
        ),
    )
    _check_semantics(policies, path, reference)
    return policies


def _flag(values: Mapping[str, Any], name: str, default: bool) -> bool:
    return bool(values.get(name, int(default)))


def _ints(value: Sequence[Any] | None) -> tuple[int, ...] | None:
    return None if value is None else tuple(int(item) for item in value)


def _strs(value: Sequence[Any] | None) -> tuple[str, ...] | None:
    return None if value is None else tuple(str(item) for item in value)


def _lower(value: str | None) -> str | None:
    return None if value is None else value.lower()


def _lowers(value: Sequence[str] | None) -> tuple[str, ...] | None:
    return None if value is None else tuple(item.lower() for item in value)


def _opt_float(value: Any) -> float | None:
    return None if value is None else float(value)


def _opt_int(value: Any) -> int | None:
    return None if value is None else int(value)


def _threshold(spec: CheckSpec, value: Any) -> RangeThreshold | tuple[str, ...] | int:
    if spec.kind == "range":
        return RangeThreshold(_opt_float(value.get("min")), _opt_float(value.get("max")))
    if spec.kind == "list":
        return tuple(dict.fromkeys(str(item) for item in value))
    return int(value)


def _face_quality(values: Mapping[str, Any]) -> FaceQualityPolicy:
    given = values.get("checks", {})
    checks = []
    for name, spec in CHECKS.items():
        check = given.get(name, {})
        threshold = _threshold(spec, check["threshold"]) if "threshold" in check else spec.default
        checks.append(QualityCheck(name, spec.kind, _flag(check, "estimate", True), threshold))
    return FaceQualityPolicy(
        estimate=_flag(values, "estimate", False), filter=_flag(values, "filter", False), checks=tuple(checks)
    )


def _detect_policy(values: Mapping[str, Any]) -> DetectPolicy:
    defaults = DetectPolicy
    liveness = values.get("estimate_liveness", {})
    flags = {
        name: _flag(values, name, getattr(defaults, name))
        for name in (
            "detect_face", "detect_body", "estimate_head_pose", "estimate_emotions", "estimate_mask",
            "estimate_quality", "estimate_gaze", "estimate_eyes_attributes", "estimate_mouth_attributes",
            "detect_landmarks68", "extract_exif",
        )
    }  # fmt: skip
    return DetectPolicy(
        **flags,
        multiface_policy=int(values.get("multiface_policy", DetectPolicy.multiface_policy)),
        yaw_threshold=_opt_int(values.get("yaw_threshold")),
        roll_threshold=_opt_int(values.get("roll_threshold")),
        pitch_threshold=_opt_int(values.get("pitch_threshold")),
        mask_states=_ints(values.get("mask_states")) or None,
        estimate_liveness=LivenessPolicy(
            estimate=_flag(liveness, "estimate", LivenessPolicy.estimate),
            quality_threshold=float(liveness.get("quality_threshold", LivenessPolicy.quality_threshold)),
            liveness_threshold=float(liveness.get("liveness_threshold", LivenessPolicy.liveness_threshold)),
        ),
        liveness_states=_ints(values.get("liveness_states")) or None,
        face_quality=_face_quality(values.get("face_quality", {})),
    )


def _extract_policy(values: Mapping[str, Any]) -> ExtractPolicy:
    return ExtractPolicy(
        extract_basic_attributes=_flag(values, "extract_basic_attributes", ExtractPolicy.extract_basic_attributes),
        extract_face_descriptor=_flag(values, "extract_face_descriptor", ExtractPolicy.extract_face_descriptor),
        extract_body_descriptor=_flag(values, "extract_body_descriptor", ExtractPolicy.extract_body_descriptor),
        fd_score_threshold=float(values.get("fd_score_threshold", ExtractPolicy.fd_score_threshold)),
    )


def _attribute_filter_values(values: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "gender": _opt_int(values.get("gender")),
        "ethnicities": _ints(values.get("ethnicities")),
        "age__lt": _opt_int(values.get("age__lt")),
        "age__gte": _opt_int(values.get("age__gte")),
        "liveness": _ints(values.get("liveness")),
    }


def _storage_filters(values: Mapping[str, Any]) -> StorageFilters:
    match = values.get("match")
    return StorageFilters(
        **_attribute_filter_values(values),
        match=None
        if match is None
        else tuple(
            MatchFilter(item["label"], _opt_float(item.get("similarity__lte")), _opt_float(item.get("similarity__gte")))
            for item in match
        ),
    )


_UUID_LIST_KEYS = {"face_ids", "event_ids", "handler_ids", "top_similar_object_ids"}
_UUID_KEYS = {"account_id", "face_id__gte", "face_id__lt", "list_id", "event_id__gte", "event_id__lt"}


def _candidate_value(name: str, value: Any) -> Any:
    if name in _UUID_LIST_KEYS:
        return _lowers(value)
    if name in _UUID_KEYS:
        return _lower(value)
    if name == "geo_position":
        return GeoPosition(
            float(value["origin_longitude"]),
            float(value["origin_latitude"]),
            float(value.get("longitude_delta", 0.01)),
            float(value.get("latitude_delta", 0.01)),
        )
    if isinstance(value, list):
        return tuple(value)
    if isinstance(value, float) or name.startswith("top_similar_object_similarity"):
        return float(value)
    return value


def _candidates(values: Mapping[str, Any]) -> FaceCandidates | EventCandidates:
    kind = FaceCandidates if values["origin"] == "faces" else EventCandidates
    return kind(**{name: _candidate_value(name, value) for name, value in values.items() if name != "origin"})


def _match_policy(values: Mapping[str, Any]) -> MatchPolicy:
    return MatchPolicy(
        label=values["label"],
        candidates=_candidates(values["candidates"]),
        filters=AttributeFilters(**_attribute_filter_values(values.get("filters", {}))),
        limit=int(values.get("limit", DEFAULT_MATCH_LIMIT)),
        targets=_strs(values.get("targets")),
        threshold=_opt_float(values.get("threshold")),
    )


def _storage_policy(values: Mapping[str, Any]) -> StoragePolicy:
    def filters(policy: Mapping[str, Any]) -> StorageFilters:
        return _storage_filters(policy.get("filters", {}))

    face_sample = values.get("face_sample_policy", {})
    body_sample = values.get("body_sample_policy", {})
    image_origin = values.get("image_origin_policy", {})
    attribute = values.get("attribute_policy", {})
    face = values.get("face_policy", {})
    event = values.get("event_policy", {})
    notification = values.get("notification_policy", {})
    return StoragePolicy(
        face_sample_policy=SamplePolicy(_flag(face_sample, "store_sample", True), filters(face_sample)),
        body_sample_policy=SamplePolicy(_flag(body_sample, "store_sample", True), filters(body_sample)),
        image_origin_policy=ImageOriginPolicy(
            _flag(image_origin, "store_image", False),
            _flag(image_origin, "use_external_references", False),
            filters(image_origin),
        ),
        attribute_policy=AttributePolicy(
            _flag(attribute, "store_attribute", False),
            int(attribute.get("ttl", DEFAULT_ATTRIBUTE_TTL_S)),
            filters(attribute),
        ),
        face_policy=FacePolicy(
            store_face=_flag(face, "store_face", False),
            set_sample_as_avatar=_flag(face, "set_sample_as_avatar", True),
            link_to_lists_policy=tuple(
                LinkToListPolicy(item["list_id"].lower(), filters(item))
                for item in face.get("link_to_lists_policy", [])
            ),
            filters=filters(face),
        ),
        event_policy=EventPolicy(_flag(event, "store_event", True), _flag(event, "wait_saving", True), filters(event)),
        notification_policy=NotificationPolicy(_flag(notification, "send_notification", True), filters(notification)),
    )


# -- rules beyond the schema -------------------------------------------------------------------------------


def _check_range(path: str, low: float | None, high: float | None, low_name: str, high_name: str) -> None:
    if low is not None and high is not None and low > high:
        raise PolicyError(path, f"'{low_name}' ({low}) must not be greater than '{high_name}' ({high})")


def _check_attribute_filters(path: str, filters: AttributeFilters) -> None:
    # age__gte is inclusive, age__lt exclusive: equal values select nobody.
    if filters.age__gte is not None and filters.age__lt is not None and filters.age__gte >= filters.age__lt:
        raise PolicyError(path, f"'age__gte' ({filters.age__gte}) must be less than 'age__lt' ({filters.age__lt})")


def _check_storage_filters(path: str, filters: StorageFilters, labels: set[str]) -> None:
    _check_attribute_filters(path, filters)
    for index, match in enumerate(filters.match or ()):
        where = _join(path, "match", index)
        if match.label not in labels:
            raise PolicyError(_join(where, "label"), f"match_policy has no item with label '{match.label}'")
        _check_range(where, match.similarity__gte, match.similarity__lte, "similarity__gte", "similarity__lte")


def _check_time(path: str, value: str | None, reference: datetime | None) -> datetime | None:
    if value is None:
        return None
    try:
        return parse_time_bound(value, reference)
    except ValueError:
        raise PolicyError(path, "must be an RFC 3339 date-time or a relative time such as 'now-2y'") from None


def _check_candidates(path: str, candidates: FaceCandidates | EventCandidates, reference: datetime | None) -> None:
    pairs = [("create_time__gte", "create_time__lt")]
    if isinstance(candidates, EventCandidates):
        pairs.append(("end_time__gte", "end_time__lt"))
        _check_range(
            path,
            candidates.top_similar_object_similarity__gte,
            candidates.top_similar_object_similarity__lt,
            "top_similar_object_similarity__gte",
            "top_similar_object_similarity__lt",
        )
        if (
            candidates.age__gte is not None
            and candidates.age__lt is not None
            and candidates.age__gte >= candidates.age__lt
        ):
            raise PolicyError(path, "'age__gte' must be less than 'age__lt'")
    for low_name, high_name in pairs:
        low_text, high_text = getattr(candidates, low_name), getattr(candidates, high_name)
        low = _check_time(_join(path, low_name), low_text, reference)
        high = _check_time(_join(path, high_name), high_text, reference)
        # A relative bound moves with the clock: only two absolute bounds can be compared once and for all.
        absolute = not (is_relative_time(low_text or "") or is_relative_time(high_text or ""))
        if absolute and low is not None and high is not None and low >= high:
            raise PolicyError(path, f"'{low_name}' must be earlier than '{high_name}'")


def _check_semantics(policies: Policies, path: str, reference: datetime | None) -> None:
    detect = _join(path, "detect_policy")
    for check in policies.detect_policy.face_quality.checks:
        if isinstance(check.threshold, RangeThreshold):
            _check_range(
                _join(detect, "face_quality", "checks", check.name, "threshold"),
                check.threshold.min,
                check.threshold.max,
                "min",
                "max",
            )
    labels: set[str] = set()
    for index, item in enumerate(policies.match_policy):
        where = _join(path, "match_policy", index)
        if item.label in labels:
            raise PolicyError(_join(where, "label"), f"label '{item.label}' is used by another match_policy item")
        labels.add(item.label)
        _check_candidates(_join(where, "candidates"), item.candidates, reference)
        _check_attribute_filters(_join(where, "filters"), item.filters)
        allowed = set(schema.FACE_TARGETS if isinstance(item.candidates, FaceCandidates) else schema.EVENT_TARGETS)
        allowed.add("similarity")
        for target_index, target in enumerate(item.targets or ()):
            if target not in allowed:
                raise PolicyError(
                    _join(where, "targets", target_index),
                    f"'{target}' is not a field of a {item.candidates.origin[:-1]} candidate",
                )
    if policies.match_policy and not policies.extract_policy.extract_face_descriptor:
        raise PolicyError(_join(path, "match_policy"), "matching needs extract_policy.extract_face_descriptor = 1")
    storage = policies.storage_policy
    storage_path = _join(path, "storage_policy")
    for name in (f.name for f in fields(StoragePolicy)):
        policy = getattr(storage, name)
        _check_storage_filters(_join(storage_path, name, "filters"), policy.filters, labels)
    for index, link in enumerate(storage.face_policy.link_to_lists_policy):
        _check_storage_filters(
            _join(storage_path, "face_policy", "link_to_lists_policy", index, "filters"), link.filters, labels
        )
    for index, tag in enumerate(policies.conditional_tags_policy):
        _check_storage_filters(_join(path, "conditional_tags_policy", index, "filters"), tag.filters, labels)


# -- printing ----------------------------------------------------------------------------------------------


def _json_value(value: Any) -> Any:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, FaceQualityPolicy):
        return {
            "estimate": int(value.estimate),
            "filter": int(value.filter),
            "checks": {check.name: _json_value(check) for check in value.checks},
        }
    if isinstance(value, QualityCheck):
        return {"estimate": int(value.estimate), "threshold": _json_value(value.threshold)}
    if is_dataclass(value) and not isinstance(value, type):
        printed = {f.name: _json_value(getattr(value, f.name)) for f in fields(value)}
        if isinstance(value, DetectPolicy | RangeThreshold):
            return printed  # v6 prints these unset values as null
        # Elsewhere an unset value is left out: absent filters mean "not filtered" ({} as in v6's examples).
        return {key: item for key, item in printed.items() if item is not None}
    if isinstance(value, tuple):
        return [_json_value(item) for item in value]
    return value


def policies_to_json(policies: Policies) -> dict[str, Any]:
    """The complete JSON form of `policies` (every default present, flags as 0/1, null where unset).
    parse_policies(policies_to_json(p)) == p."""
    printed = _json_value(policies)
    assert isinstance(printed, dict)
    return printed


# Every default (a static handler created without policies).
DEFAULT_POLICIES = Policies()
