"""Image bodies of the operations that analyse images (/6/detector; later /6/sdk, /6/iso, /6/liveness).

v6 §8 "Image input": the Content-Type selects the format.
- a raw image: image/jpeg, image/png, image/bmp, image/tiff, image/x-portable-pixmap
  (or no Content-Type: the format is sniffed);
- a base64 image: image/x-jpeg-base64, image/x-png-base64, image/x-bmp-base64, image/x-tiff-base64,
  image/x-portable-pixmap-base64;
- several images: multipart/form-data, one image per part, binary or base64 (a part whose
  Content-Type is a -base64 type, or whose name contains "base64", is base64). Parts named in
  `skip_parts` (e.g. "policies", "meta") are returned separately, not as images.
- application/json: an image list `{"images": [{"image": "<base64>", "filename": "...", "mimetype":
  "image/jpeg"}, ...]}` (1..64 items). The v6 dumps name the content type but not its schema; this is the
  LUNA PLATFORM 5 convention of base64 images with an optional filename (default "image_<index>") and
  mimetype (one of the raw image types; when given, the decoded bytes must be of that type). Image URLs
  are not fetched: Lumen makes no outbound requests. Schema errors are 12022 for the whole request;
  a bad base64 string or a wrong mimetype is an error of that image only.

Whole-request errors: 12017 (Content-Type), 12018 (empty body / no image part). Errors of one image
(bad base64, undecodable bytes) are kept on that image (`InputImage.error`) so the others go on
(v6 batch semantics). The filename of a non-multipart image is "raw image".
"""

from __future__ import annotations

import base64
import binascii
import email.message
import email.parser
import email.policy
import json
from dataclasses import dataclass, field
from typing import Any

from google.api import httpbody_pb2
from PIL import Image

from inference.errors import ImageDecodeError
from inference.image import (
    MAX_IMAGE_PIXELS,
    RgbImage,
    configure_allocator,
    decode_reduced,
    set_decode_budget,
)
from server import errors
from server.errors import LunaError
from server.services.blob_resources import IMAGE_CONTENT_TYPES, media_type, sniff_image
from server.settings import Settings
from server.validation import check_json_document, validate_json

RAW_IMAGE_FILENAME = "raw image"
MULTIPART = "multipart/form-data"
JSON = "application/json"
OCTET_STREAM = "application/octet-stream"
# image/x-jpeg-base64 -> image/jpeg, ...
BASE64_IMAGE_TYPES = {
    "image/x-jpeg-base64": "image/jpeg",
    "image/x-png-base64": "image/png",
    "image/x-bmp-base64": "image/bmp",
    "image/x-tiff-base64": "image/tiff",
    "image/x-portable-pixmap-base64": "image/x-portable-pixmap",
}
MAX_MULTIPART_IMAGES = 64
_HEADER_PARSER = email.parser.BytesHeaderParser(policy=email.policy.HTTP)


@dataclass
class InputImage:
    """One input image: its bytes, or the error that makes it unusable."""

    filename: str
    data: bytes = b""
    error: LunaError | None = None


@dataclass
class ImageBody:
    images: list[InputImage]
    #: Non-image multipart parts by name (those listed in `skip_parts`).
    extra_parts: dict[str, bytes] = field(default_factory=dict)


def _b64(filename: str, data: bytes) -> InputImage:
    try:
        decoded = base64.b64decode(b"".join(data.split()), validate=True)
    except (binascii.Error, ValueError):
        return InputImage(filename, error=LunaError(errors.BAD_IMAGE, reason="image is not valid base64"))
    if not decoded:
        return InputImage(filename, error=LunaError(errors.BAD_IMAGE, reason="empty image"))
    return InputImage(filename, decoded)


def _raw(filename: str, data: bytes) -> InputImage:
    if not data:
        return InputImage(filename, error=LunaError(errors.BAD_IMAGE, reason="empty image"))
    return InputImage(filename, data)


