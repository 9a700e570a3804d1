"""Image decoding: bytes -> RGB uint8 array [H, W, 3], EXIF orientation applied; decoding with a pixel budget.

Two ways to decode:
- `decode_image(data)`: the full image (unit tests, benchmarks, offline tools).
- `decode_reduced(data, work_pixels=..., budget=...)`: what the server does. An image of more than
  `work_pixels` pixels comes out reduced to at most that many (aspect kept), with the scale that maps its
  coordinates back to the full image (`Reduced.scale_x/scale_y`: original = working x scale). JPEGs are
  reduced while decoding (libjpeg's DCT scaling, Pillow `draft`: 1/2, 1/4, 1/8) so their full-size pixels
  never exist; other formats (PNG cannot be drafted) are decoded at full size in their own mode (1 byte per
  pixel for grey/palette images, 4 for RGB/RGBA in Pillow), converted to RGB and box-reduced a strip of rows
  at a time, and the full-size buffer is dropped at once. Orientation is applied to the reduced image.
- Every decode is charged against a `DecodeBudget` (pixels of the buffers it allocates: the full-size or
  drafted decode buffer plus the working image) for as long as it decodes; concurrent huge images queue
  instead of exhausting memory. A single image larger than the whole budget waits until nothing else is
  being decoded and then runs alone (images above `max_pixels` are refused before any pixel is decoded).

Memory return (glibc). Pillow allocates large images in 16 MB blocks and numpy big arrays with malloc; with
glibc's default *dynamic* mmap threshold, the first freed 16 MB block raises the threshold to 16 MB, so later
big buffers come from the (per-thread) heaps and stay in the process after they are freed (measured: 8
concurrent 8k x 8k PNGs left the server 3.6 GB larger). `configure_allocator()` (called once at server start)
fixes the mmap threshold (MMAP_THRESHOLD_BYTES) so every big buffer is mmap'd and unmapped on free, and
`release_memory()` (malloc_trim) runs after a large decode to give back what the heaps still hold.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import io
import logging
import math
import threading
import warnings
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from PIL import Image, UnidentifiedImageError

from inference.errors import ImageDecodeError

_LOGGER = logging.getLogger(__name__)

#: Largest image accepted (pixels); Pillow's own bomb limit is 89 M, LUNA rejects far smaller images.
MAX_IMAGE_PIXELS = 64_000_000
#: Default size of the working image of a reduced decode: detection (inference/mtcnn.py) treats every image
#: whose longer side exceeds 1920 px as if it were scaled down to 1920, so a working image of 8.4 M pixels
#: (2896 x 2896, 4096 x 2048) detects the same faces as the full image, and leaves a face of the smallest
#: size detected in an 8k image about 60 px wide in the working image (its 250 x 250 warp is then upsampled).
DEFAULT_WORK_PIXELS = 8_400_000
#: Default decode budget (pixels of decode buffers in flight, all requests together): one 64 M-pixel PNG
#: plus a few ordinary photos at once.
DEFAULT_BUDGET_PIXELS = 96_000_000
#: Buffers from this size up are mmap'd by glibc (and returned to the system when freed).
MMAP_THRESHOLD_BYTES = 4 * 1024 * 1024
#: Decodes of at least this many pixels call release_memory() when done.
RELEASE_AFTER_PIXELS = 4_000_000
#: Rows are converted and reduced about this many pixels at a time.
STRIP_PIXELS = 2_000_000

#: EXIF orientation -> the transposition that makes the image upright (as ImageOps.exif_transpose).
_ORIENTATION_TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
_EXIF_ORIENTATION = 0x0112

RgbImage = NDArray[np.uint8]


# -- the decode budget ---------------------------------------------------------------------------------------


class DecodeBudget:
    """A pixel budget shared by concurrent decodes (a FIFO weighted semaphore).

    `reserve(pixels)` waits until the pixels fit into what is left (first come, first served, so a big image
    is not starved by a stream of small ones), or, for a request larger than the whole budget, until nothing
    else is reserved; then it runs alone. Never deadlocks: every reservation is released on exit.
    """

    def __init__(self, pixels: int) -> None:
        if pixels <= 0:
            raise ValueError("the decode budget must be positive")
        self.total = pixels
        self.in_use = 0
        self.peak = 0
        self._condition = threading.Condition()
        self._queue: deque[object] = deque()

    def _fits(self, pixels: int) -> bool:
        return self.in_use == 0 or self.in_use + pixels <= self.total

    @contextmanager
    def reserve(self, pixels: int) -> Iterator[None]:
        pixels = max(int(pixels), 0)
        ticket = object()
        with self._condition:
            self._queue.append(ticket)
            while self._queue[0] is not ticket or not self._fits(pixels):
                self._condition.wait()
            self._queue.popleft()
            self.in_use += pixels
            self.peak = max(self.peak, self.in_use)
            self._condition.notify_all()  # the next in line may fit too
        try:
            yield
        finally:
            with self._condition:
                self.in_use -= pixels
                self._condition.notify_all()

    @property
    def waiting(self) -> int:
        with self._condition:
            return len(self._queue)


_budget = DecodeBudget(DEFAULT_BUDGET_PIXELS)


def set_decode_budget(pixels: int) -> None:
    """Replace the process-wide decode budget (the server does it once at start, from its settings)."""
    global _budget
    _budget = DecodeBudget(pixels)


def decode_budget() -> DecodeBudget:
    """The process-wide decode budget every decode is charged against unless it is given its own."""
    return _budget


# -- allocator ---------------------------------------------------------------------------------------------

_M_MMAP_THRESHOLD = -3
_libc: ctypes.CDLL | None = None
_libc_loaded = False


def _glibc() -> ctypes.CDLL | None:
    global _libc, _libc_loaded
    if not _libc_loaded:
        _libc_loaded = True
        name = ctypes.util.find_library("c")
        try:
            libc = ctypes.CDLL(name) if name else None
            _libc = libc if libc is not None and hasattr(libc, "malloc_trim") and hasattr(libc, "mallopt") else None
        except OSError:
            _libc = None
    return _libc


def configure_allocator(mmap_threshold: int = MMAP_THRESHOLD_BYTES) -> bool:
    """Fix glibc's mmap threshold (see the module docstring); False where the C library is not glibc."""
    libc = _glibc()
    if libc is None:
        return False
    return bool(libc.mallopt(_M_MMAP_THRESHOLD, ctypes.c_int(mmap_threshold)))


