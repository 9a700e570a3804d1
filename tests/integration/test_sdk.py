"""POST /6/sdk over REST on real photos: detection and estimations, nothing stored, account optional."""

from __future__ import annotations

import base64
import io
import struct
import uuid
from typing import Any

import httpx
import msgpack
import numpy as np
import pytest
from PIL import Image

from server.storage.descriptors import DEFAULT_VERSION
from tests import photos
from tests.conftest import assert_luna_error, auth
from tests.integration.test_detector import (
    assert_emotions,
    assert_eyes,
    assert_landmarks68,
    assert_mask,
    assert_mouth,
    jpeg,
    masked,
    mirrored,
    two_faces,
)
from tests.integration.test_extractor import ETHNICITY_NAMES, check_ethnicities

SUCCESS = {"error_code": 0, "desc": "Success", "detail": "Success"}
IMAGE_KEYS = ["filename", "error", "status", "estimations", "filtered_detections"]
QUALITY_KEYS = ["blurriness", "dark", "illumination", "specularity", "light"]
EVERYTHING = {
    "estimate_landmarks5": 1,
    "estimate_head_pose": 1,
    "estimate_quality": 1,
    "estimate_basic_attributes": 1,
    "estimate_face_warp": 1,
    "estimate_emotions": 1,
    "estimate_mask": 1,
}


def photo(name: str) -> bytes:
    return photos.face_recognition_image(name).read_bytes()


def sdk(rest: httpx.Client, data: bytes, content_type: str = "image/jpeg", /, **params: Any) -> dict[str, Any]:
    reply = rest.post("/6/sdk", content=data, params=params, headers={"Content-Type": content_type})
    assert reply.status_code == 200, reply.text
    body = reply.json()
    assert isinstance(body, dict)
    return body


def detections(image: dict[str, Any]) -> list[dict[str, Any]]:
    """The face detections of a successful image."""
    assert list(image) == IMAGE_KEYS, image
    assert image["error"] == SUCCESS and image["status"] == 1
    result = []
    for estimation in image["estimations"]:
        assert list(estimation) == ["face"]
        assert list(estimation["face"]) == ["detection"]
        result.append(estimation["face"]["detection"])
    return result


def sdk_vector(encoded: str) -> np.ndarray:
    raw = base64.b64decode(encoded)
    assert raw[:4] == b"dp\x00\x00"
    assert struct.unpack("<I", raw[4:8]) == (DEFAULT_VERSION,)
    vector = np.frombuffer(raw[8:], dtype="<f4")
    assert vector.shape == (128,)
    assert abs(float(np.linalg.norm(vector)) - 1.0) < 1e-4
    return vector


def extractor_descriptor(rest: httpx.Client, data: bytes, warped: bool = False) -> tuple[np.ndarray, str]:
    """The /6/detector + /6/extractor descriptor of the one face of an image, and the sample id."""
    account = str(uuid.uuid4())
    reply = rest.post(
        "/6/detector",
        content=data,
        params={"warped_image": int(warped)},
        headers=auth(account, **{"Content-Type": "image/jpeg"}),
    )
    (sample,) = reply.json()["images"][0]["detections"]["samples"]
    sample_id = sample["face"]["sample_id"]
    (item,) = rest.post("/6/extractor", json=[sample_id], headers=auth(account)).json()
    attribute = rest.get(
        f"/6/attributes/{item['attribute_id']}", params={"targets": "face_descriptor"}, headers=auth(account)
    )
    return np.frombuffer(base64.b64decode(attribute.json()["face_descriptor"]), dtype="<f4"), sample_id


def test_default_is_a_descriptor_per_face(rest: httpx.Client) -> None:
    """obama.jpg: one face; by default (estimate_face_descriptor=1) its descriptor, in the SDK layout and
    close to what /6/detector + /6/extractor make of the same photo. No Luna-Account-Id needed."""
    body = sdk(rest, photo("obama.jpg"))
    assert list(body) == ["images_estimations"]
    (image,) = body["images_estimations"]
    assert image["filename"] == "raw image"
    assert image["filtered_detections"] == {"face_detections": []}
    (detection,) = detections(image)
    assert list(detection) == ["rect", "attributes"]
    assert list(detection["rect"]) == ["x", "y", "width", "height"]
    assert list(detection["attributes"]) == ["descriptor"]
    assert list(detection["attributes"]["descriptor"]) == ["sdk_descriptor", "score"]
    assert detection["attributes"]["descriptor"]["score"] > 0.9  # a real face (descriptor_score.py)
    vector = sdk_vector(detection["attributes"]["descriptor"]["sdk_descriptor"])
    extracted, _ = extractor_descriptor(rest, photo("obama.jpg"))
    assert float(vector @ extracted) > 0.99
    other = sdk_vector(
        detections(sdk(rest, photo("biden.jpg"))["images_estimations"][0])[0]["attributes"]["descriptor"][
            "sdk_descriptor"
        ]
    )
    assert float(vector @ other) < 0.93


