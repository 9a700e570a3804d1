"""Face analysis: the one entry point from the server (and anything else) into the models.

    analyser = FaceAnalyser(transport)             # LocalTransport() in-process, TritonTransport("host:8001")
    result = analyser.analyse_image(pixels, AnalysisOptions(quality=True, descriptor=True))
    result.kept[0].box, result.kept[0].quality, result.kept[0].descriptor      # float32[128], L2-normalised

`AnalysisOptions` says what to compute (estimations, filters, multiface policy, bodies); `analyse_image` runs
detection, the crops and every model of one image (each model once, batched over the faces) and returns an
`ImageAnalysis`: the faces kept, the faces filtered out (with their reasons), the bodies, all in the
coordinates of the original image (`scale` maps a reduced decode back, see inference/image.py
decode_reduced). `analyse_warps` does the same for face warps (the input already is an aligned face), batched
over the warps. Errors are inference exceptions (inference/errors.py): InferenceError (a model failed),
ModelsDisabledError (no models), MultipleFacesError (Multiface.ERROR and more than one face).

The low-level steps (detect, describe, process) are the plain detection + descriptor pipeline used by tools,
tests and benchmarks.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from enum import IntEnum

import numpy as np
from numpy.typing import NDArray

from inference.alignment import face_chip, face_chips
from inference.descriptor import DescriptorExtractor, mean_descriptor
from inference.errors import MultipleFacesError
from inference.estimations.attributes import BasicAttributes, BasicAttributesEstimator, attribute_chips
from inference.estimations.attributes import aggregate as aggregate_basic
from inference.estimations.body import BodyDetection, BodyDetector, body_warp, pair_faces_with_bodies
from inference.estimations.descriptor_score import descriptor_scores
from inference.estimations.emotions import EmotionEstimator, Emotions, emotion_chips
from inference.estimations.emotions import aggregate as aggregate_emotions
from inference.estimations.ethnicity import ethnicity_chips
from inference.estimations.eyes import EyesAttributes, eyes_from_landmarks68
from inference.estimations.gaze import Gaze, estimate_gaze
from inference.estimations.glasses import Glasses, estimate_glasses
from inference.estimations.head_pose import HeadPose, estimate_head_pose
from inference.estimations.iris import Irises, IrisEstimator
from inference.estimations.iso import IsoFace
from inference.estimations.landmarks68 import FaceMeshEstimator
from inference.estimations.liveness import Liveness, LivenessEstimator
from inference.estimations.liveness import aggregate as aggregate_liveness
from inference.estimations.mask import MaskEstimation, MaskEstimator, mask_chips
from inference.estimations.mask import aggregate as aggregate_mask
from inference.estimations.mouth import MouthAttributes, mouth_from_landmarks68
from inference.estimations.quality import FaceQuality, chip_quality, estimate_quality
from inference.image import RgbImage, decode_image, from_array, release_memory
from inference.models import DLIB_DESCRIPTOR, ModelSpec
from inference.mtcnn import MtcnnDetector, MtcnnOptions
from inference.transport import InferenceTransport
from inference.types import ExtractedFace, FaceDetection
from inference.warps import WARP_LANDMARKS, face_warp, warp_pixels, warp_to_chip


class Multiface(IntEnum):
    """What to do with several faces that pass the filters (LUNA's multiface_policy codes)."""

    #: MultipleFacesError when more than one face is kept.
    ERROR = 0
    ALL = 1
    #: Only the best detection score.
    BEST = 2


#: One failed filter: (filter name, object value, threshold value): (angle filter, |angle|, threshold),
#: ("mask_states", predominant mask code, [listed codes]), ("liveness_states", code, [codes]) or
#: ("score_threshold", score, threshold).
FilterReason = tuple[str, float, float | list[int]]


@dataclass(frozen=True)
class AnalysisOptions:
    """What to compute for each face (and image)."""

    head_pose: bool = False
    quality: bool = False
    basic_attributes: bool = False
    descriptor: bool = False
    #: The 250x250 warp of each kept face (inference/warps.py).
    warp: bool = False
    emotions: bool = False
    mask: bool = False
    #: Active angle filters: (name, threshold) with name pitch_threshold / roll_threshold / yaw_threshold and
    #: threshold < 180; a face whose |angle| is above the threshold (or any face for 0) is filtered.
    thresholds: tuple[tuple[str, int], ...] = ()
    #: The predominant mask codes (1..3) to keep; () = no filter.
    mask_states: tuple[int, ...] = ()
    #: Photos only.
    liveness: bool = False
    #: The liveness codes (0 spoof, 1 real, 2 unknown) to keep; () = no filter.
    liveness_states: tuple[int, ...] = ()
    #: Faces whose descriptor score is below it are filtered; 0 = no filter.
    score_threshold: float = 0.0
    #: FaceMesh-based (inference/estimations/landmarks68.py, eyes.py, mouth.py); photos only.
    landmarks68: bool = False
    eyes: bool = False
    mouth: bool = False
    #: Gaze yaw/pitch (photos only).
    gaze: bool = False
    glasses: bool = False
    multiface: Multiface = Multiface.ALL
    #: Detect faces at all (False: bodies only).
    faces: bool = True
    #: Detect human bodies (photos only), and cut their 128x256 warps.
    bodies: bool = False
    body_warp: bool = False

    @property
    def needs_facemesh(self) -> bool:
        return self.landmarks68 or self.eyes or self.mouth or self.gaze

    @property
    def needs_iris(self) -> bool:
        """MediaPipe Iris (on the FaceMesh eye corners): iris landmarks of the eyes, and gaze."""
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
class FaceAnalysis:
    """One face and what was estimated for it (coordinates in pixels of the original image)."""

    #: x, y, width, height.
    box: tuple[float, float, float, float]
    #: Five landmarks float [5, 2]; None for warps.
    landmarks: NDArray[np.floating] | None = None
    head_pose: HeadPose | None = None
    quality: FaceQuality | None = None
    basic: BasicAttributes | None = None
    emotions: Emotions | None = None
    #: Set when options.mask (the mask_states filter alone estimates it without reporting it).
    mask: MaskEstimation | None = None
    #: L2-normalised float32 [128].
    descriptor: NDArray[np.float32] | None = None
    #: The descriptor score (inference/estimations/descriptor_score.py), set with the descriptor or the
    #: score_threshold filter.
    descriptor_score: float | None = None
    #: Set when options.liveness (the liveness_states filter alone estimates it without reporting it).
    liveness: Liveness | None = None
    #: float [68, 2].
    landmarks68: NDArray[np.floating] | None = None
    eyes: EyesAttributes | None = None
    mouth: MouthAttributes | None = None
    gaze: Gaze | None = None
    glasses: Glasses | None = None
    #: RGB uint8 [250, 250, 3].
    warp: NDArray[np.uint8] | None = None
    #: Every failed filter ([] for a kept face).
    filter_reasons: list[FilterReason] = field(default_factory=list)

    def iso_face(self) -> IsoFace:
        """What the ISO checks (inference/estimations/iso.py) measure of this face."""
        return IsoFace(
            landmarks68=self.landmarks68,
            quality=self.quality,
            head_pose=self.head_pose,
            gaze=self.gaze,
            mouth=self.mouth,
            eyes=self.eyes,
            glasses=self.glasses,
        )


@dataclass(frozen=True)
class BodyAnalysis:
    """One human body: its detection in original image coordinates, and its warp when asked for."""

    detection: BodyDetection
    #: RGB uint8 [256, 128, 3] (inference/estimations/body.py body_warp).
    warp: NDArray[np.uint8] | None = None


@dataclass
class ImageAnalysis:
    """One image: the faces kept (best detection score first), those filtered out, the bodies."""

    kept: list[FaceAnalysis] = field(default_factory=list)
    filtered: list[FaceAnalysis] = field(default_factory=list)
    bodies: list[BodyAnalysis] = field(default_factory=list)
    #: Index of a kept face -> index of its body (pair_faces_with_bodies).
    face_bodies: dict[int, int] = field(default_factory=dict)


@dataclass(frozen=True)
class AggregateAnalysis:
    """One estimate from the faces of several images of one person (LUNA's aggregate_attributes): None where no
    face has the estimation."""

    basic: BasicAttributes | None = None
    #: The mean descriptor, L2-normalised again.
    descriptor: NDArray[np.float32] | None = None
    #: The mean descriptor score (None without scores).
    descriptor_score: float | None = None
    mask: MaskEstimation | None = None
    emotions: Emotions | None = None
    liveness: Liveness | None = None


def aggregate_faces(faces: Sequence[FaceAnalysis]) -> AggregateAnalysis:
    """The aggregate of these faces' estimations (each estimator's own `aggregate`)."""
    basics = [face.basic for face in faces if face.basic is not None]
    vectors = [face.descriptor for face in faces if face.descriptor is not None]
    scores = [face.descriptor_score for face in faces if face.descriptor_score is not None]
    masks = [face.mask for face in faces if face.mask is not None]
    moods = [face.emotions for face in faces if face.emotions is not None]
    lives = [face.liveness for face in faces if face.liveness is not None]
    return AggregateAnalysis(
        basic=aggregate_basic(basics) if basics else None,
        descriptor=mean_descriptor(np.stack(vectors)) if vectors else None,
        descriptor_score=float(np.mean(scores)) if vectors and scores else None,
        mask=aggregate_mask(masks) if masks else None,
        emotions=aggregate_emotions(moods) if moods else None,
        liveness=aggregate_liveness(lives) if lives else None,
    )


# -- filters -------------------------------------------------------------------------------------------------


def angle_filter_reasons(pose: HeadPose, thresholds: Sequence[tuple[str, int]]) -> list[FilterReason]:
    """The exceeded angle filters (|angle| > threshold; a threshold of 0 filters every face)."""
    angles = {"pitch_threshold": pose.pitch, "roll_threshold": pose.roll, "yaw_threshold": pose.yaw}
    reasons: list[FilterReason] = []
    for name, threshold in thresholds:
        deviation = abs(angles[name])
        if threshold == 0 or deviation > threshold:
            reasons.append((name, deviation, threshold))
    return reasons


def mask_filter_reasons(mask: MaskEstimation, states: Sequence[int]) -> list[FilterReason]:
    """The mask_states reason when the predominant state is not listed ([] without a filter)."""
    if not states or mask.predominant_code in states:
        return []
    return [("mask_states", float(mask.predominant_code), list(states))]


def liveness_filter_reasons(liveness: Liveness, states: Sequence[int]) -> list[FilterReason]:
    """The liveness_states reason when the liveness code is not listed ([] without a filter)."""
    code = liveness.prediction()
    if not states or code in states:
        return []
    return [("liveness_states", float(code), list(states))]


def score_filter_reasons(score: float, threshold: float) -> list[FilterReason]:
    """The score_threshold reason when the descriptor score is below the threshold ([] without a filter)."""
    if threshold <= 0 or score >= threshold:
        return []
    return [("score_threshold", score, threshold)]


def scale_face(face: FaceAnalysis, scale_x: float, scale_y: float) -> None:
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


def scale_body(body: BodyDetection, scale_x: float, scale_y: float) -> BodyDetection:
    """A body found in a reduced image, in full-image coordinates."""
    return replace(
        body, x=body.x * scale_x, y=body.y * scale_y, width=body.width * scale_x, height=body.height * scale_y
    )


# -- the analyser --------------------------------------------------------------------------------------------


class FaceAnalyser:
    """Every face model over one transport (local or Triton): detection, descriptors, estimations."""

    def __init__(
        self,
        transport: InferenceTransport,
        detector_options: MtcnnOptions | None = None,
        descriptor_model: ModelSpec = DLIB_DESCRIPTOR,
    ) -> None:
        """`descriptor_model`: the descriptor model version the descriptors come from (inference.models
        descriptor_model; the server passes the one its settings configure)."""
        self.transport = transport
        self.detector = MtcnnDetector(transport, detector_options)
        self.extractor = DescriptorExtractor(transport, descriptor_model)
        self.attributes = BasicAttributesEstimator(transport)
        self.emotion_estimator = EmotionEstimator(transport)
        self.mask_estimator = MaskEstimator(transport)
        self.liveness_estimator = LivenessEstimator(transport)
        self.facemesh_estimator = FaceMeshEstimator(transport)
        self.body_detector = BodyDetector(transport)
        self.iris_estimator = IrisEstimator(transport)

    # -- detection + descriptor pipeline ---------------------------------------------------------------------

    def detect(self, image: RgbImage) -> list[FaceDetection]:
        """Faces of one image, best score first."""
        return self.detector.detect(image)

    def describe(self, image: RgbImage, detections: list[FaceDetection]) -> list[ExtractedFace]:
        """Chips and descriptors for the given detections of one image (one batched model call)."""
        chips = face_chips(image, [d.landmarks for d in detections])
        descriptors = self.extractor.extract(chips)
        return [
            ExtractedFace(detection=d, chip=chip, descriptor=vec)
            for d, chip, vec in zip(detections, chips, descriptors, strict=True)
        ]

    def process(self, image: RgbImage, max_faces: int | None = None) -> list[ExtractedFace]:
        """Every face in the image (best score first, at most max_faces) with its descriptor."""
        detections = self.detect(image)
        if max_faces is not None:
            detections = detections[:max_faces]
        return self.describe(image, detections)

    def process_bytes(self, data: bytes, max_faces: int | None = None) -> list[ExtractedFace]:
        return self.process(decode_image(data), max_faces)

    # -- analysis --------------------------------------------------------------------------------------------

    def analyse_image(
        self,
        pixels: RgbImage,
        options: AnalysisOptions,
        *,
        warped: bool = False,
        scale: tuple[float, float] = (1.0, 1.0),
    ) -> ImageAnalysis:
        """Analyse one image: a photo (detect, estimate, filter, multiface policy) or, with `warped`, a face warp
        (its one face, see analyse_warps). `scale` maps the coordinates of `pixels` (a reduced decode) to the
        original image: every rect and landmark of the result is in original coordinates, warps are cut from
        `pixels`. Raises MultipleFacesError (Multiface.ERROR and more than one kept face), InferenceError."""
        result = ImageAnalysis()
        if warped:
            (face,) = self.analyse_warps([pixels], options)
            (result.filtered if face.filter_reasons else result.kept).append(face)
        elif options.faces:
            result.kept, result.filtered = self._analyse_photo(pixels, options)
        scale_x, scale_y = scale
        if options.bodies and not warped:
            result.bodies = [
                BodyAnalysis(
                    detection=scale_body(body, scale_x, scale_y),
                    warp=body_warp(pixels, body) if options.body_warp else None,
                )
                for body in self.body_detector.detect(pixels)
            ]
            result.face_bodies = (
                pair_faces_with_bodies([face.box for face in result.kept], [body.detection for body in result.bodies])
                if result.bodies
                else {}
            )
        if (scale_x, scale_y) != (1.0, 1.0):
            for face in (*result.kept, *result.filtered):
                scale_face(face, scale_x, scale_y)
            release_memory()  # a big image's temporaries are freed: hand the heaps' free pages back
        return result

    def analyse_warps(self, images: Sequence[RgbImage], options: AnalysisOptions) -> list[FaceAnalysis]:
        """The one face of each warp (any size, used as a 250x250 warp; the box is the whole input image), every
        model batched over the warps. Only quality and glasses need no model. A face that fails a filter
        (mask_states, score_threshold) comes back with its `filter_reasons` set, and without descriptor, basic
        attributes or warp."""
        warps = [warp_pixels(image) for image in images]
        faces = [FaceAnalysis(box=(0.0, 0.0, float(image.shape[1]), float(image.shape[0]))) for image in images]
        if not warps:
            return faces
        if options.needs_mask:
            for face, mask in zip(faces, self._warp_masks(warps), strict=True):
                face.filter_reasons = mask_filter_reasons(mask, options.mask_states)
                face.mask = mask if options.mask else None
        if options.emotions:
            for face, emotion in zip(faces, self._warp_emotions(warps), strict=True):
                face.emotions = emotion
        wants_chip = options.quality or options.descriptor or options.glasses or options.score_threshold > 0
        chips = [warp_to_chip(warp) for warp in warps] if wants_chip else []
        if options.score_threshold > 0 and chips:
            for face, score in zip(faces, descriptor_scores(self.transport, np.stack(chips)), strict=True):
                face.descriptor_score = float(score)
                face.filter_reasons += score_filter_reasons(face.descriptor_score, options.score_threshold)
        for face, chip in zip(faces, chips, strict=False):
            if options.quality:
                face.quality = chip_quality(chip)
            if options.glasses:
                face.glasses = estimate_glasses(chip)
        # Filtered faces get no descriptor, attributes or warp (as for photos).
        kept = [index for index, face in enumerate(faces) if not face.filter_reasons]
        if options.descriptor and chips and kept:
            stacked = np.stack([chips[index] for index in kept])
            for index, vector in zip(kept, self.extractor.extract(stacked), strict=True):
                faces[index].descriptor = vector
            unscored = [index for index in kept if faces[index].descriptor_score is None]
            if unscored:
                unscored_chips = stacked if unscored == kept else np.stack([chips[index] for index in unscored])
                scores = descriptor_scores(self.transport, unscored_chips)
                for index, score in zip(unscored, scores, strict=True):
                    faces[index].descriptor_score = float(score)
        if options.basic_attributes and kept:
            basics = self._warp_basic_attributes([warps[index] for index in kept])
            for index, basic in zip(kept, basics, strict=True):
                faces[index].basic = basic
        if options.warp:
            for index in kept:
                faces[index].warp = warps[index]
        return faces

    def _analyse_photo(
        self, pixels: RgbImage, options: AnalysisOptions
    ) -> tuple[list[FaceAnalysis], list[FaceAnalysis]]:
        """(kept faces, filtered faces) of a full image, best detection score first, in `pixels` coordinates."""
        detections = self.detect(pixels)
        pil = from_array(pixels)
        landmarks_of = [d.landmarks for d in detections]
        masks = self.mask_estimator.estimate_chips(mask_chips(pixels, landmarks_of)) if options.needs_mask else []
        # The score filter needs every detection's chip (and its score) before the multiface policy.
        early_chips: dict[int, NDArray[np.uint8]] = {}  # by id() of the detection
        scores: list[float] = []
        if options.score_threshold > 0 and detections:
            early_chips = {id(d): face_chip(pil, d.landmarks) for d in detections}
            scores = [float(x) for x in descriptor_scores(self.transport, np.stack(list(early_chips.values())))]
        # The liveness filter needs every detection's liveness before the policy; otherwise only kept faces'.
        liveness: list[Liveness] = []
        if options.liveness_states and detections:
            liveness = self.liveness_estimator.estimate(pixels, detections)
        kept: list[tuple[FaceDetection, FaceAnalysis]] = []
        filtered: list[tuple[FaceDetection, FaceAnalysis]] = []
        for index, detection in enumerate(detections):
            face = FaceAnalysis(box=detection.box, landmarks=np.asarray(detection.landmarks, dtype=np.float64))
            if options.needs_pose:
                pose = estimate_head_pose(detection)
                face.filter_reasons = angle_filter_reasons(pose, options.thresholds)
                face.head_pose = pose if options.head_pose else None
            if masks:
                face.filter_reasons += mask_filter_reasons(masks[index], options.mask_states)
                face.mask = masks[index] if options.mask else None
            if liveness:
                face.filter_reasons += liveness_filter_reasons(liveness[index], options.liveness_states)
                face.liveness = liveness[index] if options.liveness else None
            if scores:
                face.descriptor_score = scores[index]
                face.filter_reasons += score_filter_reasons(scores[index], options.score_threshold)
            (filtered if face.filter_reasons else kept).append((detection, face))
        if options.multiface == Multiface.ERROR and len(kept) > 1:
            raise MultipleFacesError(len(kept))
        if options.multiface == Multiface.BEST:
            kept = kept[:1]
        if options.liveness and not liveness and kept:
            for (_, face), estimate in zip(
                kept, self.liveness_estimator.estimate(pixels, [detection for detection, _ in kept]), strict=True
            ):
                face.liveness = estimate
        chips: list[NDArray[np.uint8]] = []
        for detection, face in kept:
            wants_chip = options.quality or options.descriptor or options.glasses
            chip = early_chips.get(id(detection))
            if chip is None and wants_chip:
                chip = face_chip(pil, detection.landmarks)
            if options.quality:
                face.quality = estimate_quality(pixels, detection, chip)
            if options.glasses and chip is not None:
                face.glasses = estimate_glasses(chip)
            if options.warp:
                face.warp = face_warp(pil, detection)
            if options.descriptor and chip is not None:
                chips.append(chip)
        for detection, face in filtered:
            if options.quality:
                face.quality = estimate_quality(pixels, detection)
        faces = [face for _, face in kept]
        if kept and options.descriptor:
            stacked = np.stack(chips)
            for face, vector in zip(faces, self.extractor.extract(stacked), strict=True):
                face.descriptor = vector
            if not scores:
                for face, score in zip(faces, descriptor_scores(self.transport, stacked), strict=True):
                    face.descriptor_score = float(score)
        if kept and options.basic_attributes:
            basics = self._basic_attributes(pixels, [detection.landmarks for detection, _ in kept])
            for face, basic in zip(faces, basics, strict=True):
                face.basic = basic
        both = kept + filtered
        if both and options.needs_facemesh:
            meshes = self.facemesh_estimator.estimate(pixels, [detection.landmarks for detection, _ in both])
            irises: list[Irises | None] = [None] * len(meshes)
            if options.needs_iris:
                irises = list(self.iris_estimator.estimate(pixels, [mesh.points for mesh in meshes]))
            mask_of = {id(detection): mask for detection, mask in zip(detections, masks, strict=False)}
            for (detection, face), mesh, iris in zip(both, meshes, irises, strict=True):
                points = mesh.landmarks68
                face.landmarks68 = points if options.landmarks68 else None
                face.eyes = eyes_from_landmarks68(points, iris) if options.eyes else None
                if options.gaze and iris is not None:
                    face.gaze = estimate_gaze(iris, estimate_head_pose(detection))
                if options.mouth:
                    mask = mask_of.get(id(detection))
                    face.mouth = mouth_from_landmarks68(points, mask.medical_mask if mask is not None else 0.0)
        if both and options.emotions:
            emotions = self.emotion_estimator.estimate_chips(
                emotion_chips(pixels, [detection.landmarks for detection, _ in both])
            )
            for (_, face), emotion in zip(both, emotions, strict=True):
                face.emotions = emotion
        return faces, [face for _, face in filtered]

    # -- batched model calls ---------------------------------------------------------------------------------

    def _basic_attributes(self, image: RgbImage, landmarks: Sequence[NDArray[np.floating]]) -> list[BasicAttributes]:
        """Age, gender and ethnicities of the faces of one photo with these five-point landmarks (batched)."""
        age_chips, gender_chips = attribute_chips(image, list(landmarks))
        ethnic_chips = ethnicity_chips(image, list(landmarks))
        return self.attributes.estimate_chips(age_chips, gender_chips, ethnic_chips)

    def _warp_basic_attributes(self, warps: Sequence[RgbImage]) -> list[BasicAttributes]:
        """Age, gender and ethnicities of face warps (uint8 [250, 250, 3] each), batched."""
        chips = [attribute_chips(warp, [WARP_LANDMARKS]) for warp in warps]
        age_chips = np.concatenate([age for age, _ in chips])
        gender_chips = np.concatenate([gender for _, gender in chips])
        ethnic_chips = np.concatenate([ethnicity_chips(warp, [WARP_LANDMARKS]) for warp in warps])
        return self.attributes.estimate_chips(age_chips, gender_chips, ethnic_chips)

    def _warp_emotions(self, warps: Sequence[RgbImage]) -> list[Emotions]:
        chips = np.concatenate([emotion_chips(warp, [WARP_LANDMARKS]) for warp in warps])
        return self.emotion_estimator.estimate_chips(chips)

    def _warp_masks(self, warps: Sequence[RgbImage]) -> list[MaskEstimation]:
        chips = np.concatenate([mask_chips(warp, [WARP_LANDMARKS]) for warp in warps])
        return self.mask_estimator.estimate_chips(chips)


def similarity(a: NDArray[np.floating], b: NDArray[np.floating]) -> float:
    """Cosine similarity of two L2-normalised descriptors."""
    return float(np.dot(a, b))
