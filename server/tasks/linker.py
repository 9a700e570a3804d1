"""Linker (task type 1): faces selected by filters attached to a list (v6 §7.1 "Linker behaviour").

Plan: the list must exist in the account (22003 otherwise), or is created when create_list=1 (its id is derived
from the task, so a re-planned task after a crash reuses it); the selected face ids (28010 when none) are split
into subtasks of at most LUMEN_TASKS_SUBTASK_SIZE (1000) ids. Run: one faces-database transaction links the
subtask's faces that still exist (a face is never half-linked; re-running is harmless). Merge: {"list_id",
"linked_faces_count", "face_ids"} (every linked face, in id order).

objects_type "events" (§7.1): the selected events (event filters, with a descriptor) become faces: each event
gets a face (id derived from the task and the event, so a re-run finds it) with event_id, user_data and
external_id of the event, an attribute with the event's descriptor, basic attributes (age, gender, ethnicity) and
face samples, linked to the list, all in the subtask's one transaction.
"""

from __future__ import annotations

import uuid
from typing import Any

from server import errors
from server.errors import LunaError
from server.storage.repositories.tasks import TaskRow
from server.tasks import objects
from server.tasks.base import Output, Plan, TaskEnv, chunked
from server.validation import UUID_SCHEMA

LIST_NAMESPACE = uuid.UUID("5b0c3f84-2d1e-4d55-9a43-6c1c7a0c2b11")

SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "create_list": {"enum": [0, 1, True, False]},
        "list_id": UUID_SCHEMA,
        "user_data": {"type": "string", "maxLength": 128},
        "objects_type": {"enum": ["faces", "events"]},
        "filters": {"type": "object"},
    },
    "required": ["objects_type"],
    "additionalProperties": False,
    "if": {"properties": {"objects_type": {"const": "events"}}},
    "then": {"properties": {"filters": objects.EVENT_FILTERS_SCHEMA}},
    "else": {"properties": {"filters": objects.FACE_FILTERS_SCHEMA}},
    "anyOf": [
        {"required": ["list_id"]},
        {"properties": {"create_list": {"enum": [1, True]}}, "required": ["create_list"]},
    ],
}


class Linker:
    code = 1
    name = "linker"
    schema = SCHEMA

    def plan(self, env: TaskEnv, task: TaskRow, content: dict[str, Any]) -> Plan:
        account_id = task["account_id"]
        objects_type = content["objects_type"]
        ids = objects.select_ids(env, objects_type, content.get("filters", {}), account_id)
        if not ids:  # before a list is created for nothing
            raise LunaError(errors.TASK_OBJECTS_NOT_FOUND, task="linker")
        if content.get("create_list") in (1, True):
            list_id = str(uuid.uuid5(LIST_NAMESPACE, f"{task['task_id']}/{task['create_time']}"))
            user_data = str(content.get("user_data", ""))
            env.apply("create_list", {"list_id": list_id, "account_id": account_id, "user_data": user_data})
        else:
            list_id = str(content["list_id"]).lower()
            if env.storage.lists.get(list_id, account_id) is None:
                raise LunaError(errors.LIST_NOT_FOUND, id=list_id)
        key = "event_ids" if objects_type == "events" else "face_ids"
        return Plan([{key: part} for part in chunked(ids, env.subtask_size)], {"list_id": list_id})

    def run(self, env: TaskEnv, task: TaskRow, content: dict[str, Any], state: dict[str, Any] | None) -> Output:
        assert state is not None
        list_id, account_id = state["list_id"], task["account_id"]
        env.check_cancelled()
        if "event_ids" in content:
            return faces_from_events(env, task, list_id, content["event_ids"])
        found = env.apply("link_faces", {"list_id": list_id, "account_id": account_id, "face_ids": content["face_ids"]})
        return {"face_ids": found}

    def merge(
        self, env: TaskEnv, task: TaskRow, outputs: list[tuple[dict[str, Any], Output]], state: dict[str, Any] | None
    ) -> Output:
        assert state is not None
        linked = sorted(i for _, output in outputs if isinstance(output, dict) for i in output.get("face_ids", []))
        return {"list_id": state["list_id"], "linked_faces_count": len(linked), "face_ids": linked}


def faces_from_events(env: TaskEnv, task: TaskRow, list_id: str, event_ids: list[str]) -> Output:
    """One face per event with a descriptor (created once: its id is derived from the task and the event), linked
    to the list (server/tasks/effects.py link_event_faces: one transaction in the server process)."""
    payload = {"task_id": task["task_id"], "list_id": list_id, "account_id": task["account_id"], "event_ids": event_ids}
    return {"face_ids": env.apply("link_event_faces", payload)}
