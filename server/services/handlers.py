"""HandlersService: handlers and their policies (v6 API-082..092).

One validation path: REST bodies (HttpBody) and gRPC typed bodies (HandlerParams) both become a JSON
document checked by BODY_SCHEMA, then server/handlers/policies.py parses the policies with every default.
Stored policies are the complete JSON form; GET answers print it as v6 does (nulls included).
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from google.api import httpbody_pb2
from google.protobuf import json_format

from lumen.v6 import common_pb2, handlers_pb2, handlers_service_pb2, handlers_service_pb2_grpc
from server import errors
from server.errors import LunaError
from server.handlers.policies import PolicyError, parse_policies, policies_to_json
from server.handlers.records import HANDLER_URL, stored_policies_json
from server.json_http import json_http_body
from server.rpc import Call, luna_rpc
from server.storage.repositories.handlers import HandlerFilter, HandlerRow
from server.storage.store import Storage
from server.validation import flag_param, json_body, now, page_params, path_uuid, str_param

DESCRIPTION_MAX = 128
# The policies object itself is checked by server/handlers/policies.py (12022 with its path).
BODY_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "description": {"type": "string", "maxLength": DESCRIPTION_MAX},
        "policies": {"type": ["object", "null"]},
        "is_dynamic": {"type": "boolean"},
    },
    "additionalProperties": False,
}
VALIDATOR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"policies": {"type": "object"}},
    "required": ["policies"],
    "additionalProperties": False,
}


def handler_json(row: HandlerRow) -> dict[str, Any]:
    """The v6 Handler object (§2.1), keys in v6 order."""
    return {
        "handler_id": row["handler_id"],
        "account_id": row["account_id"],
        "description": row["description"],
        "policies": stored_policies_json(row),
        "create_time": row["create_time"],
        "last_update_time": row["last_update_time"],
        "is_dynamic": bool(row["is_dynamic"]),
    }


def handler_message(row: HandlerRow) -> handlers_pb2.Handler:
    """The typed Handler of gRPC clients (v6 nulls are absent fields)."""
    return json_format.ParseDict(handler_json(row), handlers_pb2.Handler())


def handler_content(body: dict[str, Any]) -> tuple[str, str | None, bool]:
    """(description, complete policies JSON text or None, is_dynamic) of a create/replace body."""
    is_dynamic = bool(body.get("is_dynamic", False))
    document = body.get("policies")
    if is_dynamic:
        if document is not None:
            raise PolicyError("policies", "a dynamic handler has no stored policies")
        policies_text = None
    else:
        policies_text = json.dumps(policies_to_json(parse_policies(document)), separators=(",", ":"))
    return body.get("description", ""), policies_text, is_dynamic


def handler_filters(request: Any, account_id: str | None) -> HandlerFilter:
    """The filters of GET /6/handlers and /6/handlers/count; is_dynamic defaults to 0 (static handlers) as in v6."""
    return HandlerFilter(
        account_id=account_id,
        description_contains=str_param(request, "description", max_length=DESCRIPTION_MAX),
        is_dynamic=flag_param(request, "is_dynamic", False),
    )


class HandlersService(handlers_service_pb2_grpc.HandlersServiceServicer):
    def __init__(self, storage: Storage) -> None:
        self.storage = storage

    def _row(self, handler_id: str, account_id: str | None) -> HandlerRow:
        row = self.storage.handlers.get(handler_id, account_id)
        if row is None:
            raise LunaError(errors.HANDLER_NOT_FOUND, id=handler_id)
        return row

    def _rows(self, request: Any, call: Call) -> list[HandlerRow]:
        offset, limit = page_params(request)
        return self.storage.handlers.find(handler_filters(request, call.account_id), offset=offset, limit=limit)

    @luna_rpc(account_required=True)
    def CreateHandler(
        self, request: handlers_service_pb2.CreateHandlerRequest, call: Call
    ) -> handlers_service_pb2.CreateHandlerResponse:
        body = json_body(request.body, request.params, BODY_SCHEMA, has_params=request.HasField("params"))
        description, policies, is_dynamic = handler_content(body)
        handler_id = str(uuid.uuid4())
        created = now()
        with self.storage.write() as batch:
            self.storage.handlers.insert(
                batch,
                HandlerRow(
                    handler_id=handler_id,
                    account_id=call.require_account(),
                    description=description,
                    policies=policies,
                    is_dynamic=int(is_dynamic),
                    create_time=created,
                    last_update_time=created,
                ),
            )
        return handlers_service_pb2.CreateHandlerResponse(
            handler_id=handler_id, url=HANDLER_URL.format(handler_id=handler_id)
        )

    @luna_rpc()
    def GetHandlers(self, request: handlers_service_pb2.GetHandlersRequest, call: Call) -> httpbody_pb2.HttpBody:
        return json_http_body([handler_json(row) for row in self._rows(request, call)])

    @luna_rpc()
    def GetHandlersTyped(
        self, request: handlers_service_pb2.GetHandlersTypedRequest, call: Call
    ) -> handlers_service_pb2.GetHandlersResponse:
        return handlers_service_pb2.GetHandlersResponse(
            handlers=[handler_message(row) for row in self._rows(request, call)]
        )

    @luna_rpc()
    def CountHandlers(
        self, request: handlers_service_pb2.CountHandlersRequest, call: Call
    ) -> handlers_service_pb2.CountHandlersResponse:
        count = self.storage.handlers.count(handler_filters(request, call.account_id))
        return handlers_service_pb2.CountHandlersResponse(handlers_count=count)

    @luna_rpc(account_required=True)
    def ValidateHandlerPolicies(
        self, request: handlers_service_pb2.ValidateHandlerPoliciesRequest, call: Call
    ) -> common_pb2.NoContent:
        body = json_body(request.body, request.params, VALIDATOR_SCHEMA, has_params=request.HasField("params"))
        parse_policies(body["policies"])
        return common_pb2.NoContent()

    @luna_rpc()
    def GetHandler(self, request: handlers_service_pb2.GetHandlerRequest, call: Call) -> httpbody_pb2.HttpBody:
        handler_id = path_uuid(request.handler_id, "handler_id")
        return json_http_body(handler_json(self._row(handler_id, call.account_id)))

    @luna_rpc()
    def GetHandlerTyped(self, request: handlers_service_pb2.GetHandlerTypedRequest, call: Call) -> handlers_pb2.Handler:
        handler_id = path_uuid(request.handler_id, "handler_id")
        return handler_message(self._row(handler_id, call.account_id))

    @luna_rpc(account_required=True)
    def PutHandler(self, request: handlers_service_pb2.PutHandlerRequest, call: Call) -> common_pb2.NoContent:
        handler_id = path_uuid(request.handler_id, "handler_id")
        body = json_body(request.body, request.params, BODY_SCHEMA, has_params=request.HasField("params"))
        description, policies, is_dynamic = handler_content(body)
        account_id = call.require_account()
        with self.storage.write() as batch:
            replaced = self.storage.handlers.replace(
                batch,
                handler_id,
                account_id,
                description=description,
                policies=policies,
                is_dynamic=is_dynamic,
                stamp=now(),
            )
            if not replaced:
                raise LunaError(errors.HANDLER_NOT_FOUND, id=handler_id)
        return common_pb2.NoContent()

    @luna_rpc()
    def HandlerExists(self, request: handlers_service_pb2.HandlerExistsRequest, call: Call) -> common_pb2.NoContent:
        handler_id = path_uuid(request.handler_id, "handler_id")
        if not self.storage.handlers.exists(handler_id, call.account_id):
            raise LunaError(errors.HANDLER_NOT_FOUND, id=handler_id)
        return common_pb2.NoContent()

    @luna_rpc(account_required=True)
    def DeleteHandler(self, request: handlers_service_pb2.DeleteHandlerRequest, call: Call) -> common_pb2.NoContent:
        handler_id = path_uuid(request.handler_id, "handler_id")
        account_id = call.require_account()
        with self.storage.write() as batch:
            if not self.storage.handlers.delete(batch, handler_id, account_id):
                raise LunaError(errors.HANDLER_NOT_FOUND, id=handler_id)
        return common_pb2.NoContent()


def register(server: Any, context: Any) -> None:
    handlers_service_pb2_grpc.add_HandlersServiceServicer_to_server(HandlersService(context.storage), server)
    context.service_names.append(handlers_service_pb2.DESCRIPTOR.services_by_name["HandlersService"].full_name)
