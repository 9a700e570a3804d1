"""Faces and face attributes over REST through Envoy (API-044..062)."""

from __future__ import annotations

import base64
import uuid
from typing import Any

import grpc
import httpx
import msgpack
import numpy as np
import pytest
from google.protobuf import struct_pb2

from lumen.v6 import (
    attributes_pb2,
    attributes_service_pb2,
    attributes_service_pb2_grpc,
    faces_pb2,
    faces_service_pb2,
    faces_service_pb2_grpc,
)
from server.stack import Stack
from server.storage.descriptors import DEFAULT_VERSION, DescriptorStore, encode_raw, encode_sdk
from tests.conftest import assert_luna_error, auth
from tests.integration.test_attributes import BASIC, create_attribute, raw_descriptor, samples, vector
from tests.integration.test_lists import create_list

FACE_KEYS = ["face_id", "account_id", "event_id", "user_data", "create_time", "external_id", "avatar", "lists"]
FACE_ATTRIBUTE_KEYS = [
    "create_time",
    "basic_attributes",
    "face_descriptor",
    "basic_attributes_samples",
    "face_descriptor_samples",
]


def create_face(rest: httpx.Client, account: str, body: dict[str, Any] | None = None) -> str:
    if body is None:
        reply = rest.post("/6/faces", headers=auth(account))
    else:
        reply = rest.post("/6/faces", json=body, headers=auth(account))
    assert reply.status_code == 201, reply.text
    created = reply.json()
    assert created == {"face_id": created["face_id"], "url": f"/6/faces/{created['face_id']}"}
    return str(created["face_id"])


def count(rest: httpx.Client, account: str, **params: str | int) -> int:
    reply = rest.get("/6/faces/count", params=params, headers=auth(account))
    assert reply.status_code == 200, reply.text
    assert list(reply.json()) == ["faces_count"]
    return int(reply.json()["faces_count"])


def attribute_count(rest: httpx.Client, account: str) -> int:
    reply = rest.get("/6/faces/attributes/count", headers=auth(account))
    assert reply.status_code == 200, reply.text
    return int(reply.json()["faces_count"])


def lance_vectors(stack: Stack, face_id: str) -> dict[int, np.ndarray]:
    return DescriptorStore(stack.settings.data_dir / "lancedb").get(face_id)


def test_create_empty_face(rest: httpx.Client, account: str) -> None:
    face_id = create_face(rest, account)
    reply = rest.get(f"/6/faces/{face_id}", headers=auth(account))
    assert reply.status_code == 200
    face = reply.json()
    assert list(face) == FACE_KEYS
    assert face == {
        "face_id": face_id,
        "account_id": account,
        "event_id": None,
        "user_data": "",
        "create_time": face["create_time"],
        "external_id": "",
        "avatar": "",
        "lists": [],
    }
    assert create_face(rest, account, {}) != face_id
    assert count(rest, account) == 2 and attribute_count(rest, account) == 0
    assert_luna_error(rest.get(f"/6/faces/{face_id}/attributes"), 404, 22006)
    assert_luna_error(rest.get(f"/6/faces/{face_id}/attributes/samples"), 404, 22006)


