"""Face and body samples over REST through Envoy (API-008..021), legacy routes included."""

from __future__ import annotations

import uuid

import grpc
import httpx
import pytest
from google.api import httpbody_pb2

from lumen.v6 import objects_service_pb2, objects_service_pb2_grpc, samples_service_pb2, samples_service_pb2_grpc
from server.stack import Stack
from tests.conftest import assert_luna_error, auth
from tests.integration.test_images import IMAGE_FORMATS, make_image, upload

SAMPLE_SIZE = (250, 250)  # a warp


def create_sample(
    rest: httpx.Client, account: str, samples_type: str, data: bytes, content_type: str = "image/jpeg"
) -> str:
    reply = upload(rest, f"/6/samples/{samples_type}", account, data, content_type)
    assert reply.status_code == 201, reply.text
    body = reply.json()
    assert list(body) == ["sample_id", "url"]
    assert body["url"] == f"/6/samples/{samples_type}/{body['sample_id']}"
    return str(body["sample_id"])


@pytest.mark.parametrize("samples_type", ["faces", "bodies"])
def test_create_get_head_delete(rest: httpx.Client, account: str, samples_type: str) -> None:
    data = make_image("image/jpeg", SAMPLE_SIZE)
    sample_id = create_sample(rest, account, samples_type, data)
    url = f"/6/samples/{samples_type}/{sample_id}"
    got = rest.get(url, headers=auth(account))
    assert got.status_code == 200
    assert got.content == data and got.headers["content-type"] == "image/jpeg"
    head = rest.head(url, headers=auth(account))
    assert head.status_code == 200 and head.content == b""

    deleted = rest.delete(url, headers=auth(account))
    assert deleted.status_code == 204 and deleted.content == b""
    assert rest.head(url).status_code == 404
    error = assert_luna_error(rest.get(url), 404, 13003)
    assert error == {
        "error_code": 13003,
        "desc": "Object not found",
        "detail": f"Image with id '{sample_id}' not found",
    }
    assert_luna_error(rest.delete(url, headers=auth(account)), 404, 13003)


@pytest.mark.parametrize("content_type", list(IMAGE_FORMATS))
def test_every_raw_image_type(rest: httpx.Client, account: str, content_type: str) -> None:
    data = make_image(content_type, SAMPLE_SIZE)
    sample_id = create_sample(rest, account, "faces", data, content_type)
    got = rest.get(f"/6/samples/faces/{sample_id}")
    assert got.content == data and got.headers["content-type"] == content_type


def test_face_and_body_samples_are_separate(rest: httpx.Client, account: str) -> None:
    face_id = create_sample(rest, account, "faces", make_image())
    body_id = create_sample(rest, account, "bodies", make_image())
    assert_luna_error(rest.get(f"/6/samples/bodies/{face_id}"), 404, 13003)
    assert_luna_error(rest.get(f"/6/samples/faces/{body_id}"), 404, 13003)
    assert_luna_error(rest.delete(f"/6/samples/bodies/{face_id}", headers=auth(account)), 404, 13003)
    assert rest.head(f"/6/samples/faces/{face_id}").status_code == 200
    # samples are not images either
    assert_luna_error(rest.get(f"/6/images/{face_id}"), 404, 13003)


@pytest.mark.parametrize("prefix", ["/6/samples", "/5/samples"])
def test_typeless_routes_address_face_samples(rest: httpx.Client, account: str, prefix: str) -> None:
    data = make_image("image/png", SAMPLE_SIZE)
    face_id = create_sample(rest, account, "faces", data, "image/png")
    body_id = create_sample(rest, account, "bodies", data, "image/png")
    got = rest.get(f"{prefix}/{face_id}", headers=auth(account))
    assert got.status_code == 200 and got.content == data and got.headers["content-type"] == "image/png"
    assert rest.head(f"{prefix}/{face_id}").status_code == 200
    assert_luna_error(rest.get(f"{prefix}/{body_id}"), 404, 13003)
    assert rest.head(f"{prefix}/{body_id}").status_code == 404
    if prefix == "/6/samples":  # neither a samples type nor a UUID: no route (docs/deviations.md)
        assert_luna_error(rest.get(f"{prefix}/not-a-uuid"), 404, 12004)
    else:
        assert_luna_error(rest.get(f"{prefix}/not-a-uuid"), 400, 12001)

    assert_luna_error(rest.delete(f"{prefix}/{face_id}"), 403, 11036)
    assert_luna_error(rest.delete(f"{prefix}/{face_id}", headers=auth(str(uuid.uuid4()))), 404, 13003)
    assert rest.delete(f"{prefix}/{face_id}", headers=auth(account)).status_code == 204
    assert_luna_error(rest.get(f"/6/samples/faces/{face_id}"), 404, 13003)
    assert_luna_error(rest.delete(f"{prefix}/{body_id}", headers=auth(account)), 404, 13003)
    assert rest.head(f"/6/samples/bodies/{body_id}").status_code == 200


