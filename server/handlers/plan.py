"""A handler's policies (server/handlers/policies.py) turned into what the events pipeline runs: the analysis
options of one call per image into inference/analysis.py, and the liveness thresholds.

For face warps (image_type=1) what needs a photo's landmarks is left out (v6 §8: not supported on warps): head
pose and the angle filters, 68 landmarks, eyes, mouth, gaze, liveness and the liveness_states filter, and body
detection.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from inference.analysis import AnalysisOptions, FaceAnalysis, Multiface
from inference.estimations.liveness import Liveness
from server.handlers.policies import DetectPolicy, Policies

NO_ANGLE_FILTER = 180
#: Candidate face fields of a match (v6 §2.8) when match_policy `targets` is absent.
MATCH_FACE_FIELDS = ("face_id", "external_id", "user_data", "create_time", "lists", "avatar", "event_id")


@dataclass(frozen=True)
class Plan:
    policies: Policies
    analysis: AnalysisOptions
    #: The liveness_states filter (applied by the pipeline with the handler's thresholds); () = none.
    liveness_states: tuple[int, ...] = ()
    #: detect_policy.face_quality.estimate on a photo: the checks run (their estimations are computed, and only
    #: the ones detect_policy asks for are reported).
    face_quality: bool = False

    def liveness_code(self, liveness: Liveness) -> int:
        policy = self.policies.detect_policy.estimate_liveness
        return liveness.prediction(policy.quality_threshold, policy.liveness_threshold)

    def liveness_name(self, liveness: Liveness) -> str:
        policy = self.policies.detect_policy.estimate_liveness
        return liveness.prediction_name(policy.quality_threshold, policy.liveness_threshold)

    @property
    def reports_liveness(self) -> bool:
        return self.policies.detect_policy.estimate_liveness.estimate and self.analysis.liveness


def _thresholds(detect: DetectPolicy) -> tuple[tuple[str, int], ...]:
    found = []
    for name in ("pitch_threshold", "roll_threshold", "yaw_threshold"):
        value: int | None = getattr(detect, name)
        if value is not None and value < NO_ANGLE_FILTER:
            found.append((name, value))
    return tuple(found)


def make_plan(policies: Policies, *, warped: bool) -> Plan:
    detect = policies.detect_policy
    extract = policies.extract_policy
    storage = policies.storage_policy
    photo = not warped
    bodies = detect.detect_body and photo
    liveness_states = tuple(detect.liveness_states or ()) if photo else ()
    analysis = AnalysisOptions(
        faces=detect.detect_face,
        bodies=bodies,
        body_warp=bodies and storage.body_sample_policy.store_sample,
        multiface=Multiface(detect.multiface_policy),
        head_pose=photo and detect.estimate_head_pose,
        emotions=detect.estimate_emotions,
        mask=detect.estimate_mask,
        quality=detect.estimate_quality,
        gaze=photo and detect.estimate_gaze,
        eyes=photo and detect.estimate_eyes_attributes,
        mouth=photo and detect.estimate_mouth_attributes,
        landmarks68=photo and detect.detect_landmarks68,
        thresholds=_thresholds(detect) if photo else (),
        mask_states=tuple(detect.mask_states or ()),
        liveness=photo and (detect.estimate_liveness.estimate or bool(liveness_states)),
        descriptor=extract.extract_face_descriptor,
        basic_attributes=extract.extract_basic_attributes,
        warp=storage.face_sample_policy.store_sample,
    )
    face_quality = photo and detect.face_quality.estimate
    if face_quality:
        analysis = replace(
            analysis, head_pose=True, quality=True, landmarks68=True, eyes=True, mouth=True, gaze=True, glasses=True
        )
    return Plan(policies=policies, analysis=analysis, liveness_states=liveness_states, face_quality=face_quality)


def reported_only(face: FaceAnalysis, detect: DetectPolicy) -> None:
    """Drop the estimations the face_quality checks needed but detect_policy did not ask for (in place)."""
    if not detect.estimate_head_pose:
        face.head_pose = None
    if not detect.estimate_quality:
        face.quality = None
    if not detect.detect_landmarks68:
        face.landmarks68 = None
    if not detect.estimate_eyes_attributes:
        face.eyes = None
    if not detect.estimate_mouth_attributes:
        face.mouth = None
    if not detect.estimate_gaze:
        face.gaze = None
    face.glasses = None
