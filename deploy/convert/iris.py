"""MediaPipe Iris (71 eye-contour + 5 iris landmarks of an eye crop) from the `mediapipe` wheel on PyPI -> ONNX.

mediapipe 0.10.21 (Apache-2.0) ships `mediapipe/modules/iris_landmark/iris_landmark.tflite`, the network of
"Real-time Pupil Tracking from Monocular Video for Digital Puppetry" (Ablavatski et al. 2020; model card
"MediaPipe Iris", Apache-2.0). Only that file is used: it is checked against the sha256 pinned here, converted
with tf2onnx's tflite front end (`tf2onnx.convert.from_tflite`) and wrapped:

  input  "chip"        uint8 [N, 64, 64, 3]  RGB eye crop (inference/estimations/iris.py: MediaPipe's eye ROI)
  output "eye_contour" float32 [N, 71, 3]    eyelid contour (16 points) and the eyebrow/eye-region points, x, y
                                             in chip pixels (0..64), z relative depth (same scale)
  output "iris"        float32 [N, 5, 3]     iris centre, then 4 points on the iris boundary (same units)

Prelude: Cast to float, x / 255 (MediaPipe's iris_landmark_cpu graph: ImageToTensorCalculator with
output_tensor_float_range [0, 1]). tflite models have a fixed batch of 1; tf2onnx keeps it only in the two
final Reshape nodes ([1, -1] -> 213 and 15 values), which are given a -1 batch and the point layout here, so
the ONNX model takes any batch (the rest is batch-agnostic: NHWC Transpose, convolutions, PRelu, a channel
Pad). Weights stay float32 (2.6 MB).

    python deploy/convert/iris.py   # writes deploy/triton/models/mediapipe_iris/1/model.onnx
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
from tflite_onnx import PACKAGE, VERSION, convert
from tflite_onnx import tflite_outputs as tflite_run
from tflite_onnx import wrap as wrap_tflite

_LOGGER = logging.getLogger("convert.iris")

NAME = "mediapipe_iris"
MEMBER = "mediapipe/modules/iris_landmark/iris_landmark.tflite"
MEMBER_SHA256 = "d1744d2a09c25f501d39eba4faff47e53ecca8852c5ce19bce8eeac39357521f"
CHIP_SIZE = 64
CONTOUR_POINTS = 71
IRIS_POINTS = 5
#: tflite output names (as tf2onnx keeps them) -> (ONNX output name, points).
TFLITE_CONTOUR = "output_eyes_contours_and_brows"
TFLITE_IRIS = "output_iris"
OUTPUTS = {TFLITE_CONTOUR: ("eye_contour", CONTOUR_POINTS), TFLITE_IRIS: ("iris", IRIS_POINTS)}


def wrap(converted: Any, description: str) -> Any:
    """uint8 "chip" -> x / 255 -> the network; outputs "eye_contour" [N, 71, 3] and "iris" [N, 5, 3]."""
    return wrap_tflite(
        converted,
        {tflite: (target, (-1, points, 3)) for tflite, (target, points) in OUTPUTS.items()},
        [],
        {target: (points, 3) for target, points in OUTPUTS.values()},
        CHIP_SIZE,
        "iris",
        description,
        "lumen deploy/convert/iris.py",
    )


def tflite_outputs(tflite_path: Path, chips: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The tflite interpreter's (eye_contour [N, 71, 3], iris [N, 5, 3]) for uint8 chips, one chip per call."""
    contours, irises = tflite_run(tflite_path, chips, [TFLITE_CONTOUR, TFLITE_IRIS])
    return contours.reshape(-1, CONTOUR_POINTS, 3), irises.reshape(-1, IRIS_POINTS, 3)


def onnx_outputs(onnx_path: Path, chips: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The ONNX model's (eye_contour, iris) for uint8 chips, in one batch."""
    import onnxruntime as ort

    session = ort.InferenceSession(str(onnx_path), providers=["CPUExecutionProvider"])
    contour, iris = session.run(["eye_contour", "iris"], {"chip": np.ascontiguousarray(chips)})
    return contour, iris


def max_difference(tflite_path: Path, onnx_path: Path, chips: np.ndarray) -> tuple[float, float]:
    """Largest |eye_contour| and |iris| differences (chip pixels) between the tflite interpreter and the ONNX file."""
    expected_contour, expected_iris = tflite_outputs(tflite_path, chips)
    got_contour, got_iris = onnx_outputs(onnx_path, chips)
    return float(np.abs(got_contour - expected_contour).max()), float(np.abs(got_iris - expected_iris).max())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=MODEL_REPOSITORY, help="Triton model repository")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s")
    description = (
        f"MediaPipe Iris from PyPI {PACKAGE} {VERSION} {MEMBER} (sha256 {MEMBER_SHA256}, Apache-2.0); "
        f"input uint8 RGB eye crop [N,{CHIP_SIZE},{CHIP_SIZE},3] (scaled to [0,1] in the graph); outputs "
        f"eye_contour [N,{CONTOUR_POINTS},3] and iris [N,{IRIS_POINTS},3] in chip pixels"
    )
    target = args.out / NAME / "1" / "model.onnx"
    contour, iris = convert(
        MEMBER,
        MEMBER_SHA256,
        "iris_landmark.tflite",
        lambda model: wrap(model, description),
        target,
        CHIP_SIZE,
        max_difference,
    )
    _LOGGER.info(
        "%s <- %s %s:%s; %d bytes, sha256 %s; max |onnx - tflite| on random chips: eye_contour %.2e px, iris %.2e px",
        target,
        PACKAGE,
        VERSION,
        MEMBER,
        target.stat().st_size,
        sha256(target),
        contour,
        iris,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
