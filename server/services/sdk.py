"""SdkService: POST /6/sdk (v6 API-003..004): detection and estimations, nothing stored.

The body is one or several images as for /6/detector (server/services/image_input.py: raw, base64,
multipart). Luna-Account-Id is optional (nothing is stored, nothing is read).

The answer's shape, the switches and filters: docs/image-operations.md, "server/services/sdk.py".
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import numpy as np
from google.api import httpbody_pb2
from google.protobuf import struct_pb2

from inference.analysis import AnalysisOptions, BodyAnalysis, FaceAnalysis, aggregate_faces
from inference.estimations.liveness import Liveness
from lumen.v6 import liveness_pb2, sdk_pb2, sdk_service_pb2, sdk_service_pb2_grpc
from server import errors
from server.analysis_options import (
    angle_thresholds,
    check_warp_facemesh,
    check_warp_options,
    coded_states,
    mask_states,
    multiface_policy,
    reject_unavailable,
    score_threshold,
)
from server.capabilities import BODY_DESCRIPTOR_AVAILABLE
from server.descriptor_codec import encode_sdk
from server.errors import LunaError
from server.face_inference import FaceInference, analyse_input, require
from server.face_results import (
    SUCCESS,
    basic_attributes_message,
    detection_rect,
    emotions_message,
    fill_face_detection,
    filtered_detections,
    glasses_message,
    mask_message,
    per_image_error,
    warp_base64,
)
from server.json_http import accept_header, message_to_json_value, negotiated_body
from server.rpc import Call, luna_rpc
from server.services.image_input import InputImage, parse_image_body
from server.storage.descriptors import current_version
from server.validation import flag_param, int_param

_LOGGER = logging.getLogger(__name__)

IMAGE_RAW, IMAGE_FACE_WARP, IMAGE_BODY_WARP = 0, 1, 2
# Switches Lumen has no model for: 1 is answered 40005.
UNAVAILABLE: tuple[str, ...] = ()
#: LUNA's liveness codes: 0 spoof, 1 real, 2 unknown (inference.estimations.liveness).
LIVENESS_CODES = (0, 1, 2)


def liveness_states(values: Sequence[str]) -> tuple[int, ...]:
    """The liveness_states filter (repeated parameter, codes 0..2)."""
    return coded_states(values, "liveness_states", LIVENESS_CODES)


def liveness_message(liveness: Liveness) -> liveness_pb2.SdkLiveness:
    """{prediction: "real"|"spoof"|"unknown", estimations{quality, score}} (v6 §6.13)."""
    return liveness_pb2.SdkLiveness(
        prediction=liveness.prediction_name(),
        estimations=liveness_pb2.SdkLivenessEstimations(quality=liveness.quality, score=liveness.score),
    )


def sdk_descriptor(vector: np.ndarray, score: float | None) -> sdk_pb2.SdkDescriptor:
    return sdk_pb2.SdkDescriptor(sdk_descriptor=encode_sdk(current_version(), vector), score=score)


def body_detection(body: BodyAnalysis, descriptor: bool) -> sdk_pb2.SdkBodyDetection:
    """{rect, warp (estimate_body_warp=1: the 128x256 body warp, base64 JPEG), attributes{descriptor: null}
    (estimate_body_descriptor=1: there is no body descriptor model)} of one body."""
    detection = sdk_pb2.SdkBodyDetection(rect=detection_rect(*body.detection.box))
    if body.warp is not None:
        detection.warp = warp_base64(body.warp)
    if descriptor and not BODY_DESCRIPTOR_AVAILABLE:
        detection.attributes.descriptor.null_value = struct_pb2.NULL_VALUE
    return detection


class SdkService(sdk_service_pb2_grpc.SdkServiceServicer):
    def __init__(self, inference: FaceInference | None) -> None:
        self.inference = inference

    @luna_rpc()
    def Estimate(self, request: sdk_service_pb2.EstimateRequest, call: Call) -> httpbody_pb2.HttpBody:
        response = self._estimate(request)
        return negotiated_body(message_to_json_value(response), accept_header(call.grpc_context))

    @luna_rpc()
    def EstimateImages(
        self, request: sdk_service_pb2.EstimateImagesRequest, call: Call
    ) -> sdk_service_pb2.EstimateResponse:
        return self._estimate(request.params)

    def _estimate(self, request: sdk_service_pb2.EstimateRequest) -> sdk_service_pb2.EstimateResponse:

        image_type = int_param(request, "image_type", IMAGE_RAW, choices=(IMAGE_RAW, IMAGE_FACE_WARP, IMAGE_BODY_WARP))
        policy = multiface_policy(request)
        detect_body = flag_param(request, "detect_body")
        body_warp = flag_param(request, "estimate_body_warp")
        bodies = detect_body or body_warp
        body_descriptor = flag_param(request, "estimate_body_descriptor", default=True)
        reject_unavailable(request, UNAVAILABLE)
        if image_type == IMAGE_BODY_WARP:
            raise LunaError(errors.ESTIMATION_NOT_AVAILABLE, name="image_type=2 (body warps)")
        estimations = AnalysisOptions(
            head_pose=flag_param(request, "estimate_head_pose"),
            quality=flag_param(request, "estimate_quality"),
            basic_attributes=flag_param(request, "estimate_basic_attributes"),
            descriptor=flag_param(request, "estimate_face_descriptor", default=True),
            warp=flag_param(request, "estimate_face_warp"),
            emotions=flag_param(request, "estimate_emotions"),
            mask=flag_param(request, "estimate_mask"),
            thresholds=angle_thresholds(request),
            mask_states=mask_states(request.mask_states),
            liveness=flag_param(request, "estimate_liveness"),
            liveness_states=liveness_states(request.liveness_states),
            landmarks68=flag_param(request, "estimate_landmarks68"),
            eyes=flag_param(request, "estimate_eyes_attributes"),
            mouth=flag_param(request, "estimate_mouth_attributes"),
            gaze=flag_param(request, "estimate_gaze"),
            glasses=flag_param(request, "estimate_glasses"),
            score_threshold=score_threshold(request),
            multiface=policy,
        )
        landmarks = flag_param(request, "estimate_landmarks5")
        detect_face = flag_param(request, "detect_face")
        aggregate = flag_param(request, "aggregate_attributes")
        use_exif_info = flag_param(request, "use_exif_info", default=True)
        # With bodies asked for, the default estimate_face_descriptor=1 alone does not ask for faces.
        descriptor_asked = estimations.descriptor and (request.HasField("estimate_face_descriptor") or not bodies)
        requested = (
            detect_face,
            landmarks,
            estimations.head_pose,
            estimations.quality,
            estimations.basic_attributes,
            descriptor_asked,
            estimations.warp,
            estimations.emotions,
            estimations.mask,
            estimations.needs_facemesh,
            estimations.liveness,
            estimations.glasses,
        )
        faces = any(requested)
        if not faces and not bodies:
            raise LunaError(errors.BAD_QUERY_PARAM, name="detect_face")
        warped = image_type == IMAGE_FACE_WARP
        if warped and bodies:
            raise LunaError(errors.BAD_QUERY_PARAM, name="detect_body" if detect_body else "estimate_body_warp")
        if warped:
            check_warp_options(estimations, "estimate_head_pose")
            check_warp_facemesh(estimations, "estimate_landmarks68")
            if estimations.needs_liveness:
                raise LunaError(
                    errors.BAD_QUERY_PARAM, name="estimate_liveness" if estimations.liveness else "liveness_states"
                )
            if landmarks:
                raise LunaError(errors.BAD_QUERY_PARAM, name="estimate_landmarks5")
        images = parse_image_body(request.body).images
        needs_models = (
            not warped
            or bodies
            or estimations.descriptor
            or estimations.basic_attributes
            or estimations.emotions
            or estimations.needs_mask
            or estimations.score_threshold > 0
        )
        inference = require(self.inference) if needs_models else self.inference
        response = sdk_service_pb2.EstimateResponse()
        every_face: list[FaceAnalysis] = []
        estimations = replace(estimations, faces=faces, bodies=bodies, body_warp=body_warp)
        for item in images:
            image, kept = self._image(
                item, inference, estimations, warped, landmarks, use_exif_info, aggregate, body_descriptor
            )
            response.images_estimations.append(image)
            every_face.extend(kept)
        if aggregate:
            response.aggregate_estimations.SetInParent()
            if every_face:
                self._aggregate(every_face, response.aggregate_estimations, estimations)
        return response

    def _image(
        self,
        item: InputImage,
        inference: FaceInference | None,
        estimations: AnalysisOptions,
        warped: bool,
        landmarks: bool,
        use_exif_info: bool,
        aggregate: bool,
        body_descriptor: bool,
    ) -> tuple[sdk_pb2.SdkImage, list[FaceAnalysis]]:
        result = sdk_pb2.SdkImage(filename=item.filename)
        try:
            analysed = analyse_input(item, inference, estimations, warped=warped, use_exif_info=use_exif_info)
        except LunaError as error:
            result.error.CopyFrom(per_image_error(error))
            result.status = 0
            return result, []
        result.error.CopyFrom(SUCCESS)
        result.status = 1
        analysis = analysed.analysis  # faces and bodies in full-image coordinates
        kept, bodies, pairs = analysis.kept, analysis.bodies, analysis.face_bodies
        for index, face in enumerate(kept):
            estimation = result.estimations.add()
            estimation.face.detection.CopyFrom(self._detection(face, landmarks, per_face_attributes=not aggregate))
            if index in pairs:
                estimation.body.detection.CopyFrom(body_detection(bodies[pairs[index]], body_descriptor))
        paired = set(pairs.values())
        for index, found in enumerate(bodies):
            if index not in paired:
                result.estimations.add().body.detection.CopyFrom(body_detection(found, body_descriptor))
        result.filtered_detections.CopyFrom(filtered_detections(item.filename, analysis.filtered, landmarks=landmarks))
        return result, kept

    @staticmethod
    def _detection(face: FaceAnalysis, landmarks: bool, *, per_face_attributes: bool) -> sdk_pb2.SdkFaceDetection:
        detection = sdk_pb2.SdkFaceDetection()
        fill_face_detection(detection, face, landmarks=landmarks)
        if per_face_attributes and face.emotions is not None:
            detection.attributes.emotions.CopyFrom(emotions_message(face.emotions))
        if per_face_attributes and face.mask is not None:
            detection.attributes.mask.CopyFrom(mask_message(face.mask))
        if per_face_attributes and face.basic is not None:
            detection.attributes.basic_attributes.CopyFrom(basic_attributes_message(face.basic))
        if per_face_attributes and face.descriptor is not None:
            detection.attributes.descriptor.CopyFrom(sdk_descriptor(face.descriptor, face.descriptor_score))
        if per_face_attributes and face.liveness is not None:
            detection.attributes.liveness.CopyFrom(liveness_message(face.liveness))
        if face.glasses is not None:
            detection.attributes.glasses.CopyFrom(glasses_message(face.glasses))
        if face.warp is not None:
            detection.warp = warp_base64(face.warp)
        return detection

    @staticmethod
    def _aggregate(
        faces: list[FaceAnalysis], target: sdk_pb2.SdkAggregateEstimations, estimations: AnalysisOptions
    ) -> None:
        attributes = target.face.attributes
        target.face.SetInParent()
        attributes.SetInParent()
        aggregated = aggregate_faces(faces)
        if estimations.basic_attributes and aggregated.basic is not None:
            attributes.basic_attributes.CopyFrom(basic_attributes_message(aggregated.basic))
        if estimations.descriptor and aggregated.descriptor is not None:
            attributes.descriptor.CopyFrom(sdk_descriptor(aggregated.descriptor, aggregated.descriptor_score))
        if estimations.mask and aggregated.mask is not None:
            attributes.mask.CopyFrom(mask_message(aggregated.mask))
        if estimations.emotions and aggregated.emotions is not None:
            attributes.emotions.CopyFrom(emotions_message(aggregated.emotions))
        if estimations.liveness and aggregated.liveness is not None:
            attributes.liveness.CopyFrom(liveness_message(aggregated.liveness))


def register(server: Any, context: Any) -> None:
    sdk_service_pb2_grpc.add_SdkServiceServicer_to_server(SdkService(context.face_inference), server)
    context.service_names.append(sdk_service_pb2.DESCRIPTOR.services_by_name["SdkService"].full_name)