def test_bad_bodies_and_types(rest: httpx.Client, account: str) -> None:
    jpeg = make_image()
    for content_type in ("application/json", "image/x-jpeg-base64", "multipart/form-data; boundary=x"):
        assert_luna_error(upload(rest, "/6/samples/faces", account, jpeg, content_type), 400, 12017)
    assert_luna_error(upload(rest, "/6/samples/bodies", account, b""), 400, 12018)
    assert_luna_error(upload(rest, "/6/samples/faces", account, b"\x00\x01\x02 not an image"), 400, 13010)
    forbidden = rest.post("/6/samples/faces", content=jpeg, headers={"Content-Type": "image/jpeg"})
    assert_luna_error(forbidden, 403, 11036)

    unknown = assert_luna_error(upload(rest, "/6/samples/hands", account, jpeg), 404, 12004)
    assert unknown["detail"] == "Resource '/6/samples/hands' not found"
    assert_luna_error(rest.get(f"/6/samples/hands/{uuid.uuid4()}"), 404, 12004)
    assert_luna_error(rest.delete(f"/6/samples/hands/{uuid.uuid4()}", headers=auth(account)), 404, 12004)
    assert rest.head(f"/6/samples/hands/{uuid.uuid4()}").status_code == 404
    error = assert_luna_error(rest.get("/6/samples/faces/not-a-uuid"), 400, 12001)
    assert error["detail"] == "Object in query is not UUID4 format: 'sample_id'"


def test_account_isolation(rest: httpx.Client, account: str) -> None:
    sample_id = create_sample(rest, account, "faces", make_image())
    other = str(uuid.uuid4())
    url = f"/6/samples/faces/{sample_id}"
    assert_luna_error(rest.get(url, headers=auth(other)), 404, 13003)
    assert rest.head(url, headers=auth(other)).status_code == 404
    assert_luna_error(rest.delete(url, headers=auth(other)), 404, 13003)
    assert rest.get(url).status_code == 200
    assert rest.get(url, headers=auth(account)).status_code == 200


def test_options_and_methods(rest: httpx.Client, account: str) -> None:
    sample_id = str(uuid.uuid4())
    item = rest.options(f"/6/samples/faces/{sample_id}")
    assert item.status_code == 200 and item.content == b""
    assert set(item.headers["allow"].split(",")) == {"GET", "HEAD", "DELETE", "OPTIONS"}
    legacy = rest.options(f"/5/samples/{sample_id}")
    assert set(legacy.headers["allow"].split(",")) == {"GET", "HEAD", "DELETE", "OPTIONS"}
    # /6/samples/{samples_type} (POST) is told apart from /6/samples/{sample_id} (test_contract.py)
    collection = rest.options("/6/samples/faces")
    assert set(collection.headers["allow"].split(",")) == {"POST", "OPTIONS"}
    assert_luna_error(rest.put(f"/6/samples/faces/{sample_id}", content=b"x", headers=auth(account)), 405, 12002)
    assert_luna_error(rest.patch(f"/5/samples/{sample_id}", headers=auth(account)), 405, 12002)
    assert_luna_error(rest.post(f"/5/samples/{sample_id}", headers=auth(account)), 405, 12002)


def test_grpc_clients(stack: Stack, account: str) -> None:
    """Native gRPC: HttpBody in and out, face-sample RPCs, LUNA codes in details."""
    stub = samples_service_pb2_grpc.SamplesServiceStub(grpc.insecure_channel(stack.grpc_target))
    metadata = (("luna-account-id", account),)
    data = make_image("image/png")
    created = stub.CreateSample(
        samples_service_pb2.CreateSampleRequest(
            samples_type="faces", body=httpbody_pb2.HttpBody(content_type="image/png", data=data)
        ),
        metadata=metadata,
    )
    assert created.url == f"/6/samples/faces/{created.sample_id}"
    got = stub.GetSample(
        samples_service_pb2.GetSampleRequest(samples_type="faces", sample_id=created.sample_id), metadata=metadata
    )
    assert (got.content_type, got.data) == ("image/png", data)
    face = stub.GetFaceSample(samples_service_pb2.GetFaceSampleRequest(sample_id=created.sample_id))
    assert face.data == data
    with pytest.raises(grpc.RpcError) as failure:
        stub.GetSample(samples_service_pb2.GetSampleRequest(samples_type="bodies", sample_id=created.sample_id))
    assert failure.value.code() == grpc.StatusCode.NOT_FOUND
    assert (failure.value.details() or "").startswith("13003")
    objects = objects_service_pb2_grpc.ObjectsServiceStub(grpc.insecure_channel(stack.grpc_target))
    stored = objects.CreateObject(
        objects_service_pb2.CreateObjectRequest(body=httpbody_pb2.HttpBody(content_type="text/plain", data=b"x")),
        metadata=metadata,
    )
    request = objects_service_pb2.GetObjectRequest(object_id=stored.object_id)
    assert objects.GetObject(request).data == b"x"
    with pytest.raises(grpc.RpcError) as failure:
        objects.GetObject(request, metadata=(("accept", "application/zip"),))
    assert failure.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert (failure.value.details() or "").startswith("12023")
