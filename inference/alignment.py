"""dlib-style face chips: a similarity transform from five landmarks to a fixed template, then resampling.

dlib's descriptor network was trained on chips made by `get_face_chip_details(shape, 150, 0.25)`: a
least-squares similarity transform from a mean face (in unit coordinates, the face spanning [0, 1]) to
the detected landmarks, the template placed at (padding + p) / (1 + 2 * padding) * size. Our landmarks
are MTCNN's (eye centres, nose tip, mouth corners), not dlib's, so the template below is where MTCNN's
five points fall in dlib's own chips, averaged over faces (deploy/convert/verify_dlib.py measured it with
dlib itself; MODELS.md records the residual).

Resampling is bilinear like dlib's extract_image_chip; when the chip is much smaller than the face, the
face region is first box-averaged by an integer factor (dlib uses an image pyramid for the same reason).
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray
from PIL import Image

from inference.image import RgbImage, from_array

CHIP_SIZE = 150
CHIP_PADDING = 0.25

#: MTCNN's five points (left eye, right eye, nose, left mouth corner, right mouth corner, as seen in the
#: image) in dlib's unit face coordinates (padding 0): measured with dlib by deploy/convert/verify_dlib.py
#: on 73 faces, averaged and made left/right symmetric.
MTCNN_TEMPLATE_UNIT = np.array(
    [
        [0.2280, 0.2096],
        [0.7720, 0.2096],
        [0.5000, 0.5252],
        [0.2457, 0.7951],
        [0.7543, 0.7951],
    ],
    dtype=np.float64,
)

Matrix = NDArray[np.float64]


def template(size: int = CHIP_SIZE, padding: float = CHIP_PADDING) -> Matrix:
    """The five template points in chip pixel coordinates (pixel centres at integers)."""
    return (padding + MTCNN_TEMPLATE_UNIT) / (2 * padding + 1) * size


def similarity_transform(source: Matrix, target: Matrix) -> Matrix:
    """Least-squares similarity (rotation, uniform scale, translation; no reflection) mapping source points
    onto target points (Umeyama 1991). Returns a 2x3 matrix M with target ~= M[:, :2] @ p + M[:, 2]."""
    src = np.asarray(source, dtype=np.float64)
    dst = np.asarray(target, dtype=np.float64)
    src_mean = src.mean(axis=0)
    dst_mean = dst.mean(axis=0)
    src_c = src - src_mean
    dst_c = dst - dst_mean
    covariance = dst_c.T @ src_c / src.shape[0]
    u, s, vt = np.linalg.svd(covariance)
    sign = np.ones(2)
    if np.linalg.det(u) * np.linalg.det(vt) < 0:
        sign[-1] = -1.0
    rotation = u @ np.diag(sign) @ vt
    variance = (src_c**2).sum() / src.shape[0]
    scale = float((s * sign).sum() / variance) if variance > 0 else 1.0
    matrix = np.empty((2, 3), dtype=np.float64)
    matrix[:, :2] = scale * rotation
    matrix[:, 2] = dst_mean - matrix[:, :2] @ src_mean
    return matrix


def chip_to_image_transform(
    landmarks: NDArray[np.floating], size: int = CHIP_SIZE, padding: float = CHIP_PADDING
) -> Matrix:
    """The 2x3 map from chip pixel coordinates to image pixel coordinates for these five landmarks."""
    points = np.asarray(landmarks, dtype=np.float64).reshape(5, 2)
    return similarity_transform(template(size, padding), points)


def face_chip(
    image: RgbImage | Image.Image, landmarks: NDArray[np.floating], size: int = CHIP_SIZE, padding: float = CHIP_PADDING
) -> NDArray[np.uint8]:
    """The aligned face chip (uint8 [size, size, 3] RGB) for five landmarks; outside the image is black."""
    pil = image if isinstance(image, Image.Image) else from_array(image)
    return warp_affine(pil, chip_to_image_transform(landmarks, size, padding), size)


def crop_to_image_transform(
    landmarks: NDArray[np.floating], size: int, scale: tuple[float, float], offset: tuple[float, float]
) -> Matrix:
    """The 2x3 map from chip pixels to image pixels for a chip in which the unit template point u lands at
    size * (scale * u + offset), per axis. With scale_x != scale_y the face is stretched (an affine chip):
    this reproduces crops of a detector's box that a model's own pipeline resized to a square.
    `face_chip(size, padding)` is the case scale = 1 / (1 + 2 padding), offset = padding / (1 + 2 padding)."""
    points = np.asarray(landmarks, dtype=np.float64).reshape(5, 2)
    unit_to_image = similarity_transform(MTCNN_TEMPLATE_UNIT, points)
    sx, sy = scale
    ox, oy = offset
    # chip pixel c -> unit u = (c / size - offset) / scale -> image.
    chip_to_unit = np.array([[1.0 / (size * sx), 0.0, -ox / sx], [0.0, 1.0 / (size * sy), -oy / sy]])
    matrix = np.empty((2, 3), dtype=np.float64)
    matrix[:, :2] = unit_to_image[:, :2] @ chip_to_unit[:, :2]
    matrix[:, 2] = unit_to_image[:, :2] @ chip_to_unit[:, 2] + unit_to_image[:, 2]
    return matrix


def crop_chip(
    image: RgbImage | Image.Image,
    landmarks: NDArray[np.floating],
    size: int,
    scale: tuple[float, float],
    offset: tuple[float, float],
) -> NDArray[np.uint8]:
    """An aligned (possibly anisotropic) face crop, uint8 [size, size, 3] RGB: see crop_to_image_transform.
    Resampling as face_chip; outside the image is black."""
    pil = image if isinstance(image, Image.Image) else from_array(image)
    return warp_affine(pil, crop_to_image_transform(landmarks, size, scale, offset), size)


def warp_affine(pil: Image.Image, matrix: Matrix, size: int) -> NDArray[np.uint8]:
    """Resample the chip whose pixels map to the image through `matrix` (chip -> image, 2x3)."""
    linear = matrix[:, :2]
    scale = math.sqrt(abs(np.linalg.det(linear)))  # image pixels per chip pixel
    factor = max(1, int(scale))
    # Chip corners in the image, to crop (and possibly shrink) only the face region.
    corners = np.array([[0, 0], [size - 1, 0], [0, size - 1], [size - 1, size - 1]], dtype=np.float64)
    mapped = corners @ linear.T + matrix[:, 2]
    margin = 2 * factor + 2
    left = math.floor(mapped[:, 0].min()) - margin
    top = math.floor(mapped[:, 1].min()) - margin
    right = math.ceil(mapped[:, 0].max()) + margin
    bottom = math.ceil(mapped[:, 1].max()) + margin
    right = left + math.ceil((right - left) / factor) * factor
    bottom = top + math.ceil((bottom - top) / factor) * factor
    region = pil.crop((left, top, right, bottom))
    if factor > 1:
        region = region.reduce(factor)
    # Pillow samples output pixel (i, j) at continuous (i + 0.5, j + 0.5) and reads input pixel k over
    # [k, k + 1); our matrices use pixel centres at integers. Convert, then account for crop and reduce.
    offset = matrix[:, 2] + linear @ np.array([-0.5, -0.5]) + 0.5 - np.array([left, top], dtype=np.float64)
    coeffs = np.concatenate([linear / factor, (offset / factor)[:, None]], axis=1)
    chip = region.transform(
        (size, size),
        Image.Transform.AFFINE,
        tuple(coeffs.reshape(-1)),
        resample=Image.Resampling.BILINEAR,
        fillcolor=(0, 0, 0),
    )
    return np.asarray(chip, dtype=np.uint8)


def face_chips(
    image: RgbImage, landmarks: list[NDArray[np.floating]], size: int = CHIP_SIZE, padding: float = CHIP_PADDING
) -> NDArray[np.uint8]:
    """Chips for several faces of one image, stacked [N, size, size, 3]."""
    if not landmarks:
        return np.empty((0, size, size, 3), dtype=np.uint8)
    pil = from_array(image)
    return np.stack([face_chip(pil, points, size, padding) for points in landmarks])