def test_every_estimation(rest: httpx.Client) -> None:
    data = photo("obama.jpg")
    (image,) = sdk(rest, data, **EVERYTHING)["images_estimations"]
    (detection,) = detections(image)
    assert list(detection) == ["rect", "landmarks5", "attributes", "quality", "warp"]
    assert list(detection["attributes"]) == ["head_pose", "emotions", "mask", "basic_attributes", "descriptor"]
    assert_emotions(detection["attributes"]["emotions"])
    assert detection["attributes"]["emotions"]["predominant_emotion"] == "happiness"
    assert_mask(detection["attributes"]["mask"])
    assert detection["attributes"]["mask"]["predominant_mask"] == "missing"
    assert list(detection["attributes"]["head_pose"]) == ["pitch", "roll", "yaw"]
    assert abs(detection["attributes"]["head_pose"]["yaw"]) < 10
    basic = detection["attributes"]["basic_attributes"]
    assert list(basic) == ["ethnicities", "age", "gender"]
    assert basic["gender"] == 1 and 35 <= basic["age"] <= 65
    check_ethnicities(basic["ethnicities"])
    assert list(detection["quality"]) == QUALITY_KEYS
    assert all(0 <= v <= 1 for v in detection["quality"].values())
    warp = Image.open(io.BytesIO(base64.b64decode(detection["warp"])))
    assert warp.format == "JPEG" and warp.size == (250, 250)
    # Same detection as /6/detector (which stores it).
    account = str(uuid.uuid4())
    stored = rest.post(
        "/6/detector",
        content=data,
        params={"estimate_head_pose": 1, "estimate_emotions": 1, "estimate_mask": 1},
        headers=auth(account, **{"Content-Type": "image/jpeg"}),
    ).json()["images"][0]["detections"]["samples"][0]["face"]["detection"]
    assert detection["rect"] == stored["rect"] and detection["landmarks5"] == stored["landmarks5"]
    assert detection["attributes"]["head_pose"] == pytest.approx(stored["attributes"]["head_pose"])
    for name in ("emotions", "mask"):
        assert detection["attributes"][name]["estimations"] == pytest.approx(stored["attributes"][name]["estimations"])


def test_detect_face_only(rest: httpx.Client) -> None:
    (image,) = sdk(rest, photo("biden.jpg"), detect_face=1, estimate_face_descriptor=0)["images_estimations"]
    (detection,) = detections(image)
    assert list(detection) == ["rect"]


def test_multipart_order_and_per_image_errors(rest: httpx.Client) -> None:
    files = [
        ("image", ("biden.jpg", photo("biden.jpg"), "image/jpeg")),
        ("image", ("broken.jpg", b"\xff\xd8\xff\xe0 not really a jpeg", "image/jpeg")),
        ("image_base64", ("obama.jpg", base64.b64encode(photo("obama.jpg")), "image/x-jpeg-base64")),
        ("image", ("empty.png", b"", "image/png")),
    ]
    reply = rest.post("/6/sdk", files=files, params={"estimate_quality": 1})
    assert reply.status_code == 200, reply.text
    images = reply.json()["images_estimations"]
    assert [image["filename"] for image in images] == ["biden.jpg", "broken.jpg", "obama.jpg", "empty.png"]
    assert [len(detections(images[i])) for i in (0, 2)] == [1, 1]
    for broken in (images[1], images[3]):
        assert list(broken) == ["filename", "error", "status", "estimations"]
        assert broken["estimations"] == []
        assert broken["status"] == 0 and broken["error"]["error_code"] == 13010
    single = detections(sdk(rest, photo("obama.jpg"), estimate_quality=1)["images_estimations"][0])
    assert detections(images[2]) == single


def test_base64_body(rest: httpx.Client) -> None:
    raw = detections(sdk(rest, photo("biden.jpg"), detect_face=1, estimate_face_descriptor=0)["images_estimations"][0])
    encoded = sdk(
        rest, base64.b64encode(photo("biden.jpg")), "image/x-jpeg-base64", detect_face=1, estimate_face_descriptor=0
    )
    assert detections(encoded["images_estimations"][0]) == raw


def test_multiface_policy(rest: httpx.Client) -> None:
    data = two_faces()
    everyone = detections(sdk(rest, data, detect_face=1)["images_estimations"][0])
    assert len(everyone) == 2
    best = detections(sdk(rest, data, detect_face=1, multiface_policy=2)["images_estimations"][0])
    assert best == everyone[:1]
    (image,) = sdk(rest, data, multiface_policy=0)["images_estimations"]
    assert list(image) == ["filename", "error", "status", "estimations"]
    assert image["status"] == 0 and image["error"]["error_code"] == 40006 and image["estimations"] == []


def test_angle_thresholds(rest: httpx.Client) -> None:
    """obama2.jpg turns by about 20 degrees: yaw_threshold=5 moves it into filtered_detections."""
    (image,) = sdk(rest, photo("obama2.jpg"), yaw_threshold=5, estimate_landmarks5=1)["images_estimations"]
    assert detections(image) == []
    (item,) = image["filtered_detections"]["face_detections"]
    (reason,) = item["filter_reasons"]
    assert reason["filter_name"] == "yaw_threshold" and reason["threshold_value"] == 5 and reason["object_value"] > 10
    assert item["detection"]["filename"] == "raw image"
    assert list(item["detection"]["sample"]["detection"]) == ["rect", "landmarks5"]
    (kept,) = detections(sdk(rest, photo("obama2.jpg"), yaw_threshold=60)["images_estimations"][0])
    assert "descriptor" in kept["attributes"]


