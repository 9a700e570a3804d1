"""The handlers repository (server/storage/repositories/handlers.py) and load_handler, on a temporary store."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from server.clock import now
from server.errors import LunaError
from server.handlers.policies import DEFAULT_POLICIES, policies_to_json
from server.handlers.records import load_handler
from server.storage.repositories.handlers import HandlerFilter, HandlerRow
from server.storage.store import Storage

ALICE = str(uuid.UUID(int=1, version=4))
BOB = str(uuid.UUID(int=2, version=4))


@pytest.fixture
def storage(tmp_path: Path) -> Iterator[Storage]:
    store = Storage(tmp_path)
    yield store
    store.db.close()


def add(storage: Storage, account_id: str, description: str, *, dynamic: bool = False) -> str:
    handler_id = str(uuid.uuid4())
    stamp = now()
    with storage.write() as batch:
        storage.handlers.insert(
            batch,
            HandlerRow(
                handler_id=handler_id,
                account_id=account_id,
                description=description,
                policies=None if dynamic else json.dumps(policies_to_json(DEFAULT_POLICIES)),
                is_dynamic=int(dynamic),
                create_time=stamp,
                last_update_time=stamp,
            ),
        )
    return handler_id


def test_filters_and_account_scope(storage: Storage) -> None:
    first = add(storage, ALICE, "front door")
    add(storage, ALICE, "back door", dynamic=True)
    add(storage, BOB, "front gate")
    assert storage.handlers.count(HandlerFilter(account_id=ALICE)) == 2
    assert storage.handlers.count(HandlerFilter(description_contains="front")) == 2
    assert storage.handlers.count(HandlerFilter(description_contains="%")) == 0  # LIKE wildcards are literal
    found = storage.handlers.find(HandlerFilter(account_id=ALICE, is_dynamic=False), offset=0, limit=10)
    assert [row["handler_id"] for row in found] == [first]
    assert storage.handlers.get(first, BOB) is None and storage.handlers.exists(first, ALICE)


def test_replace_and_delete_only_in_the_account(storage: Storage) -> None:
    handler_id = add(storage, ALICE, "x")
    with storage.write() as batch:
        kwargs = {"description": "y", "policies": None, "is_dynamic": True, "stamp": now()}
        assert not storage.handlers.replace(batch, handler_id, BOB, **kwargs)  # type: ignore[arg-type]
        assert storage.handlers.replace(batch, handler_id, ALICE, **kwargs)  # type: ignore[arg-type]
    row = storage.handlers.get(handler_id)
    assert row is not None and row["description"] == "y" and row["is_dynamic"] == 1 and row["policies"] is None
    with storage.write() as batch:
        assert not storage.handlers.delete(batch, handler_id, BOB)
        assert storage.handlers.delete(batch, handler_id, ALICE)
    assert storage.handlers.get(handler_id) is None


def test_load_handler(storage: Storage) -> None:
    static = add(storage, ALICE, "s")
    dynamic = add(storage, ALICE, "d", dynamic=True)
    loaded = load_handler(storage, static, ALICE)
    assert loaded.policies == DEFAULT_POLICIES and not loaded.is_dynamic
    assert load_handler(storage, dynamic, None).policies is None
    with pytest.raises(LunaError) as caught:
        load_handler(storage, static, BOB)
    assert caught.value.code == 34000 and caught.value.http_status == 404
