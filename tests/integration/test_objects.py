"""Objects over REST through Envoy (API-028..033)."""

from __future__ import annotations

import io
import json
import uuid
import zipfile

import httpx
import pytest

from tests.conftest import assert_luna_error, auth


def make_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("images/a.txt", "content")
    return out.getvalue()


OBJECT_SAMPLES = {
    "application/json": json.dumps({"content": "json"}).encode(),
    "text/plain": b"example",
    "application/zip": make_zip(),
    "application/pdf": b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n",
}


def create_object(rest: httpx.Client, account: str, data: bytes, content_type: str) -> str:
    reply = rest.post("/6/objects", content=data, headers=auth(account, **{"Content-Type": content_type}))
    assert reply.status_code == 201, reply.text
    body = reply.json()
    assert list(body) == ["object_id", "url"]
    assert body["url"] == f"/6/objects/{body['object_id']}"
    return str(body["object_id"])


@pytest.mark.parametrize("content_type", list(OBJECT_SAMPLES))
def test_create_get_head_delete(rest: httpx.Client, account: str, content_type: str) -> None:
    data = OBJECT_SAMPLES[content_type]
    object_id = create_object(rest, account, data, content_type)
    got = rest.get(f"/6/objects/{object_id}", headers=auth(account))
    assert got.status_code == 200
    assert got.content == data
    assert got.headers["content-type"] == content_type
    assert got.headers["luna-request-id"]

    head = rest.head(f"/6/objects/{object_id}", headers=auth(account))
    assert head.status_code == 200 and head.content == b""
    assert rest.delete(f"/6/objects/{object_id}", headers=auth(account)).status_code == 204

    missing = rest.head(f"/6/objects/{object_id}")
    assert missing.status_code == 404 and missing.content == b""
    error = assert_luna_error(rest.get(f"/6/objects/{object_id}"), 404, 13007)
    assert error == {
        "error_code": 13007,
        "desc": "Object not found",
        "detail": f"Object with id '{object_id}' not found",
    }
    assert_luna_error(rest.delete(f"/6/objects/{object_id}", headers=auth(account)), 404, 13007)


def test_dump_example_json_roundtrip(rest: httpx.Client, account: str) -> None:
    reply = rest.post("/6/objects", json={"json": "example"}, headers=auth(account))
    assert reply.status_code == 201
    got = rest.get(reply.json()["url"])
    assert got.json() == {"json": "example"}
    assert got.headers["content-type"] == "application/json"


def test_content_type_parameters_are_kept(rest: httpx.Client, account: str) -> None:
    text = "naïve café".encode()
    object_id = create_object(rest, account, text, "text/plain; charset=utf-8")
    got = rest.get(f"/6/objects/{object_id}")
    assert got.headers["content-type"] == "text/plain; charset=utf-8"
    assert got.text == "naïve café"


def test_bad_bodies(rest: httpx.Client, account: str) -> None:
    def post(data: bytes, content_type: str | None) -> httpx.Response:
        headers = auth(account)
        if content_type is not None:
            headers["Content-Type"] = content_type
        return rest.post("/6/objects", content=data, headers=headers)

    for content_type in (None, "image/jpeg", "application/octet-stream", "text/html", "application/msgpack"):
        error = assert_luna_error(post(b"data", content_type), 400, 12017)
        assert error["detail"] == "Bad content type"
    assert_luna_error(post(b"", "text/plain"), 400, 12018)
    assert_luna_error(post(b"", "application/json"), 400, 12018)
    bad_json = assert_luna_error(post(b"{not json", "application/json"), 400, 12021)
    assert bad_json["detail"].startswith("Failed to decode json: ")
    assert_luna_error(rest.post("/6/objects", content=b"x", headers={"Content-Type": "text/plain"}), 403, 11036)


def test_accept_header(rest: httpx.Client, account: str) -> None:
    object_id = create_object(rest, account, b"example", "text/plain")
    url = f"/6/objects/{object_id}"
    for accept in ("text/plain", "*/*", "text/*", "application/json, text/plain;q=0.5", "TEXT/PLAIN"):
        got = rest.get(url, headers={"Accept": accept})
        assert got.status_code == 200, accept
        assert got.content == b"example"
        assert rest.head(url, headers={"Accept": accept}).status_code == 200
    for accept in ("application/json", "application/zip, application/pdf", "text/plain;q=0"):
        error = assert_luna_error(rest.get(url, headers={"Accept": accept}), 406, 12023)
        assert error == {
            "error_code": 12023,
            "desc": "Bad/incomplete input data",
            "detail": "Content type is unacceptable",
        }
        head = rest.head(url, headers={"Accept": accept})
        assert head.status_code == 406 and head.content == b""
    # a missing object is reported as missing whatever the Accept header says
    assert_luna_error(rest.get(f"/6/objects/{uuid.uuid4()}", headers={"Accept": "application/json"}), 404, 13007)


def test_account_isolation(rest: httpx.Client, account: str) -> None:
    object_id = create_object(rest, account, b"example", "text/plain")
    other = str(uuid.uuid4())
    assert_luna_error(rest.get(f"/6/objects/{object_id}", headers=auth(other)), 404, 13007)
    assert rest.head(f"/6/objects/{object_id}", headers=auth(other)).status_code == 404
    assert_luna_error(rest.delete(f"/6/objects/{object_id}", headers=auth(other)), 404, 13007)
    assert rest.get(f"/6/objects/{object_id}").status_code == 200
    assert_luna_error(rest.delete(f"/6/objects/{object_id}"), 403, 11036)
    assert rest.get(f"/6/objects/{object_id}", headers=auth(account)).content == b"example"


def test_bad_ids_options_and_methods(rest: httpx.Client, account: str) -> None:
    error = assert_luna_error(rest.get("/6/objects/xyz"), 400, 12001)
    assert error["detail"] == "Object in query is not UUID4 format: 'object_id'"
    assert_luna_error(rest.delete("/6/objects/xyz", headers=auth(account)), 400, 12001)
    options = rest.options("/6/objects")
    assert options.status_code == 200
    assert set(options.headers["allow"].split(",")) == {"POST", "OPTIONS"}
    item = rest.options(f"/6/objects/{uuid.uuid4()}")
    assert set(item.headers["allow"].split(",")) == {"GET", "HEAD", "DELETE", "OPTIONS"}
    assert_luna_error(rest.get("/6/objects"), 405, 12002)
    assert_luna_error(rest.patch(f"/6/objects/{uuid.uuid4()}", headers=auth(account)), 405, 12002)
