"""The Triton model repository: generated configs fresh, model files as recorded in MODELS.md, and the
Python-based backend lumen_onnx (one model.py for every model) run against a stand-in for
triton_python_backend_utils."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import sys
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from inference.models import ALL_MODELS, DLIB_DESCRIPTOR, MTCNN_PNET, MTCNN_RNET
from inference.transport import LocalTransport

ROOT = Path(__file__).resolve().parents[2]
REPOSITORY = ROOT / "deploy" / "triton" / "models"
BACKEND = ROOT / "deploy" / "triton" / "backends" / "lumen_onnx" / "model.py"
MAX_MODEL_BYTES = 40 * 1024 * 1024


def _build_repository() -> types.ModuleType:
    spec = importlib.util.spec_from_file_location("build_repository", ROOT / "deploy/triton/build_repository.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_generated_configs_are_fresh() -> None:
    assert _build_repository().stale_files() == []


def test_a_stray_model_py_is_stale(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Model directories hold config.pbtxt and 1/model.onnx only: the backend's model.py is not copied."""
    build = _build_repository()
    stray = REPOSITORY / ALL_MODELS[0].name / "1" / "model.py"
    assert not stray.exists()
    for name, path in (("ROOT", tmp_path), ("CPU_REPOSITORY", tmp_path / "models"), ("GPU_CONFIGS", tmp_path / "gpu")):
        monkeypatch.setattr(build, name, path)
    for spec in ALL_MODELS:
        (tmp_path / "models" / spec.name / "1").mkdir(parents=True)
        (tmp_path / "models" / spec.name / "1" / "model.onnx").write_bytes(b"onnx")
    build.write()
    assert build.stale_files() == []
    stray = tmp_path / "models" / ALL_MODELS[0].name / "1" / "model.py"
    stray.write_bytes(BACKEND.read_bytes())
    assert build.stale_files() == [stray]
    build.write()
    assert build.stale_files() == [] and not stray.exists()


def test_model_files_match_models_md() -> None:
    table = (ROOT / "MODELS.md").read_text()
    total = 0
    for spec in ALL_MODELS:
        path = REPOSITORY / spec.name / "1" / "model.onnx"
        data = path.read_bytes()
        total += len(data)
        assert hashlib.sha256(data).hexdigest() in table, f"{path}: sha256 not recorded in MODELS.md"
    assert total < MAX_MODEL_BYTES


def test_configs_agree_with_model_specs() -> None:
    build = _build_repository()
    for spec in ALL_MODELS:
        cpu = (REPOSITORY / spec.name / "config.pbtxt").read_text()
        gpu = (build.GPU_CONFIGS / spec.name / "config.pbtxt").read_text()
        for text in (cpu, gpu):
            assert f'name: "{spec.name}"' in text and f"max_batch_size: {spec.max_batch}" in text
            for tensor in spec.inputs + spec.outputs:
                assert f'name: "{tensor}"' in text
        assert 'backend: "lumen_onnx"' in cpu and 'backend: "onnxruntime"' in gpu


# --- the lumen_onnx backend's model.py with a stand-in pb_utils ---------------------------------------------------


class _FakeTensor:
    def __init__(self, name: str, array: np.ndarray) -> None:
        self._name = name
        self._array = array

    def name(self) -> str:
        return self._name

    def as_numpy(self) -> np.ndarray:
        return self._array


class _FakeError:
    def __init__(self, message: str) -> None:
        self.message = message


class _FakeResponse:
    def __init__(self, output_tensors: list[_FakeTensor] | None = None, error: _FakeError | None = None) -> None:
        self.outputs = {t.name(): t.as_numpy() for t in output_tensors or []}
        self.error = error


class _FakeRequest:
    def __init__(self, **inputs: np.ndarray) -> None:
        self.inputs = inputs


