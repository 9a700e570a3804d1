"""Events through Envoy (v6 API-095..102): raw events, GET /6/events filters and paging, GET/HEAD one event,
POST /6/events/stats, account isolation, and the typed gRPC client. One stack without Triton for the module."""

from __future__ import annotations

import base64
import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import grpc
import httpx
import numpy as np
import pytest

from lumen.v6 import events_service_pb2, events_service_pb2_grpc
from server.stack import Stack
from tests.conftest import assert_luna_error, auth, stack_settings

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture(scope="module")
def events_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    stack = Stack(stack_settings(tmp_path_factory.mktemp("events"))).start()
    try:
        yield stack
    finally:
        stack.stop()


@pytest.fixture(scope="module")
def client(events_stack: Stack) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=events_stack.rest_url, timeout=60.0) as rest:
        yield rest


def dynamic_handler(client: httpx.Client, account: str) -> str:
    """A dynamic handler of the account (raw events need one)."""
    created = client.post("/6/handlers", json={"is_dynamic": True, "description": "raw"}, headers=auth(account))
    assert created.status_code == 201, created.text
    return str(created.json()["handler_id"])


def raw(client: httpx.Client, account: str, handler: str, body: dict[str, Any], **params: Any) -> httpx.Response:
    return client.post(f"/6/handlers/{handler}/events/raw", json=body, params=params, headers=auth(account))


def face_sample(sample_id: str | None = None) -> dict[str, Any]:
    return {
        "samples": {
            "face": {
                "sample_id": sample_id or str(uuid.uuid4()),
                "detection": {"rect": {"x": 1, "y": 2, "width": 30, "height": 40}},
            }
        },
        "detect_time": "2026-02-02T10:00:00Z",
        "detect_ts": 1.5,
        "image_origin": None,
    }


@pytest.fixture(scope="module")
def seeded(client: httpx.Client) -> dict[str, Any]:
    """Five events of one account (times in February 2026) and one of another account."""
    account, other = str(uuid.uuid4()), str(uuid.uuid4())
    handler = dynamic_handler(client, account)
    face = str(uuid.uuid4())
    bodies: list[dict[str, Any]] = [
        {
            "create_time": "2026-02-02T10:00:00Z",  # a Monday
            "source": "hall",
            "tags": ["vip", "door"],
            "track_id": "track_1",
            "external_id": "ext-1",
            "user_data": "first visitor",
            "detections": [face_sample()],
            "face_attributes": {"basic_attributes": {"age": 25, "gender": 0}},
            "aggregate_estimations": {"face": {"attributes": {"emotions": {"predominant_emotion": "neutral"}}}},
            "location": {"city": "Oslo", "street": "Main", "geo_position": {"longitude": 10.75, "latitude": 59.91}},
        },
        {
            "create_time": "2026-02-02T11:00:00Z",
            "source": "hall",
            "tags": ["vip"],
            "face_attributes": {"basic_attributes": {"age": 40, "gender": 1}},
            "matches": [
                {
                    "label": "staff",
                    "candidates": [
                        {"face": {"face_id": face, "external_id": "emp-1"}, "similarity": 0.91},
                    ],
                }
            ],
        },
        {
            "create_time": "2026-02-03T10:00:00Z",
            "source": "door",
            "face_attributes": {"basic_attributes": {"age": 60, "gender": 1}},
        },
        {"create_time": "2026-02-04T10:00:00Z", "source": "door", "end_time": "2026-02-04T10:05:00Z"},
        {"create_time": "2026-02-05T10:00:00Z", "source": "yard"},
    ]
    ids = []
    for body in bodies:
        answer = raw(client, account, handler, body)
        assert answer.status_code == 201, answer.text
        assert answer.json()["url"] == f"/6/events/{answer.json()['event_id']}"
        ids.append(answer.json()["event_id"])
    foreign = raw(
        client, other, dynamic_handler(client, other), {"create_time": "2026-02-02T10:00:00Z", "source": "hall"}
    )
    assert foreign.status_code == 201
    return {"account": account, "other": other, "handler": handler, "ids": ids, "face": face}


WINDOW = {"create_time__gte": "2026-02-01T00:00:00Z", "create_time__lt": "2026-03-01T00:00:00Z"}


def listed(client: httpx.Client, account: str, **params: Any) -> list[dict[str, Any]]:
    answer = client.get("/6/events", params={**WINDOW, **params}, headers=auth(account))
    assert answer.status_code == 200, answer.text
    return list(answer.json()["events"])