def test_aggregate_attributes(rest: httpx.Client) -> None:
    files = [
        ("a", ("obama.jpg", photo("obama.jpg"), "image/jpeg")),
        ("b", ("obama2.jpg", photo("obama2.jpg"), "image/jpeg")),
        ("c", ("broken.jpg", b"nope", "image/jpeg")),
    ]
    params = {"estimate_basic_attributes": 1, "estimate_head_pose": 1}
    separate = rest.post("/6/sdk", files=files, params=params).json()
    assert list(separate) == ["images_estimations"]
    reply = rest.post("/6/sdk", files=files, params={**params, "aggregate_attributes": 1})
    assert reply.status_code == 200, reply.text
    body = reply.json()
    assert list(body) == ["images_estimations", "aggregate_estimations"]
    # Per face: what is not aggregated stays (head pose); descriptor and basic attributes move.
    for image in body["images_estimations"][:2]:
        (detection,) = detections(image)
        assert list(detection["attributes"]) == ["head_pose"]
    aggregated = body["aggregate_estimations"]
    assert list(aggregated) == ["face"] and list(aggregated["face"]) == ["attributes"]
    attributes = aggregated["face"]["attributes"]
    assert list(attributes) == ["basic_attributes", "descriptor"]
    singles = [detections(image)[0]["attributes"] for image in separate["images_estimations"][:2]]
    vectors = [sdk_vector(s["descriptor"]["sdk_descriptor"]) for s in singles]
    expected = (vectors[0] + vectors[1]) / np.linalg.norm(vectors[0] + vectors[1])
    assert float(sdk_vector(attributes["descriptor"]["sdk_descriptor"]) @ expected) > 0.9999
    mean_score = (singles[0]["descriptor"]["score"] + singles[1]["descriptor"]["score"]) / 2
    assert attributes["descriptor"]["score"] == pytest.approx(mean_score, abs=1e-6)
    ages = [s["basic_attributes"]["age"] for s in singles]
    basic = attributes["basic_attributes"]
    assert basic["gender"] == 1
    assert min(ages) - 1 <= basic["age"] <= max(ages) + 1
    # Ethnicities: the mean of each probability over the faces (as /6/extractor fuses samples).
    check_ethnicities(basic["ethnicities"])
    for name in ETHNICITY_NAMES:
        mean = sum(s["basic_attributes"]["ethnicities"]["estimations"][name] for s in singles) / len(singles)
        assert abs(basic["ethnicities"]["estimations"][name] - mean) < 1e-6, name
    # No face anywhere: the aggregate has no face.
    noise = np.random.default_rng(3).integers(90, 110, size=(200, 200, 3), dtype=np.uint8)
    empty = sdk(rest, jpeg(Image.fromarray(noise)), aggregate_attributes=1)
    assert empty["aggregate_estimations"] == {}


def test_face_warp_input(rest: httpx.Client) -> None:
    """image_type=1: the input is a warp (a /6/detector sample): one face, the whole image."""
    warp = photo_warp(rest, photo("obama2.jpg"))
    (image,) = sdk(rest, warp, image_type=1, estimate_quality=1, estimate_basic_attributes=1)["images_estimations"]
    (detection,) = detections(image)
    assert detection["rect"] == {"x": 0, "y": 0, "width": 250, "height": 250}
    assert list(detection) == ["rect", "attributes", "quality"]
    assert list(detection["attributes"]) == ["basic_attributes", "descriptor"]
    assert detection["attributes"]["basic_attributes"]["gender"] == 1
    extracted, _ = extractor_descriptor(rest, warp, warped=True)
    assert float(sdk_vector(detection["attributes"]["descriptor"]["sdk_descriptor"]) @ extracted) > 0.995


def test_ethnicities_of_photo_and_warp(rest: httpx.Client) -> None:
    """The ethnicity chip is the warp resampled (inference/estimations/ethnicity.py): a photo and its stored sample
    give the same estimate up to the JPEG loss. Joe Biden is white: caucasian (0.98 measured, MODELS.md)."""
    data = photo("biden.jpg")
    params = {"estimate_basic_attributes": 1, "estimate_face_descriptor": 0}
    (image,) = sdk(rest, data, **params)["images_estimations"]
    from_photo = detections(image)[0]["attributes"]["basic_attributes"]["ethnicities"]
    (image,) = sdk(rest, photo_warp(rest, data), image_type=1, **params)["images_estimations"]
    from_warp = detections(image)[0]["attributes"]["basic_attributes"]["ethnicities"]
    for ethnicities in (from_photo, from_warp):
        check_ethnicities(ethnicities)
        assert ethnicities["predominant_ethnicity"] == "caucasian"
    for name in ETHNICITY_NAMES:
        assert abs(from_photo["estimations"][name] - from_warp["estimations"][name]) < 0.05, name


def photo_warp(rest: httpx.Client, data: bytes) -> bytes:
    account = str(uuid.uuid4())
    reply = rest.post("/6/detector", content=data, headers=auth(account, **{"Content-Type": "image/jpeg"}))
    url = reply.json()["images"][0]["detections"]["samples"][0]["face"]["url"]
    return rest.get(url, headers=auth(account)).content


@pytest.mark.parametrize(
    "params",
    [
        {"image_type": 2},
    ],
)
def test_unsupported_estimations(rest: httpx.Client, params: dict[str, Any]) -> None:
    reply = rest.post("/6/sdk", content=photo("obama.jpg"), params=params, headers={"Content-Type": "image/jpeg"})
    body = assert_luna_error(reply, 501, 40005)
    assert next(iter(params)) in str(body["detail"])


