"""POST /6/matcher/faces, /6/matcher/raw, /6/matcher/bodies over REST, on descriptors of real photos.

Faces are enrolled the LUNA way: POST /6/detector (photo) -> POST /6/extractor (sample) ->
POST /6/faces {attribute: {attribute_id}}. obama2's attribute is kept as a probe and never enrolled.
"""

from __future__ import annotations

import base64
import io
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import msgpack
import numpy as np
import pytest
from PIL import Image

from server.stack import Stack
from server.storage.descriptors import DEFAULT_VERSION, encode_sdk
from tests import photos
from tests.conftest import assert_luna_error, auth, stack_settings

FACE_KEYS = ["face_id", "account_id", "event_id", "user_data", "create_time", "external_id", "avatar", "lists"]
JOHNS = 2  # people of dlib's johns/ enrolled (2 photos each)


@dataclass
class Enrolled:
    account: str
    list_id: str  # biden and the johns, not obama
    faces: dict[str, str] = field(default_factory=dict)  # name -> face_id
    attributes: dict[str, str] = field(default_factory=dict)  # name -> attribute_id (incl. the obama2 probe)


def jpeg_on_canvas(path: Path) -> bytes:
    """A 150x150 johns chip on a grey 300x300 canvas (the detector wants margin around the head)."""
    canvas = Image.new("RGB", (300, 300), (127, 127, 127))
    canvas.paste(Image.open(path).convert("RGB"), (75, 75))
    out = io.BytesIO()
    canvas.save(out, format="JPEG", quality=95)
    return out.getvalue()


def attribute_of(rest: httpx.Client, account: str, image: bytes) -> str:
    reply = rest.post("/6/detector", content=image, headers=auth(account, **{"Content-Type": "image/jpeg"}))
    assert reply.status_code == 201, reply.text
    sample = reply.json()["images"][0]["detections"]["samples"][0]["face"]["sample_id"]
    reply = rest.post("/6/extractor", json=[sample], headers=auth(account))
    assert reply.status_code == 201, reply.text
    return str(reply.json()[0]["attribute_id"])


def create_face(rest: httpx.Client, account: str, **body: Any) -> str:
    reply = rest.post("/6/faces", json=body, headers=auth(account))
    assert reply.status_code == 201, reply.text
    return str(reply.json()["face_id"])


def match(rest: httpx.Client, body: dict[str, Any], account: str | None = None) -> list[dict[str, Any]]:
    reply = rest.post("/6/matcher/faces", json=body, headers=auth(account) if account else {})
    assert reply.status_code == 200, reply.text
    assert reply.headers["content-type"] == "application/json"
    result = reply.json()
    assert isinstance(result, list)
    return result


def faces_candidate(**filters: Any) -> dict[str, Any]:
    return {"filters": {"origin": "faces", **filters}}


def found_ids(item: dict[str, Any], candidate: int = 0) -> list[str]:
    return [r["face"]["face_id"] for r in item["matches"][candidate]["result"]]


def unit(seed: int) -> np.ndarray:
    vector = np.random.default_rng(seed).standard_normal(128).astype("<f4")
    return vector / np.linalg.norm(vector)


def b64(vector: np.ndarray) -> str:
    return base64.b64encode(np.asarray(vector, dtype="<f4").tobytes()).decode()


@pytest.fixture(scope="module")
def enrolled(rest: httpx.Client) -> Enrolled:
    account = str(uuid.uuid4())
    list_id = rest.post("/6/lists", json={"user_data": "not obama"}, headers=auth(account)).json()["list_id"]
    people = Enrolled(account, list_id)
    images = {
        name: photos.face_recognition_image(f"{name}.jpg").read_bytes()
        for name in ("obama", "obama2", "obama3", "biden")
    }
    johns = photos.johns_chips()
    if johns is not None:
        for person in sorted(johns)[:JOHNS]:
            for index, path in enumerate(johns[person][:2]):
                images[f"{person}_{index}"] = jpeg_on_canvas(path)
    for name, image in images.items():
        people.attributes[name] = attribute_of(rest, account, image)
    for name, attribute_id in people.attributes.items():
        if name == "obama2":
            continue  # the probe
        lists = {} if name.startswith("obama") else {"lists": [list_id]}
        people.faces[name] = create_face(
            rest,
            account,
            attribute={"attribute_id": attribute_id},
            external_id=name,
            user_data=f"person {name}",
            **lists,
        )
    return people


