"""Verifiers (v6 API-139..147) through Envoy: CRUD with version increments, policy errors, account isolation, raw
verification, verification of real photos against stored faces and attributes, the gRPC typed client.

CRUD and raw verification run on one stack without Triton for the module; photo verification uses the session
`rest` stack (models).
"""

from __future__ import annotations

import base64
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import grpc
import httpx
import numpy as np
import pytest
from google.protobuf import struct_pb2

from lumen.v6 import matcher_pb2, verifiers_pb2, verifiers_service_pb2, verifiers_service_pb2_grpc
from server.descriptor_codec import encode_sdk
from server.stack import Stack
from server.storage.descriptors import DEFAULT_VERSION
from tests import photos
from tests.conftest import assert_luna_error, auth, stack_settings
from tests.integration.test_matcher import attribute_of, create_face

POLICIES: dict[str, Any] = {
    "verification_threshold": 0.5,
    "detect_policy": {"estimate_mask": 1, "yaw_threshold": 40},
    "extract_policy": {"extract_basic_attributes": 1},
    "storage_policy": {"attribute_policy": {"store_attribute": 1}, "face_sample_policy": {"store_sample": 1}},
}
VERIFIER_KEYS = ["verifier_id", "account_id", "description", "policies", "create_time", "last_update_time", "version"]


@pytest.fixture(scope="module")
def verifiers_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    stack = Stack(stack_settings(Path(tmp_path_factory.mktemp("verifiers")))).start()
    try:
        yield stack
    finally:
        stack.stop()


@pytest.fixture(scope="module")
def client(verifiers_stack: Stack) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=verifiers_stack.rest_url, timeout=60.0) as http:
        yield http


def create(client: httpx.Client, account: str, body: dict[str, Any]) -> str:
    response = client.post("/6/verifiers", json=body, headers=auth(account))
    assert response.status_code == 201, response.text
    created = response.json()
    assert created == {"verifier_id": created["verifier_id"], "url": f"/6/verifiers/{created['verifier_id']}"}
    return str(created["verifier_id"])


def unit(seed: int) -> np.ndarray:
    vector = np.random.default_rng(seed).standard_normal(128).astype("<f4")
    return vector / np.linalg.norm(vector)


def b64(vector: np.ndarray) -> str:
    return base64.b64encode(np.asarray(vector, dtype="<f4").tobytes()).decode()


def test_crud_and_version(client: httpx.Client, account: str) -> None:
    verifier_id = create(client, account, {"description": "strict verifier", "policies": POLICIES})
    got = client.get(f"/6/verifiers/{verifier_id}", headers=auth(account))
    assert got.status_code == 200, got.text
    verifier = got.json()
    assert list(verifier) == VERIFIER_KEYS
    assert verifier["account_id"] == account and verifier["description"] == "strict verifier"
    assert verifier["version"] == 0 and verifier["create_time"] == verifier["last_update_time"]
    policies = verifier["policies"]
    assert list(policies) == ["verification_threshold", "detect_policy", "extract_policy", "storage_policy"]
    assert policies["verification_threshold"] == 0.5
    detect = policies["detect_policy"]
    assert "detect_face" not in detect and "detect_body" not in detect
    assert detect["estimate_mask"] == 1 and detect["yaw_threshold"] == 40 and detect["pitch_threshold"] is None
    assert detect["multiface_policy"] == 1 and len(detect["face_quality"]["checks"]) == 41
    assert policies["extract_policy"] == {"extract_basic_attributes": 1, "fd_score_threshold": 0}
    assert policies["storage_policy"] == POLICIES["storage_policy"]

    for expected in (1, 2):
        put = client.put(f"/6/verifiers/{verifier_id}", json={"description": f"v{expected}"}, headers=auth(account))
        assert put.status_code == 200, put.text
        assert put.json() == {"version": expected}
    replaced = client.get(f"/6/verifiers/{verifier_id}", headers=auth(account)).json()
    assert replaced["version"] == 2 and replaced["description"] == "v2"
    assert replaced["create_time"] == verifier["create_time"]
    # Full replacement: policies absent from the PUT body are back to their defaults.
    assert replaced["policies"]["verification_threshold"] == 0.9
    assert replaced["policies"]["storage_policy"] == {
        "attribute_policy": {"store_attribute": 0},
        "face_sample_policy": {"store_sample": 0},
    }

    other = create(client, account, {"description": "lenient"})
    listed = client.get("/6/verifiers", headers=auth(account))
    assert listed.status_code == 200
    assert [v["verifier_id"] for v in listed.json()] == [verifier_id, other]
    page = client.get("/6/verifiers", params={"page": 2, "page_size": 1}, headers=auth(account)).json()
    assert [v["verifier_id"] for v in page] == [other]
    found = client.get("/6/verifiers", params={"description": "leni"}, headers=auth(account)).json()
    assert [v["verifier_id"] for v in found] == [other]
    count = client.get("/6/verifiers/count", params={"description": "v2"}, headers=auth(account))
    assert count.json() == {"verifiers_count": 1}
    assert client.get("/6/verifiers/count", headers=auth(account)).json() == {"verifiers_count": 2}

    assert client.head(f"/6/verifiers/{verifier_id}", headers=auth(account)).status_code == 200
    assert client.delete(f"/6/verifiers/{verifier_id}", headers=auth(account)).status_code == 204
    assert client.head(f"/6/verifiers/{verifier_id}", headers=auth(account)).status_code == 404
    body = assert_luna_error(client.get(f"/6/verifiers/{verifier_id}", headers=auth(account)), 404, 34004)
    assert body["detail"] == f"Verifier with id '{verifier_id}' not found"
    assert_luna_error(client.delete(f"/6/verifiers/{verifier_id}", headers=auth(account)), 404, 34004)
    assert_luna_error(client.put(f"/6/verifiers/{verifier_id}", json={}, headers=auth(account)), 404, 34004)


