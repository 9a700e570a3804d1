"""Binary resources kept in the blob store: images, samples and objects (v6 API-008..033).

One set of helpers for the three services (server/services/images.py, samples.py, objects.py)
and for any other service that stores or reads images and samples (detector, handlers):
body validation (raw image types of v6 §8, object types of §5.6), create / read / exists /
delete of a blob row + file through Storage (journaled, all-or-nothing), account limits.
"""

from __future__ import annotations

import io
import json
import uuid
from dataclasses import dataclass
from typing import Any

from google.api import httpbody_pb2
from PIL import Image

from inference.image import decode_reduced
from server import errors
from server.errors import ErrorSpec, LunaError
from server.rpc import Call
from server.storage.store import Storage
from server.validation import path_uuid

# Raw image content types accepted by POST /6/images and /6/samples/* (v6 §8 "Image input").
JPEG = "image/jpeg"
PNG = "image/png"
BMP = "image/bmp"
TIFF = "image/tiff"
PPM = "image/x-portable-pixmap"
IMAGE_CONTENT_TYPES = (JPEG, PNG, BMP, TIFF, PPM)
_PILLOW_FORMAT = {JPEG: "JPEG", PNG: "PNG", BMP: "BMP", TIFF: "TIFF", PPM: "PPM"}

# Object content types accepted by POST /6/objects (v6 §5.6).
JSON_TYPE = "application/json"
OBJECT_CONTENT_TYPES = (JSON_TYPE, "application/pdf", "application/zip", "text/plain")

#: Uploads are checked by decoding them this small (JPEGs are drafted to 1/8 while decoding).
VERIFY_WORK_PIXELS = 256 * 256

IMAGES_BUCKET = "images"
OBJECTS_BUCKET = "objects"
ACCEPT_HEADER = "accept"


@dataclass(frozen=True)
class BlobKind:
    """Where one kind of resource lives and how it is named in answers and errors."""

    bucket: str
    url_prefix: str  # "/6/images" -> url "/6/images/{id}"
    id_name: str  # the path parameter, e.g. "image_id"
    not_found: ErrorSpec


IMAGES = BlobKind(IMAGES_BUCKET, "/6/images", "image_id", errors.IMAGE_NOT_FOUND)
OBJECTS = BlobKind(OBJECTS_BUCKET, "/6/objects", "object_id", errors.OBJECT_NOT_FOUND)


def _samples(samples_type: str) -> BlobKind:
    return BlobKind(f"samples/{samples_type}", f"/6/samples/{samples_type}", "sample_id", errors.SAMPLE_NOT_FOUND)


FACE_SAMPLES = _samples("faces")
BODY_SAMPLES = _samples("bodies")
_SAMPLES_BY_TYPE = {"faces": FACE_SAMPLES, "bodies": BODY_SAMPLES}


def samples_kind(samples_type: str) -> BlobKind:
    """The blob kind of /6/samples/{samples_type} ("faces" or "bodies", else 12004)."""
    kind = _SAMPLES_BY_TYPE.get(samples_type)
    if kind is None:
        raise LunaError(errors.UNKNOWN_RESOURCE, path=f"/6/samples/{samples_type}")
    return kind


def media_type(content_type: str) -> str:
    """'Image/JPEG; q=1' -> 'image/jpeg'."""
    return content_type.split(";", 1)[0].strip().lower()


def sniff_image(data: bytes) -> str | None:
    """The raw image content type the bytes really are (from their magic numbers), or None."""
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"BM"):
        return BMP
    if data.startswith((b"II*\x00", b"MM\x00*")):
        return TIFF
    if len(data) >= 3 and data[:1] == b"P" and data[1:2] in b"123456" and data[2:3].isspace():
        return PPM
    return None


