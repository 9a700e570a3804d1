"""One image analysed with a plan (server/handlers/plan.py) and the detect_policy filters applied: shared by handler
events (server/handlers/events_pipeline.py) and verifications (server/services/verifiers.py).

One `analyse_input` call (server/face_inference.py -> inference/analysis.py) with the plan's AnalysisOptions (angle,
mask_states and score filters happen there); then liveness_states with the policy's liveness thresholds and, with
face_quality.estimate, the face_quality checks of each kept face (face_quality.filter drops those that fail). A
dropped face moves to `filtered` with its reason appended to `filter_reasons`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from inference.analysis import BodyAnalysis, FaceAnalysis, FilterReason
from lumen.v6 import iso_pb2
from server.face_inference import FaceInference, analyse_input
from server.handlers.face_quality import check_values, face_quality_result
from server.handlers.plan import Plan, reported_only
from server.services.detector import exif_tags
from server.services.image_input import InputImage


@dataclass
class PlannedDetections:
    """What the image gave (not its pixels: callers may hold the detections of many images at once)."""

    kept: list[FaceAnalysis] = field(default_factory=list)
    filtered: list[FaceAnalysis] = field(default_factory=list)
    bodies: list[BodyAnalysis] = field(default_factory=list)
    #: kept face index -> body index.
    pairs: dict[int, int] = field(default_factory=dict)
    #: detect_policy.extract_exif: the EXIF tags v6 shows (None when not asked or absent).
    exif: dict[str, object] | None = None
    #: face_quality results by id() of the kept faces.
    face_quality: dict[int, iso_pb2.IsoResult] = field(default_factory=dict)


def analyse_with_plan(
    item: InputImage, inference: FaceInference | None, plan: Plan, *, warped: bool, use_exif_info: bool
) -> PlannedDetections:
    """Analyse one image with `plan` and apply its filters; LunaError for a failure of this image alone."""
    # face_quality measures the image itself (pixels at the landmarks): not reduced then.
    analysed = analyse_input(
        item, inference, plan.analysis, warped=warped, use_exif_info=use_exif_info, reduce=not plan.face_quality
    )
    analysis = analysed.analysis
    detect = plan.policies.detect_policy
    qualities: dict[int, iso_pb2.IsoResult] = {}
    if plan.face_quality:
        decoded = analysed.decoded
        size = (decoded.pixels.shape[1], decoded.pixels.shape[0])
        for face in analysis.kept:
            values = check_values(face, decoded.pixels, decoded.format, size, len(item.data))
            qualities[id(face)] = face_quality_result(detect.face_quality, values)
    rejected: dict[int, FilterReason] = {}
    for face in analysis.kept:
        code = plan.liveness_code(face.liveness) if plan.liveness_states and face.liveness is not None else None
        if code is not None and code not in plan.liveness_states:
            rejected[id(face)] = ("liveness_states", float(code), list(plan.liveness_states))
        elif detect.face_quality.filter and id(face) in qualities and not qualities[id(face)].status:
            rejected[id(face)] = ("face_quality", 0.0, 1.0)
    kept, filtered = list(analysis.kept), list(analysis.filtered)
    pairs = dict(analysis.face_bodies)
    if rejected:
        order = [index for index, face in enumerate(kept) if id(face) not in rejected]
        for face in kept:
            if id(face) in rejected:
                face.filter_reasons.append(rejected[id(face)])
                filtered.append(face)
        pairs = {order.index(face): body for face, body in pairs.items() if face in order}
        kept = [kept[index] for index in order]
    if plan.face_quality:
        for face in (*kept, *filtered):
            reported_only(face, detect)
    return PlannedDetections(
        kept=kept,
        filtered=filtered,
        bodies=list(analysis.bodies),
        pairs=pairs,
        exif=exif_tags(analysed.decoded.exif) if detect.extract_exif else None,
        face_quality=qualities,
    )