def release_memory() -> None:
    """Give freed heap memory back to the system (glibc malloc_trim; nothing elsewhere)."""
    libc = _glibc()
    if libc is not None:
        libc.malloc_trim(ctypes.c_size_t(0))


# -- decoding ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reduced:
    """A decoded image: RGB pixels (possibly reduced) and how they map to the full image."""

    pixels: RgbImage
    format: str  # Pillow's format name: JPEG, PNG, ...
    exif: Image.Exif | None
    #: (width, height) of the full image, orientation applied.
    original_size: tuple[int, int]

    @property
    def scale_x(self) -> float:
        return self.original_size[0] / self.pixels.shape[1]

    @property
    def scale_y(self) -> float:
        return self.original_size[1] / self.pixels.shape[0]

    @property
    def reduced(self) -> bool:
        return (self.pixels.shape[1], self.pixels.shape[0]) != self.original_size


def working_size(width: int, height: int, work_pixels: int | None) -> tuple[int, int]:
    """The size an image of width x height is reduced to: itself when it has at most work_pixels pixels
    (or work_pixels is None), else the largest size of that aspect with at most work_pixels pixels."""
    if work_pixels is None or width * height <= work_pixels:
        return width, height
    factor = math.sqrt(width * height / work_pixels)
    target = (max(1, int(width / factor)), max(1, int(height / factor)))
    while target[0] * target[1] > work_pixels and max(target) > 1:
        target = (max(1, target[0] - 1), max(1, target[1] - 1))
    return target


