"""Tasks reporter, exporter, estimator and additional_extract (v6 API-105, 107, 117; LUNA Tasks additional_extract)
through Envoy, with their results checked for content: the ZIP's CSV columns and rows and its sample files, the
events an estimator creates, the descriptors an additional_extract fills.

Reporter and exporter need no models: their stack runs without Triton, faces carry known descriptors, events are
raw events. Estimator and additional_extract run on the session stack (real detector and extractor).
"""

from __future__ import annotations

import base64
import csv
import io
import uuid
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest
from PIL import Image

from server.stack import Stack
from server.storage.descriptors import DEFAULT_VERSION
from tests.conftest import assert_luna_error, auth, stack_settings
from tests.integration.test_tasks import (
    FAILED,
    create_face,
    create_list,
    create_task,
    people,
    result_of,
    wait_task,
)

ZIP = "application/zip"


@pytest.fixture(scope="module")
def tasks_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    settings = stack_settings(Path(tmp_path_factory.mktemp("tasks_more")), tasks_subtask_size=2)
    stack = Stack(settings).start()
    try:
        yield stack
    finally:
        stack.stop()


@pytest.fixture(scope="module")
def client(tasks_stack: Stack) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=tasks_stack.rest_url, timeout=60.0) as http:
        yield http


def warp_jpeg(shade: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (250, 250), (shade, 255 - shade, 90)).save(out, format="JPEG", quality=90)
    return out.getvalue()


def upload_sample(client: httpx.Client, account: str, data: bytes) -> str:
    reply = client.post("/6/samples/faces", content=data, headers=auth(account, **{"Content-Type": "image/jpeg"}))
    assert reply.status_code == 201, reply.text
    return str(reply.json()["sample_id"])


def zip_result(client: httpx.Client, account: str, task_id: int) -> zipfile.ZipFile:
    reply = client.get(f"/6/tasks/{task_id}/result", headers=auth(account))
    assert reply.status_code == 200, reply.text
    assert reply.headers["content-type"] == ZIP
    return zipfile.ZipFile(io.BytesIO(reply.content))


def read_csv(archive: zipfile.ZipFile, name: str, delimiter: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(archive.read(name).decode()), delimiter=delimiter))


def task_errors(client: httpx.Client, account: str, task_id: int) -> list[dict[str, Any]]:
    reply = client.get(f"/6/tasks/{task_id}/errors", headers=auth(account))
    assert reply.status_code == 200, reply.text
    return list(reply.json()["errors"])


def with_samples(vector: np.ndarray, samples: list[str]) -> dict[str, Any]:
    """A face attribute with a known descriptor and its samples."""
    descriptor = base64.b64encode(np.asarray(vector, dtype="<f4").tobytes()).decode()
    return {
        "face_descriptors": [{"descriptor": descriptor, "version": DEFAULT_VERSION}],
        "face_descriptor_samples": samples,
    }


def unit_vectors(count: int, seed: int) -> list[np.ndarray]:
    vectors, _ = people(seed, count, 1, 0.0)
    return vectors


# -- exporter -------------------------------------------------------------------------------------------------


