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
import shutil
import subprocess
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
from tests import photos
from tests.conftest import assert_luna_error, auth, stack_settings
from tests.integration.test_tasks import (
    DIMENSION,
    FAILED,
    create_face,
    create_list,
    create_task,
    direct_roc,
    people,
    result_of,
    unit,
    wait_task,
)

ZIP = "application/zip"


@pytest.fixture(scope="module")
def estimator_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The server directory a network_disk estimator source may name: face warps in a folder tree, a broken
    image and a text file (not an image: skipped)."""
    root = Path(tmp_path_factory.mktemp("estimator_root"))
    (root / "warps" / "more").mkdir(parents=True)
    (root / "warps" / "a.jpg").write_bytes(warp_jpeg(30))
    (root / "warps" / "more" / "b.jpg").write_bytes(warp_jpeg(150))
    (root / "warps" / "broken.jpg").write_bytes(b"not an image")
    (root / "warps" / "notes.txt").write_text("skipped")
    (root / "outside.jpg").write_bytes(warp_jpeg(90))
    (root / "warps" / "link.jpg").symlink_to(root / "outside.jpg")  # leaves the folder: not an image of it
    return root


@pytest.fixture(scope="module")
def tasks_stack(tmp_path_factory: pytest.TempPathFactory, estimator_root: Path) -> Iterator[Stack]:
    settings = stack_settings(
        Path(tmp_path_factory.mktemp("tasks_more")),
        tasks_subtask_size=2,
        tasks_estimator_root=str(estimator_root),
    )
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


def test_exporter_and_reporter_on_the_tasks_api(tasks_stack: Stack, client: httpx.Client) -> None:
    """The LUNA Tasks API listener (/1/..., account_id query scoping) creates the same tasks and answers the ZIP."""
    account, stranger = str(uuid.uuid4()), str(uuid.uuid4())
    faces = sorted(create_face(client, account, vector, user_data="api") for vector in unit_vectors(2, 9))
    with httpx.Client(base_url=f"http://127.0.0.1:{tasks_stack.settings.tasks_port}", timeout=60.0) as tasks:
        created = tasks.post("/1/tasks/exporter", json={"content": {"objects_type": "faces"}}, headers=auth(account))
        assert created.status_code == 202, created.text
        task_id = created.json()["task_id"]
        wait_task(client, account, task_id)
        reply = tasks.get(f"/1/tasks/{task_id}/result", params={"account_id": account})
        assert reply.status_code == 200 and reply.headers["content-type"] == ZIP
        header, *rows = read_csv(zipfile.ZipFile(io.BytesIO(reply.content)), "faces.csv", ",")
        assert [row[0] for row in rows] == faces and header[3] == "user_data"
        assert_luna_error(tasks.get(f"/1/tasks/{task_id}/result", params={"account_id": stranger}), 404, 28001)
        clustering = create_task(client, account, "clustering", {"objects_type": "faces"})
        wait_task(client, account, clustering)
        body = {"content": {"filters": {"task_id": clustering}, "columns": ["user_data"]}}
        created = tasks.post("/1/tasks/reporter", json=body, headers=auth(account))
        assert created.status_code == 202, created.text
        wait_task(client, account, created.json()["task_id"])
        reply = tasks.get(f"/1/tasks/{created.json()['task_id']}/result", params={"account_id": account})
        header, *rows = read_csv(zipfile.ZipFile(io.BytesIO(reply.content)), "report.csv", ",")
        assert header == ["cluster_id", "face_id", "user_data"] and sorted(row[1] for row in rows) == faces


def test_roc_and_estimator_on_the_tasks_api(tasks_stack: Stack, client: httpx.Client) -> None:
    """The two types no other test creates on the Tasks API listener: a ROC (JSON result with the AUC a direct
    computation gives, the PNG plot by Accept) and an estimator over the server directory's warps."""
    account = str(uuid.uuid4())
    rng = np.random.default_rng(11)
    centres = [unit(rng.standard_normal(DIMENSION)) for _ in range(3)]
    vectors = [unit(centre + 0.6 * unit(rng.standard_normal(DIMENSION))) for centre in centres for _ in range(3)]
    labels = [person for person in range(3) for _ in range(3)]
    faces = [create_face(client, account, vector) for vector in vectors]
    with httpx.Client(base_url=f"http://127.0.0.1:{tasks_stack.settings.tasks_port}", timeout=60.0) as tasks:
        markup = [{"face_id": face, "label": label} for face, label in zip(faces, labels, strict=True)]
        created = tasks.post("/1/tasks/roc", json={"content": {"markup": markup}}, headers=auth(account))
        assert created.status_code == 202, created.text
        task_id = created.json()["task_id"]
        assert wait_task(client, account, task_id)["task_type"] == 7
        result = tasks.get(f"/1/tasks/{task_id}/result", params={"account_id": account}).json()["result"]
        auc, eer = direct_roc(vectors, labels)
        assert result["auc"] == pytest.approx(auc, abs=1e-6) and result["eer"] == pytest.approx(eer, abs=1e-6)
        plot = tasks.get(
            f"/1/tasks/{task_id}/result", params={"account_id": account}, headers={"Accept": "image/png"}
        )
        assert plot.status_code == 200 and plot.headers["content-type"] == "image/png"
        assert Image.open(io.BytesIO(plot.content)).format == "PNG"

        handler = dynamic_handler(client, account)
        policies = {"extract_policy": {"extract_face_descriptor": 0, "extract_basic_attributes": 0}}
        content = {
            "handler": {"handler_id": handler, "policies": policies},
            "source": {"source_type": "network_disk", "path": "warps", "image_type": 1},
        }
        created = tasks.post("/1/tasks/estimator", json={"content": content}, headers=auth(account))
        assert created.status_code == 202, created.text
        task_id = created.json()["task_id"]
        assert wait_task(client, account, task_id)["task_type"] == 9
        result = tasks.get(f"/1/tasks/{task_id}/result", params={"account_id": account}).json()["result"]
        assert (result["total_images"], result["images_failed"], result["events_count"]) == (3, 1, 2)
        stored = {event["event_id"] for event in events_of(client, account, handler)}
        assert stored == {image["events"][0]["event_id"] for image in result["images"] if image["status"] == 1}


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
    contents: list[dict[str, Any]] = [
        {"filters": {}},
        {"filters": {"task_id": "1"}},
        {"filters": {"task_id": 1}, "columns": []},
    ]
    for content in contents:
        assert_luna_error(
            client.post("/6/tasks/reporter", json={"content": content}, headers=auth(account)), 400, 12022
        )


