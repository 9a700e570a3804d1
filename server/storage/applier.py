"""Group commit of the post-commit stage of `Storage.write`, and background LanceDB maintenance.

Every write that committed journal entries or listener events hands them to one applier thread
with its commit ticket (taken under the SQLite write lock, so tickets follow commit order). The
thread takes every ticket that is ready, in ticket order, as one group: it applies the group's
descriptor changes to LanceDB as one delete and one add per table (`DescriptorStore.apply`, which
keeps the end state of conflicting changes in commit order), removes the group's journal rows in one
transaction, notifies the listener of every write in commit order, then releases the writers. A
write therefore still returns only after its LanceDB change and its listener events, and a crash at
any point leaves journal rows that recovery replays (replays never trust the `fresh` shortcut).

If applying fails (disk full), the writes are committed all the same: they stay journaled, their
end state is held in memory by the DescriptorStore (reads see it), the writers are told success,
and the thread retries the backlog (before any later change, so order holds) until it succeeds.

LanceDB writes each make a table version with its own manifest; the optimizer thread compacts the
small fragments and removes versions older than a retention period, every few seconds while there
are writes (settings: storage_optimize_interval_s, storage_version_retention_s), taking at most a
quarter of the time. It runs beside the writes; after a run whose commit lost to the appends (heavy
load), the next runs hold the group writes back while they run.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from server.storage import faults
from server.storage.descriptors import DescriptorStore, FaceChange, decode_raw

_LOGGER = logging.getLogger(__name__)

# (op_id, kind, payload) of one journal row.
JournalOp = tuple[str, str, dict[str, Any]]
Event = tuple[str, tuple[Any, ...]]

# The optimizer waits at least this many times as long as its last run took.
MAX_DUTY = 4.0
# Runs that hold the writes back after a failed one.
EXCLUSIVE_RUNS_AFTER_FAILURE = 10
# Pause between groups while a compaction runs beside them.
COMPACTION_GROUP_GAP_S = 0.1
RETRY_MIN_S = 0.5
RETRY_MAX_S = 10.0


@dataclass
class Commit:
    """The post-commit work of one committed write."""

    ticket: int
    ops: list[JournalOp]
    events: list[Event]
    done: threading.Event = field(default_factory=threading.Event)


def face_changes(ops: Sequence[JournalOp], trusted: Callable[[str], bool]) -> list[FaceChange]:
    """The descriptor changes among journal ops, in order (`trusted(op_id)`: may use `fresh`)."""
    changes: list[FaceChange] = []
    for op_id, kind, payload in ops:
        if kind == "descriptors_set":
            vectors = {int(v): decode_raw(d, int(v)) for v, d in payload["descriptors"].items()}
            fresh = bool(payload.get("fresh")) and trusted(op_id)
            changes.append(FaceChange(payload["face_id"], payload["account_id"], vectors, fresh))
        elif kind == "descriptors_delete":
            changes.extend(FaceChange(face_id, "", None) for face_id in payload["face_ids"])
    return changes


class Applier:
    def __init__(
        self,
        descriptors: DescriptorStore,
        apply_other: Callable[[str, dict[str, Any]], None],
        forget: Callable[[list[str]], None],
        notify: Callable[[list[Event]], None],
    ) -> None:
        self._descriptors = descriptors
        self._apply_other = apply_other  # blob journal entries
        self._forget = forget  # removes journal rows by op_id
        self._notify = notify
        self._cond = threading.Condition()
        self._taken = 0
        self._next = 0
        self._ready: dict[int, Commit] = {}
        # Committed ops whose LanceDB/blob effect failed; retried before anything newer.
        self._backlog: list[JournalOp] = []
        # Applied ops whose journal rows could not be removed yet.
        self._unforgotten: list[str] = []
        self._retry_s = RETRY_MIN_S
        self.groups = 0  # groups applied (tests, benchmarks)
        self.last_write = float("-inf")  # time.monotonic() of the last LanceDB write
        self._thread = threading.Thread(target=self._run, name="lumen-storage-apply", daemon=True)
        self._thread.start()

    def take_ticket(self) -> int:
        """Call under the SQLite write lock, inside the transaction that commits the write."""
        with self._cond:
            ticket = self._taken
            self._taken += 1
            return ticket

    def submit(self, ticket: int, ops: list[JournalOp], events: list[Event]) -> Commit:
        """Hand over a committed write's work (empty for a ticket whose transaction failed)."""
        commit = Commit(ticket, ops, events)
        with self._cond:
            self._ready[ticket] = commit
            self._cond.notify_all()
        return commit

    def adopt(self, ops: list[JournalOp]) -> None:
        """Journal ops recovery could not apply (start on a full disk): retried in the background."""
        if ops:
            self._hold(ops)
            with self._cond:
                self._backlog = [*ops, *self._backlog]
                self._cond.notify_all()

    @property
    def backlog(self) -> int:
        with self._cond:
            return len(self._backlog) + len(self._unforgotten)

    # -- the applier thread ----------------------------------------------------------------------

    def _run(self) -> None:
        while True:
            with self._cond:
                while self._next not in self._ready:
                    if (self._backlog or self._unforgotten) and not self._cond.wait(self._retry_s):
                        break  # retry the backlog
                    if not (self._backlog or self._unforgotten):
                        self._cond.wait()
                group: list[Commit] = []
                while self._next in self._ready:
                    group.append(self._ready.pop(self._next))
                    self._next += 1
                backlog, self._backlog = self._backlog, []
                unforgotten, self._unforgotten = self._unforgotten, []
            try:
                self._process(group, backlog, unforgotten)
            except Exception:  # never lose the thread; the writes stay journaled
                _LOGGER.exception("storage apply failed")
            finally:
                for commit in group:
                    commit.done.set()
            if group and self._descriptors.compacting.is_set():
                # Bigger, rarer groups while a compaction runs: its commit needs a gap between appends.
                time.sleep(COMPACTION_GROUP_GAP_S)

    def _process(self, group: list[Commit], backlog: list[JournalOp], unforgotten: list[str]) -> None:
        new_ops = [op for commit in group for op in commit.ops]
        ops = [*backlog, *new_ops]
        failed = False
        if ops:
            faults.crash_point("before_group_apply")
            try:
                self._apply(ops, {op_id for op_id, _, _ in new_ops})
            except Exception as error:  # noqa: BLE001 - committed all the same: hold, answer success, retry
                failed = True
                self._hold(ops)
                _LOGGER.warning("applying %d committed storage changes failed (%s); retrying", len(ops), error)
                with self._cond:
                    self._backlog = [*ops, *self._backlog]
                    self._retry_s = min(RETRY_MAX_S, self._retry_s * 2)
            else:
                if backlog:
                    self._descriptors.release_unapplied()
                    _LOGGER.warning("%d held storage changes applied", len(backlog))
                self._retry_s = RETRY_MIN_S
                faults.crash_point("after_group_apply")
                unforgotten = [*unforgotten, *(op_id for op_id, _, _ in ops)]
        if unforgotten:
            try:
                self._forget(unforgotten)
            except Exception as error:  # noqa: BLE001 - the rows replay idempotently if we crash before removing them
                _LOGGER.warning("removing %d journal rows failed (%s); retrying", len(unforgotten), error)
                with self._cond:
                    self._unforgotten = [*unforgotten, *self._unforgotten]
        for commit in group:
            self._notify(commit.events)
        if ops and not failed:
            self.groups += 1

    def _apply(self, ops: list[JournalOp], trusted: set[str]) -> None:
        changes = face_changes(ops, trusted.__contains__)
        if changes and self._descriptors.apply(changes):
            self.last_write = time.monotonic()
        for _, kind, payload in ops:
            if kind not in ("descriptors_set", "descriptors_delete"):
                self._apply_other(kind, payload)

    def _hold(self, ops: list[JournalOp]) -> None:
        self._descriptors.hold_unapplied(face_changes(ops, lambda _: False))