def test_mask_states_validation(rest: httpx.Client) -> None:
    for query in ("mask_states=2&mask_states=9", "mask_states=0", "mask_states=", "mask_states=x"):
        reply = rest.post(f"/6/sdk?{query}", content=photo("obama.jpg"), headers={"Content-Type": "image/jpeg"})
        assert_luna_error(reply, 400, 12012)


def sdk_query(rest: httpx.Client, query: str, data: bytes, content_type: str = "image/jpeg") -> dict[str, Any]:
    """/6/sdk with a literal query string (repeated parameters)."""
    reply = rest.post(f"/6/sdk?{query}", content=data, headers={"Content-Type": content_type})
    assert reply.status_code == 200, reply.text
    body = reply.json()
    assert isinstance(body, dict)
    return body


def test_mask_states_filter(rest: httpx.Client) -> None:
    """mask_states keeps the faces whose predominant mask state is listed (1 medical_mask, 2 missing,
    3 occluded); the others go to filtered_detections with a mask_states reason."""
    bare, painted = photo("obama.jpg"), masked("obama.jpg")
    # Bare face (missing = 2): kept by 2 (and by 2, 3), filtered by 1 and by 3.
    (kept,) = detections(sdk_query(rest, "mask_states=2&mask_states=3&estimate_mask=1", bare)["images_estimations"][0])
    assert kept["attributes"]["mask"]["predominant_mask"] == "missing"
    (image,) = sdk_query(rest, "mask_states=1&mask_states=3&estimate_landmarks5=1", bare)["images_estimations"]
    assert detections(image) == []
    (item,) = image["filtered_detections"]["face_detections"]
    assert item["filter_reasons"] == [{"filter_name": "mask_states", "object_value": 2, "threshold_value": [1, 3]}]
    assert item["detection"]["filename"] == "raw image"
    assert list(item["detection"]["sample"]["detection"]) == ["rect", "landmarks5"]  # mask not asked for
    # Painted mask (medical_mask = 1): the other way round.
    (kept,) = detections(sdk_query(rest, "mask_states=1", painted, "image/png")["images_estimations"][0])
    assert list(kept["attributes"]) == ["descriptor"]  # the filter alone prints no mask
    (image,) = sdk_query(rest, "mask_states=2&estimate_mask=1", painted, "image/png")["images_estimations"]
    assert detections(image) == []
    (item,) = image["filtered_detections"]["face_detections"]
    assert item["filter_reasons"] == [{"filter_name": "mask_states", "object_value": 1, "threshold_value": [2]}]
    filtered = item["detection"]["sample"]["detection"]
    assert list(filtered) == ["rect", "attributes"]
    assert_mask(filtered["attributes"]["mask"])
    assert filtered["attributes"]["mask"]["predominant_mask"] == "medical_mask"


def test_mask_states_with_angles_and_policy(rest: httpx.Client) -> None:
    """Reasons add up (angle and mask); the mask filter comes before multiface_policy=0."""
    (image,) = sdk_query(rest, "mask_states=1&yaw_threshold=5", photo("obama2.jpg"))["images_estimations"]
    (item,) = image["filtered_detections"]["face_detections"]
    assert [r["filter_name"] for r in item["filter_reasons"]] == ["yaw_threshold", "mask_states"]
    data = two_faces()
    assert sdk_query(rest, "multiface_policy=0", data)["images_estimations"][0]["status"] == 0
    (image,) = sdk_query(rest, "multiface_policy=0&mask_states=1", data)["images_estimations"]
    assert image["status"] == 1 and detections(image) == []
    assert len(image["filtered_detections"]["face_detections"]) == 2


def test_mask_states_on_a_warp(rest: httpx.Client) -> None:
    warp = photo_warp(rest, photo("obama.jpg"))
    (image,) = sdk_query(rest, "image_type=1&mask_states=1&estimate_quality=1", warp)["images_estimations"]
    assert detections(image) == []
    (item,) = image["filtered_detections"]["face_detections"]
    assert item["filter_reasons"][0]["filter_name"] == "mask_states"
    assert list(item["detection"]["sample"]["detection"]) == ["rect", "quality"]
    (image,) = sdk_query(rest, "image_type=1&mask_states=2&estimate_emotions=1", warp)["images_estimations"]
    (detection,) = detections(image)
    assert list(detection["attributes"]) == ["emotions", "descriptor"]
    assert detection["attributes"]["emotions"]["predominant_emotion"] == "happiness"


def test_aggregate_emotions_and_mask(rest: httpx.Client) -> None:
    """aggregate_attributes=1 fuses mask and emotions (mean probabilities) with the descriptor into
    aggregate_estimations.face.attributes and leaves them out of the faces."""
    files = [
        ("a", ("obama.jpg", photo("obama.jpg"), "image/jpeg")),
        ("b", ("masked.png", masked("obama.jpg"), "image/png")),
    ]
    params = {"estimate_emotions": 1, "estimate_mask": 1}
    separate = rest.post("/6/sdk", files=files, params=params).json()["images_estimations"]
    singles = [detections(image)[0]["attributes"] for image in separate]
    assert [s["mask"]["predominant_mask"] for s in singles] == ["missing", "medical_mask"]
    reply = rest.post("/6/sdk", files=files, params={**params, "aggregate_attributes": 1})
    assert reply.status_code == 200, reply.text
    body = reply.json()
    for image in body["images_estimations"]:
        (detection,) = detections(image)
        assert list(detection) == ["rect"]  # everything asked for was aggregated
    attributes = body["aggregate_estimations"]["face"]["attributes"]
    assert list(attributes) == ["descriptor", "mask", "emotions"]
    assert_mask(attributes["mask"])
    assert_emotions(attributes["emotions"])
    for name in ("mask", "emotions"):
        expected = {
            key: (singles[0][name]["estimations"][key] + singles[1][name]["estimations"][key]) / 2
            for key in singles[0][name]["estimations"]
        }
        assert attributes[name]["estimations"] == pytest.approx(expected, abs=1e-6)


