"""server/json_http.py: bare JSON answers print like the transcoder (field order, integral doubles)."""

from __future__ import annotations

import json

import msgpack

from lumen.v6 import common_pb2
from server.json_http import json_array_body, message_to_json_value, negotiated_body, prefers_msgpack


def test_default_valued_fields_keep_their_declared_place() -> None:
    # json_format alone would print error_code (0, the default) after desc and detail.
    error = common_pb2.Error(error_code=0, desc="Success", detail="Success")
    assert list(message_to_json_value(error)) == ["error_code", "desc", "detail"]


def test_array_body_is_compact_json_in_field_order() -> None:
    body = json_array_body([common_pb2.Error(error_code=0, desc="a", detail="b")])
    assert body.content_type == "application/json"
    assert json.loads(body.data) == [{"error_code": 0, "desc": "a", "detail": "b"}]
    assert body.data == b'[{"error_code":0,"desc":"a","detail":"b"}]'


def test_msgpack_only_when_accept_ranks_it_first() -> None:
    assert prefers_msgpack("application/msgpack")
    assert prefers_msgpack("application/msgpack, application/json;q=0.5")
    assert prefers_msgpack("application/json;q=0.4, application/msgpack;q=0.9")
    for accept in (
        None,
        "",
        "*/*",
        "application/json",
        "application/json, application/msgpack",
        "application/msgpack;q=0",
        "application/msgpack;q=x",
        "text/html",
    ):
        assert not prefers_msgpack(accept), accept


def test_negotiated_body_is_the_same_document() -> None:
    value = {"images": [{"filename": "a", "score": 0.5, "warp": "AAAA", "none": None}]}
    packed = negotiated_body(value, "application/msgpack")
    assert packed.content_type == "application/msgpack"
    assert msgpack.unpackb(packed.data, raw=False) == value
    assert json.loads(negotiated_body(value, None).data) == value