def test_reporter_and_exporter_over_events(client: httpx.Client) -> None:
    """Events with descriptors (raw events) clustered, then reported with their samples; the exporter's
    descriptor column carries each event's vector."""
    account = str(uuid.uuid4())
    handler = dynamic_handler(client, account)
    vectors, labels = people(21, 2, 2, 0.3)
    samples = [upload_sample(client, account, warp_jpeg(50 + 40 * n)) for n in range(len(vectors))]
    person_of: dict[str, int] = {}
    vector_of: dict[str, np.ndarray] = {}
    for vector, label, sample in zip(vectors, labels, samples, strict=True):
        descriptor = base64.b64encode(np.asarray(vector, dtype="<f4").tobytes()).decode()
        event_id = raw_event(
            client,
            account,
            handler,
            source=f"camera {label}",
            face_attributes={"descriptor": descriptor},
            detections=[{"samples": {"face": {"sample_id": sample}}, "detect_time": "2026-02-02T10:00:00Z"}],
        )
        person_of[event_id], vector_of[event_id] = label, vector
    without = raw_event(client, account, handler, source="camera 9")  # exported too, with no descriptor
    clustering = create_task(client, account, "clustering", {"objects_type": "events", "threshold": 0.5})
    wait_task(client, account, clustering)
    clusters = result_of(client, account, clustering)["clusters"]
    assert sorted(len(c) for c in clusters) == [2, 2]
    content = {"filters": {"task_id": clustering}, "columns": ["source", "samples"], "save_images": 1}
    reporter = create_task(client, account, "reporter", content)
    wait_task(client, account, reporter)
    archive = zip_result(client, account, reporter)
    header, *rows = read_csv(archive, "report.csv", ",")
    assert header == ["cluster_id", "event_id", "source", "samples"]
    for cluster_id, event_id, source, sample in rows:
        assert event_id in clusters[int(cluster_id) - 1] and source == f"camera {person_of[event_id]}"
        assert f"images/{cluster_id}/{sample}.jpg" in archive.namelist()
    assert len(archive.namelist()) == 1 + len(rows) == 5

    exporter = create_task(
        client, account, "exporter", {"objects_type": "events", "columns": ["event_id", "descriptor"]}
    )
    wait_task(client, account, exporter)
    header, *rows = read_csv(zip_result(client, account, exporter), "events.csv", ",")
    assert sorted(row[0] for row in rows) == sorted([*vector_of, without])
    assert [row[1] for row in rows if row[0] == without] == [""]
    for event_id, descriptor in (row for row in rows if row[0] != without):
        exported = np.frombuffer(base64.b64decode(descriptor), dtype="<f4")
        np.testing.assert_allclose(exported, vector_of[event_id], atol=0.02)


