"""Bad input at the edges of the gateway gets the v6 LUNA error, never a 5xx or a gateway text body
(issue 8 item 3), and neither error details nor the log grow with the input.

Each case goes through Envoy to a real gRPC server (Triton off: none of these needs a model).
"""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from server.errors import MAX_DETAIL_CHARS
from server.logs import MAX_LOG_LINE_CHARS, SERVER_LOG_NAME
from server.stack import Stack
from tests.conftest import assert_luna_error, auth, stack_settings

ACCOUNT = "8b8b5937-2e9c-4e8b-a7a7-5caf86621b5a"
LOG_MAX_BYTES = 32 * 1024
LOG_BACKUPS = 2


@pytest.fixture(scope="module")
def edge_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    settings = stack_settings(
        Path(tmp_path_factory.mktemp("lumen-edges")), log_max_bytes=LOG_MAX_BYTES, log_backups=LOG_BACKUPS
    )
    running = Stack(settings).start()
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="module")
def client(edge_stack: Stack) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=edge_stack.rest_url, timeout=60.0) as http:
        yield http


def raw_get(client: httpx.Client, raw_path: str, headers: dict[str, str] | None = None) -> httpx.Response:
    """GET with the path and query sent byte for byte (httpx would re-encode '%FF')."""
    request = client.build_request("GET", "/", headers=headers or auth(ACCOUNT))
    request.url = request.url.copy_with(raw_path=raw_path.encode("ascii"))
    return client.send(request)


def post_json(client: httpx.Client, path: str, data: bytes) -> httpx.Response:
    return client.post(path, content=data, headers=auth(ACCOUNT, **{"Content-Type": "application/json"}))


def assert_bounded(body: dict[str, object]) -> None:
    assert len(str(body["detail"])) <= MAX_DETAIL_CHARS, len(str(body["detail"]))


# -- query values ---------------------------------------------------------------------------------


@pytest.mark.parametrize("page", ["99999999999999999999", "-99999999999999999999", "9223372036854775807"])
def test_page_beyond_int64_is_12012(client: httpx.Client, page: str) -> None:
    body = assert_luna_error(raw_get(client, f"/6/faces?page={page}"), 400, 12012)
    assert body["detail"] == "Bad query parameters 'page'"


def test_page_size_beyond_int64_is_12012(client: httpx.Client) -> None:
    body = assert_luna_error(raw_get(client, "/6/lists?page_size=99999999999999999999"), 400, 12012)
    assert body["detail"] == "Bad query parameters 'page_size'"


@pytest.mark.parametrize("value", ["%FF", "%ED%A0%80", "%C0%AF", "ok%E2%82"])
def test_query_value_not_utf8_is_12012_naming_the_parameter(client: httpx.Client, value: str) -> None:
    body = assert_luna_error(raw_get(client, f"/6/faces?page=1&user_data={value}"), 400, 12012)
    assert body["detail"] == "Bad query parameters 'user_data'"


def test_query_value_valid_utf8_is_accepted(client: httpx.Client) -> None:
    reply = raw_get(client, "/6/faces?user_data=%E2%82%AC%F0%9F%98%80")
    assert reply.status_code == 200, reply.text


def test_path_not_utf8_is_12004(client: httpx.Client) -> None:
    body = assert_luna_error(raw_get(client, "/6/faces/%FF"), 404, 12004)
    assert body["detail"] == "Resource '/6/faces/%FF' not found"


@pytest.mark.parametrize("size", [10_000, 20_000, 40_000])
def test_long_url_is_the_parameter_error(client: httpx.Client, size: int) -> None:
    """The whole URL used to travel as gRPC metadata (429 above 16 KB); now the value is judged."""
    body = assert_luna_error(raw_get(client, f"/6/faces?page={'x' * size}"), 400, 12012)
    assert body["detail"] == "Bad query parameters 'page'"


def test_long_url_with_valid_values_is_served(client: httpx.Client) -> None:
    reply = raw_get(client, f"/6/faces?unknown_parameter={'x' * 30_000}")
    assert reply.status_code == 200, reply.text


def raw_http(stack: Stack, target: str) -> tuple[int, dict[str, str], bytes]:
    """A GET over a plain socket: httpx refuses URLs over 64 KiB."""
    with socket.create_connection(("127.0.0.1", stack.settings.rest_port), timeout=30) as sock:
        sock.sendall(f"GET {target} HTTP/1.1\r\nHost: lumen\r\nConnection: close\r\n\r\n".encode())
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {name.lower(): value.strip() for name, _, value in (line.partition(":") for line in lines[1:])}
    return int(lines[0].split()[1]), headers, body


