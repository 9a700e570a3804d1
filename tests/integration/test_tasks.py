"""Tasks (v6 API-103..138, §7) through Envoy: clustering, ROC and linker end to end with content checks, the
lifecycle (statuses, progress, subtasks, errors, counts, cancel, delete, isolation) and crashes of the server and
of the task worker process in the middle of a multi-subtask task.

Faces carry known descriptors (POST /6/faces with raw vectors), so no models are needed: the stacks run without
Triton. Subtasks are small (LUMEN_TASKS_SUBTASK_SIZE=2) so every task has several.
"""

from __future__ import annotations

import base64
import io
import signal
import time
import uuid
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import jsonschema
import numpy as np
import pytest
import yaml
from PIL import Image
from schemathesis.specs.openapi.definitions import OPENAPI_30

from server.matching.similarity import similarity_from_cosine
from server.settings import TASKS_SETTINGS
from server.stack import Stack
from server.storage.descriptors import DEFAULT_VERSION, descriptor_format
from tests import photos
from tests.conftest import assert_luna_error, auth, stack_settings
from tests.integration.test_matcher import attribute_of, jpeg_on_canvas

DIMENSION = descriptor_format(DEFAULT_VERSION).dimension
REQUEST_ID = "1536751345,8b8b5937-2e9c-4e8b-a7a7-5caf86621b5a"
WAIT_S = 60.0
DONE, FAILED, CANCELLED, IN_PROGRESS = 5, 3, 2, 1


@pytest.fixture(scope="module")
def tasks_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    settings = stack_settings(Path(tmp_path_factory.mktemp("tasks")), tasks_subtask_size=2)
    stack = Stack(settings).start()
    try:
        yield stack
    finally:
        stack.stop()


@pytest.fixture(scope="module")
def client(tasks_stack: Stack) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=tasks_stack.rest_url, timeout=60.0) as http:
        yield http


def b64(vector: np.ndarray) -> str:
    return base64.b64encode(np.asarray(vector, dtype="<f4").tobytes()).decode()


def unit(vector: np.ndarray) -> np.ndarray:
    return (vector / np.linalg.norm(vector)).astype("<f4")


def create_face(client: httpx.Client, account: str, vector: np.ndarray | None = None, **body: Any) -> str:
    if vector is not None:
        body["attribute"] = {"face_descriptors": [{"descriptor": b64(vector), "version": DEFAULT_VERSION}]}
    reply = client.post("/6/faces", json=body, headers=auth(account))
    assert reply.status_code == 201, reply.text
    return str(reply.json()["face_id"])


def create_list(client: httpx.Client, account: str) -> str:
    reply = client.post("/6/lists", json={"user_data": "tasks"}, headers=auth(account))
    assert reply.status_code == 201, reply.text
    return str(reply.json()["list_id"])


def create_task(client: httpx.Client, account: str, kind: str, content: dict[str, Any], **body: Any) -> int:
    reply = client.post(f"/6/tasks/{kind}", json={"content": content, **body}, headers=auth(account))
    assert reply.status_code == 202, reply.text
    task_id = reply.json()["task_id"]
    assert isinstance(task_id, int)
    return task_id


def wait_task(client: httpx.Client, account: str, task_id: int, statuses: tuple[int, ...] = (DONE,)) -> dict[str, Any]:
    deadline = time.monotonic() + WAIT_S
    while True:
        reply = client.get(f"/6/tasks/{task_id}", headers=auth(account))
        assert reply.status_code == 200, reply.text
        task = reply.json()
        if task["task_status"] in statuses:
            return dict(task)
        assert task["task_status"] not in (CANCELLED, FAILED, DONE), task
        assert time.monotonic() < deadline, task
        time.sleep(0.1)


def result_of(client: httpx.Client, account: str, task_id: int) -> Any:
    reply = client.get(f"/6/tasks/{task_id}/result", headers=auth(account))
    assert reply.status_code == 200, reply.text
    assert reply.headers["content-type"] == "application/json"
    body = reply.json()
    assert set(body) == {"result", "errors"}
    return body["result"]


def people(seed: int, count: int, per_person: int, noise: float) -> tuple[list[np.ndarray], list[int]]:
    """Descriptors of `count` people, `per_person` each, around a random centre per person."""
    rng = np.random.default_rng(seed)
    vectors, labels = [], []
    for person in range(count):
        centre = unit(rng.standard_normal(DIMENSION))
        for _ in range(per_person):
            vectors.append(unit(centre + noise * rng.standard_normal(DIMENSION) / np.sqrt(DIMENSION)))
            labels.append(person)
    return vectors, labels


def test_clustering_groups_each_person(client: httpx.Client) -> None:
    account = str(uuid.uuid4())
    list_id = create_list(client, account)
    vectors, labels = people(1, 4, 4, 0.3)
    face_ids = [create_face(client, account, v) for v in vectors]
    for face_id in face_ids:
        assert client.patch(
            f"/6/lists/{list_id}/faces", json={"action": "attach", "face_ids": [face_id]}, headers=auth(account)
        ).status_code in (200, 204)
    outsider = create_face(client, account, vectors[0])  # same person, but not in the list: filtered out
    no_descriptor = create_face(client, account, None)
    client.patch(
        f"/6/lists/{list_id}/faces", json={"action": "attach", "face_ids": [no_descriptor]}, headers=auth(account)
    )
    content = {"objects_type": "faces", "filters": {"list_id": list_id}, "threshold": 0.5}
    task_id = create_task(client, account, "clustering", content, description="people")
    task = wait_task(client, account, task_id)
    assert task["task_type"] == 2 and task["description"] == "people" and task["account_id"] == account
    assert task["content"] == content
    assert task["count_task_parts_all"] == 8 and task["count_task_parts_done"] == 8  # 16 rows, 2 per subtask
    assert task["end_time"] is not None and task["result_id"] is not None
    result = result_of(client, account, task_id)
    expected = {frozenset(f for f, label in zip(face_ids, labels, strict=True) if label == p) for p in range(4)}
    assert {frozenset(cluster) for cluster in result["clusters"]} == expected
    assert outsider not in {f for cluster in result["clusters"] for f in cluster}
    assert result["total_objects"] == 16 and result["total_clusters"] == 4
    assert result["objects_without_descriptor"] == 1
    subtasks = client.get(f"/6/tasks/{task_id}/subtasks", headers=auth(account)).json()["subtasks"]
    assert len(subtasks) == 8 and all(s["subtask_status"] == DONE and s["task_id"] == task_id for s in subtasks)
    assert [s["content"]["rows"] for s in subtasks][:2] == [[0, 2], [2, 4]]
    # a threshold no pair reaches: every face alone
    lonely = create_task(client, account, "clustering", {**content, "threshold": 1.0})
    wait_task(client, account, lonely)
    assert result_of(client, account, lonely)["total_clusters"] == 16


