"""The input of POST /6/handlers/{handler_id}/events: images or descriptors, the event meta data of the query and
headers, and the policies of a dynamic handler.

Bodies (the Content-Type selects, v6 §8 "Image input"):
- a raw or base64 image, or multipart/form-data with several images (server/services/image_input.py); the
  multipart part named `policies` (application/json) carries a dynamic handler's policies;
- application/json: `{"images": [{"image": "<base64>", "filename"?, "mimetype"?, "detect_time"?: RFC 3339,
  "detect_ts"?: seconds, "image_origin"?: URL}]}` (1..64 items): the /6/detector image list plus what an event
  stores per detection;
- application/x-sdk-descriptor (the binary SDK descriptor) or application/x-sdk-descriptor-base64: one face
  descriptor, matched and stored without detection;
- application/x-vl-xpk[-base64] (and v6's misspelt `applicaition/x-vl-xpk-base64`): 40023, the format is not
  documented.

Whole-request errors are LunaError; an image that cannot be used keeps its error (`InputImage.error`) and the
others go on.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from google.api import httpbody_pb2

from server import errors
from server.descriptor_codec import decode_sdk, unsupported_version
from server.errors import LunaError
from server.services.blob_resources import IMAGE_CONTENT_TYPES, media_type
from server.services.common import EXTERNAL_ID_MAX, USER_DATA_MAX
from server.services.image_input import (
    JSON,
    JSON_IMAGES_SCHEMA,
    MAX_MULTIPART_IMAGES,
    RAW_IMAGE_FILENAME,
    InputImage,
    json_image,
    parse_image_body,
)
from server.storage.descriptors import current_version
from server.validation import (
    check_json_document,
    flag_param,
    float_param,
    format_time,
    int_param,
    list_param,
    parse_json,
    parse_time,
    query_param,
    validate_json,
)

IMAGE_RAW, IMAGE_FACE_WARP, IMAGE_BODY_WARP = 0, 1, 2
POLICIES_PART = "policies"
SDK_DESCRIPTOR = "application/x-sdk-descriptor"
SDK_DESCRIPTOR_BASE64 = "application/x-sdk-descriptor-base64"
XPK_TYPES = ("application/x-vl-xpk", "application/x-vl-xpk-base64", "applicaition/x-vl-xpk-base64")
DESCRIPTOR_FILENAME = "descriptor"
LOCATION_MAX = 36
SOURCE_MAX = 128
TAG_MAX = 36
TRACK_ID_RE = re.compile(r"^[a-zA-Z0-9_\-]{1,36}$")
# RFC 3339 date-time (Luna-Event-Time / Luna-Event-End-Time: "any other format is ignored").
RFC3339_RE = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$")
EVENT_TIME_HEADER = "luna-event-time"
EVENT_END_TIME_HEADER = "luna-event-end-time"
LOCATION_FIELDS = ("city", "area", "district", "street", "house_number")

_IMAGE_ITEM: dict[str, Any] = JSON_IMAGES_SCHEMA["properties"]["images"]["items"]  # type: ignore[index]
EVENT_IMAGES_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "images": {
            "type": "array",
            "minItems": 1,
            "maxItems": MAX_MULTIPART_IMAGES,
            "items": {
                **_IMAGE_ITEM,
                "properties": {
                    **_IMAGE_ITEM["properties"],
                    "detect_time": {"type": "string", "minLength": 1, "maxLength": 64},
                    "detect_ts": {"type": "number", "minimum": 0},
                    "image_origin": {"type": "string", "minLength": 1, "maxLength": 256},
                },
            },
        },
    },
    "required": ["images"],
    "additionalProperties": False,
}


@dataclass
class EventImage:
    """One input image and what the client said about it."""

    image: InputImage
    #: RFC 3339 in the stored format (None: the event time).
    detect_time: str | None = None
    detect_ts: float | None = None
    #: An external reference to the source image (JSON items).
    image_origin: str | None = None

    @property
    def filename(self) -> str:
        return self.image.filename


@dataclass
class EventsBody:
    """The images or the descriptor of a request, and the policies part of a multipart body."""

    images: list[EventImage] = field(default_factory=list)
    #: One face descriptor of Lumen's version (descriptor bodies).
    descriptor: np.ndarray | None = None
    #: The `policies` part, decoded (not validated: the handler's policies module does that).
    policies: Any = None


@dataclass(frozen=True)
class EventMeta:
    """What every event of the request carries: the query's meta data and the header times."""

    image_type: int = IMAGE_RAW
    aggregate: bool = False
    use_exif_info: bool = True
    source: str | None = None
    tags: tuple[str, ...] = ()
    track_id: str | None = None
    external_id: str = ""
    user_data: str = ""
    #: Given location fields (city, area, district, street, house_number).
    location: dict[str, str] = field(default_factory=dict)
    #: (longitude, latitude) when both are given.
    geo_position: tuple[float, float] | None = None
    #: Luna-Event-Time / Luna-Event-End-Time (stored format), None when absent or not RFC 3339.
    create_time: str | None = None
    end_time: str | None = None


def header_time(value: str | None) -> str | None:
    """An RFC 3339 header in the stored format; None for any other format (v6: ignored)."""
    if value is None or not RFC3339_RE.match(value.strip()):
        return None
    try:
        return format_time(parse_time(value))
    except ValueError:
        return None


