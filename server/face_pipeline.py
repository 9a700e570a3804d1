"""Per-face estimations shared by /6/detector and /6/sdk: detection, head pose and mask filtering,
multiface policy, quality, age/gender/ethnicity, emotions, mask, descriptors, and the protobuf pieces both answers
are made of.

A service parses its query into `Estimations` (what to compute), calls `analyse_photo` (a full image:
detect, estimate, filter) or `analyse_warp` (the input is already a face warp) and turns the
resulting `FaceResult`s into its own v6 shape with the builders at the end of this module.

Details: docs/image-operations.md, "server/face_pipeline.py".
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
from google.protobuf import struct_pb2
from numpy.typing import NDArray

from inference.alignment import face_chip
from inference.estimations.attributes import BasicAttributes
from inference.estimations.emotions import Emotions
from inference.estimations.eyes import EyesAttributes, eyes_from_landmarks68
from inference.estimations.gaze import Gaze, estimate_gaze
from inference.estimations.glasses import Glasses, estimate_glasses
from inference.estimations.head_pose import HeadPose, estimate_head_pose
from inference.estimations.iris import Irises
from inference.estimations.liveness import Liveness
from inference.estimations.mask import MaskEstimation
from inference.estimations.mouth import MouthAttributes, mouth_from_landmarks68
from inference.estimations.quality import FaceQuality, chip_quality, estimate_quality
from inference.image import RgbImage, from_array, release_memory
from inference.types import FaceDetection
from lumen.v6 import common_pb2, detector_pb2
from server import errors
from server.errors import LunaError
from server.face_inference import FaceInference, encode_warp, face_warp, require, warp_pixels, warp_to_chip
from server.services.image_input import DecodedImage, InputImage, decode
from server.validation import query_int

MULTIFACE_ERROR, MULTIFACE_ALL, MULTIFACE_BEST = 0, 1, 2
#: LUNA's mask codes: 1 medical_mask, 2 missing, 3 occluded (MaskEstimation.predominant_code).
MASK_CODES = (1, 2, 3)
NO_ANGLE_FILTER = 180
ANGLE_THRESHOLDS = ("pitch_threshold", "roll_threshold", "yaw_threshold")
SUCCESS = common_pb2.Error(error_code=0, desc="Success", detail="Success")

#: Reads an optional query parameter by name (None when absent).
Given = Callable[[str], str | None]


@dataclass(frozen=True)
class Estimations:
    """What to compute for each face."""

    head_pose: bool = False
    quality: bool = False
    basic_attributes: bool = False
    descriptor: bool = False
    #: The 250x250 warp of each kept face (stored by /6/detector, returned by /6/sdk).
    warp: bool = False
    emotions: bool = False
    mask: bool = False
    #: Active angle filters: (name, threshold) with threshold < 180.
    thresholds: tuple[tuple[str, int], ...] = ()
    #: /6/sdk mask_states: the predominant mask codes (1..3) to keep; () = no filter.
    mask_states: tuple[int, ...] = ()
    #: /6/sdk estimate_liveness (photos only).
    liveness: bool = False
    #: /6/sdk liveness_states: the liveness codes (0 spoof, 1 real, 2 unknown) to keep; () = no filter.
    liveness_states: tuple[int, ...] = ()
    #: /6/sdk score_threshold: faces whose descriptor score is below it are filtered; 0 = no filter.
    score_threshold: float = 0.0
    #: FaceMesh-based (inference/estimations/landmarks68.py, eyes.py, mouth.py); photos only.
    landmarks68: bool = False
    eyes: bool = False
    mouth: bool = False
    #: Gaze yaw/pitch (photos only).
    gaze: bool = False
    #: Glasses class (/6/sdk estimate_glasses).
    glasses: bool = False

    @property
    def needs_facemesh(self) -> bool:
        return self.landmarks68 or self.eyes or self.mouth or self.gaze

    @property
    def needs_iris(self) -> bool:
        """MediaPipe Iris (on the FaceMesh eye corners): iris_landmarks of eyes_attributes, and gaze."""
        return self.eyes or self.gaze

    @property
    def needs_pose(self) -> bool:
        return self.head_pose or bool(self.thresholds)

    @property
    def needs_mask(self) -> bool:
        # The mouth's `occluded` is the mask classifier's p(mask) (inference/estimations/mouth.py).
        return self.mask or bool(self.mask_states) or self.mouth

    @property
    def needs_liveness(self) -> bool:
        return self.liveness or bool(self.liveness_states)


@dataclass
class FaceResult:
    """One face and what was estimated for it."""

    #: x, y, width, height in pixels of the input image.
    box: tuple[float, float, float, float]
    #: Five landmarks float [5, 2]; None for warped input.
    landmarks: NDArray[np.floating] | None = None
    head_pose: HeadPose | None = None
    quality: FaceQuality | None = None
    basic: BasicAttributes | None = None
    #: Set when estimate_emotions=1.
    emotions: Emotions | None = None
    #: Set when estimate_mask=1 (the mask_states filter alone estimates it without printing it).
    mask: MaskEstimation | None = None
    #: L2-normalised float32 [128].
    descriptor: NDArray[np.float32] | None = None
    #: The descriptor score (inference/estimations/descriptor_score.py), set with the descriptor or the
    #: score_threshold filter.
    descriptor_score: float | None = None
    #: Set when estimate_liveness=1 (the liveness_states filter alone estimates it without printing it).
    liveness: Liveness | None = None
    #: float [68, 2] image pixels (detect_landmarks68 / estimate_landmarks68).
    landmarks68: NDArray[np.floating] | None = None
    eyes: EyesAttributes | None = None
    mouth: MouthAttributes | None = None
    gaze: Gaze | None = None
    glasses: Glasses | None = None
    #: RGB uint8 [250, 250, 3].
    warp: NDArray[np.uint8] | None = None
    #: (filter name, object value, threshold value) of every failed filter: (angle filter, |angle|,
    #: threshold) or ("mask_states", predominant mask code, [listed codes]).
    filter_reasons: list[tuple[str, float, float | list[int]]] = field(default_factory=list)


# -- query parameters --------------------------------------------------------------------------------


def reject_unavailable(given: Given, names: Iterable[str]) -> None:
    """40005 for an estimation switch set to 1 that Lumen has no model for (12012 for a bad value)."""
    for name in names:
        if query_int(given(name), name, 0, choices=(0, 1)):
            raise LunaError(errors.ESTIMATION_NOT_AVAILABLE, name=name)


def multiface_policy(given: Given) -> int:
    return query_int(
        given("multiface_policy"),
        "multiface_policy",
        MULTIFACE_ALL,
        choices=(MULTIFACE_ERROR, MULTIFACE_ALL, MULTIFACE_BEST),
    )


def angle_thresholds(given: Given) -> tuple[tuple[str, int], ...]:
    """The active angle filters (12012 outside 0..180)."""
    active = []
    for name in ANGLE_THRESHOLDS:
        threshold = query_int(given(name), name, NO_ANGLE_FILTER, minimum=0, maximum=NO_ANGLE_FILTER)
        if threshold != NO_ANGLE_FILTER:
            active.append((name, threshold))
    return tuple(active)


def mask_states(values: Sequence[str]) -> tuple[int, ...]:
    """The mask_states filter (repeated parameter, codes 1..3, 12012 otherwise), deduplicated, in the
    order given; () when absent."""
    codes: list[int] = []
    for value in values:
        if not value.strip():
            raise LunaError(errors.BAD_QUERY_PARAM, name="mask_states")
        code = query_int(value.strip(), "mask_states", 0, choices=MASK_CODES)
        if code not in codes:
            codes.append(code)
    return tuple(codes)


def score_threshold(value: str | None) -> float:
    """score_threshold, 0..1 (12012 otherwise); 0 when absent (no filtering)."""
    if value is None or value == "":
        return 0.0
    try:
        threshold = float(value)
    except ValueError:
        raise LunaError(errors.BAD_QUERY_PARAM, name="score_threshold") from None
    if not 0.0 <= threshold <= 1.0:
        raise LunaError(errors.BAD_QUERY_PARAM, name="score_threshold")
    return threshold


def score_filter_reasons(score: float, threshold: float) -> list[tuple[str, float, float | list[int]]]:
    """The score_threshold reason when the descriptor score is below the threshold ([] without a filter)."""
    if threshold <= 0 or score >= threshold:
        return []
    return [("score_threshold", score, threshold)]


def check_warp_facemesh(estimations: Estimations, landmarks68_flag: str) -> None:
    """68 landmarks, eyes and mouth need a photo (v6: landmarks68 "not for warped input"): 12012 on warps."""
    for wanted, name in (
        (estimations.landmarks68, landmarks68_flag),
        (estimations.eyes, "estimate_eyes_attributes"),
        (estimations.mouth, "estimate_mouth_attributes"),
        (estimations.gaze, "estimate_gaze"),
    ):
        if wanted:
            raise LunaError(errors.BAD_QUERY_PARAM, name=name)


def check_warp_options(estimations: Estimations, head_pose_flag: str) -> None:
    """Head pose and its filters need a photo's landmarks: rejected for warped input (12012)."""
    if estimations.head_pose:
        raise LunaError(errors.BAD_QUERY_PARAM, name=head_pose_flag)
    if estimations.thresholds:
        raise LunaError(errors.BAD_QUERY_PARAM, name=estimations.thresholds[0][0])