def test_exporter_faces_to_csv_with_samples(client: httpx.Client) -> None:
    account, stranger = str(uuid.uuid4()), str(uuid.uuid4())
    list_id = create_list(client, account)
    warps = [warp_jpeg(40), warp_jpeg(200)]
    samples = [upload_sample(client, account, data) for data in warps]
    vectors = unit_vectors(3, 7)
    faces: dict[str, dict[str, Any]] = {}
    for index, vector in enumerate(vectors):
        body: dict[str, Any] = {"user_data": f"person {index}", "external_id": f"ext-{index}"}
        if index == 0:
            body["lists"] = [list_id]
        if index < 2:
            body["attribute"] = with_samples(vector, [samples[index]])
            face_id = create_face(client, account, **body)
        else:
            face_id = create_face(client, account, vector, **body)
        faces[face_id] = {"index": index, "vector": vector}
    create_face(client, stranger, vectors[0], user_data="not mine")

    columns = ["face_id", "user_data", "external_id", "lists", "samples", "descriptor"]
    content = {"objects_type": "faces", "columns": columns, "csv_delimiter": "$", "save_images": 1}
    task_id = create_task(client, account, "exporter", content)
    task = wait_task(client, account, task_id)
    assert task["task_type"] == 8 and task["count_task_parts_all"] == 2  # 3 faces, subtasks of 2
    archive = zip_result(client, account, task_id)
    assert sorted(archive.namelist()) == sorted(["faces.csv", *(f"images/{s}.jpg" for s in samples)])
    for sample_id, data in zip(samples, warps, strict=True):
        assert archive.read(f"images/{sample_id}.jpg") == data
    header, *rows = read_csv(archive, "faces.csv", "$")
    assert header == columns
    assert [row[0] for row in rows] == sorted(faces)  # id order, the stranger's face left out
    for row in rows:
        index = faces[row[0]]["index"]
        assert row[1:3] == [f"person {index}", f"ext-{index}"]
        assert row[3] == (list_id if index == 0 else "")
        assert row[4] == (samples[index] if index < 2 else "")
        exported = np.frombuffer(base64.b64decode(row[5]), dtype="<f4")
        np.testing.assert_allclose(exported, faces[row[0]]["vector"], atol=0.02)

    # filters: only the list's face, default columns, no images
    listed = create_task(client, account, "exporter", {"objects_type": "faces", "filters": {"list_id": list_id}})
    wait_task(client, account, listed)
    archive = zip_result(client, account, listed)
    assert archive.namelist() == ["faces.csv"]
    header, *rows = read_csv(archive, "faces.csv", ",")
    assert header[:3] == ["face_id", "account_id", "event_id"] and "descriptor" not in header
    assert [row[0] for row in rows] == list(faces)[:1]
    assert rows[0][header.index("lists")] == list_id


def raw_event(client: httpx.Client, account: str, handler: str, **body: Any) -> str:
    reply = client.post(f"/6/handlers/{handler}/events/raw", json=body, headers=auth(account))
    assert reply.status_code == 201, reply.text
    return str(reply.json()["event_id"])


def dynamic_handler(client: httpx.Client, account: str) -> str:
    created = client.post("/6/handlers", json={"is_dynamic": True, "description": "raw"}, headers=auth(account))
    assert created.status_code == 201, created.text
    return str(created.json()["handler_id"])


def test_exporter_events_by_filters(client: httpx.Client) -> None:
    account = str(uuid.uuid4())
    handler = dynamic_handler(client, account)
    hall = [
        raw_event(
            client,
            account,
            handler,
            source="hall",
            user_data=f"visit {n}",
            tags=["vip"],
            create_time=f"2026-02-0{n + 1}T10:00:00Z",
            face_attributes={"basic_attributes": {"age": 20 + n, "gender": n % 2}},
        )
        for n in range(3)
    ]
    raw_event(client, account, handler, source="door", create_time="2026-02-05T10:00:00Z")
    content = {
        "objects_type": "events",
        "filters": {"sources": ["hall"]},
        "columns": ["event_id", "source", "user_data", "tags", "age", "gender", "handler_id"],
    }
    task_id = create_task(client, account, "exporter", content)
    wait_task(client, account, task_id)
    archive = zip_result(client, account, task_id)
    assert archive.namelist() == ["events.csv"]
    header, *rows = read_csv(archive, "events.csv", ",")
    assert header == content["columns"]
    by_id = {row[0]: row for row in rows}
    assert sorted(by_id) == sorted(hall)
    for n, event_id in enumerate(hall):
        assert by_id[event_id][1:] == ["hall", f"visit {n}", "vip", str(20 + n), str(n % 2), handler]


