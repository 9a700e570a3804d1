"""The gRPC server's one inference client: detection, face warps, descriptors, age, gender and ethnicity over
Triton.

Details: docs/image-operations.md, "server/face_inference.py".
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import numpy as np
from numpy.typing import NDArray
from PIL import Image

from inference.alignment import CHIP_PADDING, CHIP_SIZE, face_chip, template
from inference.errors import InferenceError
from inference.estimations.attributes import BasicAttributes, BasicAttributesEstimator, attribute_chips
from inference.estimations.body import BodyDetection, BodyDetector
from inference.estimations.descriptor_score import descriptor_scores
from inference.estimations.emotions import EmotionEstimator, Emotions, emotion_chips
from inference.estimations.ethnicity import ethnicity_chips
from inference.estimations.iris import Irises, IrisEstimator
from inference.estimations.landmarks68 import FaceMesh, FaceMeshEstimator
from inference.estimations.liveness import Liveness, LivenessEstimator
from inference.estimations.mask import MaskEstimation, MaskEstimator, mask_chips
from inference.estimations.quality import FaceQuality
from inference.image import RgbImage, from_array
from inference.pipeline import FacePipeline
from inference.transport import InferenceTransport
from inference.types import FaceDetection
from server import errors
from server.errors import LunaError
from server.settings import Settings

_LOGGER = logging.getLogger(__name__)

WARP_SIZE = 250
WARP_PADDING = CHIP_PADDING  # same template, scaled by WARP_SIZE / CHIP_SIZE
WARP_JPEG_QUALITY = 95
WARP_CONTENT_TYPE = "image/jpeg"


class FaceInference:
    """Detection, descriptors, age/gender/ethnicity, emotions and mask; model failures become LUNA 40004 errors."""

    def __init__(self, transport: InferenceTransport, *, name: str = "local") -> None:
        self.transport = transport
        self.name = name
        self.pipeline = FacePipeline(transport)
        self.attributes = BasicAttributesEstimator(transport)
        self.emotion_estimator = EmotionEstimator(transport)
        self.mask_estimator = MaskEstimator(transport)
        self.liveness_estimator = LivenessEstimator(transport)
        self.facemesh_estimator = FaceMeshEstimator(transport)
        self.body_detector = BodyDetector(transport)
        self.iris_estimator = IrisEstimator(transport)

    @classmethod
    def from_settings(cls, settings: Settings) -> FaceInference | None:
        if not settings.triton_enabled:
            return None
        from inference.triton import TritonTransport

        return cls(TritonTransport(settings.triton_grpc_url), name=f"Triton {settings.triton_grpc_url}")

    @contextmanager
    def _models(self) -> Iterator[None]:
        try:
            yield
        except InferenceError as error:
            _LOGGER.error("inference failed on %s: %s", self.name, error)
            raise LunaError(errors.INFERENCE_UNAVAILABLE, reason=f"model call to {self.name} failed") from None

    def detect(self, image: RgbImage) -> list[FaceDetection]:
        """Faces of one image, best score first."""
        with self._models():
            return self.pipeline.detect(image)

    def describe_chips(self, chips: NDArray[np.uint8]) -> NDArray[np.float32]:
        """L2-normalised descriptors float32 [N, 128] of chips uint8 [N, 150, 150, 3] (batched)."""
        with self._models():
            return self.pipeline.extractor.extract(chips)

    def descriptor_scores(self, chips: NDArray[np.uint8]) -> NDArray[np.float32]:
        """The descriptor score of chips uint8 [N, 150, 150, 3] (inference/estimations/descriptor_score.py)."""
        with self._models():
            return descriptor_scores(self.transport, chips)

    def basic_attributes(self, image: RgbImage, landmarks: Sequence[NDArray[np.floating]]) -> list[BasicAttributes]:
        """Age, gender and ethnicities of the faces of one photo with these five-point landmarks (batched)."""
        age_chips, gender_chips = attribute_chips(image, list(landmarks))
        ethnic_chips = ethnicity_chips(image, list(landmarks))
        with self._models():
            return self.attributes.estimate_chips(age_chips, gender_chips, ethnic_chips)

    def warp_basic_attributes(self, warps: Sequence[RgbImage]) -> list[BasicAttributes]:
        """Age, gender and ethnicities of face warps (uint8 [250, 250, 3] each, see warp_pixels), batched."""
        chips = [attribute_chips(warp, [WARP_LANDMARKS]) for warp in warps]
        if not chips:
            return []
        age_chips = np.concatenate([age for age, _ in chips])
        gender_chips = np.concatenate([gender for _, gender in chips])
        ethnic_chips = np.concatenate([ethnicity_chips(warp, [WARP_LANDMARKS]) for warp in warps])
        with self._models():
            return self.attributes.estimate_chips(age_chips, gender_chips, ethnic_chips)

    def emotions(self, image: RgbImage, landmarks: Sequence[NDArray[np.floating]]) -> list[Emotions]:
        """Emotions of the faces of one photo with these five-point landmarks (one batched call)."""
        chips = emotion_chips(image, list(landmarks))
        with self._models():
            return self.emotion_estimator.estimate_chips(chips)

    def masks(self, image: RgbImage, landmarks: Sequence[NDArray[np.floating]]) -> list[MaskEstimation]:
        """Mask states of the faces of one photo with these five-point landmarks (one batched call)."""
        chips = mask_chips(image, list(landmarks))
        with self._models():
            return self.mask_estimator.estimate_chips(chips)

    def facemeshes(self, image: RgbImage, landmarks: Sequence[NDArray[np.floating]]) -> list[FaceMesh]:
        """FaceMesh (468 points, the 68 landmarks, eyes and mouth) of the faces of one photo (one batched call)."""
        with self._models():
            return self.facemesh_estimator.estimate(image, list(landmarks))

    def irises(self, image: RgbImage, meshes: Sequence[FaceMesh]) -> list[Irises]:
        """MediaPipe Iris (eye contour and iris of both eyes) of the faces of one photo with these FaceMesh results:
        both eyes of every face in one batched call (inference/estimations/iris.py)."""
        with self._models():
            return self.iris_estimator.estimate(image, [mesh.points for mesh in meshes])

    def warp_emotions(self, warps: Sequence[RgbImage]) -> list[Emotions]:
        """Emotions of face warps (uint8 [250, 250, 3] each, see warp_pixels), batched."""
        if not warps:
            return []
        chips = np.concatenate([emotion_chips(warp, [WARP_LANDMARKS]) for warp in warps])
        with self._models():
            return self.emotion_estimator.estimate_chips(chips)

    def warp_masks(self, warps: Sequence[RgbImage]) -> list[MaskEstimation]:
        """Mask states of face warps (uint8 [250, 250, 3] each, see warp_pixels), batched."""
        if not warps:
            return []
        chips = np.concatenate([mask_chips(warp, [WARP_LANDMARKS]) for warp in warps])
        with self._models():
            return self.mask_estimator.estimate_chips(chips)

    def liveness(
        self, image: RgbImage, detections: Sequence[FaceDetection], qualities: Sequence[FaceQuality] | None = None
    ) -> list[Liveness]:
        """Liveness of the faces of one photo (one batched call; `qualities`: their estimate_quality when known).
        Not for warps: the crop reaches beyond the warp and LUNA does not support liveness on samples."""
        with self._models():
            return self.liveness_estimator.estimate(image, detections, qualities)

    def bodies(self, image: RgbImage) -> list[BodyDetection]:
        """Human bodies of one photo, best score first (CenterNet, one model call; inference/estimations/body.py)."""
        with self._models():
            return self.body_detector.detect(image)

    def close(self) -> None:
        self.transport.close()


def require(inference: FaceInference | None) -> FaceInference:
    if inference is None:
        raise LunaError(errors.INFERENCE_UNAVAILABLE, reason="inference is disabled (LUMEN_TRITON_ENABLED=0)")
    return inference


def face_warp(image: RgbImage | Image.Image, detection: FaceDetection) -> NDArray[np.uint8]:
    """The 250x250 RGB warp of one detected face."""
    return face_chip(image, detection.landmarks, WARP_SIZE, WARP_PADDING)


def encode_warp(warp: NDArray[np.uint8]) -> bytes:
    out = io.BytesIO()
    from_array(warp).save(out, format="JPEG", quality=WARP_JPEG_QUALITY)
    return out.getvalue()


#: Where the five landmarks lie in a warp (its alignment template).
WARP_LANDMARKS = template(WARP_SIZE, WARP_PADDING)


def warp_pixels(warp: Image.Image | RgbImage) -> NDArray[np.uint8]:
    """A warp (any size: clients upload their own) as RGB uint8 [250, 250, 3]."""
    pil = warp if isinstance(warp, Image.Image) else from_array(warp)
    if pil.mode != "RGB":
        pil = pil.convert("RGB")
    if pil.size != (WARP_SIZE, WARP_SIZE):
        pil = pil.resize((WARP_SIZE, WARP_SIZE), Image.Resampling.BILINEAR)
    return np.asarray(pil, dtype=np.uint8)


def warp_to_chip(warp: Image.Image | RgbImage) -> NDArray[np.uint8]:
    """The 150x150 descriptor chip of a warp (any size is resized)."""
    pil = warp if isinstance(warp, Image.Image) else from_array(warp)
    if pil.mode != "RGB":
        pil = pil.convert("RGB")
    if pil.size != (CHIP_SIZE, CHIP_SIZE):
        pil = pil.resize((CHIP_SIZE, CHIP_SIZE), Image.Resampling.BILINEAR)
    return np.asarray(pil, dtype=np.uint8)
