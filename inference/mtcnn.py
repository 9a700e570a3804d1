"""MTCNN face detection (P-Net / R-Net / O-Net cascade) with five landmarks, in numpy.

Follows the reference MTCNN pipeline (Zhang et al. 2016; the ipazc/mtcnn Python port whose converted
weights we run): an image pyramid through P-Net (12x12 windows, stride 2), per-scale and global NMS,
box regression and squaring; R-Net on 24x24 crops; O-Net on 48x48 crops giving the final boxes and the
five landmarks. Models run through an `InferenceTransport`; all candidates of a stage go in one batch.

The networks come from a Caffe -> Keras port and take images transposed (width before height); that is
handled here, callers pass ordinary RGB arrays [H, W, 3].
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from PIL import Image

from inference.image import RgbImage, from_array
from inference.models import MTCNN_ONET, MTCNN_PNET, MTCNN_RNET
from inference.transport import InferenceTransport
from inference.types import FaceDetection

_LOGGER = logging.getLogger(__name__)

DEFAULT_MIN_FACE_SIZE = 20.0
DEFAULT_THRESHOLDS = (0.6, 0.7, 0.7)
DEFAULT_SCALE_FACTOR = 0.709
#: Final face-score threshold. The cascade's own O-Net threshold (0.7) lets through textures such as a
#: blurred background (0.94 on face_recognition's obama.jpg) or shirt buttons; on the labelled photos of
#: MODELS.md every real face scored >= 0.976 and no false positive above 0.943.
DEFAULT_MIN_SCORE = 0.95
PNET_CELL = 12
PNET_STRIDE = 2
RNET_SIZE = 24
ONET_SIZE = 48
#: NMS overlap thresholds: per pyramid level, across levels, after R-Net, after O-Net (min-overlap).
NMS_LEVEL = 0.5
NMS_PYRAMID = 0.7
NMS_RNET = 0.7
NMS_ONET = 0.7

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class MtcnnOptions:
    min_face_size: float = DEFAULT_MIN_FACE_SIZE
    thresholds: tuple[float, float, float] = DEFAULT_THRESHOLDS
    scale_factor: float = DEFAULT_SCALE_FACTOR
    min_score: float = DEFAULT_MIN_SCORE


#: (pixel - 127.5) / 128 for every uint8 value: a table lookup is 4x faster than the arithmetic.
_NORMALIZED = ((np.arange(256, dtype=np.float32) - 127.5) * 0.0078125).astype(np.float32)


def normalize(pixels: NDArray[np.uint8]) -> NDArray[np.float32]:
    """uint8 pixels -> (pixel - 127.5) / 128 as float32, the networks' input scaling."""
    return _NORMALIZED[pixels]


def pyramid_scales(height: int, width: int, options: MtcnnOptions) -> list[float]:
    """Scales at which a face of min_face_size becomes 12 px, down to the smallest level >= 12 px."""
    first = PNET_CELL / options.min_face_size
    side = min(height, width) * first
    scales = []
    factor = 1.0
    while side >= PNET_CELL:
        scales.append(first * factor)
        factor *= options.scale_factor
        side *= options.scale_factor
    return scales


def nms(boxes: FloatArray, scores: FloatArray, threshold: float, min_overlap: bool = False) -> NDArray[np.intp]:
    """Greedy non-maximum suppression; overlap = intersection / union (or / smaller area). Boxes are
    inclusive pixel boxes [x1, y1, x2, y2] (width = x2 - x1 + 1) as in the reference implementation."""
    if boxes.shape[0] == 0:
        return np.empty(0, dtype=np.intp)
    x1, y1, x2, y2 = boxes[:, 0], boxes[:, 1], boxes[:, 2], boxes[:, 3]
    area = (x2 - x1 + 1) * (y2 - y1 + 1)
    order = np.argsort(scores, kind="stable")
    keep = []
    while order.size:
        best = order[-1]
        keep.append(best)
        rest = order[:-1]
        width = np.maximum(0.0, np.minimum(x2[best], x2[rest]) - np.maximum(x1[best], x1[rest]) + 1)
        height = np.maximum(0.0, np.minimum(y2[best], y2[rest]) - np.maximum(y1[best], y1[rest]) + 1)
        inter = width * height
        if min_overlap:
            overlap = inter / np.minimum(area[best], area[rest])
        else:
            overlap = inter / (area[best] + area[rest] - inter)
        order = rest[overlap <= threshold]
    return np.asarray(keep, dtype=np.intp)


