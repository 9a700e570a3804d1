"""Estimator (task type 9, API-117): the images of an archive processed through a handler, as if each image were
posted to POST /6/handlers/{handler_id}/events (docs/tasks.md).

Content (v6 §7.4; the archive location field was lost in the dumps, these names are Lumen's):
{handler: {handler_id: uuid, policies?: object (a dynamic handler's inline policies, required for one, refused
for a static one)}, source: {source_type: "zip", object_id | url ("/6/objects/{id}"): an object stored with POST
/6/objects, authorization?: {password}, image_type?: 0 raw | 1 face warp | 2 body warp} | {source_type:
"network_disk", path: a ZIP file or a directory of images under LUMEN_TASKS_ESTIMATOR_ROOT (empty: refused),
image_type?}, filters?: {account_id}}.

Plan: the handler (34000), its policies (12022), the archive (13007; 28021 when it is no readable ZIP, the
password is wrong, the path leaves the root or the source is off) and its image names in name order (28010 when
none), split into subtasks of at most IMAGES_PER_SUBTASK (20) images. Run: one events-pipeline call per image
(server/handlers/events_pipeline.py: detect, extract, match, store, notify as the handler says); the image's
result is {filename, status: 1|0, error: {error_code, desc, detail}, events: [the handler event as POST
.../events answers it]}. A re-run after a crash processes the subtask's images again (their events are stored
again). Merge: {"images": [...] in name order, "total_images", "images_failed", "events_count"}.
"""

from __future__ import annotations

import base64
import re
import time
import uuid
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from google.protobuf import json_format

from server import errors
from server.errors import LunaError
from server.events import bus
from server.face_inference import FaceInference
from server.handlers.event_sink import EventSink, handler_event_json
from server.handlers.events_pipeline import EventsPipeline
from server.handlers.inputs import IMAGE_FACE_WARP, IMAGE_RAW, EventImage, EventMeta, EventsBody
from server.handlers.plan import make_plan
from server.handlers.policies import Policies, parse_policies
from server.handlers.records import load_handler
from server.services.blob_resources import OBJECTS
from server.services.image_input import InputImage
from server.storage.repositories.tasks import TaskRow
from server.storage.store import Storage
from server.tasks import objects
from server.tasks.base import Output, Plan, TaskEnv, chunked
from server.tasks.effects import EffectsContext
from server.validation import UUID_SCHEMA

#: Small, so that a subtask re-run after a crash repeats few images (their events are stored again).
IMAGES_PER_SUBTASK = 20
MAX_IMAGES = 100_000
#: An archive member or file larger than this is an image error (a ZIP bomb never gets decompressed).
MAX_IMAGE_BYTES = 32 * 1024 * 1024
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".bmp", ".tif", ".tiff", ".ppm", ".webp")
_OBJECT_URL = re.compile(r"^/6/objects/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$")

_IMAGE_TYPE = {"enum": [0, 1, 2]}
SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "handler": {
            "type": "object",
            "properties": {"handler_id": UUID_SCHEMA, "policies": {"type": "object"}},
            "required": ["handler_id"],
            "additionalProperties": False,
        },
        "source": {
            "type": "object",
            "oneOf": [
                {
                    "properties": {
                        "source_type": {"const": "zip"},
                        "object_id": UUID_SCHEMA,
                        "url": {"type": "string", "pattern": _OBJECT_URL.pattern},
                        "authorization": {
                            "type": "object",
                            "properties": {"password": {"type": "string", "maxLength": 256}},
                            "additionalProperties": False,
                        },
                        "image_type": _IMAGE_TYPE,
                    },
                    "required": ["source_type"],
                    "additionalProperties": False,
                    "oneOf": [{"required": ["object_id"]}, {"required": ["url"]}],
                },
                {
                    "properties": {
                        "source_type": {"const": "network_disk"},
                        "path": {"type": "string", "minLength": 1, "maxLength": 1024},
                        "image_type": _IMAGE_TYPE,
                    },
                    "required": ["source_type", "path"],
                    "additionalProperties": False,
                },
            ],
        },
        "filters": {
            "type": "object",
            "properties": {"account_id": UUID_SCHEMA},
            "additionalProperties": False,
        },
    },
    "required": ["handler", "source"],
    "additionalProperties": False,
}


def _bad(reason: str) -> LunaError:
    return LunaError(errors.TASK_BAD_ARCHIVE, reason=reason)