@pytest.mark.parametrize(
    ("body", "path"),
    [
        ({"policies": {"detect_policy": {"detect_face": 1}}}, "policies.detect_policy"),
        ({"policies": {"verification_threshold": 1.5}}, "policies.verification_threshold"),
        ({"policies": {"extract_policy": {"extract_face_descriptor": 0}}}, "policies.extract_policy"),
        ({"policies": {"storage_policy": {"event_policy": {}}}}, "policies.storage_policy"),
        ({"policies": {"match_policy": []}}, "policies"),
        (
            {
                "policies": {
                    "detect_policy": {"face_quality": {"checks": {"head_yaw": {"threshold": {"min": 9, "max": 1}}}}}
                }
            },
            "policies.detect_policy.face_quality.checks.head_yaw.threshold",
        ),
        ({"description": "x" * 129}, "description"),
        ({"is_dynamic": True}, ""),
    ],
)
def test_invalid_bodies_are_12022(client: httpx.Client, account: str, body: dict[str, Any], path: str) -> None:
    detail = assert_luna_error(client.post("/6/verifiers", json=body, headers=auth(account)), 400, 12022)["detail"]
    assert f"Path: '{path}'" in detail
    assert client.get("/6/verifiers/count", headers=auth(account)).json() == {"verifiers_count": 0}


def test_request_errors(client: httpx.Client, account: str) -> None:
    assert_luna_error(client.post("/6/verifiers", json={}), 403, 11036)
    bad_type = client.post("/6/verifiers", content=b"{}", headers=auth(account, **{"Content-Type": "text/plain"}))
    assert_luna_error(bad_type, 400, 12017)
    assert_luna_error(
        client.post("/6/verifiers", content=b"{", headers=auth(account, **{"Content-Type": "application/json"})),
        400,
        12021,
    )
    assert_luna_error(client.get("/6/verifiers/not-a-uuid", headers=auth(account)), 400, 12001)
    body = assert_luna_error(client.get("/6/verifiers", params={"page_size": 101}, headers=auth(account)), 400, 12012)
    assert "page_size" in body["detail"]
    verifier_id = create(client, account, {})
    assert_luna_error(client.delete(f"/6/verifiers/{verifier_id}"), 403, 11036)
    raw = {"references": [{"id": "a", "type": "raw_descriptor", "data": b64(unit(1))}], "candidates": []}
    assert_luna_error(client.post(f"/6/verifiers/{verifier_id}/raw", json=raw, headers=auth(account)), 400, 12022)
    no_candidates = client.post(
        f"/6/verifiers/{verifier_id}/verifications",
        content=b"x",
        headers=auth(account, **{"Content-Type": "image/jpeg"}),
    )
    assert "face_ids" in assert_luna_error(no_candidates, 400, 12012)["detail"]
    bad_ids = client.post(
        f"/6/verifiers/{verifier_id}/verifications",
        params={"face_ids": "nope"},
        content=b"x",
        headers=auth(account, **{"Content-Type": "image/jpeg"}),
    )
    assert "face_ids" in assert_luna_error(bad_ids, 400, 12012)["detail"]
    missing_face = client.post(
        f"/6/verifiers/{verifier_id}/verifications",
        params={"face_ids": str(uuid.uuid4())},
        content=b"x",
        headers=auth(account, **{"Content-Type": "image/jpeg"}),
    )
    assert_luna_error(missing_face, 404, 22002)


