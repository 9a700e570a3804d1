"""A descriptor model update, as an operator runs it (docs/model-updates.md), through Envoy with real models.

The operator's model repository holds the face models; version 2 of `dlib_face_descriptor` is installed beside
version 1 (here a copy of version 1, so that any comparison of a version-300 with a version-301 descriptor of the
same photo would show a similarity of 1.0: matching must never make one). Lumen first runs with version 300 only;
then with both versions configured and 301 current: GET /6/config reports both, new extractions are 301, faces that
only have 300 are no candidates, additional_extract (Tasks API) re-extracts them from their samples, gc (target
face_descriptors) removes the 300 descriptors its filters select, and the current version cannot be collected.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest

from inference.models import ALL_MODELS, DEFAULT_MODEL_REPOSITORY, DLIB_DESCRIPTOR
from server.stack import Stack
from tests import photos
from tests.conftest import assert_luna_error, auth, stack_settings
from tests.integration.test_tasks import FAILED, wait_task

OLD, NEW = 300, 301


@pytest.fixture(scope="module")
def repository(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An operator's model repository: every model, and the descriptor model at versions 1 and 2."""
    root = Path(tmp_path_factory.mktemp("model-repository"))
    for spec in ALL_MODELS:
        (root / spec.name / "1").mkdir(parents=True)
        source = DEFAULT_MODEL_REPOSITORY / spec.name
        (root / spec.name / "config.pbtxt").write_bytes((source / "config.pbtxt").read_bytes())
        (root / spec.name / "1" / "model.onnx").symlink_to(source / "1" / "model.onnx")
    (root / DLIB_DESCRIPTOR.name / "2").mkdir()
    (root / DLIB_DESCRIPTOR.name / "2" / "model.onnx").symlink_to(
        DEFAULT_MODEL_REPOSITORY / DLIB_DESCRIPTOR.name / "1" / "model.onnx"
    )
    return root


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return Path(tmp_path_factory.mktemp("model-update-data"))


def start(data_dir: Path, repository: Path, models: str, current: int) -> Stack:
    settings = stack_settings(
        data_dir,
        triton_start=True,
        triton_model_repository=str(repository),
        face_descriptor_models=models,
        face_descriptor_version=current,
    )
    return Stack(replace(settings, tasks_subtask_size=2)).start()


@pytest.fixture(scope="module")
def account() -> str:
    return str(uuid.uuid4())


def face_from_photo(client: httpx.Client, account: str, name: str) -> str:
    """Detector -> sample -> extractor -> face (the face keeps its sample, as LUNA's additional_extract needs)."""
    image = photos.face_recognition_image(name).read_bytes()
    detected = client.post("/6/detector", content=image, headers=auth(account, **{"Content-Type": "image/jpeg"}))
    assert detected.status_code == 201, detected.text
    sample = detected.json()["images"][0]["detections"]["samples"][0]["face"]["sample_id"]
    extracted = client.post("/6/extractor", json=[sample], headers=auth(account))
    assert extracted.status_code == 201, extracted.text
    attribute = extracted.json()[0]["attribute_id"]
    created = client.post("/6/faces", json={"attribute": {"attribute_id": attribute}}, headers=auth(account))
    assert created.status_code == 201, created.text
    return str(created.json()["face_id"])


def descriptor_version_of(client: httpx.Client, account: str, face_id: str, version: int) -> int | None:
    reply = client.get(
        f"/6/faces/{face_id}/attributes", params={"descriptor_version": version}, headers=auth(account)
    )
    assert reply.status_code == 200, reply.text
    descriptor = reply.json()["attributes"].get("face_descriptor")
    return None if not descriptor else int(descriptor["descriptor_version"])


def matches(client: httpx.Client, account: str, reference: str) -> dict[str, float]:
    body = {
        "references": [{"type": "face", "id": reference}],
        "candidates": [{"filters": {"origin": "faces"}, "limit": 10}],
    }
    reply = client.post("/6/matcher/faces", json=body, headers=auth(account))
    assert reply.status_code == 200, reply.text
    return {r["face"]["face_id"]: r["similarity"] for r in reply.json()[0]["matches"][0]["result"]}


def tasks_api_task(tasks: httpx.Client, account: str, kind: str, content: dict[str, Any]) -> int:
    reply = tasks.post(f"/1/tasks/{kind}", json={"content": content}, headers=auth(account))
    assert reply.status_code == 202, reply.text
    return int(reply.json()["task_id"])


