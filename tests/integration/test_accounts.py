"""Accounts as a security boundary (docs/security.md), over REST through Envoy and over native gRPC.

Two stacks without Triton: LUMEN_REQUIRE_ACCOUNT=1 alone, and LUMEN_REQUIRE_ACCOUNT=1 with
LUMEN_AUTH_FILE (Envoy basic_auth, the user's account becomes Luna-Account-Id).
"""

from __future__ import annotations

import base64
import io
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import grpc
import httpx
import numpy as np
import pytest
from grpc_status import rpc_status
from PIL import Image

from lumen.v6 import (
    common_pb2,
    faces_service_pb2,
    faces_service_pb2_grpc,
    system_service_pb2,
    system_service_pb2_grpc,
)
from server.accounts import credential_line
from server.stack import Stack
from server.storage.descriptors import DEFAULT_VERSION
from tests.conftest import assert_luna_error, auth, stack_settings

PUBLIC_PATHS = [
    "/version",
    "/healthcheck",
    "/6/healthcheck",
    "/6/healthcheck?include_luna_services=1",
    "/6/docs/spec",
    "/docs/dev/index.html",
]
ALICE = str(uuid.uuid4())
BOB = str(uuid.uuid4())
PASSWORDS = {"alice": "alice-secret-1", "bob": "bob-secret-2"}


def descriptor(seed: int) -> str:
    vector = np.random.default_rng(seed).standard_normal(128).astype("<f4")
    return base64.b64encode((vector / np.linalg.norm(vector)).astype("<f4").tobytes()).decode()


def face_body(seed: int, **extra: Any) -> dict[str, Any]:
    return {"attribute": {"face_descriptors": [{"descriptor": descriptor(seed), "version": DEFAULT_VERSION}]}, **extra}


def match_body(seed: int) -> dict[str, Any]:
    return {
        "references": [{"type": "raw_descriptor", "id": "probe", "data": descriptor(seed)}],
        "candidates": [{"filters": {"origin": "faces"}, "limit": 10}],
    }


def matched_faces(reply: httpx.Response) -> list[str]:
    assert reply.status_code == 200, reply.text
    return [r["face"]["face_id"] for r in reply.json()[0]["matches"][0]["result"]]


def created(reply: httpx.Response, key: str) -> str:
    assert reply.status_code == 201, reply.text
    return str(reply.json()[key])


@pytest.fixture(scope="module")
def required_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    stack = Stack(stack_settings(tmp_path_factory.mktemp("require-account"), require_account=True)).start()
    try:
        yield stack
    finally:
        stack.stop()


@pytest.fixture(scope="module")
def required(required_stack: Stack) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=required_stack.rest_url, timeout=60.0) as client:
        yield client


@pytest.fixture(scope="module")
def authed_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    data = tmp_path_factory.mktemp("auth")
    users = data / "users"
    users.write_text(
        "# Lumen users\n"
        + "\n".join(
            credential_line(user, PASSWORDS[user], account) for user, account in (("alice", ALICE), ("bob", BOB))
        )
        + "\n"
    )
    settings = stack_settings(Path(data), require_account=True, auth_file=str(users))
    stack = Stack(settings).start()
    try:
        yield stack
    finally:
        stack.stop()


@pytest.fixture(scope="module")
def gateway(authed_stack: Stack) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=authed_stack.rest_url, timeout=60.0) as client:
        yield client


def as_user(user: str, password: str | None = None) -> httpx.BasicAuth:
    return httpx.BasicAuth(user, PASSWORDS[user] if password is None else password)


# LUMEN_REQUIRE_ACCOUNT=1


def test_reads_without_account_are_refused(required: httpx.Client) -> None:
    account = str(uuid.uuid4())
    face = created(required.post("/6/faces", json=face_body(1), headers=auth(account)), "face_id")
    list_id = created(required.post("/6/lists", json={}, headers=auth(account)), "list_id")
    image = created(
        required.post("/6/images", content=_jpeg(), headers=auth(account, **{"Content-Type": "image/jpeg"})), "image_id"
    )
    reads = [
        ("GET", "/6/faces"),
        ("GET", "/6/faces/count"),
        ("GET", f"/6/faces/{face}"),
        ("HEAD", f"/6/faces/{face}"),
        ("GET", f"/6/faces/{face}/attributes"),
        ("GET", "/6/lists"),
        ("GET", f"/6/lists/{list_id}"),
        ("GET", "/6/lists/count"),
        ("GET", "/6/attributes"),
        ("GET", f"/6/images/{image}"),
        ("GET", f"/6/samples/faces/{uuid.uuid4()}"),
        ("GET", f"/6/objects/{uuid.uuid4()}"),
        ("GET", "/6/config"),
    ]
    for method, path in reads:
        reply = required.request(method, path)
        if method == "HEAD":
            assert reply.status_code == 403, path
        else:
            assert assert_luna_error(reply, 403, 11036)["desc"] == "Forbidden", path
    assert_luna_error(required.post("/6/matcher/faces", json=match_body(1)), 403, 11036)
    assert_luna_error(required.post("/6/matcher/raw", json={"references": [], "candidates": []}), 403, 11036)
    for path in ("/6/sdk", "/6/iso", "/6/liveness"):  # computation only, still closed (docs/security.md)
        assert_luna_error(required.post(path, content=_jpeg(), headers={"Content-Type": "image/jpeg"}), 403, 11036)
    # the same reads with the header work
    assert required.get(f"/6/faces/{face}", headers=auth(account)).status_code == 200
    assert matched_faces(required.post("/6/matcher/faces", json=match_body(1), headers=auth(account))) == [face]


