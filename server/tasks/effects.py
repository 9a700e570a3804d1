"""The writes of the task types, run where the platform's data is written: the gRPC server.

Task workers run in their own process (server/tasks/worker.py) and only read the faces and events databases,
LanceDB and the blob store. Every change they make — a list created or linked by the linker, faces made from
events, events deleted by gc, attributes re-extracted by additional_extract, the events of an estimator image —
is one named effect: a function of this module run by the server process (server/tasks/remote.py, an internal
RPC), so that it goes through `Storage.write()` and its listeners keep the server's matching index and live
event subscribers coherent. Payloads and answers are JSON. A runner in the server's own process (the benches)
calls them directly (LocalEffects).

Each effect is idempotent (a worker retries it when the server was unreachable, and a crash re-runs a subtask)
except `estimate_image` (the events pipeline stores the image's events again, docs/tasks.md).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from server import errors
from server.clock import now
from server.errors import LunaError
from server.face_inference import FaceInference
from server.matching.live import MatchingIndexes
from server.storage.descriptors import current_version, decode_raw, encode_raw
from server.storage.repositories.attributes import AttributeData
from server.storage.repositories.faces import FaceRow
from server.storage.repositories.lists import ListRow
from server.storage.store import Storage
from server.tasks.gc import IMAGE_ORIGIN_PREFIX, IMAGES_BUCKET, SAMPLES_BUCKET
from server.tasks.linker import LIST_NAMESPACE


@dataclass(frozen=True)
class EffectsContext:
    """What an effect works with: the server's storage, matching indexes and inference."""

    storage: Storage
    matching: MatchingIndexes
    inference: FaceInference | None = None


Effect = Callable[[EffectsContext, dict[str, Any]], Any]


def create_list(ctx: EffectsContext, payload: dict[str, Any]) -> None:
    """The linker's list (create_list=1): created once, its id derived from the task."""
    storage = ctx.storage
    if storage.lists.get(payload["list_id"]) is not None:
        return
    stamp = now()
    with storage.write() as batch:
        storage.lists.insert(
            batch,
            ListRow(
                list_id=payload["list_id"],
                account_id=payload["account_id"],
                user_data=payload["user_data"],
                create_time=stamp,
                last_update_time=stamp,
            ),
        )


def link_faces(ctx: EffectsContext, payload: dict[str, Any]) -> list[str]:
    """Link the account's faces among `face_ids` to the list, in one transaction; the linked ids."""
    storage, list_id, account_id = ctx.storage, payload["list_id"], payload["account_id"]
    stamp = now()
    with storage.write() as batch:
        if storage.lists.get(list_id, account_id) is None:
            raise LunaError(errors.LIST_NOT_FOUND, id=list_id)
        found = storage.faces.owned_ids(account_id, payload["face_ids"])
        storage.lists.attach(batch, list_id, found, stamp)
        storage.lists.touch(batch, [list_id], stamp)
    return sorted(found)


def link_event_faces(ctx: EffectsContext, payload: dict[str, Any]) -> list[str]:
    """One face per event with a descriptor (created once: its id is derived from the task and the event),
    linked to the list, in one transaction; the linked face ids."""
    storage, list_id, account_id = ctx.storage, payload["list_id"], payload["account_id"]
    task_id = payload["task_id"]
    records = {
        event_id: record
        for event_id, record in storage.events.repository.by_ids(payload["event_ids"]).items()
        if record.account_id == account_id
    }
    vectors = {e: v for e in payload["event_ids"] if e in records and (v := ctx.matching.events.get(e)) is not None}
    stamp = now()
    linked: list[str] = []
    with storage.write() as batch:
        if storage.lists.get(list_id, account_id) is None:
            raise LunaError(errors.LIST_NOT_FOUND, id=list_id)
        for event_id in [e for e in payload["event_ids"] if e in vectors]:
            record = records[event_id]
            face_id = str(uuid.uuid5(LIST_NAMESPACE, f"{task_id}/{event_id}"))
            linked.append(face_id)
            if storage.faces.get(face_id) is not None:
                continue
            row = FaceRow(
                face_id=face_id,
                account_id=account_id,
                event_id=event_id,
                user_data=record.user_data,
                external_id=record.external_id or "",
                avatar="",
                create_time=stamp,
            )
            storage.faces.insert(batch, row)
            samples = [d.sample_id for d in record.face_detections if d.sample_id]
            basic = {"age": record.age, "gender": record.gender, "ethnicity": record.ethnic_group}
            has_basic = any(value is not None for value in basic.values())
            data = AttributeData(
                descriptors={current_version(): np.asarray(vectors[event_id], dtype=np.float32)},
                basic_attributes=basic if has_basic else None,
                face_descriptor_samples=samples,
                basic_attributes_samples=samples if has_basic else [],
            )
            storage.faces.set_attribute(batch, face_id, account_id, data, replacing=False)
        storage.lists.attach(batch, list_id, linked, stamp)
        storage.lists.touch(batch, [list_id], stamp)
    return sorted(linked)


