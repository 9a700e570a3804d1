"""Temporary attributes over REST through Envoy (API-036..043)."""

from __future__ import annotations

import base64
import time
import uuid
from typing import Any

import httpx
import numpy as np
import pytest

from server.storage.descriptors import DEFAULT_VERSION, encode_raw, encode_sdk
from tests.conftest import assert_luna_error, auth

ATTRIBUTE_KEYS = [
    "create_time",
    "attribute_id",
    "account_id",
    "face_descriptor_samples",
    "basic_attributes_samples",
    "face_descriptor",
    "basic_attributes",
]
BASIC = {"age": 29, "gender": 1, "ethnicity": 4}


def vector(seed: int) -> np.ndarray:
    values = np.random.default_rng(seed).standard_normal(128).astype("<f4")
    return values / np.linalg.norm(values)


def raw_descriptor(seed: int = 1) -> str:
    return encode_raw(vector(seed))


def samples(count: int) -> list[str]:
    return [str(uuid.uuid4()) for _ in range(count)]


def create_attribute(rest: httpx.Client, account: str, body: dict[str, Any], **params: str | int) -> str:
    reply = rest.post("/6/attributes", json=body, params=params, headers=auth(account))
    assert reply.status_code == 201, reply.text
    created = reply.json()
    assert created == {"attribute_id": created["attribute_id"], "url": f"/6/attributes/{created['attribute_id']}"}
    return str(created["attribute_id"])


def test_create_and_get_full_attribute(rest: httpx.Client, account: str) -> None:
    descriptor_samples, basic_samples = samples(2), samples(1)
    body = {
        "face_descriptors": [{"descriptor": raw_descriptor(), "version": DEFAULT_VERSION}],
        "face_descriptor_samples": descriptor_samples,
        "basic_attributes": BASIC,
        "basic_attributes_samples": basic_samples,
    }
    attribute_id = create_attribute(rest, account, body)
    reply = rest.get(f"/6/attributes/{attribute_id}", headers=auth(account))
    assert reply.status_code == 200
    got = reply.json()
    assert list(got) == ATTRIBUTE_KEYS
    assert got["attribute_id"] == attribute_id and got["account_id"] == account
    assert got["face_descriptor_samples"] == descriptor_samples
    assert got["basic_attributes_samples"] == basic_samples
    assert got["face_descriptor"] == raw_descriptor()
    assert got["basic_attributes"] == BASIC
    assert got["create_time"].endswith("+00:00")
    # without the account header reads are not limited; explicit default version is the same
    assert rest.get(f"/6/attributes/{attribute_id}").json() == got
    assert rest.get(f"/6/attributes/{attribute_id}", params={"descriptor_version": DEFAULT_VERSION}).json() == got

    selected = rest.get(
        f"/6/attributes/{attribute_id}", params={"targets": "basic_attributes,basic_attributes_samples,account_id"}
    ).json()
    assert list(selected) == ["account_id", "basic_attributes_samples", "basic_attributes"]
    only_descriptor = rest.get(f"/6/attributes/{attribute_id}", params={"targets": "face_descriptor"}).json()
    assert only_descriptor == {"face_descriptor": raw_descriptor()}

    assert rest.get(f"/6/attributes/{attribute_id}/samples").json() == {"samples": descriptor_samples + basic_samples}


def test_partial_attributes_print_null(rest: httpx.Client, account: str) -> None:
    basic_only = create_attribute(rest, account, {"basic_attributes": {"age": 0, "gender": 0, "ethnicity": 1}})
    got = rest.get(f"/6/attributes/{basic_only}").json()
    assert list(got) == ATTRIBUTE_KEYS
    assert got["face_descriptor"] is None
    assert got["basic_attributes"] == {"age": 0, "gender": 0, "ethnicity": 1}
    assert got["face_descriptor_samples"] == [] and got["basic_attributes_samples"] == []
    assert rest.get(f"/6/attributes/{basic_only}/samples").json() == {"samples": []}

    shared = samples(1)
    descriptor_only = create_attribute(
        rest,
        account,
        {
            "face_descriptors": [encode_sdk(DEFAULT_VERSION, vector(2))],
            "face_descriptor_samples": shared,
        },
    )
    got = rest.get(f"/6/attributes/{descriptor_only}").json()
    assert got["basic_attributes"] is None
    assert got["face_descriptor"] == raw_descriptor(2)  # an SDK descriptor is stored as its raw payload
    assert got["face_descriptor_samples"] == shared


