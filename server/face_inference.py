"""The server's side of the seam to inference/: the connection to the models, the decode + analysis of one input
image, and the one place where inference errors become LUNA errors.

Services parse their query into `inference.analysis.AnalysisOptions` (server/analysis_options.py), call
`analyse_input` (or `FaceInference.analyse_warps` for stored samples) once per image and build their answer
from the results (server/face_results.py).

Details: docs/image-operations.md, "server/face_inference.py".
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache

from inference.analysis import AnalysisOptions, FaceAnalyser, FaceAnalysis, ImageAnalysis
from inference.errors import InferenceError, ModelsDisabledError, MultipleFacesError
from inference.image import RgbImage
from inference.models import DLIB_DESCRIPTOR, ModelSpec, descriptor_model
from inference.transport import InferenceTransport, NoModels
from server import errors
from server.errors import LunaError
from server.services.image_input import DecodedImage, InputImage, decode
from server.settings import Settings

_LOGGER = logging.getLogger(__name__)

DISABLED_REASON = "inference is disabled (LUMEN_TRITON_ENABLED=0)"


@contextmanager
def luna_errors(name: str) -> Iterator[None]:
    """Inference exceptions as LUNA errors: several faces where one is allowed 40006; no models or a failed model
    call 40004 (the failure is logged, the answer names only the backend)."""
    try:
        yield
    except MultipleFacesError as error:
        raise LunaError(errors.MULTIPLE_FACES, count=error.count) from None
    except ModelsDisabledError:
        raise LunaError(errors.INFERENCE_UNAVAILABLE, reason=DISABLED_REASON) from None
    except InferenceError as error:
        _LOGGER.error("inference failed on %s: %s", name, error)
        raise LunaError(errors.INFERENCE_UNAVAILABLE, reason=f"model call to {name} failed") from None


class FaceInference:
    """The server's connection to the models: one FaceAnalyser over one transport, its errors as LUNA errors."""

    def __init__(
        self, transport: InferenceTransport, *, name: str = "local", descriptor_model: ModelSpec = DLIB_DESCRIPTOR
    ) -> None:
        self.transport = transport
        self.name = name
        self.analyser = FaceAnalyser(transport, descriptor_model=descriptor_model)

    @classmethod
    def from_settings(cls, settings: Settings) -> FaceInference | None:
        """Triton at the configured URL, descriptors from the Triton version of the configured descriptor version."""
        if not settings.triton_enabled:
            return None
        from inference.triton import TritonTransport

        model = configured_descriptor_model(settings)
        name = f"Triton {settings.triton_grpc_url}"
        return cls(TritonTransport(settings.triton_grpc_url), name=name, descriptor_model=model)

    def analyse_image(
        self,
        pixels: RgbImage,
        options: AnalysisOptions,
        *,
        warped: bool = False,
        scale: tuple[float, float] = (1.0, 1.0),
    ) -> ImageAnalysis:
        with luna_errors(self.name):
            return self.analyser.analyse_image(pixels, options, warped=warped, scale=scale)

    def analyse_warps(self, warps: Sequence[RgbImage], options: AnalysisOptions) -> list[FaceAnalysis]:
        with luna_errors(self.name):
            return self.analyser.analyse_warps(warps, options)

    def close(self) -> None:
        self.transport.close()


def configured_descriptor_model(settings: Settings) -> ModelSpec:
    """The descriptor model at the Triton version that produces `face_descriptor_version` (docs/model-updates.md)."""
    return descriptor_model(settings.descriptor_models()[settings.face_descriptor_version])


@cache
def model_free() -> FaceInference:
    """The analysis of an installation without models: what needs none (a warp's quality) works, the rest is
    40004."""
    return FaceInference(NoModels(), name="no models")


def require(inference: FaceInference | None) -> FaceInference:
    if inference is None:
        raise LunaError(errors.INFERENCE_UNAVAILABLE, reason=DISABLED_REASON)
    return inference


@dataclass
class AnalysedImage:
    """One input image after decoding and analysis."""

    decoded: DecodedImage
    analysis: ImageAnalysis

    @property
    def kept(self) -> list[FaceAnalysis]:
        return self.analysis.kept

    @property
    def filtered(self) -> list[FaceAnalysis]:
        return self.analysis.filtered


def analyse_input(
    item: InputImage,
    inference: FaceInference | None,
    options: AnalysisOptions,
    *,
    warped: bool = False,
    use_exif_info: bool = True,
    reduce: bool = True,
) -> AnalysedImage:
    """Decode one image of a request and analyse it: one call into inference/.

    A photo bigger than the working size is analysed reduced (`reduce`, server/services/image_input.py) and its
    faces' and bodies' coordinates come back in the full image, where v6 reports them; the warps are cut from
    the reduced image. `decoded.pixels` stays the analysed (possibly reduced) image. Raises LunaError for a
    failure of this image alone; callers turn it into the per-image error object with
    server/face_results.py `per_image_error`, so the other images of the request go on. Without models
    (`inference` None) only what needs none is answered (40004 for the rest).
    """
    if item.error is not None:
        raise item.error
    decoded = decode(item.data, use_exif_info=use_exif_info and not warped, reduce=reduce)
    scale = (decoded.scale_x, decoded.scale_y) if decoded.reduced else (1.0, 1.0)
    analysis = (inference or model_free()).analyse_image(decoded.pixels, options, warped=warped, scale=scale)
    return AnalysedImage(decoded, analysis)
