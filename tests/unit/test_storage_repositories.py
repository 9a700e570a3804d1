"""The storage repositories on a temporary data directory (SQLite + LanceDB, no server)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from server.clock import now
from server.storage.repositories.attributes import AttributeData
from server.storage.repositories.faces import FaceFilter, FaceRow
from server.storage.repositories.lists import ListFilter, ListRow
from server.storage.store import Storage

ALICE = str(uuid.UUID(int=1, version=4))
BOB = str(uuid.UUID(int=2, version=4))


class Recorder:
    """A WriteListener that records every event."""

    def __init__(self) -> None:
        self.events: list[tuple[str, tuple[Any, ...]]] = []

    def __getattr__(self, name: str) -> Callable[..., None]:
        return lambda *args: self.events.append((name, args))


@pytest.fixture
def storage(tmp_path: Path) -> Iterator[Storage]:
    store = Storage(tmp_path)
    store.listener = Recorder()
    yield store
    store.db.close()


def events(storage: Storage) -> list[tuple[str, tuple[Any, ...]]]:
    listener = storage.listener
    assert isinstance(listener, Recorder)
    return listener.events


def new_id() -> str:
    return str(uuid.uuid4())


def add_list(storage: Storage, account_id: str, user_data: str = "") -> str:
    list_id = new_id()
    stamp = now()
    with storage.write() as batch:
        storage.lists.insert(
            batch,
            ListRow(
                list_id=list_id, account_id=account_id, user_data=user_data, create_time=stamp, last_update_time=stamp
            ),
        )
    return list_id


def add_face(storage: Storage, account_id: str, lists: list[str] | None = None, **fields: Any) -> str:
    face_id = new_id()
    row = FaceRow(
        face_id=face_id,
        account_id=account_id,
        event_id=None,
        user_data="",
        external_id="",
        avatar="",
        create_time=now(),
    )
    row.update(fields)  # type: ignore[typeddict-item]
    with storage.write() as batch:
        storage.faces.insert(batch, row, lists or [])
    return face_id


def vector(seed: int) -> np.ndarray:
    found = np.random.default_rng(seed).standard_normal(128).astype(np.float32)
    return found / np.linalg.norm(found)


# -- lists ---------------------------------------------------------------------------------------


def test_lists_filters_and_accounts(storage: Storage) -> None:
    first = add_list(storage, ALICE, "50% off")
    second = add_list(storage, ALICE, "500 off")
    other = add_list(storage, BOB, "50% off")
    assert storage.lists.get(first, ALICE) is not None
    assert storage.lists.get(other, ALICE) is None
    assert storage.lists.get(other) is not None
    # LIKE wildcards in the filter are literal.
    found = storage.lists.find(ListFilter(account_id=ALICE, user_data_contains="0%"), offset=0, limit=10)
    assert [r["list_id"] for r in found] == [first]
    assert storage.lists.count(ListFilter(account_id=ALICE)) == 2
    assert storage.lists.count(ListFilter(user_data="50% off")) == 2
    page = storage.lists.find(ListFilter(account_id=ALICE), offset=1, limit=1)
    assert [r["list_id"] for r in page] == [second]
    assert storage.lists.owned_ids(ALICE, [first, other, new_id()]) == {first}


def test_list_attach_detach_touch(storage: Storage) -> None:
    list_id = add_list(storage, ALICE)
    faces = [add_face(storage, ALICE) for _ in range(3)]
    before = storage.lists.get(list_id)
    assert before is not None
    events(storage).clear()
    stamp = now()
    with storage.write() as batch:
        storage.lists.attach(batch, list_id, faces, stamp)
        storage.lists.touch(batch, [list_id], stamp)
    assert storage.faces.lists_of(faces) == {f: [list_id] for f in faces}
    assert sorted(storage.lists.links()) == sorted((list_id, f) for f in faces)
    updated = storage.lists.get(list_id)
    assert updated is not None and updated["last_update_time"] == stamp
    with storage.write() as batch:
        storage.lists.attach(batch, list_id, faces[:1], now())  # already linked: ignored
        storage.lists.detach(batch, list_id, faces[1:])
    assert storage.faces.lists_of(faces) == {faces[0]: [list_id]}
    assert events(storage) == [
        ("on_list_faces_attached", (list_id, faces)),
        ("on_list_faces_attached", (list_id, faces[:1])),
        ("on_list_faces_detached", (list_id, faces[1:])),
    ]


def test_delete_list_with_faces(storage: Storage) -> None:
    list_id = add_list(storage, ALICE)
    kept_list = add_list(storage, ALICE)
    inside = add_face(storage, ALICE, [list_id])
    outside = add_face(storage, ALICE, [kept_list])
    events(storage).clear()
    with storage.write() as batch:
        storage.lists.delete(batch, BOB, [list_id], with_faces=True)  # another account's: nothing
    assert storage.lists.get(list_id) is not None
    with storage.write() as batch:
        storage.lists.delete(batch, ALICE, [list_id], with_faces=True)
    assert storage.lists.get(list_id) is None
    assert storage.faces.get(inside) is None
    assert storage.faces.get(outside) is not None
    assert ("on_faces_deleted", ([inside],)) in events(storage)
    assert ("on_list_deleted", (list_id,)) in events(storage)
    assert storage.db.count("SELECT COUNT(*) FROM journal") == 0


def test_delete_list_keeps_faces(storage: Storage) -> None:
    list_id = add_list(storage, ALICE)
    face = add_face(storage, ALICE, [list_id])
    with storage.write() as batch:
        storage.lists.delete(batch, ALICE, [list_id], with_faces=False)
    assert storage.faces.get(face) is not None
    assert storage.faces.lists_of([face]) == {}


# -- faces ---------------------------------------------------------------------------------------


def test_face_insert_links_and_touches_lists(storage: Storage) -> None:
    list_id = add_list(storage, ALICE)
    events(storage).clear()
    face = add_face(storage, ALICE, [list_id], external_id="ext-1", user_data="hello")
    row = storage.faces.get(face, ALICE)
    assert row is not None and row["external_id"] == "ext-1" and row["event_id"] is None
    listed = storage.lists.get(list_id)
    assert listed is not None and listed["last_update_time"] == row["create_time"]
    assert events(storage) == [("on_list_faces_attached", (list_id, [face]))]
    assert storage.faces.get(face, BOB) is None
    assert storage.faces.ids(FaceFilter(external_ids=["ext-1"])) == [face]
    assert storage.faces.ids(FaceFilter(list_id=list_id, account_id=BOB)) == []
    assert storage.faces.count(FaceFilter(account_id=ALICE, user_data_contains="ell")) == 1
    assert storage.faces.by_ids([face, new_id()]).keys() == {face}
    assert storage.faces.owned_ids(BOB, [face]) == []
    assert storage.faces.accounts() == {face: ALICE}


def test_face_update_only_patchable_columns(storage: Storage) -> None:
    face = add_face(storage, ALICE)
    with storage.write() as batch:
        storage.faces.update(batch, face, {"user_data": "new", "event_id": None})
    row = storage.faces.get(face)
    assert row is not None and row["user_data"] == "new"
    with pytest.raises(ValueError), storage.write() as batch:
        storage.faces.update(batch, face, {"account_id": BOB})
    row = storage.faces.get(face)
    assert row is not None and row["account_id"] == ALICE


def test_face_attribute_roundtrip_and_delete(storage: Storage) -> None:
    list_id = add_list(storage, ALICE)
    with_attribute = add_face(storage, ALICE, [list_id])
    without = add_face(storage, ALICE)
    data = AttributeData(
        descriptors={300: vector(1)},
        basic_attributes={"age": 30, "gender": 1, "ethnicity": 4},
        face_descriptor_samples=[new_id()],
    )
    with storage.write() as batch:
        storage.faces.set_attribute(batch, with_attribute, ALICE, data, replacing=False)
    row = storage.faces.attribute(with_attribute)
    assert row is not None
    assert row.basic_attributes == {"age": 30, "gender": 1, "ethnicity": 4}
    assert row.descriptor_versions == [300] and row.face_descriptor_samples == data.face_descriptor_samples
    assert np.allclose(storage.descriptors.get(with_attribute)[300], vector(1))
    assert storage.faces.count_attributes(ALICE) == 1 and storage.faces.count_attributes(BOB) == 0
    assert storage.faces.attribute(without) is None
    assert storage.faces.attributes([with_attribute, without, new_id()]) == {with_attribute: row}
    assert storage.faces.attributes([]) == {}
    events(storage).clear()
    with storage.write() as batch:
        storage.faces.delete(batch, [with_attribute, without])
    assert storage.faces.get(with_attribute) is None and storage.faces.get(without) is None
    assert storage.faces.attribute(with_attribute) is None
    assert storage.descriptors.get(with_attribute) == {}
    # Descriptors are deleted only for the face that had an attribute.
    assert events(storage) == [
        ("on_descriptors_deleted", ([with_attribute],)),
        ("on_faces_deleted", ([with_attribute, without],)),
    ]
    assert storage.lists.links() == []


def test_delete_face_attribute(storage: Storage) -> None:
    face = add_face(storage, ALICE)
    with storage.write() as batch:
        storage.faces.set_attribute(batch, face, ALICE, AttributeData(descriptors={300: vector(2)}), replacing=False)
    with storage.write() as batch:
        assert storage.faces.delete_attribute(batch, face)
    with storage.write() as batch:
        assert not storage.faces.delete_attribute(batch, face)
    assert storage.descriptors.get(face) == {}


def test_a_failed_write_leaves_nothing(storage: Storage) -> None:
    list_id = add_list(storage, ALICE)
    face_id = new_id()
    with pytest.raises(RuntimeError), storage.write() as batch:
        storage.faces.insert(
            batch,
            FaceRow(
                face_id=face_id,
                account_id=ALICE,
                event_id=None,
                user_data="",
                external_id="",
                avatar="",
                create_time=now(),
            ),
            [list_id],
        )
        storage.faces.set_attribute(batch, face_id, ALICE, AttributeData(descriptors={300: vector(3)}), replacing=False)
        raise RuntimeError("interrupted")
    assert storage.faces.get(face_id) is None
    assert storage.lists.links() == []
    assert storage.descriptors.get(face_id) == {}


# -- temporary attributes ------------------------------------------------------------------------


def test_temporary_attributes(storage: Storage) -> None:
    live, expired, other = new_id(), new_id(), new_id()
    data = AttributeData(descriptors={300: vector(4)}, basic_attributes={"age": 20, "gender": 0, "ethnicity": None})
    with storage.write() as batch:
        storage.attributes.insert(batch, live, ALICE, data, ttl_s=60)
        storage.attributes.insert(batch, expired, ALICE, data, ttl_s=-1)
        storage.attributes.insert(batch, other, BOB, AttributeData(basic_attributes=data.basic_attributes), ttl_s=60)
    assert storage.attributes.live([live, expired, other], ALICE).keys() == {live}
    assert storage.attributes.live([live, expired, other], None).keys() == {live, other}
    row = storage.attributes.live([live], None)[live]
    assert row.account_id == ALICE and row.basic_attributes == {"age": 20, "gender": 0, "ethnicity": None}
    loaded = storage.attributes.load(live, ALICE)
    assert loaded is not None and np.array_equal(loaded.descriptors[300], vector(4))
    assert storage.attributes.load(live, BOB) is None
    assert storage.attributes.load(expired, ALICE) is None
    assert storage.attributes.descriptors([live, other], 300) == {live: {300: vector(4).astype("<f4").tobytes()}}
    assert [i for i, _ in storage.attributes.live_descriptors(300, None, None)] == [live]
    assert storage.attributes.live_descriptors(300, BOB, None) == []
    assert storage.attributes.live_descriptors(300, ALICE, [other]) == []
    with storage.write() as batch:
        storage.attributes.delete(batch, live)
    assert storage.attributes.live([live], None) == {}
    assert storage.attributes.descriptors([live]) == {}


# -- blobs -----------------------------------------------------------------------------------------


def test_blob_rows(storage: Storage) -> None:
    blob_id = new_id()
    storage.put_blob("images", blob_id, ALICE, "image/jpeg", b"\xff\xd8 bytes")
    row = storage.blob_rows.get("images", blob_id, ALICE)
    assert row is not None and row["size"] == 8 and row["content_type"] == "image/jpeg"
    assert storage.blob_rows.get("images", blob_id, BOB) is None
    assert storage.blob_rows.get("objects", blob_id) is None
    assert storage.blob_rows.exists("images", blob_id)
    assert storage.blob_meta("images", blob_id, None) == dict(row)
    assert storage.db.count("SELECT COUNT(*) FROM journal") == 0
    assert not storage.delete_blob("images", blob_id, BOB)
    assert storage.blobs.get("images", blob_id) == b"\xff\xd8 bytes"
    assert storage.delete_blob("images", blob_id, ALICE)
    assert not storage.blob_rows.exists("images", blob_id)
    assert storage.blobs.get("images", blob_id) is None
    assert storage.db.count("SELECT COUNT(*) FROM journal") == 0