def test_list_by_ids(rest: httpx.Client, account: str) -> None:
    first = create_attribute(rest, account, {"basic_attributes": BASIC})
    second = create_attribute(
        rest, account, {"face_descriptors": [{"descriptor": raw_descriptor(3), "version": DEFAULT_VERSION}]}
    )
    unknown = str(uuid.uuid4())
    reply = rest.get("/6/attributes", params={"attribute_ids": f"{second},{unknown},{first}"}, headers=auth(account))
    assert reply.status_code == 200
    listed = reply.json()["attributes"]
    assert [item["attribute_id"] for item in listed] == [second, first]
    assert all(list(item) == ATTRIBUTE_KEYS for item in listed)
    assert listed[0]["face_descriptor"] == raw_descriptor(3) and listed[1]["basic_attributes"] == BASIC

    targeted = rest.get("/6/attributes", params={"attribute_ids": first, "targets": "attribute_id,create_time"}).json()
    assert [list(item) for item in targeted["attributes"]] == [["create_time", "attribute_id"]]
    assert rest.get("/6/attributes", params={"attribute_ids": unknown}).json() == {"attributes": []}

    for params in (
        {},
        {"attribute_ids": ""},
        {"attribute_ids": "nope"},
        {"attribute_ids": first, "targets": "face_descriptor,age"},
        {"attribute_ids": first, "targets": ""},
        {"attribute_ids": first, "descriptor_version": "56"},
        {"attribute_ids": first, "descriptor_version": "x"},
    ):
        assert_luna_error(rest.get("/6/attributes", params=params), 400, 12012)


def test_descriptor_version_query(rest: httpx.Client, account: str) -> None:
    attribute_id = create_attribute(rest, account, {"basic_attributes": BASIC})
    for value in ("46", "abc", "-1"):
        error = assert_luna_error(
            rest.get(f"/6/attributes/{attribute_id}", params={"descriptor_version": value}), 400, 12012
        )
        assert error["detail"] == f"Bad query parameters 'descriptor_version': supported versions: {DEFAULT_VERSION}"
    assert_luna_error(rest.get(f"/6/attributes/{attribute_id}", params={"targets": "nope"}), 400, 12012)


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({}, 12022),
        ({"basic_attributes": BASIC, "extra": 1}, 12022),
        ({"face_descriptors": []}, 12022),
        ({"basic_attributes": {"age": 29, "gender": 1}}, 12022),
        ({"basic_attributes": {"age": 29, "gender": 2, "ethnicity": 1}}, 12022),
        ({"basic_attributes": {"age": 29, "gender": 1, "ethnicity": 5}}, 12022),
        ({"basic_attributes": {"age": -1, "gender": 1, "ethnicity": 1}}, 12022),
        ({"basic_attributes": {"age": "29", "gender": 1, "ethnicity": 1}}, 12022),
        ({"basic_attributes": BASIC, "basic_attributes_samples": ["x"]}, 12022),
        ({"basic_attributes": BASIC, "face_descriptor_samples": [str(uuid.uuid4())]}, 12022),
        ({"face_descriptors": [{"descriptor": "%%%", "version": DEFAULT_VERSION}]}, 12022),
        ({"face_descriptors": [{"descriptor": raw_descriptor()}]}, 12022),
        ({"face_descriptors": [{"descriptor": raw_descriptor(), "version": 300, "x": 1}]}, 12022),
        ({"face_descriptors": [42]}, 12022),
        ({"face_descriptors": [base64.b64encode(b"not an sdk descriptor").decode()]}, 12022),
        ({"face_descriptors": [{"descriptor": raw_descriptor(), "version": 56}]}, 22017),
        ({"face_descriptors": [encode_sdk(46, vector(1))]}, 22017),
        ({"face_descriptors": [{"descriptor": base64.b64encode(b"\0" * 100).decode(), "version": 300}]}, 22018),
        ({"face_descriptors": [encode_raw(np.zeros(127, dtype="<f4"))]}, 12022),
        (
            {
                "face_descriptors": [
                    {"descriptor": raw_descriptor(1), "version": DEFAULT_VERSION},
                    encode_sdk(DEFAULT_VERSION, vector(2)),
                ]
            },
            22019,
        ),
        ({"face_descriptors": [encode_raw(np.full(128, np.nan, dtype="<f4"))]}, 12022),
    ],
)
def test_create_rejects_bad_bodies(rest: httpx.Client, account: str, body: dict[str, Any], code: int) -> None:
    assert_luna_error(rest.post("/6/attributes", json=body, headers=auth(account)), 400, code)


