"""server/json_http.py: bare JSON answers print like the transcoder (field order, integral doubles)."""

from __future__ import annotations

import json

from lumen.v6 import common_pb2
from server.json_http import json_array_body, message_to_json_value


def test_default_valued_fields_keep_their_declared_place() -> None:
    # json_format alone would print error_code (0, the default) after desc and detail.
    error = common_pb2.Error(error_code=0, desc="Success", detail="Success")
    assert list(message_to_json_value(error)) == ["error_code", "desc", "detail"]


def test_array_body_is_compact_json_in_field_order() -> None:
    body = json_array_body([common_pb2.Error(error_code=0, desc="a", detail="b")])
    assert body.content_type == "application/json"
    assert json.loads(body.data) == [{"error_code": 0, "desc": "a", "detail": "b"}]
    assert body.data == b'[{"error_code":0,"desc":"a","detail":"b"}]'
