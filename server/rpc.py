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


def proto_service_name(cls: type) -> str:
    """The proto service a servicer class implements: the generated `<Service>Servicer` base of a lumen module
    (`lumen.v6.*_pb2_grpc`) in its MRO, else the class's own name (servicer classes are named like their service;
    test doubles)."""
    for base in cls.__mro__:
        if (
            base.__name__.endswith("Servicer")
            and base.__module__.startswith("lumen.")
            and base.__module__.endswith("_pb2_grpc")
        ):
            return base.__name__[: -len("Servicer")]
    return cls.__name__


@dataclass(frozen=True)
class RpcInfo:
    """What the wrapper needs about one RPC of one servicer class."""

    name: str  # "Service.Method"
    public: bool  # server.accounts.PUBLIC_RPCS
    success_status: int  # the RPC's http_success_status option


_RPC_INFO: dict[tuple[type, str], RpcInfo] = {}


def rpc_info(cls: type, method: str) -> RpcInfo:
    """The RPC that method `method` of servicer class `cls` implements: resolved by the method's name against the
    class's proto service (`proto_service_name`), once per class, so a method defined once in a base or mixin
    shared by several servicers answers each service's own option. Raises LookupError when the service has no
    such RPC."""
    found = _RPC_INFO.get((cls, method))
    if found is None:  # two threads may both compute it: the same value
        name = f"{proto_service_name(cls)}.{method}"
        found = _RPC_INFO[(cls, method)] = RpcInfo(name, accounts.is_public(name), success_status(name))
    return found


LUNA_RPC_ATTRIBUTE = "luna_rpc_method"


def servicer_rpcs(cls: type) -> dict[str, RpcInfo]:
    """Every luna_rpc method of a servicer class, inherited ones included, resolved (LookupError for a method
    whose name is no RPC of the class's service)."""
    return {
        name: rpc_info(cls, name)
        for name in dir(cls)
        if getattr(getattr(cls, name, None), LUNA_RPC_ATTRIBUTE, None) == name
    }


def luna_rpc(
    *, account_required: bool = False
) -> Callable[[Callable[[Any, Request, Call], Response]], Callable[[Any, Request, grpc.ServicerContext], Response]]:
    """Decorate a servicer method `fn(self, request, call)`.

    account_required: the operation changes state, so Luna-Account-Id is mandatory (11036).
    With LUMEN_REQUIRE_ACCOUNT it is mandatory for every RPC but server.accounts.PUBLIC_RPCS.
    The HTTP status of a successful REST answer (201 for creation, 204 for no content) is the RPC's
    `http_success_status` proto option (`success_status`). Both are looked up by the method's name in the proto
    service of the servicer it is called on (`rpc_info`, once per class), not by where the method is defined: a
    method written once in a base or mixin serves every servicer that inherits it. The handler carries the
    method name as `luna_rpc_method` (tests enumerate the servicers' RPCs through it).
    """

    def decorate(
        fn: Callable[[Any, Request, Call], Response],
    ) -> Callable[[Any, Request, grpc.ServicerContext], Response]:
        method = fn.__name__

        @functools.wraps(fn)
        def handler(self: Any, request: Request, context: grpc.ServicerContext) -> Response:
            name = f"{type(self).__name__}.{method}"
            try:
                info = rpc_info(type(self), method)
                name = info.name
                call = _parse_call(context)
                if account_required:
                    call.require_account()
                elif accounts.account_missing(info.public, call.account_id):
                    raise LunaError(errors.ACCOUNT_REQUIRED)
                response = fn(self, request, call)
            except LunaError as error:
                _LOGGER.info("%s failed: %s", name, error)
                abort_with_luna_error(context, error)
                raise AssertionError("abort returned") from error  # pragma: no cover
            except StorageError as error:
                _LOGGER.warning("%s failed in storage: %s", name, error)
                abort_with_luna_error(context, errors.from_storage_error(error))
                raise AssertionError("abort returned") from error  # pragma: no cover
            except Exception as error:  # the client gets a LUNA 500, never a traceback
                _LOGGER.exception("%s crashed", name)
                abort_with_luna_error(context, LunaError(errors.INTERNAL))
                raise AssertionError("abort returned") from error  # pragma: no cover
            headers = list(getattr(context, "_lumen_headers", []))
            status = info.success_status
            if status != 200 and all(n != HTTP_STATUS_HEADER for n, _ in headers):  # unless the method set one
                headers.append((HTTP_STATUS_HEADER, str(status)))
            if headers:
                context.send_initial_metadata(tuple(headers))
            return response

        setattr(handler, LUNA_RPC_ATTRIBUTE, method)
        return handler

    return decorate