def test_stored_event_shape(client: httpx.Client, seeded: dict[str, Any]) -> None:
    first = client.get(f"/6/events/{seeded['ids'][0]}", headers=auth(seeded["account"]))
    assert first.status_code == 200, first.text
    event = first.json()
    assert event["event_id"] == seeded["ids"][0] and event["account_id"] == seeded["account"]
    assert event["create_time"].startswith("2026-02-02T10:00:00") and event["end_time"] == event["create_time"]
    assert event["handler_id"] == seeded["handler"]
    assert (event["source"], event["external_id"], event["track_id"]) == ("hall", "ext-1", "track_1")
    assert event["tags"] == ["vip", "door"] and event["user_data"] == "first visitor"
    assert (event["age"], event["gender"], event["emotion"]) == (25, 0, 7)
    assert event["mask"] is None and event["liveness"] is None and event["ethnic_group"] is None
    assert event["top_match"] is None and event["match_result"] == [] and event["body_detections"] is None
    assert event["face_detections"][0]["detection"] == {"rect": {"x": 1, "y": 2, "width": 30, "height": 40}}
    assert event["location"] == {
        "city": "Oslo",
        "area": None,
        "district": None,
        "street": "Main",
        "house_number": None,
        "geo_position": {"latitude": 59.91, "longitude": 10.75},
    }
    second = client.get(f"/6/events/{seeded['ids'][1]}", headers=auth(seeded["account"])).json()
    assert second["top_match"] == {
        "face_id": seeded["face"],
        "similarity": 0.91,
        "label": "staff",
        "external_id": "emp-1",
    }
    only = client.get(
        f"/6/events/{seeded['ids'][0]}", params={"target": "event_id,age"}, headers=auth(seeded["account"])
    )
    assert only.json() == {"event_id": seeded["ids"][0], "age": 25}


def test_filters(client: httpx.Client, seeded: dict[str, Any]) -> None:
    account, ids = seeded["account"], seeded["ids"]

    def found(**params: Any) -> list[str]:
        return [e["event_id"] for e in listed(client, account, **params)]

    assert found() == ids[::-1]  # newest first
    assert found(order="asc") == ids
    assert found(sources="hall,yard") == [ids[4], ids[1], ids[0]]
    assert found(tags="vip") == [ids[1], ids[0]]
    assert found(tags="vip,door") == [ids[0]]
    assert found(age__gte=30, age__lt=60) == [ids[1]]
    assert found(gender=1) == [ids[2], ids[1]]
    assert found(emotions="7") == [ids[0]]
    assert found(track_ids="track_1") == [ids[0]]
    assert found(external_ids="ext-1") == [ids[0]]
    assert found(user_data="visitor") == [ids[0]]
    assert found(cities="Oslo") == [ids[0]]
    assert found(origin_longitude=10.755, origin_latitude=59.905) == [ids[0]]
    assert found(origin_longitude=11, origin_latitude=59.91) == []
    assert found(top_similar_object_ids=seeded["face"]) == [ids[1]]
    assert found(top_matching_candidates_label="staff", top_similar_object_similarity__gte=0.9) == [ids[1]]
    assert found(top_similar_object_similarity__lt=0.9) == []
    assert found(handler_ids=seeded["handler"]) == ids[::-1]
    assert found(event_ids=f"{ids[0]},{ids[3]}") == [ids[3], ids[0]]
    assert found(end_time__gte="2026-02-04T10:01:00Z", end_time__lt="2026-02-05T00:00:00Z") == [ids[3]]
    assert found(create_time__gte="2026-02-03T00:00:00Z", create_time__lt="2026-02-05T00:00:00Z") == [ids[3], ids[2]]
    # Without a time bound or event id: the last month only (these events are older).
    answer = client.get("/6/events", headers=auth(account))
    assert answer.status_code == 200 and answer.json() == {"events": []}
    by_id = client.get("/6/events", params={"event_ids": ids[0]}, headers=auth(account))
    assert [e["event_id"] for e in by_id.json()["events"]] == [ids[0]]


def test_paging_and_targets(client: httpx.Client, seeded: dict[str, Any]) -> None:
    account, ids = seeded["account"], seeded["ids"]
    pages = [listed(client, account, page=page, page_size=2, order="asc", target="event_id") for page in (1, 2, 3)]
    assert [[e["event_id"] for e in page] for page in pages] == [ids[0:2], ids[2:4], ids[4:5]]
    assert all(set(e) == {"event_id"} for page in pages for e in page)
    assert len(listed(client, account, page_size=1000)) == 5


