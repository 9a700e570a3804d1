"""POST /6/images and POST /6/samples/{type} store only images that decode and are what their Content-Type says
(server/services/blob_resources.py validate_image): a truncated or garbage image is 13010, a mislabelled one
12017, and nothing is written. A stack of its own without Triton (no model is involved)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import httpx
import numpy as np
import pytest
from PIL import Image

from server.stack import Stack
from tests.conftest import assert_luna_error, auth, stack_settings

UPLOAD_PATHS = ("/6/images", "/6/samples/faces", "/6/samples/bodies")
#: SQLite's side files change with every transaction; blobs are files of their own.
SQLITE_SIDE_FILES = ("-wal", "-shm", "-journal")


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    stack = Stack(stack_settings(tmp_path_factory.mktemp("lumen-uploads"))).start()
    try:
        yield stack
    finally:
        stack.stop()


@pytest.fixture
def client(running: Stack) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=running.rest_url, timeout=60.0) as rest:
        yield rest


def stored_files(stack: Stack) -> set[Path]:
    root = stack.settings.data_dir
    return {
        path.relative_to(root)
        for path in root.rglob("*")
        if path.is_file() and not path.name.endswith(SQLITE_SIDE_FILES) and path.suffix not in (".db", ".sqlite")
    }


def photo(image_format: str, size: tuple[int, int] = (320, 240)) -> bytes:
    rng = np.random.default_rng(3)
    pixels = rng.integers(0, 256, (size[1], size[0], 3), dtype=np.uint8)
    out = io.BytesIO()
    Image.fromarray(pixels).save(out, format=image_format)
    return out.getvalue()


def post(rest: httpx.Client, path: str, account: str, data: bytes, content_type: str) -> httpx.Response:
    return rest.post(path, content=data, headers=auth(account, **{"Content-Type": content_type}))


BROKEN = {
    # the first half of a JPEG: its header and start of scan are fine, Pillow's verify() alone passes it
    "truncated jpeg": (photo("JPEG")[: len(photo("JPEG")) // 2], "image/jpeg", 13010),
    "truncated png": (photo("PNG")[:-400], "image/png", 13010),
    "png labelled image/jpeg": (photo("PNG"), "image/jpeg", 12017),
    "jpeg labelled image/png": (photo("JPEG"), "image/png", 12017),
    "bmp labelled image/tiff": (photo("BMP"), "image/tiff", 12017),
    "garbage": (b"\x13\x37 definitely not an image " * 20, "image/jpeg", 13010),
    "jpeg magic then garbage": (b"\xff\xd8\xff\xe0" + b"\x00\x10JFIF" + b"\x5a" * 500, "image/jpeg", 13010),
}


@pytest.mark.parametrize("path", UPLOAD_PATHS)
@pytest.mark.parametrize("case", list(BROKEN))
def test_broken_or_mislabelled_uploads_are_refused_and_not_stored(
    running: Stack, client: httpx.Client, path: str, case: str
) -> None:
    account = "3f1b9a4e-1d2c-4b5a-9e8f-7a6b5c4d3e2f"
    data, content_type, code = BROKEN[case]
    before = stored_files(running)
    error = assert_luna_error(post(client, path, account, data, content_type), 400, code)
    detail = str(error["detail"])
    assert len(detail) < 200 and "\x13" not in detail  # no echo of the body
    assert stored_files(running) == before


@pytest.mark.parametrize("path", UPLOAD_PATHS)
def test_good_uploads_are_stored(running: Stack, client: httpx.Client, path: str) -> None:
    """The control for the test above: a readable image with its own type adds a stored file."""
    account = "3f1b9a4e-1d2c-4b5a-9e8f-7a6b5c4d3e2f"
    for image_format, content_type in (("JPEG", "image/jpeg"), ("PNG", "image/png")):
        before = stored_files(running)
        reply = post(client, path, account, photo(image_format), content_type)
        assert reply.status_code == 201, reply.text
        assert len(stored_files(running) - before) == 1
        assert client.get(reply.json()["url"]).content == photo(image_format)


def test_huge_pixel_upload_is_checked_within_the_budget(client: httpx.Client) -> None:
    """A 7999 x 7999 PNG of a few KB is checked (decoded) and stored; one above the 64 M pixel limit is 13010."""
    account = "0c8e7d6f-5a4b-4c3d-8e2f-1a0b9c8d7e6f"
    out = io.BytesIO()
    Image.new("L", (7999, 7999), 77).save(out, format="PNG")
    assert post(client, "/6/images", account, out.getvalue(), "image/png").status_code == 201
    out = io.BytesIO()
    Image.new("L", (8001, 8001), 77).save(out, format="PNG")
    error = assert_luna_error(post(client, "/6/images", account, out.getvalue(), "image/png"), 400, 13010)
    assert "png" in str(error["detail"])