def test_create_full_face_with_lists(rest: httpx.Client, account: str) -> None:
    first, second = create_list(rest, account), create_list(rest, account)
    before = rest.get(f"/6/lists/{first}").json()["last_update_time"]
    event_id = str(uuid.uuid4())
    body = {
        "external_id": "2xQ2gprbMUePw1s9gw9fvA==",
        "user_data": "some_string",
        "avatar": "/6/samples/faces/" + str(uuid.uuid4()),
        "lists": [first, second, first],
        "event_id": event_id,
    }
    face_id = create_face(rest, account, body)
    face = rest.get(f"/6/faces/{face_id}").json()
    assert list(face) == FACE_KEYS
    assert face["event_id"] == event_id and face["user_data"] == "some_string"
    assert face["external_id"] == body["external_id"] and face["avatar"] == body["avatar"]
    assert sorted(face["lists"]) == sorted([first, second])
    assert rest.get(f"/6/lists/{first}").json()["last_update_time"] > before

    selected = rest.get(f"/6/faces/{face_id}", params={"targets": "lists,face_id"}).json()
    assert list(selected) == ["face_id", "lists"]
    assert rest.get(f"/6/faces/{face_id}", params={"targets": "event_id"}).json() == {"event_id": event_id}
    assert_luna_error(rest.get(f"/6/faces/{face_id}", params={"targets": "face_id,nope"}), 400, 12012)

    # list membership follows PATCH /6/lists/{id}/faces
    detach = rest.patch(
        f"/6/lists/{first}/faces", json={"action": "detach", "face_ids": [face_id]}, headers=auth(account)
    )
    assert detach.status_code == 204
    assert rest.get(f"/6/faces/{face_id}").json()["lists"] == [second]
    assert count(rest, account, list_id=first) == 0 and count(rest, account, list_id=second) == 1


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"userdata": "x"}, 12022),
        ({"user_data": "x" * 129}, 12022),
        ({"external_id": "x" * 37}, 12022),
        ({"avatar": "x" * 257}, 12022),
        ({"lists": []}, 12022),
        ({"lists": ["nope"]}, 12022),
        ({"event_id": "nope"}, 12022),
        ({"event_id": None}, 12022),
        ({"attribute": {}}, 12022),
        ({"attribute": {"attribute_id": "nope"}}, 12022),
        ({"attribute": {"attribute_id": str(uuid.uuid4()), "basic_attributes": BASIC}}, 12022),
        ({"attribute": {"basic_attributes": BASIC, "unknown": 1}}, 12022),
        ({"attribute": {"face_descriptors": [{"descriptor": raw_descriptor(), "version": 56}]}}, 22017),
        ({"attribute": {"face_descriptors": [encode_raw(np.zeros(10, dtype="<f4"))]}}, 12022),
        (
            {
                "attribute": {
                    "face_descriptors": [{"descriptor": encode_raw(np.zeros(64, dtype="<f4")), "version": 300}]
                }
            },
            22018,
        ),
        ({"attribute": {"attribute_id": str(uuid.uuid4())}}, 22011),
    ],
)
def test_create_rejects_bad_bodies(rest: httpx.Client, account: str, body: dict[str, Any], code: int) -> None:
    status = 404 if code == 22011 else 400
    assert_luna_error(rest.post("/6/faces", json=body, headers=auth(account)), status, code)
    assert count(rest, account) == 0


def test_create_errors(rest: httpx.Client, account: str) -> None:
    assert_luna_error(rest.post("/6/faces", json={}), 403, 11036)
    assert_luna_error(rest.post("/6/faces", json={}, headers={"Luna-Account-Id": "nope"}), 400, 12012)
    assert_luna_error(
        rest.post("/6/faces", content=b"[", headers=auth(account, **{"Content-Type": "application/json"})), 400, 12021
    )
    assert_luna_error(
        rest.post("/6/faces", content=b"x", headers=auth(account, **{"Content-Type": "text/plain"})), 400, 12017
    )
    error = assert_luna_error(rest.post("/6/faces", json={"userdata": "x"}, headers=auth(account)), 400, 12022)
    assert error["detail"] == (
        "Failed to validate input json. Path: '',  message: 'Additional properties are not allowed "
        "('userdata' was unexpected)'"
    )
    assert count(rest, account) == 0


