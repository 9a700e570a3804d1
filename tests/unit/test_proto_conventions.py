"""House rules for the protos that buf lint cannot express (see buf.yaml ignore_only)."""

from __future__ import annotations

import re

from google.protobuf import descriptor_pb2

from gateway.config import TASKS_API_SERVICE, load_descriptor_set, routes
from gateway.query_types import rpc_query_kinds

FIELD_NAME = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*(__(gte|lt|gt|lte|eq))?$")


def test_field_names_are_snake_case_with_luna_operator_suffixes() -> None:
    bad = []
    for file in load_descriptor_set().file:
        if not file.package.startswith("lumen."):
            continue
        stack = list(file.message_type)
        while stack:
            message = stack.pop()
            stack.extend(message.nested_type)
            bad += [f"{message.name}.{f.name}" for f in message.field if not FIELD_NAME.match(f.name)]
    assert bad == []


def test_every_rest_route_maps_to_exactly_one_rpc() -> None:
    """On each listener: the LUNA Tasks API's (TASKS_API_SERVICE) has its own /docs/dev/index.html."""
    seen: dict[tuple[bool, str, str], str] = {}
    for route in routes(load_descriptor_set()):
        key = (route.rpc.startswith(f"{TASKS_API_SERVICE}/"), route.method, route.path)
        assert key not in seen, f"{key} bound to {seen[key]} and {route.rpc}"
        seen[key] = route.rpc
    assert (False, "GET", "/6/lists/{list_id}") in seen
    assert seen[(False, "GET", "/docs/dev/index.html")] == "lumen.v6.SystemService/GetDocsDevIndex"
    assert seen[(True, "GET", "/docs/dev/index.html")] == f"{TASKS_API_SERVICE}/GetTasksDocsDevIndex"


#: Query names whose v6 values are numbers, 0/1 flags, times or lists: never `optional string` in a request.
TYPED_QUERY_NAME = re.compile(
    r"^(page|page_size|ttl|limit|descriptor_version|multiface_policy|image_type|\w+_threshold"
    r"|estimate_\w+|detect_\w+|extract_\w+|aggregate\w*|use_exif_info|with_\w+|ignore|\w+_time(__\w+)?|\w+_ids|targets)$"
)


def test_query_fields_of_requests_are_typed() -> None:
    """Numbers, flags, times and lists in request messages are int32/bool/double/Timestamp/repeated (issue 9)."""
    untyped = []
    for file in load_descriptor_set().file:
        if not file.package.startswith("lumen.") or not file.name.endswith("_service.proto"):
            continue
        for message in file.message_type:
            if not message.name.endswith("Request"):
                continue
            untyped += [
                f"{message.name}.{field.name}"
                for field in message.field
                if TYPED_QUERY_NAME.match(field.name)
                and field.type == descriptor_pb2.FieldDescriptorProto.TYPE_STRING
                and field.label != descriptor_pb2.FieldDescriptorProto.LABEL_REPEATED
            ]
    assert untyped == []


def test_gateway_knows_the_kind_of_every_typed_query_field() -> None:
    kinds = rpc_query_kinds(load_descriptor_set())
    get_faces = kinds["lumen.v6.FacesService/GetFaces"]
    assert get_faces["page"] == "int32" and get_faces["create_time__gte"] == "timestamp"
    assert "face_ids" not in get_faces and "user_data" not in get_faces  # text: checked by the service
    assert kinds["lumen.v6.SdkService/Estimate"]["estimate_face_descriptor"] == "bool"
    assert kinds["lumen.v6.SdkService/Estimate"]["score_threshold"] == "double"
    used = {kind for fields in kinds.values() for kind in fields.values()}
    assert used <= {"int32", "bool", "double", "timestamp"}