def validate_image(body: httpbody_pb2.HttpBody) -> str:
    """Check a raw image body; return the content type to store (the real format of the bytes).

    A Content-Type outside the raw image types gives 12017, an empty body 12018. The bytes must be a
    complete image of the declared type: bytes that are not a readable jpeg/png/bmp/tiff/ppm image, or a
    truncated or corrupt one, are 13010; a readable image whose raw image type differs from the declared one
    (a PNG sent as image/jpeg) is 12017. An absent Content-Type is allowed (the format is detected). The check decodes
    the image (reduced while decoding where the format allows, charged against the decode budget:
    inference/image.py), so nothing undecodable is stored.
    """
    declared = media_type(body.content_type)
    if declared and declared not in IMAGE_CONTENT_TYPES:
        raise LunaError(errors.BAD_CONTENT_TYPE)
    if not body.data:
        raise LunaError(errors.EMPTY_BODY)
    real = sniff_image(body.data)
    if real is None:
        raise LunaError(errors.BAD_IMAGE, reason="not a jpeg, png, bmp, tiff or ppm image")
    pillow_format = _PILLOW_FORMAT[real]
    try:
        # Structure first (PNG chunk CRCs), then the pixels (a truncated JPEG only shows when decoded).
        with Image.open(io.BytesIO(body.data), formats=[pillow_format]) as image:
            image.verify()
        decode_reduced(body.data, work_pixels=VERIFY_WORK_PIXELS, orient=False, formats=(pillow_format,))
    except Exception:  # noqa: BLE001 - Pillow raises many types for broken files
        raise LunaError(errors.BAD_IMAGE, reason=f"broken {pillow_format.lower()} data") from None
    if declared and declared != real:
        raise LunaError(errors.BAD_CONTENT_TYPE)
    return real


def validate_object(body: httpbody_pb2.HttpBody) -> str:
    """Check an object body; return the content type to store (as given, parameters kept)."""
    if media_type(body.content_type) not in OBJECT_CONTENT_TYPES:
        raise LunaError(errors.BAD_CONTENT_TYPE)
    if not body.data:
        raise LunaError(errors.EMPTY_BODY)
    if media_type(body.content_type) == JSON_TYPE:
        try:
            json.loads(body.data)
        except RecursionError:
            raise LunaError(errors.BAD_JSON, reason="nested too deeply") from None
        except (ValueError, UnicodeDecodeError) as error:
            raise LunaError(errors.BAD_JSON, reason=str(error)) from None
    return body.content_type.strip()


def accepts(accept: str | None, content_type: str) -> bool:
    """Whether an Accept header admits content_type (absent or empty admits everything)."""
    if accept is None or not accept.strip():
        return True
    wanted = media_type(content_type)
    main = wanted.split("/", 1)[0]
    for item in accept.split(","):
        media, *params = (part.strip() for part in item.split(";"))
        if any(p.replace(" ", "").lower() in {"q=0", "q=0.0", "q=0.00", "q=0.000"} for p in params):
            continue
        media = media.lower()
        if media in {"*/*", "*", f"{main}/*", wanted}:
            return True
    return False


def request_header(call: Call, name: str) -> str | None:
    """A request header as the gateway forwards it (gRPC metadata, lower-case name)."""
    for key, value in call.grpc_context.invocation_metadata():
        if key == name:
            return value if isinstance(value, str) else value.decode("latin-1")
    return None


class BlobResources:
    """Create / read / exists / delete for one blob kind, account-limited."""

    def __init__(self, storage: Storage) -> None:
        self.storage = storage

    def create(self, kind: BlobKind, account_id: str, content_type: str, data: bytes) -> tuple[str, str]:
        """Store validated bytes; returns (id, url)."""
        blob_id = str(uuid.uuid4())
        self.storage.put_blob(kind.bucket, blob_id, account_id, content_type, data)
        return blob_id, f"{kind.url_prefix}/{blob_id}"

    def meta(self, kind: BlobKind, raw_id: str, account_id: str | None) -> dict[str, Any]:
        """The blob row of a path id; 12001 for a malformed id, the kind's 404 when absent."""
        blob_id = path_uuid(raw_id, kind.id_name)
        row = self.storage.blob_meta(kind.bucket, blob_id, account_id)
        if row is None:
            raise LunaError(kind.not_found, id=blob_id)
        return row

    def read(self, kind: BlobKind, raw_id: str, account_id: str | None) -> httpbody_pb2.HttpBody:
        row = self.meta(kind, raw_id, account_id)
        data = self.storage.blobs.get(kind.bucket, str(row["blob_id"]))
        if data is None:  # row without file: a deletion in flight
            raise LunaError(kind.not_found, id=row["blob_id"])
        return httpbody_pb2.HttpBody(content_type=str(row["content_type"]), data=data)

    def delete(self, kind: BlobKind, raw_id: str, account_id: str) -> None:
        blob_id = path_uuid(raw_id, kind.id_name)
        if not self.storage.delete_blob(kind.bucket, blob_id, account_id):
            raise LunaError(kind.not_found, id=blob_id)