def test_lists_must_exist_in_the_same_account(rest: httpx.Client, account: str) -> None:
    mine = create_list(rest, account)
    other = str(uuid.uuid4())
    theirs = create_list(rest, other)
    theirs_before = rest.get(f"/6/lists/{theirs}").json()
    missing = str(uuid.uuid4())

    error = assert_luna_error(rest.post("/6/faces", json={"lists": [theirs]}, headers=auth(account)), 404, 22003)
    assert error == {"error_code": 22003, "desc": "Object not found", "detail": f"List with id '{theirs}' not found"}
    assert_luna_error(rest.post("/6/faces", json={"lists": [missing]}, headers=auth(account)), 404, 22003)
    body = {"lists": [mine, theirs], "attribute": {"basic_attributes": BASIC}}
    error = assert_luna_error(rest.post("/6/faces", json=body, headers=auth(account)), 404, 22005)
    assert theirs in str(error["detail"])
    # nothing was written: no face, no link, no attribute, other account's list untouched
    assert count(rest, account) == 0 and attribute_count(rest, account) == 0
    assert count(rest, other) == 0
    assert rest.get("/6/faces/count", params={"list_id": theirs}).json() == {"faces_count": 0}
    assert rest.get(f"/6/lists/{theirs}").json() == theirs_before

    face_id = create_face(rest, account, {"lists": [mine]})
    assert rest.get(f"/6/faces/{face_id}").json()["lists"] == [mine]
    # the other account cannot see or change the face
    assert_luna_error(rest.get(f"/6/faces/{face_id}", headers=auth(other)), 404, 22002)
    assert rest.head(f"/6/faces/{face_id}", headers=auth(other)).status_code == 404
    assert count(rest, other) == 0
    assert rest.get("/6/faces", params={"list_id": mine}, headers=auth(other)).json() == {"faces": []}
    assert_luna_error(rest.patch(f"/6/faces/{face_id}", json={"user_data": "x"}, headers=auth(other)), 404, 22002)
    assert_luna_error(rest.delete(f"/6/faces/{face_id}", headers=auth(other)), 404, 22002)
    assert_luna_error(rest.delete(f"/6/faces/{face_id}/attributes", headers=auth(other)), 404, 22002)
    put = rest.put(f"/6/faces/{face_id}/attributes", json={"basic_attributes": BASIC}, headers=auth(other))
    assert_luna_error(put, 404, 22002)
    assert rest.head(f"/6/faces/{face_id}").status_code == 200


def test_face_from_temporary_attribute(rest: httpx.Client, stack: Stack, account: str) -> None:
    descriptor_samples, basic_samples = samples(2), samples(1)
    attribute_id = create_attribute(
        rest,
        account,
        {
            "face_descriptors": [{"descriptor": raw_descriptor(5), "version": DEFAULT_VERSION}],
            "face_descriptor_samples": descriptor_samples,
            "basic_attributes": BASIC,
            "basic_attributes_samples": basic_samples,
        },
    )
    face_id = create_face(rest, account, {"attribute": {"attribute_id": attribute_id}, "external_id": "p1"})
    reply = rest.get(f"/6/faces/{face_id}/attributes", headers=auth(account))
    assert reply.status_code == 200
    body = reply.json()
    assert list(body) == ["attributes"]
    attributes = body["attributes"]
    assert list(attributes) == FACE_ATTRIBUTE_KEYS
    assert attributes["basic_attributes"] == BASIC
    assert attributes["face_descriptor"] == {"descriptor": raw_descriptor(5), "descriptor_version": DEFAULT_VERSION}
    assert attributes["basic_attributes_samples"] == basic_samples
    assert attributes["face_descriptor_samples"] == descriptor_samples
    assert attributes["create_time"].endswith("+00:00")
    explicit = rest.get(f"/6/faces/{face_id}/attributes", params={"descriptor_version": DEFAULT_VERSION}).json()
    assert explicit == body
    selected = rest.get(f"/6/faces/{face_id}/attributes", params={"targets": "face_descriptor_samples,create_time"})
    assert list(selected.json()["attributes"]) == ["create_time", "face_descriptor_samples"]
    samples_reply = rest.get(f"/6/faces/{face_id}/attributes/samples").json()
    assert samples_reply == {"samples": descriptor_samples + basic_samples}
    assert np.allclose(lance_vectors(stack, face_id)[DEFAULT_VERSION], vector(5))
    assert attribute_count(rest, account) == 1
    # the temporary attribute is only copied
    assert rest.head(f"/6/attributes/{attribute_id}").status_code == 200
    # another account cannot use the attribute
    assert_luna_error(
        rest.post("/6/faces", json={"attribute": {"attribute_id": attribute_id}}, headers=auth(str(uuid.uuid4()))),
        404,
        22011,
    )
    for params in ({"targets": "nope"}, {"descriptor_version": "46"}, {"descriptor_version": "x"}):
        assert_luna_error(rest.get(f"/6/faces/{face_id}/attributes", params=params), 400, 12012)


