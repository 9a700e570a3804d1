"""DetectorService: POST /6/detector (v6 API-006..007).

Details: docs/image-operations.md, "server/services/detector.py".
"""

from __future__ import annotations

import logging
from typing import Any

from PIL import Image

from inference.analysis import AnalysisOptions, FaceAnalysis
from lumen.v6 import detector_pb2, detector_service_pb2, detector_service_pb2_grpc
from server.analysis_options import (
    angle_thresholds,
    check_warp_facemesh,
    check_warp_options,
    multiface_policy,
    reject_unavailable,
)
from server.errors import LunaError
from server.face_inference import FaceInference, analyse_input, require
from server.face_results import (
    SUCCESS,
    WARP_CONTENT_TYPE,
    encode_warp,
    face_detection_result,
    filtered_detections,
    per_image_error,
)
from server.rpc import Call, luna_rpc
from server.services.blob_resources import FACE_SAMPLES, BlobResources
from server.services.image_input import InputImage, parse_image_body
from server.storage.store import Storage
from server.validation import flag_param

_LOGGER = logging.getLogger(__name__)

# Estimation switches of /6/detector: True = served (inference/analysis.py), False = no model yet
# (a 1 is answered 40005).
ESTIMATORS: dict[str, bool] = {
    "estimate_head_pose": True,
    "estimate_emotions": True,
    "estimate_mask": True,
    "detect_landmarks68": True,
    "estimate_quality": True,
    "estimate_gaze": True,
    "estimate_eyes_attributes": True,
    "estimate_mouth_attributes": True,
}

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


class DetectorService(detector_service_pb2_grpc.DetectorServiceServicer):
    def __init__(self, storage: Storage, inference: FaceInference | None) -> None:
        self.blobs = BlobResources(storage)
        self.inference = inference

    @luna_rpc(account_required=True)
    def Detect(self, request: detector_service_pb2.DetectRequest, call: Call) -> detector_service_pb2.DetectResponse:
        account_id = call.require_account()

        policy = multiface_policy(request)
        reject_unavailable(request, [name for name, served in ESTIMATORS.items() if not served])
        estimations = AnalysisOptions(
            head_pose=flag_param(request, "estimate_head_pose"),
            quality=flag_param(request, "estimate_quality"),
            emotions=flag_param(request, "estimate_emotions"),
            mask=flag_param(request, "estimate_mask"),
            landmarks68=flag_param(request, "detect_landmarks68"),
            eyes=flag_param(request, "estimate_eyes_attributes"),
            mouth=flag_param(request, "estimate_mouth_attributes"),
            gaze=flag_param(request, "estimate_gaze"),
            warp=True,
            thresholds=angle_thresholds(request),
            multiface=policy,
        )
        extract_exif = flag_param(request, "extract_exif")
        warped = flag_param(request, "warped_image")
        use_exif_info = flag_param(request, "use_exif_info", default=True)
        if warped:
            check_warp_options(estimations, "estimate_head_pose")
            check_warp_facemesh(estimations, "detect_landmarks68")
        images = parse_image_body(request.body).images
        inference = self.inference if warped else require(self.inference)
        results = []
        for item in images:
            results.append(self._image(item, account_id, inference, estimations, warped, use_exif_info, extract_exif))
        return detector_service_pb2.DetectResponse(images=results)

    def _image(
        self,
        item: InputImage,
        account_id: str,
        inference: FaceInference | None,
        estimations: AnalysisOptions,
        warped: bool,
        use_exif_info: bool,
        extract_exif: bool,
    ) -> detector_pb2.DetectorImage:
        result = detector_pb2.DetectorImage(filename=item.filename)
        try:
            analysed = analyse_input(item, inference, estimations, warped=warped, use_exif_info=use_exif_info)
        except LunaError as error:
            result.error.CopyFrom(per_image_error(error))
            result.status = 0
            return result
        result.error.CopyFrom(SUCCESS)
        result.status = 1
        result.detections.samples.extend(self._sample(face, account_id) for face in analysed.kept)
        result.detections.filtered_detections.CopyFrom(filtered_detections(item.filename, analysed.filtered))
        if extract_exif:
            tags = exif_tags(analysed.decoded.exif)
            if tags is not None:
                result.exif.update(tags)
        return result

    def _sample(self, face: FaceAnalysis, account_id: str) -> detector_pb2.DetectorSample:
        """Store the face's warp as a sample and describe it."""
        assert face.warp is not None
        sample_id, url = self.blobs.create(FACE_SAMPLES, account_id, WARP_CONTENT_TYPE, encode_warp(face.warp))
        detected = detector_pb2.DetectedFace(detection=face_detection_result(face), url=url, sample_id=sample_id)
        return detector_pb2.DetectorSample(face=detected)


def register(server: Any, context: Any) -> None:
    detector_service_pb2_grpc.add_DetectorServiceServicer_to_server(
        DetectorService(context.storage, context.face_inference), server
    )
