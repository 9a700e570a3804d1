"""Check the ethnicity model (`gear_ethnicity`, deploy/convert/gear.py) against the TFJS graph run by TensorFlow, and
measure it on the test photos.

1. Reference: the package's `models/gear.json` + `gear.bin` (pinned sha256s) loaded as a TensorFlow GraphDef (the
   graph JSON's nodes as NodeDefs, the float16 weights as float32 constants; TensorFlow's own `_FusedConv2D` /
   `_FusedMatMul` kernels, not tf2onnx) and fed chips / 255; compared with the committed ONNX file run through
   Lumen's LocalTransport on the same uint8 chips (all five GEAR probabilities).
2. Photos (tests/photos.py, fetched from registries): the face_recognition 1.3.0 portraits (obama x3, biden), dlib's
   `johns/` (5 men x 11 chips: John Salley, African American; John Savage, John Schneider, John Shimkus, John Simm,
   white) and dlib's `faces/` (unlabelled: only the distribution of the predominant ethnicity is reported). Faces:
   Lumen's MTCNN (largest face for portraits and johns, every face for faces/).
3. Crops: Lumen's aligned chip (inference/estimations/ethnicity.py: dlib layout, padding 0.25, 198 px) and the
   Human library's crop emulated from MTCNN's landmarks (its face box = the unit face template enlarged 1.4x, then
   [top 0, left 0.1, bottom 0.9, right 0.9] of it resized to 198x198, as src/gear/gear.ts cuts it), both scored on
   the 59 labelled faces (portraits + johns).
4. Warps: the same faces through Lumen's stored sample (the 250x250 warp, JPEG quality 95, as
   inference/warps.py makes it; the chip is cut from it with the warp's own landmark positions) vs the photo.

    python deploy/convert/verify_gear.py [--json deploy/convert/verify_gear.json]

Runs in the TensorFlow conversion venv (/tmp/convert-tf: tensorflow, onnxruntime, Pillow, numpy).
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from gear import CHIP_SIZE, RACES, extract_graph  # noqa: E402
from human_models import tarball  # noqa: E402
from verification import print_report  # noqa: E402

from inference.alignment import crop_chip, face_chip, template  # noqa: E402
from inference.analysis import FaceAnalyser  # noqa: E402
from inference.estimations.ethnicity import (  # noqa: E402
    ETHNICITIES,
    ETHNICITY_CHIP_PADDING,
    EthnicityEstimator,
    ethnicity_chips,
    from_probabilities,
)
from inference.image import decode_image, from_array  # noqa: E402
from inference.transport import LocalTransport  # noqa: E402
from tests import photos  # noqa: E402

PORTRAITS = ("obama.jpg", "obama2.jpg", "obama3.jpg", "biden.jpg")
#: Labels of the labelled faces (public facts about these people), as LUNA ethnicities.
PORTRAIT_LABELS = {
    "obama.jpg": "african_american",
    "obama2.jpg": "african_american",
    "obama3.jpg": "african_american",
    "biden.jpg": "caucasian",
}
JOHNS_LABELS = {
    "John_Salley": "african_american",
    "John_Savage": "caucasian",
    "John_Schneider": "caucasian",
    "John_Shimkus": "caucasian",
    "John_Simm": "caucasian",
}
#: inference/warps.py, server/face_results.py (WARP_SIZE, WARP_PADDING, WARP_JPEG_QUALITY); not imported here.
WARP_SIZE, WARP_PADDING, WARP_JPEG_QUALITY = 250, 0.25, 95
#: The Human library's crop (module docstring): face box enlargement, then the gear.ts box.
HUMAN_ENLARGE = 1.4
HUMAN_BOX = (0.0, 0.1, 0.9, 0.9)  # top, left, bottom, right


def tf_reference(graph: dict[str, Any], weights_path: Path) -> Any:
    """A callable float [N, 198, 198, 3] (0..1) -> race_output [N, 5], TensorFlow running the TFJS graph."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import tensorflow as tf
    from google.protobuf.json_format import ParseDict
    from tensorflow.core.framework import graph_pb2, node_def_pb2

    data = weights_path.read_bytes()
    weights: dict[str, np.ndarray] = {}
    offset = 0
    for group in graph["weightsManifest"]:
        for weight in group["weights"]:
            count = int(np.prod(weight["shape"]))
            quantization = weight.get("quantization")
            stored = np.dtype(quantization["dtype"]) if quantization else np.dtype(weight["dtype"])
            array = np.frombuffer(data, stored, count, offset)
            offset += array.nbytes
            weights[weight["name"]] = array.astype(np.dtype(weight["dtype"])).reshape(weight["shape"])
    if offset != len(data):
        raise SystemExit(f"weights manifest covers {offset} of {len(data)} bytes")
    graph_def = graph_pb2.GraphDef()
    for node in graph["modelTopology"]["node"]:
        node_def = node_def_pb2.NodeDef()
        ParseDict(node, node_def)
        # TensorFlow's _FusedConv2D wants TArgs (TFJS omits it, extract_graph added it for tf2onnx); its
        # _FusedMatMul has neither TArgs nor num_host_args.
        if node["op"] == "_FusedConv2D" and not node_def.attr["TArgs"].list.type:
            node_def.attr["TArgs"].list.type.extend([tf.float32.as_datatype_enum] * node_def.attr["num_args"].i)
        if node["op"] == "_FusedMatMul":
            for extra in ("TArgs", "num_host_args"):
                node_def.attr.pop(extra, None)
        if node["op"] == "Const":
            node_def.attr["value"].tensor.CopyFrom(tf.make_tensor_proto(weights[node["name"]]))
        graph_def.node.append(node_def)
    tf_graph = tf.Graph()
    with tf_graph.as_default():
        tf.compat.v1.import_graph_def(graph_def, name="")
    session = tf.compat.v1.Session(graph=tf_graph)
    signature = graph["signature"]
    feed = signature["inputs"]["input_1"]["name"]
    fetch = signature["outputs"]["race_output"]["name"]
    return lambda x: session.run(fetch, {feed: x})


