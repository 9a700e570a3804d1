"""Source images over REST through Envoy (API-022..027), plus the request size limit (37003)."""

from __future__ import annotations

import io
import uuid
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import httpx
import numpy as np
import pytest
from PIL import Image

from server.stack import Stack
from tests.conftest import assert_luna_error, auth, stack_settings

# Content type and Pillow format of each raw image type of v6 §8.
IMAGE_FORMATS = {
    "image/jpeg": "JPEG",
    "image/png": "PNG",
    "image/bmp": "BMP",
    "image/tiff": "TIFF",
    "image/x-portable-pixmap": "PPM",
}
SMALL_LIMIT_BYTES = 1024 * 1024


def make_image(content_type: str = "image/jpeg", size: tuple[int, int] = (64, 48), *, noise: bool = False) -> bytes:
    """An image generated on the fly (a gradient, or incompressible noise for big bodies)."""
    width, height = size
    if noise:
        pixels = np.random.default_rng(7).integers(0, 256, (height, width, 3), dtype=np.uint8)
    else:
        ramp = np.linspace(0, 255, width, dtype=np.uint8)
        pixels = np.stack([np.tile(ramp, (height, 1))] * 3, axis=-1)
    out = io.BytesIO()
    Image.fromarray(pixels, "RGB").save(out, format=IMAGE_FORMATS[content_type])
    return out.getvalue()


def upload(
    rest: httpx.Client, path: str, account: str, data: bytes, content_type: str | None = "image/jpeg"
) -> httpx.Response:
    headers = auth(account)
    if content_type is not None:
        headers["Content-Type"] = content_type
    return rest.post(path, content=data, headers=headers)


def create_image(rest: httpx.Client, account: str, data: bytes, content_type: str = "image/jpeg") -> str:
    reply = upload(rest, "/6/images", account, data, content_type)
    assert reply.status_code == 201, reply.text
    body = reply.json()
    assert list(body) == ["image_id", "url"]
    assert body["url"] == f"/6/images/{body['image_id']}"
    return str(body["image_id"])


@pytest.mark.parametrize("content_type", list(IMAGE_FORMATS))
def test_create_get_head_delete_every_format(rest: httpx.Client, account: str, content_type: str) -> None:
    data = make_image(content_type)
    image_id = create_image(rest, account, data, content_type)
    got = rest.get(f"/6/images/{image_id}", headers=auth(account))
    assert got.status_code == 200
    assert got.content == data
    assert got.headers["content-type"] == content_type
    assert got.headers["luna-request-id"]

    head = rest.head(f"/6/images/{image_id}", headers=auth(account))
    assert head.status_code == 200 and head.content == b""
    deleted = rest.delete(f"/6/images/{image_id}", headers=auth(account))
    assert deleted.status_code == 204 and deleted.content == b""

    missing = rest.head(f"/6/images/{image_id}")
    assert missing.status_code == 404 and missing.content == b""
    error = assert_luna_error(rest.get(f"/6/images/{image_id}"), 404, 13003)
    assert error == {"error_code": 13003, "desc": "Object not found", "detail": f"Image with id '{image_id}' not found"}
    assert_luna_error(rest.delete(f"/6/images/{image_id}", headers=auth(account)), 404, 13003)


def test_real_format_is_detected_and_stored(rest: httpx.Client, account: str) -> None:
    png = make_image("image/png")
    # no Content-Type: the format comes from the bytes
    reply = upload(rest, "/6/images", account, png, None)
    assert reply.status_code == 201, reply.text
    got = rest.get(reply.json()["url"])
    assert got.content == png and got.headers["content-type"] == "image/png"
    # a raw image type that is not the real one: refused (tests/integration/test_image_uploads.py)
    assert_luna_error(upload(rest, "/6/images", account, png, "image/jpeg"), 400, 12017)
    # parameters and case in the Content-Type are accepted
    assert upload(rest, "/6/images", account, png, "Image/PNG; charset=binary").status_code == 201


