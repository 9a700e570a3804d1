"""The worker pool of the Tasks service: `workers` threads taking units of work from the tasks database.

A unit is planning a pending task or running one pending subtask (TaskRepository.claim, one transaction, so a
later distributed runner can take subtasks the same way). The worker that finishes a task's last subtask merges
the results (collect_results -> done). Errors are recorded as task errors (v6 §7.3): a planning error fails the
task; a subtask error fails that subtask, and the task fails only when every subtask failed.

Cancel (PATCH) and delete only change the database: a running subtask sees it through TaskEnv.check_cancelled
within CANCEL_POLL_S and its output is dropped. Restart: TaskRepository.recover() puts interrupted subtasks back
to pending (subtasks are idempotent) and re-plans unplanned tasks; tasks that were merging are merged again; a
task of a type this server does not know is failed with 28012. Nothing stays in_progress.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import threading
import time
import uuid
from collections.abc import Callable
from typing import Any

from server import errors
from server.errors import LunaError
from server.matching.live import MatchingIndexes
from server.storage import faults
from server.storage.repositories.tasks import (
    COLLECT_RESULTS,
    DONE,
    FAILED,
    IN_PROGRESS,
    PENDING,
    Claimed,
    NewError,
    TaskRepository,
    TaskRow,
)
from server.storage.store import Storage
from server.tasks import objects
from server.tasks.base import Effects, Output, TaskCancelledError, TaskEnv, TaskKind, decode_output, encode_output
from server.tasks.clustering import Clustering
from server.tasks.cross_match import CrossMatch
from server.tasks.effects import EffectsContext, LocalEffects
from server.tasks.gc import Gc
from server.tasks.linker import Linker
from server.tasks.roc import Roc

_LOGGER = logging.getLogger(__name__)
IDLE_POLL_S = 0.5


def all_kinds() -> dict[int, TaskKind]:
    kinds: list[TaskKind] = [Linker(), Clustering(), Gc(), CrossMatch(), Roc()]
    return {kind.code: kind for kind in kinds}


def error_of(error: LunaError) -> NewError:
    return NewError(error.code, error.http_status, error.spec.desc, error.detail)


# Worker threads run at this nice value (Linux: per thread), so a busy CPU serves API requests first.
WORKER_NICE = 10


def lower_priority() -> None:
    """Lower the scheduling priority of the calling thread (a no-op where the OS does not allow it)."""
    with contextlib.suppress(AttributeError, OSError):  # not Linux, or not permitted: the normal priority
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), WORKER_NICE)


class TaskRunner:
    def __init__(
        self,
        storage: Storage,
        matching: MatchingIndexes,
        tasks: TaskRepository,
        workers: int,
        *,
        subtask_size: int = 1000,
        pause_ms: int = 0,
        effects: Effects | None = None,
        snapshots: Callable[[int, float], MatchingIndexes] | None = None,
    ) -> None:
        """`effects`: where the writes run (default: here, on `storage`); `snapshots(task_id, since)`: the matching
        index a unit claimed at `since` (time.monotonic) reads (default: `matching`, the live index)."""
        self.subtask_size = max(1, subtask_size)
        self.pause_s = pause_ms / 1000.0
        self.storage = storage
        self.matching = matching
        self.tasks = tasks
        self.kinds = all_kinds()
        self.workers = workers
        self.effects: Effects = effects or LocalEffects(EffectsContext(storage, matching))
        self.snapshots = snapshots
        self._wake = threading.Condition()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def env(self, task_id: int) -> TaskEnv:
        snapshots, since = self.snapshots, time.monotonic()
        source: Callable[[], MatchingIndexes] = (
            (lambda: self.matching) if snapshots is None else (lambda: snapshots(task_id, since))
        )
        return TaskEnv(self.storage, source, self.tasks, task_id, self.effects, self.subtask_size)

    # -- life cycle ----------------------------------------------------------------------------

    def start(self) -> TaskRunner:
        resumed, merging = self.tasks.recover()
        if resumed or merging:
            _LOGGER.warning("tasks after restart: %d resumed, %d merged again", len(resumed), len(merging))
        for task_id in resumed + merging:
            task = self.tasks.get(task_id)
            if task is not None and task["task_type"] not in self.kinds:
                self._fail(task, None, LunaError(errors.TASK_INTERRUPTED, task=str(task["task_type"])))
        for task_id in merging:
            task = self.tasks.get(task_id)
            if task is not None and task["task_type"] in self.kinds:
                threading.Thread(target=self._merge, args=(task,), name=f"task-merge-{task_id}", daemon=True).start()
        for number in range(self.workers):
            thread = threading.Thread(target=self._loop, name=f"task-worker-{number}", daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    def stopped_workers(self) -> int:
        """Worker threads that are not running (the healthcheck reports them)."""
        return sum(1 for thread in self._threads if not thread.is_alive())

    def stop(self) -> None:
        self._stop.set()
        self.wake()

    def wake(self) -> None:
        with self._wake:
            self._wake.notify_all()

    def _loop(self) -> None:
        lower_priority()
        while not self._stop.is_set():
            try:
                claimed = self.tasks.claim()
            except Exception:  # the pool must outlive any one failure (a full disk, a locked database)
                _LOGGER.exception("claiming a task failed")
                claimed = None
            if claimed is None:
                with self._wake:
                    self._wake.wait(IDLE_POLL_S)
                continue
            try:
                self._do(claimed)
            except Exception:
                _LOGGER.exception("task %d: worker step failed", claimed.task["task_id"])
            if self.tasks.status(claimed.task["task_id"]) not in (PENDING, IN_PROGRESS, COLLECT_RESULTS):
                objects.forget(claimed.task["task_id"])

    # -- units of work -------------------------------------------------------------------------

    def _fail(self, task: TaskRow, subtask_id: int | None, error: LunaError) -> None:
        self.tasks.add_error(task, subtask_id, error_of(error))
        if subtask_id is None:
            self.tasks.finish_task(task["task_id"], FAILED, None)

    def _do(self, claimed: Claimed) -> None:
        task = claimed.task
        kind = self.kinds.get(task["task_type"])
        if kind is None:
            self._fail(task, None, LunaError(errors.TASK_INTERRUPTED, task=str(task["task_type"])))
            return
        env = self.env(task["task_id"])
        content = json.loads(task["content"])
        if claimed.subtask is None:
            try:
                plan = kind.plan(env, task, content)
            except TaskCancelledError:
                return
            except LunaError as error:
                self._fail(task, None, error)
                return
            except Exception as error:
                _LOGGER.exception("task %d: planning failed", task["task_id"])
                self._fail(task, None, LunaError(errors.TASK_SUBTASK_FAILED, reason=type(error).__name__))
                return
            if self.tasks.plan(task["task_id"], plan.subtasks, plan.state):
                if not plan.subtasks:  # nothing to do (a gc that selects nothing): merge at once
                    self._merge(task)
                self.wake()
            return
        subtask = claimed.subtask
        state = json.loads(task["state"]) if task["state"] else None
        result: tuple[str, str, bytes] | None = None
        try:
            self._pause(env)
            output = kind.run(env, task, json.loads(subtask["content"]), state)
            content_type, data = encode_output(output)
            result, status = (str(uuid.uuid4()), content_type, data), DONE
        except TaskCancelledError:
            return
        except LunaError as error:
            self.tasks.add_error(task, subtask["subtask_id"], error_of(error))
            status = FAILED
        except Exception as error:
            _LOGGER.exception("task %d: subtask %d failed", task["task_id"], subtask["subtask_id"])
            failure = LunaError(errors.TASK_SUBTASK_FAILED, reason=type(error).__name__)
            self.tasks.add_error(task, subtask["subtask_id"], error_of(failure))
            status = FAILED
        recorded, last = self.tasks.finish_subtask(subtask["subtask_id"], task["task_id"], status, result)
        if recorded and last:
            self._merge(task)
        elif recorded:
            faults.crash_point("task_after_subtask")

    def _pause(self, env: TaskEnv) -> None:
        """Test-only (LUMEN_TASKS_SUBTASK_PAUSE_MS): a long subtask that still sees a cancel."""
        deadline = time.monotonic() + self.pause_s
        while time.monotonic() < deadline:
            env.check_cancelled()
            time.sleep(0.05)

    def _merge(self, task: TaskRow) -> None:
        kind = self.kinds[task["task_type"]]
        env = self.env(task["task_id"])
        fresh = self.tasks.get(task["task_id"])
        if fresh is None:
            return
        state = json.loads(fresh["state"]) if fresh["state"] else None
        outputs: list[tuple[dict[str, Any], Output]] = []
        for subtask, content_type, data in self.tasks.subtask_results(task["task_id"]):
            if subtask["subtask_status"] == DONE and content_type is not None and data is not None:
                outputs.append((json.loads(subtask["content"]), decode_output(content_type, data)))
        if not outputs and fresh["parts_all"] > 0:  # every subtask failed
            self.tasks.finish_task(task["task_id"], FAILED, None)
            return
        try:
            merged = kind.merge(env, fresh, outputs, state)
        except TaskCancelledError:
            return
        except LunaError as error:
            self._fail(fresh, None, error)
            return
        except Exception as error:
            _LOGGER.exception("task %d: merging failed", task["task_id"])
            self._fail(fresh, None, LunaError(errors.TASK_SUBTASK_FAILED, reason=type(error).__name__))
            return
        content_type, data = encode_output(merged)
        self.tasks.finish_task(task["task_id"], DONE, (str(uuid.uuid4()), content_type, data))
