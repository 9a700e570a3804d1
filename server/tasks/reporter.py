"""Reporter (task type 3, API-105): the result of a finished clustering task as a CSV in a ZIP.

Content (v6 §7.4): {filters: {task_id: int (a clustering task of the account), account_id?}, columns?: [str]
(the clustered objects' columns, server/tasks/export.py), csv_delimiter?: one character (default ","),
save_images?: 0|1}. Plan: the clustering task must be of the account (28001 otherwise) and done (28020
otherwise); its clusters are numbered from 1 in the order of its result (largest first) and the (cluster, object)
pairs split into subtasks. Run: the rows of the subtask's objects that still exist. Merge: a ZIP with
`report.csv`, columns `cluster_id`, the object id (`face_id` / `event_id`), then the requested columns (default:
every column but the descriptor); with save_images=1 the objects' samples as `images/<cluster_id>/<sample_id>.jpg`.
"""

from __future__ import annotations

import json
from typing import Any

from server import errors
from server.errors import LunaError
from server.storage.repositories.tasks import TaskRow
from server.tasks import export, objects
from server.tasks.base import Binary, Output, Plan, TaskEnv, chunked
from server.tasks.clustering import Clustering

DONE = 5
_ALL_COLUMNS = list(dict.fromkeys([*export.FACE_COLUMNS, *export.EVENT_COLUMNS]))

SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "filters": {
            "type": "object",
            "properties": {
                "task_id": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1},
                "account_id": objects.FACE_FILTERS_SCHEMA["properties"]["account_id"],
            },
            "required": ["task_id"],
            "additionalProperties": False,
        },
        "columns": export.columns_schema(_ALL_COLUMNS),
        "csv_delimiter": export.DELIMITER_SCHEMA,
        "save_images": export.SAVE_IMAGES_SCHEMA,
    },
    "required": ["filters"],
    "additionalProperties": False,
}


def report_columns(objects_type: str, given: list[str] | None) -> list[str]:
    """The object's columns after cluster_id and the object id (12022 for a column the objects do not have)."""
    known = export.EVENT_COLUMNS if objects_type == "events" else export.FACE_COLUMNS
    unknown = [column for column in given or [] if column not in known]
    if unknown:
        raise LunaError(errors.JSON_VALIDATION, path="content.columns", message=f"{objects_type} have no such column")
    id_column = known[0]
    return [column for column in export.columns_of(objects_type, given) if column != id_column]


class Reporter:
    code = 3
    name = "reporter"
    schema = SCHEMA

    def plan(self, env: TaskEnv, task: TaskRow, content: dict[str, Any]) -> Plan:
        account_id = task["account_id"]
        objects.check_account(content["filters"], account_id)
        source_id = int(content["filters"]["task_id"])
        source = env.tasks.get(source_id, account_id)
        if source is None:
            raise LunaError(errors.TASK_NOT_FOUND, id=source_id)
        stored = env.tasks.result(source["result_id"]) if source["result_id"] else None
        if source["task_type"] != Clustering.code or source["task_status"] != DONE or stored is None:
            raise LunaError(errors.TASK_NOT_CLUSTERING, id=source_id)
        objects_type = json.loads(source["content"]).get("objects_type", "faces")
        report_columns(objects_type, content.get("columns"))
        clusters = json.loads(stored[1])["clusters"]
        pairs = [[number, object_id] for number, cluster in enumerate(clusters, start=1) for object_id in cluster]
        if not pairs:
            raise LunaError(errors.TASK_OBJECTS_NOT_FOUND, task="reporter")
        parts = chunked(pairs, env.subtask_size)
        return Plan([{"part": i, "pairs": part} for i, part in enumerate(parts)], {"objects_type": objects_type})

    def run(self, env: TaskEnv, task: TaskRow, content: dict[str, Any], state: dict[str, Any] | None) -> Output:
        assert state is not None
        objects_type = state["objects_type"]
        columns = [export.EVENT_COLUMNS[0] if objects_type == "events" else export.FACE_COLUMNS[0]]
        columns += report_columns(objects_type, objects.content_of(task).get("columns"))
        ids = [object_id for _, object_id in content["pairs"]]
        found = export.object_rows(env, objects_type, task["account_id"], ids, columns)
        cluster_of = {object_id: number for number, object_id in content["pairs"]}
        return {
            "rows": [[str(cluster_of[row[0]]), *row] for row in found.rows],
            "samples": [[cluster_of[row[0]], samples] for row, samples in zip(found.rows, found.samples, strict=True)],
        }

    def merge(
        self, env: TaskEnv, task: TaskRow, outputs: list[tuple[dict[str, Any], Output]], state: dict[str, Any] | None
    ) -> Output:
        assert state is not None
        objects_type = state["objects_type"]
        task_content = objects.content_of(task)
        id_column = export.EVENT_COLUMNS[0] if objects_type == "events" else export.FACE_COLUMNS[0]
        header = ["cluster_id", id_column, *report_columns(objects_type, task_content.get("columns"))]
        ordered = [output for _, output in sorted(outputs, key=lambda item: int(item[0]["part"]))]
        rows = [row for output in ordered if isinstance(output, dict) for row in output["rows"]]
        images: list[tuple[str, str]] = []
        if task_content.get("save_images") in (1, True):
            images = [
                (f"images/{number}", sample_id)
                for output in ordered
                if isinstance(output, dict)
                for number, samples in output["samples"]
                for sample_id in samples
            ]
        text = export.csv_text(header, rows, str(task_content.get("csv_delimiter", ",")))
        return Binary(export.ZIP_TYPE, export.zip_archive(env, task["account_id"], "report.csv", text, images))
