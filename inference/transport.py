"""How tensors reach a model: the transport interface, and the local onnxruntime transport.

`InferenceTransport.infer(spec, inputs)` runs one model on batched numpy arrays and returns its outputs by
name. `LocalTransport` runs each `<repository>/<name>/1/model.onnx` in-process with onnxruntime (sessions
created once, on first use); the Triton transport (inference/triton.py) sends the same tensors to Triton.
Callers batch: they send every crop or chip of a request in one call, and the transport splits calls
larger than the model's max_batch.
"""

from __future__ import annotations

import logging
import os
import threading
from abc import ABC, abstractmethod
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Self

import numpy as np
from numpy.typing import NDArray

from inference.errors import InferenceError, ModelsDisabledError
from inference.models import DEFAULT_MODEL_REPOSITORY, ModelSpec

_LOGGER = logging.getLogger(__name__)

Tensor = NDArray[Any]


class InferenceTransport(ABC):
    """Runs models by name on numpy tensors. Implementations must be safe to call from many threads."""

    @abstractmethod
    def infer(self, spec: ModelSpec, inputs: Mapping[str, Tensor]) -> dict[str, Tensor]:
        """Run `spec` on `inputs` (every input batched along axis 0 when spec.max_batch > 0)."""

    def warm_up(self, specs: tuple[ModelSpec, ...]) -> None:  # noqa: B027 - optional hook
        """Load the given models now rather than on first use."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release connections/sessions."""

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class NoModels(InferenceTransport):
    """The transport of an installation without models: every model call raises ModelsDisabledError (what needs
    no model, e.g. the quality of a face warp, still works)."""

    def infer(self, spec: ModelSpec, inputs: Mapping[str, Tensor]) -> dict[str, Tensor]:
        raise ModelsDisabledError(f"model {spec.name} needed but inference is disabled")


def split_batches(inputs: Mapping[str, Tensor], max_batch: int) -> list[dict[str, Tensor]]:
    """Split batched inputs into chunks of at most max_batch rows (one chunk when max_batch <= 0)."""
    sizes = {array.shape[0] for array in inputs.values()}
    if len(sizes) != 1:
        raise InferenceError(f"inputs disagree on the batch size: {sorted(sizes)}")
    total = sizes.pop()
    if max_batch <= 0 or total <= max_batch:
        return [dict(inputs)]
    return [
        {name: array[start : start + max_batch] for name, array in inputs.items()}
        for start in range(0, total, max_batch)
    ]


def concat_outputs(parts: list[dict[str, Tensor]]) -> dict[str, Tensor]:
    if len(parts) == 1:
        return parts[0]
    return {name: np.concatenate([part[name] for part in parts], axis=0) for name in parts[0]}


class LocalTransport(InferenceTransport):
    """Runs the ONNX files of a Triton model repository in-process with onnxruntime (CPU by default)."""

    def __init__(
        self,
        model_repository: Path = DEFAULT_MODEL_REPOSITORY,
        *,
        intra_op_threads: int = 0,
        providers: tuple[str, ...] = ("CPUExecutionProvider",),
    ) -> None:
        self._repository = Path(model_repository)
        self._threads = intra_op_threads or int(os.environ.get("LUMEN_INFERENCE_THREADS", "0") or 0)
        self._providers = providers
        self._sessions: dict[str, object] = {}  # by name/version
        self._lock = threading.Lock()

    def model_path(self, spec: ModelSpec) -> Path:
        return self._repository / spec.name / (spec.version or "1") / "model.onnx"

    def _session(self, spec: ModelSpec) -> Any:  # an onnxruntime.InferenceSession
        key = f"{spec.name}/{spec.version or '1'}"
        session = self._sessions.get(key)
        if session is not None:
            return session
        with self._lock:
            session = self._sessions.get(key)
            if session is None:
                session = self._load(spec)
                self._sessions[key] = session
        return session

    def _load(self, spec: ModelSpec) -> Any:
        import onnxruntime as ort

        path = self.model_path(spec)
        if not path.is_file():
            raise InferenceError(f"model file missing: {path}")
        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        if self._threads:
            options.intra_op_num_threads = self._threads
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        try:
            session = ort.InferenceSession(str(path), options, providers=list(self._providers))
        except Exception as exc:  # onnxruntime raises its own exception types
            raise InferenceError(f"cannot load {path}: {exc}") from exc
        names = tuple(item.name for item in session.get_inputs())
        outputs = tuple(item.name for item in session.get_outputs())
        if set(names) != set(spec.inputs) or not set(spec.outputs) <= set(outputs):
            raise InferenceError(f"{path}: tensors {names} -> {outputs} do not match {spec}")
        _LOGGER.info("loaded model %s from %s", spec.name, path)
        return session

    def warm_up(self, specs: tuple[ModelSpec, ...]) -> None:
        for spec in specs:
            self._session(spec)

    def infer(self, spec: ModelSpec, inputs: Mapping[str, Tensor]) -> dict[str, Tensor]:
        session = self._session(spec)
        parts = []
        for chunk in split_batches(inputs, spec.max_batch):
            try:
                values = session.run(list(spec.outputs), chunk)
            except Exception as exc:
                raise InferenceError(f"{spec.name}: {exc}") from exc
            parts.append(dict(zip(spec.outputs, values, strict=True)))
        return concat_outputs(parts)

    def close(self) -> None:
        with self._lock:
            self._sessions.clear()
