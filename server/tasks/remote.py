"""The internal RPC between the task worker process and the gRPC server: `/lumen.internal.TaskEffects/Apply`.

The worker (server/tasks/worker.py) sends `{"effect": name, "payload": {...}}` (JSON bytes, no protobuf: the
service is internal, outside the REST contract and the Envoy transcoder) and gets `{"result": ...}` or
`{"error": {"spec": name in server/errors.py, "detail"}}` (a LunaError raised by the effect, raised again in the
worker, so that it becomes the task's or subtask's error as before). A call carries the token the server keeps in
`<data_dir>/tasks-effects.token` (mode 0600): only a process that can read the data directory may write through it.
"""

from __future__ import annotations

import hmac
import json
import logging
import os
import secrets
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import grpc

from server import errors
from server.errors import ErrorSpec, LunaError
from server.tasks import effects
from server.tasks.base import EffectsUnavailableError
from server.tasks.runner import lower_priority

_LOGGER = logging.getLogger(__name__)
# Effects run on threads of their own at the task workers' lower OS priority (server/tasks/runner.py), so that on a
# busy machine the server's request threads get the CPU first.
EFFECT_THREADS = ThreadPoolExecutor(4, thread_name_prefix="task-effect", initializer=lower_priority)
SERVICE = "lumen.internal.TaskEffects"
METHOD = "Apply"
TOKEN_FILE = "tasks-effects.token"  # noqa: S105 - a file name
TOKEN_HEADER = "x-lumen-tasks-token"  # noqa: S105 - a header name
# An effect is one transaction, or one estimator image through the pipeline.
CALL_TIMEOUT_S = 300.0
MAX_MESSAGE_BYTES = 64 * 1024 * 1024


def server_token(data_dir: Path) -> str:
    """The token of this data directory: kept across server restarts (a running worker holds it)."""
    path = data_dir / TOKEN_FILE
    if path.is_file():
        return path.read_text().strip()
    token = secrets.token_hex(32)
    partial = path.with_suffix(".partial")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(token)
    os.replace(partial, path)
    return token


def _spec_name(spec: ErrorSpec) -> str:
    for name, value in vars(errors).items():
        if value is spec:
            return name
    return "INTERNAL"


def effects_handler(ctx: effects.EffectsContext, token: str) -> grpc.GenericRpcHandler:
    def apply(request: bytes, context: grpc.ServicerContext) -> bytes:
        metadata = {key: value for key, value in context.invocation_metadata() if isinstance(value, str)}
        if not hmac.compare_digest(metadata.get(TOKEN_HEADER, ""), token):
            context.abort(grpc.StatusCode.PERMISSION_DENIED, "bad task worker token")
        message = json.loads(request)
        try:
            result = EFFECT_THREADS.submit(effects.run, ctx, message["effect"], message["payload"]).result()
        except LunaError as error:
            reply: dict[str, Any] = {"error": {"spec": _spec_name(error.spec), "detail": error.detail}}
        else:
            reply = {"result": result}
        return json.dumps(reply, separators=(",", ":")).encode()

    handler = grpc.unary_unary_rpc_method_handler(apply, request_deserializer=None, response_serializer=None)
    return grpc.method_handlers_generic_handler(SERVICE, {METHOD: handler})


class RemoteEffects:
    """The worker's side: runs each effect in the server through the internal RPC."""

    def __init__(self, target: str, data_dir: Path) -> None:
        self.data_dir = data_dir
        self._channel = grpc.insecure_channel(
            target,
            options=[
                ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
                ("grpc.max_send_message_length", MAX_MESSAGE_BYTES),
            ],
        )
        self._call = self._channel.unary_unary(f"/{SERVICE}/{METHOD}")

    def _token(self) -> str:
        path = self.data_dir / TOKEN_FILE
        return path.read_text().strip() if path.is_file() else ""

    def apply(self, name: str, payload: dict[str, Any]) -> Any:
        request = json.dumps({"effect": name, "payload": payload}, separators=(",", ":")).encode()
        try:
            raw = self._call(request, timeout=CALL_TIMEOUT_S, metadata=[(TOKEN_HEADER, self._token())])
        except grpc.RpcError as error:
            code = error.code() if isinstance(error, grpc.Call) else None
            if code in (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.PERMISSION_DENIED, grpc.StatusCode.UNIMPLEMENTED):
                # the server is down, restarting or not serving yet: the caller retries
                raise EffectsUnavailableError(str(code)) from None
            raise
        reply = json.loads(raw)
        failure = reply.get("error")
        if failure is not None:
            spec = getattr(errors, str(failure["spec"]), errors.INTERNAL)
            raised = LunaError(spec if isinstance(spec, ErrorSpec) else errors.INTERNAL)
            raised.detail = str(failure["detail"])
            raise raised
        return reply["result"]

    def close(self) -> None:
        self._channel.close()
