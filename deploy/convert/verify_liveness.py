"""Measure the liveness model (`human_liveness`, deploy/convert/liveness.py) on real photos and on the same
photos degraded the way a re-photographed print or screen is, since no labelled spoof photos are available from
the package registries. Also measures the package's unserved `antispoof` model when its ONNX is given.

Photos (tests/photos.py, fetched from registries): the face_recognition 1.3.0 portraits and dlib's `faces/`.
Faces: Lumen's MTCNN; crops: inference/estimations/liveness.py. Degradations, each alone and all together
("rephoto"): `lowres` (the photo resized so the eyes are 30 px apart, then back), `moire` (a +-8% sinusoidal
grating, period about 4 px), `gamma` (gamma 0.6 and a blue cast, R x0.9, B x1.15: a screen's white point),
`blur` (Gaussian, radius 1.2 px).

    python deploy/convert/verify_liveness.py [--antispoof /tmp/antispoof.onnx] \
        [--json deploy/convert/verify_liveness.json]

Runs in the TensorFlow conversion venv or Lumen's own (numpy, Pillow, onnxruntime); `liveness.py --antispoof PATH`
writes the antispoof ONNX.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PIL import Image, ImageFilter

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from verification import print_report

from inference.alignment import crop_chip
from inference.analysis import FaceAnalyser
from inference.estimations.liveness import LivenessEstimator
from inference.image import RgbImage, decode_image, from_array
from inference.transport import LocalTransport
from tests import photos

PORTRAITS = ("obama.jpg", "obama2.jpg", "obama3.jpg", "biden.jpg")
ANTISPOOF_SIZE = 128


def lowres(image: RgbImage, landmarks: np.ndarray) -> RgbImage:
    pil = from_array(image)
    width, height = pil.size
    factor = min(1.0, 30.0 / float(np.linalg.norm(landmarks[1] - landmarks[0])))
    small = pil.resize((max(1, int(width * factor)), max(1, int(height * factor))), Image.Resampling.BILINEAR)
    return np.asarray(small.resize((width, height), Image.Resampling.BILINEAR))


def moire(image: RgbImage, landmarks: np.ndarray) -> RgbImage:
    height, width = image.shape[:2]
    yy, xx = np.mgrid[0:height, 0:width]
    grating = 0.08 * np.sin(2 * np.pi * (xx * 0.23 + yy * 0.07))[..., None]
    return (np.clip(image / 255.0 + grating, 0, 1) * 255).astype(np.uint8)


def gamma(image: RgbImage, landmarks: np.ndarray) -> RgbImage:
    shifted = (image / 255.0) ** 0.6 * np.array([0.9, 1.0, 1.15])
    return (np.clip(shifted, 0, 1) * 255).astype(np.uint8)


def blur(image: RgbImage, landmarks: np.ndarray) -> RgbImage:
    return np.asarray(from_array(image).filter(ImageFilter.GaussianBlur(1.2)))


def rephoto(image: RgbImage, landmarks: np.ndarray) -> RgbImage:
    return blur(gamma(moire(lowres(image, landmarks), landmarks), landmarks), landmarks)


DEGRADATIONS: dict[str, Callable[[RgbImage, np.ndarray], RgbImage]] = {
    "lowres": lowres,
    "moire": moire,
    "gamma": gamma,
    "blur": blur,
    "rephoto": rephoto,
}


def images() -> list[tuple[str, RgbImage]]:
    out = [(name, decode_image(photos.face_recognition_image(name).read_bytes())) for name in PORTRAITS]
    examples = photos.dlib_examples()
    if examples is not None:
        out += [(path.name, decode_image(path.read_bytes())) for path in sorted((examples / "faces").glob("*.jpg"))]
    return out


def summary(values: list[float]) -> dict[str, float]:
    array = np.asarray(values)
    return {
        "median": round(float(np.median(array)), 4),
        "mean": round(float(array.mean()), 4),
        "min": round(float(array.min()), 4),
        "max": round(float(array.max()), 4),
        "fraction_real_0.5": round(float(np.mean(array >= 0.5)), 4),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--antispoof", type=Path, help="ONNX of the unserved antispoof model (liveness.py --antispoof)")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    transport = LocalTransport()
    pipeline = FaceAnalyser(transport)
    estimator = LivenessEstimator(transport)
    antispoof = None
    if args.antispoof is not None:
        import onnxruntime as ort

        antispoof = ort.InferenceSession(str(args.antispoof), providers=["CPUExecutionProvider"])
    scores: dict[str, list[float]] = {"real": [], **{name: [] for name in DEGRADATIONS}}
    anti: dict[str, list[float]] = {key: [] for key in scores}
    quality: dict[str, list[float]] = {key: [] for key in scores}
    portraits: dict[str, dict[str, float]] = {}
    faces = 0
    for name, image in images():
        for detection in pipeline.detect(image):
            faces += 1
            variants = {"real": image, **{key: fn(image, detection.landmarks) for key, fn in DEGRADATIONS.items()}}
            for key, variant in variants.items():
                (result,) = estimator.estimate(variant, [detection])
                scores[key].append(result.score)
                quality[key].append(result.quality)
                if name in PORTRAITS:
                    portraits.setdefault(name, {})[key] = round(result.score, 4)
                if antispoof is not None:
                    chip = crop_chip(variant, detection.landmarks, ANTISPOOF_SIZE, (1.0, 1.0), (0.0, 0.0))
                    feed = {antispoof.get_inputs()[0].name: chip[None].astype(np.float32) / 255.0}
                    anti[key].append(float(antispoof.run(None, feed)[0][0, 0]))
    report: dict[str, object] = {
        "faces": faces,
        "liveness_score": {key: summary(values) for key, values in scores.items()},
        "liveness_quality": {key: summary(values) for key, values in quality.items()},
        "portraits_score": portraits,
    }
    if antispoof is not None:
        report["antispoof_output"] = {key: summary(values) for key, values in anti.items()}
    print_report(report, args.json)
    transport.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
