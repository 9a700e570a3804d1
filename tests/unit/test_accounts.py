"""server/accounts.py: the public RPCs, the credentials file, and what the gateway makes of them."""

from __future__ import annotations

import io
import uuid
from pathlib import Path

import pytest

from gateway.config import DESCRIPTOR_SET, envoy_config, load_descriptor_set, public_paths, routes
from server import accounts
from server.accounts import PUBLIC_RPCS, CredentialsError, credential_line, parse_credentials, password_sha
from server.services.system import SystemService
from server.services.tasks import LunaTasksService

ACCOUNT = "8b8b5937-2e9c-4e8b-a7a7-5caf86621b5a"


def test_password_hash_is_htpasswd_sha() -> None:
    # htpasswd -nbs user password
    assert password_sha("password") == "{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g="


def test_public_rpcs_exist_and_are_recognised() -> None:
    rpcs = {route.rpc for route in routes(load_descriptor_set(DESCRIPTOR_SET))}
    assert rpcs >= PUBLIC_RPCS
    for rpc in PUBLIC_RPCS:
        service, method = rpc.rsplit(".", 1)[-1].split("/")
        servicer = {cls.__name__: cls for cls in (SystemService, LunaTasksService)}[service]
        assert hasattr(servicer, method)
        assert accounts.is_public(f"{service}.{method}")
    assert not accounts.is_public("SystemService.GetConfig")
    assert not accounts.is_public("LunaTasksService.GetTasksConfig")
    assert not accounts.is_public("LunaTasksService.GetTasks")
    assert not accounts.is_public("FacesService.GetFaces")
    assert not accounts.is_public("OtherService.GetVersion")


def test_account_missing_follows_the_setting() -> None:
    try:
        accounts.configure(False)
        assert not accounts.account_missing(False, None)
        accounts.configure(True)
        assert accounts.account_missing(False, None)
        assert not accounts.account_missing(True, None)
        assert not accounts.account_missing(False, ACCOUNT)
    finally:
        accounts.configure(False)


def test_public_paths() -> None:
    paths = public_paths(routes(load_descriptor_set(DESCRIPTOR_SET)))
    assert {"/version", "/healthcheck", "/6/healthcheck", "/6/docs/spec", "/6/docs/dev"} <= set(paths)
    assert "/lumen.v6.SystemService/GetHealth" in paths
    assert "/6/config" not in paths and not any(path.startswith("/6/faces") for path in paths)


def test_parse_credentials() -> None:
    line = credential_line("alice", "s3cret", ACCOUNT.upper())
    parsed = parse_credentials(f"# comment\n\n{line}\n")
    assert [(c.user, c.password_sha, c.account_id) for c in parsed] == [("alice", password_sha("s3cret"), ACCOUNT)]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "alice:{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=",  # no account
        f"alice:plain:{ACCOUNT}",
        f"alice:{{SHA}}W6ph5Mm5Pz8GgiULbPgzG37mj9g=:{ACCOUNT}:x",
        "alice:{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=:not-a-uuid",
        f'al"ice:{{SHA}}W6ph5Mm5Pz8GgiULbPgzG37mj9g=:{ACCOUNT}',
        f"alice:{{SHA}}W6ph5Mm5Pz8GgiULbPgzG37mj9g=:{ACCOUNT}\nalice:{{SHA}}W6ph5Mm5Pz8GgiULbPgzG37mj9g=:{ACCOUNT}",
    ],
)
def test_bad_credentials_are_refused(text: str) -> None:
    with pytest.raises(CredentialsError) as failure:
        parse_credentials(text)
    assert "W6ph5Mm5" not in str(failure.value)  # never echoes a hash


def test_cli_appends_users(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "users"
    other = str(uuid.uuid4())
    monkeypatch.setattr("sys.stdin", io.StringIO("pw1\n"))
    accounts.main(["add", str(path), "alice", ACCOUNT])
    monkeypatch.setattr("sys.stdin", io.StringIO("pw2\n"))
    accounts.main(["add", str(path), "bob", other])
    assert [c.user for c in accounts.load_credentials(path)] == ["alice", "bob"]
    monkeypatch.setattr("sys.stdin", io.StringIO("pw3\n"))
    with pytest.raises(CredentialsError):
        accounts.main(["add", str(path), "bob", other])
    assert len(accounts.load_credentials(path)) == 2


def _filter_names(config: dict[str, object]) -> list[str]:
    listener = config["static_resources"]["listeners"][0]  # type: ignore[index]
    hcm = listener["filter_chains"][0]["filters"][0]["typed_config"]
    return [f["name"] for f in hcm["http_filters"]]


def test_gateway_config_with_and_without_auth(tmp_path: Path) -> None:
    ports = {"rest_host": "127.0.0.1", "rest_port": 1, "grpc_host": "127.0.0.1", "grpc_port": 2, "admin_port": 3}
    plain = envoy_config(**ports, max_request_bytes=1000)  # type: ignore[arg-type]
    assert "envoy.filters.http.basic_auth" not in _filter_names(plain)
    users = tmp_path / "users"
    users.write_text(credential_line("alice", "plain-text-Pw-42", ACCOUNT) + "\n")
    authed = envoy_config(**ports, max_request_bytes=1000, auth_file=str(users))  # type: ignore[arg-type]
    names = _filter_names(authed)
    # after the Lumen Lua filter (request id, 404/405), before the transcoder
    assert names.index("envoy.filters.http.lua") < names.index("envoy.filters.http.basic_auth")
    assert names.index("lumen.accounts") < names.index("envoy.filters.http.grpc_json_transcoder")
    assert "plain-text-Pw-42" not in str(authed) and password_sha("plain-text-Pw-42") in str(authed)
