"""The internal RPC of the task worker process (server/tasks/remote.py): effects run by a real gRPC server, their
LUNA errors raised again on the worker's side, the token, an unreachable server; the attribute payload round trip."""

from __future__ import annotations

from concurrent import futures
from pathlib import Path
from typing import Any

import grpc
import numpy as np
import pytest

from server import errors
from server.errors import LunaError
from server.storage.descriptors import DEFAULT_VERSION, descriptor_format
from server.storage.repositories.attributes import AttributeData
from server.tasks import effects
from server.tasks.base import EffectsUnavailableError
from server.tasks.remote import TOKEN_FILE, RemoteEffects, effects_handler, server_token


def _echo(ctx: effects.EffectsContext, payload: dict[str, Any]) -> Any:
    if payload.get("fail"):
        raise LunaError(errors.LIST_NOT_FOUND, id=payload["fail"])
    return {"seen": payload["value"]}


@pytest.fixture
def served(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setitem(effects.EFFECTS, "echo", _echo)
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=2))
    server.add_generic_rpc_handlers((effects_handler(None, server_token(tmp_path)),))  # type: ignore[arg-type]
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    remote = RemoteEffects(f"127.0.0.1:{port}", tmp_path)
    yield remote
    remote.close()
    server.stop(None)


def test_effects_run_in_the_server_and_luna_errors_come_back(served: RemoteEffects, tmp_path: Path) -> None:
    assert served.apply("echo", {"value": [1, "a"]}) == {"seen": [1, "a"]}
    with pytest.raises(LunaError) as raised:
        served.apply("echo", {"fail": "9b2c"})
    assert raised.value.code == 22003 and raised.value.detail == "List with id '9b2c' not found"
    assert (tmp_path / TOKEN_FILE).stat().st_mode & 0o077 == 0  # readable by the owner only
    assert server_token(tmp_path) == (tmp_path / TOKEN_FILE).read_text()  # kept across server restarts


def test_a_wrong_token_or_no_server_is_unavailable(served: RemoteEffects, tmp_path: Path) -> None:
    (tmp_path / TOKEN_FILE).write_text("not the token")
    with pytest.raises(EffectsUnavailableError):
        served.apply("echo", {"value": 1})
    nobody = RemoteEffects("127.0.0.1:1", tmp_path)
    with pytest.raises(EffectsUnavailableError):
        nobody.apply("echo", {"value": 1})
    nobody.close()


def test_attribute_payload_round_trip() -> None:
    dimension = descriptor_format(DEFAULT_VERSION).dimension
    vector = np.random.default_rng(1).standard_normal(dimension).astype(np.float32)
    vector /= np.linalg.norm(vector)
    data = AttributeData(
        descriptors={DEFAULT_VERSION: vector},
        basic_attributes={"age": 30, "gender": 1, "ethnicity": None},
        face_descriptor_samples=["s1"],
        basic_attributes_samples=["s2"],
    )
    back = effects.attribute_of(effects.attribute_json(data))
    assert np.array_equal(back.descriptors[DEFAULT_VERSION], vector)
    assert back.basic_attributes == data.basic_attributes
    assert (back.face_descriptor_samples, back.basic_attributes_samples) == (["s1"], ["s2"])