def _box_reduce(image: Image.Image, factor: int) -> Image.Image:
    """`image` (any mode) as RGB box-reduced by an integer factor, a strip of rows at a time (so no full-size
    RGB copy of a grey, palette or RGBA image is made)."""
    width, height = image.size
    if factor == 1:
        return image if image.mode == "RGB" else image.convert("RGB")
    rgb = Image.new("RGB", (-(-width // factor), -(-height // factor)))
    rows = max(factor, (STRIP_PIXELS // max(width, 1)) // factor * factor)
    for top in range(0, height, rows):
        strip = image.crop((0, top, width, min(height, top + rows)))
        if strip.mode != "RGB":
            strip = strip.convert("RGB")
        rgb.paste(strip.reduce(factor), (0, top // factor))
        del strip
    return rgb


def _transpose(image: Image.Image, orientation: int) -> Image.Image:
    method = _ORIENTATION_TRANSPOSE.get(orientation)
    return image.transpose(method) if method is not None else image


def _orientation(opened: Image.Image) -> int:
    try:
        value = opened.getexif().get(_EXIF_ORIENTATION, 1)
        return int(value) if isinstance(value, int) else 1
    except Exception:  # noqa: BLE001 - a broken EXIF block is ignored, as ImageOps.exif_transpose does
        return 1


def _decode_cost(size: tuple[int, int], target: tuple[int, int], jpeg: bool) -> int:
    """Pixels of the buffers a decode allocates: the decode buffer (drafted for a JPEG) and the working image."""
    width, height = size
    if jpeg and target != size:
        scale = 1
        while scale < 8 and width // (scale * 2) >= target[0] and height // (scale * 2) >= target[1]:
            scale *= 2
        width, height = -(-width // scale), -(-height // scale)
    return width * height + target[0] * target[1]


def decode_reduced(
    data: bytes,
    *,
    max_pixels: int = MAX_IMAGE_PIXELS,
    work_pixels: int | None = DEFAULT_WORK_PIXELS,
    budget: DecodeBudget | None = None,
    orient: bool = True,
    formats: tuple[str, ...] | None = None,
) -> Reduced:
    """Decode JPEG/PNG/BMP/TIFF/PPM/... bytes to RGB, reduced to at most `work_pixels` pixels (None: full size).

    orient: apply the EXIF orientation (TIFF images are always oriented, as v6 says). formats: the Pillow
    formats tried (None: all). budget: the one charged (None: the process-wide one, `decode_budget()`).
    Raises ImageDecodeError for empty, broken, truncated or too large (more than max_pixels) images.
    """
    if not data:
        raise ImageDecodeError("empty image")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=list(formats) if formats else None) as opened:
                width, height = opened.size
                if width <= 0 or height <= 0:
                    raise ImageDecodeError("image has no pixels")
                if width * height > max_pixels:
                    raise ImageDecodeError(f"image too large: {width}x{height}")
                image_format = str(opened.format or "")
                is_jpeg = image_format == "JPEG"
                target = working_size(width, height, work_pixels)
                cost = _decode_cost((width, height), target, is_jpeg)
                with (budget or _budget).reserve(cost):
                    result = _decode_opened(opened, image_format, target, orient)
    except ImageDecodeError:
        raise
    except (
        UnidentifiedImageError,
        OSError,
        ValueError,
        SyntaxError,
        EOFError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
    ) as exc:
        raise ImageDecodeError(f"cannot decode image: {type(exc).__name__}") from exc
    except Exception as exc:  # Pillow raises many types for broken files
        raise ImageDecodeError("broken image data") from exc
    if cost >= RELEASE_AFTER_PIXELS:
        release_memory()  # the full-size buffers are gone: hand what the heaps kept back to the system
    return result


def _decode_opened(opened: Image.Image, image_format: str, target: tuple[int, int], orient: bool) -> Reduced:
    width, height = opened.size
    exif = opened.getexif() if image_format == "JPEG" else None
    orientation = _orientation(opened) if orient or image_format == "TIFF" else 1
    if target != (width, height) and image_format == "JPEG":
        opened.draft("RGB", target)  # DCT scaling: the result is the smallest 1/2^k scale >= target
    opened.load()
    if opened.mode.startswith(("I", "F")):  # 16/32-bit grey: scaled to 8 bits over the whole image first
        image: Image.Image = from_array(to_rgb_array(opened))
    else:
        image = opened
    if image.size != target:
        width_now, height_now = image.size
        image = _box_reduce(image, max(1, min(width_now // target[0], height_now // target[1])))
    if image is not opened:
        opened.close()  # the full-size (or drafted) buffer goes now, not when the caller is done
    if image.size != target:
        image = image.resize(target, Image.Resampling.BILINEAR)  # antialiased: the last factor < 2
    elif image.mode != "RGB":
        image = image.convert("RGB")
    image = _transpose(image, orientation)
    pixels = to_rgb_array(image)
    del image
    original = (height, width) if orientation in (5, 6, 7, 8) else (width, height)
    return Reduced(pixels, image_format, exif, original)


def decode_image(data: bytes, max_pixels: int = MAX_IMAGE_PIXELS) -> RgbImage:
    """Decode JPEG/PNG/BMP/TIFF/WebP/... bytes into an RGB array [H, W, 3] (uint8, C-contiguous), full size.

    EXIF orientation is applied (a phone photo taken upright comes out upright); palette, grey, CMYK and
    16-bit images are converted to RGB; an alpha channel is dropped.
    """
    return decode_reduced(data, max_pixels=max_pixels, work_pixels=None).pixels


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


__all__ = [
    "DEFAULT_BUDGET_PIXELS",
    "DEFAULT_WORK_PIXELS",
    "MAX_IMAGE_PIXELS",
    "DecodeBudget",
    "Reduced",
    "RgbImage",
    "configure_allocator",
    "decode_budget",
    "decode_image",
    "decode_reduced",
    "from_array",
    "release_memory",
    "set_decode_budget",
    "to_rgb_array",
    "working_size",
]