@pytest.mark.parametrize("size", [61 * 1024, 70_000, 200_000])
def test_url_over_header_limit_is_luna_431(edge_stack: Stack, size: int) -> None:
    status, headers, raw = raw_http(edge_stack, f"/6/faces?page={'x' * size}")
    assert status == 431
    assert headers["content-type"] == "application/json"
    assert headers["luna-request-id"]
    assert json.loads(raw) == {
        "error_code": 37003,
        "desc": "Payload too large",
        "detail": "Request headers are too large",
    }


def test_header_over_limit_is_luna_431(client: httpx.Client) -> None:
    reply = client.get("/6/faces", headers=auth(ACCOUNT, **{"X-Big": "x" * 70_000}))
    assert reply.headers["content-type"] == "application/json"
    assert_luna_error(reply, 431, 37003)


def test_large_header_under_limit_is_served(client: httpx.Client) -> None:
    """30 KB of headers become gRPC metadata: the server accepts what Envoy accepts."""
    reply = client.get("/6/faces", headers=auth(ACCOUNT, **{"X-Big": "x" * 30_000}))
    assert reply.status_code == 200, reply.text


def test_long_account_id_is_12012(client: httpx.Client) -> None:
    body = assert_luna_error(client.get("/6/faces", headers={"Luna-Account-Id": "x" * 20_000}), 400, 12012)
    assert body["detail"] == "Bad query parameters 'account_id'"


def test_long_unknown_path_detail_is_bounded(client: httpx.Client) -> None:
    body = assert_luna_error(raw_get(client, f"/6/nothing/{'x' * 20_000}"), 404, 12004)
    assert_bounded(body)
    assert str(body["detail"]).endswith("...' not found")


# -- JSON bodies ----------------------------------------------------------------------------------


def test_lone_surrogate_in_json_is_12021(client: httpx.Client) -> None:
    body = assert_luna_error(post_json(client, "/6/faces", b'{"user_data": "\\ud800"}'), 400, 12021)
    assert body["detail"] == "Failed to decode json: lone surrogate in a string"


def test_surrogate_pair_in_json_is_accepted(client: httpx.Client) -> None:
    reply = post_json(client, "/6/faces", b'{"user_data": "\\ud83d\\ude00"}')
    assert reply.status_code == 201, reply.text
    face = client.get(f"/6/faces/{reply.json()['face_id']}", headers=auth(ACCOUNT)).json()
    assert face["user_data"] == "\U0001f600"


@pytest.mark.parametrize("depth", [65, 2000, 100_000])
def test_deeply_nested_json_is_12021(client: httpx.Client, depth: int) -> None:
    data = b'{"user_data": ' + b"[" * depth + b"]" * depth + b"}"
    body = assert_luna_error(post_json(client, "/6/faces", data), 400, 12021)
    assert body["detail"] == "Failed to decode json: nested deeper than 64 levels"


def test_deeply_nested_json_on_a_typed_body_is_12021(client: httpx.Client) -> None:
    """/6/extractor's body is parsed by Envoy's transcoder, not by the server."""
    data = b"[" * 2000 + b"]" * 2000
    assert_luna_error(post_json(client, "/6/extractor", data), 400, 12021)


@pytest.mark.parametrize("size", [20_000, 70_000, 1_000_000])
def test_long_invalid_value_is_12022_with_bounded_detail(client: httpx.Client, size: int) -> None:
    data = b'{"user_data": "' + b"x" * size + b'"}'
    body = assert_luna_error(post_json(client, "/6/faces", data), 400, 12022)
    assert str(body["detail"]).startswith("Failed to validate input json. Path: 'user_data'")
    assert "..." in str(body["detail"])
    assert_bounded(body)


@pytest.mark.parametrize("size", [20_000, 70_000])
def test_long_unknown_property_is_12022_with_bounded_detail(client: httpx.Client, size: int) -> None:
    data = b'{"' + b"k" * size + b'": 1}'
    body = assert_luna_error(post_json(client, "/6/lists", data), 400, 12022)
    assert_bounded(body)


# -- logs -----------------------------------------------------------------------------------------