def square(boxes: FloatArray) -> FloatArray:
    """Grow each [x1, y1, x2, y2] box to a square around its centre."""
    out = boxes.copy()
    width = boxes[:, 2] - boxes[:, 0]
    height = boxes[:, 3] - boxes[:, 1]
    side = np.maximum(width, height)
    out[:, 0] = boxes[:, 0] + width * 0.5 - side * 0.5
    out[:, 1] = boxes[:, 1] + height * 0.5 - side * 0.5
    out[:, 2] = out[:, 0] + side
    out[:, 3] = out[:, 1] + side
    return out


def regress(boxes: FloatArray, offsets: NDArray[Any]) -> FloatArray:
    """Apply the networks' box regression (offsets in units of the inclusive box width/height)."""
    out = boxes.copy()
    width = boxes[:, 2] - boxes[:, 0] + 1
    height = boxes[:, 3] - boxes[:, 1] + 1
    out[:, 0] = boxes[:, 0] + offsets[:, 0] * width
    out[:, 1] = boxes[:, 1] + offsets[:, 1] * height
    out[:, 2] = boxes[:, 2] + offsets[:, 2] * width
    out[:, 3] = boxes[:, 3] + offsets[:, 3] * height
    return out


def crop_resize(image: Image.Image, boxes: FloatArray, size: int) -> NDArray[np.uint8]:
    """Crops [N, size, size, 3] of the inclusive integer boxes (1-based as in the reference code: a box
    [x1, x2] covers 0-based columns x1 - 1 .. x2 - 1); parts outside the image are black."""
    crops = np.zeros((boxes.shape[0], size, size, 3), dtype=np.uint8)
    for i, (x1, y1, x2, y2) in enumerate(boxes[:, :4].astype(np.int64)):
        if x2 < x1 or y2 < y1:
            continue
        patch = image.crop((int(x1) - 1, int(y1) - 1, int(x2), int(y2)))
        shrinking = patch.width >= size and patch.height >= size
        resample = Image.Resampling.BOX if shrinking else Image.Resampling.BILINEAR
        crops[i] = np.asarray(patch.resize((size, size), resample), dtype=np.uint8)
    return crops