def test_clustering_of_events(client: httpx.Client) -> None:
    account = str(uuid.uuid4())
    created = client.post("/6/handlers", json={"is_dynamic": True}, headers=auth(account))
    assert created.status_code == 201, created.text
    handler = created.json()["handler_id"]
    vectors, labels = people(5, 3, 3, 0.2)
    events: list[str] = []
    for index, vector in enumerate([*vectors, vectors[0]]):
        body = {"source": "cam" if index < len(vectors) else "other", "face_attributes": {"descriptor": b64(vector)}}
        reply = client.post(f"/6/handlers/{handler}/events/raw", json=body, headers=auth(account))
        assert reply.status_code == 201, reply.text
        events.append(reply.json()["event_id"])
    content = {"objects_type": "events", "filters": {"sources": ["cam"]}, "threshold": 0.5}
    task_id = create_task(client, account, "clustering", content)
    wait_task(client, account, task_id)
    result = result_of(client, account, task_id)
    expected = {frozenset(e for e, label in zip(events, labels, strict=False) if label == p) for p in range(3)}
    assert {frozenset(cluster) for cluster in result["clusters"]} == expected
    assert result["total_objects"] == 9  # the event of the other source is filtered out


def test_clustering_of_events_joins_tracks(client: httpx.Client) -> None:
    """use_track_info=1: events of one track are one cluster even when their descriptors differ."""
    account = str(uuid.uuid4())
    handler = client.post("/6/handlers", json={"is_dynamic": True}, headers=auth(account)).json()["handler_id"]
    vectors, _ = people(11, 3, 1, 0.1)  # three different people
    events = []
    for vector, track in zip(vectors, ["t1", "t1", "t2"], strict=True):
        body = {"track_id": track, "face_attributes": {"descriptor": b64(vector)}}
        reply = client.post(f"/6/handlers/{handler}/events/raw", json=body, headers=auth(account))
        assert reply.status_code == 201, reply.text
        events.append(reply.json()["event_id"])

    def clusters(use_track_info: int) -> set[frozenset[str]]:
        content = {"objects_type": "events", "params": {"use_track_info": use_track_info}, "threshold": 0.5}
        task_id = create_task(client, account, "clustering", content)
        wait_task(client, account, task_id)
        return {frozenset(c) for c in result_of(client, account, task_id)["clusters"]}

    assert clusters(0) == {frozenset([e]) for e in events}
    assert clusters(1) == {frozenset(events[:2]), frozenset(events[2:])}


def purity_and_completeness(clusters: list[list[str]], person_of: dict[str, str]) -> tuple[float, float]:
    """Purity: share of faces in their cluster's majority person; completeness: share of faces in their person's
    largest cluster."""
    total = len(person_of)
    purity = sum(max(sum(1 for f in c if person_of[f] == p) for p in {person_of[f] for f in c}) for c in clusters)
    completeness = 0
    for person in set(person_of.values()):
        completeness += max(sum(1 for f in c if person_of[f] == person) for c in clusters)
    return purity / total, completeness / total


def test_clustering_real_photos_groups_the_johns(rest: httpx.Client) -> None:
    """dlib's johns (5 people, 11 photos each) through the real detector and extractor, then clustered."""
    johns = photos.johns_chips()
    if johns is None:
        pytest.skip("dlib examples (johns) unavailable")
    account = str(uuid.uuid4())
    person_of: dict[str, str] = {}
    for person, paths in sorted(johns.items()):
        for path in paths:
            attribute_id = attribute_of(rest, account, jpeg_on_canvas(path))
            reply = rest.post("/6/faces", json={"attribute": {"attribute_id": attribute_id}}, headers=auth(account))
            assert reply.status_code == 201, reply.text
            person_of[reply.json()["face_id"]] = person
    task_id = create_task(rest, account, "clustering", {"objects_type": "faces", "threshold": 0.5})
    wait_task(rest, account, task_id)
    result = result_of(rest, account, task_id)
    assert result["total_objects"] == 55
    purity, completeness = purity_and_completeness(result["clusters"], person_of)
    clusters = result["total_clusters"]
    print(f"johns clustering: {clusters} clusters, purity {purity:.3f}, completeness {completeness:.3f}")
    # measured: 5 clusters, purity 1.000, completeness 1.000 (docs/tasks.md)
    assert purity == 1.0 and completeness >= 0.95, (purity, completeness, clusters)


def test_cross_match_real_photos_attribute_finds_the_same_person(stack: Stack, rest: httpx.Client) -> None:
    """An attribute extracted from a photo of Obama (POST /6/extractor) cross-matched against faces made from
    other photos of Obama and of Biden, on /6/tasks and on the Tasks API's /1/tasks."""
    account = str(uuid.uuid4())
    photo = {name: photos.face_recognition_image(f"{name}.jpg").read_bytes() for name in ("obama", "obama2", "biden")}
    reference = attribute_of(rest, account, photo["obama"])
    faces = {}
    for name in ("obama2", "biden"):
        attribute_id = attribute_of(rest, account, photo[name])
        reply = rest.post("/6/faces", json={"attribute": {"attribute_id": attribute_id}}, headers=auth(account))
        assert reply.status_code == 201, reply.text
        faces[reply.json()["face_id"]] = name
    content = {
        "filters": {
            "reference_type": "attributes",
            "candidate_type": "faces",
            "reference_filters": {"attribute_ids": [reference]},
            "candidate_filters": {"face_ids": sorted(faces)},
        },
        "limit": 2,
    }
    created = rest.post("/6/tasks/cross_match", json={"content": content}, headers=auth(account))
    assert created.status_code == 202, created.text
    wait_task(rest, account, created.json()["task_id"])
    six = result_of(rest, account, created.json()["task_id"])
    with httpx.Client(base_url=f"http://127.0.0.1:{stack.settings.tasks_port}", timeout=60.0) as tasks:
        created = tasks.post("/1/tasks/cross_match", json={"content": content}, headers=auth(account))
        assert created.status_code == 202, created.text
        wait_task(rest, account, created.json()["task_id"])
        one = tasks.get(f"/1/tasks/{created.json()['task_id']}/result", params={"account_id": account}).json()
    for result in (six, one["result"]):
        (match,) = result["matches"]
        assert match["reference_id"] == reference
        by_name = {faces[c["face_id"]]: c["similarity"] for c in match["candidates"]}
        print(f"obama attribute: obama2 {by_name['obama2']:.3f}, biden {by_name['biden']:.3f}")
        assert [faces[c["face_id"]] for c in match["candidates"]] == ["obama2", "biden"]
        assert by_name["obama2"] > 0.8 > 0.5 > by_name["biden"]  # the matcher test's bounds (test_matcher.py)


def direct_roc(vectors: list[np.ndarray], labels: list[int]) -> tuple[float, float]:
    """(AUC, EER) computed here without the service's code: AUC as the Mann-Whitney statistic, EER by a sweep."""
    matrix = np.stack([unit(v) for v in vectors]).astype(np.float32)
    genuine: list[float] = []
    impostor: list[float] = []
    for i in range(len(vectors)):
        for j in range(i + 1, len(vectors)):
            score = float(similarity_from_cosine(np.asarray([matrix[i] @ matrix[j]]))[0])
            (genuine if labels[i] == labels[j] else impostor).append(score)
    g, m = np.asarray(genuine), np.asarray(impostor)
    auc = float(((g[:, None] > m[None, :]).sum() + 0.5 * (g[:, None] == m[None, :]).sum()) / (len(g) * len(m)))
    best, eer = 2.0, 0.0
    for threshold in sorted(set(genuine) | set(impostor), reverse=True):
        far, frr = float((m >= threshold).mean()), float((g < threshold).mean())
        if abs(far - frr) < best:
            best, eer = abs(far - frr), (far + frr) / 2
    return auc, eer


