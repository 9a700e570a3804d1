"""Query parameters of the operations that analyse faces (/6/detector, /6/sdk, /6/iso, /6/liveness) turned into
`inference.analysis.AnalysisOptions`, with the LUNA error of each bad value.

Details: docs/image-operations.md, "server/analysis_options.py".
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from google.protobuf.message import Message

from inference.analysis import AnalysisOptions, Multiface
from server import errors
from server.errors import LunaError
from server.validation import flag_param, float_param, int_param, query_int

MULTIFACE_ERROR, MULTIFACE_ALL, MULTIFACE_BEST = Multiface.ERROR, Multiface.ALL, Multiface.BEST
#: LUNA's mask codes: 1 medical_mask, 2 missing, 3 occluded (MaskEstimation.predominant_code).
MASK_CODES = (1, 2, 3)
NO_ANGLE_FILTER = 180
ANGLE_THRESHOLDS = ("pitch_threshold", "roll_threshold", "yaw_threshold")


def reject_unavailable(request: Message, names: Iterable[str]) -> None:
    """40005 for an estimation switch set to 1 that Lumen has no model for."""
    for name in names:
        if flag_param(request, name):
            raise LunaError(errors.ESTIMATION_NOT_AVAILABLE, name=name)


def multiface_policy(request: Message, default: Multiface = Multiface.ALL) -> Multiface:
    code = int_param(request, "multiface_policy", int(default), choices=tuple(map(int, Multiface)))
    return Multiface(code)


def angle_thresholds(request: Message) -> tuple[tuple[str, int], ...]:
    """The active angle filters (12012 outside 0..180)."""
    active = []
    for name in ANGLE_THRESHOLDS:
        threshold = int_param(request, name, NO_ANGLE_FILTER, minimum=0, maximum=NO_ANGLE_FILTER)
        if threshold != NO_ANGLE_FILTER:
            active.append((name, threshold))
    return tuple(active)


def coded_states(values: Sequence[str], name: str, codes: tuple[int, ...]) -> tuple[int, ...]:
    """A repeated filter of codes (12012 for a blank or unknown one), deduplicated, in the order given; () when
    absent."""
    found: list[int] = []
    for value in values:
        if not value.strip():
            raise LunaError(errors.BAD_QUERY_PARAM, name=name)
        code = query_int(value.strip(), name, 0, choices=codes)
        if code not in found:
            found.append(code)
    return tuple(found)


def mask_states(values: Sequence[str]) -> tuple[int, ...]:
    """The mask_states filter (repeated parameter, codes 1..3)."""
    return coded_states(values, "mask_states", MASK_CODES)


def score_threshold(request: Message) -> float:
    """score_threshold, 0..1 (12012 otherwise); 0 when absent (no filtering)."""
    return float_param(request, "score_threshold", 0.0, minimum=0.0, maximum=1.0)


def check_warp_facemesh(options: AnalysisOptions, landmarks68_flag: str) -> None:
    """68 landmarks, eyes and mouth need a photo (v6: landmarks68 "not for warped input"): 12012 on warps."""
    for wanted, name in (
        (options.landmarks68, landmarks68_flag),
        (options.eyes, "estimate_eyes_attributes"),
        (options.mouth, "estimate_mouth_attributes"),
        (options.gaze, "estimate_gaze"),
    ):
        if wanted:
            raise LunaError(errors.BAD_QUERY_PARAM, name=name)


def check_warp_options(options: AnalysisOptions, head_pose_flag: str) -> None:
    """Head pose and its filters need a photo's landmarks: rejected for warped input (12012)."""
    if options.head_pose:
        raise LunaError(errors.BAD_QUERY_PARAM, name=head_pose_flag)
    if options.thresholds:
        raise LunaError(errors.BAD_QUERY_PARAM, name=options.thresholds[0][0])
