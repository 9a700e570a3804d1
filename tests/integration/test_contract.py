"""v6 contract points found by an independent conformance run (issue 8 item 5), through REST on a real stack
(gRPC server + Envoy, no Triton: every answer here is decided before a model would run).

(a) /6/sdk answers msgpack with Accept: application/msgpack (the model-free warp path here; faces and bodies
    in test_sdk.py); (b) /6/extractor checks Content-Type (12017) and answers a JSON object with 12022;
(c) OPTIONS/405 of /6/samples/{samples_type} vs /6/samples/{sample_id}; (d) /6/docs/dev redirects;
(e) /6/matcher/bodies validates its body before 40024; (f) /6/config says the body descriptor is
unavailable; (g) descriptor_version errors name the versions that exist. docs/deviations.md.
"""

from __future__ import annotations

import base64
import io
import json
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import msgpack
import numpy as np
import pytest
from PIL import Image

from server.stack import Stack
from server.storage.descriptors import DEFAULT_VERSION, encode_sdk
from tests.conftest import assert_luna_error, auth, stack_settings

SUPPORTED = str(DEFAULT_VERSION)


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    running = Stack(stack_settings(tmp_path_factory.mktemp("contract"))).start()
    try:
        with httpx.Client(base_url=running.rest_url, timeout=60.0) as rest:
            yield rest
    finally:
        running.stop()


def allow(reply: httpx.Response) -> set[str]:
    return set(reply.headers["allow"].split(","))


def warp_jpeg() -> bytes:
    """A 250x250 image: a face warp for image_type=1 (the warp path needs no model)."""
    gradient = np.tile(np.linspace(40, 220, 250, dtype=np.uint8), (250, 1))
    pixels = np.stack([gradient, gradient.T, np.full((250, 250), 128, np.uint8)], axis=-1)
    out = io.BytesIO()
    Image.fromarray(pixels).save(out, format="JPEG", quality=90)
    return out.getvalue()


# -- (a) /6/sdk: Accept: application/msgpack ------------------------------------------------------


def test_sdk_msgpack_is_the_json_document(client: httpx.Client) -> None:
    params = {"image_type": 1, "estimate_face_descriptor": 0, "estimate_quality": 1, "estimate_glasses": 1}
    data = warp_jpeg()
    plain = client.post("/6/sdk", content=data, params=params, headers={"Content-Type": "image/jpeg"})
    assert plain.status_code == 200, plain.text
    assert plain.headers["content-type"] == "application/json"
    document = plain.json()
    assert document["images_estimations"][0]["status"] == 1, document
    assert "quality" in document["images_estimations"][0]["estimations"][0]["face"]["detection"]

    packed = client.post(
        "/6/sdk", content=data, params=params, headers={"Content-Type": "image/jpeg", "Accept": "application/msgpack"}
    )
    assert packed.status_code == 200, packed.text
    assert packed.headers["content-type"] == "application/msgpack"
    assert msgpack.unpackb(packed.content, raw=False) == document
    # JSON ranked first, or msgpack refused with q=0: JSON
    for accept in ("application/json, application/msgpack", "application/msgpack;q=0, */*"):
        headers = {"Content-Type": "image/jpeg", "Accept": accept}
        reply = client.post("/6/sdk", content=data, params=params, headers=headers)
        assert reply.headers["content-type"] == "application/json", accept
        assert reply.json() == document
    # errors stay LUNA JSON bodies whatever Accept says
    bad = client.post(
        "/6/sdk",
        content=data,
        params={**params, "image_type": 7},
        headers={"Content-Type": "image/jpeg", "Accept": "application/msgpack"},
    )
    assert_luna_error(bad, 400, 12012)


# -- (b) /6/extractor: Content-Type and body shape ------------------------------------------------


