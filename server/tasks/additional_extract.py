"""Additional extract (task type 5; LUNA Tasks API only, TSK-019, also served as POST /6/tasks/additional_extract):
fill the missing descriptors or basic attributes of stored faces from their samples, or re-extract every selected
face (after a descriptor model update, so the old version can be collected).

Content (v6 §7.4, inferred): {extraction_target?: "face_descriptors" (default) | "basic_attributes", options?:
{missing?: bool (default true: only faces without a descriptor of the configured version / without basic
attributes; false: every selected face)}, filters: {objects_type: "faces", account_id?, face_id__gte?,
face_id__lt?, and the other face filters}}.

Plan: the selected face ids (28010 when none) in subtasks. Run: for each face that needs it, its samples
(descriptor target: the descriptor samples, else the basic attribute samples; the other way round for basic
attributes) are read as 250x250 warps and analysed in one FaceAnalyser call per subtask (server/face_inference.py);
a face's descriptor is the mean of its samples' (inference/descriptor.py), its basic attributes the aggregate.
One faces-database transaction per subtask writes the new attributes, keeping the face's other data (descriptors
of other versions, the other target). A face without usable samples is skipped with its reason (never an error of
the whole task). Output / result: {"extraction_target", "updated": [face_id], "skipped": [{"face_id",
"reason"}], "updated_count", "skipped_count"}.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from inference.analysis import AnalysisOptions
from inference.descriptor import mean_descriptor
from inference.estimations.attributes import aggregate as aggregate_basic
from inference.warps import warp_pixels
from server import errors
from server.errors import LunaError
from server.face_inference import FaceInference, require
from server.face_results import stored_basic_attributes
from server.services.blob_resources import FACE_SAMPLES
from server.services.extractor import SAMPLE_WORK_PIXELS
from server.services.image_input import decode
from server.storage.descriptors import current_version
from server.storage.repositories.attributes import AttributeData
from server.storage.repositories.faces import FaceAttributeRow
from server.storage.repositories.tasks import TaskRow
from server.tasks import objects
from server.tasks.base import Output, Plan, TaskEnv, chunked
from server.tasks.effects import attribute_json

DESCRIPTORS, BASIC = "face_descriptors", "basic_attributes"
#: Faces analysed per FaceAnalyser call (their warps are held in memory together).
BATCH = 64

SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "extraction_target": {"enum": [DESCRIPTORS, BASIC]},
        "options": {
            "type": "object",
            "properties": {"missing": {"enum": [0, 1, True, False]}},
            "additionalProperties": False,
        },
        "filters": {
            "type": "object",
            "properties": {"objects_type": {"enum": ["faces"]}, **objects.FACE_FILTERS_SCHEMA["properties"]},
            "required": ["objects_type"],
            "additionalProperties": False,
        },
    },
    "required": ["filters"],
    "additionalProperties": False,
}


def _needs(attribute: FaceAttributeRow | None, target: str, missing: bool) -> bool:
    if not missing:
        return True
    if attribute is None:
        return True
    if target == DESCRIPTORS:
        return current_version() not in attribute.descriptor_versions
    return attribute.basic_attributes is None


def _samples(attribute: FaceAttributeRow | None, target: str) -> list[str]:
    if attribute is None:
        return []
    if target == DESCRIPTORS:
        return attribute.face_descriptor_samples or attribute.basic_attributes_samples
    return attribute.basic_attributes_samples or attribute.face_descriptor_samples


class AdditionalExtract:
    code = 5
    name = "additional_extract"
    schema = SCHEMA

    def __init__(self, inference: FaceInference | None) -> None:
        self.inference = inference

    def plan(self, env: TaskEnv, task: TaskRow, content: dict[str, Any]) -> Plan:
        filters = {k: v for k, v in content["filters"].items() if k != "objects_type"}
        ids = objects.select_ids(env, "faces", filters, task["account_id"])
        if not ids:
            raise LunaError(errors.TASK_OBJECTS_NOT_FOUND, task="additional_extract")
        return Plan([{"face_ids": part} for part in chunked(ids, env.subtask_size)])

    def _warp(self, env: TaskEnv, account_id: str, sample_id: str) -> np.ndarray | None:
        if env.storage.blob_meta(FACE_SAMPLES.bucket, sample_id, account_id) is None:
            return None
        data = env.storage.blobs.get(FACE_SAMPLES.bucket, sample_id)
        if data is None:
            return None
        try:
            return warp_pixels(decode(data, use_exif_info=False, work_pixels=SAMPLE_WORK_PIXELS).pixels)
        except LunaError:
            return None

    def run(self, env: TaskEnv, task: TaskRow, content: dict[str, Any], state: dict[str, Any] | None) -> Output:
        account_id = task["account_id"]
        task_content = objects.content_of(task)
        target = str(task_content.get("extraction_target", DESCRIPTORS))
        missing = task_content.get("options", {}).get("missing", True) in (1, True)
        inference = require(self.inference)
        owned = set(env.storage.faces.owned_ids(account_id, content["face_ids"]))
        updated: list[str] = []
        skipped: list[dict[str, str]] = []
        selected: list[tuple[str, FaceAttributeRow | None, list[str]]] = []
        stored = env.storage.faces.attributes(content["face_ids"])
        for face_id in content["face_ids"]:
            if face_id not in owned:
                continue  # deleted since planning
            attribute = stored.get(face_id)
            if _needs(attribute, target, missing):
                selected.append((face_id, attribute, _samples(attribute, target)))
        options = AnalysisOptions(descriptor=target == DESCRIPTORS, basic_attributes=target == BASIC)
        for batch in chunked(selected, BATCH):  # warps decoded per batch: memory for BATCH faces' samples
            env.check_cancelled()
            work: list[tuple[str, FaceAttributeRow | None, list[str], list[np.ndarray]]] = []
            for face_id, attribute, samples in batch:
                warps = [w for w in (self._warp(env, account_id, s) for s in samples) if w is not None]
                if warps:
                    work.append((face_id, attribute, samples, warps))
                else:
                    skipped.append({"face_id": face_id, "reason": "no readable sample" if samples else "no sample"})
            if not work:
                continue
            faces = inference.analyse_warps([warp for _, _, _, warps in work for warp in warps], options)
            vectors = env.storage.descriptors.get_many([face_id for face_id, attribute, _, _ in work if attribute])
            datas: list[tuple[str, AttributeData]] = []
            position = 0
            for face_id, attribute, samples, warps in work:
                found = faces[position : position + len(warps)]
                position += len(warps)
                datas.append((face_id, self._data(vectors.get(face_id, {}), attribute, samples, target, found)))
            env.check_cancelled()
            # one faces-database transaction in the server process (server/tasks/effects.py)
            attributes = [[face_id, attribute_json(data)] for face_id, data in datas]
            env.apply("set_attributes", {"account_id": account_id, "attributes": attributes})
            updated.extend(face_id for face_id, _ in datas)
        return {"updated": updated, "skipped": skipped}

    @staticmethod
    def _data(
        descriptors: dict[int, np.ndarray],
        attribute: FaceAttributeRow | None,
        samples: list[str],
        target: str,
        faces: list[Any],
    ) -> AttributeData:
        """The face's attribute (its stored `descriptors`) with the target replaced and everything else kept."""
        data = AttributeData(
            descriptors=dict(descriptors),
            basic_attributes=None if attribute is None else attribute.basic_attributes,
            face_descriptor_samples=[] if attribute is None else list(attribute.face_descriptor_samples),
            basic_attributes_samples=[] if attribute is None else list(attribute.basic_attributes_samples),
        )
        if target == DESCRIPTORS:
            data.descriptors[current_version()] = mean_descriptor(np.stack([np.asarray(f.descriptor) for f in faces]))
            data.face_descriptor_samples = list(samples)
        else:
            basic = aggregate_basic([f.basic for f in faces if f.basic is not None])
            data.basic_attributes = None if basic is None else stored_basic_attributes(basic)
            data.basic_attributes_samples = list(samples)
        return data

    def merge(
        self, env: TaskEnv, task: TaskRow, outputs: list[tuple[dict[str, Any], Output]], state: dict[str, Any] | None
    ) -> Output:
        updated = sorted(i for _, out in outputs if isinstance(out, dict) for i in out["updated"])
        skipped = sorted(
            (s for _, out in outputs if isinstance(out, dict) for s in out["skipped"]), key=lambda s: s["face_id"]
        )
        return {
            "extraction_target": objects.content_of(task).get("extraction_target", DESCRIPTORS),
            "updated": updated,
            "skipped": skipped,
            "updated_count": len(updated),
            "skipped_count": len(skipped),
        }