@pytest.mark.parametrize(
    "params",
    [
        {"image_type": 3},
        {"multiface_policy": 5},
        {"estimate_glasses": 2},
        {"estimate_face_descriptor": "x"},
        {"estimate_body_descriptor": 4},
        {"detect_body": 2},
        {"estimate_body_warp": "x"},
        {"score_threshold": 2},
        {"yaw_threshold": 181},
        {"use_exif_info": 2},
        # nothing to do at all
        {"estimate_face_descriptor": 0},
        # not on warps
        {"image_type": 1, "estimate_head_pose": 1},
        {"image_type": 1, "estimate_landmarks5": 1},
        {"image_type": 1, "roll_threshold": 10},
        {"image_type": 1, "detect_body": 1},
        {"image_type": 1, "estimate_body_warp": 1},
    ],
)
def test_bad_query(rest: httpx.Client, params: dict[str, Any]) -> None:
    reply = rest.post("/6/sdk", content=photo("obama.jpg"), params=params, headers={"Content-Type": "image/jpeg"})
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
    assert_luna_error(rest.post("/6/sdk", content=data, headers={"Content-Type": content_type}), 400, code)


def test_account_is_optional_and_nothing_is_stored(rest: httpx.Client, account: str) -> None:
    headers = auth(account, **{"Content-Type": "image/jpeg"})
    reply = rest.post("/6/sdk", content=photo("obama.jpg"), params={"estimate_face_warp": 1}, headers=headers)
    assert reply.status_code == 200
    assert not {"sample_id", "url"} & keys(reply.json())
    assert_luna_error(
        rest.post("/6/sdk", content=photo("obama.jpg"), headers={"Content-Type": "image/jpeg", "Luna-Account-Id": "x"}),
        400,
        12012,
    )


def keys(value: Any) -> set[str]:
    """Every object key in a JSON value."""
    if isinstance(value, dict):
        return set(value).union(*(keys(item) for item in value.values()))
    if isinstance(value, list):
        return set().union(*(keys(item) for item in value))
    return set()


def test_options(rest: httpx.Client) -> None:
    reply = rest.options("/6/sdk")
    assert reply.status_code == 200
    assert "POST" in reply.headers["allow"]


def test_landmarks68_eyes_and_mouth(rest: httpx.Client) -> None:
    params = {
        "estimate_landmarks68": 1,
        "estimate_eyes_attributes": 1,
        "estimate_mouth_attributes": 1,
        "estimate_face_descriptor": 0,
    }
    smiles = {}
    for name in ("obama.jpg", "biden.jpg"):
        (image,) = sdk(rest, photo(name), **params)["images_estimations"]
        (detection,) = detections(image)
        assert list(detection) == ["rect", "attributes", "landmarks68"]
        assert_landmarks68(detection["landmarks68"], detection["rect"])
        attributes = detection["attributes"]
        assert list(attributes) == ["eyes_attributes", "mouth_attributes"]
        assert_eyes(attributes["eyes_attributes"], detection["landmarks68"])
        assert_mouth(attributes["mouth_attributes"])
        smiles[name] = attributes["mouth_attributes"]["smile"]
    assert smiles["obama.jpg"] > 0.5 > smiles["biden.jpg"]
    # Only landmarks68: nothing else is printed.
    (image,) = sdk(rest, photo("obama.jpg"), estimate_landmarks68=1, estimate_face_descriptor=0)["images_estimations"]
    (detection,) = detections(image)
    assert list(detection) == ["rect", "landmarks68"]


def test_gaze_and_iris_landmarks(rest: httpx.Client) -> None:
    """Gaze near 0 where the person looks at the camera, obama2.jpg looks to the image's left (yaw > 0), its
    mirror image to the right; iris_landmarks with the eye states."""
    params = {"estimate_landmarks68": 1, "estimate_eyes_attributes": 1, "estimate_gaze": 1}
    for name in ("obama.jpg", "biden.jpg"):
        (image,) = sdk(rest, photo(name), estimate_face_descriptor=0, **params)["images_estimations"]
        (detection,) = detections(image)
        assert list(detection) == ["rect", "attributes", "landmarks68"]
        attributes = detection["attributes"]
        assert list(attributes) == ["eyes_attributes", "gaze"]
        assert_eyes(attributes["eyes_attributes"], detection["landmarks68"])
        assert list(attributes["gaze"]) == ["yaw", "pitch"]
        assert abs(attributes["gaze"]["yaw"]) < 10 and abs(attributes["gaze"]["pitch"]) < 15
    yaws = []
    for data in (photo("obama2.jpg"), mirrored("obama2.jpg")):
        (image,) = sdk(rest, data, estimate_gaze=1, estimate_face_descriptor=0)["images_estimations"]
        (detection,) = detections(image)
        assert list(detection) == ["rect", "attributes"] and list(detection["attributes"]) == ["gaze"]
        yaws.append(detection["attributes"]["gaze"]["yaw"])
    assert yaws[0] > 12 and yaws[1] < -12


