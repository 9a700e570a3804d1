"""Face pipeline speed and accuracy: Lumen vs the `face_recognition` library on the same photos.

    python -m bench.inference [--rounds 3] [--clients 2] [--peer-python /tmp/peer-venv/bin/python]
                              [--no-rest] [--no-peer] [--out result.json]

Photos (tests/photos.py fetches them from the package registries): face_recognition 1.3.0's obama.jpg,
obama2.jpg, obama3.jpg and biden.jpg, and every photo of dlib's examples/faces (Debian libdlib19.1).
Every run starts from the JPEG bytes in memory: decode + detect + align + 128-d descriptor, all faces.

Speed, in images/s. Every method does one warm-up pass over the photos; then `rounds` rounds, each one
timed pass per method back to back (so that the methods share the machine's load of the moment; the
load average is recorded per round), then, with `clients` > 1, one pass per method with that many
clients at once (threads for Lumen, processes for the peer, which runs on one core). Reported: images/s
from the median pass, and the median over rounds of the per-round ratio to the peer.
- rest: POST /6/sdk?estimate_face_descriptor=1 (raw JPEG body, multiface_policy 1 = every face)
  through Envoy -> gRPC server -> Triton (python backend, onnxruntime, CPU): a real stack (server.stack)
  on free ports with a temporary data directory.
- triton_transport: the inference package in this process over TritonTransport (the same Triton),
  i.e. without Envoy and the gRPC server.
- local: the inference package in this process with LocalTransport (onnxruntime in-process).
- peer: bench/peer_face_recognition.py run by --peer-python (a venv with face_recognition + dlib-bin):
  HOG detector (upsample 1) + dlib's 5-point landmarks + dlib ResNet (1 jitter); one process, and
  in --serve mode (one process, and `clients` processes for the concurrent passes).
- descriptor_batch: faces/s of the descriptor model alone at batch 1, 4, 16, 32 (real face chips),
  over Triton and in-process.
- detection: MTCNN alone (decoded photos), the defaults vs the previous defaults (minimum face 20 px,
  no image-size cap, one P-Net call per level: MtcnnOptions(20, max_image_size=None, pack_pixels=0),
  whose results are the reference pipeline's), in-process and over Triton, interleaved per photo.

Accuracy:
- detection on the 43 labelled faces of dlib's examples/faces (training.xml + testing.xml, 9 photos):
  a detection matches a label when IoU >= 0.5 (one-to-one, best IoU first); also reported with the
  criterion of tests/unit/test_inference.py (the detection's centre inside the labelled box). Unmatched
  detections are false positives. The same for the peer's HOG boxes. Face counts on the unlabelled
  photos (bald_guys.jpg, Tom_Cruise_avp_2014_4.jpg, dogs.jpg, the portraits) too.
- detection rate by face size: the photos with faces of 40 px and more (portraits, Tom_Cruise,
  bald_guys, 2008_001009, 2008_001322, 2008_002506, 2009_004587) scaled down (box filter) so that their
  faces' detection rects (found with PREVIOUS_DEFAULTS at full size) become 12 to 60 px wide; a face
  counts as found when a detection's centre falls inside its scaled rect. Previous defaults vs defaults.
- obama x3 vs biden: cosine of the L2-normalised descriptors, euclidean distance of the raw (dlib-scale)
  descriptors, and the LUNA similarity of server/matching/similarity.py as it stands (its CENTER/SLOPE
  are printed); the peer's raw euclidean distances for reference; REST vs local descriptor agreement.
Prints one JSON document (and writes it to --out).
"""

from __future__ import annotations

import argparse
import base64
import http.client
import itertools
import json
import os
import platform
import socket
import subprocess
import sys
import tempfile
import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from inference.alignment import face_chips
from inference.analysis import FaceAnalyser
from inference.image import decode_image
from inference.models import DLIB_DESCRIPTOR
from inference.mtcnn import MtcnnDetector, MtcnnOptions
from inference.transport import InferenceTransport, LocalTransport
from tests import photos