class Archive:
    """The images of a source: members of a ZIP file, or the image files of a directory tree."""

    def __init__(self, path: Path, password: str | None = None) -> None:
        self.path = path
        self.password = password.encode() if password else None

    @contextmanager
    def _zip(self) -> Iterator[zipfile.ZipFile]:
        try:
            with zipfile.ZipFile(self.path) as archive:
                yield archive
        except (zipfile.BadZipFile, OSError, EOFError):
            raise _bad("not a ZIP archive") from None

    def _inside(self, file: Path) -> bool:
        """A file of the directory that stays in it (a symbolic link out of it is left out)."""
        return file.resolve().is_relative_to(self.path)

    def is_directory(self) -> bool:
        return self.path.is_dir()

    def names(self) -> list[str]:
        if self.is_directory():
            found = [
                str(p.relative_to(self.path))
                for p in self.path.rglob("*")
                if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES and self._inside(p)
            ]
            return sorted(found)[: MAX_IMAGES + 1]
        with self._zip() as archive:
            return sorted(
                info.filename
                for info in archive.infolist()
                if not info.is_dir() and Path(info.filename).suffix.lower() in IMAGE_SUFFIXES
            )[: MAX_IMAGES + 1]

    def check_password(self, name: str) -> None:
        """Read one member (a wrong or missing password fails here, before any image is processed)."""
        if self.is_directory():
            return
        with self._zip() as archive:
            try:
                with archive.open(name, pwd=self.password) as member:
                    member.read(1)
            except RuntimeError:
                raise _bad("the archive needs a password, or the password is wrong") from None
            except (zipfile.BadZipFile, NotImplementedError, OSError, ValueError):
                raise _bad("an archive member cannot be read") from None

    def read(self, names: list[str]) -> Iterator[tuple[str, bytes | LunaError]]:
        if self.is_directory():
            for name in names:
                file = self.path / name
                if not self._inside(file):
                    yield name, _bad("the image is outside the source directory")
                    continue
                try:
                    if file.stat().st_size > MAX_IMAGE_BYTES:
                        yield name, _bad("the image is too large")
                        continue
                    yield name, file.read_bytes()
                except OSError:
                    yield name, _bad("the image file cannot be read")
            return
        with self._zip() as archive:
            for name in names:
                try:
                    info = archive.getinfo(name)
                    if info.file_size > MAX_IMAGE_BYTES:
                        yield name, _bad("the image is too large")
                        continue
                    with archive.open(info, pwd=self.password) as member:
                        yield name, member.read(MAX_IMAGE_BYTES + 1)
                except (KeyError, RuntimeError, zipfile.BadZipFile, NotImplementedError, OSError, ValueError):
                    yield name, _bad("the archive member cannot be read")


def _error_json(error: LunaError) -> dict[str, Any]:
    return {"error_code": error.code, "desc": error.spec.desc, "detail": error.detail}


