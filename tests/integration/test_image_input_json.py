"""application/json image lists (server/services/image_input.py) on /6/detector, /6/sdk and /6/liveness, over
REST on real photos: the same faces as the raw upload, per-image errors, whole-request schema errors."""

from __future__ import annotations

import base64
import json
from typing import Any

import httpx
import pytest

from tests import photos
from tests.conftest import assert_luna_error, auth

JSON = {"Content-Type": "application/json"}


def photo(name: str) -> bytes:
    return photos.face_recognition_image(name).read_bytes()


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def rects(estimations: list[dict[str, Any]]) -> list[dict[str, int]]:
    return [item["face"]["detection"]["rect"] for item in estimations]


def test_sdk_json_images_match_raw_uploads(rest: httpx.Client) -> None:
    body = {
        "images": [
            {"image": b64(photo("obama.jpg")), "filename": "first.jpg", "mimetype": "image/jpeg"},
            {"image": b64(photo("biden.jpg"))},
        ]
    }
    reply = rest.post(
        "/6/sdk", content=json.dumps(body), headers=JSON, params={"detect_face": 1, "estimate_face_descriptor": 0}
    )
    assert reply.status_code == 200, reply.text
    images = reply.json()["images_estimations"]
    assert [image["filename"] for image in images] == ["first.jpg", "image_1"]
    for image, name in zip(images, ("obama.jpg", "biden.jpg"), strict=True):
        raw = rest.post(
            "/6/sdk",
            content=photo(name),
            headers={"Content-Type": "image/jpeg"},
            params={"detect_face": 1, "estimate_face_descriptor": 0},
        )
        assert rects(image["estimations"]) == rects(raw.json()["images_estimations"][0]["estimations"])
        assert len(image["estimations"]) == 1


def test_detector_json_image_creates_a_sample(rest: httpx.Client, account: str) -> None:
    body = {"images": [{"image": b64(photo("obama.jpg")), "filename": "obama"}]}
    reply = rest.post("/6/detector", content=json.dumps(body), headers=auth(account, **JSON))
    assert reply.status_code == 201, reply.text
    (image,) = reply.json()["images"]
    assert image["filename"] == "obama" and image["status"] == 1
    (sample,) = image["detections"]["samples"]
    assert rest.get(sample["face"]["url"], headers=auth(account)).status_code == 200


def test_bad_image_in_a_json_list_fails_alone(rest: httpx.Client, account: str) -> None:
    body = {
        "images": [
            {"image": "not base64!", "filename": "broken"},
            {"image": b64(b"not an image at all"), "filename": "garbage"},
            {"image": b64(photo("obama.jpg")), "filename": "png?", "mimetype": "image/png"},
            {"image": b64(photo("biden.jpg")), "filename": "good"},
        ]
    }
    reply = rest.post("/6/detector", content=json.dumps(body), headers=auth(account, **JSON))
    assert reply.status_code == 201, reply.text
    images = reply.json()["images"]
    assert [image["filename"] for image in images] == ["broken", "garbage", "png?", "good"]
    assert [image["status"] for image in images] == [0, 0, 0, 1]
    assert {image["error"]["error_code"] for image in images[:3]} == {13010}
    assert len(images[3]["detections"]["samples"]) == 1


def test_liveness_accepts_a_json_list(rest: httpx.Client) -> None:
    body = {"images": [{"image": b64(photo("obama.jpg"))}]}
    reply = rest.post("/6/liveness", content=json.dumps(body), headers=JSON)
    assert reply.status_code == 200, reply.text
    (image,) = reply.json()["images"]
    assert image["status"] == 1 and image["filename"] == "image_0"


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"{", 12021),
        (b"", 12018),
        (b"[]", 12022),
        (b'{"images": []}', 12022),
        (b'{"images": [{"filename": "x"}]}', 12022),
        (b'{"images": [{"image": "AAAA", "url": "http://example.com/a.jpg"}]}', 12022),
        (b'{"images": [{"image": "AAAA", "mimetype": "image/gif"}]}', 12022),
        (json.dumps({"images": [{"image": "AAAA"}] * 65}).encode(), 12022),
    ],
)
def test_bad_json_bodies(rest: httpx.Client, data: bytes, code: int) -> None:
    assert_luna_error(rest.post("/6/sdk", content=data, headers=JSON), 400, code)
