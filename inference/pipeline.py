"""The face pipeline: decode -> detect (MTCNN) -> align (dlib chip) -> describe (dlib ResNet)."""

from __future__ import annotations

import numpy as np

from inference.alignment import face_chips
from inference.descriptor import DescriptorExtractor
from inference.image import RgbImage, decode_image
from inference.mtcnn import MtcnnDetector, MtcnnOptions
from inference.transport import InferenceTransport
from inference.types import ExtractedFace, FaceDetection


class FacePipeline:
    """Detection, alignment and descriptor extraction over one transport (local or Triton)."""

    def __init__(self, transport: InferenceTransport, detector_options: MtcnnOptions | None = None) -> None:
        self.transport = transport
        self.detector = MtcnnDetector(transport, detector_options)
        self.extractor = DescriptorExtractor(transport)

    def detect(self, image: RgbImage) -> list[FaceDetection]:
        return self.detector.detect(image)

    def describe(self, image: RgbImage, detections: list[FaceDetection]) -> list[ExtractedFace]:
        """Chips and descriptors for the given detections of one image (one batched model call)."""
        chips = face_chips(image, [d.landmarks for d in detections])
        descriptors = self.extractor.extract(chips)
        return [ExtractedFace(detection=d, chip=chip, descriptor=vec)
                for d, chip, vec in zip(detections, chips, descriptors, strict=True)]

    def process(self, image: RgbImage, max_faces: int | None = None) -> list[ExtractedFace]:
        """Every face in the image (best score first, at most max_faces) with its descriptor."""
        detections = self.detect(image)
        if max_faces is not None:
            detections = detections[:max_faces]
        return self.describe(image, detections)

    def process_bytes(self, data: bytes, max_faces: int | None = None) -> list[ExtractedFace]:
        return self.process(decode_image(data), max_faces)


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Cosine similarity of two L2-normalised descriptors."""
    return float(np.dot(a, b))
