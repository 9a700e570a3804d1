"""SystemService: versions, healthcheck, configuration and documentation (v6 API-001/002, 150..154).

None of these operations needs Luna-Account-Id.

Configuration (GET /6/config): the public settings, plus `capabilities` (server/capabilities.py: which
descriptors this installation produces; the body descriptor is listed as unavailable, docs/deviations.md).

Healthcheck (GET /6/healthcheck, GET /healthcheck): every component a request may need is checked
for real on each call: SQLite (a query), LanceDB (open the database and every table), the blob
directory (write and delete a probe file) and, when settings.triton_enabled, Triton (ServerReady,
then ModelReady of every model of inference.models.ALL_MODELS, short timeouts, over the server's own
inference connection): so the answer is not 200 while Triton is down or still loading its models, and
200 means a model route (/6/sdk) will work. `include_luna_services=1` adds any check another
module registered with `register_health_check()`. All good: 200 `{"execution_time"}`; otherwise
502 (LUNA's "Unhealthy") with `{"errors": [{"component", "status": 0, "error": {LUNA error 40003}}],
"execution_time"}`. When the gRPC server itself is down, Envoy answers 503 (40001) instead.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import lancedb
from google.api import httpbody_pb2
from google.protobuf import struct_pb2

from gateway.config import DESCRIPTOR_SET
from inference.errors import InferenceError
from inference.models import required_models
from lumen.v6 import system_pb2, system_service_pb2, system_service_pb2_grpc
from server import __version__, errors
from server.capabilities import capabilities
from server.docs.html import render_html
from server.docs.openapi import build_openapi, render
from server.errors import LunaError
from server.json_http import accept_header, preferred
from server.rpc import HTTP_STATUS_HEADER, Call, luna_rpc
from server.settings import Settings
from server.storage.store import Storage
from server.validation import flag_param

_LOGGER = logging.getLogger(__name__)

LUMEN_VERSION = __version__
API_VERSION = 6
UNHEALTHY_HTTP_STATUS = 502
MAX_MODELS_SHOWN = 5
PROBE_PREFIX = ".healthcheck-"
_LEADING_DIGITS = re.compile(r"^\d+")
SECRET_MARKERS = ("password", "secret", "token", "api_key")
MASK = "********"
JSON = "application/json"
YAML = "application/x-yaml"
HTML = "text/html; charset=utf-8"
TEXT = "text/plain; charset=utf-8"
DOCS_DEV_INDEX = "/docs/dev/index.html"
V6_SPEC_PATH = "/6/docs/spec"
#: The /6/config key of what this installation can produce (server/capabilities.py); not a setting.
CAPABILITIES = "capabilities"


# -- versions ---------------------------------------------------------------------------------


def parse_version(version: str) -> tuple[int, int, int]:
    """(major, minor, patch) of a "1.2.3" version; a missing or non-numeric part counts as 0."""
    parts = [int(match.group(0)) if (match := _LEADING_DIGITS.match(p)) else 0 for p in version.split(".")[:3]]
    major, minor, patch = (parts + [0, 0, 0])[:3]
    return major, minor, patch


def versions() -> system_pb2.Versions:
    major, minor, patch = parse_version(LUMEN_VERSION)
    return system_pb2.Versions(
        lumen=system_pb2.ComponentVersion(major=major, minor=minor, patch=patch),
        lumen_api=system_pb2.ComponentVersion(api=API_VERSION, major=major, minor=minor, patch=patch),
    )


# -- healthcheck ------------------------------------------------------------------------------


class CheckFailedError(Exception):
    """A dependency check failed; the message is the reason shown to the client."""


@dataclass(frozen=True)
class HealthCheck:
    component: str
    check: Callable[[], None]  # raises on failure
    luna_service: bool  # True: only with include_luna_services=1


_EXTRA_CHECKS: list[HealthCheck] = []
_EXTRA_LOCK = threading.Lock()


def register_health_check(component: str, check: Callable[[], None], *, luna_service: bool = True) -> None:
    """Add a dependency check (e.g. an inference backend) to GET /6/healthcheck."""
    with _EXTRA_LOCK:
        _EXTRA_CHECKS[:] = [c for c in _EXTRA_CHECKS if c.component != component]
        _EXTRA_CHECKS.append(HealthCheck(component, check, luna_service))


def check_sqlite(storage: Storage) -> None:
    storage.db.check()


def check_lancedb(path: Path) -> None:
    if not path.is_dir():
        raise CheckFailedError(f"'{path}' is not a directory")
    db = lancedb.connect(str(path))
    page_token: str | None = None
    while True:
        page = db.list_tables(page_token=page_token)
        for name in page.tables:
            db.open_table(name)
        page_token = page.page_token
        if not page_token:
            return


def check_blobs(root: Path) -> None:
    probe = root / f"{PROBE_PREFIX}{uuid.uuid4()}"
    try:
        probe.write_bytes(b"ok")
        if probe.read_bytes() != b"ok":
            raise CheckFailedError("probe file read back differs")
    finally:
        probe.unlink(missing_ok=True)


class TritonProbe(Protocol):
    """What the Triton check asks (inference.triton.TritonTransport, the server's own inference client)."""

    url: str

    def readiness(self, models: Sequence[str]) -> tuple[bool, list[str]]:
        """(server ready, names of `models` not ready); raises when Triton does not answer."""
        ...


def check_triton(probe: TritonProbe, models: tuple[str, ...]) -> None:
    """Triton answers, is ready, and every model of `models` is ready, asked over the connection the model routes
    use (after a Triton restart it reconnects within a second or so): 200 means a /6/sdk call will work."""
    try:
        ready, missing = probe.readiness(models)
    except InferenceError as error:
        raise CheckFailedError(str(error)) from None
    if missing:
        shown = ", ".join(missing[:MAX_MODELS_SHOWN]) + (", ..." if len(missing) > MAX_MODELS_SHOWN else "")
        raise CheckFailedError(f"{len(missing)} of {len(models)} models not ready on {probe.url}: {shown}")
    if not ready:
        raise CheckFailedError(f"server at {probe.url} is not ready")


def default_checks(storage: Storage, settings: Settings, triton: TritonProbe | None = None) -> list[HealthCheck]:
    """Every component a request may need: the stores, and Triton with every model when inference is on.

    Triton is part of Lumen (not a separate LUNA service), so it is checked with include_luna_services=0
    too: a 200 means a model route (/6/sdk, /6/detector, ...) can answer."""
    checks = [
        HealthCheck("sqlite", lambda: check_sqlite(storage), luna_service=False),
        HealthCheck("lancedb", lambda: check_lancedb(storage.data_dir / "lancedb"), luna_service=False),
        HealthCheck("blobs", lambda: check_blobs(storage.blobs.root), luna_service=False),
    ]
    if settings.triton_enabled:
        required = required_models(list(settings.descriptor_models().values()))
        models = tuple(f"{name}/{version}" if version else name for name, version in required)

        def check() -> None:
            if triton is None:
                raise CheckFailedError("no inference client (the server could not create one)")
            check_triton(triton, models)

        checks.append(HealthCheck("triton", check, luna_service=False))
    return checks


def run_checks(checks: list[HealthCheck], include_luna_services: bool) -> list[dict[str, Any]]:
    """The `errors` items of the failed checks (empty when everything is healthy)."""
    failed: list[dict[str, Any]] = []
    for item in checks:
        if item.luna_service and not include_luna_services:
            continue
        try:
            item.check()
        except Exception as error:  # noqa: BLE001 - any failure makes the component unhealthy
            reason = str(error) if isinstance(error, CheckFailedError) else f"{type(error).__name__}: {error}"
            _LOGGER.warning("healthcheck of %s failed: %s", item.component, reason)
            body = LunaError(errors.UNHEALTHY, component=item.component, reason=reason).body()
            failed.append({"component": item.component, "status": 0, "error": body})
    return failed


def masked(view: dict[str, object]) -> dict[str, object]:
    """A settings view with anything that looks like a secret masked."""
    return {
        name: MASK if any(marker in name for marker in SECRET_MARKERS) and value else value
        for name, value in view.items()
    }


def public_config(settings: Settings) -> dict[str, object]:
    """Settings.public_view() with anything that looks like a secret masked."""
    return masked(settings.public_view())


def config_text(config: dict[str, object]) -> str:
    """The configuration as the LUMEN_* environment lines it is read from."""
    lines = []
    for name, value in config.items():
        shown = ("1" if value else "0") if isinstance(value, bool) else str(value)
        lines.append(f"LUMEN_{name.upper()}={shown}")
    return "\n".join(lines) + "\n"


def capabilities_text(found: dict[str, object]) -> str:
    """The capabilities as comment lines of the text form (they are not settings)."""
    lines = []
    for name, value in found.items():
        if isinstance(value, dict):
            state = "available" if value.get("available") else f"unavailable ({value.get('reason', '')})"
            versions = value.get("versions")
            suffix = f", versions {', '.join(str(v) for v in versions)}" if versions else ""
            lines.append(f"# {CAPABILITIES}.{name}: {state}{suffix}")
    return "\n".join(lines) + "\n"


def config_body(config: dict[str, object], call: Call) -> httpbody_pb2.HttpBody:
    """A configuration answer (GET /6/config, /1/config): JSON with the capabilities, or `LUMEN_NAME=value` lines
    (capabilities as comments) with Accept: text/plain."""
    if preferred(accept_header(call.grpc_context), [JSON, "text/plain"], JSON) == "text/plain":
        text = config_text(config) + capabilities_text(capabilities())
        return httpbody_pb2.HttpBody(content_type=TEXT, data=text.encode())
    document = {**config, CAPABILITIES: capabilities()}
    return httpbody_pb2.HttpBody(content_type=JSON, data=json.dumps(document).encode())


# -- documentation ------------------------------------------------------------------------------


class ApiDocs:
    """The documents of one listener's REST surface: the OpenAPI document of its services (built once from the
    gateway descriptor set), as JSON / YAML / HTML (docs/spec), and the developer manual page (docs/dev)."""

    def __init__(self, descriptor_path: Path, spec_path: str, **build_options: Any) -> None:
        """spec_path: where the listener serves the document; build_options: build_openapi's (require_account,
        services, title, version)."""
        self.descriptor_path = descriptor_path
        self.spec_path = spec_path
        self.build_options = build_options
        self._document: dict[str, Any] | None = None
        self._lock = threading.Lock()

    def document(self) -> dict[str, Any]:
        with self._lock:
            if self._document is None:
                self._document = build_openapi(self.descriptor_path.read_bytes(), **self.build_options)
            return self._document

    def html(self) -> httpbody_pb2.HttpBody:
        return httpbody_pb2.HttpBody(content_type=HTML, data=render_html(self.document(), self.spec_path).encode())

    def spec(self, call: Call) -> httpbody_pb2.HttpBody:
        """The OpenAPI document: YAML or HTML when Accept prefers them, else JSON."""
        wanted = preferred(accept_header(call.grpc_context), [YAML, "text/yaml", "text/html", JSON], JSON)
        if wanted == "text/html":
            return self.html()
        data, content_type = render(self.document(), wanted)
        return httpbody_pb2.HttpBody(content_type=content_type, data=data)

    def dev(self, call: Call) -> httpbody_pb2.HttpBody:
        """v6: "After the request you will be redirected to the page /docs/dev/index.html" (of the same listener)."""
        call.set_header("location", DOCS_DEV_INDEX)
        link = f'<!DOCTYPE html>\n<a href="{DOCS_DEV_INDEX}">{DOCS_DEV_INDEX}</a>\n'
        return httpbody_pb2.HttpBody(content_type=HTML, data=link.encode())


# -- service ------------------------------------------------------------------------------------


class SystemService(system_service_pb2_grpc.SystemServiceServicer):
    def __init__(
        self,
        storage: Storage,
        settings: Settings,
        descriptor_path: Path = DESCRIPTOR_SET,
        triton: TritonProbe | None = None,
    ) -> None:
        self.storage = storage
        self.settings = settings
        self.checks = default_checks(storage, settings, triton)
        self.docs = ApiDocs(descriptor_path, V6_SPEC_PATH, require_account=settings.require_account)

    def document(self) -> dict[str, Any]:
        """The OpenAPI document of the REST surface, built once from the gateway descriptor set."""
        return self.docs.document()

    @luna_rpc()
    def GetVersion(self, request: system_service_pb2.GetVersionRequest, call: Call) -> system_pb2.Versions:
        return versions()

    @luna_rpc()
    def GetHealth(self, request: system_service_pb2.GetHealthRequest, call: Call) -> system_pb2.Health:
        include = flag_param(request, "include_luna_services")
        started = time.perf_counter()
        with _EXTRA_LOCK:
            checks = [*self.checks, *_EXTRA_CHECKS]
        failed = run_checks(checks, include)
        health = system_pb2.Health(execution_time=round(time.perf_counter() - started, 6))
        if failed:
            errors_list = struct_pb2.ListValue()
            errors_list.extend(failed)
            health.errors.CopyFrom(errors_list)
            call.set_header(HTTP_STATUS_HEADER, str(UNHEALTHY_HTTP_STATUS))
        return health

    @luna_rpc()
    def GetConfig(self, request: system_service_pb2.GetConfigRequest, call: Call) -> httpbody_pb2.HttpBody:
        return config_body(public_config(self.settings), call)

    @luna_rpc()
    def GetDocsSpec(self, request: system_service_pb2.GetDocsSpecRequest, call: Call) -> httpbody_pb2.HttpBody:
        return self.docs.spec(call)

    @luna_rpc()
    def GetDocsDev(self, request: system_service_pb2.GetDocsDevRequest, call: Call) -> httpbody_pb2.HttpBody:
        return self.docs.dev(call)

    @luna_rpc()
    def GetDocsDevIndex(self, request: system_service_pb2.GetDocsDevIndexRequest, call: Call) -> httpbody_pb2.HttpBody:
        return self.docs.html()


def register(server: Any, context: Any) -> None:
    transport = getattr(context.face_inference, "transport", None)
    triton = transport if hasattr(transport, "readiness") else None
    system_service_pb2_grpc.add_SystemServiceServicer_to_server(
        SystemService(context.storage, context.settings, triton=triton), server
    )
    context.service_names.append(system_service_pb2.DESCRIPTOR.services_by_name["SystemService"].full_name)
