"""POST /6/liveness (v6 API-149) over REST on real photos: per-image liveness, per-image errors, aggregate=1,
nothing stored, account optional. The model is weak (MODELS.md): the tests pin shapes, the prediction rule and
what was measured on real photos, not spoof detection."""

from __future__ import annotations

import base64
import io
import json
from typing import Any

import httpx
import numpy as np
import pytest
from PIL import Image

from tests import photos
from tests.conftest import assert_luna_error, auth

SUCCESS = {"error_code": 0, "desc": "Success", "detail": "Success"}
IMAGE_KEYS = ["filename", "status", "liveness", "error"]


def photo(name: str) -> bytes:
    return photos.face_recognition_image(name).read_bytes()


def liveness(rest: httpx.Client, data: bytes, content_type: str = "image/jpeg", **params: Any) -> dict[str, Any]:
    reply = rest.post("/6/liveness", content=data, params=params, headers={"Content-Type": content_type})
    assert reply.status_code == 200, reply.text
    body = reply.json()
    assert isinstance(body, dict)
    return body


def assert_live(image: dict[str, Any], filename: str) -> dict[str, Any]:
    assert list(image) == IMAGE_KEYS, image
    assert image["filename"] == filename
    assert image["status"] == 1 and image["error"] == SUCCESS
    result = image["liveness"]
    # A JSON object-or-null (google.protobuf.Value): its keys come in no fixed order.
    assert sorted(result) == ["estimations", "prediction"]
    assert sorted(result["estimations"]) == ["probability", "quality"]
    assert isinstance(result["prediction"], int)
    probability, quality = result["estimations"]["probability"], result["estimations"]["quality"]
    assert 0.0 <= probability <= 1.0 and 0.0 <= quality <= 1.0
    expected = 2 if quality < 0.5 else (1 if probability >= 0.5 else 0)
    assert result["prediction"] == expected
    assert isinstance(result, dict)
    return result


def blank_jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (320, 240), (120, 140, 160)).save(out, format="JPEG")
    return out.getvalue()


def test_real_portraits_are_real(rest: httpx.Client) -> None:
    for name in ("obama.jpg", "obama2.jpg", "obama3.jpg", "biden.jpg"):
        body = liveness(rest, photo(name))
        assert list(body) == ["images"]
        (image,) = body["images"]
        result = assert_live(image, "raw image")
        assert result["prediction"] == 1, name
        assert result["estimations"]["probability"] > 0.9, name


def test_multipart_parts_meta_and_per_image_errors(rest: httpx.Client) -> None:
    files = [
        ("image_binary_for_multipart", ("biden.jpg", photo("biden.jpg"), "image/jpeg")),
        ("image_binary_for_multipart", ("failed_image.jpg", b"\xff\xd8\xff\xe0 not really a jpeg", "image/jpeg")),
        ("meta", ("meta", json.dumps({"device": "UNKNOWN"}).encode(), "application/json")),
        ("image_base64_for_multipart", ("obama.jpg", base64.b64encode(photo("obama.jpg")), "text/plain")),
        ("image_binary_for_multipart", ("blank.jpg", blank_jpeg(), "image/jpeg")),
        ("image_base64_for_multipart", ("bad64.jpg", b"%%% not base64", "text/plain")),
    ]
    reply = rest.post("/6/liveness", files=files)
    assert reply.status_code == 200, reply.text
    body = reply.json()
    assert list(body) == ["images"]
    images = body["images"]
    assert [image["filename"] for image in images] == [
        "biden.jpg",
        "failed_image.jpg",
        "obama.jpg",
        "blank.jpg",
        "bad64.jpg",
    ]
    biden = assert_live(images[0], "biden.jpg")
    obama = assert_live(images[2], "obama.jpg")
    for failed in (images[1], images[4]):
        assert failed == {
            "filename": failed["filename"],
            "status": 0,
            "liveness": None,
            "error": {"error_code": 32010, "desc": "Failed to decode image data", "detail": "File decoding error"},
        }
    assert images[3]["status"] == 0 and images[3]["liveness"] is None
    assert images[3]["error"]["error_code"] == 40030
    # The same answers as single-image requests.
    assert liveness(rest, photo("biden.jpg"))["images"][0]["liveness"] == biden
    assert liveness(rest, photo("obama.jpg"))["images"][0]["liveness"] == obama