def test_server_log_is_bounded_and_rotated(client: httpx.Client, edge_stack: Stack) -> None:
    value = b"y" * 50_000
    for _ in range(120):
        reply = post_json(client, "/6/faces", b'{"user_data": "' + value + b'"}')
        assert_luna_error(reply, 400, 12022)
    log_dir = edge_stack.log_dir
    rotated = sorted(log_dir.glob(f"{SERVER_LOG_NAME}*"))
    names = {path.name for path in rotated}
    assert SERVER_LOG_NAME in names and f"{SERVER_LOG_NAME}.1" in names, names
    assert len(rotated) <= 1 + LOG_BACKUPS, names
    for path in rotated:
        assert path.stat().st_size <= LOG_MAX_BYTES + MAX_LOG_LINE_CHARS, (path, path.stat().st_size)
        text = path.read_text()
        assert "y" * (MAX_LOG_LINE_CHARS + 1) not in text
        assert max(len(line) for line in text.splitlines()) <= MAX_LOG_LINE_CHARS
    # the process's own stdout file only holds the start-up lines
    assert (log_dir / "server.log").stat().st_size < 4096


def test_msgpack_nested_too_deeply_is_12021(client: httpx.Client) -> None:
    data = b"\x91" * 3000 + b"\xc0"  # 3000 nested one-element arrays
    reply = client.post(
        "/6/matcher/faces", content=data, headers=auth(ACCOUNT, **{"Content-Type": "application/msgpack"})
    )
    body = assert_luna_error(reply, 400, 12021)
    assert body["detail"] != "Failed to decode json: "


def test_query_key_not_utf8_is_named_as_sent(client: httpx.Client) -> None:
    body = assert_luna_error(raw_get(client, "/6/faces?%FFkey=1"), 400, 12012)
    assert body["detail"] == "Bad query parameters '%FFkey'"


# Typed query fields: the gateway checks REST syntax from the descriptor (gateway/query_types.py) and hands the
# transcoder canonical values; what it refuses is 12012 naming the parameter, as the services answer.
@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("page=abc", "page"),
        ("page=1.5", "page"),
        ("page=0x10", "page"),
        ("page_size=2147483648", "page_size"),
        ("page=-2147483649", "page"),
        ("create_time__lt=bad", "create_time__lt"),
        ("create_time__lt=2020-02-30", "create_time__lt"),
        ("create_time__lt=2021-02-29T00:00:00Z", "create_time__lt"),
        ("create_time__gte=2020-01-01T24:00:00Z", "create_time__gte"),
        ("create_time__gte=2020-01-01T10:00:5Z", "create_time__gte"),
        ("create_time__gte=2020-01-01T10:00:00%2B25:00", "create_time__gte"),
        ("create_time__gte=2020-01-01T10:00:00+03:00", "create_time__gte"),  # '+' is a space in a query
    ],
)
def test_malformed_typed_query_value_is_12012(client: httpx.Client, query: str, name: str) -> None:
    body = assert_luna_error(raw_get(client, f"/6/faces?{query}"), 400, 12012)
    assert body["detail"] == f"Bad query parameters '{name}'"


@pytest.mark.parametrize(
    "query",
    [
        "page=%2B2",
        "page=%202%20",
        "page=007",
        "page=",
        "create_time__lt=2020-01-01",
        "create_time__lt=2020-01-01T10:00",
        "create_time__lt=2020-01-01%2010:00:00",
        "create_time__lt=2020-01-01T10:00:00.1234567890123Z",
        "create_time__lt=2020-01-01T10:00:00%2B0300",
        "create_time__lt=2020-01-01T10:00:00-05",
        "create_time__lt=2024-02-29T23:59:59z",
    ],
)
def test_typed_query_values_in_accepted_spellings_are_served(client: httpx.Client, query: str) -> None:
    response = raw_get(client, f"/6/faces?{query}")
    assert response.status_code == 200, response.text
    assert isinstance(response.json()["faces"], list)


@pytest.mark.parametrize("value", ["yes", "true", "2", "-1", "1.0"])
def test_flag_other_than_0_or_1_is_12012(client: httpx.Client, value: str) -> None:
    body = assert_luna_error(raw_get(client, f"/6/healthcheck?include_luna_services={value}"), 400, 12012)
    assert body["detail"] == "Bad query parameters 'include_luna_services'"


def test_malformed_descriptor_version_names_the_supported_versions(client: httpx.Client) -> None:
    body = assert_luna_error(raw_get(client, f"/6/attributes?attribute_ids={ACCOUNT}&descriptor_version=x"), 400, 12012)
    assert body["detail"].startswith("Bad query parameters 'descriptor_version': supported versions: ")


def test_list_fields_take_commas_and_repeated_parameters(client: httpx.Client) -> None:
    for query in ("targets=face_id,user_data", "targets=face_id&targets=user_data"):
        assert raw_get(client, f"/6/faces?{query}").status_code == 200
    assert_luna_error(raw_get(client, "/6/faces?targets=face_id&targets=bogus"), 400, 12012)
