"""POST /6/handlers/{handler_id}/events through Envoy, the gRPC server and Triton, on real photos (tests/photos.py):
detect + extract + match against a list, storage of samples, attributes, faces and events, filtered detections,
per-image errors, dynamic handlers, the event time headers and account isolation."""

from __future__ import annotations

import base64
import json
import threading
import uuid
from datetime import UTC, datetime
from typing import Any

import grpc
import httpx
import pytest

from lumen.v6 import events_stream_service_pb2, events_stream_service_pb2_grpc
from server.stack import Stack
from tests import photos
from tests.conftest import assert_luna_error, auth

SUCCESS = {"error_code": 0, "desc": "Success", "detail": "Success"}
EVENT_KEYS = [
    "event_id", "url", "source", "tags", "external_id", "user_data", "track_id", "location", "face",
    "face_attributes", "body_attributes", "matches", "detections",
]  # fmt: skip
NO_STORAGE = {
    "face_sample_policy": {"store_sample": 0},
    "event_policy": {"store_event": 0},
    "notification_policy": {"send_notification": 0},
}


def photo(name: str) -> bytes:
    return photos.face_recognition_image(name).read_bytes()


def create_handler(rest: httpx.Client, account: str, policies: dict[str, Any] | None, **extra: Any) -> str:
    body: dict[str, Any] = {"description": "test", **extra}
    if policies is not None:
        body["policies"] = policies
    reply = rest.post("/6/handlers", json=body, headers=auth(account))
    assert reply.status_code == 201, reply.text
    return str(reply.json()["handler_id"])


def post_events(
    rest: httpx.Client,
    account: str,
    handler_id: str,
    data: bytes,
    content_type: str = "image/jpeg",
    *,
    headers: dict[str, str] | None = None,
    **params: Any,
) -> httpx.Response:
    return rest.post(
        f"/6/handlers/{handler_id}/events",
        content=data,
        params=params,
        headers=auth(account, **{"Content-Type": content_type, **(headers or {})}),
    )


def events_of(reply: httpx.Response) -> dict[str, Any]:
    assert reply.status_code == 201, reply.text
    body: dict[str, Any] = reply.json()
    assert list(body) == ["images", "events", "filtered_detections"], body
    return body


def multipart(parts: list[tuple[str, str | None, str, bytes]]) -> tuple[bytes, str]:
    """(body, content type) of (name, filename, content type, data) parts."""
    boundary = uuid.uuid4().hex
    chunks = []
    for name, filename, kind, data in parts:
        disposition = f'form-data; name="{name}"' + (f'; filename="{filename}"' if filename else "")
        head = f"--{boundary}\r\nContent-Disposition: {disposition}\r\nContent-Type: {kind}\r\n\r\n"
        chunks.append(head.encode() + data + b"\r\n")
    chunks.append(f"--{boundary}--\r\n".encode())
    return b"".join(chunks), f"multipart/form-data; boundary={boundary}"


def create_list(rest: httpx.Client, account: str) -> str:
    reply = rest.post("/6/lists", json={"user_data": "staff"}, headers=auth(account))
    assert reply.status_code == 201, reply.text
    return str(reply.json()["list_id"])


