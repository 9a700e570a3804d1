"""Handler policies (server/handlers/policies.py): defaults, round trip, and each class of validation rule."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from typing import Any

import pytest

from server.errors import LunaError
from server.handlers.policies import (
    CHECKS,
    DEFAULT_POLICIES,
    EventCandidates,
    FaceCandidates,
    Policies,
    RangeThreshold,
    parse_policies,
    policies_to_json,
)
from server.handlers.times import parse_relative_time, parse_time_bound, resolve_time_bound

LIST_ID = "275d96c0-e655-4a69-a374-ad5e94b89bf9"
FACE_ID = "4db81a9a-515c-4cde-ac73-1810f5f737f2"


def full_example() -> dict[str, Any]:
    """Close to the v6 "create handler" sample: every policy set."""
    storage_filters = {
        "gender": 1,
        "ethnicities": [1],
        "age__lt": 60,
        "age__gte": 18,
        "liveness": [1],
        "match": [{"label": "good guys", "similarity__lte": 1.0, "similarity__gte": 0.9}],
    }
    document = {
        "detect_policy": {
            "detect_face": 1,
            "detect_body": 1,
            "multiface_policy": 2,
            "estimate_head_pose": 1,
            "estimate_emotions": 1,
            "estimate_mask": 1,
            "estimate_quality": 1,
            "estimate_gaze": 1,
            "estimate_eyes_attributes": 1,
            "estimate_mouth_attributes": 1,
            "detect_landmarks68": 1,
            "extract_exif": 1,
            "yaw_threshold": 180,
            "roll_threshold": 30,
            "pitch_threshold": 0,
            "mask_states": [1, 2],
            "estimate_liveness": {"estimate": 1, "quality_threshold": 0.5, "liveness_threshold": 0.6},
            "liveness_states": [1],
            "face_quality": {
                "estimate": 1,
                "filter": 1,
                "checks": {
                    "image_format": {"estimate": 1, "threshold": ["JPEG", "PNG"]},
                    "head_yaw": {"estimate": 0, "threshold": {"min": -10, "max": 10}},
                    "eye_distance": {"estimate": 1, "threshold": {"min": 90, "max": None}},
                    "natural_light": {"estimate": 1, "threshold": 0},
                },
            },
        },
        "extract_policy": {
            "extract_basic_attributes": 1,
            "extract_face_descriptor": 1,
            "fd_score_threshold": 0.6,
            "extract_body_descriptor": 1,
        },
        "match_policy": [
            {
                "label": "good guys",
                "candidates": {
                    "origin": "faces",
                    "face_ids": [FACE_ID],
                    "external_ids": ["557d54ec"],
                    "user_data": "operator",
                    "create_time__gte": "now-2y",
                    "create_time__lt": "2022-08-11T09:11:41.674Z",
                    "list_id": LIST_ID,
                },
                "filters": {"gender": 1, "ethnicities": [4, 3], "age__lt": 50, "age__gte": 22, "liveness": [1]},
                "limit": 3,
                "targets": ["face_id"],
                "threshold": 0.5,
            },
            {
                "label": "seen",
                "candidates": {
                    "origin": "events",
                    "tags": ["a"],
                    "geo_position": {"origin_longitude": 10, "origin_latitude": 20},
                },
            },
        ],
        "storage_policy": {
            "face_sample_policy": {"store_sample": 0, "filters": storage_filters},
            "body_sample_policy": {"store_sample": 1, "filters": storage_filters},
            "image_origin_policy": {"store_image": 1, "use_external_references": 1, "filters": storage_filters},
            "attribute_policy": {"store_attribute": 1, "ttl": 600, "filters": storage_filters},
            "face_policy": {
                "store_face": 1,
                "filters": storage_filters,
                "set_sample_as_avatar": 0,
                "link_to_lists_policy": [{"list_id": LIST_ID, "filters": storage_filters}],
            },
            "event_policy": {"store_event": 1, "wait_saving": 0, "filters": storage_filters},
            "notification_policy": {"send_notification": 0, "filters": storage_filters},
        },
        "conditional_tags_policy": [{"tag": "new_tag", "filters": storage_filters}],
    }
    return json.loads(json.dumps(document))  # no shared sub-objects


def error_of(document: Any) -> LunaError:
    with pytest.raises(LunaError) as caught:
        parse_policies(document)
    return caught.value


# -- defaults ------------------------------------------------------------------------------------------------


def test_empty_document_gives_every_default() -> None:
    policies = parse_policies({})
    assert policies == parse_policies(None) == DEFAULT_POLICIES
    detect = policies.detect_policy
    assert detect.detect_face and not detect.detect_body and detect.multiface_policy == 1
    assert not detect.estimate_head_pose and not detect.extract_exif
    assert detect.yaw_threshold is None and detect.mask_states is None and detect.liveness_states is None
    assert not detect.estimate_liveness.estimate and detect.estimate_liveness.quality_threshold == 0.7
    assert not detect.face_quality.estimate and not detect.face_quality.filter
    assert [check.name for check in detect.face_quality.checks] == list(CHECKS)
    assert len(detect.face_quality.checks) == 41
    assert all(check.estimate for check in detect.face_quality.checks)
    assert detect.face_quality.check("blurriness_quality").threshold == RangeThreshold(0.61, 1.0)
    assert detect.face_quality.check("eye_distance").threshold == RangeThreshold(90.0, None)
    assert detect.face_quality.check("glasses").threshold == ("no_glasses", "eyeglasses")
    assert detect.face_quality.check("natural_light").threshold == 1
    extract = policies.extract_policy
    assert extract.extract_face_descriptor and not extract.extract_basic_attributes
    assert extract.fd_score_threshold == 0.0
    assert policies.match_policy == () and policies.conditional_tags_policy == ()
    storage = policies.storage_policy
    assert storage.face_sample_policy.store_sample and storage.body_sample_policy.store_sample
    assert not storage.image_origin_policy.store_image and not storage.image_origin_policy.use_external_references
    assert not storage.attribute_policy.store_attribute and storage.attribute_policy.ttl == 300
    assert not storage.face_policy.store_face and storage.face_policy.set_sample_as_avatar
    assert storage.face_policy.link_to_lists_policy == ()
    assert storage.event_policy.store_event and storage.event_policy.wait_saving
    assert storage.notification_policy.send_notification
    assert storage.event_policy.filters.gender is None and storage.event_policy.filters.match is None


def test_partial_policy_keeps_defaults_of_the_rest() -> None:
    policies = parse_policies(
        {"detect_policy": {"estimate_mask": 1}, "storage_policy": {"face_policy": {"store_face": 1}}}
    )
    assert policies.detect_policy.estimate_mask and policies.detect_policy.detect_face
    assert policies.storage_policy.face_policy.store_face and policies.storage_policy.face_policy.set_sample_as_avatar
    assert policies.storage_policy.event_policy.store_event


def test_default_json_form_matches_v6_shape() -> None:
    printed = policies_to_json(DEFAULT_POLICIES)
    assert printed["detect_policy"]["yaw_threshold"] is None
    assert printed["detect_policy"]["mask_states"] is None
    assert printed["detect_policy"]["face_quality"]["checks"]["eye_distance"] == {
        "estimate": 1,
        "threshold": {"min": 90, "max": None},
    }
    assert printed["extract_policy"] == {
        "extract_basic_attributes": 0,
        "extract_face_descriptor": 1,
        "extract_body_descriptor": 0,
        "fd_score_threshold": 0.0,
    }
    assert printed["match_policy"] == [] and printed["conditional_tags_policy"] == []
    assert printed["storage_policy"]["face_policy"] == {
        "store_face": 0,
        "set_sample_as_avatar": 1,
        "link_to_lists_policy": [],
        "filters": {},
    }
    assert printed["storage_policy"]["attribute_policy"] == {"store_attribute": 0, "ttl": 300, "filters": {}}


def test_full_example_parses_and_round_trips() -> None:
    policies = parse_policies(full_example())
    assert policies.detect_policy.multiface_policy == 2
    assert policies.detect_policy.mask_states == (1, 2)
    quality = policies.detect_policy.face_quality
    assert quality.estimate and quality.filter
    assert quality.check("image_format").threshold == ("JPEG", "PNG")
    assert not quality.check("head_yaw").estimate
    assert quality.check("head_yaw").passes(-10) and not quality.check("head_yaw").passes(10.5)
    assert quality.check("eye_distance").passes(10_000)
    assert quality.check("natural_light").passes(0) and not quality.check("natural_light").passes(1)
    assert quality.check("glasses").passes("eyeglasses") and not quality.check("glasses").passes("sunglasses")
    first, second = policies.match_policy
    assert isinstance(first.candidates, FaceCandidates)
    assert first.candidates.face_ids == (FACE_ID,)
    assert first.candidates.create_time__gte == "now-2y"  # kept relative: resolved when used
    assert first.filters.ethnicities == (4, 3) and first.targets == ("face_id",) and first.threshold == 0.5
    assert isinstance(second.candidates, EventCandidates)
    assert second.candidates.tags == ("a",) and second.limit == 3
    assert second.candidates.geo_position is not None and second.candidates.geo_position.longitude_delta == 0.01
    storage = policies.storage_policy
    assert storage.face_policy.link_to_lists_policy[0].list_id == LIST_ID
    assert storage.attribute_policy.ttl == 600
    match = storage.event_policy.filters.match
    assert match is not None and match[0].label == "good guys" and match[0].similarity__gte == 0.9
    assert policies.conditional_tags_policy[0].tag == "new_tag"
    assert parse_policies(policies_to_json(policies)) == policies
    assert parse_policies(policies_to_json(DEFAULT_POLICIES)) == DEFAULT_POLICIES


def test_empty_state_lists_mean_no_filter() -> None:
    policies = parse_policies({"detect_policy": {"mask_states": [], "liveness_states": None}})
    assert policies.detect_policy.mask_states is None and policies.detect_policy.liveness_states is None


# -- schema rules: unknown keys, types, enums, ranges, required ------------------------------------------------


@pytest.mark.parametrize(
    ("document", "path"),
    [
        ({"detect_polic": {}}, "policies"),
        ({"detect_policy": {"detect_face": 2}}, "policies.detect_policy.detect_face"),
        ({"detect_policy": {"detect_face": True}}, "policies.detect_policy.detect_face"),
        ({"detect_policy": {"multiface_policy": 3}}, "policies.detect_policy.multiface_policy"),
        ({"detect_policy": {"yaw_threshold": 181}}, "policies.detect_policy.yaw_threshold"),
        ({"detect_policy": {"yaw_threshold": -1}}, "policies.detect_policy.yaw_threshold"),
        ({"detect_policy": {"mask_states": [4]}}, "policies.detect_policy.mask_states.0"),
        ({"detect_policy": {"liveness_states": [3]}}, "policies.detect_policy.liveness_states.0"),
        (
            {"detect_policy": {"estimate_liveness": {"quality_threshold": 1.5}}},
            "policies.detect_policy.estimate_liveness.quality_threshold",
        ),
        ({"detect_policy": {"face_quality": {"filter": 5}}}, "policies.detect_policy.face_quality.filter"),
        ({"detect_policy": {"face_quality": {"checks": {"nose": {}}}}}, "policies.detect_policy.face_quality.checks"),
        (
            {"detect_policy": {"face_quality": {"checks": {"glasses": {"threshold": ["monocle"]}}}}},
            "policies.detect_policy.face_quality.checks.glasses.threshold.0",
        ),
        (
            {"detect_policy": {"face_quality": {"checks": {"head_yaw": {"threshold": {"min": -200}}}}}},
            "policies.detect_policy.face_quality.checks.head_yaw.threshold.min",
        ),
        (
            {"detect_policy": {"face_quality": {"checks": {"red_eyes": {"threshold": 2}}}}},
            "policies.detect_policy.face_quality.checks.red_eyes.threshold",
        ),
        ({"extract_policy": {"fd_score_threshold": -0.1}}, "policies.extract_policy.fd_score_threshold"),
        ({"match_policy": {}}, "policies.match_policy"),
        ({"match_policy": [{"label": "a"}]}, "policies.match_policy.0"),
        (
            {"match_policy": [{"label": "a", "candidates": {"origin": "lists"}}]},
            "policies.match_policy.0.candidates.origin",
        ),
        (
            {"match_policy": [{"label": "a", "candidates": {"origin": "faces", "event_ids": []}}]},
            "policies.match_policy.0.candidates",
        ),
        (
            {"match_policy": [{"label": "a", "candidates": {"origin": "faces", "list_id": "nope"}}]},
            "policies.match_policy.0.candidates.list_id",
        ),
        (
            {"match_policy": [{"label": "a", "candidates": {"origin": "faces"}, "limit": 0}]},
            "policies.match_policy.0.limit",
        ),
        (
            {"match_policy": [{"label": "a", "candidates": {"origin": "faces"}, "filters": {"gender": 2}}]},
            "policies.match_policy.0.filters.gender",
        ),
        ({"storage_policy": {"attribute_policy": {"ttl": 0}}}, "policies.storage_policy.attribute_policy.ttl"),
        ({"storage_policy": {"attribute_policy": {"ttl": 86401}}}, "policies.storage_policy.attribute_policy.ttl"),
        (
            {"storage_policy": {"face_policy": {"link_to_lists_policy": [{"filters": {}}]}}},
            "policies.storage_policy.face_policy.link_to_lists_policy.0",
        ),
        (
            {"storage_policy": {"event_policy": {"filters": {"ethnicities": [5]}}}},
            "policies.storage_policy.event_policy.filters.ethnicities.0",
        ),
        ({"conditional_tags_policy": [{"tag": ""}]}, "policies.conditional_tags_policy.0.tag"),
        ({"conditional_tags_policy": [{"tag": "x" * 37}]}, "policies.conditional_tags_policy.0.tag"),
    ],
)
def test_schema_violations_are_12022_naming_the_path(document: dict[str, Any], path: str) -> None:
    error = error_of(document)
    assert error.code == 12022 and error.http_status == 400
    assert f"Path: '{path}'" in error.detail


def test_non_object_policies_are_refused() -> None:
    assert error_of([]).code == 12022


# -- rules beyond the schema ---------------------------------------------------------------------------------


def test_range_threshold_min_above_max_is_refused() -> None:
    error = error_of(
        {"detect_policy": {"face_quality": {"checks": {"face_height": {"threshold": {"min": 180, "max": 100}}}}}}
    )
    assert "Path: 'policies.detect_policy.face_quality.checks.face_height.threshold'" in error.detail


def test_age_bounds_must_select_someone() -> None:
    error = error_of({"conditional_tags_policy": [{"tag": "t", "filters": {"age__gte": 30, "age__lt": 30}}]})
    assert "policies.conditional_tags_policy.0.filters" in error.detail


def test_storage_match_filter_must_name_a_match_policy_label() -> None:
    document = full_example()
    document["storage_policy"]["event_policy"]["filters"]["match"][0]["label"] = "strangers"
    error = error_of(document)
    assert "Path: 'policies.storage_policy.event_policy.filters.match.0.label'" in error.detail


def test_similarity_bounds_order() -> None:
    document = full_example()
    document["conditional_tags_policy"][0]["filters"]["match"][0] = {
        "label": "good guys",
        "similarity__gte": 0.9,
        "similarity__lte": 0.3,
    }
    assert "policies.conditional_tags_policy.0.filters.match.0" in error_of(document).detail


def test_match_labels_are_unique() -> None:
    item = {"label": "a", "candidates": {"origin": "faces"}}
    error = error_of({"match_policy": [item, copy.deepcopy(item)]})
    assert "Path: 'policies.match_policy.1.label'" in error.detail


def test_candidate_times_are_rfc3339_or_relative() -> None:
    for bad in ("yesterday", "now-2x", "2022-13-01T00:00:00Z", "2022-08-11"):
        error = error_of({"match_policy": [{"label": "a", "candidates": {"origin": "faces", "create_time__lt": bad}}]})
        assert "Path: 'policies.match_policy.0.candidates.create_time__lt'" in error.detail
    ok = parse_policies(
        {"match_policy": [{"label": "a", "candidates": {"origin": "events", "end_time__gte": "now-30d"}}]}
    )
    assert ok.match_policy[0].candidates.end_time__gte == "now-30d"  # type: ignore[union-attr]


def test_absolute_time_bounds_in_order() -> None:
    candidates = {
        "origin": "faces",
        "create_time__gte": "2022-01-01T00:00:00Z",
        "create_time__lt": "2021-01-01T00:00:00Z",
    }
    assert (
        "policies.match_policy.0.candidates"
        in error_of({"match_policy": [{"label": "a", "candidates": candidates}]}).detail
    )


def test_targets_must_fit_the_origin() -> None:
    document = {"match_policy": [{"label": "a", "candidates": {"origin": "faces"}, "targets": ["face_id", "source"]}]}
    assert "Path: 'policies.match_policy.0.targets.1'" in error_of(document).detail


def test_matching_needs_face_descriptors() -> None:
    document = {
        "extract_policy": {"extract_face_descriptor": 0},
        "match_policy": [{"label": "a", "candidates": {"origin": "faces"}}],
    }
    assert "Path: 'policies.match_policy'" in error_of(document).detail


def test_custom_path_prefix() -> None:
    with pytest.raises(LunaError) as caught:
        parse_policies({"extract_policy": {"x": 1}}, path="")
    assert "Path: 'extract_policy'" in caught.value.detail


def test_policies_are_frozen() -> None:
    policies = Policies()
    with pytest.raises(AttributeError):
        policies.detect_policy.detect_face = False  # type: ignore[misc]


# -- relative times ----------------------------------------------------------------------------------------


def test_relative_times() -> None:
    reference = datetime(2024, 2, 29, 12, 0, tzinfo=UTC)
    assert parse_relative_time("now", reference) == reference
    assert parse_relative_time("now-2y", reference) == datetime(2022, 2, 28, 12, 0, tzinfo=UTC)
    assert parse_relative_time("now-1M", reference) == datetime(2024, 1, 29, 12, 0, tzinfo=UTC)
    assert parse_relative_time("now+1d", reference) == datetime(2024, 3, 1, 12, 0, tzinfo=UTC)
    assert parse_relative_time("now-90m", reference) == datetime(2024, 2, 29, 10, 30, tzinfo=UTC)
    assert parse_relative_time("now-1w", reference) == datetime(2024, 2, 22, 12, 0, tzinfo=UTC)
    for bad in ("now-", "now-2", "now-2Y", "today", "now-999999999y"):
        with pytest.raises(ValueError):
            parse_relative_time(bad, reference)


def test_time_bounds_absolute_or_relative() -> None:
    reference = datetime(2024, 1, 1, tzinfo=UTC)
    assert parse_time_bound("2022-08-11T09:11:41.674Z") == datetime(2022, 8, 11, 9, 11, 41, 674000, tzinfo=UTC)
    assert parse_time_bound("now-1h", reference) == datetime(2023, 12, 31, 23, 0, tzinfo=UTC)
    assert resolve_time_bound("2021-06-18T21:50:40.953301+03:00") == "2021-06-18T18:50:40.953301+00:00"


# -- the typed proto (gRPC clients) mirrors the JSON form ------------------------------------------------------


def test_typed_policies_message_mirrors_the_json_form() -> None:
    from google.protobuf import json_format

    from lumen.v6 import handlers_pb2

    for document in (full_example(), {}):
        policies = parse_policies(document)
        # ParseDict refuses a key the proto lacks: every JSON field has its typed twin.
        message = json_format.ParseDict(policies_to_json(policies), handlers_pb2.Policies())
        assert parse_policies(json_format.MessageToDict(message, preserving_proto_field_name=True)) == policies