class Estimator:
    code = 9
    name = "estimator"
    schema = SCHEMA

    def __init__(self, inference: FaceInference | None, root: str) -> None:
        self.inference = inference
        self.root = Path(root).resolve() if root else None

    # -- the source ------------------------------------------------------------------------------------------

    def _archive(self, env: TaskEnv, account_id: str, source: dict[str, Any]) -> Archive:
        if source["source_type"] == "network_disk":
            if self.root is None:
                raise _bad("the network_disk source is off (LUMEN_TASKS_ESTIMATOR_ROOT is empty)")
            path = (self.root / source["path"].lstrip("/")).resolve()
            if not path.is_relative_to(self.root) or not path.exists():
                raise _bad("no such path under the estimator root")
            return Archive(path=path)
        object_id = source.get("object_id")
        if object_id is None:
            match = _OBJECT_URL.match(str(source.get("url", "")))
            object_id = match.group(1) if match else ""
        object_id = str(object_id).lower()
        stored = env.storage.blobs.path(OBJECTS.bucket, object_id)
        if env.storage.blob_meta(OBJECTS.bucket, object_id, account_id) is None or not stored.is_file():
            raise LunaError(errors.OBJECT_NOT_FOUND, id=object_id)
        # Read in place: a subtask reads the central directory and its own members, never the whole archive.
        return Archive(path=stored, password=(source.get("authorization") or {}).get("password"))

    # -- the steps -------------------------------------------------------------------------------------------

    def plan(self, env: TaskEnv, task: TaskRow, content: dict[str, Any]) -> Plan:
        account_id = task["account_id"]
        objects.check_account(content.get("filters", {}), account_id)
        policies_of(env.storage, account_id, content["handler"])
        archive = self._archive(env, account_id, content["source"])
        names = archive.names()
        if not names:
            raise LunaError(errors.TASK_OBJECTS_NOT_FOUND, task="estimator (images)")
        if len(names) > MAX_IMAGES:
            raise _bad(f"more than {MAX_IMAGES} images")
        archive.check_password(names[0])
        size = min(env.subtask_size, IMAGES_PER_SUBTASK)
        return Plan([{"part": i, "images": part} for i, part in enumerate(chunked(names, size))])

    def run(self, env: TaskEnv, task: TaskRow, content: dict[str, Any], state: dict[str, Any] | None) -> Output:
        account_id = task["account_id"]
        task_content = objects.content_of(task)
        source = task_content["source"]
        policies_of(env.storage, account_id, task_content["handler"])  # the handler gone: the subtask's error
        results: list[dict[str, Any]] = []
        for name, data in self._archive(env, account_id, source).read(list(content["images"])):
            env.check_cancelled()
            if isinstance(data, LunaError):
                results.append({"filename": name, "status": 0, "error": _error_json(data), "events": []})
                continue
            payload = {
                "account_id": account_id,
                "handler": task_content["handler"],
                "image_type": int(source.get("image_type", IMAGE_RAW)),
                "filename": name,
                "image": base64.b64encode(data).decode(),
            }
            results.append(env.apply("estimate_image", payload))  # in the server process (effects.py)
        return results

    def merge(
        self, env: TaskEnv, task: TaskRow, outputs: list[tuple[dict[str, Any], Output]], state: dict[str, Any] | None
    ) -> Output:
        ordered = sorted(outputs, key=lambda item: int(item[0]["part"]))
        images = [image for _, output in ordered if isinstance(output, list) for image in output]
        return {
            "images": images,
            "total_images": len(images),
            "images_failed": sum(1 for image in images if image["status"] != 1),
            "events_count": sum(len(image["events"]) for image in images),
        }


def policies_of(storage: Storage, account_id: str, handler: dict[str, Any]) -> tuple[str, Policies]:
    """The handler id and the policies an image is processed with (12022 / 34000 as the handler route answers)."""
    handler_id = str(handler["handler_id"]).lower()
    stored = load_handler(storage, handler_id, account_id)
    inline = handler.get("policies")
    if stored.is_dynamic:
        if inline is None:
            raise LunaError(
                errors.JSON_VALIDATION, path="content.handler.policies", message="a dynamic handler needs policies"
            )
        return handler_id, parse_policies(inline, "content.handler.policies")
    if inline is not None:
        raise LunaError(
            errors.JSON_VALIDATION,
            path="content.handler.policies",
            message="policies are given only to dynamic handlers",
        )
    return handler_id, stored.policies or Policies()


def estimate_image(ctx: EffectsContext, payload: dict[str, Any]) -> dict[str, Any]:
    """One image through the handler's events pipeline (the server side of the effect `estimate_image`)."""
    account_id, name = payload["account_id"], payload["filename"]
    try:
        handler_id, policies = policies_of(ctx.storage, account_id, payload["handler"])
    except LunaError as error:  # the handler was deleted or changed since planning: this image fails
        return {"filename": name, "status": 0, "error": _error_json(error), "events": []}
    image_type = int(payload["image_type"])
    plan = make_plan(policies, warped=image_type == IMAGE_FACE_WARP)
    meta = EventMeta(image_type=image_type)
    sink = EventSink(ctx.storage.events.save_events, _publish)
    pipeline = EventsPipeline(ctx.storage, ctx.matching, ctx.inference, sink)
    body = EventsBody(images=[EventImage(InputImage(name, base64.b64decode(payload["image"])))])
    request_id = f"{int(time.time())},{uuid.uuid4()}"
    try:
        response = pipeline.run(handler_id, account_id, plan, body, meta, request_id)
    except LunaError as error:  # a whole-request error (no models, a list gone): this image fails
        return {"filename": name, "status": 0, "error": _error_json(error), "events": []}
    image = json_format.MessageToDict(
        response.images[0], preserving_proto_field_name=True, always_print_fields_with_no_presence=True
    )
    return {
        "filename": name,
        "status": image.get("status", 0),
        "error": image.get("error"),
        "events": [handler_event_json(event) for event in response.events],
    }


def _publish(account_id: str, stored: Any, handler_event: Any, request_id: str) -> None:
    bus.publish(account_id, stored, handler_event=handler_event, request_id=request_id)