def test_roc_auc_and_eer_match_a_direct_computation(client: httpx.Client) -> None:
    account = str(uuid.uuid4())
    # people close to each other (a shared component) so that genuine and impostor scores overlap
    rng = np.random.default_rng(7)
    shared = unit(rng.standard_normal(DIMENSION))
    vectors, labels = [], []
    for person in range(5):
        centre = unit(shared + 0.2 * unit(rng.standard_normal(DIMENSION)))
        for _ in range(4):
            vectors.append(unit(centre + 0.3 * unit(rng.standard_normal(DIMENSION))))
            labels.append(person)
    face_ids = [create_face(client, account, v) for v in vectors]
    missing = str(uuid.uuid4())
    markup = [{"face_id": f, "label": label} for f, label in zip(face_ids, labels, strict=True)]
    content = {
        "markup": [*markup, {"face_id": missing, "label": 9}],
        "threshold_hit_top": 0.0,
        "limit": 3,
        "key_FPRs": [0.01, 0.1, 1.0],
    }
    task_id = create_task(client, account, "roc", content)
    wait_task(client, account, task_id)
    reply = client.get(f"/6/tasks/{task_id}/result", headers=auth(account))
    body = reply.json()
    result = body["result"]
    auc, eer = direct_roc(vectors, labels)
    assert 0.5 < auc < 1.0, "the set must be neither trivial nor random"
    assert result["auc"] == pytest.approx(auc, abs=1e-6)
    assert result["eer"] == pytest.approx(eer, abs=1e-6)
    assert result["genuine_pairs"] == 5 * 6 and result["impostor_pairs"] == 190 - 30
    assert [k["FPR"] for k in result["key_FPRs"]] == [0.01, 0.1, 1.0]
    assert result["key_FPRs"][-1]["TPR"] == 1.0
    tprs = [k["TPR"] for k in result["key_FPRs"]]
    assert tprs == sorted(tprs)
    assert result["top_n_hit"]["probes"] == 20 and 0 < result["top_n_hit"]["hit_rate"] <= 1
    # the unknown markup face is a task error (22004), the task still done
    assert [(e["error_code"], e["additional_info"]) for e in body["errors"]] == [(22004, missing)]
    plot = client.get(f"/6/tasks/{task_id}/result", headers=auth(account, Accept="image/png"))
    assert plot.status_code == 200 and plot.headers["content-type"] == "image/png"
    assert plot.content.startswith(b"\x89PNG\r\n\x1a\n")
    with Image.open(io.BytesIO(plot.content)) as image:  # matplotlib's plot (server/tasks/roc.py)
        assert image.format == "PNG" and image.size == (600, 600)
        pixels = np.asarray(image.convert("RGB")).reshape(-1, 3).astype(int)
    assert 0.5 < (pixels > 245).all(axis=1).mean() < 0.99  # a drawing, not a blank image
    assert (np.abs(pixels - (31, 119, 180)).sum(axis=1) < 40).sum() > 500  # the curve (tab:blue)


def test_linker_links_the_selected_faces(client: httpx.Client) -> None:
    account = str(uuid.uuid4())
    list_id = create_list(client, account)
    chosen = [create_face(client, account, None, user_data=f"link-me {i}") for i in range(5)]
    other = create_face(client, account, None, user_data="stay")
    content = {"objects_type": "faces", "list_id": list_id, "filters": {"user_data": "link-me"}}
    task_id = create_task(client, account, "linker", content)
    task = wait_task(client, account, task_id)
    assert task["task_type"] == 1 and task["count_task_parts_all"] == 3
    result = result_of(client, account, task_id)
    assert result == {"list_id": list_id, "linked_faces_count": 5, "face_ids": sorted(chosen)}
    listed = client.get("/6/faces", params={"list_id": list_id, "page_size": 100}, headers=auth(account)).json()
    assert {f["face_id"] for f in listed["faces"]} == set(chosen)
    assert other not in {f["face_id"] for f in listed["faces"]}
    # create_list=1: a new list holding the faces
    made = create_task(client, account, "linker", {"objects_type": "faces", "create_list": 1, "user_data": "new"})
    wait_task(client, account, made)
    new_list = result_of(client, account, made)["list_id"]
    assert new_list != list_id
    reply = client.get(f"/6/lists/{new_list}", headers=auth(account))
    assert reply.status_code == 200 and reply.json()["user_data"] == "new"
    count = client.get("/6/faces/count", params={"list_id": new_list}, headers=auth(account)).json()
    assert count["faces_count"] == 6
    # another account's list: the task fails with 22003 in its errors
    foreign = create_list(client, str(uuid.uuid4()))
    failed = create_task(client, account, "linker", {"objects_type": "faces", "list_id": foreign})
    wait_task(client, account, failed, (FAILED,))
    errors = client.get(f"/6/tasks/{failed}/errors", headers=auth(account)).json()["errors"]
    assert [e["error_code"] for e in errors] == [22003]


def test_cross_match_finds_each_reference_person(client: httpx.Client) -> None:
    account = str(uuid.uuid4())
    vectors, labels = people(3, 3, 3, 0.15)
    references = [create_face(client, account, v, user_data="reference") for v in vectors[::3]]
    candidates = [create_face(client, account, v, user_data="candidate") for i, v in enumerate(vectors) if i % 3]
    candidate_labels = [label for i, label in enumerate(labels) if i % 3]
    content = {
        "filters": {
            "reference_type": "faces",
            "candidate_type": "faces",
            "reference_filters": {"user_data": "reference"},
            "candidate_filters": {"user_data": "candidate"},
        },
        "threshold": 0.5,
        "limit": 5,
    }
    task_id = create_task(client, account, "cross_match", content)
    assert wait_task(client, account, task_id)["task_type"] == 6
    result = result_of(client, account, task_id)
    assert result["total_references"] == 3 and result["total_candidates"] == 6
    assert [m["reference_id"] for m in result["matches"]] == sorted(references)
    matrix = {f: unit(v) for f, v in zip(candidates, [v for i, v in enumerate(vectors) if i % 3], strict=True)}
    for match in result["matches"]:
        person = labels[3 * references.index(match["reference_id"])]
        expected = {c for c, label in zip(candidates, candidate_labels, strict=True) if label == person}
        assert {c["face_id"] for c in match["candidates"]} == expected  # the threshold keeps only the same person
        reference = unit(vectors[3 * references.index(match["reference_id"])])
        for candidate in match["candidates"]:
            direct = float(similarity_from_cosine(np.asarray([reference @ matrix[candidate["face_id"]]]))[0])
            assert candidate["similarity"] == pytest.approx(direct, abs=1e-4)
        similarities = [c["similarity"] for c in match["candidates"]]
        assert similarities == sorted(similarities, reverse=True)


