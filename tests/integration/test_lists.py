"""Lists over REST through Envoy (API-063..075)."""

from __future__ import annotations

import uuid

import httpx

from tests.conftest import assert_luna_error, auth


def create_list(rest: httpx.Client, account: str, user_data: str = "") -> str:
    reply = rest.post("/6/lists", json={"user_data": user_data}, headers=auth(account))
    assert reply.status_code == 201, reply.text
    body = reply.json()
    assert body == {"list_id": body["list_id"], "url": f"/6/lists/{body['list_id']}"}
    return str(body["list_id"])


def test_create_get_patch_delete(rest: httpx.Client, account: str) -> None:
    list_id = create_list(rest, account, "staff")
    got = rest.get(f"/6/lists/{list_id}", headers=auth(account))
    assert got.status_code == 200
    body = got.json()
    assert list(body) == ["list_id", "account_id", "user_data", "create_time", "last_update_time"]
    assert body["account_id"] == account and body["user_data"] == "staff"

    patched = rest.patch(f"/6/lists/{list_id}", json={"user_data": "guests"}, headers=auth(account))
    assert patched.status_code == 204 and patched.content == b""
    after = rest.get(f"/6/lists/{list_id}").json()
    assert after["user_data"] == "guests"
    assert after["last_update_time"] > body["last_update_time"]

    assert rest.head(f"/6/lists/{list_id}").status_code == 200
    assert rest.delete(f"/6/lists/{list_id}", headers=auth(account)).status_code == 204
    missing = rest.head(f"/6/lists/{list_id}")
    assert missing.status_code == 404 and missing.content == b""
    assert_luna_error(rest.get(f"/6/lists/{list_id}"), 404, 22003)


def test_create_without_body_and_errors(rest: httpx.Client, account: str) -> None:
    reply = rest.post("/6/lists", headers=auth(account))
    assert reply.status_code == 201
    assert rest.get(reply.json()["url"]).json()["user_data"] == ""
    error = assert_luna_error(rest.post("/6/lists", json={"userdata": "x"}, headers=auth(account)), 400, 12022)
    assert error["detail"] == (
        "Failed to validate input json. Path: '',  message: 'Additional properties are not allowed "
        "('userdata' was unexpected)'"
    )
    assert_luna_error(rest.post("/6/lists", json={"user_data": "x" * 129}, headers=auth(account)), 400, 12022)
    assert_luna_error(
        rest.post("/6/lists", content=b"{", headers=auth(account, **{"Content-Type": "application/json"})), 400, 12021
    )
    assert_luna_error(
        rest.post("/6/lists", content=b"user_data=x", headers=auth(account, **{"Content-Type": "text/plain"})),
        400,
        12017,
    )
    forbidden = assert_luna_error(rest.post("/6/lists", json={}), 403, 11036)
    assert forbidden["detail"] == "Luna-Account-Id header is required for requests that change the state of system"
    assert_luna_error(rest.post("/6/lists", json={}, headers={"Luna-Account-Id": "nope"}), 400, 12012)
    assert_luna_error(rest.get("/6/lists/not-a-uuid"), 400, 12001)


def test_filters_paging_and_count(rest: httpx.Client, account: str) -> None:
    ids = [create_list(rest, account, f"group-{i}") for i in range(5)]
    listed = rest.get("/6/lists", params={"page_size": 2, "page": 2}, headers=auth(account)).json()["lists"]
    assert [item["list_id"] for item in listed] == ids[2:4]
    assert rest.get("/6/lists/count", headers=auth(account)).json() == {"lists_count": 5}
    assert rest.get("/6/lists/count", params={"user_data": "oup-3"}, headers=auth(account)).json() == {"lists_count": 1}
    assert rest.get("/6/lists/count", params={"user_data__eq": "group"}, headers=auth(account)).json() == {
        "lists_count": 0
    }
    subset = rest.get("/6/lists", params={"list_ids": f"{ids[0]},{ids[4]}"}, headers=auth(account)).json()["lists"]
    assert sorted(item["list_id"] for item in subset) == sorted([ids[0], ids[4]])
    first = rest.get(f"/6/lists/{ids[0]}").json()
    newer = rest.get("/6/lists/count", params={"create_time__gte": first["create_time"]}, headers=auth(account))
    assert newer.json() == {"lists_count": 5}
    older = rest.get("/6/lists/count", params={"create_time__lt": first["create_time"]}, headers=auth(account))
    assert older.json() == {"lists_count": 0}
    for name, value in [("page", "0"), ("page_size", "101"), ("list_ids", "x"), ("create_time__gte", "yesterday")]:
        assert_luna_error(rest.get("/6/lists", params={name: value}), 400, 12012)


def test_delete_many_and_isolation(rest: httpx.Client, account: str) -> None:
    mine = [create_list(rest, account) for _ in range(3)]
    other = str(uuid.uuid4())
    theirs = create_list(rest, other)
    assert rest.get(f"/6/lists/{theirs}", headers=auth(account)).status_code == 404
    assert rest.get("/6/lists/count", headers=auth(account)).json() == {"lists_count": 3}
    assert_luna_error(rest.patch(f"/6/lists/{theirs}", json={"user_data": "x"}, headers=auth(account)), 404, 22003)
    assert_luna_error(
        rest.request("DELETE", "/6/lists", json={"list_ids": [mine[0], theirs]}, headers=auth(account)), 404, 22005
    )
    assert rest.get("/6/lists/count", headers=auth(account)).json() == {"lists_count": 3}
    assert_luna_error(rest.request("DELETE", "/6/lists", json={"lists": mine}, headers=auth(account)), 400, 12022)
    reply = rest.request("DELETE", "/6/lists", json={"list_ids": mine[:2]}, headers=auth(account))
    assert reply.status_code == 204
    assert rest.get("/6/lists/count", headers=auth(account)).json() == {"lists_count": 1}
    assert rest.get(f"/6/lists/{theirs}").status_code == 200


def test_options_head_and_unknown_routes(rest: httpx.Client) -> None:
    options = rest.options("/6/lists")
    assert options.status_code == 200
    assert set(options.headers["allow"].split(",")) == {"GET", "POST", "DELETE", "OPTIONS"}
    assert set(rest.options("/6/lists/count").headers["allow"].split(",")) == {"GET", "OPTIONS"}
    assert_luna_error(rest.put("/6/lists"), 405, 12002)
    assert_luna_error(rest.get("/6/no-such-thing"), 404, 12004)


def test_request_id(rest: httpx.Client) -> None:
    given = "1536751345,8b8b5937-2e9c-4e8b-a7a7-5caf86621b5a"
    assert rest.get("/6/lists/count", headers={"Luna-Request-Id": given}).headers["luna-request-id"] == given
    generated = rest.get("/6/lists/count", headers={"Luna-Request-Id": "garbage"}).headers["luna-request-id"]
    stamp, _, rid = generated.partition(",")
    assert len(stamp) == 10 and stamp.isdigit() and str(uuid.UUID(rid)) == rid


def test_unknown_query_parameters_are_ignored(rest: httpx.Client, account: str) -> None:
    list_id = create_list(rest, account)
    assert rest.get(f"/6/lists/{list_id}", params={"foo": "1"}).status_code == 200
    assert rest.head(f"/6/lists/{list_id}", params={"foo": "1"}).status_code == 200
    assert rest.get("/6/lists/count", params={"bar": "x"}, headers=auth(account)).json() == {"lists_count": 1}
    other = create_list(rest, account)
    # a query parameter named like the path variable must not replace it
    assert rest.get(f"/6/lists/{list_id}", params={"list_id": other, "x": "1"}).json()["list_id"] == list_id