class MtcnnDetector:
    """Detects faces and their five landmarks in RGB images."""

    def __init__(self, transport: InferenceTransport, options: MtcnnOptions | None = None) -> None:
        self._transport = transport
        self.options = options or MtcnnOptions()

    def detect(self, image: RgbImage, options: MtcnnOptions | None = None) -> list[FaceDetection]:
        """Faces in `image` (uint8 [H, W, 3] RGB), best score first."""
        opts = options or self.options
        if image.ndim != 3 or image.shape[2] != 3 or image.dtype != np.uint8:
            raise ValueError(f"expected uint8 [H, W, 3], got {image.dtype} {image.shape}")
        height, width = image.shape[:2]
        pil = from_array(image)
        boxes = self._stage1(pil, opts)
        if boxes.shape[0]:
            boxes = self._stage2(pil, boxes, opts)
        if boxes.shape[0] == 0:
            return []
        boxes, points = self._stage3(pil, boxes, opts)
        detections = []
        for box, pts in zip(boxes, points, strict=True):
            x1 = float(np.clip(box[0], 0, width))
            y1 = float(np.clip(box[1], 0, height))
            x2 = float(np.clip(box[2], 0, width))
            y2 = float(np.clip(box[3], 0, height))
            if x2 <= x1 or y2 <= y1 or box[4] < opts.min_score:
                continue
            detections.append(FaceDetection(x=x1, y=y1, width=x2 - x1, height=y2 - y1, score=float(box[4]),
                                            landmarks=pts.astype(np.float32)))
        detections.sort(key=lambda d: d.score, reverse=True)
        return detections

    def _stage1(self, image: Image.Image, opts: MtcnnOptions) -> FloatArray:
        found = []
        for scale in pyramid_scales(image.height, image.width, opts):
            size = (math.ceil(image.width * scale), math.ceil(image.height * scale))
            resample = Image.Resampling.BOX if scale <= 1.0 else Image.Resampling.BILINEAR
            level = np.asarray(image.resize(size, resample), dtype=np.uint8)
            batch = normalize(level).transpose(1, 0, 2)[None]
            out = self._transport.infer(MTCNN_PNET, {MTCNN_PNET.inputs[0]: batch})
            offsets = out["conv2d_4"][0].transpose(1, 0, 2)  # [H', W', 4]
            prob = out["softmax"][0, :, :, 1].T  # [H', W']
            rows, cols = np.nonzero(prob >= opts.thresholds[0])
            if rows.size == 0:
                continue
            boxes = np.empty((rows.size, 9), dtype=np.float64)
            boxes[:, 0] = np.fix((PNET_STRIDE * cols + 1) / scale)
            boxes[:, 1] = np.fix((PNET_STRIDE * rows + 1) / scale)
            boxes[:, 2] = np.fix((PNET_STRIDE * cols + PNET_CELL) / scale)
            boxes[:, 3] = np.fix((PNET_STRIDE * rows + PNET_CELL) / scale)
            boxes[:, 4] = prob[rows, cols]
            boxes[:, 5:9] = offsets[rows, cols]
            found.append(boxes[nms(boxes, boxes[:, 4], NMS_LEVEL)])
        if not found:
            return np.empty((0, 5))
        boxes = np.concatenate(found)
        boxes = boxes[nms(boxes, boxes[:, 4], NMS_PYRAMID)]
        width = boxes[:, 2] - boxes[:, 0]
        height = boxes[:, 3] - boxes[:, 1]
        refined = square(np.column_stack([
            boxes[:, 0] + boxes[:, 5] * width,
            boxes[:, 1] + boxes[:, 6] * height,
            boxes[:, 2] + boxes[:, 7] * width,
            boxes[:, 3] + boxes[:, 8] * height,
            boxes[:, 4],
        ]))
        refined[:, :4] = np.fix(refined[:, :4])
        return refined

    def _stage2(self, image: Image.Image, boxes: FloatArray, opts: MtcnnOptions) -> FloatArray:
        crops = normalize(crop_resize(image, boxes, RNET_SIZE)).transpose(0, 2, 1, 3)
        out = self._transport.infer(MTCNN_RNET, {MTCNN_RNET.inputs[0]: np.ascontiguousarray(crops)})
        score = out["softmax_1"][:, 1]
        passed = score > opts.thresholds[1]
        boxes = np.column_stack([boxes[passed, :4], score[passed]])
        offsets = out["dense_2"][passed]
        if boxes.shape[0] == 0:
            return boxes
        pick = nms(boxes, boxes[:, 4], NMS_RNET)
        return square(regress(boxes[pick], offsets[pick]))

    def _stage3(self, image: Image.Image, boxes: FloatArray, opts: MtcnnOptions) -> tuple[FloatArray, FloatArray]:
        boxes = boxes.copy()
        boxes[:, :4] = np.fix(boxes[:, :4])
        crops = normalize(crop_resize(image, boxes, ONET_SIZE)).transpose(0, 2, 1, 3)
        out = self._transport.infer(MTCNN_ONET, {MTCNN_ONET.inputs[0]: np.ascontiguousarray(crops)})
        score = out["softmax_2"][:, 1]
        passed = score > opts.thresholds[2]
        boxes = np.column_stack([boxes[passed, :4], score[passed]])
        offsets = out["dense_5"][passed]
        marks = out["dense_6"][passed].astype(np.float64)
        if boxes.shape[0] == 0:
            return boxes, np.empty((0, 5, 2))
        width = boxes[:, 2] - boxes[:, 0] + 1
        height = boxes[:, 3] - boxes[:, 1] + 1
        points = np.empty((boxes.shape[0], 5, 2), dtype=np.float64)
        points[:, :, 0] = width[:, None] * marks[:, 0:5] + boxes[:, 0:1] - 1
        points[:, :, 1] = height[:, None] * marks[:, 5:10] + boxes[:, 1:2] - 1
        boxes = regress(boxes, offsets)
        pick = nms(boxes, boxes[:, 4], NMS_ONET, min_overlap=True)
        return boxes[pick], points[pick]