def test_malformed_query_values_are_12012(client: httpx.Client, account: str) -> None:
    assert_luna_error(client.get("/6/verifiers", params={"page": "abc"}, headers=auth(account)), 400, 12012)
    malformed = client.post(
        f"/6/verifiers/{uuid.uuid4()}/verifications",
        params={"face_ids": str(uuid.uuid4()), "use_exif_info": "yes"},
        content=b"x",
        headers=auth(account, **{"Content-Type": "image/jpeg"}),
    )
    assert "use_exif_info" in assert_luna_error(malformed, 400, 12012)["detail"]


def test_account_isolation(client: httpx.Client, account: str) -> None:
    verifier_id = create(client, account, {"description": "mine", "policies": POLICIES})
    stranger = str(uuid.uuid4())
    assert_luna_error(client.get(f"/6/verifiers/{verifier_id}", headers=auth(stranger)), 404, 34004)
    assert client.head(f"/6/verifiers/{verifier_id}", headers=auth(stranger)).status_code == 404
    assert_luna_error(client.put(f"/6/verifiers/{verifier_id}", json={}, headers=auth(stranger)), 404, 34004)
    assert_luna_error(client.delete(f"/6/verifiers/{verifier_id}", headers=auth(stranger)), 404, 34004)
    raw = {
        "references": [{"id": "a", "type": "raw_descriptor", "data": b64(unit(1))}],
        "candidates": [{"id": "b", "type": "raw_descriptor", "data": b64(unit(1))}],
    }
    assert_luna_error(client.post(f"/6/verifiers/{verifier_id}/raw", json=raw, headers=auth(stranger)), 404, 34004)
    assert client.get("/6/verifiers", headers=auth(stranger)).json() == []
    assert client.get("/6/verifiers/count", headers=auth(stranger)).json() == {"verifiers_count": 0}
    # Without the header GET sees every account; the owner's verifier is untouched.
    assert client.get(f"/6/verifiers/{verifier_id}").json()["account_id"] == account
    assert client.get(f"/6/verifiers/{verifier_id}", headers=auth(account)).json()["version"] == 0


def test_raw_verification(client: httpx.Client, account: str) -> None:
    verifier_id = create(client, account, {"policies": {"verification_threshold": 0.5}})
    probe, near, stranger = unit(1), unit(1) + 0.02 * unit(2), unit(3)
    body = {
        "references": [
            {"id": "raw", "type": "raw_descriptor", "data": b64(probe)},
            {"id": "sdk", "type": "sdk_descriptor", "data": encode_sdk(DEFAULT_VERSION, probe)},
        ],
        "candidates": [
            {"id": "stranger", "type": "raw_descriptor", "data": b64(stranger)},
            {"id": "same", "type": "raw_descriptor", "data": {"descriptor": b64(probe), "version": DEFAULT_VERSION}},
            {"id": "near", "type": "raw_descriptor", "data": b64(near)},
        ],
    }
    reply = client.post(f"/6/verifiers/{verifier_id}/raw", json=body, headers=auth(account))
    assert reply.status_code == 200, reply.text
    matches = reply.json()["matches"]
    assert [m["reference_id"] for m in matches] == ["raw", "sdk"]
    for item in matches:
        assert list(item) == ["reference_id", "matches"]
        by_id = {m["candidate_id"]: m for m in item["matches"]}
        assert [m["candidate_id"] for m in item["matches"]] == ["stranger", "same", "near"]  # candidate order
        assert list(item["matches"][0]) == ["candidate_id", "similarity", "status"]
        assert by_id["same"]["similarity"] == pytest.approx(1.0) and by_id["same"]["status"] is True
        assert by_id["near"]["similarity"] > 0.5 and by_id["near"]["status"] is True
        assert by_id["stranger"]["similarity"] < 0.5 and by_id["stranger"]["status"] is False
    # The same pairs against a stricter verifier: `near` is no longer verified.
    strict = create(client, account, {"policies": {"verification_threshold": 0.999999}})
    again = client.post(f"/6/verifiers/{strict}/raw", json=body, headers=auth(account)).json()["matches"][0]
    assert {m["candidate_id"]: m["status"] for m in again["matches"]} == {
        "stranger": False,
        "same": True,
        "near": False,
    }
    xpk = {**body, "candidates": [{"id": "x", "type": "xpk_file", "data": "AAAA"}]}
    assert_luna_error(client.post(f"/6/verifiers/{verifier_id}/raw", json=xpk, headers=auth(account)), 501, 40023)
    assert_luna_error(client.post(f"/6/verifiers/{uuid.uuid4()}/raw", json=body, headers=auth(account)), 404, 34004)