def test_enrol_then_identify_by_the_list(rest: httpx.Client, account: str) -> None:
    list_id = create_list(rest, account)
    enrol = create_handler(
        rest,
        account,
        {
            "detect_policy": {"estimate_head_pose": 1},
            "extract_policy": {"extract_basic_attributes": 1},
            "storage_policy": {
                "attribute_policy": {"store_attribute": 1, "ttl": 600},
                "face_policy": {"store_face": 1, "link_to_lists_policy": [{"list_id": list_id}]},
                "image_origin_policy": {"store_image": 1},
            },
        },
    )
    body = events_of(
        post_events(rest, account, enrol, photo("obama.jpg"), source="door", tags="a,b", external_id="emp-1")
    )
    assert body["images"] == [{"filename": "raw image", "status": 1, "error": SUCCESS}]
    assert body["filtered_detections"] == {"face_detections": []}
    (event,) = body["events"]
    assert list(event) == EVENT_KEYS, list(event)
    assert event["url"] == f"/6/events/{event['event_id']}"
    assert (event["source"], event["tags"], event["external_id"]) == ("door", ["a", "b"], "emp-1")
    assert event["matches"] == [] and event["body_attributes"] is None
    (detection,) = event["detections"]
    face_sample = detection["samples"]["face"]
    assert face_sample["url"] == f"/6/samples/faces/{face_sample['sample_id']}"
    assert set(face_sample["detection"]["attributes"]) == {"head_pose"}
    assert detection["image_origin"].startswith("/6/images/")
    attributes = event["face_attributes"]
    assert attributes["samples"] == [face_sample["sample_id"]]
    assert 0 < attributes["score"] <= 1 and attributes["basic_attributes"]["gender"] == 1
    face = event["face"]
    assert face["event_id"] == event["event_id"] and face["lists"] == [list_id]
    assert face["avatar"] == face_sample["url"] and face["external_id"] == "emp-1"
    # What was stored is there: the face in the list with its attribute, the sample, the image, the attribute.
    stored = rest.get(f"/6/faces/{face['face_id']}", headers=auth(account)).json()
    assert stored["event_id"] == event["event_id"] and stored["lists"] == [list_id]
    assert rest.get(f"/6/faces/{face['face_id']}/attributes", headers=auth(account)).status_code == 200
    for url in (face_sample["url"], detection["image_origin"], attributes["url"]):
        assert rest.get(url, headers=auth(account)).status_code == 200, url
    got = rest.get(f"/6/events/{event['event_id']}", headers=auth(account))
    if got.status_code != 404 or got.json().get("error_code") == 12004:  # GET /6/events served
        assert got.status_code == 200, got.text
        assert got.json()["face_id"] == face["face_id"] and got.json()["source"] == "door"

    identify = create_handler(
        rest,
        account,
        {
            "match_policy": [
                {"label": "staff", "candidates": {"origin": "faces", "list_id": list_id}, "limit": 2},
                {"label": "seen", "candidates": {"origin": "events", "handler_ids": [enrol]}},
            ],
            "conditional_tags_policy": [
                {"tag": "known", "filters": {"match": [{"label": "staff", "similarity__gte": 0.7}]}},
                {"tag": "stranger", "filters": {"match": [{"label": "staff", "similarity__lte": 0.5}]}},
            ],
            "storage_policy": NO_STORAGE,
        },
    )
    same = events_of(post_events(rest, account, identify, photo("obama2.jpg")))["events"][0]
    other = events_of(post_events(rest, account, identify, photo("biden.jpg")))["events"][0]
    match, seen = same["matches"]
    assert (match["label"], seen["label"]) == ("staff", "seen")
    (earlier,) = seen["candidates"]  # the enrolment event, a candidate through its descriptor
    assert earlier["event"]["event_id"] == event["event_id"] and earlier["event"]["handler_id"] == enrol
    assert earlier["event"]["source"] == "door" and earlier["similarity"] > 0.7
    (candidate,) = match["candidates"]
    assert candidate["face"]["face_id"] == face["face_id"] and candidate["face"]["lists"] == [list_id]
    assert candidate["similarity"] > 0.7, candidate
    assert same["tags"] == ["known"]
    assert same["face"] is None and same["detections"][0]["samples"]["face"]["sample_id"] is None
    assert other["matches"][0]["candidates"][0]["similarity"] < candidate["similarity"]
    assert other["tags"] == ["stranger"]


def test_filtered_detections_carry_their_reasons(rest: httpx.Client, account: str) -> None:
    handler = create_handler(
        rest,
        account,
        {"detect_policy": {"pitch_threshold": 0, "estimate_head_pose": 1}, "storage_policy": NO_STORAGE},
    )
    body = events_of(post_events(rest, account, handler, photo("obama.jpg")))
    assert body["events"] == []
    (filtered,) = body["filtered_detections"]["face_detections"]
    (reason,) = filtered["filter_reasons"]
    assert reason["filter_name"] == "pitch_threshold" and reason["threshold_value"] == 0
    assert filtered["detection"]["filename"] == "raw image"
    assert "head_pose" in filtered["detection"]["sample"]["detection"]["attributes"]
    scored = create_handler(
        rest, account, {"extract_policy": {"fd_score_threshold": 1.0}, "storage_policy": NO_STORAGE}
    )
    (event,) = events_of(post_events(rest, account, scored, photo("obama.jpg")))["events"]
    reasons = event["face_attributes"]["filter"]
    assert reasons["is_filtered"] is True and reasons["filter_reasons"][0]["filter_name"] == "score_threshold"
    assert event["face_attributes"]["attribute_id"] is None