def test_public_routes_stay_open(required: httpx.Client) -> None:
    for path in PUBLIC_PATHS:
        assert required.get(path).status_code == 200, path


def test_tasks_api_public_routes_stay_open(required_stack: Stack) -> None:
    """The LUNA Tasks API port: version, health and the documents are public, its config and tasks are not."""
    with httpx.Client(base_url=f"http://127.0.0.1:{required_stack.settings.tasks_port}", timeout=60.0) as tasks:
        for path in ("/1/version", "/1/healthcheck", "/1/docs/spec", "/docs/dev/index.html"):
            assert tasks.get(path).status_code == 200, path
        assert tasks.get("/1/docs/dev").status_code == 302
        spec = tasks.get("/1/docs/spec").json()
        assert spec["components"]["parameters"]["LunaAccountId"]["required"] is True
        assert {"$ref": "#/components/parameters/LunaAccountId"} not in spec["paths"]["/1/version"]["get"]["parameters"]
        assert_luna_error(tasks.get("/1/config"), 403, 11036)
        assert_luna_error(tasks.get("/1/tasks"), 403, 11036)
        assert tasks.get("/1/config", headers=auth(ALICE)).json()["require_account"] is True


def test_spec_declares_the_account_header_required(required: httpx.Client) -> None:
    spec = required.get("/6/docs/spec").json()
    assert spec["components"]["parameters"]["LunaAccountId"]["required"] is True
    account_ref = {"$ref": "#/components/parameters/LunaAccountId"}
    assert account_ref in spec["paths"]["/6/faces"]["get"]["parameters"]
    assert account_ref not in spec["paths"]["/6/healthcheck"]["get"]["parameters"]  # public


def test_each_account_sees_only_its_own_data(required: httpx.Client) -> None:
    mine, other = str(uuid.uuid4()), str(uuid.uuid4())
    face = created(required.post("/6/faces", json=face_body(2), headers=auth(mine)), "face_id")
    image = created(
        required.post("/6/images", content=_jpeg(), headers=auth(mine, **{"Content-Type": "image/jpeg"})), "image_id"
    )
    assert [f["face_id"] for f in required.get("/6/faces", headers=auth(mine)).json()["faces"]] == [face]
    assert required.get("/6/faces", headers=auth(other)).json()["faces"] == []
    assert_luna_error(required.get(f"/6/faces/{face}", headers=auth(other)), 404, 22002)
    assert required.get(f"/6/images/{image}", headers=auth(mine)).status_code == 200
    assert_luna_error(required.get(f"/6/images/{image}", headers=auth(other)), 404, 13003)
    assert matched_faces(required.post("/6/matcher/faces", json=match_body(2), headers=auth(other))) == []


def test_grpc_clients_get_the_same_rule(required_stack: Stack) -> None:
    with grpc.insecure_channel(required_stack.grpc_target) as channel:
        faces = faces_service_pb2_grpc.FacesServiceStub(channel)
        with pytest.raises(grpc.RpcError) as failure:
            faces.CountFaces(faces_service_pb2.CountFacesRequest())
        assert failure.value.code() == grpc.StatusCode.PERMISSION_DENIED
        status = rpc_status.from_call(failure.value)
        assert status is not None
        error = common_pb2.Error()
        assert status.details[0].Unpack(error) and error.error_code == 11036
        count = faces.CountFaces(faces_service_pb2.CountFacesRequest(), metadata=(("luna-account-id", ALICE),))
        assert count.faces_count == 0
        version = system_service_pb2_grpc.SystemServiceStub(channel).GetVersion(system_service_pb2.GetVersionRequest())
        assert version.ByteSize() > 0


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (32, 24), (10, 200, 30)).save(out, format="JPEG")
    return out.getvalue()