def _fake_pb_utils() -> types.ModuleType:
    module = types.ModuleType("triton_python_backend_utils")
    types_map = {"TYPE_FP32": np.float32, "TYPE_UINT8": np.uint8}
    module.triton_string_to_numpy = lambda name: types_map[name]  # type: ignore[attr-defined]
    module.Tensor = _FakeTensor  # type: ignore[attr-defined]
    module.TritonError = _FakeError  # type: ignore[attr-defined]
    module.InferenceResponse = _FakeResponse  # type: ignore[attr-defined]

    def get_input(request: _FakeRequest, name: str) -> _FakeTensor | None:
        array = request.inputs.get(name)
        return None if array is None else _FakeTensor(name, array)

    module.get_input_tensor_by_name = get_input  # type: ignore[attr-defined]
    return module


def _config_json(name: str) -> dict[str, Any]:
    """The subset of the model config Triton hands to initialize(), from the generated table."""
    build = _build_repository()
    spec = next(s for s in ALL_MODELS if s.name == name)
    tensors = build.TENSORS[name]

    def block(names: tuple[str, ...]) -> list[dict[str, Any]]:
        return [{"name": n, "data_type": tensors[n][0], "dims": [str(d) for d in tensors[n][1]]} for n in names]

    return {
        "name": name,
        "max_batch_size": spec.max_batch,
        "input": block(spec.inputs),
        "output": block(spec.outputs),
        "parameters": {"intra_op_threads": {"string_value": "1"}},
    }


@pytest.fixture
def python_model(monkeypatch: pytest.MonkeyPatch) -> Callable[[str], Any]:
    monkeypatch.setitem(sys.modules, "triton_python_backend_utils", _fake_pb_utils())

    def load(name: str) -> Any:
        spec = importlib.util.spec_from_file_location(f"triton_model_{name}", BACKEND)
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        model = module.TritonPythonModel()
        model.initialize(
            {
                "model_config": json.dumps(_config_json(name)),
                "model_repository": str(REPOSITORY / name),
                "model_version": "1",
            }
        )
        return model

    return load


def test_python_backend_batches_requests_like_local(python_model: Callable[[str], Any]) -> None:
    model = python_model(DLIB_DESCRIPTOR.name)
    rng = np.random.default_rng(4)
    chips = rng.integers(0, 256, (3, 150, 150, 3), dtype=np.uint8)
    requests = [_FakeRequest(chip=chips[:2]), _FakeRequest(chip=chips[2:]), _FakeRequest(wrong=chips[:1])]
    responses = model.execute(requests)
    assert len(responses) == 3 and responses[2].error is not None and "chip" in responses[2].error.message
    with LocalTransport() as local:
        expected = local.infer(DLIB_DESCRIPTOR, {"chip": chips})["descriptor"]
    got = np.concatenate([responses[0].outputs["descriptor"], responses[1].outputs["descriptor"]])
    np.testing.assert_allclose(got, expected, atol=1e-4)
    model.finalize()


def test_python_backend_keeps_different_shapes_apart(python_model: Callable[[str], Any]) -> None:
    model = python_model(MTCNN_PNET.name)
    small = np.zeros((1, 30, 40, 3), np.float32)
    large = np.zeros((1, 50, 20, 3), np.float32)
    responses = model.execute([_FakeRequest(input_1=small), _FakeRequest(input_1=large)])
    assert responses[0].outputs["softmax"].shape[:3] == (1, 10, 15)
    assert responses[1].outputs["softmax"].shape[:3] == (1, 20, 5)
    rnet = python_model(MTCNN_RNET.name)
    bad = rnet.execute([_FakeRequest(input_2=np.zeros((1, 10, 10, 3), np.float32))])
    assert bad[0].error is not None


def test_backend_directory_has_python_and_every_config_backend(tmp_path: Path) -> None:
    from inference.triton_server import backend_directory

    home = tmp_path / "home"
    (home / "backends" / "python").mkdir(parents=True)
    target = backend_directory(home, tmp_path / "backends")
    assert (target / "python").resolve() == (home / "backends" / "python").resolve()
    named = {
        line.split('"')[1]
        for spec in ALL_MODELS
        for line in (REPOSITORY / spec.name / "config.pbtxt").read_text().splitlines()
        if line.startswith("backend:")
    }
    assert named == {"lumen_onnx"}
    assert (target / "lumen_onnx" / "model.py").read_bytes() == BACKEND.read_bytes()
