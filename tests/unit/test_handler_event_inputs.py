"""The pieces of POST /6/handlers/{id}/events that need no models: body parsing, header times, query meta
data and the policy filters evaluated against an event."""

from __future__ import annotations

import base64
import json

import numpy as np
import pytest
from google.api import httpbody_pb2

from lumen.v6 import handler_events_service_pb2
from server.descriptor_codec import encode_sdk
from server.errors import LunaError
from server.handlers.event_filters import EventValues, failed_filters, passes
from server.handlers.inputs import event_meta, header_time, parse_events_body
from server.handlers.plan import make_plan
from server.handlers.policies import AttributeFilters, MatchFilter, StorageFilters, parse_policies
from server.storage.descriptors import DEFAULT_VERSION, descriptor_format

JPEG = b"\xff\xd8\xff\xe0fake"


def body(content_type: str, data: bytes) -> httpbody_pb2.HttpBody:
    return httpbody_pb2.HttpBody(content_type=content_type, data=data)


def test_header_times_take_rfc3339_only() -> None:
    assert header_time("2020-01-02T03:04:05Z") == "2020-01-02T03:04:05.000000+00:00"
    assert header_time("2020-01-02T05:04:05.5+02:00") == "2020-01-02T03:04:05.500000+00:00"
    for ignored in ("2020-01-02", "yesterday", "2020-01-02T03:04:05", "", None):
        assert header_time(ignored) is None


def test_multipart_policies_part_and_images() -> None:
    boundary = "XyZ"
    parts = [
        ('name="policies"', "application/json", b'{"detect_policy": {}}'),
        ('name="image"; filename="a.jpg"', "image/jpeg", JPEG),
        ('name="image"; filename="b.jpg"', "image/x-jpeg-base64", base64.b64encode(JPEG)),
    ]
    data = (
        b"".join(
            f"--{boundary}\r\nContent-Disposition: form-data; {d}\r\nContent-Type: {t}\r\n\r\n".encode() + c + b"\r\n"
            for d, t, c in parts
        )
        + f"--{boundary}--\r\n".encode()
    )
    parsed = parse_events_body(body(f"multipart/form-data; boundary={boundary}", data))
    assert parsed.policies == {"detect_policy": {}}
    assert [image.filename for image in parsed.images] == ["a.jpg", "b.jpg"]
    assert [image.image.data for image in parsed.images] == [JPEG, JPEG]


def test_json_images_keep_per_image_meta_and_errors() -> None:
    document = {
        "images": [
            {"image": base64.b64encode(JPEG).decode(), "detect_time": "2021-01-01T00:00:00Z", "detect_ts": 1.5},
            {"image": "%%%", "filename": "bad"},
        ]
    }
    parsed = parse_events_body(body("application/json", json.dumps(document).encode()))
    first, second = parsed.images
    assert (first.filename, first.detect_time, first.detect_ts) == ("image_0", "2021-01-01T00:00:00.000000+00:00", 1.5)
    assert second.image.error is not None and second.image.error.code == 13010
    with pytest.raises(LunaError) as bad_time:
        parse_events_body(body("application/json", b'{"images": [{"image": "AA==", "detect_time": "today"}]}'))
    assert bad_time.value.code == 12022
    with pytest.raises(LunaError) as unknown:
        parse_events_body(body("application/json", b'{"images": [{"image": "AA==", "what": 1}]}'))
    assert unknown.value.code == 12022


