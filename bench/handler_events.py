"""POST /6/handlers/{handler_id}/events vs POST /6/sdk with the same estimations, in the same run: images/s and
latency of a detect + extract + match (list of --list-faces faces) + store handler, and the gRPC server's memory.

    python -m bench.handler_events [--list-faces 100000] [--requests 40] [--rounds 3] [--clients 1 2]

1. Seeds a fresh data directory through the storage layer's bulk path (bench/matcher_rest.py `fill`, before the
   server starts; the API has no bulk import): one account, one list of `--list-faces` faces with random unit
   descriptors. The server loads them into its matching index at start.
2. Boots a real stack (Triton on CPU, gRPC server, Envoy) on free ports; enrols obama.jpg into the list through a
   handler (storage_policy creates the face and links it).
3. The measured handler: detect, extract the descriptor and basic attributes, match against the list (limit 3),
   store the face sample and the event, notify (default storage policy). The reference: POST /6/sdk with
   estimate_face_descriptor=1&estimate_basic_attributes=1 (the same models; no match, no storage).
4. For each client count: `--rounds` rounds, each `--requests` requests to /6/sdk then `--requests` to the handler
   (interleaved so that a change of machine load hits both), raw JPEG bodies of obama.jpg, obama2.jpg, obama3.jpg
   and biden.jpg in turn, keep-alive connections. Reported per client count: images/s, p50/p99 of each, and
   handler/sdk images/s (goal >= 0.85), and the CPU time per image of the server, Triton and Envoy processes
   (/proc/<pid>/stat, every thread: what the handler costs beyond the analysis).

Prints one JSON document (with the load average before and after: the machine may be shared).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from bench.common import bench_settings
from bench.matcher_rest import fill
from server.stack import Stack
from tests import photos
from tests.conftest import free_port_block  # below the ephemeral range: no outgoing connection takes them

PHOTOS = ("obama.jpg", "obama2.jpg", "obama3.jpg", "biden.jpg")


def proc_status_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    return 0


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (all its threads) so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "p50_ms": round(statistics.median(ordered) * 1000, 1),
        "p99_ms": round(ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))] * 1000, 1),
    }


SDK_URL = "/6/sdk?estimate_face_descriptor=1&estimate_basic_attributes=1"


class Runner:
    """Requests from `clients` threads, each with its own keep-alive connection; latencies and wall time."""

    def __init__(self, base_url: str, headers: dict[str, str], images: list[bytes]) -> None:
        self.base_url = base_url
        self.headers = headers
        self.images = images
        self.clients: dict[int, httpx.Client] = {}

    def client(self, number: int) -> httpx.Client:
        if number not in self.clients:
            self.clients[number] = httpx.Client(base_url=self.base_url, timeout=300.0)
        return self.clients[number]

    def run(self, url: str, requests: int, clients: int, check: str) -> tuple[float, list[float], int]:
        """(wall seconds, latencies, items of `check` in the answers: events of a handler)."""
        latencies: list[float] = []
        items = [0]
        lock = threading.Lock()
        counter = iter(range(requests))
        failures: list[str] = []

        def worker(number: int) -> None:
            client = self.client(number)
            while not failures:
                with lock:
                    index = next(counter, None)
                if index is None:
                    return
                start = time.perf_counter()
                reply = client.post(url, content=self.images[index % len(self.images)], headers=self.headers)
                elapsed = time.perf_counter() - start
                found = reply.json().get(check) if reply.status_code in (200, 201) else None
                if not found:
                    failures.append(f"{url}: {reply.status_code} {reply.text[:300]}")
                    return
                with lock:
                    latencies.append(elapsed)
                    items[0] += len(found)

        started = time.perf_counter()
        threads = [threading.Thread(target=worker, args=(number,)) for number in range(clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if failures:
            raise RuntimeError(failures[0])
        return time.perf_counter() - started, latencies, items[0]

    def close(self) -> None:
        for client in self.clients.values():
            client.close()


def compare(
    runner: Runner, handler_url: str, requests: int, rounds: int, clients: int, pids: dict[str, int]
) -> dict[str, Any]:
    """`rounds` x (sdk block, handler block) with `clients` threads; images/s over all rounds, latencies, and the
    CPU time per image of each process (`pids`: server, triton, envoy)."""
    walls = {"sdk": 0.0, "handler": 0.0}
    cpu = {name: dict.fromkeys(pids, 0.0) for name in walls}
    samples: dict[str, list[float]] = {"sdk": [], "handler": []}
    events = 0
    for _ in range(rounds):
        for name, url, check in (("sdk", SDK_URL, "images_estimations"), ("handler", handler_url, "events")):
            used = {process: cpu_seconds(pid) for process, pid in pids.items()}
            wall, latencies, items = runner.run(url, requests, clients, check)
            for process, pid in pids.items():
                cpu[name][process] += cpu_seconds(pid) - used[process]
            events += items if name == "handler" else 0
            walls[name] += wall
            samples[name] += latencies
    result: dict[str, Any] = {"clients": clients, "requests_each": requests * rounds}
    for name in ("sdk", "handler"):
        result[name] = {"images_per_s": round(requests * rounds / walls[name], 2), **percentiles(samples[name])}
        result[name]["cpu_ms_per_image"] = {
            process: round(seconds * 1000 / (requests * rounds), 1) for process, seconds in cpu[name].items()
        }
    result["handler"]["events_per_s"] = round(events / walls["handler"], 2)
    result["handler_vs_sdk"] = round(result["handler"]["images_per_s"] / result["sdk"]["images_per_s"], 3)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--list-faces", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=40, help="requests per block")
    parser.add_argument("--rounds", type=int, default=3, help="sdk/handler block pairs per client count")
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 2])
    options = parser.parse_args()
    images = [photos.face_recognition_image(name).read_bytes() for name in PHOTOS]
    load_before = [round(x, 2) for x in os.getloadavg()]
    with tempfile.TemporaryDirectory() as data:
        started = time.perf_counter()
        account, list_id, _ = fill(Path(data), options.list_faces)
        seed_s = time.perf_counter() - started
        headers = {"Luna-Account-Id": account}
        image_headers = {**headers, "Content-Type": "image/jpeg"}
        started = time.perf_counter()
        stack = Stack(bench_settings(Path(data), free_port_block(), triton_start=True)).start()
        start_s = time.perf_counter() - started
        try:
            pid = stack.processes["server"].pid
            with httpx.Client(base_url=stack.rest_url, timeout=300.0) as client:
                enrol_policies = {
                    "storage_policy": {"face_policy": {"store_face": 1, "link_to_lists_policy": [{"list_id": list_id}]}}
                }
                enrol = client.post("/6/handlers", json={"policies": enrol_policies}, headers=headers).json()
                reply = client.post(
                    f"/6/handlers/{enrol['handler_id']}/events",
                    content=images[0],
                    params={"external_id": "obama"},
                    headers=image_headers,
                )
                reply.raise_for_status()
                policies = {
                    "extract_policy": {"extract_basic_attributes": 1},
                    "match_policy": [{"label": "list", "candidates": {"origin": "faces", "list_id": list_id}}],
                }
                handler = client.post("/6/handlers", json={"policies": policies}, headers=headers).json()
                handler_url = f"/6/handlers/{handler['handler_id']}/events"
                sample = client.post(handler_url, content=images[1], headers=image_headers).json()["events"][0]
                top = sample["matches"][0]["candidates"][0]
                runner = Runner(stack.rest_url, image_headers, images)
                assert stack.triton is not None and stack.triton.pid is not None
                pids = {"server": pid, "triton": stack.triton.pid, "envoy": stack.processes["envoy"].pid}
                try:
                    compare(runner, handler_url, len(images), 1, max(options.clients), pids)  # warm-up
                    rss_before = proc_status_kb(pid, "VmRSS")
                    runs = [
                        compare(runner, handler_url, options.requests, options.rounds, n, pids) for n in options.clients
                    ]
                finally:
                    runner.close()
            memory = {
                "server_rss_mb_before_runs": round(rss_before / 1024, 1),
                "server_rss_mb_after_runs": round(proc_status_kb(pid, "VmRSS") / 1024, 1),
                "server_peak_rss_mb": round(proc_status_kb(pid, "VmHWM") / 1024, 1),
            }
        except BaseException:
            log = Path(data) / "logs" / "triton.log"
            if log.is_file():
                print(log.read_text()[-3000:])
            raise
        finally:
            stack.stop()
    result = {
        "bench": "handler_events",
        "time": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "cpu": platform.processor() or platform.machine(),
            "cores": os.cpu_count(),
            "load_average_before": load_before,
            "load_average_after": [round(x, 2) for x in os.getloadavg()],
        },
        "handler": "detect + descriptor + basic attributes + match (list, limit 3) + store sample and event + notify",
        "sdk": SDK_URL,
        "list_faces": options.list_faces + 1,
        "seed_s": round(seed_s, 1),
        "stack_start_s": round(start_s, 1),
        "runs": runs,
        "obama2_top_match": {"external_id": top["face"]["external_id"], "similarity": round(top["similarity"], 4)},
        "memory": memory,
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
