"""Verifier policies (server/verifiers/policies.py): defaults, round trip, the verifier-only schema."""

from __future__ import annotations

from typing import Any

import pytest

from server.errors import LunaError
from server.verifiers.policies import (
    DEFAULT_VERIFICATION_THRESHOLD,
    parse_verifier_policies,
    verifier_policies_to_json,
)
from server.verifiers.verification import verifier_plan


def test_defaults_and_round_trip() -> None:
    default = parse_verifier_policies(None)
    assert default.verification_threshold == DEFAULT_VERIFICATION_THRESHOLD
    assert not default.store_sample and not default.store_attribute
    printed = verifier_policies_to_json(default)
    assert list(printed) == ["verification_threshold", "detect_policy", "extract_policy", "storage_policy"]
    assert printed["extract_policy"] == {"extract_basic_attributes": 0, "fd_score_threshold": 0.0}
    assert printed["detect_policy"]["estimate_liveness"] == {
        "estimate": 0,
        "quality_threshold": 0.7,
        "liveness_threshold": 0.7,
    }
    given = parse_verifier_policies(
        {
            "verification_threshold": 0.99,
            "detect_policy": {"multiface_policy": 0, "liveness_states": [1], "face_quality": {"estimate": 1}},
            "extract_policy": {"fd_score_threshold": 0.4},
            "storage_policy": {"face_sample_policy": {"store_sample": 1}},
        }
    )
    assert parse_verifier_policies(verifier_policies_to_json(given)) == given
    assert given.store_sample and given.policies.extract_policy.extract_face_descriptor
    plan = verifier_plan(given)
    assert plan.analysis.descriptor and plan.analysis.warp and plan.analysis.score_threshold == 0.4
    assert plan.liveness_states == (1,) and plan.face_quality and int(plan.analysis.multiface) == 0


@pytest.mark.parametrize(
    ("document", "path"),
    [
        ({"detect_policy": {"detect_body": 0}}, "policies.detect_policy"),
        ({"match_policy": []}, "policies"),
        ({"storage_policy": {"attribute_policy": {"ttl": 10}}}, "policies.storage_policy.attribute_policy"),
        ({"verification_threshold": -0.1}, "policies.verification_threshold"),
        ({"detect_policy": {"yaw_threshold": 200}}, "policies.detect_policy.yaw_threshold"),
    ],
)
def test_invalid_documents_name_the_path(document: dict[str, Any], path: str) -> None:
    with pytest.raises(LunaError) as failure:
        parse_verifier_policies(document)
    assert failure.value.code == 12022 and f"Path: '{path}'" in failure.value.detail
