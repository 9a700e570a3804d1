"""Face warps: the 250x250 aligned face image Lumen stores as a sample and returns as estimate_face_warp.

A warp is cut with the descriptor chip's template (inference/alignment.py) scaled to WARP_SIZE, so the five
landmarks of every warp lie at WARP_LANDMARKS, and a warp resized to 150x150 is the descriptor chip.
Clients may upload warps of any size: `warp_pixels` and `warp_to_chip` resize them.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from PIL import Image

from inference.alignment import CHIP_PADDING, CHIP_SIZE, face_chip, template
from inference.image import RgbImage, from_array
from inference.types import FaceDetection

WARP_SIZE = 250
WARP_PADDING = CHIP_PADDING  # same template, scaled by WARP_SIZE / CHIP_SIZE

#: Where the five landmarks lie in a warp (its alignment template).
WARP_LANDMARKS = template(WARP_SIZE, WARP_PADDING)


def face_warp(image: RgbImage | Image.Image, detection: FaceDetection) -> NDArray[np.uint8]:
    """The 250x250 RGB warp of one detected face."""
    return face_chip(image, detection.landmarks, WARP_SIZE, WARP_PADDING)


def _resized(image: Image.Image | RgbImage, size: int) -> NDArray[np.uint8]:
    if isinstance(image, np.ndarray) and image.shape == (size, size, 3) and image.dtype == np.uint8:
        return image  # already an RGB image of that size
    pil = image if isinstance(image, Image.Image) else from_array(image)
    if pil.mode != "RGB":
        pil = pil.convert("RGB")
    if pil.size != (size, size):
        pil = pil.resize((size, size), Image.Resampling.BILINEAR)
    return np.asarray(pil, dtype=np.uint8)


def warp_pixels(warp: Image.Image | RgbImage) -> NDArray[np.uint8]:
    """A warp (any size: clients upload their own) as RGB uint8 [250, 250, 3]."""
    return _resized(warp, WARP_SIZE)


def warp_to_chip(warp: Image.Image | RgbImage) -> NDArray[np.uint8]:
    """The 150x150 descriptor chip of a warp (any size is resized)."""
    return _resized(warp, CHIP_SIZE)
