"""MediaPipe FaceMesh (468 face landmarks) from the `mediapipe` wheel on PyPI -> ONNX.

mediapipe 0.10.21 (Apache-2.0) is the last release that ships the legacy `mp.solutions` graphs and their
.tflite files; its wheel holds `mediapipe/modules/face_landmark/face_landmark.tflite` (the FaceMesh V1
regression network of "Real-time Facial Surface Geometry from Monocular Video on Mobile GPUs", Kartynnik et
al. 2019; model card "MediaPipe Face Mesh", Apache-2.0). Only that file is used: it is checked against the
sha256 pinned here, converted with tf2onnx's tflite front end (`tf2onnx.convert.from_tflite`) and wrapped:

  input  "chip"      uint8 [N, 192, 192, 3]  RGB face crop (inference/estimations/landmarks68.py)
  output "landmarks" float32 [N, 468, 3]    x, y in chip pixels (0..192), z (relative depth, same scale)
  output "face_flag" float32 [N, 1]         sigmoid of the face-presence logit (MediaPipe thresholds 0.5)

Prelude: Cast to float, x / 255 (MediaPipe's face_landmark_cpu graph: ImageToTensorCalculator with
output_tensor_float_range [0, 1]). tflite models have a fixed batch of 1; tf2onnx keeps it in two Reshape
nodes at the end (everything else is batch-agnostic: NHWC Transpose, convolutions, channel Pads), which are
given a -1 batch here, so the ONNX model takes any batch. Weights stay float32 (2.4 MB).

    python deploy/convert/facemesh.py   # writes deploy/triton/models/mediapipe_facemesh/1/model.onnx
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import MODEL_REPOSITORY, sha256
from tflite_onnx import PACKAGE, VERSION, convert, tflite_outputs
from tflite_onnx import wrap as wrap_tflite

_LOGGER = logging.getLogger("convert.facemesh")

NAME = "mediapipe_facemesh"
MEMBER = "mediapipe/modules/face_landmark/face_landmark.tflite"
MEMBER_SHA256 = "1055cb9d4a9ca8b8c688902a3a5194311138ba256bcc94e336d8373a5f30c814"
CHIP_SIZE = 192
POINTS = 468
#: tflite output names (as tf2onnx keeps them): the 1404 landmark coordinates and the face-flag logit.
TFLITE_LANDMARKS = "conv2d_21"
TFLITE_FLAG = "conv2d_31"


def wrap(converted: Any, description: str) -> Any:
    """uint8 "chip" -> x / 255 -> the network; outputs "landmarks" [N, 468, 3] and "face_flag" [N, 1]."""
    from onnx import helper

    return wrap_tflite(
        converted,
        {TFLITE_LANDMARKS: ("landmarks", (-1, POINTS, 3)), TFLITE_FLAG: ("face_logit", (-1, 1))},
        [helper.make_node("Sigmoid", ["face_logit"], ["face_flag"], name="face_flag_sigmoid")],
        {"landmarks": (POINTS, 3), "face_flag": (1,)},
        CHIP_SIZE,
        "facemesh",
        description,
        "lumen deploy/convert/facemesh.py",
    )


def max_difference(tflite_path: Path, onnx_path: Path, chips: np.ndarray) -> tuple[float, float]:
    """Largest |landmark| and |face_flag| differences between the tflite interpreter and the ONNX file."""
    import onnxruntime as ort

    session = ort.InferenceSession(str(onnx_path), providers=["CPUExecutionProvider"])
    got_points, got_flag = session.run(["landmarks", "face_flag"], {"chip": chips})
    expected_points, logits = tflite_outputs(tflite_path, chips, [TFLITE_LANDMARKS, TFLITE_FLAG])
    points = flags = 0.0
    for index in range(len(chips)):
        expected_flag = 1.0 / (1.0 + np.exp(-logits[index].reshape(1)))
        points = max(points, float(np.abs(got_points[index] - expected_points[index].reshape(POINTS, 3)).max()))
        flags = max(flags, float(np.abs(got_flag[index] - expected_flag).max()))
    return points, flags


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=MODEL_REPOSITORY, help="Triton model repository")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s")
    description = (
        f"MediaPipe FaceMesh from PyPI {PACKAGE} {VERSION} {MEMBER} (sha256 {MEMBER_SHA256}, Apache-2.0); "
        f"input uint8 RGB face crop [N,{CHIP_SIZE},{CHIP_SIZE},3] (scaled to [0,1] in the graph); outputs "
        f"landmarks [N,{POINTS},3] in chip pixels and face_flag [N,1] (sigmoid)"
    )
    target = args.out / NAME / "1" / "model.onnx"
    points, flags = convert(
        MEMBER,
        MEMBER_SHA256,
        "face_landmark.tflite",
        lambda model: wrap(model, description),
        target,
        CHIP_SIZE,
        max_difference,
    )
    _LOGGER.info(
        "%s <- %s %s:%s; %d bytes, sha256 %s; max |onnx - tflite| on random chips: landmarks %.2e px, face_flag %.2e",
        target,
        PACKAGE,
        VERSION,
        MEMBER,
        target.stat().st_size,
        sha256(target),
        points,
        flags,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