def test_landmarks68_not_for_warps(rest: httpx.Client) -> None:
    warp = photo_warp(rest, photo("obama2.jpg"))
    for name in ("estimate_landmarks68", "estimate_eyes_attributes", "estimate_mouth_attributes", "estimate_gaze"):
        reply = rest.post(
            "/6/sdk", content=warp, params={name: 1, "image_type": 1}, headers={"Content-Type": "image/jpeg"}
        )
        body = assert_luna_error(reply, 400, 12012)
        assert name in str(body["detail"])


# -- liveness (estimate_liveness, liveness_states; the weak `human_liveness` model, MODELS.md) -------------------


def assert_sdk_liveness(liveness: dict[str, Any]) -> None:
    assert list(liveness) == ["prediction", "estimations"]
    assert list(liveness["estimations"]) == ["quality", "score"]
    quality, score = liveness["estimations"]["quality"], liveness["estimations"]["score"]
    assert 0.0 <= quality <= 1.0 and 0.0 <= score <= 1.0
    expected = "unknown" if quality < 0.5 else ("real" if score >= 0.5 else "spoof")
    assert liveness["prediction"] == expected


def test_estimate_liveness_matches_the_liveness_resource(rest: httpx.Client) -> None:
    for name in ("obama.jpg", "biden.jpg"):
        (image,) = sdk(rest, photo(name), estimate_liveness=1, estimate_face_descriptor=0)["images_estimations"]
        (detection,) = detections(image)
        assert list(detection) == ["rect", "attributes"]
        assert list(detection["attributes"]) == ["liveness"]
        liveness = detection["attributes"]["liveness"]
        assert_sdk_liveness(liveness)
        assert liveness["prediction"] == "real", name
        reply = rest.post("/6/liveness", content=photo(name), headers={"Content-Type": "image/jpeg"})
        other = reply.json()["images"][0]["liveness"]
        assert other["prediction"] == 1
        assert other["estimations"]["probability"] == pytest.approx(liveness["estimations"]["score"], abs=1e-9)
        assert other["estimations"]["quality"] == pytest.approx(liveness["estimations"]["quality"], abs=1e-9)


def test_aggregate_liveness(rest: httpx.Client) -> None:
    files = [
        ("image", ("obama.jpg", photo("obama.jpg"), "image/jpeg")),
        ("image", ("obama2.jpg", photo("obama2.jpg"), "image/jpeg")),
    ]
    params = {"estimate_liveness": 1, "estimate_face_descriptor": 0}
    singles = []
    for _, (_name, data, _type) in files:
        (detection,) = detections(sdk(rest, data, **params)["images_estimations"][0])
        singles.append(detection["attributes"]["liveness"])
    reply = rest.post("/6/sdk", files=files, params={**params, "aggregate_attributes": 1})
    assert reply.status_code == 200, reply.text
    body = reply.json()
    for image in body["images_estimations"]:
        (detection,) = detections(image)
        assert "attributes" not in detection or "liveness" not in detection["attributes"]
    aggregate = body["aggregate_estimations"]["face"]["attributes"]["liveness"]
    assert_sdk_liveness(aggregate)
    for key in ("quality", "score"):
        mean = float(np.mean([single["estimations"][key] for single in singles]))
        assert aggregate["estimations"][key] == pytest.approx(mean, abs=1e-9)


def test_liveness_states_filter(rest: httpx.Client) -> None:
    """liveness_states keeps the faces whose liveness code is listed (0 spoof, 1 real, 2 unknown)."""
    data = photo("obama.jpg")
    (kept,) = detections(sdk_query(rest, "liveness_states=1&liveness_states=2", data)["images_estimations"][0])
    assert list(kept["attributes"]) == ["descriptor"]  # the filter alone prints no liveness
    (image,) = sdk_query(rest, "liveness_states=0&liveness_states=2&estimate_landmarks5=1", data)["images_estimations"]
    assert detections(image) == []
    (item,) = image["filtered_detections"]["face_detections"]
    assert item["filter_reasons"] == [{"filter_name": "liveness_states", "object_value": 1, "threshold_value": [0, 2]}]
    assert list(item["detection"]["sample"]["detection"]) == ["rect", "landmarks5"]


def test_liveness_validation_and_warps(rest: httpx.Client) -> None:
    bad = ("liveness_states=1&liveness_states=3", "liveness_states=x", "liveness_states=", "estimate_liveness=2")
    for query in bad:
        reply = rest.post(f"/6/sdk?{query}", content=photo("obama.jpg"), headers={"Content-Type": "image/jpeg"})
        assert_luna_error(reply, 400, 12012)
    warp = photo_warp(rest, photo("obama.jpg"))
    for query in ("image_type=1&estimate_liveness=1", "image_type=1&liveness_states=1"):
        reply = rest.post(f"/6/sdk?{query}", content=warp, headers={"Content-Type": "image/jpeg"})
        body = assert_luna_error(reply, 400, 12012)
        assert query.split("&")[1].split("=")[0] in str(body["detail"])


# -- bodies (detect_body, estimate_body_warp) ------------------------------------------------------------

BODY_KEYS = ["rect", "warp", "attributes"]
#: estimate_body_descriptor=1 (the default): said explicitly, there is no body descriptor model.
NO_BODY_DESCRIPTOR = {"descriptor": None}
RECT_KEYS = ["x", "y", "width", "height"]


