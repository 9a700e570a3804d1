"""Garbage collection (task type 4) of events (v6 §7.4 GcEventsTaskContent).

Content: {target: "events", filters: {create_time__lt?, create_time__gte?, insert_time__lt?, handler_id?,
handler_ids?, sources?, ...event filters}, store_results?: bool (default true), remove_samples?: bool (default
false), remove_image_origins?: bool (default false)}. Lumen keeps no insert time apart from the stored create_time:
insert_time__lt filters on it (inferred). At least one filter besides the account is required (a gc of a whole
account by mistake is refused: 12022).
Plan: the selected event ids (none: the task is done with an empty result), subtasks of LUMEN_TASKS_SUBTASK_SIZE.
Run: one events-database transaction deletes the subtask's events (tags with them; descriptors leave LanceDB and
the matching index after commit), then their face samples (remove_samples) and their "/6/images/{id}" image
origins (remove_image_origins) are deleted. A re-run after a crash finds the committed part gone and reports only
what it removed. Merge: [{"event_id", "samples": [sample ids]}] (store_results), else [].

Face descriptors of an old version (after a descriptor model update, docs/model-updates.md): {target:
"face_descriptors", descriptor_version: int (a configured version other than the current one: 12022 otherwise),
filters?: face filters, store_results?}. Plan: the selected faces of the account whose attribute has that version.
Run: one faces-database transaction per subtask removes that version's descriptor from each face (the other
versions, the basic attributes and the samples stay; LanceDB follows through the journal). A face left without any
descriptor keeps its attribute. Merge: [{"face_id"}] (store_results), else [].
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from server import errors
from server.errors import LunaError
from server.storage.descriptors import FORMATS, current_version, supported_versions
from server.storage.repositories.tasks import TaskRow
from server.tasks import objects
from server.tasks.base import Output, Plan, TaskEnv, chunked

IMAGE_ORIGIN_PREFIX = "/6/images/"
SAMPLES_BUCKET = "samples/faces"
IMAGES_BUCKET = "images"
_FILTERS = {
    **objects.EVENT_FILTERS_SCHEMA["properties"],
    "insert_time__lt": objects.EVENT_FILTERS_SCHEMA["properties"]["create_time__lt"],
    "handler_id": objects.EVENT_FILTERS_SCHEMA["properties"]["account_id"],
}

EVENTS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "target": {"enum": ["events"]},
        "filters": {
            "type": "object",
            "properties": _FILTERS,
            "additionalProperties": False,
            "minProperties": 1,
            "not": {"required": ["account_id"], "maxProperties": 1},
        },
        "store_results": {"type": "boolean"},
        "remove_samples": {"type": "boolean"},
        "remove_image_origins": {"type": "boolean"},
    },
    "required": ["target", "filters"],
    "additionalProperties": False,
}
FACE_DESCRIPTORS = "face_descriptors"
FACE_DESCRIPTORS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "target": {"enum": [FACE_DESCRIPTORS]},
        "descriptor_version": {"type": "integer", "minimum": 1},
        "filters": objects.FACE_FILTERS_SCHEMA,
        "store_results": {"type": "boolean"},
    },
    "required": ["target", "descriptor_version"],
    "additionalProperties": False,
}
SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"target": {"enum": ["events", FACE_DESCRIPTORS]}},
    "required": ["target"],
    "if": {"properties": {"target": {"const": FACE_DESCRIPTORS}}},
    "then": FACE_DESCRIPTORS_SCHEMA,
    "else": EVENTS_SCHEMA,
}


def event_filters(filters: dict[str, Any]) -> dict[str, Any]:
    """The gc filters as event filters (handler_id -> handler_ids, insert_time__lt -> create_time__lt)."""
    out = {k: v for k, v in filters.items() if k not in ("handler_id", "insert_time__lt")}
    if "handler_id" in filters:
        out["handler_ids"] = [*out.get("handler_ids", []), filters["handler_id"]]
    if "insert_time__lt" in filters and "create_time__lt" not in out:
        out["create_time__lt"] = filters["insert_time__lt"]
    return out


class Gc:
    code = 4
    name = "gc"
    schema = SCHEMA

    def plan(self, env: TaskEnv, task: TaskRow, content: dict[str, Any]) -> Plan:
        if content["target"] == FACE_DESCRIPTORS:
            return self._plan_descriptors(env, task, content)
        filters = event_filters(content["filters"])
        objects.check_account(filters, task["account_id"])
        event_filter = objects.event_filter(filters, task["account_id"])
        selected = env.storage.events.repository.ids(replace(event_filter, with_descriptor=None))
        ids = sorted(event_id for event_id, _ in selected)
        return Plan([{"event_ids": part} for part in chunked(ids, env.subtask_size)])

    @staticmethod
    def _plan_descriptors(env: TaskEnv, task: TaskRow, content: dict[str, Any]) -> Plan:
        version = int(content["descriptor_version"])
        current = current_version()
        if version not in FORMATS or version == current:
            message = f"not a descriptor version to collect: known {supported_versions()}, current {current}"
            raise LunaError(errors.JSON_VALIDATION, path="content.descriptor_version", message=message)
        ids = objects.select_ids(env, "faces", content.get("filters", {}), task["account_id"])
        with_version: list[str] = []
        for part in chunked(ids, 1000):  # bounded IN lists
            stored = env.storage.faces.attributes(part)
            with_version += [i for i in part if i in stored and version in stored[i].descriptor_versions]
        return Plan([{"face_ids": part} for part in chunked(with_version, env.subtask_size)])

    def run(self, env: TaskEnv, task: TaskRow, content: dict[str, Any], state: dict[str, Any] | None) -> Output:
        task_content = objects.content_of(task)
        account_id = task["account_id"]
        env.check_cancelled()
        if task_content["target"] == FACE_DESCRIPTORS:
            payload = {
                "account_id": account_id,
                "face_ids": content["face_ids"],
                "version": int(task_content["descriptor_version"]),
            }
            dropped: list[str] = env.apply("drop_descriptor_version", payload)
            return [{"face_id": face_id} for face_id in dropped]
        payload = {
            "account_id": account_id,
            "event_ids": content["event_ids"],
            "remove_samples": bool(task_content.get("remove_samples")),
            "remove_image_origins": bool(task_content.get("remove_image_origins")),
        }
        removed: list[dict[str, Any]] = env.apply("delete_events", payload)
        return removed

    def merge(
        self, env: TaskEnv, task: TaskRow, outputs: list[tuple[dict[str, Any], Output]], state: dict[str, Any] | None
    ) -> Output:
        if objects.content_of(task).get("store_results", True) is False:
            return []
        return [item for _, output in outputs if isinstance(output, list) for item in output]
