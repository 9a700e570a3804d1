"""POST /6/detector over REST on real photos (tests/photos.py), through Envoy, the gRPC server and Triton."""

from __future__ import annotations

import base64
import functools
import io
import uuid
from typing import Any

import httpx
import numpy as np
import pytest
from PIL import Image, ImageEnhance, ImageFilter

from inference.analysis import FaceAnalyser
from inference.image import decode_image
from inference.transport import LocalTransport
from tests import photos
from tests.conftest import assert_luna_error, auth
from tests.unit.test_estimations_mask import paint

IMAGE_KEYS = ["filename", "error", "status", "detections"]
SUCCESS = {"error_code": 0, "desc": "Success", "detail": "Success"}
EXIF_ORIENTATION = 0x0112


def photo(name: str) -> bytes:
    return photos.face_recognition_image(name).read_bytes()


def jpeg(image: Image.Image, **save: Any) -> bytes:
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=92, **save)
    return out.getvalue()


def detect(rest: httpx.Client, account: str, data: bytes, content_type: str = "image/jpeg", /, **params: Any) -> Any:
    reply = rest.post(
        "/6/detector", content=data, params=params, headers=auth(account, **{"Content-Type": content_type})
    )
    assert reply.status_code == 201, reply.text
    return reply.json()


def faces(image: dict[str, Any]) -> list[dict[str, Any]]:
    assert list(image)[:4] == IMAGE_KEYS, image
    assert image["status"] == 1 and image["error"] == SUCCESS
    assert image["detections"]["filtered_detections"] == {"face_detections": []}
    return [sample["face"] for sample in image["detections"]["samples"]]


def assert_face(face: dict[str, Any], size: tuple[int, int]) -> None:
    assert list(face) == ["detection", "url", "sample_id"]
    assert face["url"] == f"/6/samples/faces/{face['sample_id']}"
    detection = face["detection"]
    assert list(detection) == ["rect", "landmarks5"]
    rect = detection["rect"]
    assert list(rect) == ["x", "y", "width", "height"]
    assert all(isinstance(v, int) for v in rect.values())
    assert rect["width"] > 20 and rect["height"] > 20
    assert rect["x"] >= 0 and rect["x"] + rect["width"] <= size[0]
    assert rect["y"] >= 0 and rect["y"] + rect["height"] <= size[1]
    landmarks = detection["landmarks5"]
    assert len(landmarks) == 5
    for x, y in landmarks:
        assert isinstance(x, int) and isinstance(y, int)
        assert rect["x"] <= x <= rect["x"] + rect["width"] and rect["y"] <= y <= rect["y"] + rect["height"]
    (left_eye, right_eye, nose, mouth_left, mouth_right) = landmarks
    assert left_eye[0] < right_eye[0] and mouth_left[0] < mouth_right[0]
    assert max(left_eye[1], right_eye[1]) < nose[1] < min(mouth_left[1], mouth_right[1])


def test_one_face_on_obama(rest: httpx.Client, account: str) -> None:
    data = photo("obama.jpg")
    body = detect(rest, account, data)
    assert list(body) == ["images"]
    (image,) = body["images"]
    assert image["filename"] == "raw image"
    (face,) = faces(image)
    assert_face(face, Image.open(io.BytesIO(data)).size)
    sample = rest.get(face["url"], headers=auth(account))
    assert sample.status_code == 200
    assert sample.headers["content-type"] == "image/jpeg"
    assert Image.open(io.BytesIO(sample.content)).size == (250, 250)


def test_base64_body_gives_the_same_detection(rest: httpx.Client, account: str) -> None:
    data = photo("biden.jpg")
    raw = faces(detect(rest, account, data)["images"][0])
    encoded = faces(detect(rest, account, base64.b64encode(data), "image/x-jpeg-base64")["images"][0])
    assert [f["detection"] for f in encoded] == [f["detection"] for f in raw]
    assert encoded[0]["sample_id"] != raw[0]["sample_id"]