def test_descriptor_body_against_events(client: httpx.Client, account: str) -> None:
    handler = client.post("/6/handlers", json={"is_dynamic": True}, headers=auth(account)).json()["handler_id"]
    events = []
    for seed in (11, 12):
        body = {"face_attributes": {"descriptor": b64(unit(seed))}}
        created = client.post(f"/6/handlers/{handler}/events/raw", json=body, headers=auth(account))
        assert created.status_code == 201, created.text
        events.append(created.json()["event_id"])
    verifier_id = create(client, account, {"policies": {"verification_threshold": 0.5}})
    reply = client.post(
        f"/6/verifiers/{verifier_id}/verifications",
        params={"event_ids": ",".join(events)},
        content=encode_sdk(DEFAULT_VERSION, unit(12)).encode(),
        headers=auth(account, **{"Content-Type": "application/x-sdk-descriptor-base64"}),
    )
    assert reply.status_code == 200, reply.text
    (image,) = reply.json()["images"]
    assert image["status"] == 1 and image["detections"]["filtered_detections"] == {"face_detections": []}
    (detection,) = image["detections"]["face_detections"]
    same, other = detection["verifications"]
    assert same["event"] == {"event_id": events[1]} and same["similarity"] == pytest.approx(1.0) and same["status"]
    assert other["event"] == {"event_id": events[0]} and other["status"] is False
    assert detection["face_attributes"]["attribute_id"] is None
    # Another account's events are not candidates.
    stranger = str(uuid.uuid4())
    foreign = client.post(
        f"/6/verifiers/{create(client, stranger, {})}/verifications",
        params={"event_ids": events[0]},
        content=encode_sdk(DEFAULT_VERSION, unit(12)).encode(),
        headers=auth(stranger, **{"Content-Type": "application/x-sdk-descriptor-base64"}),
    )
    assert_luna_error(foreign, 404, 23001)


def test_grpc_typed_client(verifiers_stack: Stack, account: str) -> None:
    metadata = (("luna-account-id", account),)
    with grpc.insecure_channel(verifiers_stack.grpc_target) as channel:
        stub = verifiers_service_pb2_grpc.VerifiersServiceStub(channel)
        params = verifiers_pb2.VerifierParams(
            description="grpc",
            policies=verifiers_pb2.VerifierPolicies(
                verification_threshold=0.7,
                storage_policy=verifiers_pb2.VerifierStoragePolicy(
                    face_sample_policy=verifiers_pb2.VerifierSamplePolicy(store_sample=1)
                ),
            ),
        )
        created = stub.CreateVerifier(verifiers_service_pb2.CreateVerifierRequest(params=params), metadata=metadata)
        got = stub.GetVerifierTyped(
            verifiers_service_pb2.GetVerifierTypedRequest(verifier_id=created.verifier_id), metadata=metadata
        )
        assert got.description == "grpc" and got.account_id == account and got.version == 0
        assert got.policies.verification_threshold == 0.7
        assert got.policies.storage_policy.face_sample_policy.store_sample == 1
        assert got.policies.detect_policy.multiface_policy == 1  # default filled in
        assert not got.policies.detect_policy.HasField("detect_face")
        put = stub.PutVerifier(
            verifiers_service_pb2.PutVerifierRequest(verifier_id=created.verifier_id, params=params), metadata=metadata
        )
        assert put.version == 1
        listed = stub.GetVerifiersTyped(verifiers_service_pb2.GetVerifiersTypedRequest(), metadata=metadata)
        assert [v.verifier_id for v in listed.verifiers] == [created.verifier_id]
        entity = struct_pb2.Struct()
        entity.update({"id": "p", "type": "raw_descriptor", "data": b64(unit(5))})
        raw = stub.VerifyRaw(
            verifiers_service_pb2.VerifyRawRequest(
                verifier_id=created.verifier_id,
                params=matcher_pb2.MatchParams(references=[entity], candidates=[entity]),
            ),
            metadata=metadata,
        )
        assert raw.matches[0].matches[0].status and raw.matches[0].matches[0].similarity == pytest.approx(1.0)
        with pytest.raises(grpc.RpcError) as failure:
            stub.CreateVerifier(
                verifiers_service_pb2.CreateVerifierRequest(
                    params=verifiers_pb2.VerifierParams(
                        policies=verifiers_pb2.VerifierPolicies(verification_threshold=3)
                    )
                ),
                metadata=metadata,
            )
        assert failure.value.code() == grpc.StatusCode.INVALID_ARGUMENT
        assert "12022" in (failure.value.details() or "")


