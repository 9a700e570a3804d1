"""House rules for the protos that buf lint cannot express (see buf.yaml ignore_only)."""

from __future__ import annotations

import re

from gateway.config import load_descriptor_set, routes

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
    seen: dict[tuple[str, str], str] = {}
    for route in routes(load_descriptor_set()):
        key = (route.method, route.path)
        assert key not in seen, f"{key} bound to {seen[key]} and {route.rpc}"
        seen[key] = route.rpc
    assert ("GET", "/6/lists/{list_id}") in seen