def test_multipart_images_in_order_and_per_image_errors(rest: httpx.Client, account: str) -> None:
    files = [
        ("image", ("biden.jpg", photo("biden.jpg"), "image/jpeg")),
        ("image", ("broken.jpg", b"\xff\xd8\xff\xe0 not really a jpeg", "image/jpeg")),
        ("image_base64", ("obama.jpg", base64.b64encode(photo("obama.jpg")), "image/x-jpeg-base64")),
    ]
    reply = rest.post("/6/detector", files=files, headers=auth(account))
    assert reply.status_code == 201, reply.text
    images = reply.json()["images"]
    assert [image["filename"] for image in images] == ["biden.jpg", "broken.jpg", "obama.jpg"]
    assert len(faces(images[0])) == 1 and len(faces(images[2])) == 1
    broken = images[1]
    assert list(broken) == ["filename", "error", "status"]
    assert broken["status"] == 0
    assert broken["error"]["error_code"] == 13010 and broken["error"]["desc"] == "Bad/incomplete input data"


def test_two_images_two_entries(rest: httpx.Client, account: str) -> None:
    files = [("a", ("obama.jpg", photo("obama.jpg"), "image/jpeg")), ("b", ("obama2.jpg", photo("obama2.jpg"), None))]
    images = rest.post("/6/detector", files=files, headers=auth(account)).json()["images"]
    assert [image["filename"] for image in images] == ["obama.jpg", "obama2.jpg"]
    assert [len(faces(image)) for image in images] == [1, 1]


def test_no_face_gives_an_empty_result(rest: httpx.Client, account: str) -> None:
    noise = np.random.default_rng(7).integers(90, 110, size=(240, 320, 3), dtype=np.uint8)
    (image,) = detect(rest, account, jpeg(Image.fromarray(noise)))["images"]
    assert faces(image) == []