# -- verification of photos (session stack with models) ------------------------------------------------------


def photo(name: str) -> bytes:
    return photos.face_recognition_image(name).read_bytes()


def verify(rest: httpx.Client, account: str, verifier_id: str, params: dict[str, str], image: bytes) -> dict[str, Any]:
    reply = rest.post(
        f"/6/verifiers/{verifier_id}/verifications",
        params=params,
        content=image,
        headers=auth(account, **{"Content-Type": "image/jpeg"}),
    )
    assert reply.status_code == 200, reply.text
    return reply.json()


def test_verification_against_stored_faces(rest: httpx.Client, account: str) -> None:
    obama = create_face(rest, account, attribute={"attribute_id": attribute_of(rest, account, photo("obama.jpg"))})
    biden = create_face(rest, account, attribute={"attribute_id": attribute_of(rest, account, photo("biden.jpg"))})
    attribute = attribute_of(rest, account, photo("obama3.jpg"))
    verifier_id = create(rest, account, {"policies": POLICIES})

    params = {"face_ids": f"{obama},{biden}", "attribute_ids": attribute}
    result = verify(rest, account, verifier_id, params, photo("obama2.jpg"))
    (image,) = result["images"]
    assert image["status"] == 1 and image["filename"] == "raw image"
    assert image["error"] == {"error_code": 0, "desc": "Success", "detail": "Success"}
    (detection,) = image["detections"]["face_detections"]
    assert image["detections"]["filtered_detections"] == {"face_detections": []}
    verifications = detection["verifications"]
    assert len(verifications) == 3
    assert [v["similarity"] for v in verifications] == sorted((v["similarity"] for v in verifications), reverse=True)
    by_object = {
        (v.get("face") or v.get("attribute"))["face_id" if "face" in v else "attribute_id"]: v for v in verifications
    }
    assert by_object[obama]["status"] is True and by_object[obama]["similarity"] > 0.5  # the same person
    assert by_object[attribute]["status"] is True
    assert by_object[biden]["status"] is False and by_object[biden]["similarity"] < 0.5  # another person
    assert set(verifications[-1]) == {"similarity", "status", "face"} and verifications[-1]["face"] == {
        "face_id": biden
    }

    # storage_policy: the sample and the attribute were stored and can be read back.
    attributes = detection["face_attributes"]
    (sample_id,) = attributes["samples"]
    assert attributes["url"] == f"/6/attributes/{attributes['attribute_id']}" and 0 < attributes["score"] <= 1
    assert attributes["basic_attributes"]["gender"] in (0, 1)
    sample = detection["sample"]["face"]
    assert sample["sample_id"] == sample_id and sample["url"] == f"/6/samples/faces/{sample_id}"
    assert sample["rect"]["width"] > 0 and "mask" in sample["attributes"]
    assert rest.get(f"/6/samples/faces/{sample_id}", headers=auth(account)).status_code == 200
    stored = rest.get(attributes["url"], headers=auth(account))
    assert stored.status_code == 200 and stored.json()["face_descriptor_samples"] == [sample_id]

    # Another account can use neither this verifier nor these faces; a verifier without storage stores nothing.
    stranger = str(uuid.uuid4())
    for used_verifier, code in ((verifier_id, 34004), (create(rest, stranger, {}), 22002)):
        refused = rest.post(
            f"/6/verifiers/{used_verifier}/verifications",
            params={"face_ids": obama},
            content=photo("obama2.jpg"),
            headers=auth(stranger, **{"Content-Type": "image/jpeg"}),
        )
        assert_luna_error(refused, 404, code)
    plain = create(
        rest, account, {"policies": {"verification_threshold": 0.5, "detect_policy": {"face_quality": {"estimate": 1}}}}
    )
    (bare,) = verify(rest, account, plain, {"face_ids": biden}, photo("obama2.jpg"))["images"][0]["detections"][
        "face_detections"
    ]
    assert bare["verifications"] == [
        {
            "similarity": pytest.approx(by_object[biden]["similarity"], abs=1e-4),
            "status": False,
            "face": {"face_id": biden},
        }
    ]
    assert bare["face_attributes"]["attribute_id"] is None and bare["face_attributes"]["samples"] == []
    assert bare["sample"]["face"]["sample_id"] is None and bare["sample"]["face"]["url"] is None
    quality = bare["sample"]["face"]["face_quality"]
    assert quality["status"] in (0, 1) and {c["name"] for c in quality["checks"]} >= {"head_yaw", "eye_distance"}


