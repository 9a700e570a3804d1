"""Group commit (server/storage/applier.py) and grouped LanceDB writes (DescriptorStore.apply), on a real
SQLite + LanceDB store in a temporary directory."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator, Sequence
from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest

from server.storage.descriptors import DEFAULT_VERSION, DescriptorStore, FaceChange
from server.storage.store import Storage


def unit(seed: int) -> np.ndarray:
    vector = np.random.default_rng(seed).standard_normal(128).astype(np.float32)
    return vector / np.linalg.norm(vector)


def rows(store: DescriptorStore) -> dict[str, list[np.ndarray]]:
    found: dict[str, list[np.ndarray]] = {}
    for ids, vectors in store.scan(DEFAULT_VERSION):
        for face_id, vector in zip(ids, vectors, strict=True):
            found.setdefault(face_id, []).append(vector)
    return found


def test_apply_keeps_the_end_state_of_ordered_changes(tmp_path: Path) -> None:
    store = DescriptorStore(tmp_path)
    a, b, c = "a", "b", "c"
    store.apply([FaceChange(a, "acc", {DEFAULT_VERSION: unit(1)}), FaceChange(b, "acc", {DEFAULT_VERSION: unit(2)})])
    store.apply(
        [
            FaceChange(a, "acc", {DEFAULT_VERSION: unit(3)}),  # replaced ...
            FaceChange(a, "acc", None),  # ... deleted ...
            FaceChange(a, "acc", {DEFAULT_VERSION: unit(4)}),  # ... and set again: the last one wins
            FaceChange(b, "acc", None),
            FaceChange(c, "acc", {DEFAULT_VERSION: unit(5)}, fresh=True),
        ]
    )
    stored = rows(store)
    assert sorted(stored) == [a, c]
    assert len(stored[a]) == 1 and np.allclose(stored[a][0], unit(4))
    assert len(stored[c]) == 1 and np.allclose(stored[c][0], unit(5))


def test_replay_never_trusts_fresh(tmp_path: Path) -> None:
    store = DescriptorStore(tmp_path)
    change = FaceChange("f", "acc", {DEFAULT_VERSION: unit(1)}, fresh=True)
    store.apply([change])
    store.apply([change], trust_fresh=False)  # a crash after the LanceDB write, before the journal row went
    assert [len(v) for v in rows(store).values()] == [1]
    store.apply([change])  # trusting `fresh` on a replay would duplicate the row
    assert [len(v) for v in rows(store).values()] == [2]


def test_unapplied_changes_are_read_until_applied(tmp_path: Path) -> None:
    store = DescriptorStore(tmp_path)
    store.apply(
        [FaceChange("kept", "acc", {DEFAULT_VERSION: unit(1)}), FaceChange("gone", "acc", {DEFAULT_VERSION: unit(2)})]
    )
    store.hold_unapplied([FaceChange("gone", "acc", None), FaceChange("new", "acc", {DEFAULT_VERSION: unit(3)})])
    assert store.get("gone") == {}
    assert np.allclose(store.get("new")[DEFAULT_VERSION], unit(3))
    assert sorted(rows(store)) == ["kept", "new"]
    store.release_unapplied()
    assert sorted(rows(store)) == ["gone", "kept"]


def test_optimize_leaves_one_version_and_fragment(tmp_path: Path) -> None:
    store = DescriptorStore(tmp_path)
    for i in range(30):
        store.apply([FaceChange(f"f{i}", "acc", {DEFAULT_VERSION: unit(i)}, fresh=True)])
    assert store.stats(DEFAULT_VERSION)["fragments"] == 30
    assert store.optimize(timedelta(0))
    stats = store.stats(DEFAULT_VERSION)
    assert stats == {"versions": 1, "fragments": 1, "rows": 30}
    assert len(rows(store)) == 30


class Recorder:
    """A WriteListener recording descriptor events in the order they arrive."""

    def __init__(self) -> None:
        self.events: list[tuple[str, str]] = []

    def on_descriptors_set(self, face_id: str, account_id: str, vectors: dict[int, np.ndarray]) -> None:
        self.events.append(("set", face_id))

    def on_descriptors_deleted(self, face_ids: Sequence[str]) -> None:
        self.events.extend(("deleted", face_id) for face_id in face_ids)

    def on_faces_deleted(self, face_ids: Sequence[str]) -> None: ...

    def on_list_faces_attached(self, list_id: str, face_ids: Sequence[str]) -> None: ...

    def on_list_faces_detached(self, list_id: str, face_ids: Sequence[str]) -> None: ...

    def on_list_deleted(self, list_id: str) -> None: ...


@pytest.fixture
def storage(tmp_path: Path) -> Iterator[Storage]:
    yield Storage(tmp_path, optimize_interval_s=0)


def test_concurrent_writes_are_grouped_and_ordered(storage: Storage) -> None:
    recorder = Recorder()
    storage.listener = recorder
    face_ids = [str(uuid.uuid4()) for _ in range(16)]
    committed: list[str] = []  # commit order, recorded under the SQLite write lock
    lock = threading.Lock()

    def writer(worker: int) -> None:
        for round_ in range(10):
            face_id = face_ids[(worker + round_) % len(face_ids)]
            with storage.write() as batch:
                if round_ % 3 == 2:
                    batch.delete_descriptors([face_id])
                    with lock:
                        committed.append(f"deleted {face_id}")
                else:
                    batch.set_descriptors(face_id, "acc", {DEFAULT_VERSION: unit(worker * 100 + round_)})
                    with lock:
                        committed.append(f"set {face_id}")

    threads = [threading.Thread(target=writer, args=(w,)) for w in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # Listeners heard every write in commit order, and LanceDB holds each face's last committed state.
    assert [f"{kind} {face_id}" for kind, face_id in recorder.events] == committed
    last: dict[str, str] = {}
    for entry in committed:
        kind, face_id = entry.split()
        last[face_id] = kind
    assert sorted(rows(storage.descriptors)) == sorted(f for f, kind in last.items() if kind == "set")
    assert all(len(v) == 1 for v in rows(storage.descriptors).values())
    assert storage.db.count("SELECT COUNT(*) FROM journal") == 0


class Gate(Recorder):
    """Holds the applier thread inside the first event until released."""

    def __init__(self) -> None:
        super().__init__()
        self.entered = threading.Event()
        self.release = threading.Event()

    def on_descriptors_set(self, face_id: str, account_id: str, vectors: dict[int, np.ndarray]) -> None:
        super().on_descriptors_set(face_id, account_id, vectors)
        if len(self.events) == 1:
            self.entered.set()
            self.release.wait(60)


def test_writes_that_wait_are_applied_as_one_group(storage: Storage) -> None:
    gate = Gate()
    storage.listener = gate

    def create(seed: int) -> None:
        with storage.write() as batch:
            batch.set_descriptors(str(uuid.uuid4()), "acc", {DEFAULT_VERSION: unit(seed)}, new_face=True)

    first = threading.Thread(target=create, args=(0,))
    first.start()
    assert gate.entered.wait(60)
    waiting = [threading.Thread(target=create, args=(seed,)) for seed in range(1, 6)]
    for thread in waiting:
        thread.start()
    while len(storage.applier._ready) < 5:  # wait until all five are handed over
        threading.Event().wait(0.01)
    assert len(rows(storage.descriptors)) == 1  # the five are committed but not applied yet
    gate.release.set()
    for thread in [first, *waiting]:
        thread.join()
    assert storage.applier.groups == 2
    assert len(rows(storage.descriptors)) == 6
    assert storage.descriptors.stats(DEFAULT_VERSION)["fragments"] == 2  # one LanceDB add per group
