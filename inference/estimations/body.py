"""Human body detection (LUNA `detect_body`) and body warps (`estimate_body_warp`), and the pairing of faces
with bodies that /6/sdk prints as one `{face, body}` estimation.

Method, constants and measurements: docs/estimations.md, "inference/estimations/body.py".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from PIL import Image

from inference.image import RgbImage, from_array
from inference.models import CENTERNET_BODY
from inference.transport import InferenceTransport

INPUT_SIZE = 512
STRIDE = 4
GRID = INPUT_SIZE // STRIDE
#: Lowest heatmap probability of a reported body (docs/estimations.md; MODELS.md has the measurements).
DEFAULT_SCORE_THRESHOLD = 0.3
#: Candidates decoded per image before non-maximum suppression (the graph's own decoding keeps 100).
TOP_K = 100
#: Non-maximum suppression: a box overlapping a better one by more than this IoU is dropped.
NMS_IOU = 0.4
#: LUNA's body warp size (width, height).
BODY_WARP_WIDTH, BODY_WARP_HEIGHT = 128, 256
#: Face-body pairing: the face centre must lie in this upper fraction of the body box...
PAIR_UPPER_FRACTION = 0.5
#: ... unless the face is at least this fraction of the body's height (a close-up).
PAIR_CLOSE_UP_FRACTION = 1.0 / 3.0

Box = tuple[float, float, float, float]


@dataclass(frozen=True)
class BodyDetection:
    """A detected person. Coordinates are image pixels (x right, y down); the box is clipped to the image."""

    x: float
    y: float
    width: float
    height: float
    #: Heatmap probability of the body centre, 0..1.
    score: float

    @property
    def box(self) -> Box:
        return (self.x, self.y, self.width, self.height)


def letterbox(image: RgbImage) -> tuple[NDArray[np.uint8], float]:
    """The network input uint8 [512, 512, 3] (the photo scaled so its longer side is 512 px, top-left, black
    elsewhere) and the scale (input pixels per photo pixel)."""
    height, width = image.shape[:2]
    scale = INPUT_SIZE / float(max(width, height))
    size = (max(1, min(INPUT_SIZE, round(width * scale))), max(1, min(INPUT_SIZE, round(height * scale))))
    pil = from_array(image)
    if pil.size != size:
        pil = pil.resize(size, Image.Resampling.BILINEAR)
    square = np.zeros((INPUT_SIZE, INPUT_SIZE, 3), np.uint8)
    square[: size[1], : size[0]] = np.asarray(pil, dtype=np.uint8)
    return square, scale


def peaks(heatmap: NDArray[np.floating]) -> NDArray[np.bool_]:
    """Cells equal to the maximum of their 3x3 neighbourhood (TF MaxPool 3x3, stride 1, SAME padding)."""
    padded = np.pad(heatmap, 1, mode="constant", constant_values=-np.inf)
    rows, cols = heatmap.shape
    neighbourhood = np.max(
        np.stack([padded[dy : dy + rows, dx : dx + cols] for dy in range(3) for dx in range(3)]), axis=0
    )
    return np.asarray(heatmap == neighbourhood)


def iou(a: Box, b: Box) -> float:
    """Intersection over union of two (x, y, width, height) boxes."""
    width = min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0])
    height = min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1])
    if width <= 0 or height <= 0:
        return 0.0
    inter = width * height
    union = a[2] * a[3] + b[2] * b[3] - inter
    return float(inter / union) if union > 0 else 0.0


def nms(boxes: Sequence[Box], scores: Sequence[float], threshold: float = NMS_IOU) -> list[int]:
    """Indices kept by greedy non-maximum suppression, best score first."""
    order = sorted(range(len(boxes)), key=lambda index: -scores[index])
    kept: list[int] = []
    for index in order:
        if all(iou(boxes[index], boxes[other]) <= threshold for other in kept):
            kept.append(index)
    return kept


def decode(
    heatmap: NDArray[np.floating],
    wh: NDArray[np.floating],
    scale: float,
    image_size: tuple[int, int],
    score_threshold: float = DEFAULT_SCORE_THRESHOLD,
    nms_iou: float = NMS_IOU,
) -> list[BodyDetection]:
    """Bodies of one image from the model outputs heatmap [128, 128] and wh [128, 128, 4] (docs/estimations.md);
    `scale` is the letterbox scale and image_size the photo's (width, height). Best score first."""
    heat = np.asarray(heatmap, dtype=np.float32)
    if heat.shape != (GRID, GRID) or np.shape(wh) != (GRID, GRID, 4):
        raise ValueError(f"expected heatmap [{GRID}, {GRID}], wh [{GRID}, {GRID}, 4]; got {heat.shape}, {np.shape(wh)}")
    candidates = np.flatnonzero(peaks(heat) & (heat >= score_threshold))
    if candidates.size == 0:
        return []
    scores = heat.reshape(-1)[candidates]
    order = np.argsort(-scores, kind="stable")[:TOP_K]
    candidates, scores = candidates[order], scores[order]
    rows, cols = np.divmod(candidates, GRID)
    distances = np.asarray(wh, dtype=np.float64).reshape(-1, 4)[candidates]
    cx, cy = cols * float(STRIDE), rows * float(STRIDE)
    width, height = image_size
    x1 = np.clip((cx - distances[:, 0]) / scale, 0, width)
    y1 = np.clip((cy - distances[:, 1]) / scale, 0, height)
    x2 = np.clip((cx + distances[:, 2]) / scale, 0, width)
    y2 = np.clip((cy + distances[:, 3]) / scale, 0, height)
    boxes = [(float(a), float(b), float(c - a), float(d - b)) for a, b, c, d in zip(x1, y1, x2, y2, strict=True)]
    valid = [index for index, box in enumerate(boxes) if box[2] >= 1 and box[3] >= 1]
    kept = nms([boxes[i] for i in valid], [float(scores[i]) for i in valid], nms_iou)
    return [BodyDetection(*boxes[valid[i]], score=float(scores[valid[i]])) for i in kept]


