"""IsoService: POST /6/iso (v6 API-005): ISO/IEC 19794-5 checks of frontal face images; nothing is stored.

The body is one or several images as for /6/sdk (server/services/image_input.py: raw, base64, multipart).
Luna-Account-Id is not needed (v6 lists none) but accepted.

The answer's shape and the checks: docs/image-operations.md, "server/services/iso.py".
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

from google.api import httpbody_pb2
from google.protobuf import struct_pb2

from inference.analysis import AnalysisOptions, FaceAnalysis, Multiface
from inference.estimations.iso import IsoImage, iso_checks, iso_status
from lumen.v6 import iso_pb2, iso_service_pb2, iso_service_pb2_grpc
from server.analysis_options import multiface_policy
from server.errors import LunaError
from server.face_inference import FaceInference, analyse_input, require
from server.face_results import SUCCESS, detection_rect, per_image_error
from server.json_http import accept_header, message_to_json_value, negotiated_body
from server.rpc import Call, luna_rpc
from server.services.detector import exif_tags
from server.services.image_input import InputImage, parse_image_body
from server.validation import flag_param, int_param

_LOGGER = logging.getLogger(__name__)

IMAGE_RAW, IMAGE_FACE_WARP = 0, 1
#: Everything the 29 checks read.
ISO_ESTIMATIONS = AnalysisOptions(
    head_pose=True, quality=True, landmarks68=True, eyes=True, mouth=True, gaze=True, glasses=True
)

#: Messages printed as plain JSON values (not objects of fields).

CheckParams = iso_service_pb2.CheckRequest | iso_service_pb2.CheckImagesRequest


def python_value(value: Any) -> struct_pb2.Value:
    """A check's value (str, number, None, [str] or {min, max}) as google.protobuf.Value."""
    result = struct_pb2.Value()
    if value is None:
        result.null_value = struct_pb2.NULL_VALUE
    elif isinstance(value, str):
        result.string_value = value
    elif isinstance(value, int | float):
        result.number_value = float(value)
    elif isinstance(value, list):
        result.list_value.extend(value)
    elif isinstance(value, dict):
        result.struct_value.update(value)
    else:  # pragma: no cover - iso.py returns only the types above
        raise TypeError(f"unexpected check value {type(value).__name__}")
    return result


def iso_result(face: FaceAnalysis, pixels: Any, image_format: str) -> iso_pb2.IsoResult:
    """detection.iso of one face."""
    checks = iso_checks(
        face.iso_face(),
        IsoImage(pixels=pixels, format=image_format),
    )
    result = iso_pb2.IsoResult(status=iso_status(checks))
    for check in checks:
        result.checks.add(
            name=check.name,
            object_value=python_value(check.object_value),
            threshold_value=python_value(check.threshold_value),
            result=check.result,
        )
    return result


def with_min_max_order(value: dict[str, Any]) -> dict[str, Any]:
    """A Struct prints its keys sorted; v6 prints every {min, max} threshold as min first."""
    for image in value.get("images", []):
        for estimation in image.get("estimations", []):
            iso = estimation.get("face", {}).get("detection", {}).get("iso", {})
            for check in iso.get("checks", []):
                threshold = check.get("threshold_value")
                if isinstance(threshold, dict):
                    check["threshold_value"] = {key: threshold[key] for key in ("min", "max") if key in threshold}
    return value


class IsoService(iso_service_pb2_grpc.IsoServiceServicer):
    def __init__(self, inference: FaceInference | None) -> None:
        self.inference = inference

    @luna_rpc()
    def Check(self, request: iso_service_pb2.CheckRequest, call: Call) -> httpbody_pb2.HttpBody:
        response = self._check(request)
        value = with_min_max_order(message_to_json_value(response))
        return negotiated_body(value, accept_header(call.grpc_context))

    @luna_rpc()
    def CheckImages(
        self, request: iso_service_pb2.CheckImagesRequest, call: Call
    ) -> iso_service_pb2.CheckImagesResponse:
        return self._check(request)

    def _check(self, request: CheckParams) -> iso_service_pb2.CheckImagesResponse:
        image_type = int_param(request, "image_type", IMAGE_RAW, choices=(IMAGE_RAW, IMAGE_FACE_WARP))
        policy = multiface_policy(request, default=Multiface.ERROR)
        extract_exif = flag_param(request, "extract_exif")
        images = parse_image_body(request.body).images
        inference = require(self.inference)
        response = iso_service_pb2.CheckImagesResponse()
        for item in images:
            response.images.append(self._image(item, inference, policy, image_type == IMAGE_FACE_WARP, extract_exif))
        return response

    @staticmethod
    def _image(
        item: InputImage, inference: FaceInference, policy: Multiface, warped: bool, extract_exif: bool
    ) -> iso_pb2.IsoImage:
        result = iso_pb2.IsoImage(filename=item.filename)
        try:
            # A warp is analysed as a photo (its face detected again); EXIF orientation only for photos.
            # Not reduced: the checks measure the image itself (eye distance in pixels, colours at landmarks).
            options = replace(ISO_ESTIMATIONS, multiface=policy)
            analysed = analyse_input(item, inference, options, warped=False, use_exif_info=not warped, reduce=False)
        except LunaError as error:
            result.status = 0
            result.error.CopyFrom(per_image_error(error))
            return result
        result.status = 1
        result.error.CopyFrom(SUCCESS)
        decoded = analysed.decoded
        for face in analysed.kept:
            detection = result.estimations.add().face.detection
            detection.iso.CopyFrom(iso_result(face, decoded.pixels, decoded.format))
            detection.rect.CopyFrom(detection_rect(*face.box))
        if extract_exif:
            tags = exif_tags(decoded.exif)
            if tags is not None:
                result.exif.update(tags)
        return result


def register(server: Any, context: Any) -> None:
    iso_service_pb2_grpc.add_IsoServiceServicer_to_server(IsoService(context.face_inference), server)
    context.service_names.append(iso_service_pb2.DESCRIPTOR.services_by_name["IsoService"].full_name)