# -- analysis ----------------------------------------------------------------------------------------


def angle_filter_reasons(
    pose: HeadPose, thresholds: Sequence[tuple[str, int]]
) -> list[tuple[str, float, float | list[int]]]:
    """The exceeded filters (the rule: docs/image-operations.md)."""
    angles = {"pitch_threshold": pose.pitch, "roll_threshold": pose.roll, "yaw_threshold": pose.yaw}
    reasons: list[tuple[str, float, float | list[int]]] = []
    for name, threshold in thresholds:
        deviation = abs(angles[name])
        if threshold == 0 or deviation > threshold:
            reasons.append((name, deviation, threshold))
    return reasons


def mask_filter_reasons(mask: MaskEstimation, states: Sequence[int]) -> list[tuple[str, float, float | list[int]]]:
    """The mask_states reason when the predominant state is not listed ([] without a filter)."""
    if not states or mask.predominant_code in states:
        return []
    return [("mask_states", float(mask.predominant_code), list(states))]


def liveness_filter_reasons(liveness: Liveness, states: Sequence[int]) -> list[tuple[str, float, float | list[int]]]:
    """The liveness_states reason when the liveness code is not listed ([] without a filter)."""
    code = liveness.prediction()
    if not states or code in states:
        return []
    return [("liveness_states", float(code), list(states))]


