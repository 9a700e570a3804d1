"""Tasks: the `tasks`, `subtasks`, `task_errors` and `task_results` tables of the tasks database.

The tasks database is its own SQLite file (TASKS_DB_FILE, WAL) beside the faces and events databases, so the
worker pool's frequent progress writes never take their write locks. Every state change of a task is one
transaction here: a crash leaves each task in a state `recover()` knows how to continue (docs/tasks.md).

Statuses (v6 §7.2, shared by tasks and subtasks): 0 pending, 1 in_progress, 2 cancelled, 3 failed,
4 collect_results, 5 done. Content, subtask content and JSON results are JSON text; results are bytes with their
content type (JSON, or a PNG plot), so binary results need no second store.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypedDict, cast

from server.clock import now
from server.storage.db import Database
from server.storage.sql import Where, marks

TASKS_DB_FILE = "tasks.sqlite3"

PENDING, IN_PROGRESS, CANCELLED, FAILED, COLLECT_RESULTS, DONE = 0, 1, 2, 3, 4, 5
FINISHED = (CANCELLED, FAILED, DONE)

TASKS_SCHEMA = """
CREATE TABLE IF NOT EXISTS tasks (
    task_id INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id TEXT NOT NULL,
    task_type INTEGER NOT NULL,
    task_status INTEGER NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    content TEXT NOT NULL,              -- JSON, as created
    create_time TEXT NOT NULL,
    end_time TEXT,
    last_update_time TEXT NOT NULL,
    result_id TEXT,
    parts_done INTEGER NOT NULL DEFAULT 0,
    parts_all INTEGER NOT NULL DEFAULT 0,
    planned INTEGER NOT NULL DEFAULT 0, -- 1 once the subtasks exist (planning is one transaction)
    state TEXT                          -- JSON the task type keeps between planning and merging
);
CREATE INDEX IF NOT EXISTS tasks_account ON tasks(account_id, task_id);
CREATE INDEX IF NOT EXISTS tasks_status ON tasks(task_status, task_id);

CREATE TABLE IF NOT EXISTS subtasks (
    subtask_id INTEGER PRIMARY KEY AUTOINCREMENT,
    task_id INTEGER NOT NULL REFERENCES tasks(task_id) ON DELETE CASCADE,
    subtask_status INTEGER NOT NULL,
    content TEXT NOT NULL,
    create_time TEXT NOT NULL,
    end_time TEXT,
    result_id TEXT
);
CREATE INDEX IF NOT EXISTS subtasks_task ON subtasks(task_id, subtask_status, subtask_id);
CREATE INDEX IF NOT EXISTS subtasks_status ON subtasks(subtask_status, subtask_id);

