"""Cross-match (task type 6): every reference matched against a candidate set of faces, events or attributes.

Content (v6 §7.4): {filters: {reference_type: "faces" | "events" | "attributes", candidate_type: same set,
reference_filters: {face, event or attribute filters}, candidate_filters: {...}, descriptor?: {type: "face"},
account_id?}, threshold?: num (LUNA similarity, default 0), limit?: int (candidates per reference, default 3, at
most 100)}. Attribute filters: {attribute_ids?, account_id?}: the live temporary attributes (POST /6/extractor,
/6/attributes) of the account, expired ones are not found; each requested attribute_id that is not found (unknown,
expired, another account's, no descriptor of the task's version) is a task error 22011 (additional_info: the id).
Candidates are {"face_id" | "event_id" | "attribute_id", "similarity"}.
Plan: references with a descriptor (28010 when none), candidate ids (28010 when none), subtasks of reference rows.
Run: the matcher's exact search (server/matching) restricted to the candidates (attribute candidates: an index of
their descriptors built for the subtask); a reference is never its own candidate. Merge: {"matches":
[{"reference_id", "candidates": [...]}] in reference order, "total_references", "total_candidates"}.
Descriptors are of the version of the worker's matching snapshot (faces, events), attributes' are read from
storage (the worker's read-only view) in that version.
"""

from __future__ import annotations

from typing import Any

from server import errors
from server.errors import LunaError
from server.matching.index import DescriptorIndex, Match
from server.storage.repositories.tasks import NewError, TaskRow
from server.tasks import objects
from server.tasks.base import Output, Plan, TaskEnv, row_ranges

MAX_LIMIT = 100
DEFAULT_LIMIT = 3

TYPES = ("faces", "events", "attributes")
# The id key of a candidate of each type.
CANDIDATE_KEYS = {"faces": "face_id", "events": "event_id", "attributes": "attribute_id"}
FILTERS_SCHEMAS = {
    "faces": objects.FACE_FILTERS_SCHEMA,
    "events": objects.EVENT_FILTERS_SCHEMA,
    "attributes": objects.ATTRIBUTE_FILTERS_SCHEMA,
}


def _filters_of(side: str) -> list[dict[str, Any]]:
    """The filters of one side follow its type."""
    return [
        {
            "if": {"properties": {f"{side}_type": {"const": kind}}},
            "then": {"properties": {f"{side}_filters": schema}},
        }
        for kind, schema in FILTERS_SCHEMAS.items()
    ]


SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "filters": {
            "type": "object",
            "properties": {
                "reference_type": {"enum": list(TYPES)},
                "candidate_type": {"enum": list(TYPES)},
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
            "allOf": [*_filters_of("reference"), *_filters_of("candidate")],
        },
        "threshold": {"type": "number", "minimum": 0, "maximum": 1},
        "limit": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT},
    },
    "required": ["filters"],
    "additionalProperties": False,
}


def _report_missing(env: TaskEnv, task: TaskRow, kind: str, filters: dict[str, Any], found: list[str]) -> None:
    """Each attribute_id asked for and not found is a task error 22011 (the task goes on with the others)."""
    if kind != "attributes" or "attribute_ids" not in filters:
        return
    have = set(found)
    spec = errors.ATTRIBUTE_NOT_FOUND
    for attribute_id in dict.fromkeys(str(a).lower() for a in filters["attribute_ids"]):
        if attribute_id not in have:
            detail = spec.detail.format(id=attribute_id)
            env.tasks.add_error(task, None, NewError(spec.code, spec.http_status, spec.desc, detail, attribute_id))


class CrossMatch:
    code = 6
    name = "cross_match"
    schema = SCHEMA

    def plan(self, env: TaskEnv, task: TaskRow, content: dict[str, Any]) -> Plan:
        filters = content["filters"]
        account_id = task["account_id"]
        objects.check_account(filters, account_id)
        kinds = filters["reference_type"], filters["candidate_type"]
        reference_filters = filters.get("reference_filters", {})
        candidate_filters = filters.get("candidate_filters", {})
        references = objects.select_ids(env, kinds[0], reference_filters, account_id)
        kept, _ = objects.vectors(env, kinds[0], references)
        _report_missing(env, task, kinds[0], reference_filters, kept)
        candidates = objects.select_ids(env, kinds[1], candidate_filters, account_id)
        _report_missing(env, task, kinds[1], candidate_filters, candidates)
        if not kept:
            raise LunaError(errors.TASK_OBJECTS_NOT_FOUND, task="cross_match (references)")
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
        key = CANDIDATE_KEYS[candidate_type]
        if found:
            matches = self._search(env, task, candidate_type, state["candidates"], matrix, limit + 1, task_content)
            by_id = dict(zip(found, matches, strict=True))
        else:
            by_id = {}
        for reference_id in ids:  # a reference deleted (or expired) since planning gets no candidates
            hits = [m for m in by_id.get(reference_id, []) if m.face_id != reference_id][:limit]
            out.append(
                {
                    "reference_id": reference_id,
                    "candidates": [{key: m.face_id, "similarity": float(m.similarity)} for m in hits],
                }
            )
        return out

    @staticmethod
    def _search(
        env: TaskEnv,
        task: TaskRow,
        candidate_type: str,
        candidates: list[str],
        matrix: Any,
        limit: int,
        task_content: dict[str, Any],
    ) -> list[list[Match]]:
        threshold = float(task_content.get("threshold", 0.0))
        if candidate_type == "attributes":
            # live attributes only (one expired since planning is no candidate), searched like the faces
            kept, vectors = objects.vectors(env, "attributes", candidates)
            if not kept:
                return [[] for _ in range(len(matrix))]
            index = DescriptorIndex(vectors.shape[1], initial_capacity=len(kept))
            index.add_many(kept, task["account_id"], vectors)
            return index.search(matrix, limit=limit, threshold=threshold)
        search = env.matching.events.search if candidate_type == "events" else env.matching.search
        return search(
            matrix,
            account_id=task["account_id"],
            candidate_ids=candidates,
            limit=limit,
            threshold=threshold,
        )

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