def analyse_photo(
    inference: FaceInference, pixels: RgbImage, estimations: Estimations, policy: int
) -> tuple[list[FaceResult], list[FaceResult]]:
    """(kept faces, filtered faces) of a full image, best detection score first.

    Raises LunaError 40006 when policy is 0 and more than one face passes the filters.
    """
    detections = inference.detect(pixels)
    pil = from_array(pixels)
    masks = inference.masks(pixels, [d.landmarks for d in detections]) if estimations.needs_mask else []
    # The score filter needs every detection's chip (and its score) before the multiface policy.
    early_chips: dict[int, NDArray[np.uint8]] = {}  # by id() of the detection
    scores: list[float] = []
    if estimations.score_threshold > 0 and detections:
        early_chips = {id(d): face_chip(pil, d.landmarks) for d in detections}
        scores = [float(x) for x in inference.descriptor_scores(np.stack(list(early_chips.values())))]
    liveness = inference.liveness(pixels, detections) if estimations.needs_liveness and detections else []
    kept: list[tuple[FaceDetection, FaceResult]] = []
    filtered: list[tuple[FaceDetection, FaceResult]] = []
    for index, detection in enumerate(detections):
        face = FaceResult(box=detection.box, landmarks=np.asarray(detection.landmarks, dtype=np.float64))
        if estimations.needs_pose:
            pose = estimate_head_pose(detection)
            face.filter_reasons = angle_filter_reasons(pose, estimations.thresholds)
            face.head_pose = pose if estimations.head_pose else None
        if masks:
            face.filter_reasons += mask_filter_reasons(masks[index], estimations.mask_states)
            face.mask = masks[index] if estimations.mask else None
        if liveness:
            face.filter_reasons += liveness_filter_reasons(liveness[index], estimations.liveness_states)
            face.liveness = liveness[index] if estimations.liveness else None
        if scores:
            face.descriptor_score = scores[index]
            face.filter_reasons += score_filter_reasons(scores[index], estimations.score_threshold)
        (filtered if face.filter_reasons else kept).append((detection, face))
    if policy == MULTIFACE_ERROR and len(kept) > 1:
        raise LunaError(errors.MULTIPLE_FACES, count=len(kept))
    if policy == MULTIFACE_BEST:
        kept = kept[:1]
    chips: list[NDArray[np.uint8]] = []
    for detection, face in kept:
        wants_chip = estimations.quality or estimations.descriptor or estimations.glasses
        chip = early_chips.get(id(detection))
        if chip is None and wants_chip:
            chip = face_chip(pil, detection.landmarks)
        if estimations.quality:
            face.quality = estimate_quality(pixels, detection, chip)
        if estimations.glasses and chip is not None:
            face.glasses = estimate_glasses(chip)
        if estimations.warp:
            face.warp = face_warp(pil, detection)
        if estimations.descriptor and chip is not None:
            chips.append(chip)
    for detection, face in filtered:
        if estimations.quality:
            face.quality = estimate_quality(pixels, detection)
    faces = [face for _, face in kept]
    if kept and estimations.descriptor:
        stacked = np.stack(chips)
        for face, vector in zip(faces, inference.describe_chips(stacked), strict=True):
            face.descriptor = vector
        if not scores:
            for face, score in zip(faces, inference.descriptor_scores(stacked), strict=True):
                face.descriptor_score = float(score)
    if kept and estimations.basic_attributes:
        basics = inference.basic_attributes(pixels, [detection.landmarks for detection, _ in kept])
        for face, basic in zip(faces, basics, strict=True):
            face.basic = basic
    both = kept + filtered
    if both and estimations.needs_facemesh:
        meshes = inference.facemeshes(pixels, [detection.landmarks for detection, _ in both])
        irises: list[Irises | None] = [None] * len(meshes)
        if estimations.needs_iris:
            irises = list(inference.irises(pixels, meshes))
        mask_of = {id(detection): mask for detection, mask in zip(detections, masks, strict=False)}
        for (detection, face), mesh, iris in zip(both, meshes, irises, strict=True):
            points = mesh.landmarks68
            face.landmarks68 = points if estimations.landmarks68 else None
            face.eyes = eyes_from_landmarks68(points, iris) if estimations.eyes else None
            if estimations.gaze and iris is not None:
                face.gaze = estimate_gaze(iris, estimate_head_pose(detection))
            if estimations.mouth:
                mask = mask_of.get(id(detection))
                face.mouth = mouth_from_landmarks68(points, mask.medical_mask if mask is not None else 0.0)
    if both and estimations.emotions:
        emotions = inference.emotions(pixels, [detection.landmarks for detection, _ in both])
        for (_, face), emotion in zip(both, emotions, strict=True):
            face.emotions = emotion
    return faces, [face for _, face in filtered]