def test_face_with_inline_attribute(rest: httpx.Client, stack: Stack, account: str) -> None:
    basic_only = create_face(rest, account, {"attribute": {"basic_attributes": BASIC}})
    attributes = rest.get(f"/6/faces/{basic_only}/attributes").json()["attributes"]
    assert list(attributes) == FACE_ATTRIBUTE_KEYS
    assert attributes["face_descriptor"] is None and attributes["basic_attributes"] == BASIC
    assert attributes["basic_attributes_samples"] == [] and attributes["face_descriptor_samples"] == []
    assert lance_vectors(stack, basic_only) == {}

    shared = samples(1)
    with_sdk = create_face(
        rest,
        account,
        {
            "attribute": {
                "face_descriptors": [encode_sdk(DEFAULT_VERSION, vector(6))],
                "face_descriptor_samples": shared,
                "basic_attributes_samples": shared,
                "basic_attributes": {"age": 40, "gender": 0, "ethnicity": 2},
            }
        },
    )
    attributes = rest.get(f"/6/faces/{with_sdk}/attributes").json()["attributes"]
    assert attributes["face_descriptor"]["descriptor"] == raw_descriptor(6)
    assert rest.get(f"/6/faces/{with_sdk}/attributes/samples").json() == {"samples": shared}
    assert DEFAULT_VERSION in lance_vectors(stack, with_sdk)
    assert attribute_count(rest, account) == 2


def test_put_and_delete_face_attribute(rest: httpx.Client, stack: Stack, account: str) -> None:
    face_id = create_face(
        rest,
        account,
        {"attribute": {"face_descriptors": [{"descriptor": raw_descriptor(7), "version": DEFAULT_VERSION}]}},
    )
    url = f"/6/faces/{face_id}/attributes"
    attribute_id = create_attribute(rest, account, {"basic_attributes": BASIC, "basic_attributes_samples": samples(1)})
    put = rest.put(url, json={"attribute_id": attribute_id}, headers=auth(account))
    assert put.status_code == 204 and put.content == b""
    attributes = rest.get(url).json()["attributes"]
    assert attributes["face_descriptor"] is None and attributes["basic_attributes"] == BASIC
    assert lance_vectors(stack, face_id) == {}  # the replaced descriptor is gone from LanceDB too

    inline = {"face_descriptors": [{"descriptor": raw_descriptor(8), "version": DEFAULT_VERSION}]}
    assert rest.put(url, json=inline, headers=auth(account)).status_code == 204
    attributes = rest.get(url).json()["attributes"]
    assert attributes["basic_attributes"] is None
    assert attributes["face_descriptor"]["descriptor"] == raw_descriptor(8)
    assert np.allclose(lance_vectors(stack, face_id)[DEFAULT_VERSION], vector(8))

    error = assert_luna_error(
        rest.put(url, json={"attribute_id": attribute_id, "userdata": 1}, headers=auth(account)), 400, 12022
    )
    assert "'userdata' was unexpected" in str(error["detail"])
    error = assert_luna_error(rest.put(url, json={"userdata": 1}, headers=auth(account)), 400, 12022)
    assert error["detail"] == (
        "Failed to validate input json. Path: '',  message: 'Additional properties are not allowed "
        "('userdata' was unexpected)'"
    )
    assert_luna_error(rest.put(url, json={}, headers=auth(account)), 400, 12022)
    assert_luna_error(rest.put(url, json={"attribute_id": str(uuid.uuid4())}, headers=auth(account)), 404, 22011)
    assert_luna_error(rest.put(url, json={"attribute_id": attribute_id}), 403, 11036)
    missing_face = f"/6/faces/{uuid.uuid4()}/attributes"
    assert_luna_error(rest.put(missing_face, json={"attribute_id": attribute_id}, headers=auth(account)), 404, 22002)
    assert_luna_error(rest.put("/6/faces/nope/attributes", json=inline, headers=auth(account)), 400, 12001)
    assert rest.get(url).json()["attributes"]["face_descriptor"]["descriptor"] == raw_descriptor(8)

    assert_luna_error(rest.delete(url), 403, 11036)
    error = assert_luna_error(rest.delete(url, headers={"Luna-Account-Id": "nope"}), 400, 12012)
    assert error["detail"] == "Bad query parameters 'account_id'"
    deleted = rest.delete(url, headers=auth(account))
    assert deleted.status_code == 204 and deleted.content == b""
    assert_luna_error(rest.get(url), 404, 22006)
    assert_luna_error(rest.get(f"{url}/samples"), 404, 22006)
    assert lance_vectors(stack, face_id) == {}
    assert attribute_count(rest, account) == 0
    assert rest.delete(url, headers=auth(account)).status_code == 204  # already gone: still fine
    assert rest.head(f"/6/faces/{face_id}").status_code == 200  # the face stays
    assert_luna_error(rest.delete(missing_face, headers=auth(account)), 404, 22002)
    assert_luna_error(rest.get(missing_face), 404, 22002)
    assert_luna_error(rest.get(f"{missing_face}/samples"), 404, 22002)


