"""server/face_inference.py: the seam between the services and inference/ (a recording analyser stands in for the
models): each image of a /6/sdk request is one call into inference/, and inference errors become LUNA errors in
this one place."""

from __future__ import annotations

import io
from typing import Any

import numpy as np
import pytest
from google.api import httpbody_pb2
from PIL import Image

from inference.analysis import AnalysisOptions, BodyAnalysis, FaceAnalysis, ImageAnalysis, Multiface
from inference.errors import InferenceError, ModelsDisabledError, MultipleFacesError
from inference.estimations.body import BodyDetection
from inference.transport import NoModels
from lumen.v6 import sdk_service_pb2
from server import errors
from server.errors import LunaError
from server.face_inference import FaceInference, luna_errors
from server.services.sdk import SdkService

BOUNDARY = "seam-boundary"


class RecordingAnalyser:
    """Answers every image with one face and one body around it; records each call."""

    def __init__(self) -> None:
        self.calls: list[tuple[tuple[int, ...], AnalysisOptions, bool]] = []

    def analyse_image(
        self, pixels: Any, options: AnalysisOptions, *, warped: bool = False, scale: tuple[float, float] = (1.0, 1.0)
    ) -> ImageAnalysis:
        self.calls.append((pixels.shape, options, warped))
        face = FaceAnalysis(box=(10.0, 12.0, 20.0, 24.0), landmarks=np.full((5, 2), 15.0))
        body = BodyAnalysis(BodyDetection(x=5.0, y=5.0, width=40.0, height=60.0, score=0.9))
        return ImageAnalysis(kept=[face], bodies=[body], face_bodies={0: 0})


def jpeg(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (120, 90, 60)).save(out, format="JPEG")
    return out.getvalue()


def multipart(*images: bytes) -> bytes:
    parts = [
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="image{index}"; filename="{index}.jpg"\r\n'
        f"Content-Type: image/jpeg\r\n\r\n".encode()
        + data
        + b"\r\n"
        for index, data in enumerate(images)
    ]
    return b"".join(parts) + f"--{BOUNDARY}--\r\n".encode()


def test_each_sdk_image_is_one_call_into_inference() -> None:
    inference = FaceInference(NoModels(), name="test")
    analyser = RecordingAnalyser()
    inference.analyser = analyser  # type: ignore[assignment]
    request = sdk_service_pb2.EstimateRequest(
        body=httpbody_pb2.HttpBody(
            content_type=f"multipart/form-data; boundary={BOUNDARY}", data=multipart(jpeg(64, 48), jpeg(32, 80))
        ),
        detect_body=True,
        estimate_quality=True,
        estimate_landmarks5=True,
        multiface_policy=2,
    )
    response = SdkService(inference)._estimate(request)
    assert [shape for shape, _, _ in analyser.calls] == [(48, 64, 3), (80, 32, 3)]
    options = analyser.calls[0][1]
    assert options.quality and options.bodies and options.faces and options.multiface == Multiface.BEST
    assert not any(warped for _, _, warped in analyser.calls)
    for image in response.images_estimations:
        assert image.status == 1
        (estimation,) = image.estimations
        assert estimation.face.detection.rect.width == 20 and estimation.body.detection.rect.height == 60


@pytest.mark.parametrize(
    ("raised", "spec", "detail"),
    [
        (MultipleFacesError(3), errors.MULTIPLE_FACES, "Found 3 faces"),
        (ModelsDisabledError("no models"), errors.INFERENCE_UNAVAILABLE, "disabled"),
        (InferenceError("tensor shapes"), errors.INFERENCE_UNAVAILABLE, "model call to backend-x failed"),
    ],
)
def test_inference_errors_become_luna_errors(raised: Exception, spec: errors.ErrorSpec, detail: str) -> None:
    with pytest.raises(LunaError) as caught, luna_errors("backend-x"):
        raise raised
    assert caught.value.spec is spec and detail in caught.value.detail
    assert "tensor shapes" not in caught.value.detail  # the backend's message is logged, not answered
