"""The LUNA error catalogue (server/errors.py) is the one place of LUNA codes, and it is consistent."""

from __future__ import annotations

import json
import re
import string
from collections import defaultdict
from pathlib import Path
from typing import Any

from gateway.config import (
    ACCOUNTS_LUA_SOURCE,
    LUA_REPLIES,
    LUA_SOURCE,
    envoy_config,
    load_descriptor_set,
    lua_body_format,
    lua_code,
    routes,
)
from server import errors
from server.accounts import credential_line

ROOT = Path(__file__).resolve().parents[2]


def test_each_code_has_one_desc() -> None:
    """A code may appear in several specs (other details), but always with the same desc."""
    descs: dict[int, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for name, spec in errors.catalogue().items():
        descs[spec.code][spec.desc].append(name)
    clashes = {code: dict(by_desc) for code, by_desc in descs.items() if len(by_desc) > 1}
    assert clashes == {}


def test_the_same_code_and_desc_twice_is_a_deliberate_alias() -> None:
    """Specs sharing a code and desc differ in detail or HTTP status, or are documented aliases."""
    aliases = {("IMAGE_NOT_FOUND", "SAMPLE_NOT_FOUND")}  # v6 answers 13003 for images and samples alike
    seen: dict[tuple[int, str, str, int], str] = {}
    for name, spec in errors.catalogue().items():
        key = (spec.code, spec.desc, spec.detail, spec.http_status)
        if key in seen:
            assert (seen[key], name) in aliases, f"{name} repeats {seen[key]}"
        seen[key] = name


def test_the_catalogue_knows_the_clashes_this_test_was_written_for() -> None:
    assert errors.STORAGE_FULL.code != errors.UNAUTHORIZED.code
    assert errors.catalogue()["UNAUTHORIZED"] is errors.UNAUTHORIZED
    assert len(errors.catalogue()) > 30


def test_error_specs_are_defined_only_in_server_errors() -> None:
    defined_elsewhere = [
        str(path.relative_to(ROOT))
        for top in ("server", "inference", "gateway")
        for path in (ROOT / top).rglob("*.py")
        if path != ROOT / "server" / "errors.py" and re.search(r"\bErrorSpec\(", path.read_text())
    ]
    assert defined_elsewhere == []


# --- the gateway's own replies (gateway/config.py, gateway/lumen.lua, gateway/accounts.lua) ---

LUNA_BODY_RE = re.compile(r'"error_code": (\d+), "desc": "([^"]*)"')
PORTS: dict[str, Any] = {
    "rest_host": "127.0.0.1",
    "rest_port": 5000,
    "grpc_host": "127.0.0.1",
    "grpc_port": 50051,
    "admin_port": 9901,
    "max_request_bytes": 1024,
}


def _strings(node: object) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [text for value in node.values() for text in _strings(value)]
    if isinstance(node, list):
        return [text for value in node for text in _strings(value)]
    return []


def _generated_config(tmp_path: Path) -> dict[str, Any]:
    auth_file = tmp_path / "users"
    auth_file.write_text(credential_line("alice", "secret", "6f5e6f8e-2b8a-4a55-9a43-0d3c5b3e6c1a") + "\n")
    return envoy_config(**PORTS, grpc_read_port=50052, auth_file=str(auth_file))


def test_generated_gateway_config_holds_only_catalogue_codes(tmp_path: Path) -> None:
    catalogue = {(spec.code, spec.desc) for spec in errors.catalogue().values()}
    config = _generated_config(tmp_path)
    found = {
        (int(code), desc)
        for text in _strings(config)
        # bodies inside Lua string literals are escaped once (accounts.lua: twice)
        for code, desc in LUNA_BODY_RE.findall(text.replace("\\", ""))
    }
    assert found - catalogue == set()
    # every kind of reply is there: Envoy's local replies, the Lua filter's own and the accounts filter's
    codes = {code for code, _ in found}
    assert {errors.UNKNOWN_RESOURCE.code, errors.METHOD_NOT_ALLOWED.code, errors.BAD_QUERY_PARAM.code} <= codes
    assert {errors.HEADERS_TOO_LARGE.code, errors.GATEWAY_TIMEOUT.code, errors.UNAUTHORIZED.code} <= codes
    assert errors.ACCOUNT_MISMATCH.code in codes


def test_gateway_lua_sources_carry_no_literal_codes() -> None:
    """lumen.lua and accounts.lua get every LUNA code from the prelude gateway/config.py generates."""
    for source in (LUA_SOURCE, ACCOUNTS_LUA_SOURCE):
        text = source.read_text()
        assert "error_code" not in text, source.name
        assert re.findall(r"\b\d{4,5}\b", text) == [], source.name


def test_lua_reply_formats_give_the_servers_body() -> None:
    """string.format(LUNA_REPLIES.X[2], value) in Lua == the body LunaError gives (%s and %% as in Python)."""
    for name, spec in LUA_REPLIES.items():
        fields = [field for _, field, _, _ in string.Formatter().parse(spec.detail) if field is not None]
        values = tuple(f"value-{i}" for i in range(len(fields)))
        expected = errors.LunaError(spec, **dict(zip(fields, values, strict=True))).body()
        assert json.loads(lua_body_format(spec) % values) == expected, name
        assert f'{name} = {{"{spec.http_status}", ' in lua_code(routes(load_descriptor_set()))
