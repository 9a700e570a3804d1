"""Check the converted MediaPipe Iris model (deploy/triton/models/mediapipe_iris/1/model.onnx) against the original
iris_landmark.tflite run by TensorFlow Lite's interpreter, on real eye crops of the test photos.

Crops: Lumen's own pipeline (MTCNN -> FaceMesh -> the two eye crops of inference/estimations/iris.py, the eye on
the image's right flipped) on face_recognition 1.3.0's obama x3 and biden and Debian libdlib19.1's examples/faces,
each also mirrored. Reported: the largest |ONNX - tflite| difference of the eye contour and iris points in chip
pixels (the crop is 64 px), the largest in units of the eye's own width, and sanity facts of the outputs mapped
back to the image (the iris centre inside the eyelid contour, the iris diameter relative to the eye width).

Needs the TensorFlow conversion venv (deploy/convert/requirements-convert-tf.txt):
    python deploy/convert/verify_iris.py --json deploy/convert/verify_iris.json
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import iris as iris_convert  # noqa: E402
from tflite_onnx import PACKAGE, VERSION, mediapipe_member  # noqa: E402
from verification import portraits_and_faces  # noqa: E402

_LOGGER = logging.getLogger("verify.iris")


def inside(point: np.ndarray, polygon: np.ndarray) -> bool:
    """Even-odd rule."""
    x, y = point
    result = False
    for (x1, y1), (x2, y2) in zip(polygon, np.roll(polygon, -1, axis=0), strict=True):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            result = not result
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s")
    from PIL import Image

    from inference.analysis import FaceAnalyser
    from inference.estimations.iris import EyeLandmarks, iris_chips, to_image
    from inference.estimations.landmarks68 import FaceMeshEstimator
    from inference.image import to_rgb_array
    from inference.transport import LocalTransport

    transport = LocalTransport()
    pipeline = FaceAnalyser(transport)
    facemesh = FaceMeshEstimator(transport)
    onnx_path = iris_convert.MODEL_REPOSITORY / iris_convert.NAME / "1" / "model.onnx"
    chips_all: list[np.ndarray] = []
    transforms_all: list[np.ndarray] = []
    per_photo: list[dict[str, Any]] = []
    for path in portraits_and_faces():
        rgb = to_rgb_array(Image.open(path))
        for mirrored in (False, True):
            pixels = np.ascontiguousarray(rgb[:, ::-1]) if mirrored else rgb
            detections = pipeline.detect(pixels)
            meshes = facemesh.estimate(pixels, [d.landmarks for d in detections])
            chips, transforms = iris_chips(pixels, [mesh.points for mesh in meshes])
            per_photo.append({"photo": path.name, "mirrored": mirrored, "faces": len(meshes)})
            chips_all.extend(chips)
            transforms_all.extend(transforms)
    chips = np.stack(chips_all)
    with mediapipe_member(iris_convert.MEMBER, iris_convert.MEMBER_SHA256, "iris_landmark.tflite") as tflite:
        expected_contour, expected_iris = iris_convert.tflite_outputs(tflite, chips)
    got_contour, got_iris = iris_convert.onnx_outputs(onnx_path, chips)
    contour_px = np.abs(got_contour - expected_contour)[..., :2].max(axis=(1, 2))
    iris_px = np.abs(got_iris - expected_iris)[..., :2].max(axis=(1, 2))
    relative, centre_inside, diameter_ratio = [], 0, []
    for index, matrix in enumerate(transforms_all):
        eye = EyeLandmarks(contour=to_image(got_contour[index], matrix), iris=to_image(got_iris[index], matrix))
        reference = EyeLandmarks(
            contour=to_image(expected_contour[index], matrix), iris=to_image(expected_iris[index], matrix)
        )
        left, right = eye.corners
        width = float(np.hypot(*(right - left)))
        difference = max(
            float(np.abs(eye.contour[:, :2] - reference.contour[:, :2]).max()),
            float(np.abs(eye.iris[:, :2] - reference.iris[:, :2]).max()),
        )
        relative.append(difference / width)
        centre_inside += inside(eye.centre, eye.eyelid)
        diameter_ratio.append(2 * eye.iris_radius / width)
    summary = {
        "model": str(onnx_path.relative_to(ROOT)),
        "reference": f"{PACKAGE} {VERSION} {iris_convert.MEMBER} (tf.lite.Interpreter)",
        "eyes": len(chips),
        "faces": sum(item["faces"] for item in per_photo),
        "max_abs_difference_chip_px": {
            "eye_contour": float(contour_px.max()),
            "iris": float(iris_px.max()),
        },
        "max_abs_difference_eye_widths": float(max(relative)),
        "iris_centre_inside_eyelid_contour": centre_inside,
        "iris_diameter_over_eye_width": {
            "median": float(np.median(diameter_ratio)),
            "min": float(np.min(diameter_ratio)),
            "max": float(np.max(diameter_ratio)),
        },
    }
    _LOGGER.info("%s", json.dumps(summary))
    if args.json:
        args.json.write_text(json.dumps({"summary": summary, "photos": per_photo}, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
