"""The peer of bench/inference.py: the `face_recognition` library (dlib HOG detector + 128-d descriptor).

Runs inside a throwaway venv that has face_recognition (no project imports here), e.g.

    python3 -m venv /tmp/peer-venv
    /tmp/peer-venv/bin/pip install dlib-bin face_recognition_models pillow numpy
    /tmp/peer-venv/bin/pip install --no-deps face_recognition
    /tmp/peer-venv/bin/python bench/peer_face_recognition.py --passes 3 IMAGE...

For every image: decode from bytes already in memory (`face_recognition.load_image_file` on a BytesIO),
`face_locations` (HOG, upsampled once: the library's default) and `face_encodings` (5-point landmarks,
1 jitter: the defaults). One warm-up pass first; its boxes (x, y, width, height) and raw descriptors
(dlib's scale) are reported.

Output: one JSON document (stdout) with versions, per-image results and the time of each timed pass.
With `--serve` (used by bench/inference.py to interleave its runs with Lumen's under the same machine
load) the script prints {"ready": true} after the warm-up, then runs one timed pass per "pass" line on
stdin, answering {"pass_s", "per_image_s"} on one line, and prints the final document on "quit" or EOF.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
import time
from importlib import metadata
from pathlib import Path
from typing import Any


def _dist_version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("images", nargs="+")
    parser.add_argument("--passes", type=int, default=3, help="timed passes over all images (after one warm-up)")
    parser.add_argument("--serve", action="store_true", help="run passes on request (see the module docstring)")
    parser.add_argument("--no-descriptors", action="store_true", help="leave descriptors out of the JSON")
    options = parser.parse_args()

    import dlib
    import face_recognition

    data = {path: Path(path).read_bytes() for path in options.images}

    def run(path: str) -> tuple[list[tuple[int, int, int, int]], list[list[float]]]:
        image = face_recognition.load_image_file(io.BytesIO(data[path]))
        locations = face_recognition.face_locations(image)
        encodings = face_recognition.face_encodings(image, locations)
        boxes = [(left, top, right - left, bottom - top) for top, right, bottom, left in locations]
        return boxes, [[float(v) for v in e] for e in encodings]

    def timed_pass() -> dict[str, Any]:
        per_image = []
        begin = time.perf_counter()
        for path in options.images:
            start = time.perf_counter()
            run(path)
            per_image.append(round(time.perf_counter() - start, 5))
        return {"pass_s": round(time.perf_counter() - begin, 5), "per_image_s": per_image}

    results = {path: run(path) for path in options.images}  # warm-up pass
    passes = []
    if options.serve:
        print(json.dumps({"ready": True}), flush=True)
        for line in sys.stdin:
            if line.strip() != "pass":
                break
            passes.append(timed_pass())
            print(json.dumps(passes[-1]), flush=True)
    else:
        passes = [timed_pass() for _ in range(options.passes)]

    images = []
    for index, path in enumerate(options.images):
        boxes, descriptors = results[path]
        times = sorted(item["per_image_s"][index] for item in passes)
        item: dict[str, Any] = {
            "file": os.path.basename(path),
            "faces": len(boxes),
            "boxes": [list(box) for box in boxes],
            "ms_median": round(times[len(times) // 2] * 1000, 1) if times else None,
        }
        if not options.no_descriptors:
            item["descriptors"] = descriptors
        images.append(item)
    document = {
        "library": "face_recognition",
        "versions": {
            "face_recognition": _dist_version("face_recognition"),
            "dlib": getattr(dlib, "__version__", None),
            "dlib_distribution": _dist_version("dlib-bin") or _dist_version("dlib"),
            "face_recognition_models": _dist_version("face_recognition_models"),
            "python": sys.version.split()[0],
        },
        "settings": {
            "face_locations": "model='hog', number_of_times_to_upsample=1",
            "face_encodings": "model='small' (5 points), num_jitters=1",
        },
        "pass_s": [item["pass_s"] for item in passes],
        "images": images,
    }
    print(json.dumps(document), flush=True)


if __name__ == "__main__":
    main()