@pytest.fixture(scope="module")
def before_update(data_dir: Path, repository: Path, account: str) -> dict[str, str]:
    """Faces stored while 300 is the only version (Triton serves both directories already)."""
    stack = start(data_dir, repository, f"{OLD}:1", OLD)
    try:
        with httpx.Client(base_url=stack.rest_url, timeout=60.0) as client:
            config = client.get("/6/config").json()
            assert config["capabilities"]["face_descriptor"]["versions"] == [OLD]
            faces = {name: face_from_photo(client, account, f"{name}.jpg") for name in ("obama", "biden")}
            assert descriptor_version_of(client, account, faces["obama"], OLD) == OLD
            return faces
    finally:
        stack.stop()


@pytest.fixture(scope="module")
def updated(data_dir: Path, repository: Path, before_update: dict[str, str]) -> Iterator[Stack]:
    stack = start(data_dir, repository, f"{OLD}:1,{NEW}:2", NEW)
    try:
        yield stack
    finally:
        stack.stop()


def test_model_update_re_extract_then_collect(updated: Stack, before_update: dict[str, str], account: str) -> None:
    obama, biden = before_update["obama"], before_update["biden"]
    tasks_url = f"http://127.0.0.1:{updated.settings.tasks_port}"
    with httpx.Client(base_url=updated.rest_url, timeout=60.0) as client, httpx.Client(
        base_url=tasks_url, timeout=60.0
    ) as tasks:
        face_descriptor = client.get("/6/config").json()["capabilities"]["face_descriptor"]
        assert face_descriptor["versions"] == [OLD, NEW] and face_descriptor["default_version"] == NEW

        # new extractions are of the configured version
        obama2 = face_from_photo(client, account, "obama2.jpg")
        assert descriptor_version_of(client, account, obama2, NEW) == NEW
        assert descriptor_version_of(client, account, obama2, OLD) is None
        # the stored faces only have 300: never compared with a 301 reference (a copy of the same network
        # would give similarity 1.0 for the same photo)
        assert matches(client, account, obama2) == {obama2: pytest.approx(1.0, abs=1e-3)}

        # additional_extract re-extracts the faces that lack the current version, from their samples
        task_id = tasks_api_task(tasks, account, "additional_extract", {"filters": {"objects_type": "faces"}})
        wait_task(client, account, task_id)
        result = client.get(f"/6/tasks/{task_id}/result", headers=auth(account)).json()["result"]
        assert result["updated"] == sorted([obama, biden]) and result["skipped"] == []
        assert descriptor_version_of(client, account, obama, NEW) == NEW
        assert descriptor_version_of(client, account, obama, OLD) == OLD  # kept until collected
        found = matches(client, account, obama2)
        assert set(found) == {obama2, obama, biden}
        assert found[obama] > found[biden]

        # the current version and an unknown one cannot be collected (task errors, not a 500); a malformed
        # content is refused at creation
        for version in (NEW, 999):
            content = {"target": "face_descriptors", "descriptor_version": version}
            refused = tasks_api_task(tasks, account, "gc", content)
            wait_task(client, account, refused, (FAILED,))
            errors = client.get(f"/6/tasks/{refused}/errors", headers=auth(account)).json()["errors"]
            assert errors[0]["error_code"] == 12022
        for bad in ({"target": "face_descriptors"}, {"target": "face_descriptors", "descriptor_version": "300"}):
            reply = tasks.post("/1/tasks/gc", json={"content": bad}, headers=auth(account))
            assert_luna_error(reply, 400, 12022)
        assert descriptor_version_of(client, account, obama2, NEW) == NEW

        # gc removes exactly the 300 descriptors its filters select, the rest stays
        one = {"target": "face_descriptors", "descriptor_version": OLD, "filters": {"face_ids": [obama, obama2]}}
        task_id = tasks_api_task(tasks, account, "gc", one)
        wait_task(client, account, task_id)
        result = client.get(f"/6/tasks/{task_id}/result", headers=auth(account)).json()["result"]
        assert result == [{"face_id": obama}]  # obama2 has no 300 descriptor
        assert descriptor_version_of(client, account, obama, OLD) is None
        assert descriptor_version_of(client, account, biden, OLD) == OLD
        task_id = tasks_api_task(tasks, account, "gc", {"target": "face_descriptors", "descriptor_version": OLD})
        wait_task(client, account, task_id)
        result = client.get(f"/6/tasks/{task_id}/result", headers=auth(account)).json()["result"]
        assert result == [{"face_id": biden}]
        for face_id in (obama, biden, obama2):
            assert descriptor_version_of(client, account, face_id, OLD) is None
            assert descriptor_version_of(client, account, face_id, NEW) == NEW
        assert set(matches(client, account, obama2)) == {obama2, obama, biden}
        # another account's faces are not touched by this account's tasks
        other = str(uuid.uuid4())
        task_id = tasks_api_task(tasks, other, "gc", {"target": "face_descriptors", "descriptor_version": OLD})
        wait_task(client, other, task_id)
        assert client.get(f"/6/tasks/{task_id}/result", headers=auth(other)).json()["result"] == []