# -- estimator ------------------------------------------------------------------------------------------------


def events_of(client: httpx.Client, account: str, handler_id: str) -> list[dict[str, Any]]:
    reply = client.get("/6/events", params={"handler_ids": handler_id, "page_size": 100}, headers=auth(account))
    assert reply.status_code == 200, reply.text
    return list(reply.json()["events"])


def test_estimator_network_disk_warps_through_a_dynamic_handler(client: httpx.Client) -> None:
    """Face warps need no models when nothing is extracted from them: the server's estimator root, a folder tree
    of warps, inline policies of a dynamic handler; one event per readable image, the broken one an error."""
    account = str(uuid.uuid4())
    handler = dynamic_handler(client, account)
    policies = {"extract_policy": {"extract_face_descriptor": 0, "extract_basic_attributes": 0}}
    content: dict[str, Any] = {
        "handler": {"handler_id": handler, "policies": policies},
        "source": {"source_type": "network_disk", "path": "warps", "image_type": 1},
    }
    task_id = create_task(client, account, "estimator", content)
    task = wait_task(client, account, task_id)
    assert task["task_type"] == 9 and task["count_task_parts_all"] == 2  # 3 images, subtasks of 2
    result = result_of(client, account, task_id)
    assert [image["filename"] for image in result["images"]] == ["a.jpg", "broken.jpg", "more/b.jpg"]
    assert (result["total_images"], result["images_failed"], result["events_count"]) == (3, 1, 2)
    broken = result["images"][1]
    assert broken["status"] == 0 and broken["error"]["error_code"] == 13010 and broken["events"] == []
    event_ids = {image["events"][0]["event_id"] for image in result["images"] if image["status"] == 1}
    assert len(event_ids) == 2
    assert {event["event_id"] for event in events_of(client, account, handler)} == event_ids

    # the same task with a static handler's policies given inline, a path out of the root, a missing path
    for source, code in (
        ({"source_type": "network_disk", "path": "../outside.jpg"}, 28021),
        ({"source_type": "network_disk", "path": "nowhere"}, 28021),
        ({"source_type": "zip", "object_id": str(uuid.uuid4())}, 13007),
    ):
        failed = create_task(client, account, "estimator", {**content, "source": source})
        wait_task(client, account, failed, (FAILED,))
        assert task_errors(client, account, failed)[0]["error_code"] == code
    no_policies = create_task(client, account, "estimator", {**content, "handler": {"handler_id": handler}})
    wait_task(client, account, no_policies, (FAILED,))
    assert task_errors(client, account, no_policies)[0]["error_code"] == 12022
    unknown = create_task(client, account, "estimator", {**content, "handler": {"handler_id": str(uuid.uuid4())}})
    wait_task(client, account, unknown, (FAILED,))
    assert task_errors(client, account, unknown)[0]["error_code"] == 34000
    for bad in (
        {**content, "source": {"source_type": "zip"}},  # no archive named
        {**content, "source": {"source_type": "ftp", "path": "x"}},
        {"source": content["source"]},
        {**content, "source": {**content["source"], "image_type": 3}},
    ):
        assert_luna_error(client.post("/6/tasks/estimator", json={"content": bad}, headers=auth(account)), 400, 12022)


def store_object(client: httpx.Client, account: str, data: bytes) -> str:
    stored = client.post("/6/objects", content=data, headers=auth(account, **{"Content-Type": "application/zip"}))
    assert stored.status_code == 201, stored.text
    return str(stored.json()["object_id"])


