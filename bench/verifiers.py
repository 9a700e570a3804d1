"""Verifiers: REST latency of verifier CRUD, raw verification, and verification of photos against stored faces.

    python -m bench.verifiers [--requests 100] [--raw-size 100] [--photos 20]

Boots a real stack (gRPC server, Envoy, and Triton on CPU unless `--photos 0`) on free ports with a temporary data
directory. Sequential requests of one client:
- POST /6/verifiers and PUT /6/verifiers/{id} with full policies, GET /6/verifiers/{id};
- POST /6/verifiers/{id}/raw with 1 x 1 and `--raw-size` x `--raw-size` random descriptors;
- POST /6/verifiers/{id}/verifications of obama2.jpg (raw JPEG, default policies plus basic attributes) against
  `face_ids` of obama.jpg's and biden.jpg's faces (`--photos` requests; 0 skips it and Triton).
Prints one JSON document (p50/p99 in ms).
"""

from __future__ import annotations

import argparse
import base64
import json
import platform
import tempfile
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import numpy as np

from bench.common import bench_settings
from bench.handlers import timed_ms
from bench.inference import free_port_block
from server.stack import Stack
from tests import photos

POLICIES: dict[str, Any] = {
    "verification_threshold": 0.5,
    "detect_policy": {"estimate_mask": 1, "yaw_threshold": 40},
    "extract_policy": {"extract_basic_attributes": 1},
}


def descriptors(count: int, seed: int) -> list[dict[str, str]]:
    vectors = np.random.default_rng(seed).standard_normal((count, 128)).astype("<f4")
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return [
        {"id": str(i), "type": "raw_descriptor", "data": base64.b64encode(v.tobytes()).decode()}
        for i, v in enumerate(vectors)
    ]


def face_of(client: httpx.Client, headers: dict[str, str], image: bytes) -> str:
    detected = client.post("/6/detector", content=image, headers={**headers, "Content-Type": "image/jpeg"})
    sample = detected.json()["images"][0]["detections"]["samples"][0]["face"]["sample_id"]
    attribute = client.post("/6/extractor", json=[sample], headers=headers).json()[0]["attribute_id"]
    created = client.post("/6/faces", json={"attribute": {"attribute_id": attribute}}, headers=headers)
    return str(created.json()["face_id"])


def run(client: httpx.Client, options: argparse.Namespace) -> dict[str, Any]:
    headers = {"Luna-Account-Id": str(uuid.uuid4())}
    body = {"description": "bench", "policies": POLICIES}
    created: list[str] = []

    def create() -> None:
        reply = client.post("/6/verifiers", json=body, headers=headers)
        assert reply.status_code == 201, reply.text
        created.append(reply.json()["verifier_id"])

    result: dict[str, Any] = {"post_verifier": timed_ms(create, options.requests)}
    url = f"/6/verifiers/{created[0]}"
    result["put_verifier"] = timed_ms(
        lambda: client.put(url, json=body, headers=headers).raise_for_status(), options.requests
    )
    result["get_verifier"] = timed_ms(lambda: client.get(url, headers=headers).raise_for_status(), options.requests)
    for size in (1, options.raw_size):
        raw = {"references": descriptors(size, 1), "candidates": descriptors(size, 2)}

        def verify_raw(raw: dict[str, Any] = raw) -> None:
            client.post(f"{url}/raw", json=raw, headers=headers).raise_for_status()

        result[f"raw_{size}x{size}"] = timed_ms(verify_raw, options.requests)
    if options.photos:
        faces = [
            face_of(client, headers, photos.face_recognition_image(n).read_bytes()) for n in ("obama.jpg", "biden.jpg")
        ]
        probe = photos.face_recognition_image("obama2.jpg").read_bytes()
        image_headers = {**headers, "Content-Type": "image/jpeg"}

        def verify() -> None:
            reply = client.post(
                f"{url}/verifications", params={"face_ids": ",".join(faces)}, content=probe, headers=image_headers
            )
            assert reply.status_code == 200, reply.text

        verify()  # warm-up (first model calls)
        result["verifications_1_image_2_faces"] = timed_ms(verify, options.photos)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--raw-size", type=int, default=100)
    parser.add_argument("--photos", type=int, default=20)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as data:
        settings = bench_settings(Path(data), free_port_block(), triton_start=options.photos > 0)
        stack = Stack(settings).start()
        try:
            with httpx.Client(base_url=stack.rest_url, timeout=120.0) as client:
                measured = run(client, options)
        finally:
            stack.stop()
    result = {
        "bench": "verifiers",
        "time": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cpu": platform.processor() or platform.machine(), "python": platform.python_version()},
        "rest_sequential": measured,
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
