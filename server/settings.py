"""All run-time settings in one typed object, read from LUMEN_* environment variables."""

from __future__ import annotations

import os
from dataclasses import dataclass, fields
from pathlib import Path

DEFAULT_DATA_DIR = "var"
DEFAULT_GRPC_PORT = 50051
DEFAULT_REST_PORT = 5000
DEFAULT_ENVOY_ADMIN_PORT = 9901
DEFAULT_TRITON_PORT = 8001
DEFAULT_TRITON_GRPC_URL = f"127.0.0.1:{DEFAULT_TRITON_PORT}"
DEFAULT_TRITON_READY_TIMEOUT_S = 120
DEFAULT_MAX_REQUEST_BYTES = 64 * 1024 * 1024
DEFAULT_GRPC_WORKERS = 16
DEFAULT_GRPC_READ_WORKERS = 16
DEFAULT_ATTRIBUTE_TTL_S = 300
MAX_ATTRIBUTE_TTL_S = 86400
DEFAULT_MATCHER_ANN_MIN_ROWS = 2_000_000
DEFAULT_LOG_MAX_BYTES = 10 * 1024 * 1024
DEFAULT_LOG_BACKUPS = 3
DEFAULT_DECODE_BUDGET_PIXELS = 96_000_000
DEFAULT_DECODE_WORK_PIXELS = 8_400_000
DEFAULT_STORAGE_OPTIMIZE_INTERVAL_S = 2
DEFAULT_STORAGE_VERSION_RETENTION_S = 10
DEFAULT_LIVE_MAX_SUBSCRIBERS = 256
DEFAULT_LIVE_QUEUE_EVENTS = 256
DEFAULT_TASKS_WORKERS = 2
DEFAULT_TASKS_PORT = 5050
DEFAULT_TASKS_SUBTASK_SIZE = 1000
DEFAULT_FACE_DESCRIPTOR_VERSION = 300
DEFAULT_FACE_DESCRIPTOR_MODELS = "300:1"
#: The settings the LUNA Tasks service runs with, as GET /1/config shows them (docs/tasks.md): its listener, its
#: store (tasks.sqlite3 in data_dir), its worker pool and task types, the descriptor versions its tasks extract and
#: collect; secrets are masked like GET /6/config's.
TASKS_SETTINGS = (
    "data_dir",
    "rest_host",
    "tasks_port",
    "max_request_bytes",
    "require_account",
    "tasks_workers",
    "tasks_subtask_size",
    "tasks_estimator_root",
    "triton_enabled",
    "face_descriptor_version",
    "face_descriptor_models",
)


