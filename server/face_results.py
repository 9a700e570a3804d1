"""The v6 protobuf pieces of the face analysis answers (/6/detector, /6/sdk, /6/iso, /6/liveness, /6/extractor),
built from `inference.analysis` results, and the per-image error objects.

Details: docs/image-operations.md, "server/face_results.py".
"""

from __future__ import annotations

import base64
import io
from collections.abc import Sequence

import numpy as np
from google.protobuf import struct_pb2
from numpy.typing import NDArray

from inference.analysis import FaceAnalysis
from inference.estimations.attributes import BasicAttributes
from inference.estimations.emotions import Emotions
from inference.estimations.eyes import EyesAttributes
from inference.estimations.gaze import Gaze
from inference.estimations.glasses import Glasses
from inference.estimations.head_pose import HeadPose
from inference.estimations.mask import MaskEstimation
from inference.estimations.mouth import MouthAttributes
from inference.estimations.quality import FaceQuality
from inference.image import from_array
from lumen.v6 import common_pb2, detector_pb2, handler_events_pb2, sdk_pb2
from server import errors
from server.errors import LunaError

SUCCESS = common_pb2.Error(error_code=0, desc="Success", detail="Success")
WARP_JPEG_QUALITY = 95
WARP_CONTENT_TYPE = "image/jpeg"


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


def fill_face_detection(
    target: detector_pb2.FaceDetectionResult | sdk_pb2.SdkFaceDetection | handler_events_pb2.EventFaceDetection,
    face: FaceAnalysis,
    *,
    landmarks: bool,
) -> None:
    """The fields the /6/detector, /6/sdk and handler event face detections share: rect, landmarks5 (when `landmarks`),
    landmarks68, quality, and the head pose, eyes, mouth and gaze attributes that were estimated."""
    target.rect.CopyFrom(detection_rect(*face.box))
    if landmarks and face.landmarks is not None:
        target.landmarks5.CopyFrom(point_list(face.landmarks))
    if face.landmarks68 is not None:
        target.landmarks68.CopyFrom(point_list(face.landmarks68))
    if face.quality is not None:
        target.quality.CopyFrom(quality_message(face.quality))
    if face.head_pose is not None:
        target.attributes.head_pose.CopyFrom(head_pose_message(face.head_pose))
    if face.eyes is not None:
        target.attributes.eyes_attributes.CopyFrom(eyes_message(face.eyes))
    if face.mouth is not None:
        target.attributes.mouth_attributes.CopyFrom(mouth_message(face.mouth))
    if face.gaze is not None:
        target.attributes.gaze.CopyFrom(gaze_message(face.gaze))


def face_detection_result(face: FaceAnalysis, *, landmarks: bool = True) -> detector_pb2.FaceDetectionResult:
    """{rect, landmarks5, quality, attributes{head_pose, emotions, mask}} with what was estimated (the
    /6/detector shape, also the `sample.detection` of filtered faces)."""
    result = detector_pb2.FaceDetectionResult()
    fill_face_detection(result, face, landmarks=landmarks)
    if face.emotions is not None:
        result.attributes.emotions.CopyFrom(emotions_message(face.emotions))
    if face.mask is not None:
        result.attributes.mask.CopyFrom(mask_message(face.mask))
    return result


def filtered_detections(
    filename: str, faces: Sequence[FaceAnalysis], *, landmarks: bool = True
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


def per_image_error(error: LunaError) -> common_pb2.Error:
    """The error object of a failed image; re-raises when no image can be processed at all."""
    if error.spec is errors.INFERENCE_UNAVAILABLE:
        raise error
    return image_error(error)


def warp_base64(warp: NDArray[np.uint8]) -> str:
    """A warp as the base64 JPEG v6 returns for estimate_face_warp."""
    return base64.b64encode(encode_warp(warp)).decode("ascii")


def encode_warp(warp: NDArray[np.uint8]) -> bytes:
    """A face warp as the JPEG Lumen stores (face samples) and returns."""
    out = io.BytesIO()
    from_array(warp).save(out, format="JPEG", quality=WARP_JPEG_QUALITY)
    return out.getvalue()
