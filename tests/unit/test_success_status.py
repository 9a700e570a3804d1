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
from server.rpc import Call, luna_rpc, proto_service_name, rpc_info, servicer_rpcs, success_status

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


def _implements_a_service(cls: type) -> bool:
    return any(base.__module__.startswith("lumen.") and base.__module__.endswith("_pb2_grpc") for base in cls.__mro__)


def _servicer_statuses() -> dict[str, int]:
    """Service.Method -> the status luna_rpc answers, for every RPC method (inherited ones included) of every
    servicer class in server/services."""
    found = {}
    for info in pkgutil.iter_modules(services.__path__):
        module = importlib.import_module(f"{services.__name__}.{info.name}")
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ != module.__name__ or not _implements_a_service(cls):
                continue
            for name, rpc in servicer_rpcs(cls).items():
                assert rpc.name == f"{cls.__name__}.{name}"  # servicer classes are named like their service
                found[rpc.name] = rpc.success_status
    return found


def test_every_servicer_method_answers_the_status_of_its_rpc_option() -> None:
    options = _option_statuses()
    statuses = _servicer_statuses()
    assert len(statuses) > 50
    assert set(statuses) <= set(options)
    assert statuses == {name: options[name] for name in statuses}
    # the task creations written once in a mixin, on both task services
    assert statuses["TasksService.CreateLinkerTask"] == statuses["LunaTasksService.CreateLinkerTask"] == 202


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

    assert rpc_info(ListsService, "CreateList").success_status == 201


def test_a_method_shared_through_a_mixin_answers_each_service_s_status() -> None:
    """luna_rpc resolves the RPC by the method's name in the proto service of the class it is called on, so one
    definition in a mixin serves several services (each its own option), and a mixin is no service itself."""

    class Shared:
        @luna_rpc()
        def CreateList(self, request: object, call: Call) -> None: ...

        @luna_rpc()
        def DeleteFace(self, request: object, call: Call) -> None: ...

    class ListsService(Shared): ...

    class FacesService(Shared): ...

    assert proto_service_name(ListsService) == "ListsService" and proto_service_name(Shared) == "Shared"
    assert rpc_info(ListsService, "CreateList") == rpc_info(ListsService, "CreateList")
    assert rpc_info(ListsService, "CreateList").success_status == 201
    assert rpc_info(FacesService, "DeleteFace").success_status == 204
    assert rpc_info(FacesService, "DeleteFace").name == "FacesService.DeleteFace"
    with pytest.raises(LookupError):  # FacesService has no CreateList
        servicer_rpcs(FacesService)
    from server.services.tasks import LunaTasksService, TasksService

    assert proto_service_name(LunaTasksService) == "LunaTasksService"
    assert servicer_rpcs(TasksService)["CreateRocTask"].success_status == 202
