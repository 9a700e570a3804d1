"""Run NVIDIA Triton locally: the tritonserver 2.51 binary shipped inside the `nvidia-pytriton` wheel.

That build has the python backend only (docs/ARCHITECTURE.md, "Inference"), so every model of
deploy/triton/models names the Python-based backend `lumen_onnx` (deploy/triton/backends/lumen_onnx/model.py),
which runs its model.onnx with onnxruntime on CPU. The wheel is downloaded once with pip (no dependencies) and
only the server is unpacked into $LUMEN_TRITON_HOME (default ~/.cache/lumen-triton/<version>): bin/, backends/
(python + the stub of this Python version), caches/, libs/. Each server gets its own --backend-directory:
a temporary directory holding a link to that python backend and a copy of deploy/triton/backends/*.

The stub embeds libpython, so LD_LIBRARY_PATH puts this interpreter's LIBDIR right after libs/; it needs numpy
1.x, so it runs in its own venv ($home/python, from deploy/triton/backends/lumen_onnx/requirements.txt) whose
bin/ goes first on PATH.

    with TritonServer(model_repository, grpc_port=8001) as server:
        ...  # server.url -> "127.0.0.1:8001"
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import shutil
import signal
import stat
import subprocess
import sys
import sysconfig
import tempfile
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType

from inference.errors import InferenceError
from inference.models import DEFAULT_MODEL_REPOSITORY

#: Python-based backends (<name>/model.py) for the model configs, and the stub's environment.
BACKENDS = DEFAULT_MODEL_REPOSITORY.parent / "backends"
PYTHON_BACKEND_REQUIREMENTS = BACKENDS / "lumen_onnx" / "requirements.txt"

_LOGGER = logging.getLogger(__name__)

PYTRITON_PACKAGE = "nvidia-pytriton"
PYTRITON_VERSION = "0.7.0"
SERVER_PREFIX = "pytriton/tritonserver/"
LIBS_PREFIX = "nvidia_pytriton.libs/"
DEFAULT_READY_TIMEOUT_S = 60.0
DEFAULT_STOP_TIMEOUT_S = 30.0


def triton_home() -> Path:
    root = os.environ.get("LUMEN_TRITON_HOME")
    base = Path(root) if root else Path.home() / ".cache" / "lumen-triton"
    return base / PYTRITON_VERSION


@contextlib.contextmanager
def prepare_lock(home: Path | None = None) -> Iterator[None]:
    """Held while the server and the stub venv are checked or made: several stacks (test runs) start at once
    and share triton_home(); without it one could delete the venv another is installing into."""
    home = home or triton_home()
    home.parent.mkdir(parents=True, exist_ok=True)
    with (home.parent / f".{home.name}.lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def prepare_server(home: Path | None = None) -> Path:
    """Unpack tritonserver from the nvidia-pytriton wheel into `home` (once); returns `home`."""
    home = home or triton_home()
    stub = home / "backends" / "python" / "triton_python_backend_stub"
    if (home / "bin" / "tritonserver").is_file() and stub.is_file() and (home / "libs").is_dir():
        return home
    home.parent.mkdir(parents=True, exist_ok=True)
    python_version = f"{sys.version_info.major}.{sys.version_info.minor}"
    with tempfile.TemporaryDirectory(dir=home.parent) as tmp:
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--quiet",
                "--disable-pip-version-check",
                "--no-deps",
                "--only-binary",
                ":all:",
                "--dest",
                tmp,
                f"{PYTRITON_PACKAGE}=={PYTRITON_VERSION}",
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        wheels = list(Path(tmp).glob("*.whl"))
        if result.returncode != 0 or len(wheels) != 1:
            raise InferenceError(f"pip download {PYTRITON_PACKAGE}=={PYTRITON_VERSION} failed: {result.stderr[-2000:]}")
        staging = Path(tmp) / "server"
        stub_member = f"{SERVER_PREFIX}python_backend_stubs/{python_version}/triton_python_backend_stub"
        with zipfile.ZipFile(wheels[0]) as wheel:
            names = set(wheel.namelist())
            if stub_member not in names:
                raise InferenceError(f"{wheels[0].name} has no python backend stub for Python {python_version}")
            for name in names:
                if name.endswith("/"):
                    continue
                if name.startswith(LIBS_PREFIX):
                    target = staging / "libs" / name[len(LIBS_PREFIX) :]
                elif name == stub_member:
                    target = staging / "backends" / "python" / "triton_python_backend_stub"
                elif name.startswith(SERVER_PREFIX) and name[len(SERVER_PREFIX) :].split("/")[0] in (
                    "bin",
                    "backends",
                    "caches",
                ):
                    target = staging / name[len(SERVER_PREFIX) :]
                else:
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                with wheel.open(name) as source, target.open("wb") as out:
                    shutil.copyfileobj(source, out)
        for executable in (
            staging / "bin" / "tritonserver",
            staging / "backends" / "python" / "triton_python_backend_stub",
        ):
            executable.chmod(executable.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
        if home.exists():
            shutil.rmtree(home)
        staging.rename(home)
    _LOGGER.info("unpacked tritonserver %s into %s", PYTRITON_VERSION, home)
    return home


def prepare_stub_python(home: Path | None = None, requirements: Path = PYTHON_BACKEND_REQUIREMENTS) -> Path:
    """The venv the python-backend stub runs in (created once per requirements content); returns it.

    Built beside `home/python` and renamed into place, so no stub (of this or another checkout sharing
    `home`) ever starts on a half-built environment.
    """
    home = home or triton_home()
    venv = home / "python"
    content = requirements.read_bytes()
    stamp = venv / ".lumen-requirements"
    if stamp.is_file() and stamp.read_bytes() == content and (venv / "bin" / "python").exists():
        return venv
    base = getattr(sys, "_base_executable", sys.executable)
    home.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix="python-building-", dir=home))
    _LOGGER.info("creating the python backend environment %s", venv)
    try:
        for command in (
            [base, "-m", "venv", str(staging)],
            [
                str(staging / "bin" / "python"),
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                "-r",
                str(requirements),
            ],
        ):
            result = subprocess.run(command, capture_output=True, text=True, check=False)
            if result.returncode != 0:
                raise InferenceError(f"{' '.join(command[:4])} failed: {result.stderr[-2000:]}")
        (staging / stamp.name).write_bytes(content)
        if stamp.is_file() and stamp.read_bytes() == content:
            return venv  # another process installed the same environment meanwhile
        if venv.exists():
            retired = Path(tempfile.mkdtemp(prefix="python-old-", dir=home))
            venv.rename(retired / "python")
            shutil.rmtree(retired, ignore_errors=True)
        staging.rename(venv)
    except OSError:
        if not (stamp.is_file() and stamp.read_bytes() == content):
            raise
        _LOGGER.info("another process installed the same environment first")  # its rename won
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return venv


def backend_directory(home: Path, target: Path, backends: Path = BACKENDS) -> Path:
    """`target` as a --backend-directory: python -> home's python backend, plus a copy of each of `backends`."""
    target.mkdir(parents=True, exist_ok=True)
    (target / "python").symlink_to(home / "backends" / "python", target_is_directory=True)
    for backend in sorted(path for path in backends.iterdir() if (path / "model.py").is_file()):
        (target / backend.name).mkdir()
        shutil.copyfile(backend / "model.py", target / backend.name / "model.py")
    return target