def test_face_quality_checks_and_filter(rest: httpx.Client, account: str) -> None:
    checks = {"head_yaw": {"estimate": 1, "threshold": {"min": -30, "max": 30}}, "dynamic_range": {"estimate": 0}}
    quality = {"estimate": 1, "checks": checks}
    handler = create_handler(rest, account, {"detect_policy": {"face_quality": quality}, "storage_policy": NO_STORAGE})
    (event,) = events_of(post_events(rest, account, handler, photo("obama.jpg")))["events"]
    detection = event["detections"][0]["samples"]["face"]["detection"]
    assert "attributes" not in detection or "head_pose" not in detection["attributes"]  # not asked for
    result = {check["name"]: check for check in detection["face_quality"]["checks"]}
    assert "dynamic_range" not in result and len(result) == 40
    yaw = result["head_yaw"]
    assert yaw["threshold_value"] == {"min": -30, "max": 30} and yaw["result"] == 1
    assert result["image_format"]["object_value"] == "JPEG" and result["image_size"]["object_value"] > 5000
    assert result["illumination_uniformity"] == {
        "name": "illumination_uniformity", "object_value": None, "threshold_value": {"min": 0.5, "max": 0.9},
        "result": 0,
    }  # fmt: skip
    assert detection["face_quality"]["status"] == 0
    filtering = create_handler(
        rest, account, {"detect_policy": {"face_quality": {**quality, "filter": 1}}, "storage_policy": NO_STORAGE}
    )
    body = events_of(post_events(rest, account, filtering, photo("obama.jpg")))
    assert body["events"] == []
    (filtered,) = body["filtered_detections"]["face_detections"]
    assert [reason["filter_name"] for reason in filtered["filter_reasons"]] == ["face_quality"]


def test_multipart_with_a_bad_image_fails_that_image_only(rest: httpx.Client, account: str) -> None:
    handler = create_handler(rest, account, {"storage_policy": NO_STORAGE})
    data, kind = multipart(
        [
            ("image", "one.jpg", "image/jpeg", photo("obama.jpg")),
            ("image", "two.jpg", "image/jpeg", b"not an image at all"),
            ("image", "three.jpg", "image/x-jpeg-base64", base64.b64encode(photo("biden.jpg"))),
        ]
    )
    body = events_of(post_events(rest, account, handler, data, kind))
    first, second, third = body["images"]
    assert (first["filename"], first["status"], first["error"]) == ("one.jpg", 1, SUCCESS)
    assert (second["filename"], second["status"], second["error"]["error_code"]) == ("two.jpg", 0, 13010)
    assert third["status"] == 1
    assert [e["detections"][0]["filename"] for e in body["events"]] == ["one.jpg", "three.jpg"]
    # aggregate_attributes=1: one event over both good images.
    body = events_of(post_events(rest, account, handler, data, kind, aggregate_attributes=1))
    (event,) = body["events"]
    assert [d["filename"] for d in event["detections"]] == ["one.jpg", "three.jpg"]
    assert "aggregate_estimations" in event


def test_json_images_and_descriptor_bodies(rest: httpx.Client, account: str) -> None:
    handler = create_handler(rest, account, {"storage_policy": NO_STORAGE})
    document = {
        "images": [
            {
                "image": base64.b64encode(photo("obama.jpg")).decode(),
                "filename": "cam1.jpg",
                "detect_time": "2021-05-06T07:08:09Z",
                "detect_ts": 12.5,
            }
        ]
    }
    reply = rest.post(f"/6/handlers/{handler}/events", json=document, headers=auth(account))
    (event,) = events_of(reply)["events"]
    (detection,) = event["detections"]
    assert detection["filename"] == "cam1.jpg" and detection["detect_ts"] == 12.5
    assert detection["detect_time"].startswith("2021-05-06T07:08:09")
    sdk = rest.post(
        "/6/sdk",
        params={"estimate_face_descriptor": 1},
        content=photo("obama.jpg"),
        headers={"Content-Type": "image/jpeg"},
    ).json()["images_estimations"][0]["estimations"][0]["face"]["detection"]["attributes"]["descriptor"]
    descriptor = sdk["sdk_descriptor"]
    reply = post_events(rest, account, handler, descriptor.encode(), "application/x-sdk-descriptor-base64")
    (event,) = events_of(reply)["events"]
    assert event["detections"] == [] and event["face_attributes"]["samples"] == []
    raw = post_events(rest, account, handler, base64.b64decode(descriptor), "application/x-sdk-descriptor")
    assert len(events_of(raw)["events"]) == 1
    junk = post_events(rest, account, handler, b"xx\x00\x00junk", "application/x-sdk-descriptor")
    assert_luna_error(junk, 400, 22020)
    assert_luna_error(post_events(rest, account, handler, b"x", "application/x-vl-xpk"), 501, 40023)