def test_estimator_zip_object(client: httpx.Client, tmp_path: Path) -> None:
    """A ZIP stored with POST /6/objects: its images are read in name order; one made with a password (the zip
    tool: Python cannot write one) is read with the right password only."""
    account = str(uuid.uuid4())
    handler = dynamic_handler(client, account)
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w") as archive:
        archive.writestr("z/1.jpg", warp_jpeg(10))
        archive.writestr("z/2.jpg", warp_jpeg(220))
        archive.writestr("readme.md", "skipped")
    object_id = store_object(client, account, packed.getvalue())
    policies = {"extract_policy": {"extract_face_descriptor": 0, "extract_basic_attributes": 0}}
    content = {
        "handler": {"handler_id": handler, "policies": policies},
        "source": {"source_type": "zip", "url": f"/6/objects/{object_id}", "image_type": 1},
    }
    task_id = create_task(client, account, "estimator", content)
    wait_task(client, account, task_id)
    result = result_of(client, account, task_id)
    assert [image["filename"] for image in result["images"]] == ["z/1.jpg", "z/2.jpg"]
    assert result["events_count"] == 2 and result["images_failed"] == 0
    assert len(events_of(client, account, handler)) == 2
    # another account cannot name the object
    stranger = str(uuid.uuid4())
    other = create_task(
        client,
        stranger,
        "estimator",
        {
            "handler": {"handler_id": dynamic_handler(client, stranger), "policies": policies},
            "source": content["source"],
        },
    )
    wait_task(client, stranger, other, (FAILED,))
    assert task_errors(client, stranger, other)[0]["error_code"] == 13007

    zip_tool = shutil.which("zip")
    if zip_tool is None:
        pytest.skip("no zip tool to make an archive with a password")
    for name, shade in (("p1.jpg", 60), ("p2.jpg", 180)):
        (tmp_path / name).write_bytes(warp_jpeg(shade))
    subprocess.run(
        [zip_tool, "-q", "-j", "-P", "secret", str(tmp_path / "locked.zip"), "p1.jpg", "p2.jpg"],
        cwd=tmp_path,
        check=True,
    )
    locked = store_object(client, account, (tmp_path / "locked.zip").read_bytes())
    source = {"source_type": "zip", "object_id": locked, "image_type": 1}
    for authorization in (None, {"password": "wrong"}):
        given = source if authorization is None else {**source, "authorization": authorization}
        refused = create_task(client, account, "estimator", {**content, "source": given})
        wait_task(client, account, refused, (FAILED,))
        (error,) = task_errors(client, account, refused)
        assert error["error_code"] == 28021, error
    opened = create_task(
        client, account, "estimator", {**content, "source": {**source, "authorization": {"password": "secret"}}}
    )
    wait_task(client, account, opened)
    result = result_of(client, account, opened)
    assert [image["status"] for image in result["images"]] == [1, 1] and result["events_count"] == 2


# -- with models (the session stack: real detector and extractor) --------------------------------------------


def photo(name: str) -> bytes:
    return photos.face_recognition_image(name).read_bytes()


def detected_sample(rest: httpx.Client, account: str, image: bytes) -> str:
    reply = rest.post("/6/detector", content=image, headers=auth(account, **{"Content-Type": "image/jpeg"}))
    assert reply.status_code == 201, reply.text
    return str(reply.json()["images"][0]["detections"]["samples"][0]["face"]["sample_id"])


def test_estimator_real_photos_through_a_static_handler(rest: httpx.Client) -> None:
    account = str(uuid.uuid4())
    list_id = create_list(rest, account)
    policies = {
        "extract_policy": {"extract_basic_attributes": 1},
        "storage_policy": {"face_policy": {"store_face": 1, "link_to_lists_policy": [{"list_id": list_id}]}},
    }
    created = rest.post("/6/handlers", json={"policies": policies}, headers=auth(account))
    assert created.status_code == 201, created.text
    handler = created.json()["handler_id"]
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w") as archive:
        for name in ("obama.jpg", "obama2.jpg", "biden.jpg"):
            archive.writestr(f"people/{name}", photo(name))
        archive.writestr("people/broken.jpg", b"\xff\xd8 not a jpeg")
    object_id = store_object(rest, account, packed.getvalue())
    content = {"handler": {"handler_id": handler}, "source": {"source_type": "zip", "object_id": object_id}}
    task_id = create_task(rest, account, "estimator", content)
    wait_task(rest, account, task_id)
    result = result_of(rest, account, task_id)
    names = ["people/biden.jpg", "people/broken.jpg", "people/obama.jpg", "people/obama2.jpg"]
    assert [image["filename"] for image in result["images"]] == names
    assert (result["total_images"], result["images_failed"], result["events_count"]) == (4, 1, 3)
    assert result["images"][1]["error"]["error_code"] == 13010
    events = [image["events"][0] for image in result["images"] if image["status"] == 1]
    for event in events:
        assert event["face_attributes"]["basic_attributes"]["gender"] == 1  # three men
        assert event["face"]["lists"] == [list_id]
    stored = events_of(rest, account, handler)
    assert {e["event_id"] for e in stored} == {e["event_id"] for e in events}
    listed = rest.get("/6/faces", params={"list_id": list_id}, headers=auth(account)).json()["faces"]
    assert {f["face_id"] for f in listed} == {e["face"]["face_id"] for e in events}
    # the two photos of Obama match each other better than Biden
    obama, obama2 = events[1]["face"]["face_id"], events[2]["face"]["face_id"]
    body = {
        "references": [{"type": "face", "id": obama}],
        "candidates": [{"filters": {"origin": "faces", "list_id": list_id}, "limit": 2}],
    }
    matched = rest.post("/6/matcher/faces", json=body, headers=auth(account))
    assert matched.status_code == 200, matched.text
    ranked = [r["face"]["face_id"] for r in matched.json()[0]["matches"][0]["result"]]
    assert ranked == [obama, obama2]


