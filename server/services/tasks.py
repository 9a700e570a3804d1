"""TasksService: v6 /6/tasks (API-103..138, §7). Creation validates and stores the task (pending) and answers
{task_id} at once (202); the worker process (server/tasks/worker.py) plans and runs it. Reads render the stored rows
as v6 JSON (nulls included). Every operation is scoped to the caller's account; another account's task is
not found. Design: docs/tasks.md.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

from google.api import httpbody_pb2

from gateway.config import DESCRIPTOR_SET, TASKS_API_SERVICE
from lumen.v6 import (
    common_pb2,
    luna_tasks_service_pb2,
    luna_tasks_service_pb2_grpc,
    tasks_service_pb2,
    tasks_service_pb2_grpc,
)
from server import errors
from server.errors import LunaError
from server.json_http import accept_header, json_http_body, preferred
from server.rpc import Call, luna_rpc
from server.services.system import ApiDocs, CheckFailedError, config_body, masked, register_health_check
from server.settings import Settings
from server.storage.repositories.tasks import (
    FINISHED,
    ErrorFilter,
    SubtaskRow,
    TaskErrorRow,
    TaskFilter,
    TaskRepository,
    TaskRow,
)
from server.tasks.base import JSON_TYPE, TaskKind
from server.tasks.effects import EffectsContext
from server.tasks.more import more_kinds
from server.tasks.remote import effects_handler, server_token
from server.tasks.roc import PNG_TYPE
from server.tasks.runner import TaskRunner, all_kinds
from server.tasks.worker import read_heartbeat
from server.validation import (
    int_param,
    json_body,
    list_param,
    page_params,
    time_param,
    uuid_param,
    validate_json,
)

DESCRIPTION_MAX = 128
V6_MAX_PAGE = 100
TASKS_API_MAX_PAGE = 1000
TASKS_API_VERSION = {"api": 1, "major": 0, "minor": 1, "patch": 0}
TASKS_API_TITLE = "Lumen (LUNA Tasks API)"
TASKS_SPEC_PATH = "/1/docs/spec"
INT32_MAX = 2**31 - 1
TASK_TYPES = list(range(10))
TASK_STATUSES = list(range(6))


def body_schema(kind: TaskKind) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {"description": {"type": "string", "maxLength": DESCRIPTION_MAX}, "content": kind.schema},
        "required": ["content"],
        "additionalProperties": False,
    }


def task_json(row: TaskRow) -> dict[str, Any]:
    """The v6 Task object (§7.2), keys in v6 order."""
    return {
        "task_id": row["task_id"],
        "account_id": row["account_id"],
        "create_time": row["create_time"],
        "end_time": row["end_time"],
        "last_update_time": row["last_update_time"],
        "task_type": row["task_type"],
        "task_status": row["task_status"],
        "result_id": row["result_id"],
        "count_task_parts_done": row["parts_done"],
        "count_task_parts_all": row["parts_all"],
        "content": json.loads(row["content"]),
        "description": row["description"],
    }


def subtask_json(row: SubtaskRow) -> dict[str, Any]:
    return {
        "subtask_id": row["subtask_id"],
        "task_id": row["task_id"],
        "result_id": row["result_id"],
        "create_time": row["create_time"],
        "end_time": row["end_time"],
        "subtask_status": row["subtask_status"],
        "content": json.loads(row["content"]),
    }


def error_json(row: TaskErrorRow) -> dict[str, Any]:
    return {
        "error_id": row["error_id"],
        "task_id": row["task_id"],
        "subtask_id": row["subtask_id"],
        "error_code": row["error_code"],
        "description": row["description"],
        "detail": row["detail"],
        "additional_info": row["additional_info"],
        "error_time": row["error_time"],
    }


def int_id(value: str, name: str) -> int:
    """A positive integer id from the path or a list (12012 naming it otherwise)."""
    text = value.strip()
    if not text.isdigit() or not 0 < int(text) <= INT32_MAX:
        raise LunaError(errors.BAD_QUERY_PARAM, name=name)
    return int(text)


def int_ids(request: Any, name: str) -> list[int] | None:
    items = list_param(request, name)
    return None if items is None else [int_id(item, name) for item in items]


def task_filter(request: Any, account_id: str | None) -> TaskFilter:
    return TaskFilter(
        account_id=account_id,
        task_ids=int_ids(request, "task_ids"),
        task_type=int_param(request, "task_type", -1, choices=TASK_TYPES) if request.HasField("task_type") else None,
        task_status=(
            int_param(request, "task_status", -1, choices=TASK_STATUSES) if request.HasField("task_status") else None
        ),
        create_time_gte=time_param(request, "create_time__gte"),
        create_time_lt=time_param(request, "create_time__lt"),
        end_time_gte=time_param(request, "end_time__gte"),
        end_time_lt=time_param(request, "end_time__lt"),
    )


def error_filter(request: Any, account_id: str | None) -> ErrorFilter:
    return ErrorFilter(
        account_id=account_id,
        task_ids=int_ids(request, "task_ids"),
        error_ids=int_ids(request, "error_ids"),
        error_code=int_param(request, "error_code", 0) if request.HasField("error_code") else None,
        task_type=int_param(request, "task_type", -1, choices=TASK_TYPES) if request.HasField("task_type") else None,
        status_code=(
            int_param(request, "status_code", 0, minimum=400, maximum=599) if request.HasField("status_code") else None
        ),
        error_time_gte=time_param(request, "error_time__gte"),
        error_time_lt=time_param(request, "error_time__lt"),
    )


class TaskOperations:
    """What both surfaces do, given the scope (an account, or None: every account) and the page-size limit."""

    def __init__(
        self, tasks: TaskRepository, runner: TaskRunner | None, kinds: dict[int, TaskKind] | None = None
    ) -> None:
        self.tasks = tasks
        self.runner = runner
        self.kinds = kinds if kinds is not None else all_kinds()

    def create(self, code: int, request: Any, account_id: str) -> Any:
        kind = self.kinds[code]
        body = json_body(request.body, request.params, body_schema(kind), has_params=request.HasField("params"))
        validate_json(body["content"], kind.schema)
        task_id = self.tasks.create(account_id, code, body.get("description", ""), body["content"])
        if self.runner is not None:
            self.runner.wake()
        return tasks_service_pb2.CreateTaskResponse(task_id=task_id)

    def task(self, value: str, account_id: str | None) -> TaskRow:
        task_id = int_id(value, "task_id")
        row = self.tasks.get(task_id, account_id)
        if row is None:
            raise LunaError(errors.TASK_NOT_FOUND, id=task_id)
        return row

    def list_tasks(self, request: Any, account_id: str | None, max_page: int) -> httpbody_pb2.HttpBody:
        offset, limit = page_params(request, max_page)
        rows = self.tasks.find(task_filter(request, account_id), offset=offset, limit=limit)
        return json_http_body({"tasks": [task_json(row) for row in rows]})

    def count_tasks(self, request: Any, account_id: str | None) -> tasks_service_pb2.TasksCountResponse:
        return tasks_service_pb2.TasksCountResponse(count=self.tasks.count(task_filter(request, account_id)))

    def list_errors(self, request: Any, account_id: str | None, max_page: int) -> httpbody_pb2.HttpBody:
        offset, limit = page_params(request, max_page)
        rows = self.tasks.errors(error_filter(request, account_id), offset=offset, limit=limit)
        return json_http_body({"errors": [error_json(row) for row in rows]})

    def count_errors(self, request: Any, account_id: str | None) -> tasks_service_pb2.TasksCountResponse:
        return tasks_service_pb2.TasksCountResponse(count=self.tasks.count_errors(error_filter(request, account_id)))

    def error(self, value: str, account_id: str | None) -> httpbody_pb2.HttpBody:
        error_id = int_id(value, "error_id")
        rows = self.tasks.errors(ErrorFilter(account_id=account_id, error_ids=[error_id]), offset=0, limit=1)
        if not rows:
            raise LunaError(errors.TASK_ERROR_NOT_FOUND, id=error_id)
        return json_http_body(error_json(rows[0]))

    def cancel(self, value: str, account_id: str | None) -> common_pb2.NoContent:
        row = self.task(value, account_id)
        if row["task_status"] in FINISHED or not self.tasks.cancel(row["task_id"]):
            raise LunaError(errors.TASK_FINISHED, id=row["task_id"])
        return common_pb2.NoContent()

    def delete(self, value: str, account_id: str | None) -> common_pb2.NoContent:
        row = self.task(value, account_id)
        if not self.tasks.delete(row["task_id"], account_id):
            raise LunaError(errors.TASK_NOT_FOUND, id=row["task_id"])
        return common_pb2.NoContent()

    def result(self, value: str, account_id: str | None, call: Call) -> httpbody_pb2.HttpBody:
        row = self.task(value, account_id)
        stored = self.tasks.result(row["result_id"]) if row["result_id"] else None
        if stored is None:
            raise LunaError(errors.TASK_RESULT_NOT_FOUND, id=row["task_id"])
        content_type, data = stored
        if content_type != JSON_TYPE:
            return httpbody_pb2.HttpBody(content_type=content_type, data=data)
        result = json.loads(data)
        plot_id = result.get("plot_result_id") if isinstance(result, dict) else None
        if plot_id and preferred(accept_header(call.grpc_context), [JSON_TYPE, PNG_TYPE], JSON_TYPE) == PNG_TYPE:
            plot = self.tasks.result(plot_id)
            if plot is not None:
                return httpbody_pb2.HttpBody(content_type=plot[0], data=plot[1])
        task_errors = self.tasks.errors(ErrorFilter(task_ids=[row["task_id"]]), offset=0, limit=1000)
        return json_http_body({"result": result, "errors": [error_json(e) for e in task_errors]})

    def subtasks(self, value: str, account_id: str | None) -> httpbody_pb2.HttpBody:
        row = self.task(value, account_id)
        return json_http_body({"subtasks": [subtask_json(s) for s in self.tasks.subtasks(row["task_id"])]})

    def task_errors(self, request: Any, account_id: str | None, max_page: int) -> httpbody_pb2.HttpBody:
        row = self.task(request.task_id, account_id)
        offset, limit = page_params(request, max_page)
        rows = self.tasks.errors(ErrorFilter(task_ids=[row["task_id"]]), offset=offset, limit=limit)
        return json_http_body({"errors": [error_json(e) for e in rows]})


class TaskCreation:
    """POST /6/tasks/{type} and POST /1/tasks/{type}: the same creations on both servicers (luna_rpc resolves each
    method against the proto service of the servicer it is called on, server/rpc.py `rpc_info`)."""

    ops: TaskOperations

    @luna_rpc(account_required=True)
    def CreateLinkerTask(self, request: Any, call: Call) -> Any:
        return self.ops.create(1, request, call.require_account())

    @luna_rpc(account_required=True)
    def CreateClusteringTask(self, request: Any, call: Call) -> Any:
        return self.ops.create(2, request, call.require_account())

    @luna_rpc(account_required=True)
    def CreateGcTask(self, request: Any, call: Call) -> Any:
        return self.ops.create(4, request, call.require_account())

    @luna_rpc(account_required=True)
    def CreateCrossMatchTask(self, request: Any, call: Call) -> Any:
        return self.ops.create(6, request, call.require_account())

    @luna_rpc(account_required=True)
    def CreateRocTask(self, request: Any, call: Call) -> Any:
        return self.ops.create(7, request, call.require_account())

    @luna_rpc(account_required=True)
    def CreateReporterTask(self, request: Any, call: Call) -> Any:
        return self.ops.create(3, request, call.require_account())

    @luna_rpc(account_required=True)
    def CreateExporterTask(self, request: Any, call: Call) -> Any:
        return self.ops.create(8, request, call.require_account())

    @luna_rpc(account_required=True)
    def CreateEstimatorTask(self, request: Any, call: Call) -> Any:
        return self.ops.create(9, request, call.require_account())

    @luna_rpc(account_required=True)
    def CreateAdditionalExtractTask(self, request: Any, call: Call) -> Any:
        return self.ops.create(5, request, call.require_account())


class TasksService(TaskCreation, tasks_service_pb2_grpc.TasksServiceServicer):
    """/6/tasks on the REST port: scoped by Luna-Account-Id, page_size 1..100."""

    def __init__(self, operations: TaskOperations) -> None:
        self.ops = operations

    @luna_rpc()
    def GetTasks(self, request: tasks_service_pb2.GetTasksRequest, call: Call) -> httpbody_pb2.HttpBody:
        return self.ops.list_tasks(request, call.account_id, V6_MAX_PAGE)

    @luna_rpc()
    def CountTasks(self, request: tasks_service_pb2.CountTasksRequest, call: Call) -> Any:
        return self.ops.count_tasks(request, call.account_id)

    @luna_rpc()
    def GetErrors(self, request: tasks_service_pb2.GetErrorsRequest, call: Call) -> httpbody_pb2.HttpBody:
        return self.ops.list_errors(request, call.account_id, V6_MAX_PAGE)

    @luna_rpc()
    def CountErrors(self, request: tasks_service_pb2.CountErrorsRequest, call: Call) -> Any:
        return self.ops.count_errors(request, call.account_id)

    @luna_rpc()
    def GetError(self, request: tasks_service_pb2.GetErrorRequest, call: Call) -> httpbody_pb2.HttpBody:
        return self.ops.error(request.error_id, call.account_id)

    @luna_rpc()
    def GetTask(self, request: Any, call: Call) -> httpbody_pb2.HttpBody:
        return json_http_body(task_json(self.ops.task(request.task_id, call.account_id)))

    @luna_rpc(account_required=True)
    def CancelTask(self, request: Any, call: Call) -> common_pb2.NoContent:
        return self.ops.cancel(request.task_id, call.require_account())

    @luna_rpc(account_required=True)
    def DeleteTask(self, request: Any, call: Call) -> common_pb2.NoContent:
        return self.ops.delete(request.task_id, call.require_account())

    @luna_rpc()
    def GetTaskResult(self, request: Any, call: Call) -> httpbody_pb2.HttpBody:
        return self.ops.result(request.task_id, call.account_id, call)

    @luna_rpc()
    def GetSubtasks(self, request: Any, call: Call) -> httpbody_pb2.HttpBody:
        return self.ops.subtasks(request.task_id, call.account_id)

    @luna_rpc()
    def GetTaskErrors(self, request: tasks_service_pb2.GetTaskErrorsRequest, call: Call) -> httpbody_pb2.HttpBody:
        return self.ops.task_errors(request, call.account_id, V6_MAX_PAGE)


def scope(request: Any) -> str | None:
    """The Tasks API's account scope: the `account_id` query parameter (absent: every account)."""
    return uuid_param(request, "account_id")


