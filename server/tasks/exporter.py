"""Exporter (task type 8, API-107): faces or events selected by filters written to a CSV in a ZIP.

Content (v6 §7.4): {objects_type: "faces" | "events", filters?: {face filters | event filters}, columns?: [str]
(server/tasks/export.py; default every column but the descriptor), descriptor?: {type: "face"}, csv_delimiter?:
one character (default ","), save_images?: 0|1}. Plan: the selected ids (28010 when none) in subtasks of
LUMEN_TASKS_SUBTASK_SIZE. Run: the CSV rows of the subtask's objects that still exist (JSON). Merge: a ZIP with
`faces.csv` / `events.csv` (a header row, then one row per object in id order) and, with save_images=1, every
sample of the exported objects as `images/<sample_id>.jpg`. GET /6/tasks/{id}/result answers it as
application/zip.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from server import errors
from server.errors import LunaError
from server.storage.repositories.tasks import TaskRow
from server.tasks import export, objects
from server.tasks.base import Binary, Output, Plan, TaskEnv, chunked

SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "objects_type": {"enum": ["faces", "events"]},
        "filters": {"type": "object"},
        "columns": {"type": "array"},
        "descriptor": {
            "type": "object",
            "properties": {"type": {"enum": ["face"]}},
            "additionalProperties": False,
        },
        "csv_delimiter": export.DELIMITER_SCHEMA,
        "save_images": export.SAVE_IMAGES_SCHEMA,
    },
    "required": ["objects_type"],
    "additionalProperties": False,
    "allOf": [
        {
            "if": {"properties": {"objects_type": {"const": "events"}}},
            "then": {
                "properties": {
                    "filters": objects.EVENT_FILTERS_SCHEMA,
                    "columns": export.columns_schema(export.EVENT_COLUMNS),
                }
            },
            "else": {
                "properties": {
                    "filters": objects.FACE_FILTERS_SCHEMA,
                    "columns": export.columns_schema(export.FACE_COLUMNS),
                }
            },
        }
    ],
}


def select_all(env: TaskEnv, objects_type: str, filters: dict[str, Any], account_id: str) -> list[str]:
    """The ids selected by the filters, events with or without a descriptor."""
    if objects_type == "events":
        chosen = dataclasses.replace(objects.event_filter(filters, account_id), with_descriptor=None)
        return sorted(event_id for event_id, _ in env.storage.events.repository.ids(chosen))
    return objects.select_ids(env, "faces", filters, account_id)


class Exporter:
    code = 8
    name = "exporter"
    schema = SCHEMA

    def plan(self, env: TaskEnv, task: TaskRow, content: dict[str, Any]) -> Plan:
        ids = select_all(env, content["objects_type"], content.get("filters", {}), task["account_id"])
        if not ids:
            raise LunaError(errors.TASK_OBJECTS_NOT_FOUND, task="exporter")
        return Plan([{"ids": part} for part in chunked(ids, env.subtask_size)])

    def run(self, env: TaskEnv, task: TaskRow, content: dict[str, Any], state: dict[str, Any] | None) -> Output:
        task_content = objects.content_of(task)
        objects_type = task_content["objects_type"]
        columns = export.columns_of(objects_type, task_content.get("columns"))
        return export.object_rows(env, objects_type, task["account_id"], content["ids"], columns).to_json()

    def merge(
        self, env: TaskEnv, task: TaskRow, outputs: list[tuple[dict[str, Any], Output]], state: dict[str, Any] | None
    ) -> Output:
        task_content = objects.content_of(task)
        objects_type = task_content["objects_type"]
        columns = export.columns_of(objects_type, task_content.get("columns"))
        ordered = sorted(outputs, key=lambda item: item[0]["ids"][0])
        rows = [row for _, output in ordered if isinstance(output, dict) for row in output["rows"]]
        images: list[tuple[str, str]] = []
        if task_content.get("save_images") in (1, True):
            images = [
                ("images", sample_id)
                for _, output in ordered
                if isinstance(output, dict)
                for samples in output["samples"]
                for sample_id in samples
            ]
        text = export.csv_text(columns, rows, str(task_content.get("csv_delimiter", ",")))
        archive = export.zip_archive(env, task["account_id"], f"{objects_type}.csv", text, images)
        return Binary(export.ZIP_TYPE, archive)