@pytest.mark.parametrize(
    "params",
    [
        {"page_size": 1001},
        {"page_size": 0},
        {"page": 0},
        {"order": "up"},
        {"target": "nope"},
        {"gender": 2},
        {"emotions": "8"},
        {"liveness": "x"},
        {"event_ids": "not-a-uuid"},
        {"origin_longitude": 10},
        {"origin_longitude": 200, "origin_latitude": 0},
        {"track_ids": "bad id"},
        {"top_similar_object_similarity__gte": 1.5},
    ],
)
def test_bad_query_is_12012(client: httpx.Client, seeded: dict[str, Any], params: dict[str, Any]) -> None:
    assert_luna_error(client.get("/6/events", params=params, headers=auth(seeded["account"])), 400, 12012)


@pytest.mark.xfail(
    not (Path(__file__).resolve().parents[2] / "gateway" / "query_types.py").exists(),
    reason="the gateway answers 12021 until its typed query check (gateway/query_types.py, issue 9 item 3) lands",
    strict=True,
)
@pytest.mark.parametrize(
    "params",
    [{"page": "abc"}, {"page_size": "1.5"}, {"gender": "x"}, {"create_time__gte": "yesterday"}, {"age__lt": "old"}],
)
def test_malformed_query_values_are_12012(client: httpx.Client, seeded: dict[str, Any], params: dict[str, Any]) -> None:
    assert_luna_error(client.get("/6/events", params=params, headers=auth(seeded["account"])), 400, 12012)


def test_head_and_not_found(client: httpx.Client, seeded: dict[str, Any]) -> None:
    account, event_id = seeded["account"], seeded["ids"][0]
    assert client.head(f"/6/events/{event_id}", headers=auth(account)).status_code == 200
    assert client.head(f"/6/events/{event_id}").status_code == 200  # the account header is optional for reads
    assert client.head(f"/6/events/{event_id}", headers=auth(seeded["other"])).status_code == 404
    missing = str(uuid.uuid4())
    body = assert_luna_error(client.get(f"/6/events/{missing}", headers=auth(account)), 404, 23001)
    assert missing in body["detail"]
    assert_luna_error(client.get(f"/6/events/{event_id}", headers=auth(seeded["other"])), 404, 23001)
    assert_luna_error(client.get("/6/events/not-a-uuid", headers=auth(account)), 400, 12001)


def test_account_isolation(client: httpx.Client, seeded: dict[str, Any]) -> None:
    assert [e["source"] for e in listed(client, seeded["other"])] == ["hall"]
    assert len(listed(client, seeded["account"], sources="hall")) == 2
    everyone = client.get("/6/events", params={**WINDOW, "sources": "hall"}).json()["events"]
    assert {e["account_id"] for e in everyone} >= {seeded["account"], seeded["other"]}


def test_stats(client: httpx.Client, seeded: dict[str, Any]) -> None:
    account = seeded["account"]
    body = {
        "targets": [
            {"column": "event_id", "aggregator": "count"},
            {"column": "gender", "aggregator": "group_by"},
            {"column": "age", "aggregator": "max"},
        ],
        "filters": [{"column": "source", "operator": "in", "value": ["hall", "door"]}],
        "period": [
            {"operator": "gte", "value": "2026-02-01T00:00:00Z"},
            {"operator": "lt", "value": "2026-03-01T00:00:00Z"},
        ],
        "group_by": "dayOfWeek",
    }
    answer = client.post("/6/events/stats", json=body, headers=auth(account))
    assert answer.status_code == 200, answer.text
    assert answer.json() == {
        "fields": [
            "Group by time: dayOfWeek",
            "gender, aggregator 'group_by'",
            "event_id, aggregator 'count'",
            "age, aggregator 'max'",
        ],
        "stats": [["Monday", 0, 1, 25], ["Monday", 1, 1, 40], ["Tuesday", 1, 1, 60], ["Wednesday", None, 1, None]],
    }
    default = client.post("/6/events/stats", json={}, headers=auth(account)).json()
    assert default == {"fields": ["event_id, aggregator 'count'"], "stats": [[5]]}
    daily = client.post(
        "/6/events/stats",
        json={"group_by": "1d", "filters": [{"column": "source", "operator": "eq", "value": "door"}]},
        headers=auth(account),
    ).json()
    assert daily["stats"] == [["2026-02-03T00:00:00Z", 1], ["2026-02-04T00:00:00Z", 1]]
    # Without the account header: every account.
    everyone = client.post(
        "/6/events/stats", json={"filters": [{"column": "source", "operator": "eq", "value": "hall"}]}
    )
    assert everyone.json()["stats"][0][0] >= 3


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"targets": [{"column": "nope", "aggregator": "count"}]}, 12022),
        ({"targets": [{"column": "source", "aggregator": "avg"}]}, 12022),
        ({"filters": [{"column": "age", "operator": "in", "value": 3}]}, 12022),
        ({"period": [{"operator": "gt", "value": "yesterday"}]}, 12022),
        ({"group_by": "fortnight"}, 12022),
        ({"unknown": 1}, 12022),
    ],
)
def test_bad_stats_body(client: httpx.Client, body: dict[str, Any], code: int) -> None:
    assert_luna_error(client.post("/6/events/stats", json=body), 400, code)


