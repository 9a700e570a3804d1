"""POST /6/handlers/{handler_id}/events: images/s and latency of a detect + extract + match + store handler, and the
gRPC server's memory.

    python -m bench.handler_events [--requests 40] [--clients 2] [--list-faces 1000]

Boots a real stack (Triton on CPU, gRPC server, Envoy) on free ports with a temporary data directory. One list holds
`--list-faces` faces with random descriptors plus obama.jpg's face (enrolled through a handler). The measured
handler detects every face, extracts the descriptor and basic attributes, matches against the list (limit 3) and
stores the face sample and the event (default storage policy: samples, event, notification). Photos: obama.jpg,
obama2.jpg, obama3.jpg and biden.jpg (tests/photos.py), one raw JPEG per request, in turn.

Reported: sequential p50/p99 latency and images/s; with `--clients` threads at once, images/s and p50/p99; the
server's VmRSS after the runs and its VmHWM (peak). Prints one JSON document.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import platform
import statistics
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import numpy as np

from bench.common import bench_settings
from bench.inference import free_port_block
from server.stack import Stack
from server.storage.descriptors import DEFAULT_VERSION, descriptor_format
from tests import photos

PHOTOS = ("obama.jpg", "obama2.jpg", "obama3.jpg", "biden.jpg")


def proc_status_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    return 0


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "p50_ms": round(statistics.median(ordered) * 1000, 1),
        "p99_ms": round(ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))] * 1000, 1),
    }


def populate(client: httpx.Client, headers: dict[str, str], list_id: str, count: int) -> None:
    """`count` faces with random unit descriptors in the list."""
    dimension = descriptor_format(DEFAULT_VERSION).dimension
    rng = np.random.default_rng(7)
    for _ in range(count):
        vector = rng.normal(size=dimension).astype("<f4")
        vector /= np.linalg.norm(vector)
        body = {
            "lists": [list_id],
            "attribute": {
                "face_descriptors": [
                    {"descriptor": base64.b64encode(vector.tobytes()).decode(), "version": DEFAULT_VERSION}
                ]
            },
        }
        client.post("/6/faces", json=body, headers=headers).raise_for_status()


def run(
    client: httpx.Client, url: str, headers: dict[str, str], images: list[bytes], requests: int, clients: int
) -> dict[str, Any]:
    latencies: list[float] = []
    lock = threading.Lock()
    counter = iter(range(requests))

    def worker() -> None:
        while True:
            with lock:
                index = next(counter, None)
            if index is None:
                return
            start = time.perf_counter()
            reply = client.post(url, content=images[index % len(images)], headers=headers)
            elapsed = time.perf_counter() - start
            if reply.status_code != 201 or not reply.json()["events"]:
                raise RuntimeError(f"unexpected answer {reply.status_code}: {reply.text[:300]}")
            with lock:
                latencies.append(elapsed)

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    return {
        "requests": requests,
        "clients": clients,
        "images_per_s": round(requests / wall, 2),
        **percentiles(latencies),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--clients", type=int, default=2)
    parser.add_argument("--list-faces", type=int, default=1000)
    options = parser.parse_args()
    images = [photos.face_recognition_image(name).read_bytes() for name in PHOTOS]
    account = str(uuid.uuid4())
    headers = {"Luna-Account-Id": account}
    with tempfile.TemporaryDirectory() as data:
        stack = Stack(bench_settings(Path(data), free_port_block(), triton_start=True)).start()
        try:
            pid = stack.processes["server"].pid
            with httpx.Client(base_url=stack.rest_url, timeout=120.0) as client:
                list_id = client.post("/6/lists", json={}, headers=headers).json()["list_id"]
                populate(client, headers, list_id, options.list_faces)
                enrol_policies = {
                    "storage_policy": {"face_policy": {"store_face": 1, "link_to_lists_policy": [{"list_id": list_id}]}}
                }
                enrol = client.post("/6/handlers", json={"policies": enrol_policies}, headers=headers).json()
                image_headers = {**headers, "Content-Type": "image/jpeg"}
                client.post(f"/6/handlers/{enrol['handler_id']}/events", content=images[0], headers=image_headers)
                policies = {
                    "extract_policy": {"extract_basic_attributes": 1},
                    "match_policy": [{"label": "list", "candidates": {"origin": "faces", "list_id": list_id}}],
                }
                handler = client.post("/6/handlers", json={"policies": policies}, headers=headers).json()
                url = f"/6/handlers/{handler['handler_id']}/events"
                run(client, url, image_headers, images, len(images), 1)  # warm-up
                rss_before = proc_status_kb(pid, "VmRSS")
                sequential = run(client, url, image_headers, images, options.requests, 1)
                concurrent = run(client, url, image_headers, images, options.requests, options.clients)
                sample = client.post(url, content=images[1], headers=image_headers).json()["events"][0]
                top = sample["matches"][0]["candidates"][0]["similarity"]
            memory = {
                "server_rss_mb_before_runs": round(rss_before / 1024, 1),
                "server_rss_mb_after_runs": round(proc_status_kb(pid, "VmRSS") / 1024, 1),
                "server_peak_rss_mb": round(proc_status_kb(pid, "VmHWM") / 1024, 1),
            }
        finally:
            stack.stop()
    result = {
        "bench": "handler_events",
        "time": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "cpu": platform.processor() or platform.machine(),
            "cores": os.cpu_count(),
            "load_average": [round(x, 2) for x in os.getloadavg()],
        },
        "handler": "detect + descriptor + basic attributes + match (list, limit 3) + store sample and event",
        "list_faces": options.list_faces + 1,
        "sequential": sequential,
        "concurrent": concurrent,
        "obama2_top_similarity": round(top, 4),
        "memory": memory,
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
