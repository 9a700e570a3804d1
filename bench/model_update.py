"""A descriptor model update at scale (docs/model-updates.md): re-extraction and collection of the old version.

    python -m bench.model_update [--faces 500]

Builds an operator's model repository in a temporary directory (every model; `dlib_face_descriptor/2` installed
beside version 1, a copy of it), then
  1. boots a stack (Triton on CPU) with descriptor version 300 only and stores --faces faces, each from a sample of
     one of four photos (POST /6/extractor on the sample, POST /6/faces with the attribute);
  2. boots it again with `300:1,301:2`, 301 current, and runs through the Tasks API an additional_extract (every
     face re-extracted from its sample with the new version) and a gc of version 300;
Prints one JSON document: faces/s of each task and the peak RSS of the server and of the task worker.
"""

from __future__ import annotations

import argparse
import json
import platform
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from bench.common import bench_settings
from inference.models import ALL_MODELS, DEFAULT_MODEL_REPOSITORY, DLIB_DESCRIPTOR
from server.stack import Stack
from tests import photos
from tests.conftest import free_port_block

PHOTOS = ("obama.jpg", "obama2.jpg", "obama3.jpg", "biden.jpg")
OLD, NEW = 300, 301


def operator_repository(root: Path) -> Path:
    for spec in ALL_MODELS:
        source = DEFAULT_MODEL_REPOSITORY / spec.name
        (root / spec.name / "1").mkdir(parents=True)
        (root / spec.name / "config.pbtxt").write_bytes((source / "config.pbtxt").read_bytes())
        (root / spec.name / "1" / "model.onnx").symlink_to(source / "1" / "model.onnx")
    (root / DLIB_DESCRIPTOR.name / "2").mkdir()
    (root / DLIB_DESCRIPTOR.name / "2" / "model.onnx").symlink_to(
        DEFAULT_MODEL_REPOSITORY / DLIB_DESCRIPTOR.name / "1" / "model.onnx"
    )
    return root


def start(data_dir: Path, repository: Path, models: str, current: int) -> Stack:
    settings = bench_settings(
        data_dir,
        free_port_block(),
        triton_start=True,
        triton_model_repository=str(repository),
        face_descriptor_models=models,
        face_descriptor_version=current,
    )
    return Stack(settings).start()


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def store_faces(client: httpx.Client, account: str, count: int) -> None:
    headers = {"Luna-Account-Id": account}
    samples = []
    for name in PHOTOS:
        image = photos.face_recognition_image(name).read_bytes()
        reply = client.post("/6/detector", content=image, headers={**headers, "Content-Type": "image/jpeg"})
        samples.append(reply.json()["images"][0]["detections"]["samples"][0]["face"]["sample_id"])
    for index in range(count):
        extracted = client.post("/6/extractor", json=[samples[index % len(samples)]], headers=headers)
        attribute = extracted.json()[0]["attribute_id"]
        created = client.post("/6/faces", json={"attribute": {"attribute_id": attribute}}, headers=headers)
        assert created.status_code == 201, created.text


def run_task(stack: Stack, client: httpx.Client, account: str, kind: str, content: dict[str, Any]) -> float:
    """Seconds from creation (Tasks API) to done."""
    headers = {"Luna-Account-Id": account}
    with httpx.Client(base_url=f"http://127.0.0.1:{stack.settings.tasks_port}", timeout=60.0) as tasks:
        started = time.perf_counter()
        reply = tasks.post(f"/1/tasks/{kind}", json={"content": content}, headers=headers)
        assert reply.status_code == 202, reply.text
        task_id = reply.json()["task_id"]
        while True:
            status = client.get(f"/6/tasks/{task_id}", headers=headers).json()["task_status"]
            if status == 5:
                return time.perf_counter() - started
            assert status not in (2, 3), status
            time.sleep(0.05)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--faces", type=int, default=500)
    args = parser.parse_args()
    account = str(uuid.uuid4())
    with tempfile.TemporaryDirectory() as tmp:
        repository = operator_repository(Path(tmp) / "models")
        data_dir = Path(tmp) / "data"
        stack = start(data_dir, repository, f"{OLD}:1", OLD)
        try:
            with httpx.Client(base_url=stack.rest_url, timeout=120.0) as client:
                started = time.perf_counter()
                store_faces(client, account, args.faces)
                stored_s = time.perf_counter() - started
        finally:
            stack.stop()
        stack = start(data_dir, repository, f"{OLD}:1,{NEW}:2", NEW)
        try:
            with httpx.Client(base_url=stack.rest_url, timeout=120.0) as client:
                every_face = {"filters": {"objects_type": "faces"}}
                extract_s = run_task(stack, client, account, "additional_extract", every_face)
                old_version = {"target": "face_descriptors", "descriptor_version": OLD}
                gc_s = run_task(stack, client, account, "gc", old_version)
                rss = {name: peak_rss_mb(stack.processes[name].pid) for name in ("server", "tasks")}
        finally:
            stack.stop()
    print(
        json.dumps(
            {
                "benchmark": "model_update",
                "time": datetime.now(UTC).isoformat(timespec="seconds"),
                "machine": platform.platform(),
                "faces": args.faces,
                "store_faces_per_s": round(args.faces / stored_s, 1),
                "additional_extract": {"s": round(extract_s, 2), "faces_per_s": round(args.faces / extract_s, 1)},
                "gc_old_version": {"s": round(gc_s, 2), "faces_per_s": round(args.faces / gc_s, 1)},
                "peak_rss_mb": rss,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