def test_linker_makes_faces_from_events(client: httpx.Client) -> None:
    account = str(uuid.uuid4())
    handler = client.post("/6/handlers", json={"is_dynamic": True}, headers=auth(account)).json()["handler_id"]
    vectors, _ = people(9, 3, 1, 0.1)
    events = {}
    for index, vector in enumerate(vectors):
        body = {
            "source": "door",
            "user_data": f"visitor {index}",
            "external_id": f"ext-{index}",
            "face_attributes": {"descriptor": b64(vector), "basic_attributes": {"age": 30 + index, "gender": 1}},
        }
        reply = client.post(f"/6/handlers/{handler}/events/raw", json=body, headers=auth(account))
        assert reply.status_code == 201, reply.text
        events[reply.json()["event_id"]] = (index, vector)
    no_descriptor = client.post(f"/6/handlers/{handler}/events/raw", json={"source": "door"}, headers=auth(account))
    assert no_descriptor.status_code == 201
    content = {"objects_type": "events", "create_list": 1, "filters": {"sources": ["door"]}}
    task_id = create_task(client, account, "linker", content)
    task = wait_task(client, account, task_id)
    assert task["count_task_parts_all"] == 2  # 3 events with a descriptor, 2 per subtask
    result = result_of(client, account, task_id)
    assert result["linked_faces_count"] == 3
    listed = client.get("/6/faces", params={"list_id": result["list_id"]}, headers=auth(account)).json()["faces"]
    assert {f["face_id"] for f in listed} == set(result["face_ids"])
    for face in listed:
        index, vector = events[face["event_id"]]
        assert face["user_data"] == f"visitor {index}" and face["external_id"] == f"ext-{index}"
        attributes = client.get(f"/6/faces/{face['face_id']}/attributes", headers=auth(account)).json()["attributes"]
        stored = np.frombuffer(base64.b64decode(attributes["face_descriptor"]["descriptor"]), dtype="<f4")
        assert np.allclose(stored / np.linalg.norm(stored), unit(vector), atol=1e-5)
        assert attributes["basic_attributes"]["age"] == 30 + index
    bad = {"objects_type": "events", "create_list": 1, "filters": {"user_data__bad": 1}}
    assert_luna_error(client.post("/6/tasks/linker", json={"content": bad}, headers=auth(account)), 400, 12022)


def test_cross_match_of_events_against_faces(client: httpx.Client) -> None:
    account = str(uuid.uuid4())
    handler = client.post("/6/handlers", json={"is_dynamic": True}, headers=auth(account)).json()["handler_id"]
    vectors, _ = people(13, 2, 2, 0.1)  # person 0: vectors 0, 1; person 1: vectors 2, 3
    events = []
    for vector in (vectors[0], vectors[2]):
        body = {"source": "gate", "face_attributes": {"descriptor": b64(vector)}}
        events.append(client.post(f"/6/handlers/{handler}/events/raw", json=body, headers=auth(account)).json())
    faces = [create_face(client, account, v, user_data="staff") for v in (vectors[1], vectors[3])]
    content: dict[str, Any] = {
        "filters": {
            "reference_type": "events",
            "candidate_type": "faces",
            "reference_filters": {"sources": ["gate"]},
            "candidate_filters": {"user_data": "staff"},
        },
        "threshold": 0.5,
        "limit": 2,
    }
    task_id = create_task(client, account, "cross_match", content)
    wait_task(client, account, task_id)
    matches = {m["reference_id"]: m["candidates"] for m in result_of(client, account, task_id)["matches"]}
    assert [c["face_id"] for c in matches[events[0]["event_id"]]] == [faces[0]]
    assert [c["face_id"] for c in matches[events[1]["event_id"]]] == [faces[1]]
    # faces against events: the candidates are events
    content["filters"] = {
        "reference_type": "faces",
        "candidate_type": "events",
        "reference_filters": {"user_data": "staff"},
        "candidate_filters": {"sources": ["gate"]},
    }
    task_id = create_task(client, account, "cross_match", content)
    wait_task(client, account, task_id)
    matches = {m["reference_id"]: m["candidates"] for m in result_of(client, account, task_id)["matches"]}
    assert [c["event_id"] for c in matches[faces[0]]] == [events[0]["event_id"]]
    bad = {**content, "filters": {**content["filters"], "candidate_filters": {"list_id": str(uuid.uuid4())}}}
    assert_luna_error(client.post("/6/tasks/cross_match", json={"content": bad}, headers=auth(account)), 400, 12022)


def create_attribute(client: httpx.Client, account: str, vector: np.ndarray, ttl: int | None = None) -> str:
    body = {"face_descriptors": [{"descriptor": b64(vector), "version": DEFAULT_VERSION}]}
    params = {} if ttl is None else {"ttl": ttl}
    reply = client.post("/6/attributes", json=body, params=params, headers=auth(account))
    assert reply.status_code == 201, reply.text
    return str(reply.json()["attribute_id"])


def direct_similarity(a: np.ndarray, b: np.ndarray) -> float:
    return float(similarity_from_cosine(np.asarray([unit(a) @ unit(b)]))[0])


