"""Calibration of the LUNA similarity (server/matching/similarity.py) on real photos.

    python -m bench.calibrate_similarity [--fit]

Descriptors come from the inference pipeline in-process (LocalTransport: onnxruntime on the ONNX files
of deploy/triton/models), exactly as the server computes them:
- dlib's johns/ (Debian libdlib19.1 examples: 5 people x 11 photos, 150x150 face chips). Each chip is
  placed on a grey canvas (so that MTCNN sees the whole head with margin), detected, aligned to a
  dlib 150x150 chip and described ("pipeline"); the chip itself described without detection is
  reported too ("chip").
- face_recognition 1.3.0 test images: obama, obama2, obama3, biden (pipeline on the full photo).

It prints, as JSON, the genuine (same person) and impostor (different people) cosine distributions
over all pairs, the EER, the TPR at FPR 1e-2 and 1e-3, the similarities of the current mapping
(`similarity_from_cosine`) for every statistic, and with --fit the logistic constants that put the
EER cosine at similarity 0.5 and the 1st genuine percentile at 0.9.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import platform
import time
from datetime import UTC, datetime
from typing import Any

import numpy as np
from PIL import Image

from inference.alignment import face_chips
from inference.descriptor import DescriptorExtractor
from inference.mtcnn import MtcnnDetector
from inference.transport import LocalTransport
from server.matching.similarity import similarity_from_cosine
from tests import photos

CANVAS = 300  # chips (150x150) are pasted at the centre of a grey canvas this size before detection
GREY = (127, 127, 127)


def on_canvas(chip: Image.Image) -> np.ndarray:
    canvas = Image.new("RGB", (CANVAS, CANVAS), GREY)
    canvas.paste(chip.convert("RGB"), ((CANVAS - chip.width) // 2, (CANVAS - chip.height) // 2))
    return np.asarray(canvas, dtype=np.uint8)


def johns_descriptors(
    detector: MtcnnDetector, extractor: DescriptorExtractor
) -> tuple[list[str], np.ndarray, np.ndarray, int]:
    """Labels, pipeline descriptors, chip descriptors, number of chips where MTCNN found no face."""
    people = photos.johns_chips()
    if people is None:
        raise SystemExit("dlib examples (Debian libdlib19.1) are not available")
    labels: list[str] = []
    pipeline: list[np.ndarray] = []
    direct: list[np.ndarray] = []
    missed = 0
    for name, paths in people.items():
        for path in paths:
            chip = Image.open(path).convert("RGB")
            as_is = np.asarray(chip.resize((150, 150)), dtype=np.uint8)[None]
            direct_vec = extractor.extract(as_is)[0]
            image = on_canvas(chip)
            found = detector.detect(image)
            if found:
                aligned = face_chips(image, [found[0].landmarks])
                vec = extractor.extract(aligned)[0]
            else:
                missed += 1
                vec = direct_vec
            labels.append(name)
            pipeline.append(vec)
            direct.append(direct_vec)
    return labels, np.stack(pipeline), np.stack(direct), missed


def photo_descriptors(detector: MtcnnDetector, extractor: DescriptorExtractor) -> dict[str, np.ndarray]:
    found: dict[str, np.ndarray] = {}
    for name in ("obama", "obama2", "obama3", "biden"):
        image = np.asarray(Image.open(photos.face_recognition_image(f"{name}.jpg")).convert("RGB"), dtype=np.uint8)
        detections = detector.detect(image)
        found[name] = extractor.extract(face_chips(image, [detections[0].landmarks]))[0]
    return found


def pair_cosines(labels: list[str], vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    genuine: list[float] = []
    impostor: list[float] = []
    for i, j in itertools.combinations(range(len(labels)), 2):
        (genuine if labels[i] == labels[j] else impostor).append(float(vectors[i] @ vectors[j]))
    return np.asarray(genuine), np.asarray(impostor)


def roc_stats(genuine: np.ndarray, impostor: np.ndarray) -> dict[str, Any]:
    """EER and TPR at fixed FPR, thresholds on the cosine (accept when cos >= t)."""
    thresholds = np.unique(np.concatenate([genuine, impostor]))
    fpr = np.array([(impostor >= t).mean() for t in thresholds])
    fnr = np.array([(genuine < t).mean() for t in thresholds])
    at = int(np.argmin(np.abs(fpr - fnr)))
    stats: dict[str, Any] = {
        "eer": float((fpr[at] + fnr[at]) / 2),
        "eer_cosine": float(thresholds[at]),
    }
    for target in (1e-2, 1e-3):
        # smallest threshold whose FPR <= target (johns: 1210 impostor pairs, so 1e-3 allows 1 false accept)
        ok = np.flatnonzero(fpr <= target)
        t = float(thresholds[ok[0]]) if ok.size else math.inf
        stats[f"tpr_at_fpr_{target:g}"] = float((genuine >= t).mean())
        stats[f"cosine_at_fpr_{target:g}"] = t
    return stats


def summary(values: np.ndarray) -> dict[str, float]:
    pct = np.percentile(values, [0, 1, 5, 50, 95, 99, 100])
    return {
        "n": int(values.size),
        "min": float(pct[0]),
        "p1": float(pct[1]),
        "p5": float(pct[2]),
        "median": float(pct[3]),
        "p95": float(pct[4]),
        "p99": float(pct[5]),
        "max": float(pct[6]),
        "mean": float(values.mean()),
    }


def with_similarity(stats: dict[str, float]) -> dict[str, Any]:
    return {
        k: (v if k == "n" else {"cos": round(v, 4), "sim": round(float(similarity_from_cosine(v)), 4)})
        for k, v in stats.items()
    }


def fit_logistic(genuine: np.ndarray, impostor: np.ndarray, eer_cosine: float) -> dict[str, float]:
    """Centre at the EER cosine (the middle of the gap when the sets are separable); slope so that
    the 1st percentile of genuine pairs maps to 0.9."""
    center = eer_cosine
    if impostor.max() < genuine.min():
        center = float(impostor.max() + genuine.min()) / 2
    p1 = float(np.percentile(genuine, 1))
    slope = math.log(9.0) / max(p1 - center, 1e-3)
    return {"center": center, "slope": slope}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--fit", action="store_true", help="also print fitted logistic constants")
    args = parser.parse_args()
    started = time.perf_counter()
    transport = LocalTransport()
    detector = MtcnnDetector(transport)
    extractor = DescriptorExtractor(transport)
    labels, pipeline, direct, missed = johns_descriptors(detector, extractor)
    result: dict[str, Any] = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()} {platform.processor() or ''} python {platform.python_version()}".strip(),
        "johns": {"people": len(set(labels)), "photos": len(labels), "mtcnn_missed": missed},
    }
    for name, vectors in (("pipeline", pipeline), ("chip", direct)):
        genuine, impostor = pair_cosines(labels, vectors)
        roc = roc_stats(genuine, impostor)
        entry: dict[str, Any] = {
            "genuine": with_similarity(summary(genuine)),
            "impostor": with_similarity(summary(impostor)),
            **roc,
            "eer_similarity": float(similarity_from_cosine(roc["eer_cosine"])),
            "similarity_at_fpr_0.01": float(similarity_from_cosine(min(1.0, roc["cosine_at_fpr_0.01"]))),
            "similarity_at_fpr_0.001": float(similarity_from_cosine(min(1.0, roc["cosine_at_fpr_0.001"]))),
        }
        if args.fit:
            entry["fit"] = fit_logistic(genuine, impostor, roc["eer_cosine"])
        result[name] = entry
    faces = photo_descriptors(detector, extractor)
    result["obama_biden"] = {
        f"{a}-{b}": {
            "cos": round(float(faces[a] @ faces[b]), 4),
            "sim": round(float(similarity_from_cosine(float(faces[a] @ faces[b]))), 4),
        }
        for a, b in itertools.combinations(faces, 2)
    }
    result["seconds"] = round(time.perf_counter() - started, 1)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
