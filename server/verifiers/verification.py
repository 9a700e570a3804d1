"""Verification (v6 §3.3): the similarity of each probe descriptor to each candidate, and its status against the
verifier's `verification_threshold` (status = similarity > threshold).

    candidates = CandidateResolver(storage, matching).resolve(ids, account_id)   # stored descriptors
    verify(probe, candidates, threshold)                                        # [(candidate, sim, status)]
    verifier_plan(policies)                                                     # one analysis call per image

Similarities use the matcher's calibration (server/matching/similarity.py) on L2-normalised descriptors, so a
verification and a /6/matcher search of the same pair agree.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from server import errors
from server.errors import LunaError
from server.handlers.plan import Plan, make_plan
from server.matching.index import normalise
from server.matching.live import MatchingIndexes
from server.matching.similarity import similarity_from_cosine
from server.storage.repositories.faces import FaceFilter
from server.storage.store import Storage
from server.verifiers.policies import VerifierPolicies

#: At most this many candidates (all kinds together) per verification request.
MAX_CANDIDATES = 100


@dataclass(frozen=True)
class CandidateIds:
    """The candidates of POST /6/verifiers/{id}/verifications (query), validated and lower-cased."""

    face_ids: tuple[str, ...] = ()
    external_ids: tuple[str, ...] = ()
    attribute_ids: tuple[str, ...] = ()
    event_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class Candidate:
    #: "face" (face_ids, external_ids), "attribute" or "event".
    kind: str
    object_id: str
    vector: np.ndarray


class CandidateResolver:
    """Descriptors of stored candidates, limited to one account; a missing one is the resource's 404."""

    def __init__(self, storage: Storage, matching: MatchingIndexes) -> None:
        self.storage = storage
        self.matching = matching

    def resolve(self, ids: CandidateIds, account_id: str) -> list[Candidate]:
        found: list[Candidate] = []
        for face_id in dict.fromkeys(ids.face_ids):
            found.append(Candidate("face", face_id, self._face_vector(face_id, account_id)))
        for external_id in dict.fromkeys(ids.external_ids):
            found.extend(self._external_id(external_id, account_id))
        for attribute_id in dict.fromkeys(ids.attribute_ids):
            found.append(Candidate("attribute", attribute_id, self._attribute_vector(attribute_id, account_id)))
        for event_id in dict.fromkeys(ids.event_ids):
            found.append(Candidate("event", event_id, self._event_vector(event_id, account_id)))
        unique: dict[tuple[str, str], Candidate] = {}
        for candidate in found:
            unique.setdefault((candidate.kind, candidate.object_id), candidate)
        return list(unique.values())

    def _face_vector(self, face_id: str, account_id: str) -> np.ndarray:
        if self.storage.faces.get(face_id, account_id) is None:
            raise LunaError(errors.FACE_NOT_FOUND, id=face_id)
        vector = self.matching.faces.get(face_id)
        if vector is None:
            raise LunaError(errors.MATCH_NO_DESCRIPTOR, id=face_id, version=self.matching.version)
        return np.asarray(vector, dtype=np.float32)

    def _external_id(self, external_id: str, account_id: str) -> list[Candidate]:
        face_ids = self.storage.faces.ids(FaceFilter(account_id=account_id, external_ids=[external_id]), ordered=True)
        found = []
        for face_id in face_ids:
            vector = self.matching.faces.get(face_id)
            if vector is not None:
                found.append(Candidate("face", face_id, np.asarray(vector, dtype=np.float32)))
        if not found:
            raise LunaError(errors.MATCH_EXTERNAL_ID_NOT_FOUND, id=external_id)
        return found

    def _attribute_vector(self, attribute_id: str, account_id: str) -> np.ndarray:
        if not self.storage.attributes.live([attribute_id], account_id):
            raise LunaError(errors.ATTRIBUTE_NOT_FOUND, id=attribute_id)
        data = self.storage.attributes.descriptors([attribute_id], self.matching.version).get(attribute_id, {})
        blob = data.get(self.matching.version)
        if blob is None:
            raise LunaError(errors.MATCH_NO_DESCRIPTOR, id=attribute_id, version=self.matching.version)
        return np.frombuffer(blob, dtype="<f4").astype(np.float32)

    def _event_vector(self, event_id: str, account_id: str) -> np.ndarray:
        if not self.storage.events.repository.exists(event_id, account_id):
            raise LunaError(errors.EVENT_NOT_FOUND, id=event_id)
        vector = self.storage.events.descriptors.get(event_id).get(self.matching.version)
        if vector is None:
            raise LunaError(errors.MATCH_NO_DESCRIPTOR, id=event_id, version=self.matching.version)
        return np.asarray(vector, dtype=np.float32)


def similarities(references: np.ndarray, candidates: np.ndarray) -> np.ndarray:
    """[references x candidates] LUNA similarities of two stacks of descriptors (any norm)."""
    dimension = references.shape[-1]
    left = normalise(references, dimension).astype(np.float64)
    right = normalise(candidates, dimension).astype(np.float64)
    return np.asarray(similarity_from_cosine(left @ right.T))


def verify(probe: np.ndarray, candidates: list[Candidate], threshold: float) -> list[tuple[Candidate, float, bool]]:
    """Every candidate with its similarity to `probe` and its status, the most similar first."""
    if not candidates:
        return []
    line = similarities(probe[None, :], np.stack([c.vector for c in candidates]))[0]
    order = np.argsort(-line, kind="stable")
    return [(candidates[i], float(line[i]), bool(line[i] > threshold)) for i in order.tolist()]


def verifier_plan(policies: VerifierPolicies) -> Plan:
    """What one analysis call per image computes for a verifier: the handler plan of its policies (detect_policy
    estimations and filters, face_quality, the face descriptor, basic attributes, the warp when samples are stored)
    with extract_policy.fd_score_threshold as the analysis' score filter (such a detection is filtered out)."""
    plan = make_plan(policies.policies, warped=False)
    threshold = policies.policies.extract_policy.fd_score_threshold
    return replace(plan, analysis=replace(plan.analysis, score_threshold=threshold))