def test_cross_match_over_attributes(tasks_stack: Stack, client: httpx.Client) -> None:
    """Temporary attributes as references and as candidates (attribute_ids filters), against faces, events and
    attributes; similarities as computed here; unknown and expired attribute ids are task errors 22011; the same
    task through LUNA's Tasks API (/1/tasks)."""
    account = str(uuid.uuid4())
    vectors, _ = people(21, 3, 2, 0.1)  # person p: vectors 2p, 2p+1
    attributes = [create_attribute(client, account, vectors[2 * p]) for p in range(3)]
    expired = create_attribute(client, account, vectors[0], ttl=1)
    foreign = create_attribute(client, str(uuid.uuid4()), vectors[0])
    unknown = str(uuid.uuid4())
    faces = [create_face(client, account, vectors[2 * p + 1], user_data="attr staff") for p in range(3)]
    time.sleep(1.2)  # `expired` is gone
    content: dict[str, Any] = {
        "filters": {
            "reference_type": "attributes",
            "candidate_type": "faces",
            "reference_filters": {"attribute_ids": [*attributes, expired, foreign, unknown]},
            "candidate_filters": {"user_data": "attr staff"},
        },
        "limit": 3,
    }
    task_id = create_task(client, account, "cross_match", content)
    task = wait_task(client, account, task_id)
    assert task["count_task_parts_all"] == 2  # 3 references, 2 per subtask
    result = result_of(client, account, task_id)
    assert result["total_references"] == 3 and result["total_candidates"] == 3
    by_reference = {m["reference_id"]: m["candidates"] for m in result["matches"]}
    assert [m["reference_id"] for m in result["matches"]] == sorted(attributes)
    for person, attribute_id in enumerate(attributes):
        found = by_reference[attribute_id]
        assert [set(c) for c in found] == [{"face_id", "similarity"}] * 3
        assert found[0]["face_id"] == faces[person]
        assert found[0]["similarity"] > 0.9 > max(c["similarity"] for c in found[1:])
        for candidate in found:
            expected = direct_similarity(vectors[2 * person], vectors[2 * faces.index(candidate["face_id"]) + 1])
            assert candidate["similarity"] == pytest.approx(expected, abs=1e-4)
    errors = client.get(f"/6/tasks/{task_id}/errors", headers=auth(account)).json()["errors"]
    assert sorted((e["error_code"], e["additional_info"]) for e in errors) == sorted(
        (22011, missing) for missing in (expired, foreign, unknown)
    )
    # faces against attribute candidates (every live attribute of the account: no attribute_ids), threshold
    content = {
        "filters": {
            "reference_type": "faces",
            "candidate_type": "attributes",
            "reference_filters": {"user_data": "attr staff"},
        },
        "threshold": 0.9,
    }
    task_id = create_task(client, account, "cross_match", content)
    wait_task(client, account, task_id)
    result = result_of(client, account, task_id)
    assert result["total_candidates"] == 3  # the expired and the other account's are no candidates
    for match in result["matches"]:
        person = faces.index(match["reference_id"])
        assert [c["attribute_id"] for c in match["candidates"]] == [attributes[person]]
    # attributes against attributes: a reference is never its own candidate
    content = {
        "filters": {
            "reference_type": "attributes",
            "candidate_type": "attributes",
            "reference_filters": {"attribute_ids": attributes[:1]},
            "candidate_filters": {"attribute_ids": attributes},
        },
        "limit": 5,
    }
    task_id = create_task(client, account, "cross_match", content)
    wait_task(client, account, task_id)
    (match,) = result_of(client, account, task_id)["matches"]
    assert {c["attribute_id"] for c in match["candidates"]} == set(attributes[1:])
    # events against attributes
    handler = client.post("/6/handlers", json={"is_dynamic": True}, headers=auth(account)).json()["handler_id"]
    body = {"source": "attr gate", "face_attributes": {"descriptor": b64(vectors[3])}}
    event = client.post(f"/6/handlers/{handler}/events/raw", json=body, headers=auth(account)).json()["event_id"]
    content = {
        "filters": {
            "reference_type": "events",
            "candidate_type": "attributes",
            "reference_filters": {"sources": ["attr gate"]},
            "candidate_filters": {"attribute_ids": attributes},
        },
        "limit": 1,
    }
    task_id = create_task(client, account, "cross_match", content)
    wait_task(client, account, task_id)
    (match,) = result_of(client, account, task_id)["matches"]
    assert match["reference_id"] == event and [c["attribute_id"] for c in match["candidates"]] == [attributes[1]]
    # only missing attributes: the task fails (28010) after recording them
    content = {
        "filters": {
            "reference_type": "attributes",
            "candidate_type": "faces",
            "reference_filters": {"attribute_ids": [expired]},
        }
    }
    task_id = create_task(client, account, "cross_match", content)
    wait_task(client, account, task_id, (FAILED,))
    errors = client.get(f"/6/tasks/{task_id}/errors", headers=auth(account)).json()["errors"]
    assert sorted(e["error_code"] for e in errors) == [22011, 28010]
    # attribute filters are checked at creation
    bad = {**content, "filters": {**content["filters"], "reference_filters": {"user_data": "x"}}}
    assert_luna_error(client.post("/6/tasks/cross_match", json={"content": bad}, headers=auth(account)), 400, 12022)
    # the same task through the Tasks API listener
    content = {
        "filters": {
            "reference_type": "attributes",
            "candidate_type": "faces",
            "reference_filters": {"attribute_ids": attributes[2:]},
            "candidate_filters": {"user_data": "attr staff"},
        },
        "limit": 1,
    }
    with httpx.Client(base_url=f"http://127.0.0.1:{tasks_stack.settings.tasks_port}", timeout=60.0) as tasks:
        created = tasks.post("/1/tasks/cross_match", json={"content": content}, headers=auth(account))
        assert created.status_code == 202, created.text
        wait_task(client, account, created.json()["task_id"])
        reply = tasks.get(f"/1/tasks/{created.json()['task_id']}/result", params={"account_id": account})
        (match,) = reply.json()["result"]["matches"]
    assert match["reference_id"] == attributes[2] and [c["face_id"] for c in match["candidates"]] == [faces[2]]


def test_gc_removes_exactly_the_selected_events(client: httpx.Client) -> None:
    account = str(uuid.uuid4())

    def handler() -> str:
        return str(client.post("/6/handlers", json={"is_dynamic": True}, headers=auth(account)).json()["handler_id"])

    old_handler, other_handler = handler(), handler()
    vectors, _ = people(17, 4, 1, 0.1)
    made: dict[str, str] = {}
    plan = [
        ("old-1", old_handler, "2026-01-05T00:00:00Z"),
        ("old-2", old_handler, "2026-01-06T00:00:00Z"),
        ("new", old_handler, "2026-03-01T00:00:00Z"),
        ("other", other_handler, "2026-01-05T00:00:00Z"),
    ]
    for (name, owner, created), vector in zip(plan, vectors, strict=True):
        sample = str(uuid.uuid4())
        body = {
            "create_time": created,
            "detections": [{"samples": {"face": {"sample_id": sample}}, "detect_time": created}],
            "face_attributes": {"descriptor": b64(vector)},
        }
        reply = client.post(f"/6/handlers/{owner}/events/raw", json=body, headers=auth(account))
        assert reply.status_code == 201, reply.text
        made[name] = reply.json()["event_id"]
    content = {
        "target": "events",
        "filters": {"create_time__lt": "2026-02-01T00:00:00Z", "handler_id": old_handler},
        "remove_samples": True,
    }
    task_id = create_task(client, account, "gc", content)
    assert wait_task(client, account, task_id)["task_type"] == 4
    result = result_of(client, account, task_id)
    assert sorted(item["event_id"] for item in result) == sorted([made["old-1"], made["old-2"]])
    assert all(len(item["samples"]) == 1 for item in result)
    for name, event_id in made.items():
        status = client.get(f"/6/events/{event_id}", headers=auth(account)).status_code
        assert status == (404 if name.startswith("old") else 200), name
    # the deleted events are no match candidates any more
    reference = {"type": "raw_descriptor", "id": "probe", "data": b64(vectors[0])}
    candidate = {"filters": {"origin": "events"}, "limit": 10}
    matched = client.post(
        "/6/matcher/faces", json={"references": [reference], "candidates": [candidate]}, headers=auth(account)
    )
    assert matched.status_code == 200, matched.text
    found = {r["event"]["event_id"] for r in matched.json()[0]["matches"][0]["result"]}
    assert found and not found & {made["old-1"], made["old-2"]}
    # nothing selected: done with an empty result; no filter but the account: refused
    again = create_task(client, account, "gc", content)
    wait_task(client, account, again)
    assert result_of(client, account, again) == []
    for filters in ({}, {"account_id": account}):
        body = {"content": {"target": "events", "filters": filters}}
        assert_luna_error(client.post("/6/tasks/gc", json=body, headers=auth(account)), 400, 12022)


