"""Triton Python-based backend `lumen_onnx`: runs the model.onnx of a model version with onnxruntime (CPU).

Every model of deploy/triton/models names it (`backend: "lumen_onnx"` in config.pbtxt); Triton finds this file
as <backend-directory>/lumen_onnx/model.py and runs it with the python backend's stub (inference/triton_server.py
assembles that directory). Tensor names, types and shapes come from the model's config.pbtxt. When
max_batch_size > 0, the requests of one execute() call whose inputs have the same non-batch shapes are
concatenated and run together (Triton's dynamic batcher hands several requests to one call).

Parameters (config.pbtxt `parameters`): intra_op_threads (default 0: onnxruntime's choice), allow_spinning
(default "1", onnxruntime's default: idle pool threads busy-wait for work; "0" lets them sleep, which leaves
the cores to the other models' processes when several requests run at once).
"""

import json
import os

import numpy as np
import onnxruntime as ort
import triton_python_backend_utils as pb_utils


class TritonPythonModel:
    def initialize(self, args):
        config = json.loads(args["model_config"])
        self.name = config["name"]
        self.batched = int(config.get("max_batch_size", 0)) > 0
        self.inputs = [(item["name"], pb_utils.triton_string_to_numpy(item["data_type"])) for item in config["input"]]
        self.outputs = [item["name"] for item in config["output"]]
        params = {key: value.get("string_value", "") for key, value in config.get("parameters", {}).items()}
        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.inter_op_num_threads = 1
        threads = int(params.get("intra_op_threads", "0") or 0)
        if threads:
            options.intra_op_num_threads = threads
        options.add_session_config_entry("session.intra_op.allow_spinning", params.get("allow_spinning", "1") or "1")
        path = os.path.join(args["model_repository"], args["model_version"], "model.onnx")
        self.session = ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])

    def execute(self, requests):
        responses = [None] * len(requests)
        groups = {}
        for index, request in enumerate(requests):
            try:
                arrays = []
                for name, dtype in self.inputs:
                    tensor = pb_utils.get_input_tensor_by_name(request, name)
                    if tensor is None:
                        raise ValueError(f"missing input {name}")
                    arrays.append(np.ascontiguousarray(tensor.as_numpy(), dtype=dtype))
            except Exception as exc:  # noqa: BLE001 - reported to the client
                responses[index] = pb_utils.InferenceResponse(error=pb_utils.TritonError(str(exc)))
                continue
            key = tuple(a.shape[1:] for a in arrays) if self.batched else ("single", index)
            groups.setdefault(key, []).append((index, arrays))
        for members in groups.values():
            try:
                feed = {
                    name: (np.concatenate([arrays[i] for _, arrays in members]) if len(members) > 1
                           else members[0][1][i])
                    for i, (name, _) in enumerate(self.inputs)
                }
                values = self.session.run(self.outputs, feed)
            except Exception as exc:  # noqa: BLE001 - reported to the client
                for index, _ in members:
                    responses[index] = pb_utils.InferenceResponse(error=pb_utils.TritonError(f"{self.name}: {exc}"))
                continue
            start = 0
            for index, arrays in members:
                size = arrays[0].shape[0] if self.batched else None
                parts = [value[start:start + size] if size is not None else value for value in values]
                start += size or 0
                tensors = [pb_utils.Tensor(name, part) for name, part in zip(self.outputs, parts, strict=True)]
                responses[index] = pb_utils.InferenceResponse(output_tensors=tensors)
        return responses

    def finalize(self):
        self.session = None
