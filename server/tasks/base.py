"""What every task type implements, and what it gets to work with.

A task type (server/tasks/<type>.py) has three steps, each run by a worker of server/tasks/runner.py:

- plan(env, task, content) -> Plan: split the work into subtask contents (JSON) and an optional state kept for
  the merge; raises LunaError (e.g. 28010, nothing selected) to fail the task with that error.
- run(env, task, subtask content, state) -> Output: one subtask, idempotent (a crash re-runs it), checking
  `env.check_cancelled()` often so that a cancel stops it within the 2 s v6 allows.
- merge(env, task, [(subtask content, its output)], state) -> Output: the task result from the subtask results.

An Output is JSON (a dict or list) or bytes with a content type; subtask outputs are stored as task results.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from server.matching.live import MatchingIndexes
from server.storage.repositories.tasks import TaskRepository, TaskRow
from server.storage.store import Storage

JSON_TYPE = "application/json"
# Workers look at the task's status at most this often while a subtask runs (a cancel is seen within it).
CANCEL_POLL_S = 0.2


class TaskCancelledError(Exception):
    """The task was cancelled or deleted while a subtask ran: its output is dropped."""


@dataclass(frozen=True)
class Plan:
    subtasks: list[dict[str, Any]]
    state: dict[str, Any] | None = None


@dataclass(frozen=True)
class Binary:
    content_type: str
    data: bytes


Output = dict[str, Any] | list[Any] | Binary


def encode_output(output: Output) -> tuple[str, bytes]:
    if isinstance(output, Binary):
        return output.content_type, output.data
    return JSON_TYPE, json.dumps(output, separators=(",", ":")).encode()


def decode_output(content_type: str, data: bytes) -> Output:
    if content_type == JSON_TYPE:
        value = json.loads(data)
        return value if isinstance(value, dict | list) else {"value": value}
    return Binary(content_type, data)


# A worker retries an effect this long while the server cannot be reached (a restart), checking for a cancel.
EFFECT_RETRY_S = 120.0
EFFECT_RETRY_PAUSE_S = 0.5


class EffectsUnavailableError(Exception):
    """The server that runs the effects could not be reached; the effect did not run, or ran and may run again
    (effects are idempotent but for the estimator's images)."""


class Effects(Protocol):
    """Runs the named writes of server/tasks/effects.py where the data is written (the server process)."""

    def apply(self, name: str, payload: dict[str, Any]) -> Any: ...


@dataclass
class TaskEnv:
    """One task's view of the platform: storage (reads), the matching index, its writes (effects) and its cancel
    check. In the worker process `matching` is a snapshot of the descriptors loaded after the task's unit was
    claimed (server/tasks/worker.py), in the server process the live index."""

    storage: Storage
    matching_source: Callable[[], MatchingIndexes]
    tasks: TaskRepository
    task_id: int
    effects: Effects
    subtask_size: int = 1000
    _last_check: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _matching: MatchingIndexes | None = None

    @property
    def matching(self) -> MatchingIndexes:
        if self._matching is None:
            self._matching = self.matching_source()
        return self._matching

    def apply(self, name: str, payload: dict[str, Any]) -> Any:
        """Run the effect `name` (server/tasks/effects.py); while the server is unreachable, retry (seeing a
        cancel) for EFFECT_RETRY_S."""
        deadline = time.monotonic() + EFFECT_RETRY_S
        while True:
            try:
                return self.effects.apply(name, payload)
            except EffectsUnavailableError:
                if time.monotonic() > deadline:
                    raise
            self.check_cancelled()
            time.sleep(EFFECT_RETRY_PAUSE_S)

    def check_cancelled(self) -> None:
        """Raise TaskCancelledError once the task stopped running (reads the database at most every CANCEL_POLL_S)."""
        now = time.monotonic()
        with self._lock:
            if now - self._last_check < CANCEL_POLL_S:
                return
            self._last_check = now
        if self.tasks.status(self.task_id) not in (0, 1, 4):
            raise TaskCancelledError


class TaskKind(Protocol):
    code: int
    name: str
    schema: dict[str, Any]

    def plan(self, env: TaskEnv, task: TaskRow, content: dict[str, Any]) -> Plan: ...

    def run(self, env: TaskEnv, task: TaskRow, content: dict[str, Any], state: dict[str, Any] | None) -> Output: ...

    def merge(
        self,
        env: TaskEnv,
        task: TaskRow,
        outputs: list[tuple[dict[str, Any], Output]],
        state: dict[str, Any] | None,
    ) -> Output: ...


def chunked(items: list[Any], size: int) -> list[list[Any]]:
    return [items[start : start + size] for start in range(0, len(items), size)]


def row_ranges(count: int, size: int) -> list[dict[str, Any]]:
    """Subtask contents {"rows": [start, end]} covering rows 0..count in slices of `size`."""
    return [{"rows": [start, min(start + size, count)]} for start in range(0, count, size)]


Factory = Callable[[], TaskKind]
