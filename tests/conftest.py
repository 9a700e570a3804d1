"""Shared fixtures: a real Lumen stack (Triton + gRPC server + Envoy) on free ports, and REST helpers.

The session `stack` runs its own tritonserver (started once; the first run unpacks the server from
the nvidia-pytriton wheel, see inference/triton_server.py). Stacks that tests build themselves with
`stack_settings()` run without Triton unless they pass triton_start=True. Unit tests that run models over
Triton share the session `triton_server`.

Markers are set here, so new tests need no edits: `stack` for tests under tests/integration or using the
`stack`/`rest` fixtures, `triton` for tests that run a tritonserver (`pytest -m "not stack and not triton"`
is the fast path of `tools/test.sh --fast`).
"""

from __future__ import annotations

import inspect
import platform
import random
import socket
import uuid
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest

from inference.triton_server import TritonServer
from server.settings import Settings
from server.stack import Stack

PORT_BLOCK = 4  # REST, gRPC, Envoy admin, Triton gRPC
PORT_RANGE = (20000, 32000)
#: Fixtures that boot the stack (Envoy + gRPC server); `stack` also runs Triton.
STACK_FIXTURES = frozenset({"stack", "rest"})
TRITON_FIXTURES = frozenset({"stack", "rest", "triton_server"})
#: Source text of a test function that starts a tritonserver of its own.
TRITON_STARTS = ("TritonServer(", "triton_start=True")


def _starts_triton(item: pytest.Item) -> bool:
    function = getattr(item, "function", None)
    try:
        source = inspect.getsource(function) if function is not None else ""
    except (OSError, TypeError):
        return False
    return any(text in source for text in TRITON_STARTS)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        if "integration" in item.path.parts or fixtures & STACK_FIXTURES:
            item.add_marker(pytest.mark.stack)
        if fixtures & TRITON_FIXTURES or _starts_triton(item):
            item.add_marker(pytest.mark.triton)


def free_port_block(size: int = PORT_BLOCK) -> int:
    """A base port whose next `size` ports are free now.

    Chosen at random below Linux's ephemeral range (32768-60999), where no outgoing connection can take
    a port between this check and the stack binding it (Stack.start refuses a taken port)."""
    for _ in range(200):
        base = random.randrange(PORT_RANGE[0], PORT_RANGE[1] - size)
        ok = True
        for port in range(base, base + size):
            with socket.socket() as s:
                try:
                    s.bind(("127.0.0.1", port))
                except OSError:
                    ok = False
                    break
        if ok:
            return base
    raise RuntimeError("no free port block")


def stack_settings(data_dir: Path, **overrides: object) -> Settings:
    base = free_port_block()
    return replace(
        Settings(),
        data_dir=data_dir,
        rest_host="127.0.0.1",
        rest_port=base,
        grpc_port=base + 1,
        envoy_admin_port=base + 2,
        triton_port=base + 3,
        tasks_port=0,  # the stack picks a free one
        grpc_workers=8,
        **{"triton_start": False, **overrides},  # type: ignore[arg-type]
    )


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    running = Stack(stack_settings(tmp_path_factory.mktemp("lumen-data"), triton_start=True)).start()
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="session")
def triton_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TritonServer]:
    """One tritonserver (deploy/triton/models on CPU) for every unit test that runs models over Triton."""
    if platform.system() != "Linux" or platform.machine() != "x86_64":
        pytest.skip("the tritonserver binary in nvidia-pytriton is for Linux x86_64")
    log = tmp_path_factory.mktemp("triton") / "tritonserver.log"
    server = TritonServer(grpc_port=free_port_block(1), log_path=log).start(ready_timeout_s=120)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def rest(stack: Stack) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=stack.rest_url, timeout=60.0) as client:
        yield client


@pytest.fixture
def account() -> str:
    """A fresh account per test: tests never see each other's data."""
    return str(uuid.uuid4())


def auth(account_id: str, **extra: str) -> dict[str, str]:
    return {"Luna-Account-Id": account_id, **extra}


def assert_luna_error(response: httpx.Response, status: int, code: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error_code", "desc", "detail"}, body
    assert body["error_code"] == code, body
    assert response.headers.get("luna-request-id"), response.headers
    return body