def _text(request: Any, name: str, max_length: int) -> str | None:
    value = query_param(request, name)
    if value is not None and len(value) > max_length:
        raise LunaError(errors.BAD_QUERY_PARAM, name=name)
    return value


def event_meta(request: Any, headers: dict[str, str]) -> EventMeta:
    """The typed query fields (12012 naming a bad one) and the event time headers."""
    image_type = int_param(request, "image_type", IMAGE_RAW, choices=(IMAGE_RAW, IMAGE_FACE_WARP, IMAGE_BODY_WARP))
    if image_type == IMAGE_BODY_WARP:
        raise LunaError(errors.ESTIMATION_NOT_AVAILABLE, name="image_type=2 (body warps)")
    location = {name: value for name in LOCATION_FIELDS if (value := _text(request, name, LOCATION_MAX)) is not None}
    longitude = latitude = None
    if request.HasField("longitude"):
        longitude = float_param(request, "longitude", 0.0, minimum=-180.0, maximum=180.0)
    if request.HasField("latitude"):
        latitude = float_param(request, "latitude", 0.0, minimum=-90.0, maximum=90.0)
    tags = list_param(request, "tags") or []
    if any(len(tag) > TAG_MAX for tag in tags):
        raise LunaError(errors.BAD_QUERY_PARAM, name="tags")
    track_id = query_param(request, "track_id")
    if track_id is not None and not TRACK_ID_RE.match(track_id):
        raise LunaError(errors.BAD_QUERY_PARAM, name="track_id")
    return EventMeta(
        image_type=image_type,
        aggregate=flag_param(request, "aggregate_attributes"),
        use_exif_info=flag_param(request, "use_exif_info", default=True),
        source=_text(request, "source", SOURCE_MAX),
        tags=tuple(dict.fromkeys(tags)),
        track_id=track_id,
        external_id=_text(request, "external_id", EXTERNAL_ID_MAX) or "",
        user_data=_text(request, "user_data", USER_DATA_MAX) or "",
        location=location,
        geo_position=(longitude, latitude) if longitude is not None and latitude is not None else None,
        create_time=header_time(headers.get(EVENT_TIME_HEADER)),
        end_time=header_time(headers.get(EVENT_END_TIME_HEADER)),
    )


def _descriptor(data: bytes, *, encoded: bool) -> np.ndarray:
    if not data:
        raise LunaError(errors.EMPTY_BODY)
    if encoded:
        text = b"".join(data.split())
        try:
            base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            raise LunaError(errors.BAD_SDK_DESCRIPTOR, reason="not base64") from None
        payload = text.decode("ascii")
    else:
        payload = base64.b64encode(data).decode("ascii")
    try:
        version, vector = decode_sdk(payload)
    except LunaError as error:
        if error.spec is errors.JSON_VALIDATION:
            raise LunaError(errors.BAD_SDK_DESCRIPTOR, reason="not an SDK descriptor") from None
        raise
    if version != current_version():
        raise unsupported_version(version, str(current_version()))  # matching compares the current version only
    if not np.all(np.isfinite(vector)):
        raise LunaError(errors.BAD_SDK_DESCRIPTOR, reason="non-finite values")
    return vector


def _json_images(data: bytes) -> list[EventImage]:
    document = check_json_document(parse_json(data))
    validate_json(document, EVENT_IMAGES_SCHEMA)
    images = []
    for index, item in enumerate(document["images"]):
        image = json_image(item, index)
        detect_time = None
        if "detect_time" in item:
            detect_time = header_time(str(item["detect_time"]))
            if detect_time is None:
                raise LunaError(
                    errors.JSON_VALIDATION, path=f"images.{index}.detect_time", message="not an RFC 3339 date-time"
                )
        images.append(
            EventImage(
                image,
                detect_time=detect_time,
                detect_ts=float(item["detect_ts"]) if "detect_ts" in item else None,
                image_origin=item.get("image_origin"),
            )
        )
    return images


def parse_events_body(body: httpbody_pb2.HttpBody) -> EventsBody:
    """The images, descriptor and policies part of a request body (see the module docstring)."""
    declared = media_type(body.content_type)
    if declared in XPK_TYPES:
        raise LunaError(errors.MATCH_XPK_NOT_SUPPORTED)
    if declared in (SDK_DESCRIPTOR, SDK_DESCRIPTOR_BASE64):
        return EventsBody(descriptor=_descriptor(body.data, encoded=declared == SDK_DESCRIPTOR_BASE64))
    if declared == JSON:
        if not body.data:
            raise LunaError(errors.EMPTY_BODY)
        return EventsBody(images=_json_images(body.data))
    parsed = parse_image_body(body, skip_parts=(POLICIES_PART,))
    policies = None
    if POLICIES_PART in parsed.extra_parts:
        policies = parse_json(parsed.extra_parts[POLICIES_PART])
    return EventsBody(images=[EventImage(image) for image in parsed.images], policies=policies)


def raw_filename(images: list[EventImage]) -> bool:
    """Whether the body was a single non-multipart image."""
    return len(images) == 1 and images[0].filename == RAW_IMAGE_FILENAME


__all__ = ["IMAGE_CONTENT_TYPES", "EventImage", "EventMeta", "EventsBody", "event_meta", "parse_events_body"]
