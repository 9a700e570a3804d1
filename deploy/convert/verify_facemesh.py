"""Check Lumen's FaceMesh pipeline (MTCNN five points -> crop -> ONNX) against mediapipe's own FaceMesh, and measure
the crop (inference/estimations/landmarks68.py ROI_CENTER_UNIT / ROI_SIZE_UNIT).

Runs in a throwaway venv with the pinned mediapipe wheel (it needs numpy < 2), onnxruntime and Pillow:

    python3 -m venv /tmp/mp-venv
    /tmp/mp-venv/bin/pip install ~/.cache/lumen-convert/pypi/mediapipe-0.10.21-*.whl "numpy<2" onnxruntime pillow
    /tmp/mp-venv/bin/python deploy/convert/verify_facemesh.py --json deploy/convert/verify_facemesh.json

For every face that mediapipe (`mp.solutions.face_mesh`, static images, refine_landmarks off) and MTCNN both
find in the test photos: (1) MediaPipe's landmark ROI (FaceLandmarkLandmarksToRoi: bounding box of the 468
points, x1.5, square) expressed in the unit-template frame of MTCNN's five points, averaged -> the crop
constants; (2) the distance between Lumen's 468 points and mediapipe's, in units of the outer-eye-corner
distance (points 33-263), for all points and for the 68 iBUG points. The crop constants are the medians
(x made symmetric): two faces where mediapipe's own mesh is off (profile / small faces) pull the means.
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

from verification import portraits_and_faces  # noqa: E402

_LOGGER = logging.getLogger("verify.facemesh")


def mediapipe_meshes(rgb: np.ndarray) -> list[np.ndarray]:
    import mediapipe as mp

    with mp.solutions.face_mesh.FaceMesh(
        static_image_mode=True, max_num_faces=20, refine_landmarks=False, min_detection_confidence=0.5
    ) as mesh:
        result = mesh.process(rgb)
    if not result.multi_face_landmarks:
        return []
    height, width = rgb.shape[:2]
    return [np.array([[p.x * width, p.y * height] for p in face.landmark]) for face in result.multi_face_landmarks]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s")
    from PIL import Image

    from inference.alignment import MTCNN_TEMPLATE_UNIT, similarity_transform
    from inference.estimations import landmarks68
    from inference.image import to_rgb_array
    from inference.mtcnn import MtcnnDetector
    from inference.transport import LocalTransport

    transport = LocalTransport()
    detector = MtcnnDetector(transport)
    estimator = landmarks68.FaceMeshEstimator(transport)
    faces: list[dict[str, Any]] = []
    rois: list[tuple[float, float, float]] = []
    for path in portraits_and_faces():
        rgb = to_rgb_array(Image.open(path))
        references = mediapipe_meshes(rgb)
        detections = detector.detect(rgb)
        if not references or not detections:
            continue
        ours = estimator.estimate(rgb, [d.landmarks for d in detections])
        for reference in references:
            nose = reference[4]
            index = int(np.argmin([np.linalg.norm(d.landmarks[2] - nose) for d in detections]))
            detection = detections[index]
            eyes = float(np.linalg.norm(reference[33] - reference[263]))
            if np.linalg.norm(detection.landmarks[2] - nose) > 0.3 * eyes:
                continue
            unit_to_image = similarity_transform(MTCNN_TEMPLATE_UNIT, detection.landmarks)
            scale = float(np.sqrt(abs(np.linalg.det(unit_to_image[:, :2]))))
            low, high = reference.min(axis=0), reference.max(axis=0)
            centre = (low + high) / 2
            side = 1.5 * float((high - low).max())
            centre_unit = np.linalg.solve(unit_to_image[:, :2], centre - unit_to_image[:, 2])
            rois.append((float(centre_unit[0]), float(centre_unit[1]), side / scale))
            error = np.linalg.norm(ours[index].points[:, :2] - reference, axis=1) / eyes
            ibug = list(landmarks68.IBUG68_FROM_FACEMESH)
            faces.append(
                {
                    "photo": path.name,
                    "eye_distance_px": round(eyes, 1),
                    "face_flag": round(ours[index].face_flag, 4),
                    "mean_error_468": round(float(error.mean()), 4),
                    "mean_error_68": round(float(error[ibug].mean()), 4),
                    "roi_unit": [round(v, 4) for v in rois[-1]],
                }
            )
    roi = np.array(rois)
    errors = np.array([f["mean_error_468"] for f in faces])
    errors68 = np.array([f["mean_error_68"] for f in faces])
    summary = {
        "faces": len(faces),
        "roi_unit_mean": [round(float(v), 4) for v in roi.mean(axis=0)],
        "roi_unit_median": [round(float(v), 4) for v in np.median(roi, axis=0)],
        "roi_unit_std": [round(float(v), 4) for v in roi.std(axis=0)],
        "crop_used": {"center_unit": list(landmarks68.ROI_CENTER_UNIT), "size_unit": landmarks68.ROI_SIZE_UNIT},
        "mean_error_468_over_eye_distance": {
            "median": round(float(np.median(errors)), 4),
            "mean": round(float(errors.mean()), 4),
            "max": round(float(errors.max()), 4),
        },
        "mean_error_68_over_eye_distance": {
            "median": round(float(np.median(errors68)), 4),
            "mean": round(float(errors68.mean()), 4),
            "max": round(float(errors68.max()), 4),
        },
    }
    _LOGGER.info("%s", json.dumps(summary))
    if args.json:
        args.json.write_text(json.dumps({"summary": summary, "faces": faces}, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
