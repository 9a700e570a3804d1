"""Service endpoints over REST through Envoy: /version, healthcheck, config, docs (API-001/002, 150..154)."""

from __future__ import annotations

import json
import tomllib
from collections.abc import Iterator
from concurrent import futures
from dataclasses import replace
from pathlib import Path
from typing import Any

import grpc
import httpx
import pytest
import yaml
from google.protobuf import wrappers_pb2

from gateway.config import TASKS_API_SERVICE, load_descriptor_set, routes
from inference.models import ALL_MODELS
from lumen.v6 import system_service_pb2, system_service_pb2_grpc
from server import __version__
from server.stack import Stack
from tests.conftest import assert_luna_error, auth, stack_settings

ROOT = Path(__file__).resolve().parents[2]
REQUEST_ID = "1536751345,8b8b5937-2e9c-4e8b-a7a7-5caf86621b5a"
MODEL_NAMES = [spec.name for spec in ALL_MODELS]


def lumen_version() -> dict[str, int]:
    major, minor, patch = (int(part) for part in __version__.split("."))
    return {"major": major, "minor": minor, "patch": patch}


# -- /version -------------------------------------------------------------------------------------


def test_version_constant_matches_pyproject() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert __version__ == project["version"]


def test_version(rest: httpx.Client) -> None:
    reply = rest.get("/version", headers={"Luna-Request-Id": REQUEST_ID})
    assert reply.status_code == 200, reply.text
    assert reply.headers["content-type"] == "application/json"
    assert reply.headers["luna-request-id"] == REQUEST_ID
    body = reply.json()
    assert list(body) == ["lumen", "lumen_api"]
    assert body["lumen"] == lumen_version()  # the platform entry has no api, like "LUNA PLATFORM"
    assert body["lumen_api"] == {"api": 6, **lumen_version()}
    assert list(body["lumen_api"]) == ["api", "major", "minor", "patch"]


def test_version_options_and_methods(rest: httpx.Client) -> None:
    options = rest.options("/version")
    assert options.status_code == 200 and options.content == b""
    assert set(options.headers["allow"].split(",")) == {"GET", "OPTIONS"}
    assert options.headers["luna-request-id"]
    error = assert_luna_error(rest.post("/version"), 405, 12002)
    assert error["detail"] == "Method 'POST' not allowed"
    assert_luna_error(rest.get("/6/version"), 404, 12004)


# -- healthcheck ----------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/6/healthcheck", "/healthcheck"])
@pytest.mark.parametrize("include", [None, "0", "1"])
def test_healthcheck_healthy(rest: httpx.Client, path: str, include: str | None) -> None:
    params = {} if include is None else {"include_luna_services": include}
    reply = rest.get(path, params=params)  # no Luna-Account-Id needed
    assert reply.status_code == 200, reply.text
    body = reply.json()
    assert list(body) == ["execution_time"]
    assert isinstance(body["execution_time"], int | float) and body["execution_time"] >= 0
    assert reply.headers["luna-request-id"]


def test_healthcheck_with_account_and_bad_params(rest: httpx.Client, account: str) -> None:
    assert rest.get("/6/healthcheck", headers=auth(account)).status_code == 200
    for value in ("2", "yes", "-1"):
        error = assert_luna_error(rest.get("/6/healthcheck", params={"include_luna_services": value}), 400, 12012)
        assert error["detail"] == "Bad query parameters 'include_luna_services'"
    options = rest.options("/healthcheck")
    assert set(options.headers["allow"].split(",")) == {"GET", "OPTIONS"}
    assert_luna_error(rest.delete("/6/healthcheck"), 405, 12002)


def test_healthcheck_leaves_no_probe_files(rest: httpx.Client, stack: Stack) -> None:
    assert rest.get("/6/healthcheck").status_code == 200
    assert not list((stack.settings.data_dir / "blobs").glob(".healthcheck-*"))


def test_healthcheck_over_grpc(stack: Stack) -> None:
    with grpc.insecure_channel(stack.grpc_target) as channel:
        stub = system_service_pb2_grpc.SystemServiceStub(channel)
        health = stub.GetHealth(system_service_pb2.GetHealthRequest(include_luna_services=True))
        assert health.execution_time >= 0 and not health.HasField("errors")
        versions = stub.GetVersion(system_service_pb2.GetVersionRequest())
        assert versions.lumen_api.api == 6 and not versions.lumen.HasField("api")