# LUMEN_AUTH_FILE


def test_no_or_wrong_credentials_get_401(gateway: httpx.Client) -> None:
    for credentials in (
        None,
        as_user("alice", "wrong"),
        httpx.BasicAuth("mallory", "x"),
        as_user("bob", "alice-secret-1"),
    ):
        reply = gateway.get("/6/faces", auth=credentials)
        body = assert_luna_error(reply, 401, 40040)
        assert body["desc"] == "Unauthorized"
        assert reply.headers["www-authenticate"].startswith("Basic")
    # the account header alone is no credential
    assert_luna_error(gateway.get("/6/faces", headers=auth(ALICE)), 401, 40040)
    assert_luna_error(gateway.get("/6/config"), 401, 40040)
    assert_luna_error(gateway.post("/6/lists", json={}), 401, 40040)


def test_public_routes_need_no_credentials(gateway: httpx.Client) -> None:
    for path in PUBLIC_PATHS:
        assert gateway.get(path).status_code == 200, path
    assert gateway.get("/6/config", auth=as_user("bob")).status_code == 200


def test_requests_act_as_the_users_account(gateway: httpx.Client) -> None:
    face = created(gateway.post("/6/faces", json=face_body(3), auth=as_user("alice")), "face_id")
    got = gateway.get(f"/6/faces/{face}", auth=as_user("alice"))
    assert got.status_code == 200 and got.json()["account_id"] == ALICE
    assert face in [f["face_id"] for f in gateway.get("/6/faces", auth=as_user("alice")).json()["faces"]]
    # bob sees nothing of alice's
    assert face not in [f["face_id"] for f in gateway.get("/6/faces", auth=as_user("bob")).json()["faces"]]
    assert_luna_error(gateway.get(f"/6/faces/{face}", auth=as_user("bob")), 404, 22002)
    assert matched_faces(gateway.post("/6/matcher/faces", json=match_body(3), auth=as_user("bob"))) == []
    assert matched_faces(gateway.post("/6/matcher/faces", json=match_body(3), auth=as_user("alice"))) == [face]
    # alice may name her own account (any case)
    headers = auth(ALICE.upper())
    assert gateway.get(f"/6/faces/{face}", auth=as_user("alice"), headers=headers).status_code == 200


def test_claiming_another_account_is_refused(gateway: httpx.Client) -> None:
    face = created(gateway.post("/6/faces", json=face_body(4), auth=as_user("alice")), "face_id")
    body = assert_luna_error(gateway.get(f"/6/faces/{face}", auth=as_user("bob"), headers=auth(ALICE)), 403, 40041)
    assert body["desc"] == "Forbidden"
    assert_luna_error(gateway.get("/6/faces", auth=as_user("bob"), headers=auth(ALICE)), 403, 40041)
    assert_luna_error(gateway.delete(f"/6/faces/{face}", auth=as_user("bob"), headers=auth(ALICE)), 403, 40041)
    # the gateway's internal user header cannot be forged either: bob stays bob
    forged = gateway.get(f"/6/faces/{face}", auth=as_user("bob"), headers={"x-lumen-auth-user": "alice"})
    assert_luna_error(forged, 404, 22002)
    assert gateway.get(f"/6/faces/{face}", auth=as_user("alice")).status_code == 200


def test_native_grpc_through_the_gateway_is_authenticated(authed_stack: Stack) -> None:
    target = authed_stack.rest_url.removeprefix("http://")
    token = base64.b64encode(f"alice:{PASSWORDS['alice']}".encode()).decode()
    with grpc.insecure_channel(target) as channel:
        faces = faces_service_pb2_grpc.FacesServiceStub(channel)
        with pytest.raises(grpc.RpcError) as failure:
            faces.CountFaces(faces_service_pb2.CountFacesRequest(), timeout=30)
        assert failure.value.code() == grpc.StatusCode.UNAUTHENTICATED
        reply = faces.CountFaces(
            faces_service_pb2.CountFacesRequest(), metadata=(("authorization", f"Basic {token}"),), timeout=30
        )
        assert reply.faces_count >= 0
        # creation (HTTP 201 for REST) stays a plain gRPC answer, acting as alice
        face = faces.CreateFace(
            faces_service_pb2.CreateFaceRequest(), metadata=(("authorization", f"Basic {token}"),), timeout=30
        )
        got = faces.GetFace(
            faces_service_pb2.GetFaceRequest(face_id=face.face_id),
            metadata=(("authorization", f"Basic {token}"),),
            timeout=30,
        )
        assert got.account_id == ALICE
