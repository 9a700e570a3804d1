"""MTCNN face detection (P-Net / R-Net / O-Net cascade) with five landmarks, in numpy.

Method, constants and measurements: docs/estimations.md, "inference/mtcnn.py".
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

#: Smallest face searched for, in pixels (the P-Net window at the first pyramid level), rounded down to the
#: reference ladder REFERENCE_MIN_FACE_SIZE / scale_factor^k. MODELS.md gives the measured detection rate by
#: face size; LUNA's FaceDetV3 defaults to 50 px.
DEFAULT_MIN_FACE_SIZE = 40.0
#: The reference pipeline's minimum face size: the pyramid ladder is anchored there (scale 12/20 = 0.6).
REFERENCE_MIN_FACE_SIZE = 20.0
#: Longer image side above which the minimum face size grows in proportion (None: no cap).
DEFAULT_MAX_IMAGE_SIZE: int | None = 1920
#: Pyramid levels of at most this many pixels share one P-Net call (packed side by side); 0: one call per level.
DEFAULT_PACK_PIXELS = 32768
#: Gap between packed levels (even, so that every level starts on P-Net's stride-2 output grid).
PACK_GAP = 2
#: uint8 value of the packed canvas between levels: 128 is (almost) the networks' zero input.
PACK_FILL = 128
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
#: P-Net's result for one pyramid level: face probability [h', w'], box offsets [h', w', 4].
PnetOutput = tuple[NDArray[np.float32], NDArray[np.float32]]


@dataclass(frozen=True)
class MtcnnOptions:
    """Detector settings (MODELS.md "Detection defaults"). The reference pipeline's results come from
    MtcnnOptions(min_face_size=20, max_image_size=None, pack_pixels=0)."""

    min_face_size: float = DEFAULT_MIN_FACE_SIZE
    thresholds: tuple[float, float, float] = DEFAULT_THRESHOLDS
    scale_factor: float = DEFAULT_SCALE_FACTOR
    min_score: float = DEFAULT_MIN_SCORE
    max_image_size: int | None = DEFAULT_MAX_IMAGE_SIZE
    pack_pixels: int = DEFAULT_PACK_PIXELS


def requested_min_face_size(height: int, width: int, options: MtcnnOptions) -> float:
    """options.min_face_size, grown in proportion for images whose longer side exceeds max_image_size."""
    longer = max(height, width)
    if options.max_image_size and longer > options.max_image_size:
        return options.min_face_size * longer / options.max_image_size
    return options.min_face_size


def _first_level(min_face: float, factor: float) -> int:
    """Index k of the largest ladder face size REFERENCE_MIN_FACE_SIZE / factor^k that is <= min_face."""
    return math.floor(math.log(min_face / REFERENCE_MIN_FACE_SIZE) / -math.log(factor) + 1e-9)


def effective_min_face_size(height: int, width: int, options: MtcnnOptions) -> float:
    """The smallest face searched in an image of this size: the requested size rounded down to the ladder."""
    factor = options.scale_factor
    return REFERENCE_MIN_FACE_SIZE / factor ** _first_level(requested_min_face_size(height, width, options), factor)


def pyramid_scales(height: int, width: int, options: MtcnnOptions) -> list[float]:
    """The reference ladder of scales 12/20 * factor^k (a face of 20 / factor^k px becomes 12 px), from the
    level of the effective minimum face size down to the smallest level whose shorter side is >= 12 px.
    From k = 0 on the values are computed exactly as the reference does (repeated multiplication)."""
    factor = options.scale_factor
    first = _first_level(requested_min_face_size(height, width, options), factor)
    anchor = PNET_CELL / REFERENCE_MIN_FACE_SIZE
    scales: list[float] = []
    step = 1.0
    for _ in range(-first if first < 0 else 0):  # minimum faces below 20 px: levels above the anchor
        step /= factor
        if min(height, width) * anchor * step >= PNET_CELL:
            scales.insert(0, anchor * step)
    side = min(height, width) * anchor
    scale_step = 1.0
    k = 0
    while side >= PNET_CELL:
        if k >= first:
            scales.append(anchor * scale_step)
        scale_step *= factor
        side *= factor
        k += 1
    return scales


#: NMS computes the overlaps of this many boxes (in score order) with all later boxes at once.
NMS_BLOCK = 64


def nms(boxes: FloatArray, scores: FloatArray, threshold: float, min_overlap: bool = False) -> NDArray[np.intp]:
    """Greedy non-maximum suppression; overlap = intersection / union (or / smaller area). Boxes are
    inclusive pixel boxes [x1, y1, x2, y2] (width = x2 - x1 + 1) as in the reference implementation.
    Returns the kept indices, best score first (ties: the later index first), exactly as the reference's
    loop, which computes one row of overlaps per kept box; here they come NMS_BLOCK rows at a time."""
    count = boxes.shape[0]
    if count == 0:
        return np.empty(0, dtype=np.intp)
    order = np.argsort(scores, kind="stable")[::-1]
    x1, y1, x2, y2 = (boxes[order, k] for k in range(4))
    area = (x2 - x1 + 1) * (y2 - y1 + 1)
    suppressed = np.zeros(count, dtype=bool)
    keep = []
    for start in range(0, count, NMS_BLOCK):
        stop = min(count, start + NMS_BLOCK)
        if suppressed[start:stop].all():
            continue
        rows, rest = slice(start, stop), slice(start, None)
        width = np.maximum(0.0, np.minimum(x2[rows, None], x2[rest]) - np.maximum(x1[rows, None], x1[rest]) + 1)
        height = np.maximum(0.0, np.minimum(y2[rows, None], y2[rest]) - np.maximum(y1[rows, None], y1[rest]) + 1)
        inter = width * height
        with np.errstate(divide="ignore", invalid="ignore"):
            if min_overlap:
                overlap = inter / np.minimum(area[rows, None], area[rest])
            else:
                overlap = inter / (area[rows, None] + area[rest] - inter)
        block = ~(overlap <= threshold)  # a NaN overlap suppresses, as in the reference
        for i in range(start, stop):
            if not suppressed[i]:
                keep.append(i)
                suppressed[start:] |= block[i - start]
    return np.asarray(order[keep], dtype=np.intp)


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


def pyramid_levels(image: Image.Image, scales: list[float]) -> list[NDArray[np.uint8]]:
    """The pyramid as uint8 arrays [h, w, 3] of size ceil(side * scale), each resized from the image (box
    filter when shrinking, bilinear when enlarging), as the reference does."""
    levels = []
    for scale in scales:
        size = (math.ceil(image.width * scale), math.ceil(image.height * scale))
        resample = Image.Resampling.BOX if scale <= 1.0 else Image.Resampling.BILINEAR
        levels.append(np.asarray(image.resize(size, resample), dtype=np.uint8))
    return levels


def pnet_output_size(side: int) -> int:
    """P-Net output cells along an input side (3x3 conv, 2x2/2 max pool, 3x3 conv, 3x3 conv)."""
    return max(0, math.ceil((side - 2) / 2) - 4)


def pack(shapes: list[tuple[int, ...]]) -> tuple[list[tuple[int, int]], int, int]:
    """Shelf-pack rectangles (h, w) (given largest first): their (x, y) offsets (even, PACK_GAP apart) and
    the canvas width and height."""

    def even(value: int) -> int:
        return value + (value & 1)

    widest = max(w for _, w in shapes)
    limit = max(widest, int(math.sqrt(sum(h * w for h, w in shapes)) * 1.25))
    offsets = []
    x = y = shelf = width = 0
    for h, w in shapes:
        if x and x + w > limit:
            x, y, shelf = 0, even(y + shelf + PACK_GAP), 0
        offsets.append((x, y))
        width = max(width, x + w)
        shelf = max(shelf, h)
        x = even(x + w + PACK_GAP)
    return offsets, width, y + shelf


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
            detections.append(
                FaceDetection(
                    x=x1, y=y1, width=x2 - x1, height=y2 - y1, score=float(box[4]), landmarks=pts.astype(np.float32)
                )
            )
        detections.sort(key=lambda d: d.score, reverse=True)
        return detections

    def _stage1(self, image: Image.Image, opts: MtcnnOptions) -> FloatArray:
        scales = pyramid_scales(image.height, image.width, opts)
        levels = pyramid_levels(image, scales)
        found = []
        for scale, (prob, offsets) in zip(scales, self._pnet(levels, opts.pack_pixels), strict=True):
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
        refined = square(
            np.column_stack(
                [
                    boxes[:, 0] + boxes[:, 5] * width,
                    boxes[:, 1] + boxes[:, 6] * height,
                    boxes[:, 2] + boxes[:, 7] * width,
                    boxes[:, 3] + boxes[:, 8] * height,
                    boxes[:, 4],
                ]
            )
        )
        refined[:, :4] = np.fix(refined[:, :4])
        return refined

    def _pnet(self, levels: list[NDArray[np.uint8]], pack_pixels: int) -> list[PnetOutput]:
        """P-Net on every level: (face probability [h', w'], box offsets [h', w', 4]) per level. Levels of
        at most pack_pixels pixels share one call on a packed canvas, the others go one call each."""
        small = [i for i, level in enumerate(levels) if level.shape[0] * level.shape[1] <= pack_pixels]
        if len(small) < 2:
            small = []
        results: dict[int, PnetOutput] = {}
        for i, level in enumerate(levels):
            if i not in small:
                results[i] = self._pnet_call(level.transpose(1, 0, 2), [(0, 0, level.shape[:2])])[0]
        if small:
            shapes = [levels[i].shape[:2] for i in small]
            offsets, width, height = pack(shapes)
            # Transposed (x first). The gaps are mid-grey, the networks' zero input; no output cell of a
            # level sees them (each cell's 12x12 input lies inside its level).
            canvas = np.full((width, height, 3), PACK_FILL, dtype=np.uint8)
            for i, (x, y) in zip(small, offsets, strict=True):
                level = levels[i]
                canvas[x : x + level.shape[1], y : y + level.shape[0]] = level.transpose(1, 0, 2)
            places = [(x, y, shape) for (x, y), shape in zip(offsets, shapes, strict=True)]
            results.update(zip(small, self._pnet_call(canvas, places), strict=True))
        return [results[i] for i in range(len(levels))]

    def _pnet_call(self, canvas: NDArray[np.uint8], places: list[tuple[int, int, tuple[int, ...]]]) -> list[PnetOutput]:
        """One P-Net call on a transposed canvas [W, H, 3]; the outputs of the levels placed at (x, y) (both
        even) with shape (h, w)."""
        out = self._transport.infer(MTCNN_PNET, {MTCNN_PNET.inputs[0]: np.ascontiguousarray(canvas[None])})
        offsets, prob = out["conv2d_4"][0], out["softmax"][0]
        results = []
        for x, y, (height, width) in places:
            cols, rows = pnet_output_size(width), pnet_output_size(height)
            cx, cy = x // PNET_STRIDE, y // PNET_STRIDE
            results.append(
                (prob[cx : cx + cols, cy : cy + rows, 1].T, offsets[cx : cx + cols, cy : cy + rows].transpose(1, 0, 2))
            )
        return results

    def _stage2(self, image: Image.Image, boxes: FloatArray, opts: MtcnnOptions) -> FloatArray:
        crops = crop_resize(image, boxes, RNET_SIZE).transpose(0, 2, 1, 3)
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
        crops = crop_resize(image, boxes, ONET_SIZE).transpose(0, 2, 1, 3)
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