def _boundary(content_type: str) -> str:
    message = email.message.Message()
    message["content-type"] = content_type
    boundary = message.get_param("boundary")
    if not isinstance(boundary, str) or not boundary:
        raise LunaError(errors.BAD_CONTENT_TYPE)
    return boundary


def split_multipart(content_type: str, data: bytes) -> list[tuple[email.message.Message, bytes]]:
    """(headers, content) of every part of a multipart body (12017 when it is not multipart)."""
    delimiter = b"\r\n--" + _boundary(content_type).encode("latin-1")
    chunks = (b"\r\n" + data).split(delimiter)
    parts: list[tuple[email.message.Message, bytes]] = []
    for chunk in chunks[1:]:  # chunks[0] is the preamble
        if chunk.startswith(b"--"):  # closing delimiter
            break
        head, separator, content = chunk.partition(b"\r\n\r\n")
        if not separator:
            raise LunaError(errors.BAD_CONTENT_TYPE)
        headers = _HEADER_PARSER.parsebytes(head.lstrip(b" \t").removeprefix(b"\r\n") + b"\r\n\r\n")
        parts.append((headers, content))
    return parts


def _part_image(headers: email.message.Message, content: bytes, index: int) -> InputImage:
    name = headers.get_param("name", header="content-disposition")
    filename = headers.get_filename() or (name if isinstance(name, str) else None) or f"image_{index}"
    part_type = media_type(headers.get("content-type", ""))
    encoding = str(headers.get("content-transfer-encoding", "")).strip().lower()
    if part_type in BASE64_IMAGE_TYPES or encoding == "base64" or (isinstance(name, str) and "base64" in name):
        return _b64(filename, content)
    if part_type and part_type not in IMAGE_CONTENT_TYPES and part_type != OCTET_STREAM:
        return InputImage(filename, error=LunaError(errors.BAD_IMAGE, reason=f"unsupported part type {part_type}"))
    return _raw(filename, content)


JSON_IMAGES_SCHEMA: dict[str, object] = {
    "type": "object",
    "properties": {
        "images": {
            "type": "array",
            "minItems": 1,
            "maxItems": MAX_MULTIPART_IMAGES,
            "items": {
                "type": "object",
                "properties": {
                    "image": {"type": "string", "minLength": 1},
                    "filename": {"type": "string", "maxLength": 256},
                    "mimetype": {"type": "string", "enum": sorted(IMAGE_CONTENT_TYPES)},
                },
                "required": ["image"],
                "additionalProperties": False,
            },
        },
    },
    "required": ["images"],
    "additionalProperties": False,
}


def _json_images(data: bytes) -> list[InputImage]:
    """The images of an application/json image list (12021 not JSON, 12022 schema)."""
    try:
        document = json.loads(data)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise LunaError(errors.BAD_JSON, reason="body is not valid JSON") from None
    check_json_document(document)
    validate_json(document, JSON_IMAGES_SCHEMA)
    return [json_image(item, index) for index, item in enumerate(document["images"])]


def json_image(item: dict[str, Any], index: int) -> InputImage:
    """One validated item {image, filename?, mimetype?} of a JSON image list (its errors kept on the image)."""
    image = _b64(item.get("filename", f"image_{index}"), item["image"].encode("ascii", "replace"))
    declared = item.get("mimetype")
    if image.error is None and declared is not None and sniff_image(image.data) != declared:
        image = InputImage(image.filename, error=LunaError(errors.BAD_IMAGE, reason=f"image is not {declared}"))
    return image