def test_additional_extract_fills_descriptors_and_basic_attributes(rest: httpx.Client) -> None:
    account = str(uuid.uuid4())
    obama_sample = detected_sample(rest, account, photo("obama.jpg"))
    biden_sample = detected_sample(rest, account, photo("biden.jpg"))
    basic = {"age": 30, "gender": 0, "ethnicity": 1}
    # no descriptor, basic attributes from the obama sample; a known descriptor, no basic attributes; nothing
    no_descriptor = create_face(
        rest, account, attribute={"basic_attributes": basic, "basic_attributes_samples": [obama_sample]}
    )
    known = unit_vectors(1, 5)[0]
    no_basic = create_face(rest, account, attribute=with_samples(known, [biden_sample]))
    bare = create_face(rest, account, user_data="no attribute")

    content = {"extraction_target": "face_descriptors", "filters": {"objects_type": "faces"}}
    task_id = create_task(rest, account, "additional_extract", content)
    assert wait_task(rest, account, task_id)["task_type"] == 5
    result = result_of(rest, account, task_id)
    assert result["updated"] == [no_descriptor]
    assert result["skipped"] == [{"face_id": bare, "reason": "no sample"}]
    attributes = rest.get(f"/6/faces/{no_descriptor}/attributes", headers=auth(account)).json()["attributes"]
    assert attributes["basic_attributes"] == basic and attributes["face_descriptor_samples"] == [obama_sample]
    assert attributes["face_descriptor"]["descriptor_version"] == DEFAULT_VERSION
    # the filled descriptor is the extractor's descriptor of the same sample
    extracted = rest.post("/6/extractor", json=[obama_sample], headers=auth(account))
    assert extracted.status_code == 201, extracted.text
    body = {
        "references": [{"type": "attribute", "id": extracted.json()[0]["attribute_id"]}],
        "candidates": [{"filters": {"origin": "faces", "face_ids": [no_descriptor, no_basic]}, "limit": 2}],
    }
    matched = rest.post("/6/matcher/faces", json=body, headers=auth(account)).json()[0]["matches"][0]["result"]
    assert matched[0]["face"]["face_id"] == no_descriptor and matched[0]["similarity"] > 0.99

    content = {"extraction_target": "basic_attributes", "filters": {"objects_type": "faces", "face_ids": [no_basic]}}
    task_id = create_task(rest, account, "additional_extract", content)
    wait_task(rest, account, task_id)
    assert result_of(rest, account, task_id)["updated"] == [no_basic]
    attributes = rest.get(f"/6/faces/{no_basic}/attributes", headers=auth(account)).json()["attributes"]
    assert attributes["basic_attributes"]["gender"] == 1 and attributes["basic_attributes_samples"] == [biden_sample]
    # the known descriptor is kept: the face still matches it exactly
    raw: dict[str, Any] = {
        "references": [{"type": "raw_descriptor", "id": "known", "data": base64.b64encode(known.tobytes()).decode()}]
    }
    raw["candidates"] = [{"filters": {"origin": "faces", "face_ids": [no_basic]}, "limit": 1}]
    kept = rest.post("/6/matcher/faces", json=raw, headers=auth(account))
    assert kept.status_code == 200, kept.text
    assert kept.json()[0]["matches"][0]["result"][0]["similarity"] == pytest.approx(1.0, abs=1e-3)

    # missing=0 re-extracts every selected face; nothing selected is a task error
    again = {"options": {"missing": 0}, "filters": {"objects_type": "faces", "face_ids": [no_descriptor, no_basic]}}
    task_id = create_task(rest, account, "additional_extract", again)
    wait_task(rest, account, task_id)
    assert result_of(rest, account, task_id)["updated"] == sorted([no_descriptor, no_basic])
    empty = {"filters": {"objects_type": "faces", "user_data": "nobody"}}
    task_id = create_task(rest, account, "additional_extract", empty)
    wait_task(rest, account, task_id, (FAILED,))
    assert task_errors(rest, account, task_id)[0]["error_code"] == 28010
    refused: list[dict[str, Any]] = [
        {"filters": {"objects_type": "events"}},
        {"filters": {}},
        {"extraction_target": "x", **empty},
    ]
    for bad in refused:
        reply = rest.post("/6/tasks/additional_extract", json={"content": bad}, headers=auth(account))
        assert_luna_error(reply, 400, 12022)
