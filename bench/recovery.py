"""Recovery after kill -9: how long a supervised stack answers LUNA 503s before it works again.

    python -m bench.recovery [--rounds 3] [--triton] [--base-port 21500]

Boots a real stack (gRPC server + Envoy; with --triton also its own tritonserver) in a temporary data
directory, runs its Supervisor (initial back-off 0.5 s, reset after 60 s up), then per component and
round: kill -9 the process and measure, from the kill, the seconds until the supervisor has restarted
it (`restart_s`, includes the back-off delay) and until the component works again (`recovered_s`:
GET /6/faces/{id} of a face made before the kill answers 200 for the server and Envoy; for tritonserver
GET /6/healthcheck answers 200 and then a POST /6/sdk detection succeeds). Rounds follow each other
at once, so the back-off doubles (0.5, 1, 2 s ...) as in a crash loop. `status_while_down`: what a
request answered right after the kill (503: LUNA 40001/40004; 0: no answer, Envoy itself was killed).
Prints one JSON document.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import statistics
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from datetime import UTC, datetime
from pathlib import Path

from bench.common import bench_settings
from server.stack import Stack

ACCOUNT = str(uuid.uuid4())
POLL_S = 0.05
WAIT_S = 900.0


def request(url: str, method: str = "GET", body: bytes | None = None, content_type: str = "application/json") -> int:
    headers = {"Luna-Account-Id": ACCOUNT, "Content-Type": content_type}
    try:
        with urllib.request.urlopen(urllib.request.Request(url, body, headers, method=method), timeout=60) as reply:
            reply.read()
            return int(reply.status)
    except urllib.error.HTTPError as error:
        return int(error.code)
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return 0


def wait(condition: object, what: str) -> float:
    """Seconds until condition() is true (polled every POLL_S)."""
    started = time.monotonic()
    while not condition():  # type: ignore[operator]
        if time.monotonic() - started > WAIT_S:
            raise TimeoutError(what)
        time.sleep(POLL_S)
    return time.monotonic() - started


def pid_of(stack: Stack, name: str) -> int:
    if name == "triton":
        assert stack.triton is not None and stack.triton.pid is not None
        return stack.triton.pid
    return stack.processes[name].pid


def summary(values: list[float]) -> dict[str, float]:
    return {
        "median": round(statistics.median(values), 3),
        "min": round(min(values), 3),
        "max": round(max(values), 3),
    }


def photo() -> bytes:
    from tests import photos

    return photos.face_recognition_image("obama.jpg").read_bytes()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--triton", action="store_true", help="also run and kill tritonserver (slow)")
    parser.add_argument("--base-port", type=int, default=21500, help="REST; gRPC, admin, Triton: the next three")
    options = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        settings = bench_settings(Path(tmp), options.base_port, triton_start=options.triton)
        started = time.monotonic()
        stack = Stack(settings).start()
        start_s = time.monotonic() - started
        try:
            supervisor = stack.supervise(initial_backoff_s=0.5, max_backoff_s=30.0, stable_s=60.0)
            base = stack.rest_url
            body = json.dumps({"user_data": "bench"}).encode()
            with urllib.request.urlopen(
                urllib.request.Request(
                    f"{base}/6/faces", body, {"Luna-Account-Id": ACCOUNT, "Content-Type": "application/json"}
                ),
                timeout=60,
            ) as reply:
                face_id = json.loads(reply.read())["face_id"]
            image = photo() if options.triton else b""

            def face_ok() -> bool:
                return request(f"{base}/6/faces/{face_id}") == 200

            def face_status() -> int:
                return request(f"{base}/6/faces/{face_id}")

            def sdk_status() -> int:
                return request(f"{base}/6/sdk?detect_face=1&estimate_face_descriptor=0", "POST", image, "image/jpeg")

            def triton_ok() -> bool:
                return request(f"{base}/6/healthcheck") == 200 and sdk_status() == 200

            components = {"server": (face_ok, face_status), "envoy": (face_ok, face_status)}
            if options.triton:
                components["triton"] = (triton_ok, sdk_status)
            results: dict[str, object] = {}
            for name, (works, probe) in components.items():
                restart_s: list[float] = []
                recovered_s: list[float] = []
                down_status: list[int] = []
                for _ in range(options.rounds):
                    assert works(), f"{name} does not work before the kill"
                    before = supervisor.restarts[name]
                    killed = time.monotonic()
                    os.kill(pid_of(stack, name), signal.SIGKILL)
                    down_status.append(probe())
                    wait(lambda name=name, before=before: supervisor.restarts[name] > before, f"{name} restart")
                    restart_s.append(time.monotonic() - killed)
                    wait(works, f"{name} recovery")
                    recovered_s.append(time.monotonic() - killed)
                results[name] = {
                    "restart_s": summary(restart_s),
                    "recovered_s": summary(recovered_s),
                    "status_while_down": sorted(set(down_status)),
                    "restarts": supervisor.restarts[name],
                }
        finally:
            stack.stop()

    print(
        json.dumps(
            {
                "benchmark": "recovery",
                "date": datetime.now(UTC).isoformat(timespec="seconds"),
                "machine": {"cpus": os.cpu_count(), "platform": platform.platform()},
                "rounds": options.rounds,
                "triton": options.triton,
                "start_s": round(start_s, 3),
                "components": results,
                "note": "kill -9 of each process in turn; backoff 0.5 s doubling within 60 s (rounds 2+ wait longer)",
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
