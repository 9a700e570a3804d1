"""Cross-match (task type 6): every reference face matched against a candidate set of faces.

Content (v6 §7.4): {filters: {reference_type: "faces" | "events", candidate_type: "faces" | "events",
reference_filters: {face or event filters}, candidate_filters: {...}, descriptor?: {type: "face"}, account_id?},
threshold?: num (LUNA similarity, default 0), limit?: int (candidates per reference, default 3, at most 100)}.
Attributes as references or candidates are not built yet. Candidates are {"face_id" | "event_id", "similarity"}.
Plan: reference faces with a descriptor (28010 when none), candidate ids (28010 when none), subtasks of reference
rows. Run: the matcher's exact search (server/matching) restricted to the candidates; a reference is never its own
candidate. Merge: {"matches": [{"reference_id", "candidates": [{"face_id", "similarity"}]}] in reference order,
"total_references", "total_candidates"}.
"""

from __future__ import annotations

from typing import Any

from server import errors
from server.errors import LunaError
from server.storage.repositories.tasks import TaskRow
from server.tasks import objects
from server.tasks.base import Output, Plan, TaskEnv, row_ranges

MAX_LIMIT = 100
DEFAULT_LIMIT = 3

def _filters_of(side: str) -> dict[str, Any]:
    """The filters of one side follow its type: event filters for "events", face filters otherwise."""
    return {
        "if": {"properties": {f"{side}_type": {"const": "events"}}},
        "then": {"properties": {f"{side}_filters": objects.EVENT_FILTERS_SCHEMA}},
        "else": {"properties": {f"{side}_filters": objects.FACE_FILTERS_SCHEMA}},
    }


SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "filters": {
            "type": "object",
            "properties": {
                "reference_type": {"enum": ["faces", "events"]},
                "candidate_type": {"enum": ["faces", "events"]},
                "reference_filters": {"type": "object"},
                "candidate_filters": {"type": "object"},
                "descriptor": {
                    "type": "object",
                    "properties": {"type": {"enum": ["face"]}},
                    "additionalProperties": False,
                },
                "account_id": objects.FACE_FILTERS_SCHEMA["properties"]["account_id"],
            },
            "required": ["reference_type", "candidate_type"],
            "additionalProperties": False,
            "allOf": [_filters_of("reference"), _filters_of("candidate")],
        },
        "threshold": {"type": "number", "minimum": 0, "maximum": 1},
        "limit": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT},
    },
    "required": ["filters"],
    "additionalProperties": False,
}


class CrossMatch:
    code = 6
    name = "cross_match"
    schema = SCHEMA

    def plan(self, env: TaskEnv, task: TaskRow, content: dict[str, Any]) -> Plan:
        filters = content["filters"]
        account_id = task["account_id"]
        objects.check_account(filters, account_id)
        kinds = filters["reference_type"], filters["candidate_type"]
        references = objects.select_ids(env, kinds[0], filters.get("reference_filters", {}), account_id)
        kept, _ = objects.vectors(env, kinds[0], references)
        if not kept:
            raise LunaError(errors.TASK_OBJECTS_NOT_FOUND, task="cross_match (references)")
        candidates = objects.select_ids(env, kinds[1], filters.get("candidate_filters", {}), account_id)
        if not candidates:
            raise LunaError(errors.TASK_OBJECTS_NOT_FOUND, task="cross_match (candidates)")
        return Plan(row_ranges(len(kept), env.subtask_size), {"references": kept, "candidates": candidates})

    def run(self, env: TaskEnv, task: TaskRow, content: dict[str, Any], state: dict[str, Any] | None) -> Output:
        assert state is not None
        task_content = objects.content_of(task)
        start, end = content["rows"]
        ids: list[str] = state["references"][start:end]
        sides = task_content["filters"]
        reference_type, candidate_type = sides["reference_type"], sides["candidate_type"]
        found, matrix = objects.vectors(env, reference_type, ids)
        env.check_cancelled()
        limit = int(task_content.get("limit", DEFAULT_LIMIT))
        out: list[dict[str, Any]] = []
        search = env.matching.events.search if candidate_type == "events" else env.matching.search
        key = "event_id" if candidate_type == "events" else "face_id"
        if found:
            matches = search(
                matrix,
                account_id=task["account_id"],
                candidate_ids=state["candidates"],
                limit=limit + 1,
                threshold=float(task_content.get("threshold", 0.0)),
            )
            by_id = dict(zip(found, matches, strict=True))
        else:
            by_id = {}
        for reference_id in ids:  # a reference deleted since planning gets no candidates
            hits = [m for m in by_id.get(reference_id, []) if m.face_id != reference_id][:limit]
            out.append(
                {
                    "reference_id": reference_id,
                    "candidates": [{key: m.face_id, "similarity": float(m.similarity)} for m in hits],
                }
            )
        return out

    def merge(
        self, env: TaskEnv, task: TaskRow, outputs: list[tuple[dict[str, Any], Output]], state: dict[str, Any] | None
    ) -> Output:
        assert state is not None
        ordered = sorted(outputs, key=lambda item: item[0]["rows"][0])
        matches = [match for _, output in ordered if isinstance(output, list) for match in output]
        return {
            "matches": matches,
            "total_references": len(state["references"]),
            "total_candidates": len(state["candidates"]),
        }