def probe_vector(rest: httpx.Client, people: Enrolled) -> np.ndarray:
    reply = rest.get(
        f"/6/attributes/{people.attributes['obama2']}",
        params={"targets": "face_descriptor", "descriptor_version": DEFAULT_VERSION},
        headers=auth(people.account),
    )
    return np.frombuffer(base64.b64decode(reply.json()["face_descriptor"]), dtype="<f4")


def test_identity_search_by_attribute_finds_obama_first(rest: httpx.Client, enrolled: Enrolled) -> None:
    candidate = {**faces_candidate(), "limit": 10}
    body = {"references": [{"type": "attribute", "id": enrolled.attributes["obama2"]}], "candidates": [candidate]}
    (item,) = match(rest, body, enrolled.account)
    assert list(item) == ["reference", "matches"]
    assert item["reference"] == {"id": enrolled.attributes["obama2"], "type": "attribute"}
    (entry,) = item["matches"]
    assert list(entry) == ["result", "filters"]
    assert entry["filters"] == {"origin": "faces"}
    result = entry["result"]
    assert len(result) == len(enrolled.faces)
    for row in result:
        assert list(row) == ["face", "similarity"]
        assert list(row["face"]) == FACE_KEYS
    assert {r["face"]["face_id"] for r in result[:2]} == {enrolled.faces["obama"], enrolled.faces["obama3"]}
    similarities = [r["similarity"] for r in result]
    assert similarities == sorted(similarities, reverse=True)
    assert similarities[1] > 0.8  # same person
    by_face = {r["face"]["face_id"]: r["similarity"] for r in result}
    assert by_face[enrolled.faces["biden"]] < 0.5  # different people
    top = result[0]["face"]
    assert top["account_id"] == enrolled.account and top["event_id"] is None and top["lists"] == []
    assert top["user_data"] == f"person {top['external_id']}"


def test_raw_and_sdk_descriptor_references(rest: httpx.Client, enrolled: Enrolled) -> None:
    vector = probe_vector(rest, enrolled)
    body = {
        "references": [
            {"type": "raw_descriptor", "id": "raw-probe", "data": b64(vector)},
            {"type": "raw_descriptor", "id": "raw-versioned", "data": {"descriptor": b64(vector), "version": 300}},
            {"type": "sdk_descriptor", "id": "sdk-probe", "data": encode_sdk(DEFAULT_VERSION, vector)},
        ],
        "candidates": [{**faces_candidate(), "limit": 2}],
    }
    items = match(rest, body, enrolled.account)
    assert [i["reference"] for i in items] == [
        {"id": "raw-probe", "type": "raw_descriptor"},
        {"id": "raw-versioned", "type": "raw_descriptor"},
        {"id": "sdk-probe", "type": "sdk_descriptor"},
    ]
    for item in items:
        assert set(found_ids(item)) == {enrolled.faces["obama"], enrolled.faces["obama3"]}
    # msgpack body with the descriptor as raw bytes
    packed = {
        "references": [{"type": "raw_descriptor", "id": "bytes", "data": np.asarray(vector, "<f4").tobytes()}],
        "candidates": [{**faces_candidate(), "limit": 2}],
    }
    reply = rest.post(
        "/6/matcher/faces",
        content=msgpack.packb(packed),
        headers=auth(enrolled.account, **{"Content-Type": "application/msgpack"}),
    )
    assert reply.status_code == 200, reply.text
    assert found_ids(reply.json()[0]) == found_ids(items[0])


