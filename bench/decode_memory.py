"""Server memory under concurrent huge-pixel uploads (small files, many pixels) through the real stack.

    python -m bench.decode_memory [--concurrency 8] [--side 7999] [--out result.json]

Starts a real stack (server.stack: Triton + gRPC server + Envoy, temporary data directory, free ports) and
generates two images in memory: a compressible PNG of side x side pixels (a flat grey gradient with
face_recognition's obama.jpg pasted in the middle, a few hundred KB) and a JPEG of the same size (same
content, quality 90). After one warm-up request with obama.jpg (models loaded, idle memory measured), each
phase sends `concurrency` copies of one image at once:

- png_detector: the PNG to POST /6/detector (stores a face sample per face);
- jpeg_sdk: the JPEG to POST /6/sdk?detect_face=1&estimate_face_warp=1.

A thread samples the gRPC server's resident memory (VmRSS of /proc/<pid>/status) every 10 ms. Per phase the
JSON reports the idle RSS before it, the peak during it (and peak - idle), the RSS 3 s after the last answer
(and its ratio to idle), the HTTP statuses and the rect of the first face of each answer (all rects must be
in the original image's coordinates: the face is pasted at a known place). Prints one JSON document (and
writes it to --out).
"""

from __future__ import annotations

import argparse
import io
import json
import platform
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import numpy as np
from PIL import Image

from bench.common import bench_settings
from bench.inference import free_port_block
from tests import photos

MIB = 1024 * 1024
SETTLE_S = 3.0


def rss_bytes(pid: int, field: str = "VmRSS") -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(f"{field} not found for pid {pid}")


class Sampler:
    """Samples one process's RSS in a thread; `peak` since the last `reset`."""

    def __init__(self, pid: int, period_s: float = 0.01) -> None:
        self.pid = pid
        self.period_s = period_s
        self.peak = 0
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            value = rss_bytes(self.pid)
            with self._lock:
                self.peak = max(self.peak, value)
            time.sleep(self.period_s)

    def reset(self) -> None:
        with self._lock:
            self.peak = rss_bytes(self.pid)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def make_images(side: int) -> tuple[bytes, bytes, tuple[int, int]]:
    """(png, jpeg, where obama.jpg's top-left corner is pasted)."""
    face = Image.open(photos.face_recognition_image("obama.jpg")).convert("RGB")
    ramp = np.linspace(90, 170, side, dtype=np.float32).astype(np.uint8)
    canvas = Image.fromarray(np.ascontiguousarray(np.repeat(np.tile(ramp, (side, 1))[:, :, None], 3, axis=2)))
    corner = ((side - face.width) // 2, (side - face.height) // 2)
    canvas.paste(face, corner)
    png, jpeg = io.BytesIO(), io.BytesIO()
    canvas.save(png, format="PNG", compress_level=9)
    canvas.save(jpeg, format="JPEG", quality=90)
    return png.getvalue(), jpeg.getvalue(), corner


def first_rect(body: dict[str, Any]) -> dict[str, int] | None:
    """The rect of the first face of a /6/detector or /6/sdk answer."""
    image = (body.get("images") or body.get("images_estimations") or [{}])[0]
    samples = image.get("detections", {}).get("samples", [])
    if samples:
        return samples[0]["face"]["detection"]["rect"]
    for estimation in image.get("estimations", []):
        if "face" in estimation:
            return estimation["face"]["detection"]["rect"]
    return None


def phase(
    client: httpx.Client, sampler: Sampler, pid: int, path: str, data: bytes, content_type: str, concurrency: int
) -> dict[str, Any]:
    account = str(uuid.uuid4())
    idle = rss_bytes(pid)
    sampler.reset()

    def post(_: int) -> tuple[int, dict[str, int] | None, str]:
        reply = client.post(path, content=data, headers={"Content-Type": content_type, "Luna-Account-Id": account})
        body = reply.json() if reply.headers.get("content-type", "").startswith("application/json") else {}
        error = "" if reply.status_code < 300 else reply.text[:200]
        return reply.status_code, first_rect(body) if reply.status_code < 300 else None, error

    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        answers = list(pool.map(post, range(concurrency)))
    elapsed = time.perf_counter() - started
    time.sleep(SETTLE_S)
    peak = sampler.peak
    after = rss_bytes(pid)
    return {
        "path": path,
        "bytes": len(data),
        "requests": concurrency,
        "wall_s": round(elapsed, 2),
        "idle_rss_mib": round(idle / MIB, 1),
        "peak_rss_mib": round(peak / MIB, 1),
        "peak_over_idle_mib": round((peak - idle) / MIB, 1),
        "after_rss_mib": round(after / MIB, 1),
        "after_over_idle_ratio": round(after / idle, 3),
        "statuses": [status for status, _, _ in answers],
        "first_face_rects": [rect for _, rect, _ in answers],
        "errors": sorted({error for _, _, error in answers if error}),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--side", type=int, default=7999)
    parser.add_argument("--out", type=Path)
    options = parser.parse_args()

    from server.stack import Stack

    png, jpeg, corner = make_images(options.side)
    report: dict[str, Any] = {
        "date": time.strftime("%Y-%m-%d"),
        "machine": {"cpus": __import__("os").cpu_count(), "python": platform.python_version()},
        "image": {"side": options.side, "png_bytes": len(png), "jpeg_bytes": len(jpeg), "face_pasted_at": corner},
    }
    with tempfile.TemporaryDirectory(prefix="lumen-bench-") as workdir:
        base = free_port_block()
        settings = bench_settings(Path(workdir) / "data", base, triton_start=True)
        report["settings"] = {
            key: value for key, value in settings.public_view().items() if key.startswith(("decode", "grpc_workers"))
        }
        stack = Stack(settings).start()
        try:
            pid = stack.processes["server"].pid
            sampler = Sampler(pid)
            with httpx.Client(base_url=stack.rest_url, timeout=600.0) as client:
                warm = client.post(
                    "/6/sdk",
                    content=photos.face_recognition_image("obama.jpg").read_bytes(),
                    headers={"Content-Type": "image/jpeg"},
                )
                report["warm_up_status"] = warm.status_code
                time.sleep(SETTLE_S)
                sdk = "/6/sdk?detect_face=1&estimate_face_warp=1"
                report["phases"] = {
                    "png_detector": phase(client, sampler, pid, "/6/detector", png, "image/png", options.concurrency),
                    "jpeg_sdk": phase(client, sampler, pid, sdk, jpeg, "image/jpeg", options.concurrency),
                }
            sampler.stop()
            report["server_vmhwm_mib"] = round(rss_bytes(pid, "VmHWM") / MIB, 1)
        finally:
            stack.stop()
    text = json.dumps(report, indent=2)
    print(text)
    if options.out:
        options.out.write_text(text + "\n")


if __name__ == "__main__":
    main()