def analyse_warp(inference: FaceInference | None, pixels: RgbImage, estimations: Estimations) -> FaceResult:
    """The one face of a warp (any size, used as a 250x250 warp); the box is the whole input image.
    Only quality needs no model (40004 without them for the rest). A face that fails the mask_states
    filter comes back with its `filter_reasons` set (the caller reports it as filtered)."""
    height, width = pixels.shape[:2]
    warp = warp_pixels(pixels)
    face = FaceResult(box=(0.0, 0.0, float(width), float(height)))
    if estimations.needs_mask:
        (mask,) = require(inference).warp_masks([warp])
        face.filter_reasons = mask_filter_reasons(mask, estimations.mask_states)
        face.mask = mask if estimations.mask else None
    if estimations.emotions:
        face.emotions = require(inference).warp_emotions([warp])[0]
    wants_chip = estimations.quality or estimations.descriptor or estimations.glasses or estimations.score_threshold > 0
    chip = warp_to_chip(warp) if wants_chip else None
    if estimations.score_threshold > 0 and chip is not None:
        face.descriptor_score = float(require(inference).descriptor_scores(chip[None])[0])
        face.filter_reasons += score_filter_reasons(face.descriptor_score, estimations.score_threshold)
    if estimations.quality and chip is not None:
        face.quality = chip_quality(chip)
    if estimations.glasses and chip is not None:
        face.glasses = estimate_glasses(chip)
    if face.filter_reasons:
        return face  # filtered: no descriptor, attributes or warp (as for photos)
    if estimations.descriptor and chip is not None:
        face.descriptor = require(inference).describe_chips(chip[None])[0]
        if face.descriptor_score is None:
            face.descriptor_score = float(require(inference).descriptor_scores(chip[None])[0])
    if estimations.basic_attributes:
        face.basic = require(inference).warp_basic_attributes([warp])[0]
    if estimations.warp:
        face.warp = warp
    return face