def human_crop(pil: Image.Image, landmarks: np.ndarray) -> np.ndarray:
    """The Human library's GEAR input emulated from MTCNN's five points (module docstring)."""
    top, left, bottom, right = HUMAN_BOX
    width, height = right - left, bottom - top
    scale = (1.0 / (HUMAN_ENLARGE * width), 1.0 / (HUMAN_ENLARGE * height))
    centre = 0.5 - 0.5 / HUMAN_ENLARGE  # unit template origin inside the enlarged box
    offset = ((centre - left) / width, (centre - top) / height)
    return crop_chip(pil, landmarks, CHIP_SIZE, scale, offset)


def warp_chip(pil: Image.Image, landmarks: np.ndarray) -> np.ndarray:
    """The ethnicity chip cut from the face's stored sample (JPEG warp), as /6/extractor does."""
    warp = face_chip(pil, landmarks, WARP_SIZE, WARP_PADDING)
    out = io.BytesIO()
    from_array(warp).save(out, format="JPEG", quality=WARP_JPEG_QUALITY)
    stored = np.asarray(Image.open(io.BytesIO(out.getvalue())).convert("RGB"))
    return ethnicity_chips(stored, [template(WARP_SIZE, WARP_PADDING)])[0]


def faces() -> list[tuple[str, str | None, np.ndarray, list[np.ndarray]]]:
    """(name, label or None, image, [landmarks of the faces used])."""
    pipeline = FaceAnalyser(LocalTransport())
    out: list[tuple[str, str | None, np.ndarray, list[np.ndarray]]] = []

    def largest(image: np.ndarray) -> list[np.ndarray]:
        detections = pipeline.detect(image)
        if not detections:
            return []
        return [max(detections, key=lambda d: d.width * d.height).landmarks]

    for name in PORTRAITS:
        image = decode_image(photos.face_recognition_image(name).read_bytes())
        out.append((name, PORTRAIT_LABELS[name], image, largest(image)))
    johns = photos.johns_chips()
    if johns is not None:
        for person, paths in johns.items():
            for path in paths:
                image = decode_image(path.read_bytes())
                out.append((f"johns/{person}/{path.name}", JOHNS_LABELS[person], image, largest(image)))
    examples = photos.dlib_examples()
    if examples is not None:
        for path in sorted((examples / "faces").glob("*.jpg")):
            image = decode_image(path.read_bytes())
            out.append((f"faces/{path.name}", None, image, [d.landmarks for d in pipeline.detect(image)]))
    return out