class LunaTasksService(TaskCreation, luna_tasks_service_pb2_grpc.LunaTasksServiceServicer):
    """The LUNA Tasks API (/1/..., its own listener): scoped by the account_id query parameter, page_size
    1..1000; creation takes the account from Luna-Account-Id. Its configuration and documents describe this
    service only (Settings.tasks_view(), the OpenAPI document of LunaTasksService's routes)."""

    def __init__(self, operations: TaskOperations, settings: Settings, descriptor_path: Path = DESCRIPTOR_SET) -> None:
        self.ops = operations
        self.settings = settings
        self.docs = ApiDocs(
            descriptor_path,
            TASKS_SPEC_PATH,
            require_account=settings.require_account,
            services=(TASKS_API_SERVICE,),
            title=TASKS_API_TITLE,
            version=str(TASKS_API_VERSION["api"]),
        )

    @luna_rpc()
    def GetTasksVersion(self, request: Any, call: Call) -> Any:
        return json_http_body({"Version": TASKS_API_VERSION})

    @luna_rpc()
    def TasksHealthcheck(self, request: Any, call: Call) -> Any:
        started = time.perf_counter()
        try:
            self.ops.tasks.db.check()
        except Exception as error:  # noqa: BLE001 - any failure of the database is the unhealthy answer
            raise LunaError(errors.UNHEALTHY, component="tasks database", reason=type(error).__name__) from None
        return luna_tasks_service_pb2.TasksHealthcheckResponse(execution_time=time.perf_counter() - started)

    @luna_rpc()
    def GetTasksConfig(self, request: Any, call: Call) -> httpbody_pb2.HttpBody:
        return config_body(masked(self.settings.tasks_view()), call)

    @luna_rpc()
    def GetTasksDocsSpec(self, request: Any, call: Call) -> httpbody_pb2.HttpBody:
        return self.docs.spec(call)

    @luna_rpc()
    def GetTasksDocsDev(self, request: Any, call: Call) -> httpbody_pb2.HttpBody:
        return self.docs.dev(call)

    @luna_rpc()
    def GetTasksDocsDevIndex(self, request: Any, call: Call) -> httpbody_pb2.HttpBody:
        return self.docs.html()

    @luna_rpc()
    def GetTasks(self, request: Any, call: Call) -> httpbody_pb2.HttpBody:
        return self.ops.list_tasks(request, scope(request), TASKS_API_MAX_PAGE)

    @luna_rpc()
    def CountTasks(self, request: Any, call: Call) -> Any:
        return self.ops.count_tasks(request, scope(request))

    @luna_rpc()
    def GetTask(self, request: Any, call: Call) -> httpbody_pb2.HttpBody:
        return json_http_body(task_json(self.ops.task(request.task_id, scope(request))))

    @luna_rpc()
    def CancelTask(self, request: Any, call: Call) -> common_pb2.NoContent:
        return self.ops.cancel(request.task_id, scope(request))

    @luna_rpc()
    def DeleteTask(self, request: Any, call: Call) -> common_pb2.NoContent:
        return self.ops.delete(request.task_id, scope(request))

    @luna_rpc()
    def GetTaskResult(self, request: Any, call: Call) -> httpbody_pb2.HttpBody:
        return self.ops.result(request.task_id, scope(request), call)

    @luna_rpc()
    def GetSubtasks(self, request: Any, call: Call) -> httpbody_pb2.HttpBody:
        return self.ops.subtasks(request.task_id, scope(request))

    @luna_rpc()
    def GetTaskErrors(self, request: Any, call: Call) -> httpbody_pb2.HttpBody:
        return self.ops.task_errors(request, scope(request), TASKS_API_MAX_PAGE)

    @luna_rpc()
    def CountTaskErrors(self, request: Any, call: Call) -> Any:
        row = self.ops.task(request.task_id, scope(request))
        filters = ErrorFilter(
            task_ids=[row["task_id"]],
            error_code=int_param(request, "error_code", 0) if request.HasField("error_code") else None,
            error_time_gte=time_param(request, "error_time__gte"),
            error_time_lt=time_param(request, "error_time__lt"),
        )
        return tasks_service_pb2.TasksCountResponse(count=self.ops.tasks.count_errors(filters))

    @luna_rpc()
    def GetErrors(self, request: Any, call: Call) -> httpbody_pb2.HttpBody:
        return self.ops.list_errors(request, scope(request), TASKS_API_MAX_PAGE)

    @luna_rpc()
    def CountErrors(self, request: Any, call: Call) -> Any:
        return self.ops.count_errors(request, scope(request))

    @luna_rpc()
    def GetError(self, request: Any, call: Call) -> httpbody_pb2.HttpBody:
        return self.ops.error(request.error_id, scope(request))