class FakeTriton:
    """A gRPC server answering Triton's ServerReady and ModelReady with switchable readiness."""

    def __init__(self) -> None:
        self.ready = True
        self.not_ready_models: set[str] = set()
        self.server = grpc.server(futures.ThreadPoolExecutor(max_workers=2))
        handler = grpc.method_handlers_generic_handler(
            "inference.GRPCInferenceService",
            {
                "ServerReady": grpc.unary_unary_rpc_method_handler(self._server_ready),
                "ModelReady": grpc.unary_unary_rpc_method_handler(self._model_ready),
            },
        )
        self.server.add_generic_rpc_handlers((handler,))
        self.port = self.server.add_insecure_port("127.0.0.1:0")
        self.server.start()

    def _server_ready(self, request: bytes, context: grpc.ServicerContext) -> bytes:
        return bytes(wrappers_pb2.BoolValue(value=self.ready).SerializeToString())

    def _model_ready(self, request: bytes, context: grpc.ServicerContext) -> bytes:
        # ModelReadyRequest {string name = 1; string version = 2}: field 1 reads as a StringValue.
        name = wrappers_pb2.StringValue.FromString(request).value
        ready = name in MODEL_NAMES and name not in self.not_ready_models
        return bytes(wrappers_pb2.BoolValue(value=ready).SerializeToString())

    def stop(self) -> None:
        self.server.stop(None).wait()


@pytest.fixture(scope="module")
def triton() -> Iterator[FakeTriton]:
    fake = FakeTriton()
    try:
        yield fake
    finally:
        fake.stop()


@pytest.fixture(scope="module")
def checked_stack(tmp_path_factory: pytest.TempPathFactory, triton: FakeTriton) -> Iterator[Stack]:
    """A stack of its own (its stores get broken on purpose) with Triton enabled."""
    settings = stack_settings(
        tmp_path_factory.mktemp("lumen-health"),
        triton_enabled=True,
        triton_grpc_url=f"127.0.0.1:{triton.port}",
    )
    running = Stack(settings).start()
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="module")
def checked(checked_stack: Stack) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=checked_stack.rest_url, timeout=60.0) as client:
        yield client


def assert_unhealthy(reply: httpx.Response, components: list[str]) -> list[dict[str, Any]]:
    assert reply.status_code == 502, reply.text
    assert reply.headers["content-type"] == "application/json"
    assert reply.headers["luna-request-id"]
    body = reply.json()
    assert set(body) == {"execution_time", "errors"}
    assert body["execution_time"] >= 0
    assert [item["component"] for item in body["errors"]] == components
    for item in body["errors"]:
        assert set(item) == {"component", "status", "error"}
        assert item["status"] == 0
        assert set(item["error"]) == {"error_code", "desc", "detail"}
        assert item["error"]["error_code"] == 40003 and item["error"]["desc"] == "Unhealthy"
        assert item["error"]["detail"].startswith(f"Component '{item['component']}' failed its healthcheck: ")
    return list(body["errors"])


def test_triton_is_always_checked(checked: httpx.Client, triton: FakeTriton) -> None:
    """Triton is part of Lumen: include_luna_services=0 checks it too (a 200 means model routes work)."""
    assert checked.get("/6/healthcheck").status_code == 200
    triton.ready = False
    try:
        for path in ("/6/healthcheck", "/healthcheck"):
            for include in (None, 0, 1):
                params = {} if include is None else {"include_luna_services": include}
                (error,) = assert_unhealthy(checked.get(path, params=params), ["triton"])
                assert error["error"]["detail"].endswith("is not ready")
    finally:
        triton.ready = True
    assert checked.get("/6/healthcheck", params={"include_luna_services": 1}).status_code == 200


