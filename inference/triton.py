"""The Triton transport: the same tensors as LocalTransport, sent to Triton over gRPC (tritonclient)."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence

import numpy as np

from inference.errors import InferenceError
from inference.models import ModelSpec
from inference.transport import InferenceTransport, Tensor, concat_outputs, split_batches

_LOGGER = logging.getLogger(__name__)

DEFAULT_TIMEOUT_S = 30.0
READINESS_TIMEOUT_S = 2.0
# gRPC reconnects a lost channel by itself, but its back-off grows to 120 s by default: after a Triton restart
# (the stack's supervisor restarts a crashed tritonserver) the channel would keep failing fast for up to that
# long. Capped at 1 s, the server's one client works again about a second after Triton is back.
MAX_RECONNECT_BACKOFF_MS = 1000


def channel_args() -> list[tuple[str, int]]:
    """tritonclient's default channel options plus a short reconnect back-off."""
    import tritonclient.grpc as grpcclient

    keepalive = grpcclient.KeepAliveOptions()
    return [
        ("grpc.max_send_message_length", grpcclient.MAX_GRPC_MESSAGE_SIZE),
        ("grpc.max_receive_message_length", grpcclient.MAX_GRPC_MESSAGE_SIZE),
        ("grpc.keepalive_time_ms", keepalive.keepalive_time_ms),
        ("grpc.keepalive_timeout_ms", keepalive.keepalive_timeout_ms),
        ("grpc.keepalive_permit_without_calls", int(keepalive.keepalive_permit_without_calls)),
        ("grpc.http2.max_pings_without_data", keepalive.http2_max_pings_without_data),
        ("grpc.initial_reconnect_backoff_ms", MAX_RECONNECT_BACKOFF_MS // 4),
        ("grpc.min_reconnect_backoff_ms", MAX_RECONNECT_BACKOFF_MS // 4),
        ("grpc.max_reconnect_backoff_ms", MAX_RECONNECT_BACKOFF_MS),
    ]


class TritonTransport(InferenceTransport):
    """Runs models on a Triton server (gRPC). One client (one HTTP/2 channel) shared by all threads."""

    def __init__(self, url: str, *, timeout_s: float = DEFAULT_TIMEOUT_S) -> None:
        import tritonclient.grpc as grpcclient

        self._grpc = grpcclient
        self._client = grpcclient.InferenceServerClient(url, channel_args=channel_args())
        self._timeout_s = timeout_s
        self.url = url

    def is_ready(self) -> bool:
        try:
            return bool(self._client.is_server_ready(client_timeout=self._timeout_s))
        except Exception:  # noqa: BLE001 - any failure means not ready
            return False

    def readiness(self, models: Sequence[str], timeout_s: float = READINESS_TIMEOUT_S) -> tuple[bool, list[str]]:
        """(server ready, the names of `models` not ready), asked over this transport's own connection, so the
        answer is what the next infer() will meet (e.g. still reconnecting after a Triton restart).
        A name "<model>/<version>" asks for one version of the model. InferenceError when Triton does not answer."""
        from tritonclient.utils import InferenceServerException

        def model_ready(item: str) -> bool:
            name, _, version = item.partition("/")
            return bool(self._client.is_model_ready(name, version, client_timeout=timeout_s))

        try:
            ready = bool(self._client.is_server_ready(client_timeout=timeout_s))
            missing = [item for item in models if not model_ready(item)]
        except InferenceServerException as exc:
            status = str(exc.status() or "ERROR").removeprefix("StatusCode.")
            raise InferenceError(f"{status} from {self.url}") from None
        return ready, missing

    def warm_up(self, specs: tuple[ModelSpec, ...]) -> None:
        for spec in specs:
            if not self._client.is_model_ready(spec.name, spec.version, client_timeout=self._timeout_s):
                shown = f"{spec.name} version {spec.version}" if spec.version else spec.name
                raise InferenceError(f"model {shown} is not ready on Triton {self.url}")

    def infer(self, spec: ModelSpec, inputs: Mapping[str, Tensor]) -> dict[str, Tensor]:
        from tritonclient.utils import InferenceServerException, np_to_triton_dtype

        grpc = self._grpc
        parts = []
        for chunk in split_batches(inputs, spec.max_batch):
            request = []
            for name in spec.inputs:
                array = np.ascontiguousarray(chunk[name])
                item = grpc.InferInput(name, list(array.shape), np_to_triton_dtype(array.dtype))
                item.set_data_from_numpy(array)
                request.append(item)
            wanted = [grpc.InferRequestedOutput(name) for name in spec.outputs]
            try:
                result = self._client.infer(
                    spec.name, request, model_version=spec.version, outputs=wanted, client_timeout=self._timeout_s
                )
            except InferenceServerException as exc:
                raise InferenceError(f"{spec.name} on Triton {self.url}: {exc}") from exc
            parts.append({name: result.as_numpy(name) for name in spec.outputs})
        return concat_outputs(parts)

    def close(self) -> None:
        self._client.close()
