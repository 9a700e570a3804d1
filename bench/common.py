"""What the benchmarks share: the settings of a stack they boot on a block of loopback ports."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from server.settings import Settings
from server.stack import with_ports


def bench_settings(data_dir: Path, base_port: int, **overrides: object) -> Settings:
    """Settings of a benchmark stack: data in `data_dir`, REST on 127.0.0.1:`base_port`, gRPC, Envoy admin and
    Triton on the next three ports, Triton off unless `triton_start=True` is given."""
    settings = with_ports(replace(Settings(), data_dir=data_dir, rest_host="127.0.0.1"), base_port)
    return replace(settings, **{"triton_start": False, **overrides})  # type: ignore[arg-type]