def test_stats_bad_json_and_content_type(client: httpx.Client) -> None:
    assert_luna_error(
        client.post("/6/events/stats", content=b"{", headers={"Content-Type": "application/json"}), 400, 12021
    )
    assert_luna_error(client.post("/6/events/stats", content=b"x", headers={"Content-Type": "text/plain"}), 400, 12017)


def test_raw_event_rules(client: httpx.Client, account: str) -> None:
    handler = dynamic_handler(client, account)
    assert_luna_error(client.post(f"/6/handlers/{handler}/events/raw", json={}), 403, 11036)
    assert_luna_error(raw(client, account, handler, {"tags": ["x" * 37]}), 400, 12022)
    assert_luna_error(raw(client, account, handler, {"track_id": "bad id"}), 400, 12022)
    assert_luna_error(raw(client, account, handler, {"create_time": "soon"}), 400, 12022)
    assert_luna_error(raw(client, account, "nope", {}), 400, 12001)
    assert_luna_error(raw(client, account, str(uuid.uuid4()), {}), 404, 34000)
    assert_luna_error(raw(client, str(uuid.uuid4()), handler, {}), 404, 34000)  # another account's handler
    static = client.post("/6/handlers", json={"policies": {}}, headers=auth(account)).json()["handler_id"]
    assert_luna_error(raw(client, account, static, {}), 400, 40060)
    later = raw(client, account, handler, {"source": "buffered"}, wait_saving=0)
    assert later.status_code == 202, later.text
    event_id = later.json()["event_id"]
    for _ in range(100):  # stored in the background soon after the answer
        if client.head(f"/6/events/{event_id}", headers=auth(account)).status_code == 200:
            break
    else:
        pytest.fail("the buffered event was never stored")


def test_raw_event_with_descriptor_is_stored(client: httpx.Client, events_stack: Stack, account: str) -> None:
    vector = np.random.default_rng(7).standard_normal(128).astype("<f4")
    vector /= np.linalg.norm(vector)
    body = {"face_attributes": {"descriptor": base64.b64encode(vector.tobytes()).decode()}}
    created = raw(client, account, dynamic_handler(client, account), body)
    assert created.status_code == 201, created.text
    assert event_descriptor_exists(events_stack.settings.data_dir, created.json()["event_id"])


def event_descriptor_exists(data_dir: Path, event_id: str) -> bool:
    from server.storage.event_store import EventStore

    return bool(EventStore(data_dir).descriptors.get(event_id))


def test_grpc_typed_client(events_stack: Stack, seeded: dict[str, Any]) -> None:
    with grpc.insecure_channel(events_stack.grpc_target) as channel:
        stub = events_service_pb2_grpc.EventsServiceStub(channel)
        request = events_service_pb2.GetEventsRequest(sources=["hall"], order="asc", page_size=1, target=["event_id"])
        request.create_time__gte.FromJsonString("2026-02-01T00:00:00Z")
        answer = stub.GetEvents(request, metadata=(("luna-account-id", seeded["account"]),))
        assert [e.event_id for e in answer.events] == [seeded["ids"][0]]
        with pytest.raises(grpc.RpcError) as failure:
            stub.GetEvents(events_service_pb2.GetEventsRequest(page_size=5000))
        assert failure.value.code() == grpc.StatusCode.INVALID_ARGUMENT


