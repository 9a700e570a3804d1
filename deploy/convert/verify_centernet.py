"""Measure the body detector (`centernet_body`, deploy/convert/centernet.py) on photos from the registries.

1. The served model (float16-stored weights, uint8 input, person channel only) against the float32 tf2onnx
   conversion of the TFJS graph (`centernet.py --raw PATH`), on the letterboxed photos: max |heatmap| and |wh|.
2. Lumen's numpy decoding (inference/estimations/body.py, before non-maximum suppression) against the graph's own
   decoding output `tower_0/detections` (person rows with score >= the threshold): same peaks, max box difference.
3. The outcome on each photo: bodies found (default threshold), MTCNN faces, faces paired with a body.

Photos (tests/photos.py): the face_recognition 1.3.0 portraits, scikit-image astronaut.png, matplotlib
grace_hopper.jpg and dlib's `faces/` (Debian libdlib19.1).

    python deploy/convert/verify_centernet.py --raw /tmp/centernet-raw.onnx \
        [--json deploy/convert/verify_centernet.json]

Runs in the TensorFlow conversion venv or Lumen's own (numpy, Pillow, onnxruntime).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from verification import print_report

from inference.analysis import FaceAnalyser
from inference.estimations.body import (
    DEFAULT_SCORE_THRESHOLD,
    INPUT_SIZE,
    BodyDetector,
    decode,
    letterbox,
    pair_faces_with_bodies,
)
from inference.image import RgbImage, decode_image
from inference.models import CENTERNET_BODY
from inference.transport import LocalTransport
from tests import photos

PORTRAITS = ("obama.jpg", "obama2.jpg", "obama3.jpg", "biden.jpg")


def images() -> list[tuple[str, RgbImage]]:
    out = [(name, decode_image(photos.face_recognition_image(name).read_bytes())) for name in PORTRAITS]
    out += [(name, decode_image(photos.wheel_photo(name).read_bytes())) for name in photos.WHEEL_PHOTOS]
    examples = photos.dlib_examples()
    if examples is not None:
        out += [(path.name, decode_image(path.read_bytes())) for path in sorted((examples / "faces").glob("*.jpg"))]
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--raw", type=Path, required=True, help="float32 tf2onnx conversion (centernet.py --raw)")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    import onnxruntime as ort

    raw = ort.InferenceSession(str(args.raw), providers=["CPUExecutionProvider"])
    transport = LocalTransport()
    detector = BodyDetector(transport)
    pipeline = FaceAnalyser(transport)
    heat_diff = wh_diff = box_diff = 0.0
    graph_peaks = matched_peaks = 0
    per_photo: dict[str, dict[str, int]] = {}
    for name, image in images():
        square, scale = letterbox(image)
        served = transport.infer(CENTERNET_BODY, {"image": square[None]})
        keypoints, wh, detections = raw.run(
            ["tower_0/keypoints", "tower_0/wh", "tower_0/detections"], {"x": square[None].astype(np.float32)}
        )
        heat_diff = max(heat_diff, float(np.abs(served["heatmap"][0] - keypoints[0, :, :, 0]).max()))
        wh_diff = max(wh_diff, float(np.abs(served["wh"][0] - wh[0]).max()))
        # The graph's decoding: person rows above the threshold, boxes in input pixels (clipped like Lumen's).
        rows = detections[0][(detections[0][:, 5] == 0) & (detections[0][:, 4] >= DEFAULT_SCORE_THRESHOLD)]
        ours = decode(served["heatmap"][0], served["wh"][0], 1.0, (INPUT_SIZE, INPUT_SIZE), nms_iou=1.0)
        graph_peaks += len(rows)
        for row in rows:
            box = np.clip(row[:4], 0, INPUT_SIZE)
            best = min(
                (np.abs(np.array([b.x, b.y, b.x + b.width, b.y + b.height]) - box).max() for b in ours),
                default=np.inf,
            )
            if best < 1.0:
                matched_peaks += 1
                box_diff = max(box_diff, float(best))
        bodies = detector.detect(image)
        faces = pipeline.detect(image)
        per_photo[name] = {
            "bodies": len(bodies),
            "faces": len(faces),
            "faces_paired": len(pair_faces_with_bodies([face.box for face in faces], bodies)),
        }
    report: dict[str, object] = {
        "score_threshold": DEFAULT_SCORE_THRESHOLD,
        "served_vs_float32": {"max_abs_heatmap": heat_diff, "max_abs_wh_px": wh_diff},
        "decode_vs_graph_detections": {
            "graph_person_peaks": graph_peaks,
            "matched_within_1px": matched_peaks,
            "max_abs_box_px": round(box_diff, 4),
        },
        "photos": per_photo,
    }
    print_report(report, args.json)
    transport.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
