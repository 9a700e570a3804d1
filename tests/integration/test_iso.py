"""POST /6/iso over REST: the 29 ISO/IEC 19794-5 checks of v6 §6.24 on real photos and edited copies of them."""

from __future__ import annotations

import base64
import io
from typing import Any

import httpx
import msgpack
import numpy as np
import pytest
from PIL import Image

from tests import photos
from tests.conftest import assert_luna_error, auth
from tests.integration.test_detector import jpeg
from tests.unit.test_iso_checks import grayscale, paint_glasses

SUCCESS = {"error_code": 0, "desc": "Success", "detail": "Success"}
IMAGE_KEYS = ["filename", "status", "error", "estimations"]
CHECK_KEYS = ["name", "object_value", "threshold_value", "result"]
#: v6 §6.24, the ISO column, in the order of v6's sample: every served face must report exactly these.
V6_THRESHOLDS = [
    ("image_format", ["JPEG", "JPEG2000", "PNG"]),
    ("illumination_quality", {"min": 0.3, "max": 1}),
    ("specularity_quality", {"min": 0.3, "max": 1}),
    ("blurriness_quality", {"min": 0.61, "max": 1}),
    ("dark_quality", {"min": 0.5, "max": 1}),
    ("light_quality", {"min": 0.57, "max": 1}),
    ("head_yaw", {"min": -5, "max": 5}),
    ("head_pitch", {"min": -5, "max": 5}),
    ("head_roll", {"min": -8, "max": 8}),
    ("gaze_yaw", {"min": -5, "max": 5}),
    ("gaze_pitch", {"min": -5, "max": 5}),
    ("mouth_smiling", {"min": 0, "max": 0.5}),
    ("mouth_occluded", {"min": 0, "max": 0.5}),
    ("mouth_open", {"min": 0, "max": 0.5}),
    ("glasses", ["no_glasses", "eyeglasses"]),
    ("left_eye", ["open"]),
    ("right_eye", ["open"]),
    ("head_horizontal_center", {"min": 0.45, "max": 0.55}),
    ("head_vertical_center", {"min": 0.3, "max": 0.5}),
    ("head_width", {"min": 0.5, "max": 0.75}),
    ("head_height", {"min": 0.6, "max": 0.9}),
    ("eye_distance", {"min": 90, "max": None}),
    ("eyebrows_state", ["neutral"]),
    ("smile_properties", ["none"]),
    ("headwear_type", ["none"]),
    ("natural_light", 1),
    ("radial_distortion", 0),
    ("red_eyes", 0),
    ("face_color_type", ["color"]),
]


def photo(name: str) -> bytes:
    return photos.face_recognition_image(name).read_bytes()


def png(pixels: np.ndarray) -> bytes:
    out = io.BytesIO()
    Image.fromarray(pixels).save(out, format="PNG")
    return out.getvalue()


def pixels_of(data: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))


def iso(rest: httpx.Client, data: bytes, content_type: str = "image/jpeg", **params: Any) -> dict[str, Any]:
    reply = rest.post("/6/iso", content=data, params=params, headers={"Content-Type": content_type})
    assert reply.status_code == 200, reply.text
    assert reply.headers["content-type"].startswith("application/json")
    body = reply.json()
    assert list(body) == ["images"]
    return body


def faces(image: dict[str, Any]) -> list[dict[str, Any]]:
    """The face detections of a successful image, checked against v6's shape."""
    assert list(image) == IMAGE_KEYS, image
    assert image["status"] == 1 and image["error"] == SUCCESS
    result = []
    for estimation in image["estimations"]:
        assert list(estimation) == ["face"] and list(estimation["face"]) == ["detection"]
        detection = estimation["face"]["detection"]
        assert list(detection) == ["iso", "rect"]
        assert list(detection["rect"]) == ["x", "y", "width", "height"]
        assert list(detection["iso"]) == ["status", "checks"]
        checks = detection["iso"]["checks"]
        assert [(check["name"], check["threshold_value"]) for check in checks] == V6_THRESHOLDS
        for check in checks:
            assert list(check) == CHECK_KEYS and check["result"] in (0, 1)
            if isinstance(check["threshold_value"], dict):
                assert list(check["threshold_value"]) == ["min", "max"]
        assert detection["iso"]["status"] == int(all(check["result"] for check in checks))
        result.append(detection)
    return result