def test_filters_paging_and_count(rest: httpx.Client, account: str) -> None:
    list_id = create_list(rest, account)
    event_id = str(uuid.uuid4())
    ids = [
        create_face(
            rest,
            account,
            {
                "user_data": f"person-{i}",
                "external_id": f"ext-{i % 2}",
                **({"lists": [list_id]} if i < 2 else {}),
                **({"event_id": event_id} if i == 4 else {}),
            },
        )
        for i in range(5)
    ]

    def listed(**params: str | int) -> list[str]:
        reply = rest.get("/6/faces", params=params, headers=auth(account))
        assert reply.status_code == 200, reply.text
        return [face["face_id"] for face in reply.json()["faces"]]

    assert listed() == ids
    assert listed(page_size=2, page=2) == ids[2:4]
    assert listed(page_size=2, page=4) == []
    assert listed(face_ids=f"{ids[3]},{ids[1]}") == [ids[1], ids[3]]
    assert listed(external_ids="ext-1") == [ids[1], ids[3]]
    assert listed(external_ids="ext-0,ext-1,none") == ids
    assert listed(user_data="son-2") == [ids[2]]
    assert listed(event_id=event_id) == [ids[4]]
    assert listed(list_id=list_id) == ids[:2]
    assert listed(list_id=str(uuid.uuid4())) == []
    ordered = sorted(ids)
    assert sorted(listed(face_id__gte=ordered[2])) == ordered[2:]
    assert sorted(listed(face_id__lt=ordered[2])) == ordered[:2]
    third = rest.get(f"/6/faces/{ids[2]}").json()["create_time"]
    assert listed(create_time__gte=third) == ids[2:]
    assert listed(create_time__lt=third) == ids[:2]
    assert listed(create_time__gte=third, list_id=list_id) == []

    faces = rest.get("/6/faces", params={"targets": "face_id,user_data,lists", "list_id": list_id}).json()["faces"]
    assert faces == [{"face_id": ids[i], "user_data": f"person-{i}", "lists": [list_id]} for i in range(2)]
    full = rest.get("/6/faces", params={"face_ids": ids[4]}).json()["faces"]
    assert [list(face) for face in full] == [FACE_KEYS]
    assert full[0]["event_id"] == event_id and full[0]["lists"] == []

    assert count(rest, account) == 5
    assert count(rest, account, external_ids="ext-0") == 3
    assert count(rest, account, user_data="person") == 5
    assert count(rest, account, list_id=list_id) == 2
    assert count(rest, account, event_id=event_id) == 1
    assert count(rest, account, face_ids=",".join(ids[:3])) == 3
    assert count(rest, account, face_id__gte=ordered[1], face_id__lt=ordered[3]) == 2
    assert count(rest, account, create_time__gte=third) == 3
    assert count(rest, str(uuid.uuid4())) == 0

    bad = [
        ("page", "0"),
        ("page_size", "101"),
        ("page_size", "x"),
        ("face_ids", "x"),
        ("face_id__gte", "x"),
        ("face_id__lt", "x"),
        ("event_id", "x"),
        ("list_id", "x"),
        ("create_time__gte", "yesterday"),
        ("create_time__lt", "x"),
        ("external_ids", "a,,b"),
        ("external_ids", "x" * 37),
        ("user_data", "x" * 129),
        ("targets", "face_id,nope"),
    ]
    for name, value in bad:
        error = assert_luna_error(rest.get("/6/faces", params={name: value}), 400, 12012)
        assert error["detail"] == f"Bad query parameters '{name}'"
        if name not in ("page", "page_size", "targets"):
            assert_luna_error(rest.get("/6/faces/count", params={name: value}), 400, 12012)


