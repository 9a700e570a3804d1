"""The success status of each RPC lives in one place: its (lumen.v6.http_success_status) proto option."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from pathlib import Path

import pytest

from gateway.config import load_descriptor_set
from lumen.v6 import options_pb2
from server import services
from server.docs.openapi import build_openapi
from server.rpc import luna_rpc, success_status

ROOT = Path(__file__).resolve().parents[2]


def _option_statuses() -> dict[str, int]:
    """Service.Method -> the option's status (200 when unset), for every lumen.v6 RPC."""
    found = {}
    for file in load_descriptor_set().file:
        if file.package != "lumen.v6":
            continue
        for service in file.service:
            for method in service.method:
                status = method.options.Extensions[options_pb2.http_success_status] or 200
                found[f"{service.name}.{method.name}"] = status
    return found


def _servicer_handlers() -> dict[str, object]:
    """Service.Method -> the luna_rpc handler of every servicer method in server/services."""
    found = {}
    for info in pkgutil.iter_modules(services.__path__):
        module = importlib.import_module(f"{services.__name__}.{info.name}")
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ != module.__name__:
                continue
            for name, member in vars(cls).items():
                if hasattr(member, "http_success_status"):
                    found[f"{cls.__name__}.{name}"] = member
    return found


def test_every_servicer_method_answers_the_status_of_its_rpc_option() -> None:
    options = _option_statuses()
    handlers = _servicer_handlers()
    assert len(handlers) > 50
    assert set(handlers) <= set(options)
    assert {name: h.http_success_status for name, h in handlers.items()} == {  # type: ignore[attr-defined]
        name: options[name] for name in handlers
    }


def test_the_statuses_v6_documents() -> None:
    options = _option_statuses()
    assert options["FacesService.CreateFace"] == 201
    assert options["FacesService.DeleteFace"] == 204
    assert options["ListsService.CreateList"] == 201
    assert options["SamplesService.DeleteSample"] == 204
    assert options["SystemService.GetDocsDev"] == 302
    assert options["FacesService.GetFace"] == 200
    assert options["TasksService.CreateClusteringTask"] == 202  # v6 API-103: accepted, runs later
    assert sorted(set(options.values())) == [200, 201, 202, 204, 302]


def test_openapi_documents_the_option_status() -> None:
    document = build_openapi((ROOT / "gateway" / "lumen.pb").read_bytes())
    assert set(document["paths"]["/6/faces"]["post"]["responses"]) == {"201", "default"}
    assert set(document["paths"]["/6/faces/{face_id}"]["delete"]["responses"]) == {"204", "default"}
    assert set(document["paths"]["/6/docs/dev"]["get"]["responses"]) == {"302", "default"}
    assert set(document["paths"]["/6/faces/{face_id}"]["get"]["responses"]) == {"200", "default"}


def test_no_status_directive_is_left_in_proto_comments() -> None:
    for path in (ROOT / "proto").rglob("*.proto"):
        assert not re.search(r"\bStatus:\s*\d{3}", path.read_text()), path.name


def test_success_status_of_a_class_that_is_no_lumen_service_is_200() -> None:
    assert success_status("test_something.<locals>.Servicer.Unknown") == 200
    assert success_status("FacesService.CreateFace") == 201
    with pytest.raises(LookupError):
        success_status("FacesService.CreateFaceTypo")

    class ListsService:
        @luna_rpc()
        def CreateList(self, request: object, call: object) -> None: ...

    assert ListsService.CreateList.http_success_status == 201  # type: ignore[attr-defined]
