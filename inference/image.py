"""Image decoding: bytes -> RGB uint8 array [H, W, 3], EXIF orientation applied."""

from __future__ import annotations

import io
import logging
import warnings

import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageOps, UnidentifiedImageError

from inference.errors import ImageDecodeError

_LOGGER = logging.getLogger(__name__)

#: Largest image accepted (pixels); Pillow's own bomb limit is 89 M, LUNA rejects far smaller images.
MAX_IMAGE_PIXELS = 64_000_000

RgbImage = NDArray[np.uint8]


def decode_image(data: bytes, max_pixels: int = MAX_IMAGE_PIXELS) -> RgbImage:
    """Decode JPEG/PNG/BMP/TIFF/WebP/... bytes into an RGB array [H, W, 3] (uint8, C-contiguous).

    EXIF orientation is applied (a phone photo taken upright comes out upright); palette, grey, CMYK and
    16-bit images are converted to RGB; an alpha channel is dropped.
    """
    if not data:
        raise ImageDecodeError("empty image")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as opened:
                width, height = opened.size
                if width * height > max_pixels:
                    raise ImageDecodeError(f"image too large: {width}x{height}")
                opened.load()
                image = ImageOps.exif_transpose(opened)
                return to_rgb_array(image)
    except ImageDecodeError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError,
            Image.DecompressionBombWarning) as exc:
        raise ImageDecodeError(f"cannot decode image: {exc}") from exc


def to_rgb_array(image: Image.Image) -> RgbImage:
    """A Pillow image of any mode as an RGB uint8 array [H, W, 3]."""
    if image.width == 0 or image.height == 0:
        raise ImageDecodeError("image has no pixels")
    if image.mode in ("I;16", "I;16B", "I;16L", "I"):
        array = np.asarray(image, dtype=np.float64)
        peak = 65535.0 if image.mode.startswith("I;16") else max(float(array.max()), 1.0)
        grey = np.clip(array * (255.0 / peak), 0, 255).astype(np.uint8)
        return np.ascontiguousarray(np.repeat(grey[:, :, None], 3, axis=2))
    if image.mode != "RGB":
        image = image.convert("RGB")
    return np.ascontiguousarray(np.asarray(image, dtype=np.uint8))


def from_array(array: RgbImage) -> Image.Image:
    """An RGB uint8 array [H, W, 3] as a Pillow image (no copy when the array is contiguous)."""
    if array.dtype != np.uint8 or array.ndim != 3 or array.shape[2] != 3:
        raise ValueError(f"expected uint8 [H, W, 3], got {array.dtype} {array.shape}")
    return Image.fromarray(np.ascontiguousarray(array))