def test_exporter_bad_content_and_empty_selection(client: httpx.Client) -> None:
    account = str(uuid.uuid4())
    for bad in (
        {"objects_type": "faces", "columns": ["source"]},  # an events column
        {"objects_type": "events", "columns": ["lists"]},
        {"objects_type": "faces", "csv_delimiter": ";;"},
        {"objects_type": "faces", "filters": {"sources": ["hall"]}},
        {"objects_type": "bodies"},
        {"objects_type": "faces", "save_images": 2},
    ):
        reply = client.post("/6/tasks/exporter", json={"content": bad}, headers=auth(account))
        assert_luna_error(reply, 400, 12022)
    assert_luna_error(client.post("/6/tasks/exporter", json={"content": {"objects_type": "faces"}}), 403, 11036)
    empty = create_task(client, account, "exporter", {"objects_type": "faces", "filters": {"user_data": "nobody"}})
    wait_task(client, account, empty, (FAILED,))
    (error,) = task_errors(client, account, empty)
    assert error["error_code"] == 28010 and error["detail"] == "Objects for exporter not found (empty set)"


# -- reporter -------------------------------------------------------------------------------------------------


def test_reporter_writes_the_clusters(client: httpx.Client) -> None:
    account = str(uuid.uuid4())
    vectors, labels = people(11, 3, 3, 0.3)
    sample = upload_sample(client, account, warp_jpeg(120))
    person_of: dict[str, int] = {}
    for index, (vector, label) in enumerate(zip(vectors, labels, strict=True)):
        body: dict[str, Any] = {"user_data": f"person {label}"}
        if index == 0:
            body["attribute"] = with_samples(vector, [sample])
            person_of[create_face(client, account, **body)] = label
        else:
            person_of[create_face(client, account, vector, **body)] = label
    clustering = create_task(client, account, "clustering", {"objects_type": "faces", "threshold": 0.5})
    wait_task(client, account, clustering)
    clusters = result_of(client, account, clustering)["clusters"]
    assert len(clusters) == 3

    content = {"filters": {"task_id": clustering}, "columns": ["user_data"], "csv_delimiter": ";", "save_images": 1}
    reporter = create_task(client, account, "reporter", content)
    task = wait_task(client, account, reporter)
    assert task["task_type"] == 3
    archive = zip_result(client, account, reporter)
    first_face = next(iter(person_of))
    first_cluster = next(n for n, cluster in enumerate(clusters, start=1) if first_face in cluster)
    assert sorted(archive.namelist()) == [f"images/{first_cluster}/{sample}.jpg", "report.csv"]
    header, *rows = read_csv(archive, "report.csv", ";")
    assert header == ["cluster_id", "face_id", "user_data"]
    assert len(rows) == len(person_of)
    assert [row[1] for row in rows] == [face_id for cluster in clusters for face_id in cluster]
    for cluster_id, face_id, user_data in rows:
        assert face_id in clusters[int(cluster_id) - 1]
        assert user_data == f"person {person_of[face_id]}"
    # each cluster is one person
    assert len({(row[0], row[2]) for row in rows}) == 3 and len({row[2] for row in rows}) == 3


def test_reporter_needs_a_finished_clustering_of_the_account(client: httpx.Client) -> None:
    account, stranger = str(uuid.uuid4()), str(uuid.uuid4())
    create_face(client, account, unit_vectors(1, 3)[0])
    linker = create_task(client, account, "linker", {"objects_type": "faces", "create_list": 1})
    wait_task(client, account, linker)
    clustering = create_task(client, account, "clustering", {"objects_type": "faces"})
    wait_task(client, account, clustering)
    for source, owner, code in ((linker, account, 28020), (clustering, stranger, 28001), (999_999, account, 28001)):
        reporter = create_task(client, owner, "reporter", {"filters": {"task_id": source}})
        wait_task(client, owner, reporter, (FAILED,))
        (error,) = task_errors(client, owner, reporter)
        assert error["error_code"] == code, error
    bad = {"filters": {"task_id": clustering}, "columns": ["source"]}  # faces have no source
    reporter = create_task(client, account, "reporter", bad)
    wait_task(client, account, reporter, (FAILED,))
    assert task_errors(client, account, reporter)[0]["error_code"] == 12022
    for content in ({"filters": {}}, {"filters": {"task_id": "1"}}, {"filters": {"task_id": 1}, "columns": []}):
        assert_luna_error(
            client.post("/6/tasks/reporter", json={"content": content}, headers=auth(account)), 400, 12022
        )