def mean_descriptor(vectors: NDArray[np.floating]) -> NDArray[np.float32]:
    """The fusion of several descriptors of one person: their mean, L2-normalised again."""
    mean = np.asarray(vectors, dtype=np.float32).mean(axis=0)
    return (mean / max(float(np.linalg.norm(mean)), 1e-12)).astype(np.float32)


# -- protobuf builders -------------------------------------------------------------------------------


def point_list(points: NDArray[np.floating]) -> struct_pb2.ListValue:
    values = struct_pb2.ListValue()
    for x, y in points:
        values.append([int(round(float(x))), int(round(float(y)))])
    return values


def detection_rect(x: float, y: float, width: float, height: float) -> detector_pb2.DetectionRect:
    left, top = int(round(x)), int(round(y))
    return detector_pb2.DetectionRect(
        x=left, y=top, width=int(round(x + width)) - left, height=int(round(y + height)) - top
    )


def head_pose_message(pose: HeadPose) -> detector_pb2.HeadPose:
    return detector_pb2.HeadPose(pitch=pose.pitch, roll=pose.roll, yaw=pose.yaw)


def quality_message(quality: FaceQuality) -> detector_pb2.FaceQuality:
    return detector_pb2.FaceQuality(
        blurriness=quality.blurriness,
        dark=quality.dark,
        illumination=quality.illumination,
        specularity=quality.specularity,
        light=quality.light,
    )


def emotions_message(emotions: Emotions) -> detector_pb2.Emotions:
    """{predominant_emotion, estimations{anger, disgust, fear, happiness, sadness, surprise, neutral}}."""
    return detector_pb2.Emotions(
        predominant_emotion=emotions.predominant_emotion,
        estimations=detector_pb2.EmotionEstimations(**emotions.estimations),
    )


def mask_message(mask: MaskEstimation) -> detector_pb2.Mask:
    """{predominant_mask, estimations{medical_mask, missing, occluded}}."""
    return detector_pb2.Mask(
        predominant_mask=mask.predominant_mask, estimations=detector_pb2.MaskEstimations(**mask.estimations)
    )