def test_aggregate(rest: httpx.Client) -> None:
    files = [
        ("image_binary_for_multipart", ("obama.jpg", photo("obama.jpg"), "image/jpeg")),
        ("image_binary_for_multipart", ("obama2.jpg", photo("obama2.jpg"), "image/jpeg")),
        ("image_binary_for_multipart", ("broken.jpg", b"nope", "image/jpeg")),
    ]
    reply = rest.post("/6/liveness", files=files, params={"aggregate": 1})
    assert reply.status_code == 200, reply.text
    body = reply.json()
    assert list(body) == ["images", "aggregate_estimations"]
    singles = [
        assert_live(image, name) for image, name in zip(body["images"][:2], ("obama.jpg", "obama2.jpg"), strict=True)
    ]
    assert list(body["aggregate_estimations"]) == ["liveness"]
    aggregate = body["aggregate_estimations"]["liveness"]
    assert sorted(aggregate) == ["estimations", "prediction"]
    for key in ("probability", "quality"):
        mean = float(np.mean([single["estimations"][key] for single in singles]))
        assert aggregate["estimations"][key] == pytest.approx(mean, abs=1e-9)
    assert aggregate["prediction"] == 1
    # No image succeeded: the aggregate is null.
    body = liveness(rest, b"\x89PNG\r\n\x1a\n broken", "image/png", aggregate=1)
    assert body["aggregate_estimations"] == {"liveness": None}
    assert body["images"][0]["error"]["error_code"] == 32010


def test_base64_body(rest: httpx.Client) -> None:
    raw = liveness(rest, photo("obama3.jpg"))["images"][0]
    encoded = liveness(rest, base64.b64encode(photo("obama3.jpg")), "image/x-jpeg-base64")["images"][0]
    assert encoded == raw


def test_several_faces_use_the_best(rest: httpx.Client) -> None:
    from tests.integration.test_detector import two_faces

    (image,) = liveness(rest, two_faces())["images"]
    assert_live(image, "raw image")


@pytest.mark.parametrize("value", ["2", "x", "-1"])
def test_bad_aggregate(rest: httpx.Client, value: str) -> None:
    reply = rest.post(
        f"/6/liveness?aggregate={value}", content=photo("obama.jpg"), headers={"Content-Type": "image/jpeg"}
    )
    assert_luna_error(reply, 400, 12012)


@pytest.mark.parametrize(
    ("content_type", "data", "code"),
    [
        ("image/jpeg", b"", 12018),
        ("text/plain", b"hello", 12017),
        ("application/json", b'{"images": []}', 12022),
    ],
)
def test_bad_bodies(rest: httpx.Client, content_type: str, data: bytes, code: int) -> None:
    assert_luna_error(rest.post("/6/liveness", content=data, headers={"Content-Type": content_type}), 400, code)


def test_only_meta_is_an_empty_body(rest: httpx.Client) -> None:
    reply = rest.post("/6/liveness", files=[("meta", ("meta", b"{}", "application/json"))])
    assert_luna_error(reply, 400, 12018)


def test_account_is_optional(rest: httpx.Client, account: str) -> None:
    headers = auth(account, **{"Content-Type": "image/jpeg"})
    reply = rest.post("/6/liveness", content=photo("obama.jpg"), headers=headers)
    assert reply.status_code == 200
    assert_live(reply.json()["images"][0], "raw image")
    assert_luna_error(
        rest.post(
            "/6/liveness", content=photo("obama.jpg"), headers={"Content-Type": "image/jpeg", "Luna-Account-Id": "x"}
        ),
        400,
        12012,
    )


def test_other_methods(rest: httpx.Client) -> None:
    assert_luna_error(rest.get("/6/liveness"), 405, 12002)
    reply = rest.options("/6/liveness")
    assert reply.status_code == 200
    assert "POST" in reply.headers["allow"]
