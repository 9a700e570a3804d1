"""The task worker process: `python -m server.tasks.worker`, started and supervised by server/stack.py.

It runs the worker pool of server/tasks/runner.py (LUMEN_TASKS_WORKERS threads, at nice 10) away from the gRPC
server, so that a heavy task (a clustering of 100 k faces, an export) never takes the REST API's CPU, GIL or memory:

- units of work are claimed from `tasks.sqlite3` exactly as before (one transaction per claim; after a crash,
  `TaskRepository.recover()` at start puts this process's interrupted subtasks back to pending);
- reads go to the faces and events databases (SQLite WAL: readers never block the server's writes), LanceDB (its
  tables are opened with read_consistency_interval 0: every read sees the server's last commit) and the blob files;
  this process never writes them (no journal replay, no applier, no optimizer: `Storage` is opened without
  `recover()` / `start_maintenance()`);
- descriptors for matching come from a snapshot of LanceDB (`Snapshots`, the same loader as the server's matching
  index), loaded after the unit that needs it was claimed, so a task sees every face written before it was created;
- writes are effects run by the server (server/tasks/effects.py, through server/tasks/remote.py), so the server's
  listeners keep its matching index and live subscribers coherent.

It reports itself every HEARTBEAT_S in `<data_dir>/tasks-worker.json` (pid, time, threads, stopped threads); the
server's healthcheck (component `tasks`) reads it. SIGTERM stops it (a unit in progress is resumed by the next start).
"""

from __future__ import annotations

import json
import logging
import os
import signal
import threading
import time
from collections import OrderedDict
from pathlib import Path
from typing import Any

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

from server import logs
from server.face_inference import FaceInference
from server.matching.live import MatchingIndexes
from server.settings import Settings
from server.storage import descriptors, faults
from server.storage.repositories.tasks import TaskRepository
from server.storage.store import Storage
from server.tasks.more import more_kinds
from server.tasks.remote import RemoteEffects
from server.tasks.runner import TaskRunner, all_kinds

_LOGGER = logging.getLogger(__name__)
HEARTBEAT_FILE = "tasks-worker.json"
HEARTBEAT_S = 1.0
LOG_NAME = "tasks-worker.log"
SERVER_WAIT_POLL_S = 0.5
# Snapshots kept for the tasks running now (each task keeps the one it started with).
KEPT_SNAPSHOTS = 4


class Snapshots:
    """Matching indexes loaded from storage for the tasks of this process. A task keeps the snapshot it first read
    (its subtasks see the same descriptors); a unit claimed after the newest snapshot was loaded gets a new one."""

    def __init__(self, storage: Storage) -> None:
        self.storage = storage
        self._lock = threading.Lock()
        self._latest: tuple[float, MatchingIndexes] | None = None
        self._by_task: OrderedDict[int, MatchingIndexes] = OrderedDict()

    def __call__(self, task_id: int, since: float) -> MatchingIndexes:
        with self._lock:
            kept = self._by_task.get(task_id)
            if kept is not None:
                self._by_task.move_to_end(task_id)
                return kept
            if self._latest is None or self._latest[0] < since:
                loaded_at = time.monotonic()
                index = MatchingIndexes()
                index.load(self.storage)
                self._latest = (loaded_at, index)
            self._by_task[task_id] = self._latest[1]
            while len(self._by_task) > KEPT_SNAPSHOTS:
                self._by_task.popitem(last=False)
            return self._latest[1]


def heartbeat_path(data_dir: Path) -> Path:
    return data_dir / HEARTBEAT_FILE


def write_heartbeat(data_dir: Path, runner: TaskRunner) -> None:
    beat = {"pid": os.getpid(), "time": time.time(), "workers": runner.workers, "stopped": runner.stopped_workers()}
    path = heartbeat_path(data_dir)
    partial = path.with_suffix(".partial")
    partial.write_text(json.dumps(beat))
    os.replace(partial, path)


def read_heartbeat(data_dir: Path) -> dict[str, Any] | None:
    try:
        value = json.loads(heartbeat_path(data_dir).read_text())
    except (OSError, ValueError):
        return None
    return value if isinstance(value, dict) else None


def wait_server(target: str, stop: threading.Event) -> bool:
    """Wait until the gRPC server serves (its storage is recovered); False when stopped first."""
    with grpc.insecure_channel(target) as channel:
        stub = health_pb2_grpc.HealthStub(channel)
        while not stop.is_set():
            try:
                if (
                    stub.Check(health_pb2.HealthCheckRequest(), timeout=1.0).status
                    == health_pb2.HealthCheckResponse.SERVING
                ):
                    return True
            except grpc.RpcError:
                pass
            stop.wait(SERVER_WAIT_POLL_S)
    return False


def main() -> int:
    logs.configure_start_up_logging()
    settings = Settings.from_env()
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    if settings.tasks_workers <= 0:
        _LOGGER.info("LUMEN_TASKS_WORKERS=0: no task workers")
        return 0
    faults.configure(settings.crash_point)
    descriptors.configure(settings.descriptor_models(), settings.face_descriptor_version)
    target = f"{settings.grpc_host}:{settings.grpc_port}"
    if not wait_server(target, stop):
        return 0
    logs.configure_server_logging(settings, LOG_NAME)
    storage = Storage(
        settings.data_dir,
        optimize_interval_s=settings.storage_optimize_interval_s,
        version_retention_s=settings.storage_version_retention_s,
    )
    inference = FaceInference.from_settings(settings)
    remote = RemoteEffects(target, settings.data_dir)
    runner = TaskRunner(
        storage,
        MatchingIndexes(),  # unused: every unit reads a snapshot
        TaskRepository(settings.data_dir),
        settings.tasks_workers,
        subtask_size=settings.tasks_subtask_size,
        pause_ms=settings.tasks_subtask_pause_ms,
        effects=remote,
        snapshots=Snapshots(storage),
    )
    runner.kinds = {**all_kinds(), **more_kinds(inference, settings.tasks_estimator_root)}
    runner.start()
    _LOGGER.info("task worker process: %d threads, effects through %s", settings.tasks_workers, target)
    try:
        while not stop.is_set():
            write_heartbeat(settings.data_dir, runner)
            stop.wait(HEARTBEAT_S)
    finally:
        runner.stop()
        heartbeat_path(settings.data_dir).unlink(missing_ok=True)
        remote.close()
        if inference is not None:
            inference.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