def test_patch_face(rest: httpx.Client, account: str) -> None:
    face_id = create_face(rest, account, {"user_data": "old", "external_id": "e1", "event_id": str(uuid.uuid4())})
    before = rest.get(f"/6/faces/{face_id}").json()
    event_id = str(uuid.uuid4())
    patch = {"user_data": "new", "external_id": "e2", "event_id": event_id, "avatar": "/6/images/x"}
    reply = rest.patch(f"/6/faces/{face_id}", json=patch, headers=auth(account))
    assert reply.status_code == 204 and reply.content == b""
    after = rest.get(f"/6/faces/{face_id}").json()
    assert after == {**before, "user_data": "new", "external_id": "e2", "event_id": event_id, "avatar": "/6/images/x"}

    assert rest.patch(f"/6/faces/{face_id}", json={"event_id": None}, headers=auth(account)).status_code == 204
    assert rest.get(f"/6/faces/{face_id}").json()["event_id"] is None
    assert rest.patch(f"/6/faces/{face_id}", json={}, headers=auth(account)).status_code == 204
    assert rest.get(f"/6/faces/{face_id}").json()["user_data"] == "new"

    error = assert_luna_error(
        rest.patch(f"/6/faces/{face_id}", json={"userdata": "x"}, headers=auth(account)), 400, 12022
    )
    assert error["detail"] == (
        "Failed to validate input json. Path: '',  message: 'Additional properties are not allowed "
        "('userdata' was unexpected)'"
    )
    for body in ({"user_data": "x" * 129}, {"external_id": "x" * 37}, {"event_id": "nope"}, {"avatar": 1}):
        assert_luna_error(rest.patch(f"/6/faces/{face_id}", json=body, headers=auth(account)), 400, 12022)
    assert_luna_error(rest.patch(f"/6/faces/{face_id}", json={"user_data": "x"}), 403, 11036)
    assert_luna_error(
        rest.patch(f"/6/faces/{uuid.uuid4()}", json={"user_data": "x"}, headers=auth(account)), 404, 22002
    )
    assert_luna_error(rest.patch("/6/faces/nope", json={"user_data": "x"}, headers=auth(account)), 400, 12001)
    assert rest.get(f"/6/faces/{face_id}").json()["user_data"] == "new"


def test_delete_face(rest: httpx.Client, stack: Stack, account: str) -> None:
    list_id = create_list(rest, account)
    body = {
        "lists": [list_id],
        "attribute": {"face_descriptors": [{"descriptor": raw_descriptor(9), "version": DEFAULT_VERSION}]},
    }
    face_id = create_face(rest, account, body)
    assert DEFAULT_VERSION in lance_vectors(stack, face_id)
    before = rest.get(f"/6/lists/{list_id}").json()["last_update_time"]
    url = f"/6/faces/{face_id}"
    assert rest.head(url).status_code == 200 and rest.head(url).content == b""
    assert_luna_error(rest.delete(url), 403, 11036)
    deleted = rest.delete(url, headers=auth(account))
    assert deleted.status_code == 204 and deleted.content == b""
    missing = rest.head(url)
    assert missing.status_code == 404 and missing.content == b""
    error = assert_luna_error(rest.get(url), 404, 22002)
    assert error == {"error_code": 22002, "desc": "Object not found", "detail": f"Face with id '{face_id}' not found"}
    assert_luna_error(rest.get(f"{url}/attributes"), 404, 22002)
    assert_luna_error(rest.delete(url, headers=auth(account)), 404, 22002)
    assert lance_vectors(stack, face_id) == {}
    assert attribute_count(rest, account) == 0
    assert count(rest, account, list_id=list_id) == 0
    assert rest.get(f"/6/lists/{list_id}").json()["last_update_time"] > before
    assert_luna_error(rest.get("/6/faces/nope"), 400, 12001)
    assert rest.head("/6/faces/nope").status_code == 400


