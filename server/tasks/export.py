"""CSV rows of faces and events, and the ZIP that carries them (exporter, reporter; docs/tasks.md).

Columns are named after the v6 object fields. Values: None is an empty cell, lists are joined by "," (the CSV
writer quotes them when the delimiter is also ","), a descriptor is the base64 of its float32 unit vector
(little endian) of Lumen's default descriptor version. `samples` are the sample ids the object keeps (faces: its
attribute's descriptor and basic attribute samples; events: the face detections' samples), and they are the
files written under the ZIP's images folder when save_images=1.
"""

from __future__ import annotations

import base64
import csv
import io
import tempfile
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from server import errors
from server.errors import LunaError
from server.services.blob_resources import FACE_SAMPLES
from server.tasks import objects
from server.tasks.base import TaskEnv

ZIP_TYPE = "application/zip"
#: Largest exporter / reporter archive: the result is stored in tasks.sqlite3 and answered as one gRPC message
#: (server/app.py MAX_MESSAGE_BYTES is 128 MiB).
RESULT_MAX_BYTES = 100 * 1024 * 1024
#: An archive is built in memory up to this size, then in a temporary file.
SPOOL_BYTES = 8 * 1024 * 1024

FACE_COLUMNS = (
    "face_id",
    "account_id",
    "event_id",
    "user_data",
    "external_id",
    "avatar",
    "create_time",
    "lists",
    "gender",
    "age",
    "ethnicity",
    "samples",
    "descriptor",
)
EVENT_COLUMNS = (
    "event_id",
    "account_id",
    "create_time",
    "end_time",
    "handler_id",
    "face_id",
    "external_id",
    "source",
    "user_data",
    "tags",
    "track_id",
    "gender",
    "age",
    "emotion",
    "mask",
    "ethnic_group",
    "liveness",
    "top_similar_object_id",
    "top_similarity",
    "samples",
    "descriptor",
)
#: Columns written when the content names none (the descriptor only when asked for).
DEFAULT_FACE_COLUMNS = [c for c in FACE_COLUMNS if c != "descriptor"]
DEFAULT_EVENT_COLUMNS = [c for c in EVENT_COLUMNS if c != "descriptor"]
_EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/bmp": "bmp", "image/tiff": "tiff"}

# The schema parts of exporter and reporter contents.
DELIMITER_SCHEMA: dict[str, Any] = {
    "type": "string",
    "minLength": 1,
    "maxLength": 1,
    "not": {"enum": ['"', "\n", "\r"]},
}
SAVE_IMAGES_SCHEMA: dict[str, Any] = {"enum": [0, 1, True, False]}


def columns_schema(names: Sequence[str]) -> dict[str, Any]:
    return {"type": "array", "items": {"enum": list(names)}, "minItems": 1, "maxItems": len(names), "uniqueItems": True}


def columns_of(objects_type: str, given: Sequence[str] | None) -> list[str]:
    if given:
        return list(given)
    return DEFAULT_EVENT_COLUMNS if objects_type == "events" else DEFAULT_FACE_COLUMNS


@dataclass(frozen=True)
class Rows:
    """CSV cells of some objects, in the order asked, and the samples of each object."""

    rows: list[list[str]]
    samples: list[list[str]]

    def to_json(self) -> dict[str, Any]:
        return {"rows": self.rows, "samples": self.samples}


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, list | tuple):
        return ",".join(_cell(item) for item in value)
    return str(value)


def _descriptor(vector: np.ndarray | None) -> str:
    if vector is None:
        return ""
    return base64.b64encode(np.asarray(vector, dtype="<f4").tobytes()).decode()


def face_rows(env: TaskEnv, account_id: str, face_ids: Sequence[str], columns: Sequence[str]) -> Rows:
    """The rows of the faces of the account that still exist, in the order of `face_ids`."""
    found = env.storage.faces.by_ids(list(face_ids))
    kept = [f for f in face_ids if f in found and found[f]["account_id"] == account_id]
    lists = env.storage.faces.lists_of(kept) if "lists" in columns else {}
    attributes = env.storage.faces.attributes(kept)
    rows: list[list[str]] = []
    samples: list[list[str]] = []
    for face_id in kept:
        env.check_cancelled()
        face = found[face_id]
        attribute = attributes.get(face_id)
        basic = (attribute.basic_attributes if attribute is not None else None) or {}
        face_samples = (
            list(dict.fromkeys([*attribute.face_descriptor_samples, *attribute.basic_attributes_samples]))
            if attribute is not None
            else []
        )
        values: dict[str, Any] = {
            **face,
            "lists": lists.get(face_id, []),
            "gender": basic.get("gender"),
            "age": basic.get("age"),
            "ethnicity": basic.get("ethnicity"),
            "samples": face_samples,
        }
        if "descriptor" in columns:
            values["descriptor"] = _descriptor(env.matching.faces.get(face_id))
        rows.append([_cell(values.get(column)) for column in columns])
        samples.append(face_samples)
    return Rows(rows, samples)


