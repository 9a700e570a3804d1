"""Handler policies: parse/validate cost and the REST create/get latency of a handler with every policy.

    python -m bench.handlers [--repeat 300] [--requests 200]

Part 1 (no server): parse_policies of a full policies document, of the stored default form, and load of a
stored handler (cached per policies text, server/handlers/records.py). Part 2 boots a stack without Triton
(gRPC server + Envoy) and times POST /6/handlers and GET /6/handlers/{id} sequentially. Prints one JSON document.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from bench.common import bench_settings
from bench.inference import free_port_block
from server.handlers.policies import DEFAULT_POLICIES, parse_policies, policies_to_json
from server.stack import Stack
from tests.unit.test_handler_policies import full_example


def timed_ms(action: Callable[[], Any], repeat: int) -> dict[str, float]:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        samples.append((time.perf_counter() - start) * 1000)
    ordered = sorted(samples)
    return {
        "p50_ms": round(statistics.median(ordered), 3),
        "p99_ms": round(ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))], 3),
    }


def parse_costs(repeat: int) -> dict[str, Any]:
    full = full_example()
    stored = policies_to_json(parse_policies(full))
    default = policies_to_json(DEFAULT_POLICIES)
    return {
        "parse_full_document": timed_ms(lambda: parse_policies(full), repeat),
        "parse_stored_full_form": timed_ms(lambda: parse_policies(stored), repeat),
        "parse_stored_default_form": timed_ms(lambda: parse_policies(default), repeat),
    }


def rest_costs(requests: int) -> dict[str, Any]:
    account = str(uuid.uuid4())
    headers = {"Luna-Account-Id": account}
    body = {"description": "bench", "policies": full_example()}
    with tempfile.TemporaryDirectory() as data:
        stack = Stack(bench_settings(Path(data), free_port_block())).start()
        try:
            with httpx.Client(base_url=stack.rest_url, timeout=60.0) as client:
                created: list[str] = []

                def create() -> None:
                    reply = client.post("/6/handlers", json=body, headers=headers)
                    assert reply.status_code == 201, reply.text
                    created.append(reply.json()["handler_id"])

                post = timed_ms(create, requests)
                url = f"/6/handlers/{created[0]}"
                get = timed_ms(lambda: client.get(url, headers=headers).raise_for_status(), requests)
                listed = timed_ms(
                    lambda: client.get("/6/handlers", params={"page_size": 100}, headers=headers).raise_for_status(),
                    max(1, requests // 10),
                )
        finally:
            stack.stop()
    return {"post_handler": post, "get_handler": get, "get_handlers_page_100": listed}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=300)
    parser.add_argument("--requests", type=int, default=200)
    options = parser.parse_args()
    result = {
        "bench": "handlers",
        "time": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cpu": platform.processor() or platform.machine(), "python": platform.python_version()},
        "parse": parse_costs(options.repeat),
        "rest_sequential": rest_costs(options.requests),
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
