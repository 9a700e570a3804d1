"""Pure helpers of server.services.system: versions, content negotiation, config, health checks."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from server.services import system
from server.services.system import (
    CheckFailedError,
    HealthCheck,
    check_blobs,
    check_lancedb,
    config_text,
    masked,
    parse_version,
    preferred,
    public_config,
    run_checks,
)
from server.settings import TASKS_SETTINGS, Settings


@pytest.mark.parametrize(
    ("text", "expected"),
    [("0.1.0", (0, 1, 0)), ("1.2", (1, 2, 0)), ("2.10.3rc1", (2, 10, 3)), ("3.0.0.dev4", (3, 0, 0)), ("x", (0, 0, 0))],
)
def test_parse_version(text: str, expected: tuple[int, int, int]) -> None:
    assert parse_version(text) == expected


SUPPORTED = ["application/x-yaml", "text/html", "application/json"]


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, "application/json"),
        ("", "application/json"),
        ("*/*", "application/json"),
        ("application/x-yaml", "application/x-yaml"),
        ("APPLICATION/X-YAML; charset=utf-8", "application/x-yaml"),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "text/html"),
        ("text/html;q=0.5, application/x-yaml", "application/x-yaml"),
        ("image/png", "application/json"),
        ("application/x-yaml;q=0, text/html", "text/html"),
        ("application/*", "application/json"),
    ],
)
def test_preferred(accept: str | None, expected: str) -> None:
    assert preferred(accept, SUPPORTED, "application/json") == expected


class _Secretive:
    def public_view(self) -> dict[str, object]:
        return {"db_password": "hunter2", "api_token": "", "port": 5000, "enabled": True, "name": "x"}


def test_public_config_masks_secrets() -> None:
    config = public_config(_Secretive())  # type: ignore[arg-type]
    assert config == {"db_password": "********", "api_token": "", "port": 5000, "enabled": True, "name": "x"}
    assert config_text(config) == (
        "LUMEN_DB_PASSWORD=********\nLUMEN_API_TOKEN=\nLUMEN_PORT=5000\nLUMEN_ENABLED=1\nLUMEN_NAME=x\n"
    )


def test_config_text_round_trips_through_settings(tmp_path: Path) -> None:
    settings = replace(Settings(), data_dir=tmp_path, triton_enabled=True, grpc_port=1234)
    lines = dict(line.split("=", 1) for line in config_text(public_config(settings)).splitlines())
    assert Settings.from_env(lines) == settings


def test_tasks_config_is_the_tasks_settings(tmp_path: Path) -> None:
    """GET /1/config: the Tasks service's own settings (TASKS_SETTINGS), masked, in the env-line form too."""
    settings = replace(Settings(), data_dir=tmp_path, tasks_workers=3, tasks_estimator_root="/srv/images")
    config = masked(settings.tasks_view())
    assert list(config) == list(TASKS_SETTINGS)
    assert config["tasks_workers"] == 3 and config["tasks_subtask_size"] == settings.tasks_subtask_size
    assert config["tasks_port"] == settings.tasks_port and config["tasks_estimator_root"] == "/srv/images"
    assert config["data_dir"] == str(tmp_path)
    assert set(TASKS_SETTINGS) <= set(settings.public_view())  # never a hidden setting
    lines = dict(line.split("=", 1) for line in config_text(config).splitlines())
    assert lines["LUMEN_TASKS_WORKERS"] == "3"
    assert masked({"tasks_token": "abc"}) == {"tasks_token": "********"}


def _boom() -> None:
    raise OSError("disk on fire")


def _not_ready() -> None:
    raise CheckFailedError("not ready")


def test_run_checks() -> None:
    checks = [
        HealthCheck("ok", lambda: None, luna_service=False),
        HealthCheck("disk", _boom, luna_service=False),
        HealthCheck("model-server", _not_ready, luna_service=True),
    ]
    assert [e["component"] for e in run_checks(checks, include_luna_services=False)] == ["disk"]
    failed = run_checks(checks, include_luna_services=True)
    assert failed == [
        {
            "component": "disk",
            "status": 0,
            "error": {
                "error_code": 40003,
                "desc": "Unhealthy",
                "detail": "Component 'disk' failed its healthcheck: OSError: disk on fire",
            },
        },
        {
            "component": "model-server",
            "status": 0,
            "error": {
                "error_code": 40003,
                "desc": "Unhealthy",
                "detail": "Component 'model-server' failed its healthcheck: not ready",
            },
        },
    ]


@pytest.fixture
def clean_registry() -> Iterator[None]:
    saved = list(system._EXTRA_CHECKS)
    yield
    system._EXTRA_CHECKS[:] = saved


def test_register_health_check_replaces_by_component(clean_registry: None) -> None:
    system.register_health_check("extra", _boom)
    system.register_health_check("extra", _not_ready, luna_service=False)
    found = [c for c in system._EXTRA_CHECKS if c.component == "extra"]
    assert found == [HealthCheck("extra", _not_ready, False)]


def test_store_checks(tmp_path: Path) -> None:
    check_blobs(tmp_path)
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(FileNotFoundError):
        check_blobs(tmp_path / "missing")
    (tmp_path / "lance").mkdir()
    check_lancedb(tmp_path / "lance")
    with pytest.raises(CheckFailedError):
        check_lancedb(tmp_path / "missing")