# The worker process writes its heartbeat every second (server/tasks/worker.py); older than this: not responding.
WORKER_STALE_S = 10.0


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # an exited child not yet reaped by its parent (the stack) is a zombie: not running
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def check_tasks(tasks: TaskRepository, data_dir: Path, workers: int) -> None:
    """The Tasks service is healthy when its database answers and, with workers configured, the worker process
    (server/tasks/worker.py) runs with every worker thread."""
    tasks.db.check()
    if workers <= 0:
        return
    beat = read_heartbeat(data_dir)
    if beat is None or not _alive(int(beat.get("pid", 0))):
        raise CheckFailedError("the task worker process is not running")
    if time.time() - float(beat.get("time", 0.0)) > WORKER_STALE_S:
        raise CheckFailedError("the task worker process does not respond")
    if int(beat.get("stopped", 0)):
        raise CheckFailedError(f"{beat['stopped']} of {beat.get('workers')} task worker threads stopped")


def register(server: Any, context: Any) -> None:
    """The Tasks services. Task work runs in the worker process (server/tasks/worker.py, started by the stack
    when LUMEN_TASKS_WORKERS > 0); this process serves the RPCs (tasks.sqlite3 only) and runs the workers' writes
    (server/tasks/effects.py) through the internal RPC of server/tasks/remote.py."""
    settings = context.settings
    tasks = TaskRepository(settings.data_dir)
    kinds = {**all_kinds(), **more_kinds(context.face_inference, settings.tasks_estimator_root)}
    effects_context = EffectsContext(context.storage, context.matching, context.face_inference)
    server.add_generic_rpc_handlers((effects_handler(effects_context, server_token(settings.data_dir)),))
    operations = TaskOperations(tasks, None, kinds)
    register_health_check("tasks", lambda: check_tasks(tasks, settings.data_dir, settings.tasks_workers))
    tasks_service_pb2_grpc.add_TasksServiceServicer_to_server(TasksService(operations), server)
    luna_tasks_service_pb2_grpc.add_LunaTasksServiceServicer_to_server(LunaTasksService(operations, settings), server)
    context.service_names.append(tasks_service_pb2.DESCRIPTOR.services_by_name["TasksService"].full_name)
    context.service_names.append(luna_tasks_service_pb2.DESCRIPTOR.services_by_name["LunaTasksService"].full_name)