def predominant_of(probabilities: np.ndarray) -> list[str]:
    return [e.predominant_ethnicity for e in from_probabilities(probabilities)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    package = tarball()
    transport = LocalTransport()
    estimator = EthnicityEstimator(transport)
    from inference.models import GEAR_ETHNICITY

    def onnx(chips: np.ndarray) -> np.ndarray:
        return np.asarray(transport.infer(GEAR_ETHNICITY, {"chip": chips})["probabilities"], dtype=np.float64)

    names: list[str] = []
    labels: list[str | None] = []
    aligned, human, warped = [], [], []
    for name, label, image, landmarks in faces():
        pil = from_array(image)
        for points in landmarks:
            names.append(name)
            labels.append(label)
            aligned.append(ethnicity_chips(image, [points])[0])
            human.append(human_crop(pil, points))
            warped.append(warp_chip(pil, points))
    chips = np.stack(aligned)
    with tempfile.TemporaryDirectory() as tmp:
        _, graph = extract_graph(package, Path(tmp))
        reference = tf_reference(graph, Path(tmp) / "gear.bin")
        expected = np.concatenate(
            [reference(chips[i : i + 16].astype(np.float32) / 255.0) for i in range(0, len(chips), 16)]
        )
    got = onnx(chips)
    got_human = onnx(np.stack(human))
    got_warp = onnx(np.stack(warped))
    served = estimator.estimate_chips(chips)

    labelled = [i for i, label in enumerate(labels) if label is not None]

    def accuracy(probabilities: np.ndarray) -> dict[str, float | int]:
        predicted = predominant_of(probabilities)
        right = [predicted[i] == labels[i] for i in labelled]
        by_label: dict[str, list[bool]] = {}
        for i, ok in zip(labelled, right, strict=True):
            by_label.setdefault(str(labels[i]), []).append(ok)
        return {
            "faces": len(labelled),
            "accuracy": round(float(np.mean(right)), 4),
            **{f"accuracy_{label}": round(float(np.mean(oks)), 4) for label, oks in sorted(by_label.items())},
        }

    predicted = predominant_of(got)
    portraits = {
        names[i]: {
            "predominant_ethnicity": served[i].predominant_ethnicity,
            "estimations": {k: round(v, 4) for k, v in served[i].estimations.items()},
            "gear_other": round(served[i].other, 4),
        }
        for i in range(len(names))
        if names[i] in PORTRAITS
    }
    johns: dict[str, dict[str, int]] = {}
    unlabelled: dict[str, int] = {name: 0 for name in ETHNICITIES}
    for i, name in enumerate(names):
        if name.startswith("johns/"):
            person = name.split("/")[1]
            counts = johns.setdefault(person, {})
            counts[predicted[i]] = counts.get(predicted[i], 0) + 1
        elif name.startswith("faces/"):
            unlabelled[predicted[i]] += 1
    warp_predicted = predominant_of(got_warp)
    report: dict[str, Any] = {
        "faces": len(names),
        "onnx_vs_tensorflow": {
            "classes": list(RACES),
            "max_abs_difference": float(f"{np.abs(got - expected).max():.3e}"),
            "same_argmax": round(float(np.mean(got.argmax(1) == expected.argmax(1))), 4),
        },
        "labelled_aligned_chip_padding_" + str(ETHNICITY_CHIP_PADDING): accuracy(got),
        "labelled_human_library_crop": accuracy(got_human),
        "warp_vs_photo": {
            "same_predominant": round(
                float(np.mean([a == b for a, b in zip(predicted, warp_predicted, strict=True)])), 4
            ),
            "max_abs_difference": round(float(np.abs(got - got_warp).max()), 4),
            "median_abs_difference": round(float(np.median(np.abs(got - got_warp).max(axis=1))), 4),
        },
        "portraits": portraits,
        "johns_predominant": johns,
        "dlib_faces_predominant": unlabelled,
        "gear_other_median": round(float(np.median([e.other for e in served])), 4),
    }
    print_report(report, args.json)
    transport.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