def checks_of(detection: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {check["name"]: check for check in detection["iso"]["checks"]}


def only_face(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    (image,) = body["images"]
    (detection,) = faces(image)
    return checks_of(detection)


def five_points(rest: httpx.Client, data: bytes, content_type: str = "image/jpeg") -> np.ndarray:
    reply = rest.post(
        "/6/sdk",
        content=data,
        params={"estimate_landmarks5": 1, "estimate_face_descriptor": 0},
        headers={"Content-Type": content_type},
    )
    assert reply.status_code == 200, reply.text
    return np.asarray(reply.json()["images_estimations"][0]["estimations"][0]["face"]["detection"]["landmarks5"], float)


def test_obama_checks(rest: httpx.Client) -> None:
    data = photo("obama.jpg")
    body = iso(rest, data)
    (image,) = body["images"]
    assert image["filename"] == "raw image"
    (detection,) = faces(image)
    checks = checks_of(detection)
    width, height = Image.open(io.BytesIO(data)).size
    rect = detection["rect"]
    assert 0 < rect["x"] < width and 0 < rect["y"] < height
    assert checks["image_format"]["object_value"] == "JPEG" and checks["image_format"]["result"] == 1
    # obama.jpg: a broad smile showing the teeth, eyes open, no glasses, colour photo, face small in a tall image.
    assert checks["mouth_smiling"]["object_value"] > 0.5 and checks["mouth_smiling"]["result"] == 0
    assert checks["smile_properties"]["object_value"] == "smile_teeth" and checks["smile_properties"]["result"] == 0
    assert (checks["left_eye"]["object_value"], checks["right_eye"]["object_value"]) == ("open", "open")
    assert checks["glasses"]["object_value"] == "no_glasses" and checks["glasses"]["result"] == 1
    assert checks["face_color_type"]["object_value"] == "color"
    assert checks["headwear_type"]["object_value"] == "none"
    assert checks["natural_light"]["object_value"] == 1 and checks["red_eyes"]["object_value"] == 0
    assert checks["head_width"]["object_value"] < 0.5 and checks["head_width"]["result"] == 0
    assert isinstance(checks["eye_distance"]["object_value"], int) and checks["eye_distance"]["object_value"] > 90
    assert checks["eye_distance"]["result"] == 1
    assert detection["iso"]["status"] == 0
    for name in ("head_yaw", "head_pitch", "head_roll", "illumination_quality", "mouth_open"):
        assert isinstance(checks[name]["object_value"], int | float), name
    # Gaze (MediaPipe Iris + head pose) is estimated for /6/iso; null + result 0 only if no estimator ran.
    for name in ("gaze_yaw", "gaze_pitch"):
        value = checks[name]["object_value"]
        assert value is None and checks[name]["result"] == 0 or isinstance(value, int | float)


def test_tight_crop_passes_the_geometry_a_small_face_fails(rest: httpx.Client) -> None:
    data = photo("biden.jpg")
    image = Image.open(io.BytesIO(data)).convert("RGB")
    first = only_face(iso(rest, data))
    face_width = first["head_width"]["object_value"] * image.width
    centre_x = first["head_horizontal_center"]["object_value"] * image.width
    eyes_y = first["head_vertical_center"]["object_value"] * image.height
    crop_width = face_width / 0.62
    crop_height = crop_width / 0.78
    top = eyes_y - 0.4 * crop_height
    box = (int(centre_x - crop_width / 2), int(top), int(centre_x + crop_width / 2), int(top + crop_height))
    cropped = only_face(iso(rest, jpeg(image.crop(box))))
    for name in ("head_width", "head_horizontal_center", "head_vertical_center"):
        assert cropped[name]["result"] == 1, (name, cropped[name])
    assert abs(cropped["head_width"]["object_value"] - 0.62) < 0.05
    # The same face small in a big canvas: the geometry fails.
    canvas = Image.new("RGB", (image.width * 2, image.height), (128, 128, 128))
    canvas.paste(image.resize((image.width // 2, image.height // 2)), (0, 0))
    small = only_face(iso(rest, jpeg(canvas)))
    assert small["head_width"]["object_value"] < first["head_width"]["object_value"] / 3
    assert small["head_width"]["result"] == 0 and small["head_horizontal_center"]["result"] == 0


def test_grayscale_copy(rest: httpx.Client) -> None:
    checks = only_face(iso(rest, png(grayscale(pixels_of(photo("biden.jpg")))), "image/png"))
    assert checks["face_color_type"]["object_value"] == "grayscale" and checks["face_color_type"]["result"] == 0
    assert checks["image_format"]["object_value"] == "PNG" and checks["image_format"]["result"] == 1


def test_painted_glasses(rest: httpx.Client) -> None:
    data = photo("biden.jpg")
    five = five_points(rest, data)
    pixels = pixels_of(data)
    sunglasses = only_face(iso(rest, png(paint_glasses(pixels, five, sunglasses=True)), "image/png"))
    assert sunglasses["glasses"]["object_value"] == "sunglasses" and sunglasses["glasses"]["result"] == 0
    eyeglasses = only_face(iso(rest, png(paint_glasses(pixels, five)), "image/png"))
    assert eyeglasses["glasses"]["object_value"] == "eyeglasses" and eyeglasses["glasses"]["result"] == 1


def test_bmp_format_fails_the_format_check(rest: httpx.Client) -> None:
    out = io.BytesIO()
    Image.open(io.BytesIO(photo("biden.jpg"))).convert("RGB").save(out, format="BMP")
    checks = only_face(iso(rest, out.getvalue(), "image/bmp"))
    assert checks["image_format"] == {
        "name": "image_format",
        "object_value": "BMP",
        "threshold_value": ["JPEG", "JPEG2000", "PNG"],
        "result": 0,
    }


def test_msgpack_and_account_header(rest: httpx.Client, account: str) -> None:
    data = photo("biden.jpg")
    plain = iso(rest, data)
    reply = rest.post("/6/iso", content=data, headers={"Content-Type": "image/jpeg", "Accept": "application/msgpack"})
    assert reply.status_code == 200, reply.text
    assert reply.headers["content-type"] == "application/msgpack"
    assert msgpack.unpackb(reply.content) == plain
    with_account = rest.post("/6/iso", content=data, headers=auth(account, **{"Content-Type": "image/jpeg"}))
    assert with_account.status_code == 200 and with_account.json() == plain


def test_multipart_base64_and_per_image_errors(rest: httpx.Client) -> None:
    data = photo("biden.jpg")
    files = [
        ("images", ("broken.jpg", b"not an image", "image/jpeg")),
        ("images", ("biden.jpg", data, "image/jpeg")),
    ]
    reply = rest.post("/6/iso", files=files)
    assert reply.status_code == 200, reply.text
    broken, ok = reply.json()["images"]
    assert list(broken) == IMAGE_KEYS and broken["filename"] == "broken.jpg"
    assert broken["status"] == 0 and broken["error"]["error_code"] == 13010 and broken["estimations"] == []
    assert ok["filename"] == "biden.jpg" and len(faces(ok)) == 1
    encoded = base64.b64encode(data)
    assert len(faces(iso(rest, encoded, "image/x-jpeg-base64")["images"][0])) == 1


def test_request_errors(rest: httpx.Client) -> None:
    data = photo("biden.jpg")
    assert_luna_error(rest.post("/6/iso", content=b"", headers={"Content-Type": "image/jpeg"}), 400, 12018)
    assert_luna_error(rest.post("/6/iso", content=data, headers={"Content-Type": "text/plain"}), 400, 12017)
    for params in ({"image_type": 2}, {"multiface_policy": 3}, {"extract_exif": "x"}, {"image_type": "a"}):
        reply = rest.post("/6/iso", content=data, params=params, headers={"Content-Type": "image/jpeg"})
        assert_luna_error(reply, 400, 12012)


def test_multiface_policy(rest: httpx.Client) -> None:
    examples = photos.dlib_examples()
    if examples is None:
        pytest.skip("dlib examples unavailable")
    group = (examples / "faces" / "2008_002470.jpg").read_bytes()
    (image,) = iso(rest, group)["images"]
    assert list(image) == IMAGE_KEYS and image["status"] == 0
    assert image["error"]["error_code"] == 40006 and image["estimations"] == []
    (everyone,) = iso(rest, group, multiface_policy=1)["images"]
    assert len(faces(everyone)) > 1
    (best,) = iso(rest, group, multiface_policy=2)["images"]
    assert len(faces(best)) == 1


def test_extract_exif(rest: httpx.Client) -> None:
    exif = Image.Exif()
    exif[0x010F] = "LumenCam"
    exif[0x0110] = "ISO-1"
    data = jpeg(Image.open(io.BytesIO(photo("biden.jpg"))).convert("RGB"), exif=exif)
    (image,) = iso(rest, data, extract_exif=1)["images"]
    assert list(image) == [*IMAGE_KEYS, "exif"]
    assert image["exif"] == {"make": "LumenCam", "model": "ISO-1"}
    (plain,) = iso(rest, data)["images"]
    assert "exif" not in plain


def test_face_warp(rest: httpx.Client) -> None:
    reply = rest.post(
        "/6/sdk",
        content=photo("biden.jpg"),
        params={"estimate_face_warp": 1, "estimate_face_descriptor": 0},
        headers={"Content-Type": "image/jpeg"},
    )
    warp = base64.b64decode(reply.json()["images_estimations"][0]["estimations"][0]["face"]["detection"]["warp"])
    (image,) = iso(rest, warp, image_type=1)["images"]
    (detection,) = faces(image)
    rect = detection["rect"]
    assert rect["x"] >= 0 and rect["y"] >= 0 and rect["x"] + rect["width"] <= 250 and rect["y"] + rect["height"] <= 250
    checks = checks_of(detection)
    # The geometry is the warp's own: the face fills much of the 250x250 warp.
    assert checks["head_width"]["object_value"] > 0.4
    assert 30 < checks["eye_distance"]["object_value"] < 150
    assert checks["glasses"]["object_value"] == "no_glasses"