def two_faces() -> bytes:
    left = Image.open(io.BytesIO(photo("obama.jpg"))).convert("RGB")
    right = Image.open(io.BytesIO(photo("biden.jpg"))).convert("RGB")
    height = 400
    left = left.resize((left.width * height // left.height, height))
    right = right.resize((right.width * height // right.height, height))
    canvas = Image.new("RGB", (left.width + right.width, height))
    canvas.paste(left, (0, 0))
    canvas.paste(right, (left.width, 0))
    return jpeg(canvas)


def test_multiface_policy(rest: httpx.Client, account: str) -> None:
    data = two_faces()
    everyone = faces(detect(rest, account, data)["images"][0])
    assert len(everyone) == 2
    best = faces(detect(rest, account, data, multiface_policy=2)["images"][0])
    assert [f["detection"] for f in best] == [everyone[0]["detection"]]
    (image,) = detect(rest, account, data, multiface_policy=0)["images"]
    assert image["status"] == 0 and image["error"]["error_code"] == 40006
    assert len(faces(detect(rest, account, photo("obama.jpg"), multiface_policy=0)["images"][0])) == 1


def test_exif_orientation_and_tags(rest: httpx.Client, account: str) -> None:
    upright = Image.open(io.BytesIO(photo("obama.jpg"))).convert("RGB")
    reference = faces(detect(rest, account, jpeg(upright))["images"][0])[0]["detection"]["rect"]
    exif = Image.Exif()
    exif[EXIF_ORIENTATION] = 6  # stored turned left: viewers turn it right
    exif[0x010F] = "Lumen"
    exif[0x0110] = "Test Camera"
    sideways = jpeg(upright.transpose(Image.Transpose.ROTATE_90), exif=exif.tobytes())
    (oriented,) = detect(rest, account, sideways, extract_exif=1)["images"]
    assert list(oriented) == [*IMAGE_KEYS, "exif"]
    assert oriented["exif"] == {"make": "Lumen", "model": "Test Camera", "orientation": 6}
    rect = faces(oriented)[0]["detection"]["rect"]
    assert all(abs(rect[k] - reference[k]) <= 8 for k in rect), (rect, reference)
    raw = faces(detect(rest, account, sideways, use_exif_info=0)["images"][0])
    assert all(abs(f["detection"]["rect"]["x"] - reference["x"]) > 10 for f in raw)
    assert "exif" not in detect(rest, account, photo("obama.jpg"))["images"][0]


def test_warped_image(rest: httpx.Client, account: str) -> None:
    face = faces(detect(rest, account, photo("obama2.jpg"))["images"][0])[0]
    warp = rest.get(face["url"], headers=auth(account)).content
    (image,) = detect(rest, account, warp, warped_image=1)["images"]
    (again,) = faces(image)
    assert again["detection"] == {"rect": {"x": 0, "y": 0, "width": 250, "height": 250}}
    assert again["sample_id"] != face["sample_id"]


@pytest.mark.parametrize(
    ("content_type", "data", "code"),
    [
        ("image/jpeg", b"", 12018),
        ("text/plain", b"hello", 12017),
        ("application/json", b'{"images": []}', 12022),
        ("multipart/form-data", b"--x\r\n\r\n--x--", 12017),
        ("multipart/form-data; boundary=x", b"--x--\r\n", 12018),
    ],
)
def test_bad_bodies(rest: httpx.Client, account: str, content_type: str, data: bytes, code: int) -> None:
    reply = rest.post("/6/detector", content=data, headers=auth(account, **{"Content-Type": content_type}))
    assert_luna_error(reply, 400, code)


def test_bad_single_image_is_a_per_image_error(rest: httpx.Client, account: str) -> None:
    (image,) = detect(rest, account, b"not an image at all")["images"]
    assert image["status"] == 0 and image["error"]["error_code"] == 13010
    (image,) = detect(rest, account, b"!!!", "image/x-png-base64")["images"]
    assert image["status"] == 0 and image["error"]["error_code"] == 13010


def test_query_validation(rest: httpx.Client, account: str) -> None:
    headers = auth(account, **{"Content-Type": "image/jpeg"})
    for params in (
        {"multiface_policy": 3},
        {"warped_image": 2},
        {"use_exif_info": "x"},
        {"yaw_threshold": 181},
        {"pitch_threshold": -1},
        {"roll_threshold": "x"},
        {"estimate_head_pose": 2},
        {"estimate_quality": "yes"},
        {"estimate_mask": 3},
        # head pose needs the landmarks of a photo: not on warps
        {"warped_image": 1, "estimate_head_pose": 1},
        {"warped_image": 1, "yaw_threshold": 30},
    ):
        assert_luna_error(rest.post("/6/detector", content=b"x", params=params, headers=headers), 400, 12012)
    ok = rest.post("/6/detector", content=photo("obama.jpg"), params={"yaw_threshold": 180}, headers=headers)
    assert ok.status_code == 201


def test_account_required_and_isolated(rest: httpx.Client, account: str) -> None:
    other_account = str(uuid.uuid4())
    reply = rest.post("/6/detector", content=photo("obama.jpg"), headers={"Content-Type": "image/jpeg"})
    assert_luna_error(reply, 403, 11036)
    face = faces(detect(rest, account, photo("obama.jpg"))["images"][0])[0]
    assert rest.get(face["url"], headers=auth(account)).status_code == 200
    assert_luna_error(rest.get(face["url"], headers=auth(other_account)), 404, 13003)
    assert_luna_error(rest.delete(face["url"], headers=auth(other_account)), 404, 13003)
    assert rest.head(face["url"], headers=auth(account)).status_code == 200


def test_options(rest: httpx.Client) -> None:
    reply = rest.options("/6/detector")
    assert reply.status_code == 200
    assert "POST" in reply.headers["allow"]


# -- estimations ---------------------------------------------------------------------------------------

QUALITY_KEYS = ["blurriness", "dark", "illumination", "specularity", "light"]
HEAD_POSE_KEYS = ["pitch", "roll", "yaw"]


def mirrored(name: str) -> bytes:
    return jpeg(Image.open(io.BytesIO(photo(name))).convert("RGB").transpose(Image.Transpose.FLIP_LEFT_RIGHT))


def estimated(
    rest: httpx.Client, account: str, data: bytes, content_type: str = "image/jpeg", /, **params: Any
) -> dict[str, Any]:
    """The detection of the one face of an image."""
    (face,) = faces(detect(rest, account, data, content_type, **params)["images"][0])
    assert list(face) == ["detection", "url", "sample_id"]
    return dict(face["detection"])


def test_head_pose_signs_follow_the_turn(rest: httpx.Client, account: str) -> None:
    """obama2.jpg: Obama turned towards the left of the image (yaw > 0 in Lumen's convention, about 20
    degrees); the mirrored photo turns the other way: yaw and roll change sign, pitch stays."""
    detection = estimated(rest, account, photo("obama2.jpg"), estimate_head_pose=1)
    assert list(detection) == ["rect", "landmarks5", "attributes"]
    assert list(detection["attributes"]) == ["head_pose"]
    pose = detection["attributes"]["head_pose"]
    assert list(pose) == HEAD_POSE_KEYS
    assert all(isinstance(v, float | int) for v in pose.values())
    mirror = estimated(rest, account, mirrored("obama2.jpg"), estimate_head_pose=1)["attributes"]["head_pose"]
    assert 10 < pose["yaw"] < 40 and -40 < mirror["yaw"] < -10
    assert abs(pose["yaw"] + mirror["yaw"]) < 8
    assert abs(pose["roll"] + mirror["roll"]) < 8
    assert abs(pose["pitch"] - mirror["pitch"]) < 8
    frontal = estimated(rest, account, photo("obama.jpg"), estimate_head_pose=1)["attributes"]["head_pose"]
    assert abs(frontal["yaw"]) < 10 and abs(frontal["roll"]) < 10 and abs(frontal["pitch"]) < 20


def test_quality(rest: httpx.Client, account: str) -> None:
    detection = estimated(rest, account, photo("obama.jpg"), estimate_quality=1)
    assert list(detection) == ["rect", "landmarks5", "quality"]
    quality = detection["quality"]
    assert list(quality) == QUALITY_KEYS
    assert all(0.0 <= v <= 1.0 for v in quality.values()), quality
    assert quality["blurriness"] > 0.8 and quality["dark"] > 0.8 and quality["light"] > 0.8, quality
    # The same photo blurred and darkened reads worse on those factors.
    image = Image.open(io.BytesIO(photo("obama.jpg"))).convert("RGB")
    bad = ImageEnhance.Brightness(image.filter(ImageFilter.GaussianBlur(4))).enhance(0.15)
    worse = estimated(rest, account, jpeg(bad), estimate_quality=1)["quality"]
    assert worse["blurriness"] < quality["blurriness"] - 0.3, (worse, quality)
    assert worse["dark"] < quality["dark"] - 0.3, (worse, quality)


def test_both_estimations_in_v6_order(rest: httpx.Client, account: str) -> None:
    detection = estimated(rest, account, photo("biden.jpg"), estimate_quality=1, estimate_head_pose=1)
    assert list(detection) == ["rect", "landmarks5", "quality", "attributes"]
    assert list(detection["quality"]) == QUALITY_KEYS
    assert list(detection["attributes"]["head_pose"]) == HEAD_POSE_KEYS


def test_quality_of_a_warp(rest: httpx.Client, account: str) -> None:
    face = faces(detect(rest, account, photo("obama.jpg"))["images"][0])[0]
    warp = rest.get(face["url"], headers=auth(account)).content
    (again,) = faces(detect(rest, account, warp, warped_image=1, estimate_quality=1)["images"][0])
    assert list(again["detection"]) == ["rect", "quality"]
    assert list(again["detection"]["quality"]) == QUALITY_KEYS
    assert again["detection"]["quality"]["blurriness"] > 0.5


def test_angle_thresholds_filter_detections(rest: httpx.Client, account: str) -> None:
    data = photo("obama2.jpg")  # yaw about 20 degrees
    pose = estimated(rest, account, data, estimate_head_pose=1)["attributes"]["head_pose"]
    # A generous threshold keeps the face (and head pose is still only printed when asked for).
    (kept,) = faces(detect(rest, account, data, yaw_threshold=60, pitch_threshold=60, roll_threshold=60)["images"][0])
    assert list(kept["detection"]) == ["rect", "landmarks5"]
    # A tight yaw threshold moves it into filtered_detections, with no sample stored.
    (image,) = detect(rest, account, data, yaw_threshold=5, roll_threshold=90, estimate_quality=1)["images"]
    assert image["status"] == 1 and image["detections"]["samples"] == []
    (item,) = image["detections"]["filtered_detections"]["face_detections"]
    assert list(item) == ["filter_reasons", "detection"]
    (reason,) = item["filter_reasons"]
    assert reason == {
        "filter_name": "yaw_threshold",
        "object_value": pytest.approx(abs(pose["yaw"])),
        "threshold_value": 5,
    }
    assert list(item["detection"]) == ["filename", "sample"]
    assert item["detection"]["filename"] == "raw image"
    filtered = item["detection"]["sample"]["detection"]
    assert list(filtered) == ["rect", "landmarks5", "quality"]
    assert filtered["rect"] == kept["detection"]["rect"]
    # 0 filters every face, whatever its angle; every exceeded threshold is a reason.
    (image,) = detect(rest, account, data, pitch_threshold=0, yaw_threshold=0, estimate_head_pose=1)["images"]
    (item,) = image["detections"]["filtered_detections"]["face_detections"]
    assert [r["filter_name"] for r in item["filter_reasons"]] == ["pitch_threshold", "yaw_threshold"]
    assert list(item["detection"]["sample"]["detection"]["attributes"]["head_pose"]) == HEAD_POSE_KEYS


def test_filtering_comes_before_the_multiface_policy(rest: httpx.Client, account: str) -> None:
    """Two faces (obama, biden); a face beyond the threshold does not count for multiface_policy=0."""
    data = two_faces()
    detections = [f["detection"] for f in faces(detect(rest, account, data, estimate_head_pose=1)["images"][0])]
    yaws = sorted(abs(d["attributes"]["head_pose"]["yaw"]) for d in detections)
    assert yaws[1] - yaws[0] > 4, yaws  # a threshold between them keeps one face
    threshold = int((yaws[0] + yaws[1]) / 2)
    (image,) = detect(rest, account, data, multiface_policy=0, yaw_threshold=threshold)["images"]
    assert image["status"] == 1, image
    assert len(image["detections"]["samples"]) == 1
    assert len(image["detections"]["filtered_detections"]["face_detections"]) == 1


EMOTION_KEYS = ["anger", "disgust", "fear", "happiness", "sadness", "surprise", "neutral"]
MASK_KEYS = ["medical_mask", "missing", "occluded"]


def assert_emotions(emotions: dict[str, Any]) -> None:
    """The v6 emotions object: keys in v6 order, probabilities summing to 1, predominant = argmax."""
    assert list(emotions) == ["predominant_emotion", "estimations"]
    estimations = emotions["estimations"]
    assert list(estimations) == EMOTION_KEYS
    assert all(0.0 <= v <= 1.0 for v in estimations.values())
    assert sum(estimations.values()) == pytest.approx(1.0, abs=1e-4)
    assert emotions["predominant_emotion"] == max(estimations, key=estimations.__getitem__)


def assert_mask(mask: dict[str, Any]) -> None:
    """The v6 mask object; `occluded` is always 0 (no such class in Lumen's network)."""
    assert list(mask) == ["predominant_mask", "estimations"]
    estimations = mask["estimations"]
    assert list(estimations) == MASK_KEYS
    assert estimations["occluded"] == 0
    assert all(0.0 <= v <= 1.0 for v in estimations.values())
    assert sum(estimations.values()) == pytest.approx(1.0, abs=1e-4)
    assert mask["predominant_mask"] == max(estimations, key=estimations.__getitem__)


@functools.cache
def masked(name: str) -> bytes:
    """The photo with a light-blue surgical mask painted from the nose to the chin, as PNG (no JPEG loss):
    the geometry of tests/unit/test_estimations_mask.py, on the exact (float) landmarks of the bare photo
    (in-process MTCNN). The painting is sensitive to them: painted from the integer landmarks v6 prints,
    obama.jpg's mask drops from 0.62 to 0.32 (the re-detection of the painted face moves MTCNN's points by
    up to 17 px, and the crop with them)."""
    pixels = decode_image(photo(name))
    transport = LocalTransport()
    try:
        (detection,) = FaceAnalyser(transport).detect(pixels)
    finally:
        transport.close()
    out = io.BytesIO()
    Image.fromarray(paint(pixels, detection.landmarks, "lower")).save(out, format="PNG")
    return out.getvalue()


def test_emotions_and_mask(rest: httpx.Client, account: str) -> None:
    """obama.jpg smiles and wears no mask; the v6 objects in v6 order (head_pose, emotions, mask)."""
    detection = estimated(rest, account, photo("obama.jpg"), estimate_emotions=1, estimate_mask=1, estimate_head_pose=1)
    assert list(detection) == ["rect", "landmarks5", "attributes"]
    assert list(detection["attributes"]) == ["head_pose", "emotions", "mask"]
    emotions, mask = detection["attributes"]["emotions"], detection["attributes"]["mask"]
    assert_emotions(emotions)
    assert emotions["predominant_emotion"] == "happiness" and emotions["estimations"]["happiness"] > 0.8
    assert_mask(mask)
    assert mask["predominant_mask"] == "missing" and mask["estimations"]["missing"] > 0.8
    # Each switch alone.
    assert list(estimated(rest, account, photo("obama.jpg"), estimate_mask=1)["attributes"]) == ["mask"]
    alone = estimated(rest, account, photo("obama.jpg"), estimate_emotions=1)["attributes"]
    assert list(alone) == ["emotions"]
    assert alone["emotions"]["estimations"] == pytest.approx(emotions["estimations"])


@pytest.mark.parametrize("name", ["obama.jpg", "biden.jpg"])
def test_painted_mask_is_a_medical_mask(rest: httpx.Client, account: str, name: str) -> None:
    bare = estimated(rest, account, photo(name), estimate_mask=1)["attributes"]["mask"]
    detection = estimated(rest, account, masked(name), "image/png", estimate_mask=1)
    mask = detection["attributes"]["mask"]
    assert_mask(mask)
    assert mask["predominant_mask"] == "medical_mask", mask
    assert mask["estimations"]["medical_mask"] > bare["estimations"]["medical_mask"] + 0.4


@pytest.mark.parametrize("name", ["obama.jpg", "biden.jpg"])
def test_a_masked_mouth_is_occluded(rest: httpx.Client, account: str, name: str) -> None:
    """The mouth's `occluded` is the mask classifier's p(mask): low bare, high under a painted mask; the mask
    itself is not printed unless asked for."""
    params = {"estimate_mouth_attributes": 1, "detect_landmarks68": 0}
    bare = estimated(rest, account, photo(name), **params)["attributes"]
    covered = estimated(rest, account, masked(name), "image/png", **params)["attributes"]
    assert list(bare) == list(covered) == ["mouth_attributes"]
    assert bare["mouth_attributes"]["occluded"] < 0.5 < covered["mouth_attributes"]["occluded"]


def test_emotions_and_mask_of_a_warp(rest: httpx.Client, account: str) -> None:
    """warped_image=1: both are cut from the warp itself (server/face_inference.py)."""
    face = faces(detect(rest, account, photo("obama.jpg"))["images"][0])[0]
    warp = rest.get(face["url"], headers=auth(account)).content
    (again,) = faces(detect(rest, account, warp, warped_image=1, estimate_emotions=1, estimate_mask=1)["images"][0])
    assert list(again["detection"]) == ["rect", "attributes"]
    attributes = again["detection"]["attributes"]
    assert list(attributes) == ["emotions", "mask"]
    assert_emotions(attributes["emotions"])
    assert_mask(attributes["mask"])
    assert attributes["emotions"]["predominant_emotion"] == "happiness"
    assert attributes["mask"]["predominant_mask"] == "missing"


def test_filtered_faces_show_emotions_and_mask(rest: httpx.Client, account: str) -> None:
    (image,) = detect(rest, account, photo("obama2.jpg"), yaw_threshold=5, estimate_emotions=1, estimate_mask=1)[
        "images"
    ]
    (item,) = image["detections"]["filtered_detections"]["face_detections"]
    attributes = item["detection"]["sample"]["detection"]["attributes"]
    assert list(attributes) == ["emotions", "mask"]
    assert_emotions(attributes["emotions"])
    assert_mask(attributes["mask"])


def test_emotions_of_two_faces_in_one_image(rest: httpx.Client, account: str) -> None:
    """Two faces are estimated in one batch: each gets its own result, the same as alone."""
    both = [f["detection"] for f in faces(detect(rest, account, two_faces(), estimate_emotions=1)["images"][0])]
    assert len(both) == 2
    for detection in both:
        assert_emotions(detection["attributes"]["emotions"])
    assert both[0]["attributes"]["emotions"] != both[1]["attributes"]["emotions"]


MOUTH_KEYS = ["opened", "occluded", "smile", "score"]


def assert_landmarks68(points: list[list[int]], rect: dict[str, int]) -> None:
    """68 integer points in iBUG order, inside the face rect (with a margin: FaceMesh's jaw line runs along
    the face oval, a little wider than MTCNN's box)."""
    assert len(points) == 68
    margin = 0.15 * rect["width"]
    for x, y in points:
        assert isinstance(x, int) and isinstance(y, int)
        assert rect["x"] - margin <= x <= rect["x"] + rect["width"] + margin
        assert rect["y"] - margin <= y <= rect["y"] + rect["height"] + margin
    assert points[36][0] < points[39][0] < points[42][0] < points[45][0]  # eye corners left to right
    assert points[0][0] < points[8][0] < points[16][0]  # jaw
    assert max(points[36][1], points[45][1]) < points[30][1] < points[51][1] < points[57][1] < points[8][1]


def assert_eyes(eyes: dict[str, Any], landmarks68: list[list[int]]) -> None:
    """{left_eye, right_eye}{state, iris_landmarks}: open eyes, 32 integer iris points each, inside the eye's
    region of the 68 landmarks (widened by a third of the eye width: the lids hide part of the iris)."""
    assert list(eyes) == ["left_eye", "right_eye"]
    for key, first in (("left_eye", 36), ("right_eye", 42)):
        eye = eyes[key]
        assert list(eye) == ["state", "iris_landmarks"] and eye["state"] == "open"
        points = np.array(eye["iris_landmarks"])
        assert points.shape == (32, 2) and all(isinstance(v, int) for row in eye["iris_landmarks"] for v in row)
        outline = np.array(landmarks68[first : first + 6])
        margin = np.linalg.norm(outline[0] - outline[3]) / 3
        assert np.all(points >= outline.min(axis=0) - margin) and np.all(points <= outline.max(axis=0) + margin)
        centre = points.mean(axis=0)
        assert outline[:, 0].min() < centre[0] < outline[:, 0].max()


def assert_mouth(mouth: dict[str, Any]) -> None:
    assert list(mouth) == MOUTH_KEYS
    assert all(0.0 <= v <= 1.0 for v in mouth.values())
    assert mouth["occluded"] < 0.5  # the photos given here are bare faces
    assert mouth["score"] == pytest.approx(1.0 - mouth["smile"])


def test_landmarks68_eyes_and_mouth(rest: httpx.Client, account: str) -> None:
    params = {"detect_landmarks68": 1, "estimate_eyes_attributes": 1, "estimate_mouth_attributes": 1}
    smiles = {}
    for name in ("obama.jpg", "biden.jpg"):
        (image,) = detect(rest, account, photo(name), **params)["images"]
        (face,) = faces(image)
        detection = face["detection"]
        assert list(detection) == ["rect", "landmarks5", "attributes", "landmarks68"]
        assert_landmarks68(detection["landmarks68"], detection["rect"])
        attributes = detection["attributes"]
        assert list(attributes) == ["eyes_attributes", "mouth_attributes"]
        assert_eyes(attributes["eyes_attributes"], detection["landmarks68"])
        assert_mouth(attributes["mouth_attributes"])
        smiles[name] = attributes["mouth_attributes"]["smile"]
    assert smiles["obama.jpg"] > 0.5 > smiles["biden.jpg"]


def test_landmarks68_not_for_warps(rest: httpx.Client, account: str) -> None:
    (image,) = detect(rest, account, photo("obama.jpg"))["images"]
    warp = rest.get(faces(image)[0]["url"], headers=auth(account)).content
    headers = auth(account, **{"Content-Type": "image/jpeg"})
    for name in ("detect_landmarks68", "estimate_eyes_attributes", "estimate_mouth_attributes", "estimate_gaze"):
        reply = rest.post("/6/detector", content=warp, params={name: 1, "warped_image": 1}, headers=headers)
        body = assert_luna_error(reply, 400, 12012)
        assert name in str(body["detail"])


GAZE_KEYS = ["yaw", "pitch"]


def test_gaze_and_iris_landmarks(rest: httpx.Client, account: str) -> None:
    """obama.jpg and biden.jpg look at the camera: gaze near 0. obama2.jpg looks towards the left of the image
    (yaw > 0 in Lumen's convention, inference/estimations/gaze.py); its mirror image the other way."""
    params = {"detect_landmarks68": 1, "estimate_eyes_attributes": 1, "estimate_gaze": 1}
    for name in ("obama.jpg", "biden.jpg"):
        detection = estimated(rest, account, photo(name), **params)
        assert list(detection) == ["rect", "landmarks5", "attributes", "landmarks68"]
        attributes = detection["attributes"]
        assert list(attributes) == ["eyes_attributes", "gaze"]
        assert_eyes(attributes["eyes_attributes"], detection["landmarks68"])
        gaze = attributes["gaze"]
        assert list(gaze) == GAZE_KEYS
        assert abs(gaze["yaw"]) < 10 and abs(gaze["pitch"]) < 15, gaze
    aside = estimated(rest, account, photo("obama2.jpg"), estimate_gaze=1)
    assert list(aside["attributes"]) == ["gaze"]
    mirror = estimated(rest, account, mirrored("obama2.jpg"), estimate_gaze=1)["attributes"]["gaze"]
    assert aside["attributes"]["gaze"]["yaw"] > 12 and mirror["yaw"] < -12
    assert abs(aside["attributes"]["gaze"]["pitch"] - mirror["pitch"]) < 5


def test_gaze_of_filtered_faces(rest: httpx.Client, account: str) -> None:
    (image,) = detect(rest, account, photo("obama2.jpg"), yaw_threshold=5, estimate_gaze=1)["images"]
    (item,) = image["detections"]["filtered_detections"]["face_detections"]
    attributes = item["detection"]["sample"]["detection"]["attributes"]
    assert list(attributes) == ["gaze"] and attributes["gaze"]["yaw"] > 12