def warp_region(box: Box) -> Box:
    """The photo region of a body warp: the box expanded around its centre to width:height = 1:2."""
    x, y, width, height = box
    ratio = BODY_WARP_WIDTH / BODY_WARP_HEIGHT
    new_width = max(width, height * ratio)
    new_height = max(height, width / ratio)
    centre_x, centre_y = x + width / 2.0, y + height / 2.0
    return (centre_x - new_width / 2.0, centre_y - new_height / 2.0, new_width, new_height)


def body_warp(image: RgbImage | Image.Image, detection: BodyDetection | Box) -> NDArray[np.uint8]:
    """The 128x256 RGB body warp uint8 [256, 128, 3] of one body (black outside the photo)."""
    pil = image if isinstance(image, Image.Image) else from_array(image)
    box = detection.box if isinstance(detection, BodyDetection) else detection
    x, y, width, height = warp_region(box)
    # An affine crop: output pixel (u, v) samples photo (x + u * sx, y + v * sy), black outside.
    sx, sy = width / BODY_WARP_WIDTH, height / BODY_WARP_HEIGHT
    warped = pil.transform(
        (BODY_WARP_WIDTH, BODY_WARP_HEIGHT),
        Image.Transform.AFFINE,
        (sx, 0.0, x, 0.0, sy, y),
        resample=Image.Resampling.BILINEAR,
        fillcolor=(0, 0, 0),
    )
    return np.asarray(warped, dtype=np.uint8)


def pair_faces_with_bodies(faces: Sequence[Box], bodies: Sequence[BodyDetection]) -> dict[int, int]:
    """{face index: body index} of the face-body pairs (docs/estimations.md: upper-half containment or a close-up,
    greedy by body score, horizontally closest face)."""
    order = sorted(range(len(bodies)), key=lambda index: -bodies[index].score)
    pairs: dict[int, int] = {}
    for body_index in order:
        bx, by, bw, bh = bodies[body_index].box
        best: tuple[float, int] | None = None
        for face_index, (fx, fy, fw, fh) in enumerate(faces):
            if face_index in pairs:
                continue
            centre_x, centre_y = fx + fw / 2.0, fy + fh / 2.0
            lowest = by + bh * (1.0 if fh >= bh * PAIR_CLOSE_UP_FRACTION else PAIR_UPPER_FRACTION)
            inside = bx <= centre_x <= bx + bw and by <= centre_y <= lowest
            if not inside or fw > bw:
                continue
            offset = abs(centre_x - (bx + bw / 2.0)) / max(bw, 1e-6)
            if best is None or offset < best[0]:
                best = (offset, face_index)
        if best is not None:
            pairs[best[1]] = body_index
    return pairs


class BodyDetector:
    """Body detection through an InferenceTransport (LocalTransport or TritonTransport): one model call per image."""

    def __init__(self, transport: InferenceTransport, score_threshold: float = DEFAULT_SCORE_THRESHOLD) -> None:
        self._transport = transport
        self.score_threshold = score_threshold

    def outputs(self, images: Sequence[RgbImage]) -> tuple[NDArray[np.float32], NDArray[np.float32], list[float]]:
        """Raw heatmaps [N, 128, 128], wh [N, 128, 128, 4] and letterbox scales of photos (one batched call)."""
        inputs = [letterbox(image) for image in images]
        batch = np.stack([square for square, _ in inputs])
        result = self._transport.infer(CENTERNET_BODY, {CENTERNET_BODY.inputs[0]: batch})
        heatmaps = np.asarray(result[CENTERNET_BODY.outputs[0]], dtype=np.float32)
        wh = np.asarray(result[CENTERNET_BODY.outputs[1]], dtype=np.float32)
        return heatmaps, wh, [scale for _, scale in inputs]

    def detect_many(self, images: Sequence[RgbImage]) -> list[list[BodyDetection]]:
        """Bodies of each photo, best score first (one batched call for all)."""
        if not images:
            return []
        heatmaps, wh, scales = self.outputs(images)
        return [
            decode(heatmaps[index], wh[index], scales[index], (image.shape[1], image.shape[0]), self.score_threshold)
            for index, image in enumerate(images)
        ]

    def detect(self, image: RgbImage) -> list[BodyDetection]:
        """Bodies of one photo, best score first."""
        return self.detect_many([image])[0]