def test_dynamic_handler_takes_policies_from_the_multipart_body(rest: httpx.Client, account: str) -> None:
    handler = create_handler(rest, account, None, is_dynamic=True)
    policies = b'{"detect_policy": {"estimate_mask": 1}, "storage_policy": {"event_policy": {"store_event": 0}}}'
    data, kind = multipart(
        [("policies", None, "application/json", policies), ("image", "a.jpg", "image/jpeg", photo("obama.jpg"))]
    )
    (event,) = events_of(post_events(rest, account, handler, data, kind))["events"]
    assert "mask" in event["detections"][0]["samples"]["face"]["detection"]["attributes"]
    assert_luna_error(post_events(rest, account, handler, photo("obama.jpg")), 400, 12022)
    bad, kind = multipart(
        [("policies", None, "application/json", b'{"detect_policy": {"estimate_mask": 7}}'),
         ("image", "a.jpg", "image/jpeg", photo("obama.jpg"))]
    )  # fmt: skip
    body = assert_luna_error(post_events(rest, account, handler, bad, kind), 400, 12022)
    assert "estimate_mask" in body["detail"]


def test_event_time_headers(rest: httpx.Client, account: str) -> None:
    handler = create_handler(rest, account, {"storage_policy": NO_STORAGE})
    times = {"Luna-Event-Time": "2020-01-02T03:04:05Z", "Luna-Event-End-Time": "2020-01-02T03:04:09+00:00"}
    (event,) = events_of(post_events(rest, account, handler, photo("obama.jpg"), headers=times))["events"]
    assert event["detections"][0]["detect_time"].startswith("2020-01-02T03:04:05")
    ignored = {"Luna-Event-Time": "yesterday"}
    (event,) = events_of(post_events(rest, account, handler, photo("obama.jpg"), headers=ignored))["events"]
    stamp = datetime.fromisoformat(event["detections"][0]["detect_time"])
    assert stamp.year == datetime.now(UTC).year


def test_query_fields(rest: httpx.Client, account: str) -> None:
    handler = create_handler(rest, account, {"storage_policy": NO_STORAGE})
    reply = post_events(
        rest, account, handler, photo("obama.jpg"), city="Paris", longitude=2.35, latitude=48.85, track_id="t-1",
        user_data="visitor",
    )  # fmt: skip
    (event,) = events_of(reply)["events"]
    assert event["location"] == {"city": "Paris", "geo_position": {"longitude": 2.35, "latitude": 48.85}}
    assert (event["track_id"], event["user_data"]) == ("t-1", "visitor")
    assert_luna_error(post_events(rest, account, handler, photo("obama.jpg"), track_id="bad id!"), 400, 12012)
    assert_luna_error(post_events(rest, account, handler, photo("obama.jpg"), image_type=2), 501, 40005)
    assert_luna_error(post_events(rest, account, handler, photo("obama.jpg"), city="x" * 37), 400, 12012)
    assert_luna_error(post_events(rest, account, handler, b"", "image/jpeg"), 400, 12018)
    assert_luna_error(post_events(rest, account, handler, b"{}", "text/plain"), 400, 12017)


def linking_policies(list_id: str) -> dict[str, Any]:
    return {"storage_policy": {"face_policy": {"store_face": 1, "link_to_lists_policy": [{"list_id": list_id}]}}}


def test_account_isolation(rest: httpx.Client, account: str) -> None:
    other = str(uuid.uuid4())
    list_id = create_list(rest, account)
    enrol = create_handler(rest, account, linking_policies(list_id))
    events_of(post_events(rest, account, enrol, photo("obama.jpg")))
    # Another account can use neither the handler nor the list.
    assert_luna_error(post_events(rest, other, enrol, photo("obama.jpg")), 404, 34000)
    foreign = create_handler(
        rest,
        other,
        {
            "match_policy": [{"label": "x", "candidates": {"origin": "faces", "list_id": list_id}}],
            "storage_policy": NO_STORAGE,
        },
    )
    (event,) = events_of(post_events(rest, other, foreign, photo("obama2.jpg")))["events"]
    assert event["matches"] == [{"label": "x", "candidates": []}]
    linking = create_handler(rest, other, linking_policies(list_id))
    assert_luna_error(post_events(rest, other, linking, photo("obama.jpg")), 404, 22003)
    reply = rest.post(f"/6/handlers/{enrol}/events", content=photo("obama.jpg"), headers={"Content-Type": "image/jpeg"})
    assert_luna_error(reply, 403, 11036)


