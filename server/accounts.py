"""Accounts as a security boundary (docs/security.md).

Two optional layers, both off by default (v6 behaviour):

- LUMEN_REQUIRE_ACCOUNT=1: every RPC except the public ones (PUBLIC_RPCS) needs Luna-Account-Id,
  for REST and native gRPC clients alike; enforced by the RPC wrapper (server/rpc.py) through
  `account_missing`.
- LUMEN_AUTH_FILE=<path>: Envoy authenticates every non-public request (HTTP Basic) against the
  credentials of that file and sets Luna-Account-Id to the account of the user
  (gateway/config.py `add_authentication`). The file holds one user a line:

      user:{SHA}<base64 of the SHA-1 of the password>:<account uuid>

  (`user:{SHA}...` is what htpasswd -s writes; Envoy's basic_auth filter supports only that hash).
  `python -m server.accounts add FILE USER ACCOUNT_ID` appends a user, reading the password from stdin.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import re
import sys
from dataclasses import dataclass
from pathlib import Path

# Full gRPC names of the RPCs anybody may call: version, health and the API documents. They read
# no account data, and load balancers probe health without credentials.
PUBLIC_RPCS = frozenset(
    {
        "lumen.v6.SystemService/GetVersion",
        "lumen.v6.SystemService/GetHealth",
        "lumen.v6.SystemService/GetDocsSpec",
        "lumen.v6.SystemService/GetDocsDev",
        "lumen.v6.SystemService/GetDocsDevIndex",
        # the same on the LUNA Tasks API listener (docs/tasks.md)
        "lumen.v6.LunaTasksService/GetTasksVersion",
        "lumen.v6.LunaTasksService/TasksHealthcheck",
        "lumen.v6.LunaTasksService/GetTasksDocsSpec",
        "lumen.v6.LunaTasksService/GetTasksDocsDev",
        "lumen.v6.LunaTasksService/GetTasksDocsDevIndex",
    }
)
USER_RE = re.compile(r"^[A-Za-z0-9._@-]{1,64}$")
SHA_RE = re.compile(r"^\{SHA\}[A-Za-z0-9+/]{27}=$")
UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


@dataclass
class _Policy:
    require_account: bool = False


_POLICY = _Policy()


def configure(require_account: bool) -> None:
    """Set the account rule of this process (server/app.py, from LUMEN_REQUIRE_ACCOUNT)."""
    _POLICY.require_account = require_account


def is_public(servicer_method_qualname: str) -> bool:
    """Whether a servicer method ("SystemService.GetVersion") implements a public RPC.

    Servicer classes are named like their proto service (tests/unit/test_accounts.py checks it).
    """
    return any(rpc.rsplit(".", 1)[-1] == servicer_method_qualname.replace(".", "/") for rpc in PUBLIC_RPCS)


def account_missing(public: bool, account_id: str | None) -> bool:
    """True when this call must be refused: the installation requires an account and none was given."""
    return _POLICY.require_account and not public and account_id is None


@dataclass(frozen=True)
class Credential:
    user: str
    password_sha: str  # "{SHA}<base64>"
    account_id: str


class CredentialsError(ValueError):
    """The credentials file is malformed (the message names the line, never a hash)."""


def password_sha(password: str) -> str:
    return "{SHA}" + base64.b64encode(hashlib.sha1(password.encode()).digest()).decode()  # noqa: S324 - Envoy's format


def parse_credentials(text: str) -> list[Credential]:
    credentials: list[Credential] = []
    users: set[str] = set()
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split(":")
        if len(parts) != 3:
            raise CredentialsError(f"line {number}: expected user:{{SHA}}hash:account_id")
        user, sha, account = parts[0], parts[1], parts[2].lower()
        if not USER_RE.match(user):
            raise CredentialsError(f"line {number}: user must match {USER_RE.pattern}")
        if not SHA_RE.match(sha):
            raise CredentialsError(f"line {number}: password must be {{SHA}}<base64 SHA-1> (htpasswd -s)")
        if not UUID_RE.match(account):
            raise CredentialsError(f"line {number}: account id must be a UUID")
        if user in users:
            raise CredentialsError(f"line {number}: user {user} is listed twice")
        users.add(user)
        credentials.append(Credential(user, sha, account))
    if not credentials:
        raise CredentialsError("no users")
    return credentials


def load_credentials(path: Path) -> list[Credential]:
    try:
        return parse_credentials(path.read_text())
    except CredentialsError as error:
        raise CredentialsError(f"{path}: {error}") from None


def credential_line(user: str, password: str, account_id: str) -> str:
    line = f"{user}:{password_sha(password)}:{account_id.lower()}"
    parse_credentials(line)  # validates
    return line


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m server.accounts", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    add = commands.add_parser("add", help="append a user to a credentials file (password from stdin)")
    add.add_argument("file", type=Path)
    add.add_argument("user")
    add.add_argument("account_id")
    args = parser.parse_args(argv)
    password = sys.stdin.readline().rstrip("\n")
    if not password:
        parser.error("empty password on stdin")
    line = credential_line(args.user, password, args.account_id)
    existing = args.file.read_text() if args.file.exists() else ""
    if existing:
        parse_credentials(existing + "\n" + line)  # refuses a second line for the same user
    with args.file.open("a") as out:
        out.write(("" if not existing or existing.endswith("\n") else "\n") + line + "\n")
    print(f"added {args.user} -> {args.account_id.lower()} to {args.file}")


if __name__ == "__main__":
    main()