def basic_attributes_message(basic: BasicAttributes) -> detector_pb2.EstimatedBasicAttributes:
    """The v6 estimation form {ethnicities{predominant_ethnicity, estimations{asian, indian, caucasian,
    african_american}}, age, gender} (ethnicities omitted only if they were not estimated)."""
    message = detector_pb2.EstimatedBasicAttributes(age=basic.age, gender=basic.gender)
    if basic.ethnicities is not None:
        message.ethnicities.CopyFrom(
            detector_pb2.Ethnicities(
                predominant_ethnicity=basic.ethnicities.predominant_ethnicity,
                estimations=detector_pb2.EthnicityEstimations(**basic.ethnicities.estimations),
            )
        )
    return message


def stored_basic_attributes(basic: BasicAttributes) -> dict[str, int | None]:
    """The stored form {age, gender, ethnicity} (v6 §5.3): ethnicity is the code of the predominant ethnicity
    (1 african_american, 2 indian, 3 asian, 4 caucasian; None if not estimated)."""
    return {"age": basic.age, "gender": basic.gender, "ethnicity": basic.ethnicity}


def eyes_message(eyes: EyesAttributes) -> detector_pb2.EyesAttributes:
    """{left_eye{state, iris_landmarks}, right_eye{state, iris_landmarks}} (32 [x, y] per eye when estimated)."""
    message = detector_pb2.EyesAttributes(
        left_eye=detector_pb2.EyeAttributes(state=eyes.left_state),
        right_eye=detector_pb2.EyeAttributes(state=eyes.right_state),
    )
    for target, iris in ((message.left_eye, eyes.left_iris), (message.right_eye, eyes.right_iris)):
        if iris is not None:
            target.iris_landmarks.CopyFrom(point_list(iris))
    return message


def gaze_message(gaze: Gaze) -> detector_pb2.Gaze:
    """{yaw, pitch} in degrees (inference/estimations/gaze.py conventions)."""
    return detector_pb2.Gaze(yaw=gaze.yaw, pitch=gaze.pitch)


def glasses_message(glasses: Glasses) -> detector_pb2.Glasses:
    """{glasses: "eyeglasses" | "sunglasses" | "no_glasses"} (inference/estimations/glasses.py)."""
    return detector_pb2.Glasses(glasses=glasses.glasses)


def mouth_message(mouth: MouthAttributes) -> detector_pb2.MouthAttributes:
    """{opened, occluded, smile, score}."""
    return detector_pb2.MouthAttributes(
        opened=mouth.opened, occluded=mouth.occluded, smile=mouth.smile, score=mouth.score
    )


def face_detection_result(face: FaceResult, *, landmarks: bool = True) -> detector_pb2.FaceDetectionResult:
    """{rect, landmarks5, quality, attributes{head_pose, emotions, mask}} with what was estimated (the
    /6/detector shape, also the `sample.detection` of filtered faces)."""
    result = detector_pb2.FaceDetectionResult(rect=detection_rect(*face.box))
    if landmarks and face.landmarks is not None:
        result.landmarks5.CopyFrom(point_list(face.landmarks))
    if face.quality is not None:
        result.quality.CopyFrom(quality_message(face.quality))
    if face.head_pose is not None:
        result.attributes.head_pose.CopyFrom(head_pose_message(face.head_pose))
    if face.emotions is not None:
        result.attributes.emotions.CopyFrom(emotions_message(face.emotions))
    if face.mask is not None:
        result.attributes.mask.CopyFrom(mask_message(face.mask))
    if face.eyes is not None:
        result.attributes.eyes_attributes.CopyFrom(eyes_message(face.eyes))
    if face.mouth is not None:
        result.attributes.mouth_attributes.CopyFrom(mouth_message(face.mouth))
    if face.gaze is not None:
        result.attributes.gaze.CopyFrom(gaze_message(face.gaze))
    if face.landmarks68 is not None:
        result.landmarks68.CopyFrom(point_list(face.landmarks68))
    return result


