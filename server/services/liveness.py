"""LivenessService: POST /6/liveness (v6 API-149): the probability that the face of each image is a live person
and not a presentation attack; nothing is stored.

The body is one or several images as for /6/sdk (server/services/image_input.py: raw, base64, multipart; a
multipart part named `meta` (LUNA's LivenessMeta, device information) or `x_meta` is accepted and ignored, as
LUNA's Liveness V2 ignores `meta`). Luna-Account-Id is optional.

The answer's shape and the prediction rule: docs/image-operations.md, "server/services/liveness.py".
"""

from __future__ import annotations

import logging
from typing import Any

from google.protobuf import struct_pb2

from inference.analysis import AnalysisOptions, Multiface
from inference.estimations.liveness import Liveness, aggregate
from lumen.v6 import liveness_pb2, liveness_service_pb2, liveness_service_pb2_grpc
from server import errors
from server.errors import LunaError
from server.face_inference import FaceInference, require
from server.face_results import SUCCESS, image_error
from server.rpc import Call, luna_rpc
from server.services.image_input import InputImage, decode, parse_image_body
from server.validation import flag_param

_LOGGER = logging.getLogger(__name__)

NON_IMAGE_PARTS = ("meta", "x_meta")
#: The liveness of the best face (by detection score) of each image.
LIVENESS_OPTIONS = AnalysisOptions(liveness=True, multiface=Multiface.BEST)


def liveness_value(liveness: Liveness) -> struct_pb2.Value:
    """{"prediction": int, "estimations": {"probability", "quality"}} as a JSON value (null-able field)."""
    value = struct_pb2.Value()
    value.struct_value.update(
        {
            "prediction": liveness.prediction(),
            "estimations": {"probability": liveness.score, "quality": liveness.quality},
        }
    )
    return value


def null_value() -> struct_pb2.Value:
    return struct_pb2.Value(null_value=struct_pb2.NULL_VALUE)


class LivenessService(liveness_service_pb2_grpc.LivenessServiceServicer):
    def __init__(self, inference: FaceInference | None) -> None:
        self.inference = inference

    @luna_rpc()
    def PredictLiveness(
        self, request: liveness_service_pb2.PredictLivenessRequest, call: Call
    ) -> liveness_service_pb2.PredictLivenessResponse:
        aggregate_flag = flag_param(request, "aggregate")
        images = parse_image_body(request.body, skip_parts=NON_IMAGE_PARTS).images
        inference = require(self.inference)
        response = liveness_service_pb2.PredictLivenessResponse()
        results: list[Liveness] = []
        for item in images:
            image, result = self._image(item, inference)
            response.images.append(image)
            if result is not None:
                results.append(result)
        if aggregate_flag:
            response.aggregate_estimations.liveness.CopyFrom(
                liveness_value(aggregate(results)) if results else null_value()
            )
        return response

    @staticmethod
    def _image(item: InputImage, inference: FaceInference) -> tuple[liveness_pb2.LivenessImage, Liveness | None]:
        result = liveness_pb2.LivenessImage(filename=item.filename)
        try:
            if item.error is not None:
                raise LunaError(errors.LIVENESS_BAD_IMAGE)
            try:
                decoded = decode(item.data)
            except LunaError:
                raise LunaError(errors.LIVENESS_BAD_IMAGE) from None
            analysis = inference.analyse_image(decoded.pixels, LIVENESS_OPTIONS)
            if not analysis.kept or analysis.kept[0].liveness is None:
                raise LunaError(errors.LIVENESS_NO_FACE)
            liveness = analysis.kept[0].liveness
        except LunaError as error:
            if error.spec is errors.INFERENCE_UNAVAILABLE:
                raise  # the whole request fails: no image can be processed
            result.status = 0
            result.liveness.CopyFrom(null_value())
            result.error.CopyFrom(image_error(error))
            return result, None
        result.status = 1
        result.liveness.CopyFrom(liveness_value(liveness))
        result.error.CopyFrom(SUCCESS)
        return result, liveness


def register(server: Any, context: Any) -> None:
    liveness_service_pb2_grpc.add_LivenessServiceServicer_to_server(LivenessService(context.face_inference), server)
    context.service_names.append(liveness_service_pb2.DESCRIPTOR.services_by_name["LivenessService"].full_name)