ROOT = Path(__file__).resolve().parent.parent
PORTRAITS = ("obama.jpg", "obama2.jpg", "obama3.jpg", "biden.jpg")
PEER_SCRIPT = ROOT / "bench" / "peer_face_recognition.py"
DEFAULT_PEER_PYTHON = "/tmp/peer-venv/bin/python"
BATCH_SIZES = (1, 4, 16, 32)

Box = tuple[float, float, float, float]


def load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def machine() -> dict[str, Any]:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import onnxruntime

    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "onnxruntime": onnxruntime.__version__,
        "load_average_start": load(),
    }


# -- photos -------------------------------------------------------------------------------------------


def bench_photos() -> tuple[dict[str, bytes], dict[str, list[Box]]]:
    """name -> JPEG bytes (portraits first, then dlib's faces/ photos), and name -> labelled boxes."""
    images = {name: photos.face_recognition_image(name).read_bytes() for name in PORTRAITS}
    examples = photos.dlib_examples()
    if examples is None:
        raise SystemExit("Debian libdlib19.1 examples unavailable (apt-get download libdlib19.1)")
    labels: dict[str, list[Box]] = {}
    for xml in ("training.xml", "testing.xml"):
        for item in ET.parse(examples / "faces" / xml).getroot().iter("image"):
            labels[item.get("file", "")] = [
                (
                    float(box.get("left", 0)),
                    float(box.get("top", 0)),
                    float(box.get("width", 0)),
                    float(box.get("height", 0)),
                )
                for box in item.iter("box")
            ]
    for path in sorted((examples / "faces").glob("*.jpg")):
        images[path.name] = path.read_bytes()
    return images, labels


# -- methods ------------------------------------------------------------------------------------------


class Method:
    """Runs timed passes over the photos."""

    name = ""

    def warm_up(self) -> None:
        """One untimed pass."""

    def one_pass(self) -> tuple[float, list[float]]:
        """Seconds for one pass, and per photo."""
        raise NotImplementedError

    def concurrent_pass(self, clients: int) -> float:
        """Wall seconds for `clients` passes at once."""
        raise NotImplementedError

    def close(self) -> None:
        """Release what the method holds."""