def test_delete_many_faces(rest: httpx.Client, stack: Stack, account: str) -> None:
    descriptor = {"face_descriptors": [{"descriptor": raw_descriptor(10), "version": DEFAULT_VERSION}]}
    ids = [create_face(rest, account, {"attribute": descriptor}) for _ in range(3)]
    theirs = create_face(rest, str(uuid.uuid4()))
    unknown = str(uuid.uuid4())

    def delete(body: dict[str, Any], **params: str | int) -> httpx.Response:
        return rest.request("DELETE", "/6/faces", json=body, params=params, headers=auth(account))

    error = assert_luna_error(delete({"faces": ids}), 400, 12022)
    assert error["detail"] == (
        "Failed to validate input json. Path: '',  message: 'Additional properties are not allowed "
        "('faces' was unexpected)'"
    )
    assert_luna_error(delete({"face_ids": []}), 400, 12022)
    assert_luna_error(delete({"face_ids": ["nope"]}), 400, 12022)
    assert_luna_error(delete({}), 400, 12022)
    assert_luna_error(delete({"face_ids": ids}, ignore="2"), 400, 12012)
    assert_luna_error(rest.request("DELETE", "/6/faces", json={"face_ids": ids}), 403, 11036)
    error = assert_luna_error(delete({"face_ids": [ids[0], unknown]}), 404, 22004)
    assert error["detail"] == f"One or more faces not found, including face with id '{unknown}'"
    assert_luna_error(delete({"face_ids": [theirs]}), 404, 22002)
    assert count(rest, account) == 3  # nothing deleted by the failed requests

    reply = delete({"face_ids": [ids[0], unknown, theirs]}, ignore=1)
    assert reply.status_code == 204 and reply.content == b""
    assert count(rest, account) == 2
    assert rest.head(f"/6/faces/{theirs}").status_code == 200  # another account's face is never touched
    assert lance_vectors(stack, ids[0]) == {}
    assert delete({"face_ids": ids[1:]}).status_code == 204
    assert count(rest, account) == 0 and attribute_count(rest, account) == 0
    assert all(lance_vectors(stack, face_id) == {} for face_id in ids)


def test_list_deletion_with_faces(rest: httpx.Client, stack: Stack, account: str) -> None:
    list_id = create_list(rest, account)
    descriptor = {"face_descriptors": [{"descriptor": raw_descriptor(11), "version": DEFAULT_VERSION}]}
    face_id = create_face(rest, account, {"lists": [list_id], "attribute": descriptor})
    kept = create_face(rest, account, {"lists": [list_id]})
    assert rest.delete(f"/6/lists/{list_id}", headers=auth(account)).status_code == 204
    assert rest.get(f"/6/faces/{kept}").json()["lists"] == []

    list_id = create_list(rest, account)
    attach = rest.patch(
        f"/6/lists/{list_id}/faces", json={"action": "attach", "face_ids": [face_id]}, headers=auth(account)
    )
    assert attach.status_code == 204
    assert rest.get(f"/6/faces/{face_id}", params={"targets": "lists"}).json() == {"lists": [list_id]}
    reply = rest.delete(f"/6/lists/{list_id}", params={"with_faces": 1}, headers=auth(account))
    assert reply.status_code == 204
    assert rest.head(f"/6/faces/{face_id}").status_code == 404
    assert lance_vectors(stack, face_id) == {}
    assert count(rest, account) == 1