def test_extractor_content_type_and_body(client: httpx.Client) -> None:
    account = str(uuid.uuid4())
    ids = json.dumps([str(uuid.uuid4())])
    for content_type in ("text/plain", "application/msgpack", "image/jpeg", "application/x-www-form-urlencoded"):
        reply = client.post("/6/extractor", content=ids, headers=auth(account, **{"Content-Type": content_type}))
        assert_luna_error(reply, 400, 12017)
    no_type = client.post("/6/extractor", content=ids.encode(), headers=auth(account))
    assert_luna_error(no_type, 400, 12017)
    as_object = client.post("/6/extractor", json={"sample_ids": [str(uuid.uuid4())]}, headers=auth(account))
    error = assert_luna_error(as_object, 400, 12022)
    assert "sample_ids" not in str(error["detail"])  # the body is not echoed
    json_type = {"Content-Type": "application/json"}
    for document in ("nope", 5, None, [], ["not-a-uuid"], [1]):
        reply = client.post("/6/extractor", content=json.dumps(document), headers=auth(account, **json_type))
        assert_luna_error(reply, 400, 12022)
    broken = client.post("/6/extractor", content=b'["a", ', headers=auth(account, **json_type))
    assert_luna_error(broken, 400, 12021)
    assert_luna_error(client.post("/6/extractor", content=ids, headers=json_type), 403, 11036)
    # a valid body gets past the checks: no models in this stack (a real extraction: test_extractor.py)
    charset = {"Content-Type": "application/json; charset=utf-8"}
    assert_luna_error(client.post("/6/extractor", content=ids, headers=auth(account, **charset)), 503, 40004)


# -- (c) OPTIONS / 405 / routing of the two /6/samples/* families -----------------------------------


def test_samples_route_families(client: httpx.Client) -> None:
    account = str(uuid.uuid4())
    sample_id = str(uuid.uuid4())
    for samples_type in ("faces", "bodies"):
        options = client.options(f"/6/samples/{samples_type}")
        assert options.status_code == 200 and options.content == b""
        assert allow(options) == {"POST", "OPTIONS"}
        for method in ("GET", "HEAD", "DELETE", "PATCH", "PUT"):
            reply = client.request(method, f"/6/samples/{samples_type}", headers=auth(account))
            assert reply.status_code == 405, (method, samples_type, reply.text)
            assert allow(reply) == {"POST", "OPTIONS"}
            if method != "HEAD":
                assert reply.json()["error_code"] == 12002
        item = client.options(f"/6/samples/{samples_type}/{sample_id}")
        assert allow(item) == {"GET", "HEAD", "DELETE", "OPTIONS"}
    for sample in (sample_id, sample_id.upper()):
        legacy = client.options(f"/6/samples/{sample}")
        assert legacy.status_code == 200
        assert allow(legacy) == {"GET", "HEAD", "DELETE", "OPTIONS"}
        jpeg = auth(account, **{"Content-Type": "image/jpeg"})
        posted = client.post(f"/6/samples/{sample}", content=b"x", headers=jpeg)
        assert_luna_error(posted, 405, 12002)
        assert allow(posted) == {"GET", "HEAD", "DELETE", "OPTIONS"}
        # routed to the type-less face sample route: an unknown sample
        assert_luna_error(client.get(f"/6/samples/{sample}"), 404, 13003)
    assert client.head(f"/6/samples/{sample_id}").status_code == 404
    assert client.delete(f"/6/samples/{sample_id}", headers=auth(account)).status_code == 404
    # neither a samples type nor a sample id
    unknown = assert_luna_error(client.options("/6/samples/hands"), 404, 12004)
    assert unknown["detail"] == "Resource '/6/samples/hands' not found"
    assert_luna_error(client.get("/6/samples/hands"), 404, 12004)
    # every other route keeps its own Allow
    assert allow(client.options(f"/5/samples/{sample_id}")) == {"GET", "HEAD", "DELETE", "OPTIONS"}
    assert allow(client.options(f"/6/faces/{sample_id}")) == {"GET", "HEAD", "PATCH", "DELETE", "OPTIONS"}


# -- (d) /6/docs/dev ----------------------------------------------------------------------------------


def test_docs_dev_redirects_to_the_manual(client: httpx.Client) -> None:
    request_id = "1536751345,8b8b5937-2e9c-4e8b-a7a7-5caf86621b5a"
    reply = client.get("/6/docs/dev", headers={"Luna-Request-Id": request_id})
    assert reply.status_code == 302, reply.text
    assert reply.headers["location"] == "/docs/dev/index.html"
    assert reply.headers["luna-request-id"] == request_id
    followed = client.get("/6/docs/dev", follow_redirects=True)
    assert followed.status_code == 200
    assert str(followed.url).endswith("/docs/dev/index.html")
    assert followed.headers["content-type"] == "text/html; charset=utf-8"
    page = followed.text
    assert page.startswith("<!DOCTYPE html>") and 'id="ListsService.GetList"' in page
    assert allow(client.options("/docs/dev/index.html")) == {"GET", "OPTIONS"}
    assert_luna_error(client.post("/docs/dev/index.html"), 405, 12002)
    assert_luna_error(client.get("/docs/dev/other.html"), 404, 12004)


# -- (e) /6/matcher/bodies validates before 40024 ---------------------------------------------------