def test_bad_bodies(rest: httpx.Client, account: str) -> None:
    jpeg = make_image("image/jpeg")
    for content_type in ("application/json", "text/plain", "image/x-jpeg-base64", "image/gif", "multipart/form-data"):
        error = assert_luna_error(upload(rest, "/6/images", account, jpeg, content_type), 400, 12017)
        assert error["detail"] == "Bad content type"
    empty = assert_luna_error(upload(rest, "/6/images", account, b""), 400, 12018)
    assert empty["detail"] == "Request does not contain data"
    not_image = assert_luna_error(upload(rest, "/6/images", account, b"hello, this is no image"), 400, 13010)
    assert not_image["desc"] == "Bad/incomplete input data"
    assert not_image["detail"].startswith("Failed to decode image: ")
    # right magic bytes, broken content
    assert_luna_error(upload(rest, "/6/images", account, b"BM" + b"\x00" * 40), 400, 13010)
    assert_luna_error(upload(rest, "/6/images", account, make_image("image/png")[:40], "image/png"), 400, 13010)
    assert_luna_error(upload(rest, "/6/images", account, b"\xff\xd8\xff\xe0garbage"), 400, 13010)
    forbidden = assert_luna_error(
        rest.post("/6/images", content=jpeg, headers={"Content-Type": "image/jpeg"}), 403, 11036
    )
    assert forbidden["detail"] == "Luna-Account-Id header is required for requests that change the state of system"


def test_big_image_passes(rest: httpx.Client, account: str) -> None:
    data = make_image("image/bmp", (1640, 1640), noise=True)
    assert len(data) > 8 * 1000 * 1000
    image_id = create_image(rest, account, data, "image/bmp")
    got = rest.get(f"/6/images/{image_id}")
    assert got.status_code == 200 and got.content == data


def test_account_isolation(rest: httpx.Client, account: str) -> None:
    image_id = create_image(rest, account, make_image())
    other = str(uuid.uuid4())
    assert_luna_error(rest.get(f"/6/images/{image_id}", headers=auth(other)), 404, 13003)
    assert rest.head(f"/6/images/{image_id}", headers=auth(other)).status_code == 404
    assert_luna_error(rest.delete(f"/6/images/{image_id}", headers=auth(other)), 404, 13003)
    # without an account every image is visible; the owner can still delete it
    assert rest.get(f"/6/images/{image_id}").status_code == 200
    assert_luna_error(rest.delete(f"/6/images/{image_id}"), 403, 11036)
    assert rest.delete(f"/6/images/{image_id}", headers=auth(account)).status_code == 204


def test_bad_ids_options_and_methods(rest: httpx.Client, account: str) -> None:
    error = assert_luna_error(rest.get("/6/images/not-a-uuid"), 400, 12001)
    assert error["detail"] == "Object in query is not UUID4 format: 'image_id'"
    assert_luna_error(rest.delete("/6/images/not-a-uuid", headers=auth(account)), 400, 12001)
    assert rest.head("/6/images/not-a-uuid").status_code == 400
    # upper-case ids are the same image
    image_id = create_image(rest, account, make_image())
    assert rest.get(f"/6/images/{image_id.upper()}").status_code == 200

    options = rest.options("/6/images")
    assert options.status_code == 200 and options.content == b""
    assert set(options.headers["allow"].split(",")) == {"POST", "OPTIONS"}
    item = rest.options(f"/6/images/{image_id}")
    assert set(item.headers["allow"].split(",")) == {"GET", "HEAD", "DELETE", "OPTIONS"}
    assert_luna_error(rest.get("/6/images"), 405, 12002)
    assert_luna_error(rest.put(f"/6/images/{image_id}", content=b"x", headers=auth(account)), 405, 12002)


# -- request size limit: a stack of its own with a small LUMEN_MAX_REQUEST_BYTES ------------------


@pytest.fixture(scope="module")
def small_rest(tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    data_dir: Path = tmp_path_factory.mktemp("lumen-small-limit")
    settings = replace(stack_settings(data_dir), max_request_bytes=SMALL_LIMIT_BYTES)
    running = Stack(settings).start()
    try:
        with httpx.Client(base_url=running.rest_url, timeout=60.0) as client:
            yield client
    finally:
        running.stop()


def test_payload_too_large(small_rest: httpx.Client, account: str) -> None:
    fits = make_image("image/bmp", (400, 400), noise=True)  # 480 KB
    assert len(fits) < SMALL_LIMIT_BYTES
    assert upload(small_rest, "/6/images", account, fits, "image/bmp").status_code == 201
    too_big = make_image("image/bmp", (700, 700), noise=True)  # 1.47 MB
    assert len(too_big) > SMALL_LIMIT_BYTES
    error = assert_luna_error(upload(small_rest, "/6/images", account, too_big, "image/bmp"), 413, 37003)
    assert error == {"error_code": 37003, "desc": "Payload too large", "detail": "Request payload is too large"}
    assert_luna_error(upload(small_rest, "/6/samples/faces", account, too_big, "image/bmp"), 413, 37003)
    big_text = b"x" * (SMALL_LIMIT_BYTES + 1)
    assert_luna_error(upload(small_rest, "/6/objects", account, big_text, "text/plain"), 413, 37003)
