"""Supervision and readiness of a real stack: kill -9 a component, busy ports, the ready line of server.stack.

Stacks run without Triton except the one Triton test (it starts its own tritonserver twice: slow).
Waits for a restart are bounded polls (no timing assertions).
"""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from inference.triton_server import TritonServer
from server.settings import Settings
from server.stack import EXIT_PORT_IN_USE, ROOT, PortInUseError, Stack
from tests import photos
from tests.conftest import assert_luna_error, auth, stack_settings

RESTART_WAIT_S = 120.0
TRITON_RESTART_WAIT_S = 600.0


def wait_for(condition: Callable[[], bool], timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} within {timeout_s:.0f} s")
        time.sleep(0.2)


def kill9(process: subprocess.Popen[bytes]) -> None:
    os.kill(process.pid, signal.SIGKILL)
    process.wait()


def process_group(pgid: int) -> list[int]:
    """The live processes of a process group (tritonserver runs in a session of its own with its stubs)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if os.getpgid(int(entry.name)) == pgid and not _zombie(entry):
                    found.append(int(entry.name))
            except (ProcessLookupError, PermissionError):
                continue
    return found


def _zombie(entry: Path) -> bool:
    try:
        return (entry / "stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except (OSError, IndexError):
        return True


def status_of(client: httpx.Client, path: str) -> int:
    try:
        return client.get(path).status_code
    except httpx.TransportError:
        return 0


@pytest.fixture
def supervised(tmp_path: Path) -> Iterator[Stack]:
    running = Stack(stack_settings(tmp_path / "data")).start()
    try:
        yield running
    finally:
        running.stop()


def test_killed_server_is_restarted_with_its_data(supervised: Stack, account: str) -> None:
    supervisor = supervised.supervise(initial_backoff_s=0.5)
    with httpx.Client(base_url=supervised.rest_url, timeout=30.0) as client:
        created = client.post("/6/faces", json={"user_data": "Ann", "external_id": "emp-1"}, headers=auth(account))
        assert created.status_code == 201, created.text
        face_id = created.json()["face_id"]
        before = client.get(f"/6/faces/{face_id}", headers=auth(account)).json()

        supervisor.pause()  # look at the stack while the server is down
        first = supervised.processes["server"]
        kill9(first)
        body = assert_luna_error(client.get(f"/6/faces/{face_id}", headers=auth(account)), 503, 40001)
        assert "lumen-server" in str(body["detail"])
        assert_luna_error(client.get("/6/healthcheck"), 503, 40001)
        assert_luna_error(client.post("/6/lists", json={}, headers=auth(account)), 503, 40001)

        supervisor.resume()
        wait_for(lambda: status_of(client, "/6/healthcheck") == 200, RESTART_WAIT_S, "server restarted")
        assert supervisor.restarts["server"] == 1
        assert supervised.processes["server"] is not first and supervised.processes["server"].poll() is None
        assert client.get(f"/6/faces/{face_id}", headers=auth(account)).json() == before
        assert client.post("/6/lists", json={}, headers=auth(account)).status_code == 201

        # A second crash right away is restarted too (after a longer back-off).
        kill9(supervised.processes["server"])
        wait_for(lambda: supervisor.restarts["server"] == 2, RESTART_WAIT_S, "second restart")
        wait_for(lambda: status_of(client, "/6/healthcheck") == 200, RESTART_WAIT_S, "server back")
        assert client.get(f"/6/faces/{face_id}", headers=auth(account)).json() == before


def test_killed_envoy_is_restarted(supervised: Stack) -> None:
    supervisor = supervised.supervise(initial_backoff_s=0.5)
    with httpx.Client(base_url=supervised.rest_url, timeout=30.0) as client:
        supervisor.pause()
        kill9(supervised.processes["envoy"])
        assert status_of(client, "/healthcheck") == 0  # nothing listens on the REST port
        supervisor.resume()
        wait_for(lambda: status_of(client, "/healthcheck") == 200, RESTART_WAIT_S, "envoy restarted")
    assert supervisor.restarts == {"envoy": 1}


def test_second_stack_on_the_same_ports_is_refused(supervised: Stack) -> None:
    second = Stack(supervised.settings)
    with pytest.raises(PortInUseError) as raised:
        second.start()
    message = str(raised.value)
    for setting in ("LUMEN_REST_PORT", "LUMEN_GRPC_PORT", "LUMEN_ENVOY_ADMIN_PORT"):
        assert setting in message
    assert str(supervised.settings.rest_port) in message
    assert second.processes == {}  # nothing was spawned
    with httpx.Client(base_url=supervised.rest_url, timeout=30.0) as client:
        assert client.get("/healthcheck").status_code == 200  # the first instance is untouched


# -- python -m server.stack (what tools/start.sh runs) ---------------------------------------------


def stack_env(settings: Settings) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("LUMEN_")}
    env.update(
        LUMEN_DATA_DIR=str(settings.data_dir),
        LUMEN_REST_HOST=settings.rest_host,
        LUMEN_REST_PORT=str(settings.rest_port),
        LUMEN_GRPC_PORT=str(settings.grpc_port),
        LUMEN_ENVOY_ADMIN_PORT=str(settings.envoy_admin_port),
        LUMEN_TRITON_PORT=str(settings.triton_port),
        LUMEN_TRITON_START="0",
        PYTHONUNBUFFERED="1",
    )
    return env


class Output:
    """The merged output lines of a process, read by a thread."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.seen: list[str] = []
        assert process.stdout is not None
        stream = process.stdout
        threading.Thread(target=self._read, args=(stream,), daemon=True).start()

    def _read(self, stream: object) -> None:
        for line in stream:  # type: ignore[attr-defined]
            self.lines.put(line)
        self.lines.put(None)

    def wait_line(self, text: str, timeout_s: float) -> str:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                break
            if line is None:
                break
            self.seen.append(line)
            if text in line:
                return line
        raise AssertionError(f"no line with {text!r}; output:\n{''.join(self.seen)[-4000:]}")