def wheel_photo(name: str) -> tuple[bytes, str]:
    data = photos.wheel_photo(name).read_bytes()
    return data, "image/png" if name.endswith(".png") else "image/jpeg"


def contains(outer: dict[str, int], inner: dict[str, int]) -> bool:
    return (
        outer["x"] <= inner["x"]
        and outer["y"] <= inner["y"]
        and inner["x"] + inner["width"] <= outer["x"] + outer["width"]
        and inner["y"] + inner["height"] <= outer["y"] + outer["height"]
    )


def body_warp_size(encoded: str) -> tuple[int, int]:
    with Image.open(io.BytesIO(base64.b64decode(encoded))) as warp:
        assert warp.format == "JPEG" and warp.mode == "RGB"
        return warp.size


@pytest.mark.parametrize("name", ["astronaut.png", "grace_hopper.jpg"])
def test_face_and_body_of_one_person(rest: httpx.Client, name: str) -> None:
    data, content_type = wheel_photo(name)
    body = sdk(rest, data, content_type, detect_face=1, detect_body=1, estimate_body_warp=1)
    (image,) = body["images_estimations"]
    assert list(image) == IMAGE_KEYS and image["error"] == SUCCESS and image["status"] == 1
    (estimation,) = image["estimations"]
    assert list(estimation) == ["face", "body"]
    assert list(estimation["body"]) == ["detection"]
    detection = estimation["body"]["detection"]
    assert list(detection) == BODY_KEYS
    assert detection["attributes"] == NO_BODY_DESCRIPTOR
    assert list(detection["rect"]) == RECT_KEYS
    assert all(isinstance(value, int) for value in detection["rect"].values())
    assert contains(detection["rect"], estimation["face"]["detection"]["rect"])
    assert body_warp_size(detection["warp"]) == (128, 256)
    # The face keeps its default descriptor.
    assert list(estimation["face"]["detection"]["attributes"]) == ["descriptor"]


def test_body_only(rest: httpx.Client) -> None:
    data, content_type = wheel_photo("astronaut.png")
    for params in ({"detect_body": 1}, {"detect_body": 1, "detect_face": 0}, {"estimate_body_warp": 1}):
        (image,) = sdk(rest, data, content_type, **params)["images_estimations"]
        (estimation,) = image["estimations"]
        assert list(estimation) == ["body"]
        expected = BODY_KEYS if "estimate_body_warp" in params else ["rect", "attributes"]
        assert list(estimation["body"]["detection"]) == expected
        assert estimation["body"]["detection"]["attributes"] == NO_BODY_DESCRIPTOR
        assert image["filtered_detections"] == {"face_detections": []}
    # Given explicitly: the same answer (a 200, the descriptor null); 0: no attributes at all.
    explicit = sdk(rest, data, content_type, detect_body=1, estimate_body_descriptor=1)["images_estimations"]
    assert explicit == sdk(rest, data, content_type, detect_body=1)["images_estimations"]
    (image,) = sdk(rest, data, content_type, detect_body=1, estimate_body_descriptor=0)["images_estimations"]
    assert [list(item) for item in image["estimations"]] == [["body"]]
    assert list(image["estimations"][0]["body"]["detection"]) == ["rect"]
    # msgpack: the same document, the null included
    packed = rest.post(
        "/6/sdk",
        content=data,
        params={"detect_body": 1, "detect_face": 1},
        headers={"Content-Type": content_type, "Accept": "application/msgpack"},
    )
    assert packed.status_code == 200 and packed.headers["content-type"] == "application/msgpack"
    document = msgpack.unpackb(packed.content, raw=False)
    assert document == sdk(rest, data, content_type, detect_body=1, detect_face=1)
    assert [item["body"]["detection"]["attributes"] for item in document["images_estimations"][0]["estimations"]] == [
        NO_BODY_DESCRIPTOR
    ]
    # An explicit face estimation brings the faces back.
    (image,) = sdk(rest, data, content_type, detect_body=1, estimate_face_descriptor=1)["images_estimations"]
    assert [list(item) for item in image["estimations"]] == [["face", "body"]]


def test_bodies_of_a_group_photo(rest: httpx.Client) -> None:
    examples = photos.dlib_examples()
    if examples is None:
        pytest.skip("Debian's dlib examples are unavailable")
    # Three people at a table (dlib faces/2008_001322.jpg); no person in dogs.jpg.
    group = (examples / "faces" / "2008_001322.jpg").read_bytes()
    dogs = (examples / "faces" / "dogs.jpg").read_bytes()
    files = [("group.jpg", group), ("dogs.jpg", dogs)]
    reply = rest.post(
        "/6/sdk",
        params={"detect_face": 1, "detect_body": 1, "estimate_face_descriptor": 0},
        files=[("images", (name, content, "image/jpeg")) for name, content in files],
    )
    assert reply.status_code == 200, reply.text
    first, second = reply.json()["images_estimations"]
    assert first["filename"] == "group.jpg" and second["filename"] == "dogs.jpg"
    bodies = [item["body"]["detection"]["rect"] for item in first["estimations"] if "body" in item]
    assert len(bodies) == 3
    pairs = [item for item in first["estimations"] if list(item) == ["face", "body"]]
    assert len(pairs) >= 2
    for item in pairs:
        face = item["face"]["detection"]["rect"]
        centre_x, centre_y = face["x"] + face["width"] / 2, face["y"] + face["height"] / 2
        rect = item["body"]["detection"]["rect"]
        assert rect["x"] <= centre_x <= rect["x"] + rect["width"]
        assert rect["y"] <= centre_y <= rect["y"] + rect["height"] / 2
    # Faces first (paired or not), then the unpaired bodies.
    kinds = ["face" in item for item in first["estimations"]]
    assert kinds == sorted(kinds, reverse=True)
    assert all(list(item) == ["face"] for item in second["estimations"])


