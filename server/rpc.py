"""The wrapper every servicer method goes through.

It reads the LUNA headers (Luna-Account-Id, Luna-Request-Id) from the gRPC metadata, enforces
the account rule of the operation, and turns the outcome into what Envoy's Lua filter
(gateway/lumen.lua) needs: the HTTP status (`x-lumen-http-status`) and, on failure, the LUNA
error body (`x-lumen-error`) as initial metadata, plus a google.rpc.Status with the same error
in its details for gRPC clients.
"""

from __future__ import annotations

import functools
import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import grpc
from google.protobuf import any_pb2, descriptor_pool
from google.rpc import status_pb2
from grpc_status import rpc_status

from lumen.v6 import common_pb2, options_pb2
from server import accounts, errors
from server.errors import LunaError
from server.storage.errors import StorageError

_LOGGER = logging.getLogger(__name__)

ACCOUNT_ID_HEADER = "luna-account-id"
REQUEST_ID_HEADER = "luna-request-id"
HTTP_STATUS_HEADER = "x-lumen-http-status"
ERROR_HEADER = "x-lumen-error"
# The proto package of the servicers; servicer classes are named like their proto service.
PROTO_PACKAGE = "lumen.v6"
UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")

Request = TypeVar("Request")
Response = TypeVar("Response")


@dataclass(frozen=True)
class Call:
    """What a service method needs to know about the caller."""

    account_id: str | None
    request_id: str
    grpc_context: grpc.ServicerContext

    def require_account(self) -> str:
        if self.account_id is None:
            raise LunaError(errors.FORBIDDEN)
        return self.account_id

    def set_header(self, name: str, value: str) -> None:
        """Add a response header (sent with the initial metadata)."""
        extra = getattr(self.grpc_context, "_lumen_headers", None)
        if extra is None:
            extra = []
            self.grpc_context._lumen_headers = extra
        extra.append((name, value))


def _metadata(context: grpc.ServicerContext) -> dict[str, str]:
    return {
        key: value if isinstance(value, str) else value.decode("latin-1")
        for key, value in context.invocation_metadata()
    }


def _parse_call(context: grpc.ServicerContext) -> Call:
    metadata = _metadata(context)
    account = metadata.get(ACCOUNT_ID_HEADER)
    if account is not None:
        account = account.strip().lower()
        if not UUID_RE.match(account):
            raise LunaError(errors.BAD_QUERY_PARAM, name="account_id")
    return Call(
        account_id=account,
        request_id=metadata.get(REQUEST_ID_HEADER, ""),
        grpc_context=context,
    )


def abort_with_luna_error(context: grpc.ServicerContext, error: LunaError) -> None:
    body = error.body()
    context.send_initial_metadata(
        (
            (HTTP_STATUS_HEADER, str(error.http_status)),
            (ERROR_HEADER, json.dumps(body, ensure_ascii=True, separators=(", ", ": "))),
        )
    )
    detail = any_pb2.Any()
    detail.Pack(common_pb2.Error(error_code=error.code, desc=error.spec.desc, detail=error.detail))
    status = status_pb2.Status(code=error.grpc_code.value[0], message=f"{error.code}: {error.detail}", details=[detail])
    context.abort_with_status(rpc_status.to_status(status))


def success_status(servicer_method_qualname: str) -> int:
    """The HTTP status of a successful REST answer of a servicer method ("FacesService.CreateFace").

    It is the RPC's `(lumen.v6.http_success_status)` option (proto/lumen/v6/options.proto), 200 when unset
    or when the class is no lumen service (a test double).
    """
    service, _, method = servicer_method_qualname.rpartition(".")
    service = service.rpartition(".")[2]
    pool = descriptor_pool.Default()
    try:
        descriptor = pool.FindServiceByName(f"{PROTO_PACKAGE}.{service}")
    except KeyError:
        return 200
    rpc = descriptor.methods_by_name.get(method)
    if rpc is None:
        raise LookupError(f"{service} has no RPC {method}: servicer methods are named like their RPC")
    options = rpc.GetOptions()
    return options.Extensions[options_pb2.http_success_status] or 200


def luna_rpc(
    *, account_required: bool = False
) -> Callable[[Callable[[Any, Request, Call], Response]], Callable[[Any, Request, grpc.ServicerContext], Response]]:
    """Decorate a servicer method `fn(self, request, call)`.

    account_required: the operation changes state, so Luna-Account-Id is mandatory (11036).
    With LUMEN_REQUIRE_ACCOUNT it is mandatory for every RPC but server.accounts.PUBLIC_RPCS.
    The HTTP status of a successful REST answer (201 for creation, 204 for no content) is the RPC's
    `http_success_status` proto option (`success_status`), read once here.
    """

    def decorate(
        fn: Callable[[Any, Request, Call], Response],
    ) -> Callable[[Any, Request, grpc.ServicerContext], Response]:
        public = accounts.is_public(fn.__qualname__)
        status = success_status(fn.__qualname__)

        @functools.wraps(fn)
        def handler(self: Any, request: Request, context: grpc.ServicerContext) -> Response:
            try:
                call = _parse_call(context)
                if account_required:
                    call.require_account()
                elif accounts.account_missing(public, call.account_id):
                    raise LunaError(errors.ACCOUNT_REQUIRED)
                response = fn(self, request, call)
            except LunaError as error:
                _LOGGER.info("%s failed: %s", fn.__qualname__, error)
                abort_with_luna_error(context, error)
                raise AssertionError("abort returned") from error  # pragma: no cover
            except StorageError as error:
                _LOGGER.warning("%s failed in storage: %s", fn.__qualname__, error)
                abort_with_luna_error(context, errors.from_storage_error(error))
                raise AssertionError("abort returned") from error  # pragma: no cover
            except Exception as error:  # the client gets a LUNA 500, never a traceback
                _LOGGER.exception("%s crashed", fn.__qualname__)
                abort_with_luna_error(context, LunaError(errors.INTERNAL))
                raise AssertionError("abort returned") from error  # pragma: no cover
            headers = list(getattr(context, "_lumen_headers", []))
            if status != 200 and all(name != HTTP_STATUS_HEADER for name, _ in headers):  # unless the method set one
                headers.append((HTTP_STATUS_HEADER, str(status)))
            if headers:
                context.send_initial_metadata(tuple(headers))
            return response

        handler.http_success_status = status  # type: ignore[attr-defined]
        return handler

    return decorate
