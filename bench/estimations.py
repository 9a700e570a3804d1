"""Latency and memory of each estimation path of /6/sdk, /6/detector and /6/iso through the real stack.

    python -m bench.estimations [--requests 20] [--out result.json]

Starts a real stack (server.stack: Triton + gRPC server + Envoy, temporary data directory, free ports),
then, for each path below, sends one warm-up request and `requests` timed requests one after another
(one keep-alive client) with each photo: obama.jpg (1 face, 1 person) and dlib's examples/faces
2009_004587.jpg (several faces). Reports per path and photo the p50 / p90 latency in ms, the difference
of the p50 to the plain detection path (what the estimation adds), and the resident memory (VmRSS) of
the gRPC server and of Triton with its python-backend stubs (every process below tritonserver) at start
and after all paths. Prints one JSON document (and writes it to --out).
"""

from __future__ import annotations

import argparse
import http.client
import json
import platform
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import bench_settings
from bench.inference import free_port_block
from tests import photos

#: (name, path with query). The first is the baseline every other path is compared with.
PATHS: tuple[tuple[str, str], ...] = (
    ("detect", "/6/sdk?detect_face=1&estimate_face_descriptor=0"),
    ("descriptor", "/6/sdk?estimate_face_descriptor=1"),
    ("head_pose+quality", "/6/sdk?estimate_head_pose=1&estimate_quality=1&estimate_face_descriptor=0"),
    ("basic_attributes (age, gender, ethnicity)", "/6/sdk?estimate_basic_attributes=1&estimate_face_descriptor=0"),
    ("emotions", "/6/sdk?estimate_emotions=1&estimate_face_descriptor=0"),
    ("mask", "/6/sdk?estimate_mask=1&estimate_face_descriptor=0"),
    ("landmarks68", "/6/sdk?estimate_landmarks68=1&estimate_face_descriptor=0"),
    ("eyes (+iris)", "/6/sdk?estimate_eyes_attributes=1&estimate_face_descriptor=0"),
    ("gaze", "/6/sdk?estimate_gaze=1&estimate_face_descriptor=0"),
    ("mouth (FaceMesh + mask model for occluded)", "/6/sdk?estimate_mouth_attributes=1&estimate_face_descriptor=0"),
    ("glasses", "/6/sdk?estimate_glasses=1&estimate_face_descriptor=0"),
    ("liveness", "/6/sdk?estimate_liveness=1&estimate_face_descriptor=0"),
    ("body detection + warp", "/6/sdk?detect_body=1&estimate_body_warp=1&estimate_face_descriptor=0"),
    ("face + body", "/6/sdk?detect_face=1&detect_body=1&estimate_face_descriptor=0"),
    ("iso (29 checks)", "/6/iso?multiface_policy=1"),
    ("detector (stores samples)", "/6/detector"),
)
ACCOUNT = "6d6b0b8a-8f3e-4f63-9d39-6b5d3c1b6a11"


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def descendants(pid: int) -> list[int]:
    """pid and every process below it (from /proc/*/stat parent ids)."""
    parents: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(parents.get(current, []))
    return found


def memory(stack: Any) -> dict[str, float]:
    server = stack.processes["server"].pid
    triton_process = stack.triton._process.pid  # the bench reads the child's memory
    triton = sum(rss_kib(pid) for pid in descendants(triton_process))
    return {"server_mib": round(rss_kib(server) / 1024, 1), "triton_mib": round(triton / 1024, 1)}


def timed(connection: http.client.HTTPConnection, path: str, data: bytes, count: int) -> list[float]:
    headers = {"Content-Type": "image/jpeg", "Luna-Account-Id": ACCOUNT}
    samples = []
    for index in range(count + 1):
        started = time.perf_counter()
        connection.request("POST", path, body=data, headers=headers)
        reply = connection.getresponse()
        payload = reply.read()
        elapsed = time.perf_counter() - started
        if reply.status not in (200, 201):
            raise RuntimeError(f"POST {path}: {reply.status} {payload[:300]!r}")
        if index:  # the first request is the warm-up
            samples.append(elapsed * 1000)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--out", type=Path)
    options = parser.parse_args()

    from server.stack import Stack

    examples = photos.dlib_examples()
    images = {"obama.jpg": photos.face_recognition_image("obama.jpg").read_bytes()}
    if examples is not None:
        images["2009_004587.jpg"] = (examples / "faces" / "2009_004587.jpg").read_bytes()
    report: dict[str, Any] = {
        "date": time.strftime("%Y-%m-%d"),
        "machine": {"cpus": __import__("os").cpu_count(), "python": platform.python_version()},
        "requests": options.requests,
    }
    with tempfile.TemporaryDirectory(prefix="lumen-bench-") as workdir:
        base = free_port_block()
        settings = bench_settings(Path(workdir) / "data", base, triton_start=True)
        stack = Stack(settings).start()
        try:
            report["memory_at_start"] = memory(stack)
            connection = http.client.HTTPConnection("127.0.0.1", settings.rest_port, timeout=120)
            paths: dict[str, Any] = {}
            for name, path in PATHS:
                paths[name] = {"path": path}
                for photo, data in images.items():
                    try:
                        samples = timed(connection, path, data, options.requests)
                    except RuntimeError as error:  # a path this build does not serve: reported, not fatal
                        paths[name][photo] = {"error": str(error)}
                        continue
                    paths[name][photo] = {
                        "p50_ms": round(statistics.median(samples), 1),
                        "p90_ms": round(sorted(samples)[int(0.9 * (len(samples) - 1))], 1),
                    }
            baseline = paths[PATHS[0][0]]
            for result in paths.values():
                for photo in images:
                    if "p50_ms" in result[photo] and "p50_ms" in baseline[photo]:
                        result[photo]["added_p50_ms"] = round(result[photo]["p50_ms"] - baseline[photo]["p50_ms"], 1)
            report["paths"] = paths
            report["memory_after"] = memory(stack)
        finally:
            stack.stop()
    text = json.dumps(report, indent=2)
    print(text)
    if options.out:
        options.out.write_text(text + "\n")


if __name__ == "__main__":
    main()