def test_verification_errors_per_image_and_descriptor_body(rest: httpx.Client, account: str) -> None:
    face = create_face(rest, account, attribute={"attribute_id": attribute_of(rest, account, photo("obama.jpg"))})
    verifier_id = create(
        rest, account, {"policies": {"verification_threshold": 0.5, "detect_policy": {"yaw_threshold": 0}}}
    )
    files = [
        ("a", ("obama2.jpg", photo("obama2.jpg"), "image/jpeg")),
        ("b", ("broken.jpg", b"not an image", "image/jpeg")),
    ]
    reply = rest.post(
        f"/6/verifiers/{verifier_id}/verifications", params={"face_ids": face}, files=files, headers=auth(account)
    )
    assert reply.status_code == 200, reply.text
    first, broken = reply.json()["images"]
    # yaw_threshold 0 filters every face: nothing verified, the detection is reported as filtered.
    assert first["filename"] == "obama2.jpg" and first["detections"]["face_detections"] == []
    (filtered,) = first["detections"]["filtered_detections"]["face_detections"]
    assert filtered["filter_reasons"][0]["filter_name"] == "yaw_threshold"
    assert broken["status"] == 0 and broken["error"]["error_code"] == 13010 and "detections" not in broken

    # One SDK descriptor instead of an image: verified as one detection without a sample.
    probe = attribute_of(rest, account, photo("obama2.jpg"))
    reply = rest.get(
        f"/6/attributes/{probe}",
        params={"targets": "face_descriptor", "descriptor_version": DEFAULT_VERSION},
        headers=auth(account),
    )
    vector = np.frombuffer(base64.b64decode(reply.json()["face_descriptor"]), dtype="<f4")
    for content_type, body in (
        ("application/x-sdk-descriptor", base64.b64decode(encode_sdk(DEFAULT_VERSION, vector))),
        ("application/x-sdk-descriptor-base64", encode_sdk(DEFAULT_VERSION, vector).encode()),
    ):
        result = rest.post(
            f"/6/verifiers/{verifier_id}/verifications",
            params={"face_ids": face, "attribute_ids": probe},
            content=body,
            headers=auth(account, **{"Content-Type": content_type}),
        )
        assert result.status_code == 200, result.text
        (image,) = result.json()["images"]
        assert image["status"] == 1
        (entry,) = image["detections"]["face_detections"]
        itself, same_person = entry["verifications"]
        assert itself["attribute"] == {"attribute_id": probe} and itself["similarity"] == pytest.approx(1.0)
        assert same_person["face"] == {"face_id": face} and same_person["status"] is True
    xpk = rest.post(
        f"/6/verifiers/{verifier_id}/verifications",
        params={"face_ids": face},
        content=b"xpk",
        headers=auth(account, **{"Content-Type": "application/x-vl-xpk"}),
    )
    assert_luna_error(xpk, 501, 40023)