def test_face_and_external_id_references(rest: httpx.Client, enrolled: Enrolled) -> None:
    obama = enrolled.faces["obama"]
    body = {
        "references": [{"type": "face", "id": obama}, {"type": "face_external_id", "id": "biden"}],
        "candidates": [{**faces_candidate(), "limit": 1}],
    }
    face_item, external_item = match(rest, body, enrolled.account)
    assert found_ids(face_item) == [obama]
    assert face_item["matches"][0]["result"][0]["similarity"] == pytest.approx(1.0, abs=1e-5)
    assert external_item["reference"] == {"id": "biden", "type": "face_external_id", "face_id": enrolled.faces["biden"]}
    assert found_ids(external_item) == [enrolled.faces["biden"]]


def test_list_filter_limit_threshold_targets(rest: httpx.Client, enrolled: Enrolled) -> None:
    reference = [{"type": "attribute", "id": enrolled.attributes["obama2"]}]
    in_list = faces_candidate(list_id=enrolled.list_id)
    (item,) = match(rest, {"references": reference, "candidates": [{**in_list, "limit": 30}]}, enrolled.account)
    listed = set(found_ids(item))
    assert listed == {f for name, f in enrolled.faces.items() if not name.startswith("obama")}
    assert all(r["face"]["lists"] == [enrolled.list_id] for r in item["matches"][0]["result"])
    assert item["matches"][0]["filters"] == in_list["filters"]

    (item,) = match(
        rest, {"references": reference, "candidates": [{**faces_candidate(), "limit": 1}]}, enrolled.account
    )
    assert len(found_ids(item)) == 1

    (item,) = match(
        rest,
        {"references": reference, "candidates": [{**faces_candidate(), "limit": 30, "threshold": 0.5}]},
        enrolled.account,
    )
    assert set(found_ids(item)) == {enrolled.faces["obama"], enrolled.faces["obama3"]}
    assert all(r["similarity"] >= 0.5 for r in item["matches"][0]["result"])
    (item,) = match(rest, {"references": reference, "candidates": [{**in_list, "threshold": 0.5}]}, enrolled.account)
    assert item["matches"][0]["result"] == []

    candidates = [
        {**faces_candidate(), "limit": 1, "targets": ["face_id", "similarity"]},
        {**faces_candidate(), "limit": 1, "targets": ["external_id", "lists"]},
        {**faces_candidate(), "limit": 1, "targets": ["similarity"]},
    ]
    (item,) = match(rest, {"references": reference, "candidates": candidates}, enrolled.account)
    first, second, third = (entry["result"][0] for entry in item["matches"])
    assert list(first) == ["face", "similarity"] and list(first["face"]) == ["face_id"]
    assert second == {"face": {"external_id": second["face"]["external_id"], "lists": []}}
    assert list(third) == ["similarity"]