class Optimizer:
    """Compacts the descriptor tables and removes old versions while writes come in."""

    def __init__(self, descriptors: DescriptorStore, applier: Applier, interval_s: int, retention_s: int) -> None:
        self._descriptors = descriptors
        self._applier = applier
        self._interval_s = interval_s
        self.retention = timedelta(seconds=retention_s)
        self._stop = threading.Event()
        self.runs = 0
        self.failures = 0
        self._exclusive_runs = 0
        self._thread = threading.Thread(target=self._run, name="lumen-storage-optimize", daemon=True)

    def start(self) -> None:
        if self._interval_s > 0:
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def _run(self) -> None:
        pause_s = float(self._interval_s)
        while not self._stop.wait(pause_s):
            # Until a run well after the retention period, versions of the last write may be on disk.
            quiet_s = time.monotonic() - self._applier.last_write
            if quiet_s > self.retention.total_seconds() + 2 * self._interval_s:
                continue
            started = time.monotonic()
            try:
                # Beside the writes normally; for a while after a failed run (its commit lost to
                # appends again and again, as under heavy load), with the writes held back.
                if self._descriptors.optimize(self.retention, exclusive=self._exclusive_runs > 0):
                    self.runs += 1
                    self._exclusive_runs = max(0, self._exclusive_runs - 1)
            except Exception as error:  # noqa: BLE001 - disk full, a conflicting commit: try again next time
                self.failures += 1
                self._exclusive_runs = EXCLUSIVE_RUNS_AFTER_FAILURE
                _LOGGER.warning("descriptor table optimize failed: %s", error)
            # Compaction rewrites the table's small fragments (all rows below 1 M): on a large table
            # run it less often, so it takes at most 1 / MAX_DUTY of the time. After a failure: soon.
            took_s = time.monotonic() - started
            pause_s = float(self._interval_s) if self._exclusive_runs else max(self._interval_s, MAX_DUTY * took_s)