CREATE TABLE IF NOT EXISTS task_results (
    result_id TEXT PRIMARY KEY,
    task_id INTEGER NOT NULL REFERENCES tasks(task_id) ON DELETE CASCADE,
    content_type TEXT NOT NULL,
    data BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS task_results_task ON task_results(task_id);

CREATE TABLE IF NOT EXISTS task_errors (
    error_id INTEGER PRIMARY KEY AUTOINCREMENT,
    task_id INTEGER NOT NULL REFERENCES tasks(task_id) ON DELETE CASCADE,
    subtask_id INTEGER,
    account_id TEXT NOT NULL,
    task_type INTEGER NOT NULL,
    error_code INTEGER NOT NULL,
    http_status INTEGER NOT NULL,
    description TEXT NOT NULL,
    detail TEXT NOT NULL,
    additional_info TEXT,
    error_time TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS task_errors_task ON task_errors(task_id, error_id);
CREATE INDEX IF NOT EXISTS task_errors_account ON task_errors(account_id, error_id);
"""


class TaskRow(TypedDict):
    task_id: int
    account_id: str
    task_type: int
    task_status: int
    description: str
    content: str
    create_time: str
    end_time: str | None
    last_update_time: str
    result_id: str | None
    parts_done: int
    parts_all: int
    planned: int
    state: str | None


class SubtaskRow(TypedDict):
    subtask_id: int
    task_id: int
    subtask_status: int
    content: str
    create_time: str
    end_time: str | None
    result_id: str | None


class TaskErrorRow(TypedDict):
    error_id: int
    task_id: int
    subtask_id: int | None
    account_id: str
    task_type: int
    error_code: int
    http_status: int
    description: str
    detail: str
    additional_info: str | None
    error_time: str


@dataclass(frozen=True)
class TaskFilter:
    """Filters of GET /6/tasks and /6/tasks/count (None: not filtered)."""

    account_id: str | None = None
    task_ids: Sequence[int] | None = None
    task_type: int | None = None
    task_status: int | None = None
    create_time_gte: str | None = None
    create_time_lt: str | None = None
    end_time_gte: str | None = None
    end_time_lt: str | None = None

    def where(self) -> Where:
        return (
            Where()
            .eq("account_id", self.account_id)
            .among("task_id", self.task_ids)
            .eq("task_type", self.task_type)
            .eq("task_status", self.task_status)
            .gte("create_time", self.create_time_gte)
            .lt("create_time", self.create_time_lt)
            .gte("end_time", self.end_time_gte)
            .lt("end_time", self.end_time_lt)
        )


@dataclass(frozen=True)
class ErrorFilter:
    """Filters of the task errors lists and counts."""

    account_id: str | None = None
    task_ids: Sequence[int] | None = None
    error_ids: Sequence[int] | None = None
    error_code: int | None = None
    task_type: int | None = None
    status_code: int | None = None
    error_time_gte: str | None = None
    error_time_lt: str | None = None

    def where(self) -> Where:
        return (
            Where()
            .eq("account_id", self.account_id)
            .among("task_id", self.task_ids)
            .among("error_id", self.error_ids)
            .eq("error_code", self.error_code)
            .eq("task_type", self.task_type)
            .eq("http_status", self.status_code)
            .gte("error_time", self.error_time_gte)
            .lt("error_time", self.error_time_lt)
        )


@dataclass(frozen=True)
class NewError:
    """An error to record against a task (and subtask)."""

    error_code: int
    http_status: int
    description: str
    detail: str
    additional_info: str | None = None


@dataclass(frozen=True)
class Claimed:
    """A unit of work a worker took: planning a task (subtask None) or one subtask."""

    task: TaskRow
    subtask: SubtaskRow | None


class TaskRepository:
    """Owns the tasks database and every statement on it."""

    def __init__(self, data_dir: Path) -> None:
        self.db = Database(data_dir / TASKS_DB_FILE, schema=TASKS_SCHEMA)

    # -- reads ---------------------------------------------------------------------------------

    def get(self, task_id: int, account_id: str | None = None) -> TaskRow | None:
        where = Where().eq("task_id", task_id).eq("account_id", account_id)
        rows = self.db.query(f"SELECT * FROM tasks{where.sql()}", where.params)
        return rows[0] if rows else None  # type: ignore[return-value]

    def find(self, filters: TaskFilter, *, offset: int, limit: int) -> list[TaskRow]:
        where = filters.where()
        sql = f"SELECT * FROM tasks{where.sql()} ORDER BY task_id LIMIT ? OFFSET ?"
        return self.db.query(sql, [*where.params, limit, offset])  # type: ignore[return-value]

    def count(self, filters: TaskFilter) -> int:
        where = filters.where()
        return self.db.count(f"SELECT count(*) FROM tasks{where.sql()}", where.params)

    def subtasks(self, task_id: int) -> list[SubtaskRow]:
        sql = "SELECT * FROM subtasks WHERE task_id = ? ORDER BY subtask_id"
        return self.db.query(sql, (task_id,))  # type: ignore[return-value]

    def subtask_results(self, task_id: int) -> list[tuple[SubtaskRow, str | None, bytes | None]]:
        """Every subtask of the task with its stored result (content type, bytes; None, None: no result)."""
        rows = self.db.query(
            "SELECT s.*, r.content_type AS result_type, r.data AS result_data FROM subtasks s "
            "LEFT JOIN task_results r ON r.result_id = s.result_id WHERE s.task_id = ? ORDER BY s.subtask_id",
            (task_id,),
        )
        out: list[tuple[SubtaskRow, str | None, bytes | None]] = []
        for row in rows:
            kind, data = row.pop("result_type"), row.pop("result_data")
            blob = data if isinstance(data, bytes) else None
            out.append((cast(SubtaskRow, row), str(kind) if kind is not None else None, blob))
        return out

    def result(self, result_id: str) -> tuple[str, bytes] | None:
        rows = self.db.query("SELECT content_type, data FROM task_results WHERE result_id = ?", (result_id,))
        if not rows:
            return None
        data = rows[0]["data"]
        return str(rows[0]["content_type"]), data if isinstance(data, bytes) else b""

    def errors(self, filters: ErrorFilter, *, offset: int, limit: int) -> list[TaskErrorRow]:
        where = filters.where()
        sql = f"SELECT * FROM task_errors{where.sql()} ORDER BY error_id LIMIT ? OFFSET ?"
        return self.db.query(sql, [*where.params, limit, offset])  # type: ignore[return-value]

    def count_errors(self, filters: ErrorFilter) -> int:
        where = filters.where()
        return self.db.count(f"SELECT count(*) FROM task_errors{where.sql()}", where.params)

    def status(self, task_id: int) -> int | None:
        value = self.db.scalar("SELECT task_status FROM tasks WHERE task_id = ?", (task_id,))
        return int(value) if isinstance(value, int) else None

    # -- writes by the API ---------------------------------------------------------------------

    def create(self, account_id: str, task_type: int, description: str, content: dict[str, Any]) -> int:
        stamp = now()
        with self.db.transaction() as tx:
            cursor = tx.conn.execute(
                "INSERT INTO tasks (account_id, task_type, task_status, description, content, create_time, "
                "last_update_time) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (account_id, task_type, PENDING, description, json.dumps(content), stamp, stamp),
            )
            return int(cursor.lastrowid or 0)

    def cancel(self, task_id: int) -> bool:
        """Mark an unfinished task and its unfinished subtasks cancelled; False when it had finished."""
        stamp = now()
        with self.db.transaction() as tx:
            changed = tx.conn.execute(
                f"UPDATE tasks SET task_status = ?, end_time = ?, last_update_time = ? "
                f"WHERE task_id = ? AND task_status NOT IN ({marks(FINISHED)})",
                (CANCELLED, stamp, stamp, task_id, *FINISHED),
            ).rowcount
            if changed:
                tx.conn.execute(
                    f"UPDATE subtasks SET subtask_status = ?, end_time = ? "
                    f"WHERE task_id = ? AND subtask_status NOT IN ({marks(FINISHED)})",
                    (CANCELLED, stamp, task_id, *FINISHED),
                )
            return bool(changed)

    def delete(self, task_id: int, account_id: str | None) -> bool:
        """Delete the task (of the account; None: of any account) with its subtasks, results and errors."""
        where = Where().eq("task_id", task_id).eq("account_id", account_id)
        with self.db.transaction() as tx:
            return bool(tx.conn.execute(f"DELETE FROM tasks{where.sql()}", where.params).rowcount)

    # -- writes by the workers -----------------------------------------------------------------

    def claim(self) -> Claimed | None:
        """Take the next unit of work: a pending task to plan, else the oldest pending subtask of a running task.

        One transaction: two workers never take the same unit."""
        stamp = now()
        with self.db.transaction() as tx:
            task = tx.conn.execute(
                "SELECT task_id FROM tasks WHERE task_status = ? AND planned = 0 ORDER BY task_id LIMIT 1", (PENDING,)
            ).fetchone()
            if task is not None:
                tx.conn.execute(
                    "UPDATE tasks SET task_status = ?, last_update_time = ? WHERE task_id = ?",
                    (IN_PROGRESS, stamp, task[0]),
                )
                return Claimed(self._task_in(tx, task[0]), None)
            found = tx.conn.execute(
                "SELECT s.subtask_id, s.task_id FROM subtasks s JOIN tasks t ON t.task_id = s.task_id "
                "WHERE s.subtask_status = ? AND t.task_status = ? ORDER BY s.subtask_id LIMIT 1",
                (PENDING, IN_PROGRESS),
            ).fetchone()
            if found is None:
                return None
            tx.conn.execute("UPDATE subtasks SET subtask_status = ? WHERE subtask_id = ?", (IN_PROGRESS, found[0]))
            subtask = dict(
                zip(
                    [c[0] for c in tx.conn.execute("SELECT * FROM subtasks LIMIT 0").description],
                    tx.conn.execute("SELECT * FROM subtasks WHERE subtask_id = ?", (found[0],)).fetchone(),
                    strict=True,
                )
            )
            return Claimed(self._task_in(tx, found[1]), subtask)  # type: ignore[arg-type]

    @staticmethod
    def _task_in(tx: Any, task_id: int) -> TaskRow:
        cursor = tx.conn.execute("SELECT * FROM tasks WHERE task_id = ?", (task_id,))
        names = [c[0] for c in cursor.description]
        return dict(zip(names, cursor.fetchone(), strict=True))  # type: ignore[return-value]

    def plan(self, task_id: int, contents: Sequence[dict[str, Any]], state: dict[str, Any] | None) -> bool:
        """Store the subtasks of a claimed task (one transaction); False when it was cancelled meanwhile."""
        stamp = now()
        with self.db.transaction() as tx:
            changed = tx.conn.execute(
                "UPDATE tasks SET planned = 1, parts_all = ?, state = ?, last_update_time = ? "
                "WHERE task_id = ? AND task_status = ?",
                (len(contents), None if state is None else json.dumps(state), stamp, task_id, IN_PROGRESS),
            ).rowcount
            if not changed:
                return False
            tx.conn.executemany(
                "INSERT INTO subtasks (task_id, subtask_status, content, create_time) VALUES (?, ?, ?, ?)",
                [(task_id, PENDING, json.dumps(content), stamp) for content in contents],
            )
            return True

    def finish_subtask(
        self, subtask_id: int, task_id: int, status: int, result: tuple[str, str, bytes] | None
    ) -> tuple[bool, bool]:
        """Store a subtask's outcome and count it done.

        result: (result_id, content_type, data) or None. Returns (recorded, last): recorded False when the task
        was cancelled or deleted meanwhile (nothing stored); last True when no subtask is left, in which case
        the task moved to collect_results and the caller merges."""
        stamp = now()
        with self.db.transaction() as tx:
            status_row = tx.conn.execute("SELECT task_status FROM tasks WHERE task_id = ?", (task_id,)).fetchone()
            if status_row is None or status_row[0] != IN_PROGRESS:
                return False, False
            if result is not None:
                tx.conn.execute(
                    "INSERT OR REPLACE INTO task_results (result_id, task_id, content_type, data) VALUES (?, ?, ?, ?)",
                    (result[0], task_id, result[1], result[2]),
                )
            tx.conn.execute(
                "UPDATE subtasks SET subtask_status = ?, end_time = ?, result_id = ? WHERE subtask_id = ?",
                (status, stamp, None if result is None else result[0], subtask_id),
            )
            left = tx.conn.execute(
                f"SELECT count(*) FROM subtasks WHERE task_id = ? AND subtask_status NOT IN ({marks(FINISHED)})",
                (task_id, *FINISHED),
            ).fetchone()[0]
            tx.conn.execute(
                "UPDATE tasks SET parts_done = parts_done + 1, last_update_time = ?, task_status = ? WHERE task_id = ?",
                (stamp, COLLECT_RESULTS if left == 0 else IN_PROGRESS, task_id),
            )
            return True, left == 0

    def finish_task(self, task_id: int, status: int, result: tuple[str, str, bytes] | None) -> bool:
        """End a task (done or failed) with its merged result; False when it was cancelled or deleted meanwhile."""
        stamp = now()
        with self.db.transaction() as tx:
            if result is not None:
                tx.conn.execute(
                    "INSERT OR REPLACE INTO task_results (result_id, task_id, content_type, data) VALUES (?, ?, ?, ?)",
                    (result[0], task_id, result[1], result[2]),
                )
            return bool(
                tx.conn.execute(
                    f"UPDATE tasks SET task_status = ?, end_time = ?, last_update_time = ?, result_id = ? "
                    f"WHERE task_id = ? AND task_status NOT IN ({marks(FINISHED)})",
                    (status, stamp, stamp, None if result is None else result[0], task_id, *FINISHED),
                ).rowcount
            )

    def add_result(self, task_id: int, result_id: str, content_type: str, data: bytes) -> None:
        """An extra stored result of a task (e.g. the ROC plot) that the task result refers to."""
        with self.db.transaction() as tx:
            tx.conn.execute(
                "INSERT OR REPLACE INTO task_results (result_id, task_id, content_type, data) VALUES (?, ?, ?, ?)",
                (result_id, task_id, content_type, data),
            )

    def add_error(self, task: TaskRow, subtask_id: int | None, error: NewError) -> None:
        with self.db.transaction() as tx:
            if tx.conn.execute("SELECT 1 FROM tasks WHERE task_id = ?", (task["task_id"],)).fetchone() is None:
                return
            tx.conn.execute(
                "INSERT INTO task_errors (task_id, subtask_id, account_id, task_type, error_code, http_status, "
                "description, detail, additional_info, error_time) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    task["task_id"],
                    subtask_id,
                    task["account_id"],
                    task["task_type"],
                    error.error_code,
                    error.http_status,
                    error.description,
                    error.detail,
                    error.additional_info,
                    now(),
                ),
            )

    def recover(self) -> tuple[list[int], list[int]]:
        """At start: subtasks left in progress by a crash go back to pending (they are re-run: every subtask is
        idempotent), tasks claimed but not planned are planned again. Returns (tasks resumed, tasks to merge):
        the latter were in collect_results (every subtask finished) and are merged again."""
        stamp = now()
        with self.db.transaction() as tx:
            tx.conn.execute("UPDATE subtasks SET subtask_status = ? WHERE subtask_status = ?", (PENDING, IN_PROGRESS))
            replanned = [
                int(r[0])
                for r in tx.conn.execute(
                    "SELECT task_id FROM tasks WHERE task_status = ? AND planned = 0", (IN_PROGRESS,)
                ).fetchall()
            ]
            tx.conn.execute(
                "UPDATE tasks SET task_status = ?, last_update_time = ? WHERE task_status = ? AND planned = 0",
                (PENDING, stamp, IN_PROGRESS),
            )
            resumed = [
                int(r[0])
                for r in tx.conn.execute("SELECT task_id FROM tasks WHERE task_status = ?", (IN_PROGRESS,)).fetchall()
            ]
            merging = [
                int(r[0])
                for r in tx.conn.execute(
                    "SELECT task_id FROM tasks WHERE task_status = ?", (COLLECT_RESULTS,)
                ).fetchall()
            ]
            return sorted(replanned + resumed), merging