def test_lifecycle_errors_counts_and_isolation(client: httpx.Client) -> None:
    account, stranger = str(uuid.uuid4()), str(uuid.uuid4())
    empty = create_task(client, account, "clustering", {"objects_type": "faces", "filters": {"user_data": "nobody"}})
    task = wait_task(client, account, empty, (FAILED,))
    assert task["end_time"] is not None and task["result_id"] is None
    errors = client.get(f"/6/tasks/{empty}/errors", headers=auth(account)).json()["errors"]
    assert len(errors) == 1
    error = errors[0]
    assert error["error_code"] == 28010 and error["description"] == "Objects not found"
    assert error["detail"] == "Objects for clustering not found (empty set)"
    assert error["task_id"] == empty and error["subtask_id"] is None
    assert client.get(f"/6/tasks/errors/{error['error_id']}", headers=auth(account)).json() == error
    assert_luna_error(client.get(f"/6/tasks/errors/{error['error_id']}", headers=auth(stranger)), 404, 28002)
    listed = client.get("/6/tasks/errors", params={"task_ids": str(empty)}, headers=auth(account)).json()
    assert listed["errors"] == [error]
    count = client.get("/6/tasks/errors/count", params={"status_code": 400}, headers=auth(account)).json()
    assert count == {"count": 1}
    assert client.get("/6/tasks/errors/count", params={"task_type": 7}, headers=auth(account)).json() == {"count": 0}
    assert_luna_error(client.get(f"/6/tasks/{empty}/result", headers=auth(account)), 404, 28003)

    health = client.get("/6/healthcheck", params={"include_luna_services": 1})
    assert health.status_code == 200, health.text  # the tasks database and every worker (server/services/tasks.py)

    # counts and filters
    assert client.get("/6/tasks/count", headers=auth(account)).json() == {"count": 1}
    assert client.get("/6/tasks/count", params={"task_status": 3}, headers=auth(account)).json() == {"count": 1}
    assert client.get("/6/tasks/count", params={"task_type": 1}, headers=auth(account)).json() == {"count": 0}
    tasks = client.get("/6/tasks", params={"task_ids": f"{empty}"}, headers=auth(account)).json()["tasks"]
    assert [t["task_id"] for t in tasks] == [empty]

    # isolation: another account sees nothing of it
    assert_luna_error(client.get(f"/6/tasks/{empty}", headers=auth(stranger)), 404, 28001)
    assert_luna_error(client.delete(f"/6/tasks/{empty}", headers=auth(stranger)), 404, 28001)
    assert client.get("/6/tasks/count", headers=auth(stranger)).json() == {"count": 0}

    # cancelling a finished task, bad ids, bad bodies, bad query values
    assert_luna_error(client.patch(f"/6/tasks/{empty}", headers=auth(account)), 400, 28004)
    assert_luna_error(client.patch(f"/6/tasks/{empty}"), 403, 11036)
    assert_luna_error(client.get("/6/tasks/abc", headers=auth(account)), 400, 12012)
    assert_luna_error(client.get("/6/tasks/0", headers=auth(account)), 400, 12012)
    assert_luna_error(client.get("/6/tasks", params={"page_size": 101}, headers=auth(account)), 400, 12012)
    assert_luna_error(client.get("/6/tasks", params={"task_type": 10}, headers=auth(account)), 400, 12012)
    assert_luna_error(client.get("/6/tasks/errors", params={"status_code": 300}, headers=auth(account)), 400, 12012)
    assert_luna_error(client.get("/6/tasks", params={"task_ids": "1,x"}, headers=auth(account)), 400, 12012)
    for malformed in ({"page": "abc"}, {"task_status": "x"}, {"create_time__gte": "yesterday"}):
        assert_luna_error(client.get("/6/tasks", params=malformed, headers=auth(account)), 400, 12012)
    bad_code = client.get("/6/tasks/errors/count", params={"error_code": "x"}, headers=auth(account))
    assert_luna_error(bad_code, 400, 12012)
    bad = {"objects_type": "bodies"}
    assert_luna_error(client.post("/6/tasks/clustering", json={"content": bad}, headers=auth(account)), 400, 12022)
    assert_luna_error(client.post("/6/tasks/clustering", json={}, headers=auth(account)), 400, 12022)
    assert_luna_error(client.post("/6/tasks/roc", json={"content": {"markup": []}}, headers=auth(account)), 400, 12022)
    linker = {"objects_type": "faces"}  # neither list_id nor create_list
    assert_luna_error(client.post("/6/tasks/linker", json={"content": linker}, headers=auth(account)), 400, 12022)
    clustering = {"objects_type": "faces"}
    assert_luna_error(client.post("/6/tasks/clustering", json={"content": clustering}), 403, 11036)
    foreign_filter = {"objects_type": "faces", "filters": {"account_id": stranger}}
    reply = client.post("/6/tasks/clustering", json={"content": foreign_filter}, headers=auth(account))
    assert reply.status_code == 202  # refused when planned: another account's filter is a task error
    wait_task(client, account, reply.json()["task_id"], (FAILED,))
    unknown = client.post("/6/tasks/unknown", json={"content": {}}, headers=auth(account))
    assert_luna_error(unknown, 405, 12002)  # /6/tasks/{task_id} takes no POST

    # delete: gone with its errors
    assert client.delete(f"/6/tasks/{empty}", headers=auth(account)).status_code == 204
    assert_luna_error(client.get(f"/6/tasks/{empty}", headers=auth(account)), 404, 28001)
    assert_luna_error(client.get(f"/6/tasks/errors/{error['error_id']}", headers=auth(account)), 404, 28002)


@pytest.fixture(scope="module")
def slow_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """Subtasks that each take 1.5 s (test-only pause) and one worker: a task stays running long enough to act."""
    settings = stack_settings(
        Path(tmp_path_factory.mktemp("tasks-slow")), tasks_subtask_size=2, tasks_workers=1, tasks_subtask_pause_ms=1500
    )
    stack = Stack(settings).start()
    try:
        yield stack
    finally:
        stack.stop()


def test_cancel_stops_a_running_task(slow_stack: Stack) -> None:
    account = str(uuid.uuid4())
    with httpx.Client(base_url=slow_stack.rest_url, timeout=60.0) as client:
        list_id = create_list(client, account)
        for i in range(8):
            create_face(client, account, None, user_data=f"cancel {i}")
        task_id = create_task(client, account, "linker", {"objects_type": "faces", "list_id": list_id})
        wait_task(client, account, task_id, (IN_PROGRESS,))
        assert client.patch(f"/6/tasks/{task_id}", headers=auth(account)).status_code == 204
        task = client.get(f"/6/tasks/{task_id}", headers=auth(account)).json()
        assert task["task_status"] == CANCELLED and task["end_time"] is not None
        # the worker drops its subtask: nothing runs any more and no subtask is left pending or running
        deadline = time.monotonic() + WAIT_S
        while True:
            subtasks = client.get(f"/6/tasks/{task_id}/subtasks", headers=auth(account)).json()["subtasks"]
            if all(s["subtask_status"] in (CANCELLED, DONE) for s in subtasks):
                break
            assert time.monotonic() < deadline, subtasks
            time.sleep(0.1)
        linked = client.get("/6/faces/count", params={"list_id": list_id}, headers=auth(account)).json()["faces_count"]
        done = sum(1 for s in subtasks if s["subtask_status"] == DONE)
        assert linked == 2 * done < 8  # whole subtasks only: never a half-linked one
        assert client.get(f"/6/tasks/{task_id}", headers=auth(account)).json()["task_status"] == CANCELLED
        assert_luna_error(client.patch(f"/6/tasks/{task_id}", headers=auth(account)), 400, 28004)