class CallMethod(Method):
    """A per-photo call in this process (Lumen in-process, or a REST client): threads for concurrency."""

    def __init__(self, name: str, call: Callable[[str, bytes], int], images: dict[str, bytes]) -> None:
        self.name = name
        self.call = call
        self.images = images
        self.faces: dict[str, int] = {}

    def warm_up(self) -> None:
        self.faces = {name: self.call(name, data) for name, data in self.images.items()}

    def one_pass(self) -> tuple[float, list[float]]:
        per_image = []
        begin = time.perf_counter()
        for name, data in self.images.items():
            start = time.perf_counter()
            self.call(name, data)
            per_image.append(time.perf_counter() - start)
        return time.perf_counter() - begin, per_image

    def concurrent_pass(self, clients: int) -> float:
        names = list(self.images)
        errors: list[BaseException] = []

        def worker(offset: int) -> None:
            try:
                for name in names[offset:] + names[:offset]:  # start at different photos
                    self.call(name, self.images[name])
            except BaseException as exc:  # noqa: BLE001 - re-raised below
                errors.append(exc)

        threads = [threading.Thread(target=worker, args=(i * len(names) // clients,)) for i in range(clients)]
        begin = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if errors:
            raise errors[0]
        return time.perf_counter() - begin


class PeerProcess:
    """bench/peer_face_recognition.py --serve in the peer's venv."""

    def __init__(self, python: str, paths: list[Path], log: Path) -> None:
        self.log = log.open("ab")
        self.process = subprocess.Popen(
            [python, str(PEER_SCRIPT), "--serve", *map(str, paths)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.log,
            text=True,
        )
        self.read()  # {"ready": true} after its warm-up pass

    def read(self) -> dict[str, Any]:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"peer exited with {self.process.wait()} (see {self.log.name})")
        reply: dict[str, Any] = json.loads(line)
        return reply

    def send(self, command: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()

    def finish(self) -> dict[str, Any]:
        self.send("quit")
        document = self.read()
        self.process.wait(timeout=60)
        self.log.close()
        return document


class PeerMethod(Method):
    name = "peer"

    def __init__(self, python: str, paths: list[Path], clients: int, log: Path) -> None:
        self.processes = [PeerProcess(python, paths, log) for _ in range(max(1, clients))]
        self.document: dict[str, Any] = {}

    def one_pass(self) -> tuple[float, list[float]]:
        self.processes[0].send("pass")
        reply = self.processes[0].read()
        return float(reply["pass_s"]), [float(v) for v in reply["per_image_s"]]

    def concurrent_pass(self, clients: int) -> float:
        begin = time.perf_counter()
        for process in self.processes[:clients]:
            process.send("pass")
        for process in self.processes[:clients]:
            process.read()
        return time.perf_counter() - begin

    def close(self) -> None:
        self.document = self.processes[0].finish()
        for process in self.processes[1:]:
            process.finish()


def interleaved_rounds(
    methods: list[Method], names: list[str], rounds: int, clients: int, concurrent: set[str]
) -> dict[str, Any]:
    """Warm-up, then `rounds` rounds of one pass per method (and one concurrent pass per method in
    `concurrent`); per method: passes, images/s, per-photo medians, and per-round ratios to the peer."""
    for method in methods:
        method.warm_up()
    passes: dict[str, list[float]] = {m.name: [] for m in methods}
    per_image: dict[str, list[list[float]]] = {m.name: [] for m in methods}
    walls: dict[str, list[float]] = {m.name: [] for m in methods if m.name in concurrent}
    loads = []
    for _ in range(rounds):
        loads.append(load())
        for method in methods:
            seconds, photos_s = method.one_pass()
            passes[method.name].append(seconds)
            per_image[method.name].append(photos_s)
        if clients > 1:
            for method in methods:
                if method.name in concurrent:
                    walls[method.name].append(method.concurrent_pass(clients))
    loads.append(load())
    count = len(names)
    out: dict[str, Any] = {"load_average_per_round": loads}
    for method in methods:
        name = method.name
        item: dict[str, Any] = {
            "pass_s": [round(v, 3) for v in passes[name]],
            "images_per_s": round(count / float(np.median(passes[name])), 3),
            "per_image_ms_median": {
                photo: round(float(np.median([run[i] for run in per_image[name]])) * 1000, 1)
                for i, photo in enumerate(names)
            },
        }
        if name in walls and walls[name]:
            item[f"concurrent_{clients}"] = {
                "wall_s": [round(v, 3) for v in walls[name]],
                "images_per_s": round(clients * count / float(np.median(walls[name])), 3),
            }
        out[name] = item
    if "peer" in passes:
        ratios: dict[str, Any] = {}
        for name in passes:
            if name == "peer":
                continue
            per_round = [p / o for o, p in zip(passes[name], passes["peer"], strict=True)]
            ratios[name] = {
                "sequential_median": round(float(np.median(per_round)), 2),
                "sequential_per_round": [round(v, 2) for v in per_round],
            }
            if name in walls and "peer" in walls and walls[name]:
                per_round = [p / o for o, p in zip(walls[name], walls["peer"], strict=True)]
                ratios[name][f"concurrent_{clients}_median"] = round(float(np.median(per_round)), 2)
                ratios[name][f"concurrent_{clients}_per_round"] = [round(v, 2) for v in per_round]
        out["speedup_vs_peer"] = ratios
    return out


# -- Lumen ----------------------------------------------------------------------------------------------


def pipeline_call(pipeline: FaceAnalyser) -> Callable[[str, bytes], int]:
    def call(name: str, data: bytes) -> int:
        return len(pipeline.process_bytes(data))

    return call


def descriptor_batches(transport: InferenceTransport, chips: np.ndarray, seconds: float = 2.0) -> dict[str, Any]:
    """faces/s of the descriptor model at each batch size (calls repeated for about `seconds`)."""
    out: dict[str, Any] = {"load_before": load()}
    for size in BATCH_SIZES:
        batch = np.ascontiguousarray(np.resize(chips, (size, *chips.shape[1:])))
        transport.infer(DLIB_DESCRIPTOR, {"chip": batch})
        samples: list[float] = []
        begin = time.perf_counter()
        while len(samples) < 3 or time.perf_counter() - begin < seconds:
            start = time.perf_counter()
            transport.infer(DLIB_DESCRIPTOR, {"chip": batch})
            samples.append(time.perf_counter() - start)
        median = float(np.median(samples))
        out[str(size)] = {
            "calls": len(samples),
            "ms_per_call_median": round(median * 1000, 2),
            "faces_per_s": round(size / median, 1),
        }
    out["load_after"] = load()
    return out


PREVIOUS_DEFAULTS = MtcnnOptions(min_face_size=20.0, max_image_size=None, pack_pixels=0)


def detection_timing(transport: InferenceTransport, images: dict[str, bytes], rounds: int) -> dict[str, Any]:
    """Detection alone: current defaults vs PREVIOUS_DEFAULTS, each photo timed back to back per round."""
    pixels = {name: decode_image(data) for name, data in images.items()}
    detectors = {"defaults": MtcnnDetector(transport), "previous_defaults": MtcnnDetector(transport, PREVIOUS_DEFAULTS)}
    for detector in detectors.values():
        for image in pixels.values():
            detector.detect(image)
    times: dict[str, dict[str, list[float]]] = {key: {name: [] for name in pixels} for key in detectors}
    load_before = load()
    for _ in range(rounds):
        for name, image in pixels.items():
            for key, detector in detectors.items():
                start = time.perf_counter()
                detector.detect(image)
                times[key][name].append(time.perf_counter() - start)
    out: dict[str, Any] = {"load_before": load_before, "load_after": load()}
    for key, per_image in times.items():
        medians = {name: float(np.median(v)) for name, v in per_image.items()}
        out[key] = {
            "total_ms_median": round(sum(medians.values()) * 1000, 1),
            "total_ms_min": round(sum(min(v) for v in per_image.values()) * 1000, 1),
            "per_image_ms_median": {name: round(v * 1000, 1) for name, v in medians.items()},
        }
    out["speedup_median"] = round(out["previous_defaults"]["total_ms_median"] / out["defaults"]["total_ms_median"], 2)
    out["speedup_min"] = round(out["previous_defaults"]["total_ms_min"] / out["defaults"]["total_ms_min"], 2)
    return out


def free_port_block(size: int = 4) -> int:
    for _ in range(200):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            base = int(probe.getsockname()[1])
        if base + size >= 65535:
            continue
        try:
            for port in range(base, base + size):
                with socket.socket() as sock:
                    sock.bind(("127.0.0.1", port))
        except OSError:
            continue
        return base
    raise RuntimeError("no free port block")


SDK_PATH = "/6/sdk?estimate_face_descriptor=1&multiface_policy=1"


def sdk_descriptors(body: dict[str, Any]) -> list[np.ndarray]:
    image = body["images_estimations"][0]
    if image["status"] != 1:
        raise RuntimeError(f"sdk error: {image['error']}")
    vectors = []
    for estimation in image["estimations"]:
        raw = base64.b64decode(estimation["face"]["detection"]["attributes"]["descriptor"]["sdk_descriptor"])
        if raw[:4] != b"dp\x00\x00":
            raise RuntimeError("unexpected sdk_descriptor layout")
        vectors.append(np.frombuffer(raw[8:], dtype="<f4").copy())
    return vectors


class RestCall:
    """POST /6/sdk with one keep-alive connection per thread; keeps the last descriptors per photo."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.local = threading.local()
        self.last: dict[str, list[np.ndarray]] = {}

    def __call__(self, name: str, data: bytes) -> int:
        connection = getattr(self.local, "connection", None)
        if connection is None:
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
            self.local.connection = connection
        connection.request("POST", SDK_PATH, body=data, headers={"Content-Type": "image/jpeg"})
        reply = connection.getresponse()
        payload = reply.read()
        if reply.status != 200:
            raise RuntimeError(f"POST /6/sdk {name}: {reply.status} {payload[:300]!r}")
        vectors = sdk_descriptors(json.loads(payload))
        self.last[name] = vectors
        return len(vectors)


# -- accuracy -----------------------------------------------------------------------------------------


def iou(a: Box, b: Box) -> float:
    width = max(0.0, min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0]))
    height = max(0.0, min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1]))
    inter = width * height
    union = a[2] * a[3] + b[2] * b[3] - inter
    return inter / union if union > 0 else 0.0


def centre_inside(detection: Box, label: Box) -> bool:
    cx, cy = detection[0] + detection[2] / 2, detection[1] + detection[3] / 2
    return label[0] <= cx <= label[0] + label[2] and label[1] <= cy <= label[1] + label[3]


def match(detections: Sequence[Box], labels: Sequence[Box], criterion: str) -> tuple[int, int, list[float]]:
    """(matched labels, false positives, IoU of each match): one-to-one, highest IoU pairs first."""
    pairs = []
    for i, det in enumerate(detections):
        for j, label in enumerate(labels):
            overlap = iou(det, label)
            ok = overlap >= 0.5 if criterion == "iou" else centre_inside(det, label)
            if ok:
                pairs.append((overlap, i, j))
    used_d: set[int] = set()
    used_l: set[int] = set()
    ious = []
    for overlap, i, j in sorted(pairs, reverse=True):
        if i in used_d or j in used_l:
            continue
        used_d.add(i)
        used_l.add(j)
        ious.append(overlap)
    return len(used_l), len(detections) - len(used_d), ious


def detection_accuracy(boxes: dict[str, list[Box]], labels: dict[str, list[Box]]) -> dict[str, Any]:
    out: dict[str, Any] = {"labelled_faces": sum(len(v) for v in labels.values()), "labelled_photos": len(labels)}
    for criterion in ("iou", "centre"):
        found = false_positives = 0
        ious: list[float] = []
        per_photo = {}
        for name, truth in labels.items():
            matched, fp, overlaps = match(boxes[name], truth, criterion)
            found += matched
            false_positives += fp
            ious += overlaps
            per_photo[name] = f"{matched}/{len(truth)} fp {fp}"
        out["iou>=0.5" if criterion == "iou" else "centre_in_box"] = {
            "found": found,
            "false_positives": false_positives,
            "recall": round(found / out["labelled_faces"], 4),
            "iou_min": round(min(ious), 3) if ious else None,
            "iou_median": round(float(np.median(ious)), 3) if ious else None,
            "per_photo": per_photo,
        }
    out["unlabelled_photo_faces"] = {name: len(found) for name, found in boxes.items() if name not in labels}
    return out


SWEEP_PHOTOS = (
    "obama.jpg",
    "obama2.jpg",
    "obama3.jpg",
    "biden.jpg",
    "bald_guys.jpg",
    "Tom_Cruise_avp_2014_4.jpg",
    "2008_002506.jpg",
    "2008_001322.jpg",
    "2008_001009.jpg",
    "2009_004587.jpg",
)
SWEEP_WIDTHS = (12, 14, 16, 18, 20, 22, 24, 27, 30, 34, 38, 43, 48, 54, 60)


def detection_by_face_size(transport: InferenceTransport, images: dict[str, bytes]) -> dict[str, Any]:
    """Found / total faces per rect width (nearest of SWEEP_WIDTHS), previous defaults vs defaults."""
    from PIL import Image

    reference = MtcnnDetector(transport, PREVIOUS_DEFAULTS)
    detectors = {"previous_defaults": reference, "defaults": MtcnnDetector(transport)}
    counts = {key: {width: [0, 0] for width in SWEEP_WIDTHS} for key in detectors}
    for name in SWEEP_PHOTOS:
        pixels = decode_image(images[name])
        truth = reference.detect(pixels)
        median = float(np.median([face.width for face in truth]))
        pil = Image.fromarray(pixels)
        for target in SWEEP_WIDTHS:
            scale = target / median
            if scale > 1:
                continue
            size = (max(1, round(pil.width * scale)), max(1, round(pil.height * scale)))
            small = np.asarray(pil.resize(size, Image.Resampling.BOX))
            for key, detector in detectors.items():
                found = [(d.x + d.width / 2, d.y + d.height / 2) for d in detector.detect(small)]
                for face in truth:
                    x, y, w, h = (v * scale for v in face.box)
                    bucket = min(SWEEP_WIDTHS, key=lambda width: abs(width - w))
                    counts[key][bucket][0] += any(x <= cx <= x + w and y <= cy <= y + h for cx, cy in found)
                    counts[key][bucket][1] += 1
    return {
        key: {f"{width}px": f"{hit}/{total}" for width, (hit, total) in table.items() if total}
        for key, table in counts.items()
    }


def pair_table(vectors: dict[str, np.ndarray], metric: Callable[[np.ndarray, np.ndarray], float]) -> dict[str, float]:
    return {f"{a}~{b}": round(metric(vectors[a], vectors[b]), 4) for a, b in itertools.combinations(PORTRAITS, 2)}


def similarity_section(
    pipeline: FaceAnalyser, images: dict[str, bytes]
) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """Portrait pair tables, and the portraits' L2-normalised descriptors."""
    unit, raw = {}, {}
    for name in PORTRAITS:
        pixels = decode_image(images[name])
        detections = pipeline.detect(pixels)
        chips = face_chips(pixels, [detections[0].landmarks])
        unit[name] = pipeline.extractor.extract(chips)[0]
        raw[name] = pipeline.extractor.extract_raw(chips)[0]
    out: dict[str, Any] = {
        "cosine": pair_table(unit, lambda a, b: float(a @ b)),
        "euclidean_raw": pair_table(raw, lambda a, b: float(np.linalg.norm(a - b))),
    }
    try:
        from server.matching import similarity as luna

        out["luna_similarity"] = pair_table(unit, lambda a, b: float(luna.similarity_from_cosine(float(a @ b))))
        names = ("CENTER", "SLOPE", "RECOMMENDED_THRESHOLD")
        out["luna_similarity_mapping"] = {key: getattr(luna, key) for key in names if hasattr(luna, key)}
    except Exception as exc:  # noqa: BLE001 - the module is being changed by others; report, go on
        out["luna_similarity_error"] = repr(exc)
    return out, unit


# -- main ---------------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--clients", type=int, default=2)
    parser.add_argument("--peer-python", default=DEFAULT_PEER_PYTHON)
    parser.add_argument("--no-rest", action="store_true", help="no stack: no rest / triton_transport methods")
    parser.add_argument("--no-peer", action="store_true")
    parser.add_argument("--out", type=Path)
    options = parser.parse_args()

    report: dict[str, Any] = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": " ".join(["python -m bench.inference", *sys.argv[1:]]),
        "machine": machine(),
    }
    images, labels = bench_photos()
    names = list(images)
    report["images"] = {name: "x".join(map(str, decode_image(data).shape[1::-1])) for name, data in images.items()}
    report["detector_options"] = dict(vars(MtcnnOptions()))
    report["previous_detector_options"] = dict(vars(PREVIOUS_DEFAULTS))

    local_transport = LocalTransport()
    pipeline = FaceAnalyser(local_transport)
    detections = {name: pipeline.detect(decode_image(data)) for name, data in images.items()}
    chips = np.concatenate(
        [
            face_chips(decode_image(images[name]), [d.landmarks for d in found])
            for name, found in detections.items()
            if found
        ]
    )

    methods: list[Method] = []
    stack = triton = rest_call = None
    workdir = tempfile.TemporaryDirectory(prefix="lumen-bench-")
    try:
        if not options.no_rest:
            from inference.triton import TritonTransport
            from server.settings import Settings
            from server.stack import Stack

            base = free_port_block()
            settings = replace(
                Settings(),
                data_dir=Path(workdir.name) / "data",
                rest_host="127.0.0.1",
                rest_port=base,
                grpc_port=base + 1,
                envoy_admin_port=base + 2,
                triton_port=base + 3,
                triton_start=True,
                tasks_port=0,
            )
            started = time.perf_counter()
            stack = Stack(settings).start()
            report["stack"] = {
                "ready_s": round(time.perf_counter() - started, 2),
                "grpc_workers": settings.grpc_workers,
                "rest_operation": f"POST {SDK_PATH} (raw image/jpeg body)",
            }
            rest_call = RestCall(settings.rest_port)
            triton = TritonTransport(f"127.0.0.1:{settings.triton_port}")
            methods.append(CallMethod("rest", rest_call, images))
            methods.append(CallMethod("triton_transport", pipeline_call(FaceAnalyser(triton)), images))
        methods.append(CallMethod("local", pipeline_call(pipeline), images))
        if not options.no_peer:
            examples = photos.dlib_examples()
            assert examples is not None
            paths = [photos.face_recognition_image(name) for name in PORTRAITS]
            paths += sorted((examples / "faces").glob("*.jpg"))
            assert [path.name for path in paths] == names
            methods.append(PeerMethod(options.peer_python, paths, options.clients, Path(workdir.name) / "peer.log"))
        concurrent = {"rest", "local", "peer"}
        report["speed"] = interleaved_rounds(methods, names, options.rounds, options.clients, concurrent)
        faces = {m.name: m.faces for m in methods if isinstance(m, CallMethod)}
        report["speed"]["faces_per_pass"] = {name: sum(found.values()) for name, found in faces.items()}
        if triton is not None:
            report["descriptor_batch_triton"] = descriptor_batches(triton, chips)
        report["descriptor_batch_local"] = descriptor_batches(local_transport, chips)
        report["detection_local"] = detection_timing(local_transport, images, options.rounds)
        if triton is not None:
            report["detection_triton"] = detection_timing(triton, images, options.rounds)
    finally:
        for method in methods:
            method.close()
        if triton is not None:
            triton.close()
        if stack is not None:
            stack.stop()

    accuracy: dict[str, Any] = {
        "lumen": detection_accuracy({n: [d.box for d in f] for n, f in detections.items()}, labels)
    }
    previous = MtcnnDetector(local_transport, PREVIOUS_DEFAULTS)
    accuracy["lumen_previous_defaults"] = detection_accuracy(
        {name: [d.box for d in previous.detect(decode_image(data))] for name, data in images.items()}, labels
    )
    accuracy["detection_rate_by_rect_width"] = detection_by_face_size(local_transport, images)
    similarities, unit = similarity_section(pipeline, images)
    accuracy["portraits_lumen"] = similarities
    if rest_call is not None:
        accuracy["rest_vs_local_cosine"] = {
            name: round(float(rest_call.last[name][0] @ unit[name]), 6) for name in PORTRAITS
        }
    peer = next((m for m in methods if isinstance(m, PeerMethod)), None)
    if peer is not None:
        document = peer.document
        report["peer"] = {key: document[key] for key in ("library", "versions", "settings")}
        boxes: dict[str, list[Box]] = {
            item["file"]: [(float(x), float(y), float(w), float(h)) for x, y, w, h in item["boxes"]]
            for item in document["images"]
        }
        accuracy["peer"] = detection_accuracy(boxes, labels)
        report["speed"]["faces_per_pass"]["peer"] = sum(item["faces"] for item in document["images"])
        raw = {
            item["file"]: np.asarray(item["descriptors"][0])
            for item in document["images"]
            if item["file"] in PORTRAITS and item["descriptors"]
        }
        if len(raw) == len(PORTRAITS):
            accuracy["portraits_peer"] = {
                "euclidean_raw": pair_table(raw, lambda a, b: float(np.linalg.norm(a - b))),
                "cosine": pair_table(raw, lambda a, b: float(a @ b / np.linalg.norm(a) / np.linalg.norm(b))),
            }
    workdir.cleanup()
    report["accuracy"] = accuracy
    report["machine"]["load_average_end"] = load()
    text = json.dumps(report, indent=1)
    if options.out:
        options.out.write_text(text + "\n")
    print(text)


if __name__ == "__main__":
    main()
