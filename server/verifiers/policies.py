"""Verifier policies (ENDPOINTS.md §3.2): a handler's detect policy (without detect_face/detect_body), part of its
extract and storage policies, and `verification_threshold`.

    policies = parse_verifier_policies(document)    # LunaError 12022 naming the path when invalid
    policies.verification_threshold                 # a pair verifies when similarity > threshold
    policies.policies                               # the handler Policies (server/handlers/policies.py) they mean
    verifier_policies_to_json(policies)             # the complete JSON form (stored, returned by GET)

The verifier schema is checked here; then the verifier document is read as the handler policies it stands for
(parse_policies: the same defaults, semantics checks and error paths as for handlers). Defaults that differ from
a handler's: face_sample_policy.store_sample is 0 (the default-looking verifier of the dumps), the face
descriptor is always extracted.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import jsonschema

from server.handlers import schema
from server.handlers.policies import POLICIES_SCHEMA, Policies, PolicyError, parse_policies, policies_to_json

DEFAULT_VERIFICATION_THRESHOLD = 0.9
#: detect_policy keys of a handler that a verifier has not (it always detects faces, never bodies).
HANDLER_ONLY_DETECT = ("detect_face", "detect_body")

_HANDLER_DETECT: dict[str, Any] = POLICIES_SCHEMA["properties"]["detect_policy"]
VERIFIER_POLICIES_SCHEMA: dict[str, Any] = schema.obj(
    {
        "verification_threshold": schema.PROBABILITY,
        "detect_policy": {
            **_HANDLER_DETECT,
            "properties": {
                key: value for key, value in _HANDLER_DETECT["properties"].items() if key not in HANDLER_ONLY_DETECT
            },
        },
        "extract_policy": schema.obj(
            {"extract_basic_attributes": schema.FLAG, "fd_score_threshold": schema.PROBABILITY}
        ),
        "storage_policy": schema.obj(
            {
                "attribute_policy": schema.obj({"store_attribute": schema.FLAG}),
                "face_sample_policy": schema.obj({"store_sample": schema.FLAG}),
            }
        ),
    }
)
_VALIDATOR = jsonschema.Draft7Validator(VERIFIER_POLICIES_SCHEMA)


@dataclass(frozen=True)
class VerifierPolicies:
    verification_threshold: float = DEFAULT_VERIFICATION_THRESHOLD
    #: detect_policy, extract_policy and storage_policy (attribute_policy, face_sample_policy) as handler
    #: policies; everything a verifier has not is at the handler default and unused.
    policies: Policies = Policies()

    @property
    def store_sample(self) -> bool:
        return self.policies.storage_policy.face_sample_policy.store_sample

    @property
    def store_attribute(self) -> bool:
        return self.policies.storage_policy.attribute_policy.store_attribute


def _path(prefix: str, parts: Any) -> str:
    return ".".join(str(part) for part in (prefix, *parts))


def parse_verifier_policies(document: Any, path: str = "policies") -> VerifierPolicies:
    """The VerifierPolicies of a JSON document ({} or None: every default); PolicyError (12022) otherwise."""
    if document is None:
        document = {}
    if not _VALIDATOR.is_valid(document):
        found = sorted(_VALIDATOR.iter_errors(document), key=lambda e: (len(e.absolute_path), list(map(str, e.path))))
        first = jsonschema.exceptions.best_match(found) or found[0]
        raise PolicyError(_path(path, first.absolute_path), first.message)
    storage = document.get("storage_policy", {})
    handler_document = {
        "detect_policy": document.get("detect_policy", {}),
        "extract_policy": {**document.get("extract_policy", {}), "extract_face_descriptor": 1},
        "storage_policy": {
            "attribute_policy": storage.get("attribute_policy", {}),
            "face_sample_policy": {"store_sample": storage.get("face_sample_policy", {}).get("store_sample", 0)},
        },
    }
    return VerifierPolicies(
        verification_threshold=float(document.get("verification_threshold", DEFAULT_VERIFICATION_THRESHOLD)),
        policies=parse_policies(handler_document, path),
    )


def verifier_policies_to_json(policies: VerifierPolicies) -> dict[str, Any]:
    """The complete JSON form (§3.2 key order, every default present, flags 0/1, nulls where unset).
    parse_verifier_policies(verifier_policies_to_json(p)) == p."""
    printed = policies_to_json(policies.policies)
    extract = printed["extract_policy"]
    storage = printed["storage_policy"]
    return {
        "verification_threshold": policies.verification_threshold,
        "detect_policy": {k: v for k, v in printed["detect_policy"].items() if k not in HANDLER_ONLY_DETECT},
        "extract_policy": {
            "extract_basic_attributes": extract["extract_basic_attributes"],
            "fd_score_threshold": extract["fd_score_threshold"],
        },
        "storage_policy": {
            "attribute_policy": {"store_attribute": storage["attribute_policy"]["store_attribute"]},
            "face_sample_policy": {"store_sample": storage["face_sample_policy"]["store_sample"]},
        },
    }


@lru_cache(maxsize=256)
def stored_verifier_policies(text: str) -> VerifierPolicies:
    """The policies of a stored verifier, parsed once per distinct text (frozen, so shared)."""
    return parse_verifier_policies(json.loads(text))


def policies_text(policies: VerifierPolicies) -> str:
    """The stored form (complete JSON)."""
    return json.dumps(verifier_policies_to_json(policies), separators=(",", ":"))