@pytest.mark.parametrize("handler_id", ["not-a-uuid"])
def test_bad_handler_id(rest: httpx.Client, account: str, handler_id: str) -> None:
    assert_luna_error(post_events(rest, account, handler_id, photo("obama.jpg")), 400, 12001)
    assert_luna_error(post_events(rest, account, str(uuid.uuid4()), photo("obama.jpg")), 404, 34000)
    options = rest.options(f"/6/handlers/{uuid.uuid4()}/events")
    assert options.status_code == 200 and "POST" in options.headers["allow"]


def test_events_reach_the_live_stream(stack: Stack, rest: httpx.Client, account: str) -> None:
    """notification_policy: the event goes to the account's live subscribers (the stream behind GET /6/ws)."""
    handler = create_handler(rest, account, {"storage_policy": {"event_policy": {"store_event": 0}}})
    quiet = create_handler(rest, account, {"storage_policy": NO_STORAGE})
    target = f"{stack.settings.grpc_host}:{stack.settings.grpc_stream_port}"
    received: list[events_stream_service_pb2.LiveEvent] = []
    with grpc.insecure_channel(target) as channel:
        stub = events_stream_service_pb2_grpc.EventsStreamServiceStub(channel)
        stream = stub.StreamEvents(
            events_stream_service_pb2.StreamEventsRequest(sources=["cam-7"]), metadata=[("luna-account-id", account)]
        )
        reader = threading.Thread(target=lambda: received.append(next(iter(stream))), daemon=True)
        reader.start()
        posted: list[str] = []
        for _ in range(30):  # until the subscription is in place
            events_of(post_events(rest, account, quiet, photo("obama.jpg"), source="cam-7"))  # not notified
            reply = post_events(rest, account, handler, photo("obama.jpg"), source="cam-7")
            posted.append(events_of(reply)["events"][0]["event_id"])
            reader.join(timeout=1.0)
            if received:
                break
        stream.cancel()
    (live,) = received
    assert live.event_id in posted and live.handler_id == handler
    message = json.loads(live.event_json)
    assert message["event_id"] == live.event_id and message["source"] == "cam-7"
    assert message["detections"][0]["samples"]["face"]["url"].startswith("/6/samples/faces/")


def test_face_warps_and_bodies(rest: httpx.Client, account: str) -> None:
    image_headers = auth(account, **{"Content-Type": "image/jpeg"})
    detected = rest.post("/6/detector", content=photo("obama.jpg"), headers=image_headers)
    sample_url = detected.json()["images"][0]["detections"]["samples"][0]["face"]["url"]
    warp = rest.get(sample_url, headers=auth(account)).content
    policies = {
        "detect_policy": {"estimate_head_pose": 1, "estimate_mask": 1, "detect_body": 1},
        "extract_policy": {"extract_basic_attributes": 1},
        "storage_policy": {"event_policy": {"store_event": 0}},
    }
    handler = create_handler(rest, account, policies)
    (event,) = events_of(post_events(rest, account, handler, warp, image_type=1))["events"]
    (detection,) = event["detections"]
    face = detection["samples"]["face"]["detection"]
    assert face["rect"] == {"x": 0, "y": 0, "width": 250, "height": 250} and "landmarks5" not in face
    assert list(face["attributes"]) == ["mask"]  # head pose needs a photo
    assert "body" not in detection["samples"] and event["face_attributes"]["basic_attributes"]["gender"] == 1
    events = events_of(post_events(rest, account, handler, photo("obama.jpg")))["events"]
    bodies = [e["detections"][0]["samples"]["body"] for e in events if "body" in e["detections"][0]["samples"]]
    assert bodies and all(body["url"] == f"/6/samples/bodies/{body['sample_id']}" for body in bodies)
    assert rest.get(bodies[0]["url"], headers=auth(account)).status_code == 200