def test_multiface_policy_concerns_faces_only(rest: httpx.Client) -> None:
    examples = photos.dlib_examples()
    if examples is None:
        pytest.skip("Debian's dlib examples are unavailable")
    group = (examples / "faces" / "2008_001322.jpg").read_bytes()
    (image,) = sdk(rest, group, detect_face=1, detect_body=1, multiface_policy=2)["images_estimations"]
    assert sum("face" in item for item in image["estimations"]) == 1
    assert sum("body" in item for item in image["estimations"]) == 3
    (image,) = sdk(rest, group, detect_face=1, detect_body=1, multiface_policy=0)["images_estimations"]
    assert image["status"] == 0 and image["error"]["error_code"] == 40006


def test_body_errors(rest: httpx.Client) -> None:
    data, content_type = wheel_photo("grace_hopper.jpg")
    headers = {"Content-Type": content_type}
    for params in ({"detect_body": 1, "estimate_body_descriptor": 2}, {"estimate_body_warp": 1, "detect_body": 3}):
        assert_luna_error(rest.post("/6/sdk", content=data, params=params, headers=headers), 400, 12012)
    body = assert_luna_error(
        rest.post("/6/sdk", content=data, params={"image_type": 2, "detect_body": 1}, headers=headers), 501, 40005
    )
    assert "image_type" in str(body["detail"])
    # A broken image is an error of that image only.
    files = [("images", ("broken.jpg", b"not an image", "image/jpeg")), ("images", ("ok.jpg", data, content_type))]
    reply = rest.post("/6/sdk", params={"detect_body": 1}, files=files)
    assert reply.status_code == 200, reply.text
    broken, ok = reply.json()["images_estimations"]
    assert broken["status"] == 0 and broken["estimations"] == []
    assert ok["status"] == 1 and [list(item) for item in ok["estimations"]] == [["body"]]


def test_estimate_glasses(rest: httpx.Client) -> None:
    """estimate_glasses (inference/estimations/glasses.py): bare faces, then sunglasses and frames painted at the
    printed landmarks5 (tests/unit/test_iso_checks.py paints them), also on the face warp."""
    from tests.unit.test_iso_checks import paint_glasses

    data = photo("biden.jpg")
    (detection,) = detections(
        sdk(rest, data, estimate_glasses=1, estimate_landmarks5=1, estimate_face_descriptor=0)["images_estimations"][0]
    )
    assert list(detection) == ["rect", "landmarks5", "attributes"]
    assert detection["attributes"] == {"glasses": {"glasses": "no_glasses"}}
    pixels = np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))
    five = np.asarray(detection["landmarks5"], dtype=float)
    for painted, expected in (
        (paint_glasses(pixels, five, sunglasses=True), "sunglasses"),
        (paint_glasses(pixels, five), "eyeglasses"),
    ):
        out = io.BytesIO()
        Image.fromarray(painted).save(out, format="PNG")
        body = sdk(
            rest, out.getvalue(), "image/png", estimate_glasses=1, estimate_face_warp=1, estimate_face_descriptor=0
        )
        (face,) = detections(body["images_estimations"][0])
        assert face["attributes"]["glasses"] == {"glasses": expected}
        warp = base64.b64decode(face["warp"])
        (on_warp,) = detections(
            sdk(rest, warp, image_type=1, estimate_glasses=1, estimate_face_descriptor=0)["images_estimations"][0]
        )
        assert on_warp["attributes"]["glasses"] == {"glasses": expected}


def non_face_warp() -> bytes:
    """A 250x250 "sample" that is no face: a corner of obama.jpg's background."""
    with Image.open(io.BytesIO(photo("obama.jpg"))) as image:
        return jpeg_bytes(image.convert("RGB").crop((0, 0, 120, 120)).resize((250, 250)))


def jpeg_bytes(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=92)
    return out.getvalue()


def test_descriptor_score_and_score_threshold(rest: httpx.Client) -> None:
    """The descriptor score tells a face from garbage; score_threshold filters the garbage before the
    multiface policy, with the reason {score_threshold, score, threshold}."""
    face = detections(sdk(rest, photo("obama.jpg"), score_threshold=0.5)["images_estimations"][0])
    assert len(face) == 1 and face[0]["attributes"]["descriptor"]["score"] > 0.9
    params = {"image_type": 1, "estimate_face_descriptor": 1}
    kept = sdk(rest, non_face_warp(), **params)["images_estimations"][0]
    (garbage,) = detections(kept)
    assert garbage["attributes"]["descriptor"]["score"] < 0.5
    filtered = sdk(rest, non_face_warp(), score_threshold=0.5, **params)["images_estimations"][0]
    assert detections(filtered) == []
    (item,) = filtered["filtered_detections"]["face_detections"]
    (reason,) = item["filter_reasons"]
    assert reason["filter_name"] == "score_threshold" and reason["threshold_value"] == 0.5
    assert reason["object_value"] == pytest.approx(garbage["attributes"]["descriptor"]["score"], abs=1e-6)