def test_worker_crash_mid_task_resumes(slow_stack: Stack) -> None:
    """The task worker process exits (as kill -9 would: os._exit) right after the first subtask committed; after
    its restart the task resumes from its unfinished subtasks and every face ends up linked exactly once."""
    account = str(uuid.uuid4())
    with httpx.Client(base_url=slow_stack.rest_url, timeout=60.0) as client:
        list_id = create_list(client, account)
        faces = [create_face(client, account, None, user_data=f"crash {i}") for i in range(6)]
        slow_stack.restart_tasks_worker(replace(slow_stack.settings, crash_point="task_after_subtask"))
        create_task(client, account, "linker", {"objects_type": "faces", "list_id": list_id})
        deadline = time.monotonic() + WAIT_S
        while slow_stack.processes["tasks"].poll() is None:
            assert time.monotonic() < deadline, "the worker did not reach the crash point"
            time.sleep(0.1)
        assert slow_stack.processes["server"].poll() is None  # the REST API's process did no task work
        slow_stack.restart_tasks_worker(replace(slow_stack.settings, crash_point=""))
        tasks = client.get("/6/tasks", headers=auth(account)).json()["tasks"]
        assert len(tasks) == 1
        task = wait_task(client, account, tasks[0]["task_id"])
        assert task["count_task_parts_done"] == task["count_task_parts_all"] == 3
        assert result_of(client, account, task["task_id"])["face_ids"] == sorted(faces)
        listed = client.get("/6/faces", params={"list_id": list_id, "page_size": 100}, headers=auth(account)).json()
        assert sorted(f["face_id"] for f in listed["faces"]) == sorted(faces)


def test_luna_tasks_api_on_its_own_listener(tasks_stack: Stack, client: httpx.Client) -> None:
    """TSK-001..013 on the Tasks port: /1/... paths, account_id query scoping, page_size up to 1000; the two
    surfaces serve the same tasks and neither serves the other's paths."""
    account, stranger = str(uuid.uuid4()), str(uuid.uuid4())
    tasks_url = f"http://127.0.0.1:{tasks_stack.settings.tasks_port}"
    with httpx.Client(base_url=tasks_url, timeout=60.0) as tasks:
        version = tasks.get("/1/version")
        assert version.status_code == 200 and version.json()["Version"]["api"] == 1
        assert tasks.get("/1/healthcheck").json()["execution_time"] >= 0
        list_id = create_list(client, account)
        faces = [create_face(client, account, None, user_data=f"tsk {i}") for i in range(3)]
        content = {"objects_type": "faces", "list_id": list_id, "filters": {"user_data": "tsk"}}
        created = tasks.post("/1/tasks/linker", json={"content": content}, headers=auth(account))
        assert created.status_code == 202, created.text
        task_id = created.json()["task_id"]
        assert_luna_error(tasks.post("/1/tasks/linker", json={"content": content}), 403, 11036)
        # the same task on /6 (header scope) and /1 (query scope)
        wait_task(client, account, task_id)
        task = tasks.get(f"/1/tasks/{task_id}", params={"account_id": account}).json()
        assert task["task_status"] == DONE and task["task_type"] == 1
        assert tasks.get(f"/1/tasks/{task_id}").json()["task_id"] == task_id  # no account_id: every account
        assert_luna_error(tasks.get(f"/1/tasks/{task_id}", params={"account_id": stranger}), 404, 28001)
        assert_luna_error(tasks.get(f"/1/tasks/{task_id}", params={"account_id": "nope"}), 400, 12012)
        result = tasks.get(f"/1/tasks/{task_id}/result", params={"account_id": account}).json()
        assert result["result"]["face_ids"] == sorted(faces)
        subtasks = tasks.get(f"/1/tasks/{task_id}/subtasks", params={"account_id": account}).json()["subtasks"]
        assert len(subtasks) == 2
        listed = tasks.get("/1/tasks", params={"account_id": account, "page_size": 1000}).json()["tasks"]
        assert [t["task_id"] for t in listed] == [task_id]
        assert_luna_error(tasks.get("/1/tasks", params={"page_size": 1001}), 400, 12012)
        assert_luna_error(client.get("/6/tasks", params={"page_size": 1000}, headers=auth(account)), 400, 12012)
        assert tasks.get("/1/tasks/count", params={"account_id": account}).json() == {"count": 1}
        assert tasks.get("/1/tasks/count", params={"account_id": stranger}).json() == {"count": 0}
        # errors: a task that selects nothing
        empty = {"objects_type": "faces", "filters": {"user_data": "nobody"}}
        failed = tasks.post("/1/tasks/clustering", json={"content": empty}, headers=auth(account)).json()["task_id"]
        wait_task(client, account, failed, (FAILED,))
        errors = tasks.get("/1/errors", params={"account_id": account}).json()["errors"]
        assert [(e["task_id"], e["error_code"]) for e in errors] == [(failed, 28010)]
        error_id = errors[0]["error_id"]
        assert tasks.get(f"/1/errors/{error_id}", params={"account_id": account}).json() == errors[0]
        assert tasks.get("/1/errors/count", params={"account_id": account}).json() == {"count": 1}
        assert tasks.get(f"/1/tasks/{failed}/errors/count").json() == {"count": 1}
        assert tasks.get(f"/1/tasks/{failed}/errors", params={"account_id": account}).json()["errors"] == errors
        # cancel a finished task, delete with and without the right scope
        assert_luna_error(tasks.patch(f"/1/tasks/{task_id}", params={"account_id": account}), 400, 28004)
        assert_luna_error(tasks.delete(f"/1/tasks/{failed}", params={"account_id": stranger}), 404, 28001)
        assert tasks.delete(f"/1/tasks/{failed}", params={"account_id": account}).status_code == 204
        assert_luna_error(client.get(f"/6/tasks/{failed}", headers=auth(account)), 404, 28001)
        # the other types on the Tasks API too: an export of the account's faces (a ZIP), a gc selecting nothing
        exported = tasks.post("/1/tasks/exporter", json={"content": {"objects_type": "faces"}}, headers=auth(account))
        assert exported.status_code == 202, exported.text
        wait_task(client, account, exported.json()["task_id"])
        archive = tasks.get(f"/1/tasks/{exported.json()['task_id']}/result", params={"account_id": account})
        assert archive.status_code == 200 and archive.content.startswith(b"PK")
        gc = {"target": "events", "filters": {"create_time__lt": "2000-01-01T00:00:00Z"}}
        collected = tasks.post("/1/tasks/gc", json={"content": gc}, headers=auth(account)).json()["task_id"]
        wait_task(client, account, collected)
        assert tasks.get(f"/1/tasks/{collected}/result", params={"account_id": account}).json()["result"] == []
        for kind in ("reporter", "estimator", "additional_extract"):
            refused = tasks.post(f"/1/tasks/{kind}", json={"content": {"bad": 1}}, headers=auth(account))
            assert_luna_error(refused, 400, 12022)
        # each listener serves only its own paths
        assert_luna_error(tasks.get("/6/tasks", headers=auth(account)), 404, 12004)
        assert_luna_error(client.get("/1/tasks", params={"account_id": account}), 404, 12004)