def unit(seed: int) -> np.ndarray:
    vector = np.random.default_rng(seed).standard_normal(128).astype("<f4")
    return np.asarray(vector / np.linalg.norm(vector), dtype="<f4")


def b64(vector: np.ndarray) -> str:
    return base64.b64encode(np.asarray(vector, dtype="<f4").tobytes()).decode()


def test_events_as_match_candidates_and_references(client: httpx.Client, account: str) -> None:
    handler = dynamic_handler(client, account)
    probe = unit(100)
    near = probe + 0.3 * unit(101)  # most similar to the probe
    far = probe + 0.9 * unit(102)
    created = {}
    for name, vector, source in (("near", near, "gate"), ("far", far, "gate"), ("other", unit(103), "yard")):
        body = {
            "source": source,
            "external_id": f"ext-{name}",
            "track_id": f"track_{name}",
            "face_attributes": {"descriptor": b64(vector / np.linalg.norm(vector))},
        }
        answer = raw(client, account, handler, body)
        assert answer.status_code == 201, answer.text
        created[name] = answer.json()["event_id"]
    stranger = str(uuid.uuid4())
    raw(client, stranger, dynamic_handler(client, stranger), {"face_attributes": {"descriptor": b64(probe)}})

    def match(reference: dict[str, Any], candidate: dict[str, Any]) -> list[dict[str, Any]]:
        answer = client.post(
            "/6/matcher/faces", json={"references": [reference], "candidates": [candidate]}, headers=auth(account)
        )
        assert answer.status_code == 200, answer.text
        return list(answer.json())

    reference = {"type": "raw_descriptor", "id": "probe", "data": b64(probe)}
    (item,) = match(reference, {"filters": {"origin": "events"}, "limit": 5})
    result = item["matches"][0]["result"]
    assert [r["event"]["event_id"] for r in result] == [created["near"], created["far"], created["other"]]
    assert set(result[0]["event"]) == {"event_id", "external_id", "user_data", "create_time", "handler_id", "source"}
    assert result[0]["event"]["external_id"] == "ext-near" and result[0]["similarity"] > result[1]["similarity"]
    (item,) = match(reference, {"filters": {"origin": "events", "sources": ["yard"]}, "targets": ["event_id"]})
    assert item["matches"][0]["result"] == [{"event": {"event_id": created["other"]}}]
    (item,) = match(reference, {"filters": {"origin": "events", "account_id": str(uuid.uuid4())}})
    assert item["matches"][0]["result"] == []
    (item,) = match({"type": "event", "id": created["near"]}, {"filters": {"origin": "events"}, "limit": 1})
    assert item["matches"][0]["result"][0]["event"]["event_id"] == created["near"]
    (item,) = match({"type": "event_track_id", "id": "track_far"}, {"filters": {"origin": "events"}, "limit": 1})
    assert item["reference"]["event_id"] == created["far"]
    missing = {"references": [{"type": "event", "id": str(uuid.uuid4())}], "candidates": []}
    assert_luna_error(client.post("/6/matcher/faces", json=missing, headers=auth(account)), 404, 23001)
    nobody = {"references": [{"type": "event_external_id", "id": "nobody"}], "candidates": []}
    assert_luna_error(client.post("/6/matcher/faces", json=nobody, headers=auth(account)), 404, 40025)
    bad = {"references": [reference], "candidates": [{"filters": {"origin": "events", "gender": 3}}]}
    assert_luna_error(client.post("/6/matcher/faces", json=bad, headers=auth(account)), 400, 12022)


def test_a_busy_events_database_does_not_hold_face_writes(
    client: httpx.Client, events_stack: Stack, seeded: dict[str, Any], account: str
) -> None:
    """Events have their own SQLite file: while its write lock is held (a flood of events), faces are
    still written and events still read (the faces database's busy timeout is 10 s; the client gives up
    after 5)."""
    holder = sqlite3.connect(events_stack.settings.data_dir / "events.sqlite3", isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        created = client.post("/6/faces", json={"user_data": "during a flood"}, headers=auth(account), timeout=5.0)
        assert created.status_code == 201, created.text
        listed_now = client.get("/6/events", params=WINDOW, headers=auth(seeded["account"]), timeout=5.0)
        assert listed_now.status_code == 200 and len(listed_now.json()["events"]) == 5
    finally:
        holder.execute("ROLLBACK")
        holder.close()
