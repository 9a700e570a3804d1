"""DetectorService: POST /6/detector (v6 API-006..007).

Detects faces in one or several images (server/services/image_input.py: raw, base64, multipart),
stores a 250x250 aligned face warp per detection in the face samples store (server/face_inference.py
documents the warp), and answers `{"images": [...]}` in input order: per image `filename`, `error`
({0, "Success", "Success"} or the image's own error), `status` (1/0) and `detections{samples[{face{
detection{rect, landmarks5}, url, sample_id}}], filtered_detections{face_detections}}`. A broken image
gets status 0 and its error; the other images go on.

Query parameters served with real outputs: multiface_policy (0: several faces in an image is a
per-image error 40006; 1: every face; 2: the best-scored face), warped_image (the input is a warp:
stored as a 250x250 sample, rect = the whole warp, no landmarks5), use_exif_info (EXIF orientation;
TIFF always), extract_exif (JPEG EXIF tags: make, model, software, artist, flash, orientation, gps).
Estimations Lumen has no model for yet are rejected with 40005 (501) when set to 1, never faked:
estimate_head_pose, estimate_emotions, estimate_mask, detect_landmarks68, estimate_quality,
estimate_gaze, estimate_eyes_attributes, estimate_mouth_attributes; the head-angle filters
pitch/roll/yaw_threshold are accepted only at 180 (no filtering) for the same reason.
`ESTIMATORS` below is where an estimation module plugs in.

The detection confidence score is not printed: no v6 detector output has one (spec §6.1).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import numpy as np
from google.protobuf import struct_pb2
from PIL import Image

from inference.image import from_array
from inference.types import FaceDetection
from lumen.v6 import common_pb2, detector_pb2, detector_service_pb2, detector_service_pb2_grpc
from server import errors
from server.errors import LunaError
from server.face_inference import (
    WARP_CONTENT_TYPE,
    WARP_SIZE,
    FaceInference,
    encode_warp,
    face_warp,
    require,
)
from server.rpc import Call, luna_rpc
from server.services.blob_resources import FACE_SAMPLES, BlobResources
from server.services.image_input import DecodedImage, InputImage, decode, parse_image_body
from server.storage.store import Storage
from server.validation import query_flag, query_int

_LOGGER = logging.getLogger(__name__)

MULTIFACE_ERROR, MULTIFACE_ALL, MULTIFACE_BEST = 0, 1, 2
NO_ANGLE_FILTER = 180
SUCCESS = common_pb2.Error(error_code=0, desc="Success", detail="Success")

# Estimation switches of /6/detector -> estimator (None: no model yet, the switch is rejected).
# An estimator gets (image pixels, detection) and returns what to merge into the detection.
Estimator = Callable[[np.ndarray, FaceDetection], dict[str, Any]]
ESTIMATORS: dict[str, Estimator | None] = {
    "estimate_head_pose": None,
    "estimate_emotions": None,
    "estimate_mask": None,
    "detect_landmarks68": None,
    "estimate_quality": None,
    "estimate_gaze": None,
    "estimate_eyes_attributes": None,
    "estimate_mouth_attributes": None,
}
ANGLE_THRESHOLDS = ("pitch_threshold", "roll_threshold", "yaw_threshold")

# EXIF tags printed with extract_exif=1 (v6 §6.21 seen keys), tag id -> key.
EXIF_IFD0_TAGS = {0x010F: "make", 0x0110: "model", 0x0131: "software", 0x013B: "artist", 0x0112: "orientation"}
EXIF_SUB_IFD = 0x8769
EXIF_FLASH = 0x9209
GPS_IFD = 0x8825
GPS_LATITUDE, GPS_LONGITUDE = 2, 4


def _exif_value(value: Any) -> Any:
    if isinstance(value, bytes):
        return value.decode("latin-1").rstrip("\x00")
    if isinstance(value, str):
        return value.rstrip("\x00")
    if isinstance(value, int | float):
        return value
    return str(value)


def exif_tags(exif: Image.Exif | None) -> dict[str, Any] | None:
    """The EXIF tags v6 shows, as found (None when the image has no EXIF)."""
    if exif is None or len(exif) == 0:
        return None
    found: dict[str, Any] = {}
    for tag, key in EXIF_IFD0_TAGS.items():
        if tag in exif:
            found[key] = _exif_value(exif[tag])
    sub = exif.get_ifd(EXIF_SUB_IFD)
    if EXIF_FLASH in sub:
        found["flash"] = _exif_value(sub[EXIF_FLASH])
    gps = exif.get_ifd(GPS_IFD)
    coordinates = {}
    for tag, key in ((GPS_LATITUDE, "latitude"), (GPS_LONGITUDE, "longitude")):
        value = gps.get(tag)
        if isinstance(value, tuple) and len(value) == 3:
            coordinates[key] = ", ".join(str(round(float(part), 2)) for part in value)
    if coordinates:
        found["gps"] = coordinates
    return found


def _point_list(points: np.ndarray) -> struct_pb2.ListValue:
    values = struct_pb2.ListValue()
    for x, y in points:
        values.append([int(round(float(x))), int(round(float(y)))])
    return values


def _rect(x: float, y: float, width: float, height: float) -> detector_pb2.DetectionRect:
    left, top = int(round(x)), int(round(y))
    return detector_pb2.DetectionRect(
        x=left, y=top, width=int(round(x + width)) - left, height=int(round(y + height)) - top
    )


class DetectorService(detector_service_pb2_grpc.DetectorServiceServicer):
    def __init__(self, storage: Storage, inference: FaceInference | None) -> None:
        self.blobs = BlobResources(storage)
        self.inference = inference

    @luna_rpc(account_required=True, status=201)
    def Detect(self, request: detector_service_pb2.DetectRequest, call: Call) -> detector_service_pb2.DetectResponse:
        account_id = call.require_account()

        def given(name: str) -> str | None:
            return getattr(request, name) if request.HasField(name) else None

        policy = query_int(
            given("multiface_policy"),
            "multiface_policy",
            MULTIFACE_ALL,
            choices=(MULTIFACE_ERROR, MULTIFACE_ALL, MULTIFACE_BEST),
        )
        for name, estimator in ESTIMATORS.items():
            if query_flag(given(name), name) and estimator is None:
                raise LunaError(errors.ESTIMATION_NOT_AVAILABLE, name=name)
        for name in ANGLE_THRESHOLDS:
            threshold = query_int(given(name), name, NO_ANGLE_FILTER, minimum=0, maximum=NO_ANGLE_FILTER)
            if threshold != NO_ANGLE_FILTER:
                raise LunaError(errors.ESTIMATION_NOT_AVAILABLE, name=f"estimate_head_pose ({name})")
        extract_exif = query_flag(given("extract_exif"), "extract_exif")
        warped = query_flag(given("warped_image"), "warped_image")
        use_exif_info = query_flag(given("use_exif_info"), "use_exif_info", default=True)
        images = parse_image_body(request.body).images
        inference = None if warped else require(self.inference)
        results = []
        for item in images:
            results.append(self._image(item, account_id, inference, policy, warped, use_exif_info, extract_exif))
        return detector_service_pb2.DetectResponse(images=results)

    def _image(
        self,
        item: InputImage,
        account_id: str,
        inference: FaceInference | None,
        policy: int,
        warped: bool,
        use_exif_info: bool,
        extract_exif: bool,
    ) -> detector_pb2.DetectorImage:
        result = detector_pb2.DetectorImage(filename=item.filename)
        try:
            if item.error is not None:
                raise item.error
            decoded = decode(item.data, use_exif_info=use_exif_info and not warped)
            if warped:
                samples = [self._warp_sample(decoded, account_id)]
            else:
                assert inference is not None
                samples = self._detect(decoded, account_id, inference, policy)
        except LunaError as error:
            if error.spec is errors.INFERENCE_UNAVAILABLE:
                raise  # the whole request fails: no image can be processed
            result.error.CopyFrom(common_pb2.Error(error_code=error.code, desc=error.spec.desc, detail=error.detail))
            result.status = 0
            return result
        result.error.CopyFrom(SUCCESS)
        result.status = 1
        result.detections.samples.extend(samples)
        result.detections.filtered_detections.SetInParent()
        if extract_exif:
            tags = exif_tags(decoded.exif)
            if tags is not None:
                result.exif.update(tags)
        return result

    def _detect(
        self, decoded: DecodedImage, account_id: str, inference: FaceInference, policy: int
    ) -> list[detector_pb2.DetectorSample]:
        detections = inference.detect(decoded.pixels)
        if policy == MULTIFACE_ERROR and len(detections) > 1:
            raise LunaError(errors.MULTIPLE_FACES, count=len(detections))
        if policy == MULTIFACE_BEST:
            detections = detections[:1]
        pil = from_array(decoded.pixels)
        samples = []
        for detection in detections:
            warp = encode_warp(face_warp(pil, detection))
            sample_id, url = self.blobs.create(FACE_SAMPLES, account_id, WARP_CONTENT_TYPE, warp)
            face = detector_pb2.DetectedFace(
                detection=detector_pb2.FaceDetectionResult(
                    rect=_rect(*detection.box), landmarks5=_point_list(detection.landmarks)
                ),
                url=url,
                sample_id=sample_id,
            )
            samples.append(detector_pb2.DetectorSample(face=face))
        return samples

    def _warp_sample(self, decoded: DecodedImage, account_id: str) -> detector_pb2.DetectorSample:
        """warped_image=1: the input is a face warp; stored as a 250x250 sample as it is."""
        pil = from_array(decoded.pixels)
        height, width = decoded.pixels.shape[:2]
        if pil.size != (WARP_SIZE, WARP_SIZE):
            pil = pil.resize((WARP_SIZE, WARP_SIZE), Image.Resampling.BILINEAR)
        sample_id, url = self.blobs.create(
            FACE_SAMPLES, account_id, WARP_CONTENT_TYPE, encode_warp(np.asarray(pil, dtype=np.uint8))
        )
        face = detector_pb2.DetectedFace(
            detection=detector_pb2.FaceDetectionResult(rect=_rect(0, 0, width, height)),
            url=url,
            sample_id=sample_id,
        )
        return detector_pb2.DetectorSample(face=face)


def register(server: Any, context: Any) -> None:
    detector_service_pb2_grpc.add_DetectorServiceServicer_to_server(
        DetectorService(context.storage, context.face_inference), server
    )