def server_environment(home: Path, stub_python: Path) -> dict[str, str]:
    env = dict(os.environ)
    libdir = sysconfig.get_config_var("LIBDIR") or ""
    paths = [str(home / "libs"), libdir, env.get("LD_LIBRARY_PATH", "")]
    env["LD_LIBRARY_PATH"] = os.pathsep.join(p for p in paths if p)
    env["PATH"] = os.pathsep.join([str(stub_python / "bin"), env.get("PATH", "")])
    for name in ("PYTHONHOME", "PYTHONPATH", "VIRTUAL_ENV"):
        env.pop(name, None)
    return env


class TritonServer:
    """A tritonserver process serving a model repository over gRPC (HTTP and metrics off)."""

    def __init__(
        self,
        model_repository: Path = DEFAULT_MODEL_REPOSITORY,
        *,
        grpc_port: int = 8001,
        host: str = "127.0.0.1",
        home: Path | None = None,
        log_path: Path | None = None,
        extra_args: tuple[str, ...] = (),
    ) -> None:
        self.model_repository = Path(model_repository)
        self.grpc_port = grpc_port
        self.host = host
        self._home = home
        self._log_path = log_path
        self._extra_args = extra_args
        self._process: subprocess.Popen[bytes] | None = None
        self._log: object | None = None
        self._backends: Path | None = None

    @property
    def url(self) -> str:
        return f"{self.host}:{self.grpc_port}"

    def start(self, ready_timeout_s: float = DEFAULT_READY_TIMEOUT_S) -> TritonServer:
        self.spawn()
        try:
            self.wait_ready(ready_timeout_s)
        except BaseException:
            self.stop()
            raise
        return self

    def spawn(self) -> None:
        """Start the tritonserver process and return at once (start() also waits until it is ready).

        A previous process that died (a crash the stack's supervisor restarts) is reaped first: whatever
        is left of its process group (python-backend stubs) is killed and its log file closed."""
        if self.running():
            raise InferenceError(f"tritonserver already runs on {self.url}")
        self._reap()
        with prepare_lock(self._home):
            home = prepare_server(self._home)
            stub_python = prepare_stub_python(home)
        self._backends = Path(tempfile.mkdtemp(prefix="lumen-triton-backends-"))
        backends = backend_directory(home, self._backends / "backends")
        command = [
            str(home / "bin" / "tritonserver"),
            f"--model-repository={self.model_repository}",
            f"--backend-directory={backends}",
            f"--cache-directory={home / 'caches'}",
            f"--grpc-address={self.host}",
            f"--grpc-port={self.grpc_port}",
            "--allow-http=false",
            "--allow-metrics=false",
            "--log-verbose=0",
            *self._extra_args,
        ]
        log = self._log_path.open("ab") if self._log_path else subprocess.DEVNULL
        self._log = log
        _LOGGER.info("starting tritonserver on %s with %s", self.url, self.model_repository)
        self._process = subprocess.Popen(
            command,
            env=server_environment(home, stub_python),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    @property
    def pid(self) -> int | None:
        return None if self._process is None else self._process.pid

    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def returncode(self) -> int | None:
        """The exit status of the process (None while it runs or when none was started)."""
        return None if self._process is None else self._process.poll()

    def _reap(self) -> None:
        """Forget a dead process: kill what is left of its process group, close its log."""
        process, self._process = self._process, None
        if process is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        log, self._log = self._log, None
        if log is not None and log is not subprocess.DEVNULL:
            log.close()  # type: ignore[attr-defined]
        backends, self._backends = self._backends, None
        if backends is not None:
            shutil.rmtree(backends, ignore_errors=True)

    def wait_ready(self, timeout_s: float) -> None:
        import tritonclient.grpc as grpcclient

        from inference.triton import channel_args

        deadline = time.monotonic() + timeout_s
        # Short reconnect back-off: the default grows to minutes while the models load, noticing readiness late.
        with grpcclient.InferenceServerClient(self.url, channel_args=channel_args()) as client:
            while True:
                if self._process is None or self._process.poll() is not None:
                    raise InferenceError(f"tritonserver exited during start-up (see {self._log_path or 'its log'})")
                try:
                    if client.is_server_ready(client_timeout=2.0):
                        _LOGGER.info("tritonserver ready on %s", self.url)
                        return
                except Exception:  # noqa: BLE001 - not listening yet
                    pass
                if time.monotonic() > deadline:
                    raise InferenceError(f"tritonserver not ready after {timeout_s:.0f} s")
                time.sleep(0.2)

    def stop(self, timeout_s: float = DEFAULT_STOP_TIMEOUT_S) -> None:
        """SIGTERM to tritonserver itself and wait (it stops its python stubs); the whole session if stuck.

        Whatever is left of its process group afterwards is killed: python-backend stubs outlive a
        tritonserver that was killed, or that was stopped while it was still loading its models."""
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout_s)
            except subprocess.TimeoutExpired:
                _LOGGER.warning("tritonserver did not stop in %.0f s; killing its process group", timeout_s)
        if process is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        log, self._log = self._log, None
        if log is not None and log is not subprocess.DEVNULL:
            log.close()  # type: ignore[attr-defined]
        backends, self._backends = self._backends, None
        if backends is not None:
            shutil.rmtree(backends, ignore_errors=True)

    def __enter__(self) -> TritonServer:
        return self.start() if self._process is None else self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