@dataclass(frozen=True)
class Settings:
    """Lumen settings. Each field is read from LUMEN_<FIELD NAME IN UPPER CASE>."""

    data_dir: Path = Path(DEFAULT_DATA_DIR)
    grpc_host: str = "127.0.0.1"
    grpc_port: int = DEFAULT_GRPC_PORT
    grpc_workers: int = DEFAULT_GRPC_WORKERS
    # Reads get their own gRPC port and threads (server/app.py Servers), where Envoy sends them
    # (gateway/config.py read_routes), so they never queue behind writes. Port 0: `python -m
    # server.stack` picks a free one (a server started alone binds any free port). 0 read workers:
    # no read server, reads share the grpc_workers threads with writes.
    grpc_read_port: int = 0
    grpc_read_workers: int = DEFAULT_GRPC_READ_WORKERS
    rest_host: str = "0.0.0.0"
    rest_port: int = DEFAULT_REST_PORT
    envoy_admin_port: int = DEFAULT_ENVOY_ADMIN_PORT
    max_request_bytes: int = DEFAULT_MAX_REQUEST_BYTES
    # Inference: the gRPC server uses Triton at triton_grpc_url when triton_enabled. `python -m
    # server.stack` starts its own tritonserver on triton_port (triton_start) and then sets both;
    # set LUMEN_TRITON_START=0 with LUMEN_TRITON_ENABLED=1 and LUMEN_TRITON_GRPC_URL to use a
    # Triton that runs elsewhere.
    triton_grpc_url: str = DEFAULT_TRITON_GRPC_URL
    triton_enabled: bool = False
    triton_start: bool = True
    triton_port: int = DEFAULT_TRITON_PORT
    triton_ready_timeout_s: int = DEFAULT_TRITON_READY_TIMEOUT_S
    # The model repository the stack's own tritonserver serves; empty: deploy/triton/models of the checkout. An
    # operator who installs model versions of their own keeps a copy elsewhere (docs/model-updates.md).
    triton_model_repository: str = ""
    default_attribute_ttl_s: int = DEFAULT_ATTRIBUTE_TTL_S
    # Face searches over a whole account (or all accounts) of at least this many faces use
    # LanceDB's ANN index, re-ranked exactly, once it is built (server/matching/ann.py); 0: never.
    matcher_ann_min_rows: int = DEFAULT_MATCHER_ANN_MIN_ROWS
    # Accounts as a security boundary (docs/security.md). require_account: every request except
    # version, healthcheck and docs needs Luna-Account-Id (403 11036 without), REST and gRPC alike.
    # auth_file: path of a credentials file (user:{SHA}hash:account_id lines); when set, Envoy
    # demands HTTP Basic credentials and sets Luna-Account-Id to the user's account. Empty: off.
    require_account: bool = False
    auth_file: str = ""
    # The server's log (data_dir/logs/lumen-server.log, server/logs.py) rotates at log_max_bytes,
    # keeping log_backups old files.
    log_max_bytes: int = DEFAULT_LOG_MAX_BYTES
    log_backups: int = DEFAULT_LOG_BACKUPS
    # Image decoding (inference/image.py): pixels of decode buffers in flight over all requests (concurrent
    # huge images queue; one bigger than this runs alone), and the size analysed images are reduced to.
    decode_budget_pixels: int = DEFAULT_DECODE_BUDGET_PIXELS
    decode_work_pixels: int = DEFAULT_DECODE_WORK_PIXELS
    # Descriptor tables: compact and remove LanceDB versions older than storage_version_retention_s
    # every storage_optimize_interval_s while there are writes (0: never; server/storage/applier.py).
    storage_optimize_interval_s: int = DEFAULT_STORAGE_OPTIMIZE_INTERVAL_S
    storage_version_retention_s: int = DEFAULT_STORAGE_VERSION_RETENTION_S
    # Live events (GET /6/ws, docs/live-stream.md): the stream server has its own gRPC port and one thread per
    # stream (at most live_max_subscribers; 0: no live events); the websocket bridge listens on ws_port. Port 0:
    # the stack picks a free one. A subscriber more than live_queue_events events behind is dropped.
    grpc_stream_port: int = 0
    ws_port: int = 0
    live_max_subscribers: int = DEFAULT_LIVE_MAX_SUBSCRIBERS
    live_queue_events: int = DEFAULT_LIVE_QUEUE_EVENTS
    # Tasks (/6/tasks, docs/tasks.md): worker threads running task units (planning, subtasks); 0: tasks are
    # accepted and stay pending.
    tasks_workers: int = DEFAULT_TASKS_WORKERS
    # The LUNA Tasks API (/1/..., docs/tasks.md) listens here (Envoy, on rest_host); 0: the stack picks a free port.
    tasks_port: int = DEFAULT_TASKS_PORT
    # Objects per subtask (linker ids, clustering and ROC rows); v6: at most 1000.
    tasks_subtask_size: int = DEFAULT_TASKS_SUBTASK_SIZE
    # Test-only: every subtask first waits this long (still seeing a cancel), so tests can act on a running task.
    tasks_subtask_pause_ms: int = 0
    # Estimator tasks (docs/tasks.md): the server directory whose ZIP files and image folders a `network_disk`
    # source may name (paths relative to it); empty: that source is refused.
    tasks_estimator_root: str = ""
    # Face descriptors (docs/model-updates.md): the versions this installation knows, each with the version of
    # Triton's dlib_face_descriptor model directory that produces it ("<descriptor version>:<Triton version>",
    # comma-separated), and the one new extractions produce and matching compares.
    face_descriptor_models: str = DEFAULT_FACE_DESCRIPTOR_MODELS
    face_descriptor_version: int = DEFAULT_FACE_DESCRIPTOR_VERSION
    # Test-only: name of a crash point at which the server process exits immediately
    # (see server/storage/faults.py). Empty in production.
    crash_point: str = ""

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        values: dict[str, object] = {}
        for field in fields(cls):
            raw = env.get(f"LUMEN_{field.name.upper()}")
            if raw is None:
                continue
            default = getattr(cls, field.name)
            if isinstance(default, bool):
                values[field.name] = raw.strip().lower() in {"1", "true", "yes", "on"}
            elif isinstance(default, int):
                values[field.name] = int(raw)
            elif isinstance(default, Path):
                values[field.name] = Path(raw)
            else:
                values[field.name] = raw
        return cls(**values)  # type: ignore[arg-type]

    def descriptor_models(self) -> dict[int, int]:
        """`face_descriptor_models` parsed: descriptor version -> Triton model version (ValueError when malformed or
        when `face_descriptor_version` is not among them)."""
        models: dict[int, int] = {}
        for item in self.face_descriptor_models.split(","):
            version, sep, triton_version = item.strip().partition(":")
            try:
                if not sep:
                    raise ValueError
                lumen, triton = int(version), int(triton_version)
            except ValueError:
                shown = item.strip()[:40]
                raise ValueError(f"LUMEN_FACE_DESCRIPTOR_MODELS: {shown!r} is not <version>:<triton version>") from None
            if lumen <= 0 or triton <= 0 or lumen in models:
                raise ValueError(f"LUMEN_FACE_DESCRIPTOR_MODELS: bad or repeated entry {item.strip()[:40]!r}")
            models[lumen] = triton
        if self.face_descriptor_version not in models:
            raise ValueError(
                f"LUMEN_FACE_DESCRIPTOR_VERSION={self.face_descriptor_version} is not in LUMEN_FACE_DESCRIPTOR_MODELS"
            )
        return models

    def public_view(self) -> dict[str, object]:
        """Settings as shown by GET /6/config: no secrets, paths as strings."""
        hidden = {"crash_point"}
        return {
            f.name: (str(v) if isinstance(v, Path) else v)
            for f in fields(self)
            if f.name not in hidden
            for v in [getattr(self, f.name)]
        }

    def tasks_view(self) -> dict[str, object]:
        """The Tasks service's settings (TASKS_SETTINGS) as shown by GET /1/config, from public_view()."""
        view = self.public_view()
        return {name: view[name] for name in TASKS_SETTINGS}