def delete_events(ctx: EffectsContext, payload: dict[str, Any]) -> list[dict[str, Any]]:
    """gc: delete the account's events among `event_ids` in one events-database transaction, then their samples
    and image origins when asked; [{event_id, samples}] of the deleted events."""
    storage, account_id = ctx.storage, payload["account_id"]
    records = {
        event_id: record
        for event_id, record in storage.events.repository.by_ids(payload["event_ids"]).items()
        if record.account_id == account_id
    }
    with storage.events.write() as batch:
        deleted = storage.events.repository.delete_many(batch, sorted(records))
    removed: list[dict[str, Any]] = []
    for event_id in deleted:
        detections = records[event_id].face_detections
        samples = [d.sample_id for d in detections if d.sample_id]
        if payload.get("remove_samples"):
            for sample_id in samples:
                storage.delete_blob(SAMPLES_BUCKET, sample_id, account_id)
        if payload.get("remove_image_origins"):
            for origin in {d.image_origin for d in detections if d.image_origin}:
                if origin.startswith(IMAGE_ORIGIN_PREFIX):
                    storage.delete_blob(IMAGES_BUCKET, origin.removeprefix(IMAGE_ORIGIN_PREFIX), account_id)
        removed.append({"event_id": event_id, "samples": samples})
    return removed


def attribute_json(data: AttributeData) -> dict[str, Any]:
    return {
        "descriptors": {str(version): encode_raw(vector) for version, vector in data.descriptors.items()},
        "basic_attributes": data.basic_attributes,
        "face_descriptor_samples": data.face_descriptor_samples,
        "basic_attributes_samples": data.basic_attributes_samples,
    }


def attribute_of(value: dict[str, Any]) -> AttributeData:
    return AttributeData(
        descriptors={int(v): decode_raw(raw, int(v)) for v, raw in value["descriptors"].items()},
        basic_attributes=value["basic_attributes"],
        face_descriptor_samples=list(value["face_descriptor_samples"]),
        basic_attributes_samples=list(value["basic_attributes_samples"]),
    )


def set_attributes(ctx: EffectsContext, payload: dict[str, Any]) -> None:
    """additional_extract: replace the attributes of a batch of the account's faces in one transaction."""
    storage, account_id = ctx.storage, payload["account_id"]
    with storage.write() as write:
        for face_id, value in payload["attributes"]:
            storage.faces.set_attribute(write, face_id, account_id, attribute_of(value), replacing=True)


def drop_descriptor_version(ctx: EffectsContext, payload: dict[str, Any]) -> list[str]:
    """gc of an old descriptor version: remove that version's descriptor from the account's faces among `face_ids`
    in one transaction, keeping everything else of their attributes; the ids of the faces it was removed from."""
    storage, account_id, version = ctx.storage, payload["account_id"], int(payload["version"])
    if version == current_version():
        raise LunaError(errors.JSON_VALIDATION, path="content.descriptor_version", message="the current version")
    dropped: list[str] = []
    with storage.write() as write:
        owned = storage.faces.owned_ids(account_id, payload["face_ids"])
        stored = storage.faces.attributes(sorted(owned))
        holding = sorted(i for i in owned if i in stored and version in stored[i].descriptor_versions)
        vectors = storage.descriptors.get_many(holding)
        for face_id in holding:
            attribute = stored[face_id]
            kept = {v: vector for v, vector in vectors.get(face_id, {}).items() if v != version}
            data = AttributeData(
                descriptors=kept,
                basic_attributes=attribute.basic_attributes,
                face_descriptor_samples=list(attribute.face_descriptor_samples),
                basic_attributes_samples=list(attribute.basic_attributes_samples),
            )
            storage.faces.set_attribute(write, face_id, account_id, data, replacing=True)
            dropped.append(face_id)
    return dropped


def estimate_image(ctx: EffectsContext, payload: dict[str, Any]) -> dict[str, Any]:
    """estimator: one image through the handler's events pipeline (detect, extract, match, store, notify), as
    POST /6/handlers/{id}/events would; the image's entry of the task result."""
    from server.tasks import estimator  # the handler modules import the services: loaded on first use

    return estimator.estimate_image(ctx, payload)


EFFECTS: dict[str, Effect] = {
    "create_list": create_list,
    "link_faces": link_faces,
    "link_event_faces": link_event_faces,
    "delete_events": delete_events,
    "set_attributes": set_attributes,
    "drop_descriptor_version": drop_descriptor_version,
    "estimate_image": estimate_image,
}


def run(ctx: EffectsContext, name: str, payload: dict[str, Any]) -> Any:
    effect = EFFECTS.get(name)
    if effect is None:
        raise ValueError(f"unknown task effect {name!r}")
    return effect(ctx, payload)


class LocalEffects:
    """Effects run in the calling process (a runner inside the server process: the benches)."""

    def __init__(self, ctx: EffectsContext) -> None:
        self.ctx = ctx

    def apply(self, name: str, payload: dict[str, Any]) -> Any:
        return run(self.ctx, name, payload)