def event_rows(env: TaskEnv, account_id: str, event_ids: Sequence[str], columns: Sequence[str]) -> Rows:
    """The rows of the events of the account that still exist, in the order of `event_ids`."""
    found = env.storage.events.repository.by_ids(list(event_ids))
    kept = [e for e in event_ids if e in found and found[e].account_id == account_id]
    vectors: dict[str, np.ndarray] = {}
    if "descriptor" in columns and kept:
        with_descriptor, matrix = objects.vectors(env, "events", kept)
        vectors = {event_id: matrix[row] for row, event_id in enumerate(with_descriptor)}
    rows: list[list[str]] = []
    samples: list[list[str]] = []
    for event_id in kept:
        env.check_cancelled()
        event = found[event_id]
        event_samples = [d.sample_id for d in event.face_detections if d.sample_id]
        top = event.top_match
        values: dict[str, Any] = {
            "event_id": event.event_id,
            "account_id": event.account_id,
            "create_time": event.create_time,
            "end_time": event.end_time,
            "handler_id": event.handler_id,
            "face_id": event.face_id,
            "external_id": event.external_id,
            "source": event.source,
            "user_data": event.user_data,
            "tags": list(event.tags),
            "track_id": event.track_id,
            "gender": event.gender,
            "age": event.age,
            "emotion": event.emotion,
            "mask": event.mask,
            "ethnic_group": event.ethnic_group,
            "liveness": event.liveness,
            "top_similar_object_id": None if top is None else top.object_id,
            "top_similarity": None if top is None else top.similarity,
            "samples": event_samples,
            "descriptor": _descriptor(vectors.get(event_id)),
        }
        rows.append([_cell(values[column]) for column in columns])
        samples.append(event_samples)
    return Rows(rows, samples)


def object_rows(env: TaskEnv, objects_type: str, account_id: str, ids: Sequence[str], columns: Sequence[str]) -> Rows:
    if objects_type == "events":
        return event_rows(env, account_id, ids, columns)
    return face_rows(env, account_id, ids, columns)


def csv_text(header: Sequence[str], rows: Iterable[Sequence[str]], delimiter: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def zip_archive(
    env: TaskEnv, account_id: str, csv_name: str, csv_data: str, images: Sequence[tuple[str, str]]
) -> bytes:
    """A ZIP with the CSV and, for each (folder, sample id), the stored face sample as folder/<id>.<ext>
    (samples deleted since are left out). Built in a spooled temporary file (memory up to SPOOL_BYTES, then disk);
    an archive over RESULT_MAX_BYTES fails the task with 28022 as soon as it gets there."""
    with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as out:
        with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(csv_name, csv_data)
            _check_size(out.tell())
            written: set[str] = set()
            for folder, sample_id in images:
                env.check_cancelled()
                meta = env.storage.blob_meta(FACE_SAMPLES.bucket, sample_id, account_id)
                data = env.storage.blobs.get(FACE_SAMPLES.bucket, sample_id) if meta is not None else None
                if meta is None or data is None:
                    continue
                name = f"{folder}/{sample_id}.{_EXTENSIONS.get(str(meta['content_type']), 'bin')}"
                if name not in written:
                    _check_size(out.tell() + len(data))
                    written.add(name)
                    archive.writestr(name, data, compress_type=zipfile.ZIP_STORED)
        _check_size(out.tell())
        out.seek(0)
        return out.read()


def _check_size(size: int) -> None:
    if size > RESULT_MAX_BYTES:
        raise LunaError(errors.TASK_RESULT_TOO_LARGE, limit_mb=RESULT_MAX_BYTES // (1024 * 1024))