def test_sql_face_filters(rest: httpx.Client, enrolled: Enrolled) -> None:
    reference = [{"type": "attribute", "id": enrolled.attributes["obama2"]}]

    def ids(**filters: Any) -> set[str]:
        (item,) = match(
            rest,
            {"references": reference, "candidates": [{**faces_candidate(**filters), "limit": 30}]},
            enrolled.account,
        )
        return set(found_ids(item))

    everyone = set(enrolled.faces.values())
    assert ids(user_data="person obama") == {enrolled.faces["obama"], enrolled.faces["obama3"]}
    assert ids(external_ids=["biden", "obama3"]) == {enrolled.faces["biden"], enrolled.faces["obama3"]}
    assert ids(external_ids=["biden"], list_id=enrolled.list_id) == {enrolled.faces["biden"]}
    assert ids(face_ids=[enrolled.faces["biden"], str(uuid.uuid4())]) == {enrolled.faces["biden"]}
    assert ids(create_time__gte="2000-01-01T00:00:00Z") == everyone
    assert ids(create_time__lt="2000-01-01T00:00:00Z") == set()
    pivot = sorted(everyone)[len(everyone) // 2]
    assert ids(face_id__gte=pivot) == {f for f in everyone if f >= pivot}
    assert ids(face_id__lt=pivot) == {f for f in everyone if f < pivot}
    assert ids(face_ids=[str(uuid.uuid4())]) == set()  # unknown candidates: empty, no error
    assert ids(list_id=str(uuid.uuid4())) == set()
    assert ids(account_id=enrolled.account) == everyone
    assert ids(account_id=str(uuid.uuid4())) == set()


def test_attribute_and_event_candidates(rest: httpx.Client, enrolled: Enrolled) -> None:
    attributes = [enrolled.attributes[name] for name in ("obama2", "biden")]
    body: dict[str, Any] = {
        "references": [{"type": "face", "id": enrolled.faces["obama"]}],
        "candidates": [
            {"filters": {"origin": "attributes", "attribute_ids": attributes}, "limit": 5},
            {
                "filters": {"origin": "attributes", "attribute_ids": attributes},
                "targets": ["attribute_id"],
                "threshold": 0.5,
            },
            {"filters": {"origin": "events", "event_ids": [str(uuid.uuid4())]}},
        ],
    }
    (item,) = match(rest, body, enrolled.account)
    full, thresholded, events = item["matches"]
    assert [r["attribute"]["attribute_id"] for r in full["result"]] == attributes
    assert list(full["result"][0]) == ["attribute", "similarity"]
    assert full["result"][0]["attribute"]["account_id"] == enrolled.account
    assert full["result"][0]["similarity"] > 0.8 > 0.5 > full["result"][1]["similarity"]
    assert thresholded["result"] == [{"attribute": {"attribute_id": attributes[0]}}]
    assert events == {"result": [], "filters": body["candidates"][2]["filters"]}


def test_account_isolation(rest: httpx.Client, enrolled: Enrolled) -> None:
    other = str(uuid.uuid4())
    face = enrolled.faces["obama"]
    body = {"references": [{"type": "face", "id": face}], "candidates": [faces_candidate()]}
    assert_luna_error(rest.post("/6/matcher/faces", json=body, headers=auth(other)), 404, 22002)
    attribute_body = {"references": [{"type": "attribute", "id": enrolled.attributes["obama2"]}], "candidates": []}
    assert_luna_error(rest.post("/6/matcher/faces", json=attribute_body, headers=auth(other)), 404, 22011)
    raw = {
        "references": [{"type": "raw_descriptor", "id": "r", "data": b64(probe_vector(rest, enrolled))}],
        "candidates": [{**faces_candidate(), "limit": 100}],
    }
    (item,) = match(rest, raw, other)
    assert found_ids(item) == []
    (item,) = match(rest, {**raw, "candidates": [{**faces_candidate(account_id=enrolled.account)}]}, other)
    assert found_ids(item) == []  # a filter account other than the header's matches nothing
    # without Luna-Account-Id matching is allowed and sees every account
    (item,) = match(rest, {**body, "candidates": [{**faces_candidate(face_ids=[face]), "limit": 1}]})
    assert found_ids(item) == [face]


def test_errors(rest: httpx.Client, enrolled: Enrolled) -> None:
    account = enrolled.account

    def post(body: Any) -> httpx.Response:
        return rest.post("/6/matcher/faces", json=body, headers=auth(account))

    missing = str(uuid.uuid4())
    candidates = [faces_candidate()]
    body = assert_luna_error(
        post({"references": [{"type": "face", "id": missing}], "candidates": candidates}), 404, 22002
    )
    assert missing in str(body["detail"])
    assert_luna_error(
        post({"references": [{"type": "attribute", "id": missing}], "candidates": candidates}), 404, 22011
    )
    assert_luna_error(
        post({"references": [{"type": "face_external_id", "id": "nobody"}], "candidates": candidates}), 404, 40020
    )
    assert_luna_error(post({"references": [{"type": "event", "id": missing}], "candidates": candidates}), 404, 23001)
    for kind in ("event_external_id", "event_track_id"):
        ref = {"type": kind, "id": missing}
        assert_luna_error(post({"references": [ref], "candidates": candidates}), 404, 40025)
    xpk = {"type": "xpk_file", "id": "x", "data": "AAAA"}
    assert_luna_error(post({"references": [xpk], "candidates": candidates}), 501, 40023)
    no_descriptor = create_face(rest, account, user_data="no descriptor")
    assert_luna_error(
        post({"references": [{"type": "face", "id": no_descriptor}], "candidates": candidates}), 400, 40021
    )
    short = {"type": "raw_descriptor", "id": "r", "data": base64.b64encode(b"\0" * 16).decode()}
    assert_luna_error(post({"references": [short], "candidates": candidates}), 400, 22018)
    other_version = {"type": "raw_descriptor", "id": "r", "data": {"descriptor": b64(unit(1)), "version": 56}}
    assert_luna_error(post({"references": [other_version], "candidates": candidates}), 400, 22017)
    refs = [{"type": "face", "id": enrolled.faces["obama"]}]
    for bad in (
        {"references": refs},
        {"references": [], "candidates": candidates},
        {"references": refs * 31, "candidates": candidates},
        {"references": refs, "candidates": candidates * 31},
        {"references": refs, "candidates": [{**faces_candidate(), "limit": 0}]},
        {"references": refs, "candidates": [{**faces_candidate(), "threshold": 1.5}]},
        {"references": refs, "candidates": [{**faces_candidate(), "targets": ["avatarz"]}]},
        {"references": refs, "candidates": [faces_candidate(list_id="nope")]},
        {"references": refs, "candidates": [faces_candidate(colour="red")]},
        {"references": refs, "candidates": [faces_candidate(create_time__gte="yesterday")]},
        {"references": refs, "candidates": [{"filters": {"origin": "bodies"}}]},
        {"references": [{"type": "face", "id": "not-a-uuid"}], "candidates": candidates},
        {"references": [{"type": "raw_descriptor", "id": "r"}], "candidates": candidates},
        {"references": [{"type": "selfie", "id": "r"}], "candidates": candidates},
        {"references": refs, "candidates": candidates, "extra": 1},
    ):
        assert_luna_error(post(bad), 400, 12022)
    assert_luna_error(
        rest.post("/6/matcher/faces", content=b"{", headers=auth(account, **{"Content-Type": "application/json"})),
        400,
        12021,
    )
    assert_luna_error(
        rest.post("/6/matcher/faces", content=b"x", headers=auth(account, **{"Content-Type": "text/plain"})), 400, 12017
    )
    assert match(rest, {"references": refs, "candidates": []}, account) == [
        {"reference": {"id": enrolled.faces["obama"], "type": "face"}, "matches": []}
    ]


def test_create_and_delete_are_seen_at_once(rest: httpx.Client, account: str) -> None:
    list_id = rest.post("/6/lists", json={}, headers=auth(account)).json()["list_id"]
    reference = [{"type": "raw_descriptor", "id": "probe", "data": b64(unit(5))}]

    def top(**filters: Any) -> list[str]:
        (item,) = match(
            rest, {"references": reference, "candidates": [{**faces_candidate(**filters), "limit": 5}]}, account
        )
        return found_ids(item)

    def attribute(seed: int) -> dict[str, Any]:
        return {"face_descriptors": [{"descriptor": b64(unit(seed)), "version": DEFAULT_VERSION}]}

    face = create_face(rest, account, attribute=attribute(5), lists=[list_id])
    assert top() == [face] and top(list_id=list_id) == [face]
    detach = {"action": "detach", "face_ids": [face]}
    assert rest.patch(f"/6/lists/{list_id}/faces", json=detach, headers=auth(account)).status_code == 204
    assert top(list_id=list_id) == [] and top() == [face]
    attach = {"action": "attach", "face_ids": [face]}
    assert rest.patch(f"/6/lists/{list_id}/faces", json=attach, headers=auth(account)).status_code == 204
    assert top(list_id=list_id) == [face]
    # a new attribute replaces the descriptor; removing it removes the face from matching
    assert rest.put(f"/6/faces/{face}/attributes", json=attribute(6), headers=auth(account)).status_code == 204
    (item,) = match(rest, {"references": reference, "candidates": [faces_candidate()]}, account)
    assert item["matches"][0]["result"][0]["similarity"] < 0.5
    assert rest.delete(f"/6/faces/{face}/attributes", headers=auth(account)).status_code == 204
    assert top() == []
    assert rest.put(f"/6/faces/{face}/attributes", json=attribute(5), headers=auth(account)).status_code == 204
    assert top(list_id=list_id) == [face]
    assert rest.delete(f"/6/faces/{face}", headers=auth(account)).status_code == 204
    assert top() == [] and top(list_id=list_id) == []
    # batch delete and list deletion with faces
    faces = [create_face(rest, account, attribute=attribute(5), lists=[list_id]) for _ in range(3)]
    assert set(top(list_id=list_id)) == set(faces)
    assert rest.request("DELETE", "/6/faces", json={"face_ids": faces[:1]}, headers=auth(account)).status_code == 204
    assert set(top()) == set(faces[1:])
    reply = rest.request(
        "DELETE", "/6/lists", params={"with_faces": 1}, json={"list_ids": [list_id]}, headers=auth(account)
    )
    assert reply.status_code == 204
    assert top() == [] and top(list_id=list_id) == []


def test_concurrent_writes_and_matches_stay_consistent(rest: httpx.Client, account: str) -> None:
    """Faces created and deleted while other threads match: a deleted face is never returned after
    its DELETE answered, a created one is always found once its POST answered."""
    reference = [{"type": "raw_descriptor", "id": "probe", "data": b64(unit(9))}]
    deleted: set[str] = set()
    problems: list[str] = []
    stop = threading.Event()

    def matcher() -> None:
        with httpx.Client(base_url=str(rest.base_url), timeout=60.0) as client:
            while not stop.is_set():
                gone = set(deleted)
                reply = client.post(
                    "/6/matcher/faces",
                    json={"references": reference, "candidates": [{**faces_candidate(), "limit": 50}]},
                    headers=auth(account),
                )
                seen = {r["face"]["face_id"] for r in reply.json()[0]["matches"][0]["result"]}
                if seen & gone:
                    problems.append(f"deleted faces returned: {seen & gone}")

    threads = [threading.Thread(target=matcher) for _ in range(2)]
    for thread in threads:
        thread.start()
    try:
        body = {"attribute": {"face_descriptors": [{"descriptor": b64(unit(9)), "version": DEFAULT_VERSION}]}}
        for _ in range(15):
            face = create_face(rest, account, **body)
            (item,) = match(rest, {"references": reference, "candidates": [faces_candidate(face_ids=[face])]}, account)
            if found_ids(item) != [face]:
                problems.append(f"created face {face} not found")
            assert rest.delete(f"/6/faces/{face}", headers=auth(account)).status_code == 204
            deleted.add(face)
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    assert problems == []


def test_matcher_raw(rest: httpx.Client) -> None:
    a, b = unit(1), unit(2)
    body = {
        "references": [
            {"id": "ref-a", "type": "raw_descriptor", "data": b64(a)},
            {"id": "ref-b", "type": "sdk_descriptor", "data": encode_sdk(DEFAULT_VERSION, b)},
        ],
        "candidates": [
            {"id": "cand-b", "type": "raw_descriptor", "data": {"descriptor": b64(b), "version": DEFAULT_VERSION}},
            {"id": "cand-a", "type": "sdk_descriptor", "data": encode_sdk(DEFAULT_VERSION, a)},
        ],
    }
    reply = rest.post("/6/matcher/raw", json=body)
    assert reply.status_code == 200, reply.text
    result = reply.json()
    assert list(result) == ["matches"]
    first, second = result["matches"]
    assert first["reference_id"] == "ref-a" and second["reference_id"] == "ref-b"
    assert [m["candidate_id"] for m in first["matches"]] == ["cand-a", "cand-b"]  # best first
    assert first["matches"][0] == {"candidate_id": "cand-a", "similarity": 1}
    assert list(first["matches"][1]) == ["candidate_id", "similarity"]
    assert first["matches"][1]["similarity"] < 0.01  # unrelated random descriptors
    assert [m["candidate_id"] for m in second["matches"]] == ["cand-b", "cand-a"]
    packed = msgpack.packb(
        {
            "references": [{"id": "r", "type": "raw_descriptor", "data": a.astype("<f4").tobytes()}],
            "candidates": [{"id": "c", "type": "raw_descriptor", "data": b64(a)}],
        }
    )
    reply = rest.post("/6/matcher/raw", content=packed, headers={"Content-Type": "application/msgpack"})
    assert reply.json() == {"matches": [{"reference_id": "r", "matches": [{"candidate_id": "c", "similarity": 1}]}]}
    xpk = {"id": "x", "type": "xpk_file", "data": "AAAA"}
    assert_luna_error(rest.post("/6/matcher/raw", json={"references": [xpk], "candidates": [xpk]}), 501, 40023)
    assert_luna_error(
        rest.post("/6/matcher/raw", json={"references": [], "candidates": body["candidates"]}), 400, 12022
    )
    assert_luna_error(rest.post("/6/matcher/raw", json={"references": body["references"]}), 400, 12022)


def test_matcher_bodies_and_options(rest: httpx.Client, account: str) -> None:
    body = {
        "references": [{"type": "event", "id": str(uuid.uuid4())}],
        "candidates": [{"filters": {"origin": "events"}}],
    }
    assert_luna_error(rest.post("/6/matcher/bodies", json=body, headers=auth(account)), 501, 40024)
    for path in ("/6/matcher/faces", "/6/matcher/bodies", "/6/matcher/raw"):
        reply = rest.options(path)
        assert reply.status_code == 200
        assert set(reply.headers["allow"].split(",")) == {"POST", "OPTIONS"}
        assert rest.get(path).status_code == 405


@pytest.fixture
def own_stack(tmp_path: Path) -> Iterator[Stack]:
    running = Stack(stack_settings(tmp_path / "data")).start()
    try:
        yield running
    finally:
        running.stop()


def test_index_is_rebuilt_from_storage_at_start(own_stack: Stack) -> None:
    account = str(uuid.uuid4())
    with httpx.Client(base_url=own_stack.rest_url, timeout=30.0) as client:
        list_id = client.post("/6/lists", json={}, headers=auth(account)).json()["list_id"]
        attribute = {"face_descriptors": [{"descriptor": b64(unit(3)), "version": DEFAULT_VERSION}]}
        kept = create_face(client, account, attribute=attribute, lists=[list_id])
        gone = create_face(client, account, attribute=attribute, lists=[list_id])
        assert client.delete(f"/6/faces/{gone}", headers=auth(account)).status_code == 204
    own_stack.restart_server(own_stack.settings)
    with httpx.Client(base_url=own_stack.rest_url, timeout=30.0) as client:
        reference = [{"type": "face", "id": kept}]
        (item,) = match(client, {"references": reference, "candidates": [faces_candidate(list_id=list_id)]}, account)
        assert found_ids(item) == [kept]