def test_models_not_loaded_are_unhealthy(checked: httpx.Client, triton: FakeTriton) -> None:
    """Triton answers but some models are not ready (still loading, or failed to load): not 200, and which."""
    missing = {MODEL_NAMES[0], MODEL_NAMES[-1]}
    triton.not_ready_models = set(missing)
    try:
        (error,) = assert_unhealthy(checked.get("/6/healthcheck"), ["triton"])
        detail = error["error"]["detail"]
        assert f"2 of {len(MODEL_NAMES)} models not ready" in detail
        assert all(name in detail for name in missing)
        triton.not_ready_models = set(MODEL_NAMES)  # nothing loaded yet: the list shown is bounded
        (error,) = assert_unhealthy(checked.get("/healthcheck"), ["triton"])
        assert f"{len(MODEL_NAMES)} of {len(MODEL_NAMES)} models not ready" in error["error"]["detail"]
        assert error["error"]["detail"].endswith(", ...")
    finally:
        triton.not_ready_models = set()
    assert checked.get("/6/healthcheck").status_code == 200


def test_triton_unreachable(tmp_path: Path, triton: FakeTriton) -> None:
    """Inference on but nothing listens at the Triton address: health is never 200, and start() does not
    call the stack ready (it times out naming the failed component)."""
    closed = FakeTriton()
    port = closed.port
    closed.stop()
    settings = stack_settings(tmp_path, triton_enabled=True, triton_grpc_url=f"127.0.0.1:{port}")
    running = Stack(settings).start(wait_healthy=False)
    try:
        with httpx.Client(base_url=running.rest_url, timeout=60.0) as client:
            for params in ({}, {"include_luna_services": 1}):
                (error,) = assert_unhealthy(client.get("/healthcheck", params=params), ["triton"])
                assert "UNAVAILABLE" in error["error"]["detail"]
    finally:
        running.stop()
    never_ready = Stack(replace(settings, triton_ready_timeout_s=2))
    with pytest.raises(TimeoutError, match="not healthy .*triton"):
        never_ready.start()
    assert never_ready.processes == {}  # what start() spawned is stopped again


def _replace_with_file(path: Path) -> Path:
    moved = path.with_name(path.name + ".moved")
    path.rename(moved)
    path.write_text("not a directory")
    return moved


def _restore(path: Path, moved: Path) -> None:
    path.unlink()
    moved.rename(path)


def test_broken_stores_are_unhealthy_without_include(checked: httpx.Client, checked_stack: Stack) -> None:
    data_dir = checked_stack.settings.data_dir
    blobs = data_dir / "blobs"
    moved = _replace_with_file(blobs)
    try:
        (error,) = assert_unhealthy(checked.get("/6/healthcheck"), ["blobs"])
        assert "Not a directory" in error["error"]["detail"]
        lancedb_dir = data_dir / "lancedb"
        moved_lance = _replace_with_file(lancedb_dir)
        try:
            assert_unhealthy(checked.get("/healthcheck", params={"include_luna_services": 1}), ["lancedb", "blobs"])
        finally:
            _restore(lancedb_dir, moved_lance)
    finally:
        _restore(blobs, moved)
    assert checked.get("/6/healthcheck", params={"include_luna_services": 1}).status_code == 200


# -- config ---------------------------------------------------------------------------------------


def test_config_json(rest: httpx.Client, stack: Stack) -> None:
    reply = rest.get("/6/config")
    assert reply.status_code == 200, reply.text
    assert reply.headers["content-type"] == "application/json"
    body = reply.json()
    capabilities = body.pop("capabilities")
    assert body == stack.settings.public_view()
    assert capabilities["body_descriptor"]["available"] is False  # test_contract.py
    assert "crash_point" not in body
    assert body["data_dir"] == str(stack.settings.data_dir) and body["rest_port"] == stack.settings.rest_port
    whole = {**body, "capabilities": capabilities}
    assert rest.get("/6/config", headers={"Accept": "application/json"}).json() == whole
    assert rest.get("/6/config", headers={"Accept": "*/*"}).json() == whole


def test_config_text(rest: httpx.Client, stack: Stack) -> None:
    reply = rest.get("/6/config", headers={"Accept": "text/plain"})
    assert reply.status_code == 200, reply.text
    assert reply.headers["content-type"].startswith("text/plain")
    lines = dict(line.split("=", 1) for line in reply.text.splitlines() if not line.startswith("#"))
    assert lines["LUMEN_GRPC_PORT"] == str(stack.settings.grpc_port)
    assert lines["LUMEN_TRITON_ENABLED"] == "1"  # the session stack runs its own Triton
    assert "LUMEN_CRASH_POINT" not in lines
    assert set(lines) == {f"LUMEN_{name.upper()}" for name in stack.settings.public_view()}
    assert rest.options("/6/config").headers["allow"] == "GET,OPTIONS"


