"""Error details, JSON parsing and log lines stay bounded whatever the input."""

from __future__ import annotations

import logging
import sys
import threading
from pathlib import Path

import pytest

from lumen.v6 import faces_service_pb2
from server import errors
from server.errors import MAX_DETAIL_CHARS, MAX_DETAIL_VALUE_CHARS, LunaError, truncate
from server.logs import MAX_LOG_LINE_CHARS, BoundedFormatter, configure_server_logging, server_log_path
from server.settings import Settings
from server.validation import MAX_JSON_DEPTH, page_params, parse_json, query_int


def test_truncate_keeps_short_text_and_cuts_long_text() -> None:
    assert truncate("abc", 10) == "abc"
    assert truncate("x" * 11, 10) == "x" * 7 + "..."
    assert len(truncate("x" * 100_000)) == MAX_DETAIL_VALUE_CHARS


def test_luna_error_detail_values_are_cut() -> None:
    error = LunaError(errors.BAD_JSON, reason="r" * 50_000)
    assert error.detail.startswith("Failed to decode json: rrr") and error.detail.endswith("...")
    assert len(error.detail) == len("Failed to decode json: ") + MAX_DETAIL_VALUE_CHARS
    assert len(str(error)) < 2 * MAX_DETAIL_CHARS


def test_luna_error_whole_detail_is_cut() -> None:
    error = LunaError(errors.JSON_VALIDATION, path="p" * 50_000, message="m" * 50_000)
    assert len(error.detail) <= MAX_DETAIL_CHARS


def test_luna_error_without_values_is_unchanged() -> None:
    assert LunaError(errors.EMPTY_BODY).detail == "Request does not contain data"


@pytest.mark.parametrize("value", ["99999999999999999999", "-9223372036854775809", "9223372036854775808"])
def test_query_int_outside_int64_is_12012(value: str) -> None:
    with pytest.raises(LunaError) as caught:
        query_int(value, "page", 1)
    assert caught.value.code == 12012 and caught.value.detail == "Bad query parameters 'page'"


def test_typed_page_fields_are_range_checked_and_their_offset_fits_int64() -> None:
    largest = faces_service_pb2.GetFacesRequest(page=2**31 - 1, page_size=100)
    assert page_params(largest) == ((2**31 - 2) * 100, 100)
    for bad in (faces_service_pb2.GetFacesRequest(page=0), faces_service_pb2.GetFacesRequest(page_size=101)):
        with pytest.raises(LunaError) as caught:
            page_params(bad)
        assert caught.value.code == 12012


@pytest.mark.parametrize(
    "data",
    [
        b'{"a": "\\ud800"}',
        b'{"\\udfff": 1}',
        b'["ok", "x\\ud800y"]',
        b"[" * (MAX_JSON_DEPTH + 1) + b"]" * (MAX_JSON_DEPTH + 1),
        b"[" * 100_000 + b"]" * 100_000,
        b'{"a": ' * 70 + b"1" + b"}" * 70,
        b"\xff",
        b"{",
    ],
)
def test_parse_json_refuses_with_12021(data: bytes) -> None:
    with pytest.raises(LunaError) as caught:
        parse_json(data)
    assert caught.value.code == 12021


def test_parse_json_accepts_pairs_and_depth_at_the_limit() -> None:
    assert parse_json(b'{"a": "\\ud83d\\ude00"}') == {"a": "\U0001f600"}
    nested = b"[" * MAX_JSON_DEPTH + b"]" * MAX_JSON_DEPTH
    assert parse_json(nested) is not None


def test_bounded_formatter_cuts_message_and_traceback() -> None:
    formatter = BoundedFormatter()
    try:
        raise ValueError("v" * 100_000)
    except ValueError:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "m" * 100_000, None, sys.exc_info())
    assert len(formatter.format(record)) == MAX_LOG_LINE_CHARS


def test_server_log_rotates(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, log_max_bytes=4096, log_backups=2)
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    saved_hook = threading.excepthook
    try:
        path = configure_server_logging(settings)
        assert path == server_log_path(settings)
        for _ in range(200):
            logging.getLogger("lumen.test").info("%s", "z" * 100_000)
        for handler in root.handlers:
            handler.flush()
        files = sorted(path.parent.glob(path.name + "*"))
        assert [f.name for f in files] == [path.name, path.name + ".1", path.name + ".2"]
        assert all(f.stat().st_size <= 4096 + MAX_LOG_LINE_CHARS + 1 for f in files)
        # an exception that escapes a thread goes to the rotated log, not to stderr
        worker = threading.Thread(target=lambda: 1 / 0, name="doomed")
        worker.start()
        worker.join()
        for handler in root.handlers:
            handler.flush()
        assert "uncaught exception in thread doomed" in path.read_text()
    finally:
        threading.excepthook = saved_hook
        for handler in root.handlers:
            handler.close()
        root.handlers[:], level = saved
        root.setLevel(level)