def test_matcher_bodies_validates_first(client: httpx.Client) -> None:
    event = {"type": "event", "id": str(uuid.uuid4())}
    candidates = [{"filters": {"origin": "events"}, "limit": 3}]
    invalid = [
        {},
        {"references": [event]},
        {"references": [], "candidates": candidates},
        {"references": [event], "candidates": []},
        {"references": [{"type": "face", "id": str(uuid.uuid4())}], "candidates": candidates},
        {"references": [{"type": "event", "id": "nope"}], "candidates": candidates},
        {"references": [{"type": "sdk_descriptor", "id": "x"}], "candidates": candidates},
        {"references": [event], "candidates": [{"filters": {"origin": "faces"}}]},
        {"references": [event], "candidates": [{"filters": {"origin": "events"}, "limit": 0}]},
        {"references": [event], "candidates": candidates, "extra": 1},
        {"references": [event] * 31, "candidates": candidates},
        [event],
    ]
    for body in invalid:
        assert_luna_error(client.post("/6/matcher/bodies", json=body), 400, 12022)
    assert_luna_error(
        client.post("/6/matcher/bodies", content=b"{", headers={"Content-Type": "application/json"}), 400, 12021
    )
    assert_luna_error(
        client.post("/6/matcher/bodies", content=b"{}", headers={"Content-Type": "text/plain"}), 400, 12017
    )
    valid = {"references": [event], "candidates": candidates}
    error = assert_luna_error(client.post("/6/matcher/bodies", json=valid), 501, 40024)
    assert "body descriptor" in str(error["detail"])
    packed = client.post(
        "/6/matcher/bodies", content=msgpack.packb(valid), headers={"Content-Type": "application/msgpack"}
    )
    assert_luna_error(packed, 501, 40024)


# -- (f) /6/config says what is not produced --------------------------------------------------------


def test_config_capabilities(client: httpx.Client) -> None:
    config = client.get("/6/config").json()
    capabilities = config["capabilities"]
    assert capabilities["body_descriptor"]["available"] is False
    assert capabilities["body_matching"]["available"] is False
    assert capabilities["face_descriptor"] == {
        "available": True,
        "versions": [DEFAULT_VERSION],
        "default_version": DEFAULT_VERSION,
    }
    text = client.get("/6/config", headers={"Accept": "text/plain"}).text
    assert "# capabilities.body_descriptor: unavailable" in text
    assert f"# capabilities.face_descriptor: available, versions {SUPPORTED}" in text


# -- (g) descriptor versions named in errors --------------------------------------------------------


def test_descriptor_version_errors_name_the_versions(client: httpx.Client) -> None:
    account = str(uuid.uuid4())
    expected = f"Bad query parameters 'descriptor_version': supported versions: {SUPPORTED}"
    for value in ("56", "abc"):
        attribute = client.get(f"/6/attributes/{uuid.uuid4()}", params={"descriptor_version": value})
        error = assert_luna_error(attribute, 400, 12012)
        assert error["detail"] == expected
        face = client.get(f"/6/faces/{uuid.uuid4()}/attributes", params={"descriptor_version": value})
        assert assert_luna_error(face, 400, 12012)["detail"] == expected
    raw = base64.b64encode(np.zeros(128, "<f4").tobytes()).decode()
    created = client.post(
        "/6/attributes",
        json={"face_descriptors": [{"descriptor": raw, "version": 56}]},
        headers=auth(account),
    )
    detail = assert_luna_error(created, 400, 22017)["detail"]
    assert detail == f"Descriptor version 56 is not supported; supported versions: {SUPPORTED}"
    vector = np.full(128, 1 / np.sqrt(128), "<f4")
    matched = client.post(
        "/6/matcher/raw",
        json={
            "references": [{"id": "a", "type": "sdk_descriptor", "data": encode_sdk(46, vector)}],
            "candidates": [{"id": "b", "type": "sdk_descriptor", "data": encode_sdk(DEFAULT_VERSION, vector)}],
        },
    )
    detail = assert_luna_error(matched, 400, 22017)["detail"]
    assert detail == f"Descriptor version 46 is not supported; supported versions: {SUPPORTED}"


def test_generated_route_table_is_the_served_one() -> None:
    """The Lua table the gateway runs lists the two /6/samples literals before the UUID pattern."""
    from gateway.config import allow_table, load_descriptor_set, routes

    table = [row[0] for row in allow_table(routes(load_descriptor_set()))]
    assert table.index("/6/samples/faces") < table.index("/6/samples/{sample_id}")
    assert not any(Path(path).name == "{samples_type}" for path in table)
