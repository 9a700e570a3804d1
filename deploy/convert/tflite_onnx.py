"""MediaPipe .tflite models from the `mediapipe` wheel on PyPI -> ONNX, shared by deploy/convert/facemesh.py and
iris.py (and verify_iris.py).

mediapipe 0.10.21 (Apache-2.0) is the last release that ships the legacy `mp.solutions` graphs and their .tflite
files. Steps: download the wheel with pip (pinned version and sha256), extract one .tflite member (pinned sha256),
convert it with tf2onnx's tflite front end (`tf2onnx.convert.from_tflite`), canonicalised for byte-reproducible
output (deploy/convert/keras_onnx.py), then wrap it: a prelude that takes a uint8 RGB chip (Cast to float,
x / 255: MediaPipe's ImageToTensorCalculator with output_tensor_float_range [0, 1]), and the final Reshapes, where
tflite's fixed batch of 1 sits, given a -1 batch so that the ONNX model takes any batch.

Needs the TensorFlow conversion venv (deploy/convert/requirements-convert-tf.txt).
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from keras_onnx import OPSET, canonicalize, extract, fetch_wheel, save

PACKAGE = "mediapipe"
VERSION = "0.10.21"
WHEEL = "mediapipe-0.10.21-cp311-cp311-manylinux_2_28_x86_64.whl"
WHEEL_SHA256 = "05dc4a9e593655a79558d05d6227d31018c2537a4bd3362b51e230cf22aecfe3"


@contextmanager
def mediapipe_member(member: str, digest: str, filename: str) -> Iterator[Path]:
    """The wheel's `member` (pinned sha256) extracted as `filename` into a temporary directory, for the block."""
    wheel = fetch_wheel(PACKAGE, VERSION, WHEEL, WHEEL_SHA256)
    with tempfile.TemporaryDirectory() as tmp:
        yield extract(wheel, member, digest, Path(tmp) / filename)


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


def wrap(
    converted: Any,
    reshapes: dict[str, tuple[str, tuple[int, ...]]],
    tail: list[Any],
    outputs: dict[str, tuple[int, ...]],
    chip_size: int,
    graph_name: str,
    description: str,
    producer: str,
) -> Any:
    """uint8 "chip" [N, chip_size, chip_size, 3] -> x / 255 -> the network. `reshapes` maps each tflite output to
    (tensor, shape with a -1 batch): its final Reshape, which carries tflite's batch of 1, is replaced by one to
    that shape named `<tensor>_reshape`; `tail` nodes follow the network; `outputs` are the graph outputs (name ->
    shape after the batch axis)."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    graph = converted.graph
    converted_outputs = {value.name for value in graph.output}
    if converted_outputs != set(reshapes):
        raise SystemExit(f"unexpected converted outputs {sorted(converted_outputs)}")
    nodes = []
    dropped_inputs: set[str] = set()
    reshaped: set[str] = set()
    for node in graph.node:
        if node.op_type == "Reshape" and node.output[0] in converted_outputs:
            target, _ = reshapes[node.output[0]]
            dropped_inputs.add(node.input[1])
            reshaped.add(node.output[0])
            nodes.append(
                helper.make_node("Reshape", [node.input[0], f"{target}_shape"], [target], name=f"{target}_reshape")
            )
            continue
        nodes.append(node)
    if reshaped != converted_outputs:
        raise SystemExit(f"expected a final Reshape for each output, found {sorted(reshaped)}")
    initializers = [init for init in graph.initializer if init.name not in dropped_inputs]
    prelude_initializers = [numpy_helper.from_array(np.asarray(1.0 / 255.0, dtype=np.float32), "chip_scale")]
    prelude_initializers += [
        numpy_helper.from_array(np.asarray(shape, dtype=np.int64), f"{target}_shape")
        for target, shape in reshapes.values()
    ]
    prelude = [
        helper.make_node("Cast", ["chip"], ["chip_float"], to=TensorProto.FLOAT, name="chip_cast"),
        helper.make_node("Mul", ["chip_float", "chip_scale"], ["x"], name="chip_scale_255"),
    ]
    chip = helper.make_tensor_value_info("chip", TensorProto.UINT8, ["batch", chip_size, chip_size, 3])
    values = [
        helper.make_tensor_value_info(name, TensorProto.FLOAT, ["batch", *dims]) for name, dims in outputs.items()
    ]
    new_graph = helper.make_graph(
        prelude + nodes + tail, graph_name, [chip], values, initializer=[*prelude_initializers, *initializers]
    )
    opsets = [
        helper.make_opsetid(entry.domain, entry.version)
        for entry in converted.opset_import
        if entry.domain in ("", "ai.onnx")
    ]
    model = helper.make_model(new_graph, opset_imports=opsets, producer_name=producer)
    model.ir_version = converted.ir_version
    model.doc_string = description
    onnx.checker.check_model(model, full_check=True)
    return model


def tflite_outputs(tflite_path: Path, chips: np.ndarray, names: list[str]) -> list[np.ndarray]:
    """The tflite interpreter's outputs `names` for uint8 chips (fed / 255), one chip per call, each stacked
    [N, *the tflite output's shape]."""
    import tensorflow as tf

    interpreter = tf.lite.Interpreter(str(tflite_path))
    interpreter.allocate_tensors()
    (input_detail,) = interpreter.get_input_details()
    by_name = {detail["name"]: detail["index"] for detail in interpreter.get_output_details()}
    results: list[list[np.ndarray]] = [[] for _ in names]
    for chip in chips:
        interpreter.set_tensor(input_detail["index"], chip[None].astype(np.float32) / np.float32(255.0))
        interpreter.invoke()
        for result, name in zip(results, names, strict=True):
            result.append(interpreter.get_tensor(by_name[name]))
    return [np.stack(result) for result in results]


def convert(
    member: str,
    digest: str,
    filename: str,
    wrap_model: Callable[[Any], Any],
    target: Path,
    chip_size: int,
    max_difference: Callable[[Path, Path, np.ndarray], tuple[float, float]],
) -> tuple[float, float]:
    """Extract the wheel's `member`, convert it, wrap it with `wrap_model`, save it as `target`; returns
    max_difference(the .tflite, target, 4 uint8 noise chips (seed 7))."""
    with mediapipe_member(member, digest, filename) as source:
        save(wrap_model(tflite_to_onnx(source)), target)
        chips = np.random.default_rng(7).integers(0, 256, (4, chip_size, chip_size, 3), dtype=np.uint8)
        return max_difference(source, target, chips)
