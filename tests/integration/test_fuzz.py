"""A bounded property-based run over the OpenAPI documents the stack serves (GET /6/docs/spec, and the LUNA Tasks
API's GET /1/docs/spec on its own port).

schemathesis generates requests for every operation, schema-conforming (positive) and
schema-violating (negative), and sends them through Envoy to a real stack (Triton off: the model
routes answer the LUNA 503 40004). Every answer must be one the contract allows: no 5xx other than
the 501/503 of features that are unavailable, and every non-2xx a LUNA JSON body
{"error_code", "desc", "detail"} with content-type application/json and a bounded detail.

Bounded: LUMEN_FUZZ_EXAMPLES examples per operation and mode (default 10), derandomized so CI
sees the same requests every run; LUMEN_FUZZ_RANDOM=1 draws new ones (exploration).

The spec types the query parameters (integers with their ranges, 0/1 flags, numbers, date-times,
comma lists), so schemathesis sends typed values and, in negative mode, values out of range or of
the wrong type; it never sends what broke the gateway before (an integer beyond int64, bytes that
are not UTF-8, a 20 KB value, a lone surrogate, deep nesting, header names gRPC refuses):
test_hostile_values sends each of those to every parameter, path variable and top-level body
property the spec lists, under the same contract. test_documented_ranges_are_enforced checks that
the documented ranges and values are the ones the servicers accept.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.core.result import Err, Ok
from schemathesis.generation.modes import GenerationMode

from server.errors import MAX_DETAIL_CHARS
from server.stack import Stack
from tests.conftest import stack_settings

EXAMPLES = int(os.environ.get("LUMEN_FUZZ_EXAMPLES", "10"))
RANDOM = os.environ.get("LUMEN_FUZZ_RANDOM", "") == "1"
ACCOUNT = "8b8b5937-2e9c-4e8b-a7a7-5caf86621b5a"
# 501: an estimation or reference type Lumen does not provide; 503: inference (Triton) is off.
ALLOWED_5XX = {501, 503}
# Operations whose body is any media type (*/*: images, objects, samples): generated as octet-stream.
ANY_MEDIA_TYPE = "application/octet-stream"


@pytest.fixture(scope="module")
def fuzz_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    running = Stack(stack_settings(Path(tmp_path_factory.mktemp("lumen-fuzz")))).start()
    try:
        yield running
    finally:
        running.stop()


def problem(case: Any, response: Any) -> str | None:
    """What is wrong with one answer, or None."""
    status = response.status_code
    if status < 400:
        return None
    if status >= 500 and status not in ALLOWED_5XX:
        return f"status {status}"
    if case.method.upper() == "HEAD":
        return None
    content_type = (response.headers.get("content-type") or [""])[0]
    if not content_type.startswith("application/json"):
        return f"status {status} with content-type {content_type!r}"
    try:
        body = response.json()
    except ValueError:
        return f"status {status} with a body that is not JSON"
    if not isinstance(body, dict) or set(body) != {"error_code", "desc", "detail"}:
        return f"status {status} with a body that is not a LUNA error"
    if not isinstance(body["detail"], str) or len(body["detail"]) > MAX_DETAIL_CHARS:
        return f"status {status} with an unbounded detail"
    return None


def fuzz_operation(operation: Any, mode: GenerationMode, base_url: str, session: requests.Session) -> list[str]:
    found: list[str] = []
    media_type = None
    if any(body.media_type == "*/*" for body in operation.body):
        media_type = ANY_MEDIA_TYPE

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=not RANDOM,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(operation.as_strategy(generation_mode=mode, media_type=media_type))
    def run(case: Any) -> None:
        case.headers = {**(case.headers or {}), "Luna-Account-Id": ACCOUNT}
        response = case.call(base_url=base_url, session=session, timeout=60)
        wrong = problem(case, response)
        if wrong is not None and len(found) < 3:
            found.append(f"{operation.label} ({mode.value}): {wrong}\n  {case.as_curl_command()[:500]}")

    with contextlib.suppress(Unsatisfiable):  # nothing to vary, or no schema-violating input exists
        run()
    return found


def fuzz_document(base_url: str, spec_path: str) -> tuple[int, list[str]]:
    """Fuzz every operation of the document a listener serves at spec_path: (operations, failures)."""
    spec = httpx.get(f"{base_url}{spec_path}", timeout=30).json()
    schema = schemathesis.openapi.from_dict(spec)
    results = list(schema.get_all_operations())
    operations = [result.ok() for result in results if isinstance(result, Ok)]
    assert len(operations) == len(results), [result.err() for result in results if isinstance(result, Err)]
    failures: list[str] = []
    with requests.Session() as session:
        for operation in operations:
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                failures.extend(fuzz_operation(operation, mode, base_url, session))
    return len(operations), failures


def test_fuzz_openapi_operations(fuzz_stack: Stack) -> None:
    operations, failures = fuzz_document(fuzz_stack.rest_url, "/6/docs/spec")
    assert operations > 40, "the served spec lists the v6 operations"
    assert not failures, "\n".join(failures)


def test_fuzz_tasks_api_operations(fuzz_stack: Stack) -> None:
    """The LUNA Tasks API listener, from its own document (GET /1/docs/spec on the Tasks port)."""
    operations, failures = fuzz_document(f"http://127.0.0.1:{fuzz_stack.settings.tasks_port}", "/1/docs/spec")
    assert operations > 20, "the Tasks API spec lists the /1 operations"
    assert not failures, "\n".join(failures)


# Raw (already percent-encoded) query / path values: int64 overflow, bytes that are not UTF-8
# (a lone byte, an encoded surrogate, an overlong), a 20 KB value.
HOSTILE_QUERY = [
    "99999999999999999999",
    "-99999999999999999999",
    "%FF",
    "%ED%A0%80",
    "%C0%AF",
    "x" * 20_000,
    "%00",
]
# JSON values for each top-level body property.
HOSTILE_JSON_VALUES: list[Any] = [10**30, -1, "x" * 20_000, None, {}, [[[[[]]]]], "\ud800", 1.5]
# Whole bodies (bytes) for application/json operations.
HOSTILE_BODIES = [
    b'{"user_data": "\\ud800"}',
    b"[" * 2000 + b"]" * 2000,
    b'{"a": ' + b"[" * 100 + b"]" * 100 + b"}",
    b'{"user_data": "\xff"}',
    b'{"user_data": ',
    b"",
    b"null",
    b'"' + b"x" * 70_000 + b'"',
]
# Headers: huge LUNA ones, a name gRPC metadata refuses, a "-bin" one that is no base64 (both once answered
# a bare 500 from the gRPC server).
HOSTILE_HEADERS = [
    ("Luna-Account-Id", "x" * 20_000),
    ("Luna-Request-Id", "x" * 20_000),
    ("X-Odd$Name", "1"),
    ("x-data-bin", "!!!"),
]
UUID = "3b0c1f4e-8a57-4a3e-9b8e-2c6f0e5d4a21"


def _path(template: str, variables: dict[str, str]) -> str:
    path = template
    for name, value in variables.items():
        path = path.replace("{" + name + "}", value)
    return path


def _default_path_value(name: str) -> str:
    return "faces" if name == "samples_type" else UUID


def _body_properties(spec: dict[str, Any], operation: dict[str, Any]) -> list[str]:
    content = operation.get("requestBody", {}).get("content", {})
    schema = content.get("application/json", {}).get("schema", {})
    ref = schema.get("$ref", "")
    if ref.startswith("#/components/schemas/"):
        schema = spec["components"]["schemas"][ref.rsplit("/", 1)[1]]
    return list(schema.get("properties", {}))


def hostile_requests(spec: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, str], bytes | None]]:
    """(method, raw path with query, headers, body) for every hostile value at every input."""
    headers = {"Luna-Account-Id": ACCOUNT}
    json_headers = {**headers, "Content-Type": "application/json"}
    for template, methods in spec["paths"].items():
        for method, operation in methods.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            method = method.upper()
            parameters = operation.get("parameters", [])
            path_names = [p["name"] for p in parameters if p.get("in") == "path"]
            query_names = [p["name"] for p in parameters if p.get("in") == "query"]
            variables = {name: _default_path_value(name) for name in path_names}
            base = _path(template, variables)
            has_json = "application/json" in operation.get("requestBody", {}).get("content", {})
            body = b"{}" if has_json else None
            request_headers = json_headers if has_json else headers
            for name in path_names:
                for value in HOSTILE_QUERY:
                    yield method, _path(template, {**variables, name: value}), request_headers, body
            for name in query_names:
                for value in HOSTILE_QUERY:
                    yield method, f"{base}?{name}={value}", request_headers, body
            if has_json:
                for raw in HOSTILE_BODIES:
                    yield method, base, json_headers, raw
                for prop in _body_properties(spec, operation):
                    for item in HOSTILE_JSON_VALUES:
                        yield method, base, json_headers, json.dumps({prop: item}).encode()
            for header, value in HOSTILE_HEADERS:
                yield method, base, {**request_headers, header: value}, body


def check_answer(method: str, response: httpx.Response) -> str | None:
    status = response.status_code
    if status < 400:
        return None
    if status >= 500 and status not in ALLOWED_5XX:
        return f"status {status}: {response.text[:200]}"
    if method == "HEAD":
        return None
    if not response.headers.get("content-type", "").startswith("application/json"):
        return f"status {status} content-type {response.headers.get('content-type')!r}: {response.text[:200]}"
    try:
        body = response.json()
    except ValueError:
        return f"status {status}: body is not JSON: {response.text[:200]}"
    if not isinstance(body, dict) or set(body) != {"error_code", "desc", "detail"}:
        return f"status {status}: not a LUNA error: {response.text[:200]}"
    if len(str(body["detail"])) > MAX_DETAIL_CHARS:
        return f"status {status}: detail of {len(str(body['detail']))} characters"
    return None


def test_hostile_values(fuzz_stack: Stack) -> None:
    failures: list[str] = []
    with httpx.Client(base_url=fuzz_stack.rest_url, timeout=60) as client:
        spec = client.get("/6/docs/spec").json()
        sent = 0
        for method, raw_path, headers, body in hostile_requests(spec):
            # the path is sent as given: httpx would re-encode %FF
            request = client.build_request(method, "/", headers=headers, content=body)
            request.url = request.url.copy_with(raw_path=raw_path.encode("ascii"))
            response = client.send(request)
            sent += 1
            wrong = check_answer(method, response)
            if wrong is not None:
                failures.append(f"{method} {raw_path[:120]} {(body or b'')[:80]!r}: {wrong}")
    assert sent > 1000
    assert not failures, f"{len(failures)} of {sent}:\n" + "\n".join(failures[:40])


def range_probes(spec: dict[str, Any]) -> Iterator[tuple[str, str, Any, bool]]:
    """(path, parameter, value, in range) at and just past each documented bound of the GET query parameters.

    Operations with path variables are left out (a missing resource may be answered before the query is checked).
    """
    for template, methods in spec["paths"].items():
        operation = methods.get("get")
        if operation is None or "{" in template:
            continue
        for parameter in operation.get("parameters", []):
            schema = parameter.get("schema", {})
            if parameter.get("in") != "query" or schema.get("type") not in ("integer", "number"):
                continue
            step = 1 if schema["type"] == "integer" else 0.5
            if "minimum" in schema:
                yield template, parameter["name"], schema["minimum"], True
                yield template, parameter["name"], schema["minimum"] - step, False
            if "maximum" in schema:
                yield template, parameter["name"], schema["maximum"], True
                yield template, parameter["name"], schema["maximum"] + step, False
            for value in schema.get("enum", []):
                yield template, parameter["name"], value, True


def refused(response: httpx.Response, name: str | None) -> bool:
    """Whether the answer is a 12012 that names this query parameter (any one when name is None)."""
    if response.status_code != 400:
        return False
    body = response.json()
    return bool(body.get("error_code") == 12012 and (name is None or f"'{name}'" in body.get("detail", "")))


def test_documented_ranges_are_enforced(fuzz_stack: Stack) -> None:
    """The ranges and values the spec documents ((lumen.v6.query) options) are what the servicers accept.

    A value in range is never refused for this parameter; one out of range is refused naming it, or naming
    the parameter it needs when even a value in range alone is refused for that (origin_longitude without
    origin_latitude).
    """
    wrong: list[str] = []
    needs_partner: set[tuple[str, str]] = set()
    with httpx.Client(base_url=fuzz_stack.rest_url, timeout=60, headers={"Luna-Account-Id": ACCOUNT}) as client:
        probes = sorted(range_probes(client.get("/6/docs/spec").json()), key=lambda probe: not probe[3])
        for path, name, value, valid in probes:  # the values in range first
            response = client.get(path, params={name: value})
            if valid:
                if refused(response, name):
                    wrong.append(f"GET {path}?{name}={value}: {response.status_code} {response.text[:200]}")
                elif refused(response, None):
                    needs_partner.add((path, name))
            elif not refused(response, None if (path, name) in needs_partner else name):
                wrong.append(f"GET {path}?{name}={value}: {response.status_code} {response.text[:200]}")
    assert any(name == "page_size" for _, name, _, _ in probes)
    assert not wrong, "\n".join(wrong)