def test_options_and_routes(rest: httpx.Client) -> None:
    face_id = str(uuid.uuid4())
    expected = {
        "/6/faces": {"GET", "POST", "DELETE", "OPTIONS"},
        "/6/faces/count": {"GET", "OPTIONS"},
        "/6/faces/attributes/count": {"GET", "OPTIONS"},
        f"/6/faces/{face_id}": {"GET", "PATCH", "DELETE", "HEAD", "OPTIONS"},
        f"/6/faces/{face_id}/attributes": {"GET", "PUT", "DELETE", "OPTIONS"},
        f"/6/faces/{face_id}/attributes/samples": {"GET", "OPTIONS"},
    }
    for path, methods in expected.items():
        reply = rest.options(path)
        assert reply.status_code == 200, path
        assert set(reply.headers["allow"].split(",")) == methods, path
    assert_luna_error(rest.put("/6/faces"), 405, 12002)
    assert_luna_error(rest.post("/6/faces/count"), 405, 12002)


def test_typed_grpc_params(stack: Stack, account: str) -> None:
    channel = grpc.insecure_channel(stack.grpc_target)
    attributes = attributes_service_pb2_grpc.AttributesServiceStub(channel)
    faces = faces_service_pb2_grpc.FacesServiceStub(channel)
    metadata = (("luna-account-id", account),)
    descriptor = struct_pb2.Value()
    descriptor.struct_value.update({"descriptor": raw_descriptor(12), "version": DEFAULT_VERSION})
    data = attributes_pb2.AttributeData(
        face_descriptors=[descriptor],
        basic_attributes=attributes_pb2.BasicAttributes(age=0, gender=0, ethnicity=1),
        basic_attributes_samples=samples(1),
    )
    created = attributes.CreateAttribute(
        attributes_service_pb2.CreateAttributeRequest(params=data, ttl=60), metadata=metadata
    )
    got = attributes.GetAttribute(attributes_service_pb2.GetAttributeRequest(attribute_id=created.attribute_id))
    assert got.face_descriptor.string_value == raw_descriptor(12)
    assert dict(got.basic_attributes.struct_value) == {"age": 0, "gender": 0, "ethnicity": 1}

    params = faces_pb2.FaceCreateParams(
        attribute=faces_pb2.FaceAttributeInput(attribute_id=created.attribute_id), user_data="grpc"
    )
    face = faces.CreateFace(faces_service_pb2.CreateFaceRequest(params=params), metadata=metadata)
    got_face = faces.GetFace(faces_service_pb2.GetFaceRequest(face_id=face.face_id))
    assert got_face.user_data == "grpc" and got_face.event_id.WhichOneof("kind") == "null_value"
    attribute = faces.GetFaceAttribute(faces_service_pb2.GetFaceAttributeRequest(face_id=face.face_id))
    assert attribute.attributes.face_descriptor.struct_value["descriptor"] == raw_descriptor(12)

    with pytest.raises(grpc.RpcError) as failure:
        faces.CreateFace(
            faces_service_pb2.CreateFaceRequest(params=faces_pb2.FaceCreateParams(user_data="x" * 129)),
            metadata=metadata,
        )
    assert failure.value.code() == grpc.StatusCode.INVALID_ARGUMENT


def test_create_face_from_msgpack_body(rest: httpx.Client, account: str) -> None:
    vector = (np.ones(128) / np.sqrt(128)).astype("<f4")
    body = {
        "user_data": "packed",
        "attribute": {"face_descriptors": [{"descriptor": vector.tobytes(), "version": 300}]},
    }
    reply = rest.post(
        "/6/faces", content=msgpack.packb(body), headers=auth(account, **{"Content-Type": "application/msgpack"})
    )
    assert reply.status_code == 201, reply.text
    face_id = reply.json()["face_id"]
    assert rest.get(f"/6/faces/{face_id}", headers=auth(account)).json()["user_data"] == "packed"
    stored = rest.get(f"/6/faces/{face_id}/attributes", headers=auth(account)).json()["attributes"]
    assert base64.b64decode(stored["face_descriptor"]["descriptor"]) == vector.tobytes()
    assert_luna_error(
        rest.post(
            "/6/lists", content=msgpack.packb({}), headers=auth(account, **{"Content-Type": "application/msgpack"})
        ),
        400,
        12017,
    )