def test_luna_tasks_api_config_and_documents(tasks_stack: Stack, client: httpx.Client) -> None:
    """TSK-023..025 on the Tasks port: the Tasks service's own settings, its OpenAPI document (the /1 routes only,
    a valid OpenAPI 3.0 document) and developer manual; the REST port serves none of them."""
    settings = tasks_stack.settings
    with httpx.Client(base_url=f"http://127.0.0.1:{settings.tasks_port}", timeout=60.0) as tasks:
        reply = tasks.get("/1/config", headers={"Luna-Request-Id": REQUEST_ID})
        assert reply.status_code == 200, reply.text
        assert reply.headers["content-type"] == "application/json"
        assert reply.headers["luna-request-id"] == REQUEST_ID
        config = reply.json()
        assert config["tasks_workers"] == settings.tasks_workers
        assert config["tasks_subtask_size"] == settings.tasks_subtask_size == 2
        assert config["tasks_port"] == settings.tasks_port
        assert config["tasks_estimator_root"] == settings.tasks_estimator_root
        assert config["face_descriptor_version"] == settings.face_descriptor_version
        assert config["capabilities"]["face_descriptor"]["default_version"] == settings.face_descriptor_version
        assert set(config) == {*TASKS_SETTINGS, "capabilities"}  # not the whole server's settings
        text = tasks.get("/1/config", headers={"Accept": "text/plain"})
        assert text.status_code == 200 and text.headers["content-type"].startswith("text/plain")
        lines = dict(line.split("=", 1) for line in text.text.splitlines() if not line.startswith("#"))
        assert lines["LUMEN_TASKS_WORKERS"] == str(settings.tasks_workers)
        assert set(lines) == {f"LUMEN_{name.upper()}" for name in TASKS_SETTINGS}

        spec = tasks.get("/1/docs/spec")
        assert spec.status_code == 200, spec.text
        assert spec.headers["content-type"] == "application/json"
        document = spec.json()
        jsonschema.Draft4Validator(OPENAPI_30).validate(document)
        assert document["openapi"] == "3.0.3" and document["info"]["version"] == "1"
        paths = document["paths"]
        assert {"/1/tasks", "/1/tasks/{task_id}", "/1/tasks/linker", "/1/errors", "/1/config", "/1/docs/spec"} <= set(
            paths
        )
        assert set(paths["/1/tasks/{task_id}"]) == {"get", "patch", "delete"}
        assert not any(path.startswith("/6/") for path in paths)
        assert paths["/1/tasks/linker"]["post"]["responses"]["202"]
        yaml_spec = tasks.get("/1/docs/spec", headers={"Accept": "application/x-yaml"})
        assert yaml_spec.headers["content-type"] == "application/x-yaml"
        assert yaml.safe_load(yaml_spec.text) == document
        html_spec = tasks.get("/1/docs/spec", headers={"Accept": "text/html"})
        assert html_spec.headers["content-type"].startswith("text/html")
        assert "<code>/1/tasks/{task_id}</code>" in html_spec.text

        redirect = tasks.get("/1/docs/dev")
        assert redirect.status_code == 302 and redirect.headers["location"] == "/docs/dev/index.html"
        page = tasks.get("/1/docs/dev", follow_redirects=True)  # this listener's own manual
        assert page.status_code == 200, page.text
        assert page.headers["content-type"] == "text/html; charset=utf-8"
        assert page.text.startswith("<!DOCTYPE html>") and page.text.rstrip().endswith("</html>")
        assert 'id="LunaTasksService.GetTasks"' in page.text and 'href="/1/docs/spec"' in page.text
        assert "<code>/6/" not in page.text
        assert_luna_error(tasks.post("/1/docs/dev"), 405, 12002)
        assert_luna_error(tasks.get("/6/config"), 404, 12004)
        assert_luna_error(tasks.get("/6/docs/spec"), 404, 12004)

    # the REST port: its own documents, none of the Tasks API's
    for path in ("/1/config", "/1/docs/spec", "/1/docs/dev"):
        assert_luna_error(client.get(path), 404, 12004)
    v6_page = client.get("/docs/dev/index.html")
    assert v6_page.status_code == 200 and 'id="ListsService.GetList"' in v6_page.text
    assert "LunaTasksService" not in v6_page.text
    assert not any(path.startswith("/1/") for path in client.get("/6/docs/spec").json()["paths"])
    assert "tasks_workers" in client.get("/6/config").json()


def test_kill_9_mid_task_then_restart_finishes(slow_stack: Stack) -> None:
    """SIGKILL of the server process while a subtask runs (each takes 1.5 s here); after a restart the task resumes
    from its unfinished subtasks and ends done with every face linked."""
    account = str(uuid.uuid4())
    with httpx.Client(base_url=slow_stack.rest_url, timeout=60.0) as client:
        list_id = create_list(client, account)
        faces = [create_face(client, account, None, user_data=f"kill {i}") for i in range(6)]
        task_id = create_task(client, account, "linker", {"objects_type": "faces", "list_id": list_id})
        wait_task(client, account, task_id, (IN_PROGRESS,))
        slow_stack.processes["server"].send_signal(signal.SIGKILL)
        slow_stack.processes["server"].wait()
        slow_stack.restart_server()
        task = wait_task(client, account, task_id)
        assert task["count_task_parts_done"] == task["count_task_parts_all"] == 3
        subtasks = client.get(f"/6/tasks/{task_id}/subtasks", headers=auth(account)).json()["subtasks"]
        assert [s["subtask_status"] for s in subtasks] == [DONE, DONE, DONE]
        count = client.get("/6/faces/count", params={"list_id": list_id}, headers=auth(account)).json()
        assert count["faces_count"] == len(faces)


def test_kill_9_of_the_worker_supervised_resumes(slow_stack: Stack) -> None:
    """SIGKILL of the task worker process while a subtask runs: the healthcheck reports the worker down (component
    tasks), the supervisor starts it again, and the task resumes and ends done with every face linked once."""
    account = str(uuid.uuid4())
    supervisor = slow_stack.supervise(initial_backoff_s=0.2)
    try:
        with httpx.Client(base_url=slow_stack.rest_url, timeout=60.0) as client:
            list_id = create_list(client, account)
            faces = [create_face(client, account, None, user_data=f"kill worker {i}") for i in range(6)]
            task_id = create_task(client, account, "linker", {"objects_type": "faces", "list_id": list_id})
            wait_task(client, account, task_id, (IN_PROGRESS,))
            supervisor.pause()
            worker = slow_stack.processes["tasks"]
            worker.send_signal(signal.SIGKILL)
            worker.wait()
            health = client.get("/6/healthcheck", params={"include_luna_services": 1})
            assert health.status_code != 200 and "tasks" in health.text, health.text
            assert slow_stack.processes["server"].poll() is None
            supervisor.resume()
            task = wait_task(client, account, task_id)
            assert task["count_task_parts_done"] == task["count_task_parts_all"] == 3
            assert slow_stack.processes["tasks"] is not worker  # started again by the supervisor
            assert result_of(client, account, task_id)["face_ids"] == sorted(faces)
            count = client.get("/6/faces/count", params={"list_id": list_id}, headers=auth(account)).json()
            assert count["faces_count"] == len(faces)
            deadline = time.monotonic() + WAIT_S
            while client.get("/6/healthcheck", params={"include_luna_services": 1}).status_code != 200:
                assert time.monotonic() < deadline, "the healthcheck did not see the restarted worker"
                time.sleep(0.2)
    finally:
        supervisor.stop()
        slow_stack.supervisor = None