def filtered_detections(
    filename: str, faces: Sequence[FaceResult], *, landmarks: bool = True
) -> detector_pb2.FilteredDetections:
    """filtered_detections{face_detections[{filter_reasons, detection{filename, sample{detection}}}]}."""
    result = detector_pb2.FilteredDetections()
    for face in faces:
        item = result.face_detections.add()
        for name, value, threshold in face.filter_reasons:
            reason = item.filter_reasons.add(filter_name=name, object_value=value)
            if isinstance(threshold, list):
                reason.threshold_value.list_value.extend(threshold)
            else:
                reason.threshold_value.number_value = threshold
        item.detection.filename = filename
        item.detection.sample.detection.CopyFrom(face_detection_result(face, landmarks=landmarks))
    return result


def image_error(error: LunaError) -> common_pb2.Error:
    return common_pb2.Error(error_code=error.code, desc=error.spec.desc, detail=error.detail)


@dataclass
class AnalysedImage:
    """One input image after decoding and analysis: the faces kept and those filtered out."""

    decoded: DecodedImage
    kept: list[FaceResult]
    filtered: list[FaceResult]


def analyse_input(
    item: InputImage,
    inference: FaceInference | None,
    estimations: Estimations,
    policy: int,
    *,
    warped: bool,
    use_exif_info: bool,
    reduce: bool = True,
) -> AnalysedImage:
    """Decode and analyse one image of a /6/detector or /6/sdk request.

    A photo bigger than the working size is analysed reduced (`reduce`, server/services/image_input.py) and
    its faces' coordinates (rect, landmarks5, landmarks68, iris landmarks) are mapped back to the full image,
    where v6 reports them; the warps are cut from the reduced image. `decoded.pixels` stays the analysed
    (possibly reduced) image. Raises LunaError for a failure of this image alone; callers turn it into the
    per-image error object with `per_image_error`, so the other images of the request go on.
    """
    if item.error is not None:
        raise item.error
    decoded = decode(item.data, use_exif_info=use_exif_info and not warped, reduce=reduce)
    if warped:
        face = analyse_warp(inference, decoded.pixels, estimations)
        kept, filtered = ([], [face]) if face.filter_reasons else ([face], [])
    else:
        assert inference is not None
        kept, filtered = analyse_photo(inference, decoded.pixels, estimations, policy)
    if decoded.reduced:
        for face in (*kept, *filtered):
            scale_face(face, decoded.scale_x, decoded.scale_y)
        release_memory()  # a big image's temporaries are freed: hand the heaps' free pages back
    return AnalysedImage(decoded, kept, filtered)


def scale_face(face: FaceResult, scale_x: float, scale_y: float) -> None:
    """Map a face found in a reduced image to the full image (in place): every coordinate it reports."""
    factor = np.array([scale_x, scale_y])
    x, y, width, height = face.box
    face.box = (x * scale_x, y * scale_y, width * scale_x, height * scale_y)
    if face.landmarks is not None:
        face.landmarks = np.asarray(face.landmarks, dtype=np.float64) * factor
    if face.landmarks68 is not None:
        face.landmarks68 = np.asarray(face.landmarks68, dtype=np.float64) * factor
    if face.eyes is not None:
        face.eyes = replace(
            face.eyes,
            left_iris=None if face.eyes.left_iris is None else face.eyes.left_iris * factor,
            right_iris=None if face.eyes.right_iris is None else face.eyes.right_iris * factor,
        )


def per_image_error(error: LunaError) -> common_pb2.Error:
    """The error object of a failed image; re-raises when no image can be processed at all."""
    if error.spec is errors.INFERENCE_UNAVAILABLE:
        raise error
    return image_error(error)


def warp_base64(warp: NDArray[np.uint8]) -> str:
    """A warp as the base64 JPEG v6 returns for estimate_face_warp."""
    return base64.b64encode(encode_warp(warp)).decode("ascii")
