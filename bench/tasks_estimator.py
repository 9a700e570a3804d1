"""Tasks estimator vs POST /6/handlers/{handler_id}/events with the same images, in the same run.

    python -m bench.tasks_estimator [--images 40] [--subtask-size 20]

Boots a real stack (Triton on CPU, gRPC server, Envoy) on free ports, with LUMEN_TASKS_SUBTASK_SIZE =
--subtask-size (the estimator's subtasks hold at most that many images; the 2 workers run two at once). One static
handler (detect, extract the descriptor and basic attributes, store the sample and the event). --images photos
(obama.jpg, obama2.jpg, obama3.jpg, biden.jpg in turn) are
  1. posted to the handler one by one (1 client), then by 2 clients at once;
  2. packed in a ZIP stored with POST /6/objects and run as one estimator task (created -> done, polled every
     50 ms).
Prints one JSON document: images/s of each and the ratio estimator / handler with 2 clients (the task's overhead:
reading the archive, subtasks, the result), the events each stored, and the load average before and after (the
machine may be shared).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import tempfile
import threading
import time
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import httpx

from bench.common import bench_settings
from server.stack import Stack
from tests import photos
from tests.conftest import free_port_block

PHOTOS = ("obama.jpg", "obama2.jpg", "obama3.jpg", "biden.jpg")


def post_all(base_url: str, url: str, headers: dict[str, str], images: list[bytes], clients: int) -> float:
    """Seconds to post every image (each client takes every clients-th image)."""

    def worker(number: int) -> None:
        with httpx.Client(base_url=base_url, timeout=300.0) as client:
            for image in images[number::clients]:
                client.post(url, content=image, headers=headers).raise_for_status()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--images", type=int, default=40)
    parser.add_argument("--subtask-size", type=int, default=20)
    options = parser.parse_args()
    photo_bytes = [photos.face_recognition_image(name).read_bytes() for name in PHOTOS]
    images = [photo_bytes[n % len(photo_bytes)] for n in range(options.images)]
    load_before = [round(x, 2) for x in os.getloadavg()]
    account = "6d1f5e62-1b0a-4d35-9f4e-3a1c2b7d8e90"
    headers = {"Luna-Account-Id": account}
    with tempfile.TemporaryDirectory() as data:
        settings = bench_settings(
            Path(data), free_port_block(), triton_start=True, tasks_subtask_size=options.subtask_size
        )
        stack = Stack(settings).start()
        try:
            with httpx.Client(base_url=stack.rest_url, timeout=300.0) as client:
                policies = {"extract_policy": {"extract_basic_attributes": 1}}
                handler_id = client.post("/6/handlers", json={"policies": policies}, headers=headers).json()[
                    "handler_id"
                ]
                url = f"/6/handlers/{handler_id}/events"
                image_headers = {**headers, "Content-Type": "image/jpeg"}
                post_all(stack.rest_url, url, image_headers, photo_bytes, 1)  # warm-up
                one_s = post_all(stack.rest_url, url, image_headers, images, 1)
                two_s = post_all(stack.rest_url, url, image_headers, images, 2)
                packed = io.BytesIO()
                with zipfile.ZipFile(packed, "w") as archive:
                    for number, image in enumerate(images):
                        archive.writestr(f"{number:05d}.jpg", image)
                object_id = client.post(
                    "/6/objects", content=packed.getvalue(), headers={**headers, "Content-Type": "application/zip"}
                ).json()["object_id"]
                content = {
                    "handler": {"handler_id": handler_id},
                    "source": {"source_type": "zip", "object_id": object_id},
                }
                started = time.perf_counter()
                task_id = client.post("/6/tasks/estimator", json={"content": content}, headers=headers).json()[
                    "task_id"
                ]
                while client.get(f"/6/tasks/{task_id}", headers=headers).json()["task_status"] not in (2, 3, 5):
                    time.sleep(0.05)
                task_s = time.perf_counter() - started
                result = client.get(f"/6/tasks/{task_id}/result", headers=headers).json()["result"]
        finally:
            stack.stop()
    print(
        json.dumps(
            {
                "benchmark": "tasks_estimator",
                "time": datetime.now(UTC).isoformat(timespec="seconds"),
                "machine": platform.platform(),
                "images": options.images,
                "subtask_size": options.subtask_size,
                "handler_1_client_images_per_s": round(options.images / one_s, 2),
                "handler_2_clients_images_per_s": round(options.images / two_s, 2),
                "estimator_images_per_s": round(options.images / task_s, 2),
                "estimator_vs_handler_2_clients": round(two_s / task_s, 2),
                "estimator_events": result["events_count"],
                "estimator_images_failed": result["images_failed"],
                "load_average_before": load_before,
                "load_average_after": [round(x, 2) for x in os.getloadavg()],
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