def parse_image_body(body: httpbody_pb2.HttpBody, *, skip_parts: tuple[str, ...] = ()) -> ImageBody:
    """The images of a request body (see the module docstring for the formats and errors)."""
    declared = media_type(body.content_type)
    if declared == JSON:
        if not body.data:
            raise LunaError(errors.EMPTY_BODY)
        return ImageBody(_json_images(body.data))
    if (
        declared
        and declared != MULTIPART
        and declared not in IMAGE_CONTENT_TYPES
        and declared not in BASE64_IMAGE_TYPES
    ):
        raise LunaError(errors.BAD_CONTENT_TYPE)
    if not body.data:
        raise LunaError(errors.EMPTY_BODY)
    if declared in BASE64_IMAGE_TYPES:
        return ImageBody([_b64(RAW_IMAGE_FILENAME, body.data)])
    if declared != MULTIPART:
        return ImageBody([_raw(RAW_IMAGE_FILENAME, body.data)])
    images: list[InputImage] = []
    extra: dict[str, bytes] = {}
    for index, (headers, content) in enumerate(split_multipart(body.content_type, body.data)):
        name = headers.get_param("name", header="content-disposition")
        if isinstance(name, str) and name in skip_parts:
            extra[name] = content
            continue
        images.append(_part_image(headers, content, index))
    if not images:
        raise LunaError(errors.EMPTY_BODY)
    if len(images) > MAX_MULTIPART_IMAGES:
        raise LunaError(errors.PAYLOAD_TOO_LARGE)
    return ImageBody(images, extra)


# -- decoding ------------------------------------------------------------------------------------------------
# Every decode of an analysed image goes through `decode`: reduced to the working size (Settings
# decode_work_pixels; detections are mapped back to the full image by the callers with DecodedImage.scale_x /
# scale_y) and charged against one process-wide pixel budget (Settings decode_budget_pixels), see
# inference/image.py. `register` (called once by server/app.py, as for every module here) applies the settings.

_work_pixels = Settings.decode_work_pixels


def configure(settings: Settings) -> None:
    """Apply the decode settings to this process (budget, working size, glibc mmap threshold)."""
    global _work_pixels
    set_decode_budget(settings.decode_budget_pixels)
    _work_pixels = settings.decode_work_pixels
    configure_allocator()


def register(server: Any, context: Any) -> None:
    """Not a service: configures decoding from the server's settings at start."""
    configure(context.settings)


@dataclass(frozen=True)
class DecodedImage:
    pixels: RgbImage
    format: str  # Pillow's format name: JPEG, PNG, ...
    exif: Image.Exif | None
    #: (width, height) of the full image (orientation applied); the pixels may be a reduced copy.
    original_size: tuple[int, int] = (0, 0)

    @property
    def scale_x(self) -> float:
        """Full-image x = working x * scale_x."""
        return self.original_size[0] / self.pixels.shape[1] if self.original_size[0] else 1.0

    @property
    def scale_y(self) -> float:
        return self.original_size[1] / self.pixels.shape[0] if self.original_size[1] else 1.0

    @property
    def reduced(self) -> bool:
        return self.original_size != (self.pixels.shape[1], self.pixels.shape[0])


def decode(
    data: bytes,
    *,
    use_exif_info: bool = True,
    max_pixels: int = MAX_IMAGE_PIXELS,
    reduce: bool = True,
    work_pixels: int | None = None,
) -> DecodedImage:
    """Decode an input image to RGB (13010 on failure, also for images of more than max_pixels pixels).
    EXIF orientation is applied when use_exif_info (TIFF always: v6 says TIFF images are always auto-oriented).
    With `reduce` an image of more than the working size (work_pixels, default Settings decode_work_pixels) is
    reduced to it; the decode waits for its share of the decode budget."""
    if sniff_image(data) is None:
        raise LunaError(errors.BAD_IMAGE, reason="not a jpeg, png, bmp, tiff or ppm image")
    try:
        result = decode_reduced(
            data,
            max_pixels=max_pixels,
            work_pixels=(work_pixels or _work_pixels) if reduce else None,
            orient=use_exif_info,
        )
    except ImageDecodeError as error:
        raise LunaError(errors.BAD_IMAGE, reason=str(error)) from None
    return DecodedImage(result.pixels, result.format, result.exif, result.original_size)