def start_main(settings: Settings) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "server.stack"],
        env=stack_env(settings),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def test_main_says_ready_only_when_healthy_and_refuses_busy_ports(tmp_path: Path) -> None:
    settings = stack_settings(tmp_path / "data")
    main = start_main(settings)
    try:
        output = Output(main)
        output.wait_line("Lumen is ready", RESTART_WAIT_S)
        with httpx.Client(base_url=f"http://127.0.0.1:{settings.rest_port}", timeout=30.0) as client:
            assert client.get("/6/healthcheck").status_code == 200  # ready means healthy through Envoy
            assert client.post("/6/lists", json={}, headers=auth(str(uuid.uuid4()))).status_code == 201

        second = start_main(settings)
        text, _ = second.communicate(timeout=RESTART_WAIT_S)
        assert second.returncode == EXIT_PORT_IN_USE, text
        assert "Lumen is ready" not in text and "Traceback" not in text
        assert f"port {settings.rest_port} (LUMEN_REST_PORT)" in text and "already in use" in text

        main.send_signal(signal.SIGTERM)
        assert main.wait(60) == 0
    finally:
        if main.poll() is None:  # SIGTERM first: main stops its children (a SIGKILL would orphan them)
            main.send_signal(signal.SIGTERM)
            try:
                main.wait(60)
            except subprocess.TimeoutExpired:
                main.kill()
                main.wait()


# -- Triton (expensive: tritonserver loads every model twice) ---------------------------------------


def test_killed_triton_is_reported_and_restarted(tmp_path: Path) -> None:
    image = photos.face_recognition_image("obama.jpg").read_bytes()
    sdk = {"content": image, "headers": {"Content-Type": "image/jpeg"}, "params": {"detect_face": 1}}
    running = Stack(stack_settings(tmp_path / "data", triton_start=True)).start()
    try:
        supervisor = running.supervise(initial_backoff_s=0.5)
        assert running.triton is not None
        with httpx.Client(base_url=running.rest_url, timeout=120.0) as client:
            assert client.get("/6/healthcheck").status_code == 200
            assert client.post("/6/sdk", **sdk).status_code == 200  # type: ignore[arg-type]

            supervisor.pause()
            first = running.triton.pid
            assert first is not None
            os.kill(first, signal.SIGKILL)
            wait_for(lambda: not running.triton_running(), 30, "tritonserver dead")
            for path in ("/6/healthcheck", "/healthcheck"):
                reply = client.get(path)
                assert reply.status_code == 502, reply.text
                body = reply.json()
                assert set(body) == {"errors", "execution_time"}
                (error,) = body["errors"]
                assert error["component"] == "triton" and error["status"] == 0
                assert error["error"]["error_code"] == 40003 and error["error"]["desc"] == "Unhealthy"
            assert_luna_error(client.post("/6/sdk", **sdk), 503, 40004)  # type: ignore[arg-type]

            supervisor.resume()
            wait_for(lambda: supervisor.restarts["triton"] == 1, RESTART_WAIT_S, "tritonserver restarted")
            assert running.triton.pid != first
            wait_for(lambda: process_group(first) == [], 10, "the killed tritonserver's python stubs gone")
            # Just spawned, it is loading its models (it listens only once all are loaded): not healthy yet.
            assert client.get("/6/healthcheck").json()["errors"][0]["component"] == "triton"
            # Then healthy, and the server's own inference client works again (no server restart).
            wait_for(lambda: status_of(client, "/6/healthcheck") == 200, TRITON_RESTART_WAIT_S, "Triton healthy")
            reply = client.post("/6/sdk", **sdk)  # type: ignore[arg-type]
            assert reply.status_code == 200, reply.text
            (result,) = reply.json()["images_estimations"]
            assert result["status"] == 1 and [list(item) for item in result["estimations"]] == [["face"]]
            assert supervisor.restarts == {"triton": 1}
    finally:
        running.stop()


def test_failed_start_stops_a_loading_triton(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The server cannot start (its LanceDB directory is a file): start() fails with the server's reason
    (the loading tritonserver is stopped, not awaited) and leaves no tritonserver behind."""
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    (data_dir / "lancedb").write_text("not a directory")
    stack = Stack(stack_settings(data_dir, triton_start=True))
    spawned: list[int] = []
    spawn = TritonServer.spawn

    def recording_spawn(server: TritonServer) -> None:
        spawn(server)
        assert server.pid is not None
        spawned.append(server.pid)

    monkeypatch.setattr(TritonServer, "spawn", recording_spawn)
    with pytest.raises(RuntimeError, match="server exited"):
        stack.start()
    assert stack.processes == {} and stack.triton is None
    (pid,) = spawned
    # tritonserver and every python-backend stub it had started so far (its process group) are gone.
    wait_for(lambda: process_group(pid) == [], 10, "no process of the tritonserver's group left")