def test_descriptor_bodies() -> None:
    vector = np.ones(descriptor_format(DEFAULT_VERSION).dimension, dtype=np.float32) / 8
    encoded = encode_sdk(DEFAULT_VERSION, vector)
    for kind, data in (
        ("application/x-sdk-descriptor-base64", encoded.encode()),
        ("application/x-sdk-descriptor", base64.b64decode(encoded)),
    ):
        parsed = parse_events_body(body(kind, data))
        assert parsed.descriptor is not None and np.allclose(parsed.descriptor, vector) and parsed.images == []
    for kind, data, code in (
        ("application/x-sdk-descriptor", b"nope", 22020),
        ("application/x-sdk-descriptor-base64", b"%%", 22020),
        ("application/x-sdk-descriptor", b"", 12018),
        ("applicaition/x-vl-xpk-base64", b"AA==", 40023),
        ("text/plain", b"x", 12017),
    ):
        with pytest.raises(LunaError) as error:
            parse_events_body(body(kind, data))
        assert error.value.code == code, kind


def test_event_meta_from_typed_query_fields() -> None:
    request = handler_events_service_pb2.CreateEventsRequest(
        city="Paris", longitude=2.0, latitude=48.0, tags=["a,b", "a"], track_id="t_1", aggregate_attributes=True
    )
    meta = event_meta(request, {"luna-event-time": "2020-01-01T00:00:00Z"})
    assert meta.location == {"city": "Paris"} and meta.geo_position == (2.0, 48.0)
    assert meta.tags == ("a", "b") and meta.track_id == "t_1" and meta.aggregate and meta.use_exif_info
    assert meta.create_time == "2020-01-01T00:00:00.000000+00:00" and meta.end_time is None
    assert event_meta(handler_events_service_pb2.CreateEventsRequest(longitude=1.0), {}).geo_position is None
    for bad, code in (
        ({"track_id": "a b"}, 12012),
        ({"latitude": 91.0}, 12012),
        ({"tags": ["x" * 37]}, 12012),
        ({"image_type": 3}, 12012),
        ({"image_type": 2}, 40005),
        ({"source": "s" * 129}, 12012),
    ):
        with pytest.raises(LunaError) as error:
            event_meta(handler_events_service_pb2.CreateEventsRequest(**bad), {})
        assert error.value.code == code, bad


def test_filters_need_the_values_they_test() -> None:
    male_adult = EventValues(gender=1, age=40, ethnicity=4, liveness=1, top_similarity={"staff": 0.9})
    assert passes(AttributeFilters(), EventValues())
    assert passes(AttributeFilters(gender=1, age__gte=18, age__lt=60, ethnicities=(4,), liveness=(1,)), male_adult)
    assert failed_filters(AttributeFilters(gender=0, age__lt=30), male_adult) == ["gender", "age__lt"]
    assert failed_filters(AttributeFilters(gender=1, liveness=(1,)), EventValues()) == ["gender", "liveness"]
    known = StorageFilters(match=(MatchFilter("staff", similarity__gte=0.8),))
    assert passes(known, male_adult)
    assert not passes(StorageFilters(match=(MatchFilter("staff", similarity__lte=0.5),)), male_adult)
    assert not passes(StorageFilters(match=(MatchFilter("other"),)), male_adult)


def test_plan_leaves_photo_only_estimations_out_on_warps() -> None:
    policies = parse_policies(
        {
            "detect_policy": {
                "estimate_head_pose": 1,
                "yaw_threshold": 30,
                "detect_landmarks68": 1,
                "estimate_liveness": {"estimate": 1},
                "liveness_states": [1],
                "detect_body": 1,
                "estimate_mask": 1,
            },
            "storage_policy": {"face_sample_policy": {"store_sample": 0}},
        }
    )
    photo = make_plan(policies, warped=False)
    assert photo.analysis.head_pose and photo.analysis.thresholds == (("yaw_threshold", 30),)
    assert photo.analysis.liveness and photo.liveness_states == (1,) and photo.analysis.bodies
    assert not photo.analysis.warp and photo.analysis.body_warp and photo.analysis.descriptor
    warp = make_plan(policies, warped=True)
    assert not (warp.analysis.head_pose or warp.analysis.thresholds or warp.analysis.landmarks68)
    assert not (warp.analysis.liveness or warp.liveness_states or warp.analysis.bodies)
    assert warp.analysis.mask