def test_create_errors_and_nothing_written(rest: httpx.Client, account: str) -> None:
    body = {"basic_attributes": BASIC}
    assert_luna_error(rest.post("/6/attributes", json=body), 403, 11036)
    assert_luna_error(rest.post("/6/attributes", json=body, headers={"Luna-Account-Id": "nope"}), 400, 12012)
    for ttl in ("0", "86401", "x"):
        error = assert_luna_error(
            rest.post("/6/attributes", json=body, params={"ttl": ttl}, headers=auth(account)), 400, 12012
        )
        assert error["detail"] == "Bad query parameters 'ttl'"
    assert_luna_error(
        rest.post("/6/attributes", content=b"{", headers=auth(account, **{"Content-Type": "application/json"})),
        400,
        12021,
    )
    multipart = rest.post("/6/attributes", files={"basic_attributes": ("a.json", b"{}")}, headers=auth(account))
    assert_luna_error(multipart, 400, 12017)
    error = assert_luna_error(
        rest.post("/6/attributes", json={"basic_attributes": BASIC, "x": 1}, headers=auth(account)), 400, 12022
    )
    assert error["detail"] == (
        "Failed to validate input json. Path: '',  message: 'Additional properties are not allowed "
        "('x' was unexpected)'"
    )
    error = assert_luna_error(
        rest.post(
            "/6/attributes",
            json={"face_descriptors": [{"descriptor": raw_descriptor(), "version": 46}]},
            headers=auth(account),
        ),
        400,
        22017,
    )
    assert error["detail"] == f"Descriptor version 46 is not supported; supported versions: {DEFAULT_VERSION}"
    assert create_attribute(rest, account, body, ttl=86400)


def test_head_delete_and_isolation(rest: httpx.Client, account: str) -> None:
    attribute_id = create_attribute(rest, account, {"basic_attributes": BASIC, "basic_attributes_samples": samples(1)})
    other = str(uuid.uuid4())
    url = f"/6/attributes/{attribute_id}"
    head = rest.head(url, headers=auth(account))
    assert head.status_code == 200 and head.content == b""
    assert rest.head(url).status_code == 200

    # another account sees nothing and cannot delete
    missing = rest.head(url, headers=auth(other))
    assert missing.status_code == 404 and missing.content == b""
    error = assert_luna_error(rest.get(url, headers=auth(other)), 404, 22011)
    assert error == {
        "error_code": 22011,
        "desc": "Attributes not found",
        "detail": f"Attribute with id '{attribute_id}' not found",
    }
    assert_luna_error(rest.get(f"{url}/samples", headers=auth(other)), 404, 22011)
    assert rest.get("/6/attributes", params={"attribute_ids": attribute_id}, headers=auth(other)).json() == {
        "attributes": []
    }
    assert_luna_error(rest.delete(url, headers=auth(other)), 404, 22011)
    assert_luna_error(rest.delete(url), 403, 11036)
    assert rest.head(url).status_code == 200

    deleted = rest.delete(url, headers=auth(account))
    assert deleted.status_code == 204 and deleted.content == b""
    assert rest.head(url).status_code == 404
    assert_luna_error(rest.get(url), 404, 22011)
    assert_luna_error(rest.get(f"{url}/samples"), 404, 22011)
    assert_luna_error(rest.delete(url, headers=auth(account)), 404, 22011)
    for bad in ("/6/attributes/nope", "/6/attributes/nope/samples"):
        assert_luna_error(rest.get(bad), 400, 12001)
    assert_luna_error(rest.delete("/6/attributes/nope", headers=auth(account)), 400, 12001)


def test_ttl_expiry(rest: httpx.Client, account: str) -> None:
    short = create_attribute(rest, account, {"basic_attributes": BASIC}, ttl=1)
    long = create_attribute(rest, account, {"basic_attributes": BASIC})
    assert rest.head(f"/6/attributes/{short}").status_code == 200
    time.sleep(1.5)
    assert rest.head(f"/6/attributes/{short}").status_code == 404
    assert_luna_error(rest.get(f"/6/attributes/{short}"), 404, 22011)
    assert_luna_error(rest.get(f"/6/attributes/{short}/samples"), 404, 22011)
    assert_luna_error(rest.delete(f"/6/attributes/{short}", headers=auth(account)), 404, 22011)
    listed = rest.get("/6/attributes", params={"attribute_ids": f"{short},{long}"}).json()["attributes"]
    assert [item["attribute_id"] for item in listed] == [long]
    # an expired attribute cannot become a face attribute either
    assert_luna_error(
        rest.post("/6/faces", json={"attribute": {"attribute_id": short}}, headers=auth(account)), 404, 22011
    )


def test_options(rest: httpx.Client) -> None:
    attribute_id = str(uuid.uuid4())
    assert set(rest.options("/6/attributes").headers["allow"].split(",")) == {"GET", "POST", "OPTIONS"}
    assert set(rest.options(f"/6/attributes/{attribute_id}").headers["allow"].split(",")) == {
        "GET",
        "HEAD",
        "DELETE",
        "OPTIONS",
    }
    assert set(rest.options(f"/6/attributes/{attribute_id}/samples").headers["allow"].split(",")) == {"GET", "OPTIONS"}
    assert_luna_error(rest.put("/6/attributes"), 405, 12002)
