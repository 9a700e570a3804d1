"""Supervisor restart policy on a fake stack and clock, and the port check (real processes: test_supervision.py)."""

from __future__ import annotations

import socket
from dataclasses import replace
from pathlib import Path

from server.settings import Settings
from server.stack import busy_ports
from server.supervisor import Backoff, Supervisor
from tests.conftest import free_port_block


class FakeStack:
    """Components as integers: a new object per start; `dead` maps a name to its exited process."""

    def __init__(self) -> None:
        self.current: dict[str, object] = {"server": object(), "triton": object()}
        self.dead: dict[str, int] = {}
        self.spawned: list[str] = []
        self.fail_next = False

    def kill(self, name: str, status: int = -9) -> None:
        self.dead[name] = status

    def exited(self) -> dict[str, tuple[object, int]]:
        return {name: (self.current[name], status) for name, status in self.dead.items()}

    def respawn(self, name: str, process: object) -> bool:
        if self.current[name] is not process:
            return False
        if self.fail_next:
            self.fail_next = False
            raise OSError("cannot start")
        self.current[name] = object()
        del self.dead[name]
        self.spawned.append(name)
        return True


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_backoff_doubles_to_the_cap_and_resets_after_a_stable_run() -> None:
    backoff = Backoff(initial_s=0.5, max_s=4.0, stable_s=60.0)
    assert [backoff.next_delay(1.0) for _ in range(6)] == [0.5, 1.0, 2.0, 4.0, 4.0, 4.0]
    assert backoff.next_delay(59.0) == 4.0
    assert backoff.next_delay(60.0) == 0.5
    assert backoff.next_delay(0.1) == 1.0


def test_restart_waits_for_the_backoff_delay() -> None:
    stack, clock = FakeStack(), Clock()
    supervisor = Supervisor(stack, initial_backoff_s=0.5, max_backoff_s=30.0, stable_s=60.0, clock=clock)
    supervisor.step()
    assert stack.spawned == []
    stack.kill("server")
    clock.now += 10
    supervisor.step()  # exit noticed: restart due 0.5 s later
    assert stack.spawned == []
    clock.now += 0.4
    supervisor.step()
    assert stack.spawned == []
    clock.now += 0.1
    supervisor.step()
    assert stack.spawned == ["server"] and supervisor.restarts["server"] == 1
    supervisor.step()
    assert stack.spawned == ["server"]  # the new process runs: nothing to do


def test_crash_loop_backs_off_and_a_stable_run_resets() -> None:
    stack, clock = FakeStack(), Clock()
    supervisor = Supervisor(stack, initial_backoff_s=0.5, max_backoff_s=2.0, stable_s=60.0, clock=clock)
    delays = []
    for _ in range(5):
        stack.kill("triton")
        supervisor.step()
        noticed = clock.now
        while "triton" in stack.dead:
            clock.now += 0.25
            supervisor.step()
        delays.append(clock.now - noticed)
    assert delays == [0.5, 1.0, 2.0, 2.0, 2.0]
    assert supervisor.restarts["triton"] == 5
    clock.now += 60  # up for a minute
    stack.kill("triton")
    supervisor.step()
    clock.now += 0.5
    supervisor.step()
    assert "triton" not in stack.dead and supervisor.restarts["triton"] == 6


def test_pause_holds_restarts_and_failed_restarts_are_retried() -> None:
    stack, clock = FakeStack(), Clock()
    supervisor = Supervisor(stack, initial_backoff_s=0.5, clock=clock)
    supervisor.pause()
    stack.kill("server")
    for _ in range(3):
        clock.now += 1
        supervisor.step()
    assert stack.spawned == []
    supervisor.resume()
    stack.fail_next = True
    supervisor.step()  # the restart raises: logged, retried after a longer delay
    assert stack.spawned == [] and supervisor.restarts["server"] == 0
    supervisor.step()
    clock.now += 0.5
    supervisor.step()
    assert stack.spawned == []
    clock.now += 0.5
    supervisor.step()
    assert stack.spawned == ["server"]


def test_a_process_the_stack_replaced_itself_is_not_restarted() -> None:
    stack, clock = FakeStack(), Clock()
    supervisor = Supervisor(stack, initial_backoff_s=0.5, clock=clock)
    stack.kill("server")
    supervisor.step()
    stack.current["server"] = object()  # e.g. Stack.restart_server() got there first
    clock.now += 1
    supervisor.step()
    assert stack.spawned == [] and supervisor.restarts["server"] == 0


def _settings(tmp_path: Path, base: int, **overrides: object) -> Settings:
    return replace(
        Settings(),
        data_dir=tmp_path,
        rest_port=base,
        grpc_port=base + 1,
        envoy_admin_port=base + 2,
        triton_port=base + 3,
        **{"rest_host": "127.0.0.1", "tasks_port": 0, **overrides},  # type: ignore[arg-type]
    )


def listen(port: int) -> socket.socket:
    """A socket listening on `port` with SO_REUSEPORT (as gRPC servers and Envoy do)."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind(("127.0.0.1", port))
    sock.listen()
    return sock


def test_busy_ports_names_the_port_and_setting(tmp_path: Path) -> None:
    base = free_port_block()
    with listen(base + 3):
        (problem,) = busy_ports(_settings(tmp_path, base, triton_start=True))
        assert problem == f"port {base + 3} (LUMEN_TRITON_PORT) on 127.0.0.1: already in use"
        assert busy_ports(_settings(tmp_path, base, triton_start=False)) == []  # no Triton of its own: not needed
    base = free_port_block()
    with listen(base):
        (problem,) = busy_ports(_settings(tmp_path, base, rest_host="0.0.0.0", triton_start=False))
        assert problem == f"port {base} (LUMEN_REST_PORT) on 0.0.0.0: already in use"
    assert busy_ports(_settings(tmp_path, base, rest_host="0.0.0.0", triton_start=False)) == []


def test_busy_ports_same_port_twice(tmp_path: Path) -> None:
    base = free_port_block()
    settings = replace(_settings(tmp_path, base, triton_start=False), grpc_port=base + 2)
    assert busy_ports(settings) == [f"port {base + 2} (LUMEN_ENVOY_ADMIN_PORT) is also LUMEN_GRPC_PORT"]
