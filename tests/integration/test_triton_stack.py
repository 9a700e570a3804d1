"""Triton inside the stack: health, the inference-down error, and a clean stop (no orphans)."""

from __future__ import annotations

import os
import socket
import time
import uuid
from pathlib import Path

import httpx

from server.stack import Stack
from tests import photos
from tests.conftest import assert_luna_error, auth, stack_settings


def test_session_stack_runs_triton(rest: httpx.Client, stack: Stack) -> None:
    assert stack.triton is not None and stack.triton_running()
    assert stack.settings.triton_enabled
    assert stack.settings.triton_grpc_url == f"127.0.0.1:{stack.settings.triton_port}"
    assert rest.get("/6/healthcheck", params={"include_luna_services": 1}).status_code == 200
    config = rest.get("/6/config").json()
    assert config["triton_enabled"] is True and config["triton_grpc_url"] == stack.settings.triton_grpc_url


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_inference_down_is_a_luna_error(tmp_path: Path) -> None:
    image = photos.face_recognition_image("obama.jpg").read_bytes()
    headers = auth(str(uuid.uuid4()), **{"Content-Type": "image/jpeg"})
    down = stack_settings(tmp_path / "down", triton_enabled=True, triton_grpc_url=f"127.0.0.1:{_closed_port()}")
    for settings, reason in ((down, "failed"), (stack_settings(tmp_path / "off"), "disabled")):
        running = Stack(settings).start(wait_healthy=settings is not down)  # down: never healthy
        try:
            with httpx.Client(base_url=running.rest_url, timeout=60.0) as client:
                body = assert_luna_error(client.post("/6/detector", content=image, headers=headers), 503, 40004)
                assert reason in str(body["detail"]) and "Traceback" not in str(body["detail"])
                reply = client.post("/6/detector", content=image, params={"warped_image": 1}, headers=headers)
                assert reply.status_code == 201  # warps need no model
                sample = reply.json()["images"][0]["detections"]["samples"][0]["face"]["sample_id"]
                assert_luna_error(
                    client.post("/6/extractor", json=[sample], headers=auth(headers["Luna-Account-Id"])), 503, 40004
                )
        finally:
            running.stop()


def _group(pgid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if os.getpgid(int(entry.name)) == pgid:
                    found.append(int(entry.name))
            except (ProcessLookupError, PermissionError):
                continue
    return found


def test_stack_stops_triton_without_orphans(tmp_path: Path) -> None:
    running = Stack(stack_settings(tmp_path, triton_start=True)).start()
    try:
        assert running.triton is not None
        pid = running.triton._process.pid  # type: ignore[union-attr]
        members = _group(pid)
        assert pid in members and len(members) > 1  # tritonserver + its python-backend stubs
    finally:
        running.stop()
    deadline = time.monotonic() + 10
    while _group(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _group(pid) == []
    assert running.triton is None