# -- docs -----------------------------------------------------------------------------------------


def _check_document(document: dict[str, Any]) -> None:
    assert document["openapi"] == "3.0.3"
    paths = document["paths"]
    assert {"get", "head", "patch", "delete"} <= set(paths["/6/lists/{list_id}"])
    create = paths["/6/lists"]["post"]
    assert create["requestBody"]["content"] == {
        "application/json": {"schema": {"$ref": "#/components/schemas/ListCreateParams"}}
    }
    assert "201" in create["responses"]
    deleted = paths["/6/lists/{list_id}"]["delete"]["responses"]["204"]
    assert deleted["description"] == "No Content" and "content" not in deleted
    assert "Luna-Request-Id" in deleted["headers"]
    assert {"/version", "/healthcheck", "/6/healthcheck", "/6/config", "/6/docs/spec", "/6/docs/dev"} <= set(paths)
    health = paths["/6/healthcheck"]["get"]
    assert [p["name"] for p in health["parameters"] if "name" in p] == ["include_luna_services"]
    # public: the request id header, no account header
    assert [p["$ref"] for p in health["parameters"] if "$ref" in p] == ["#/components/parameters/LunaRequestId"]
    # every REST route the gateway serves on this port is documented (OPTIONS is answered by the gateway); the
    # LUNA Tasks API has its own listener
    for route in routes(load_descriptor_set()):
        if not route.rpc.startswith(TASKS_API_SERVICE + "/"):
            assert route.method.lower() in paths[route.path], route
    assert not any(path.startswith("/1/") for path in paths)


def test_docs_spec_yaml(rest: httpx.Client) -> None:
    reply = rest.get("/6/docs/spec", headers={"Accept": "application/x-yaml"})
    assert reply.status_code == 200, reply.text
    assert reply.headers["content-type"] == "application/x-yaml"
    assert reply.text.startswith("openapi: 3.0.3")
    document = yaml.safe_load(reply.text)
    _check_document(document)
    as_json = rest.get("/6/docs/spec")
    assert as_json.status_code == 200
    assert as_json.headers["content-type"] == "application/json"
    assert json.loads(as_json.content) == document


def test_docs_spec_negotiation(rest: httpx.Client, account: str) -> None:
    _check_document(rest.get("/6/docs/spec", headers={"Accept": "application/json"}).json())
    assert rest.get("/6/docs/spec", headers={"Accept": "text/yaml"}).headers["content-type"] == "application/x-yaml"
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    page = rest.get("/6/docs/spec", headers=auth(account, Accept=browser))
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert page.text.startswith("<!DOCTYPE html>")
    prefers_yaml = rest.get("/6/docs/spec", headers={"Accept": "text/html;q=0.5, application/x-yaml"})
    assert prefers_yaml.headers["content-type"] == "application/x-yaml"


def test_docs_dev(rest: httpx.Client) -> None:
    redirect = rest.get("/6/docs/dev", headers={"Luna-Request-Id": REQUEST_ID})
    assert redirect.status_code == 302 and redirect.headers["location"] == "/docs/dev/index.html"
    reply = rest.get("/docs/dev/index.html", headers={"Luna-Request-Id": REQUEST_ID})
    assert reply.status_code == 200, reply.text
    assert reply.headers["content-type"] == "text/html; charset=utf-8"
    assert reply.headers["luna-request-id"] == REQUEST_ID
    page = reply.text
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert "<code>/6/lists/{list_id}</code>" in page
    assert 'id="ListsService.GetList"' in page
    assert 'id="schema-ListCreateParams"' in page
    assert 'href="/6/docs/spec"' in page
    assert set(rest.options("/6/docs/dev").headers["allow"].split(",")) == {"GET", "OPTIONS"}
    assert_luna_error(rest.post("/6/docs/dev"), 405, 12002)
