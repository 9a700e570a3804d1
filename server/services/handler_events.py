"""HandlerEventsService: POST /6/handlers/{handler_id}/events (v6 API-093..094).

The request: server/handlers/inputs.py; the pipeline: server/handlers/events_pipeline.py; the answer and the
stored event: server/handlers/event_output.py. docs/handler-events.md describes the whole operation.
"""

from __future__ import annotations

from typing import Any

from lumen.v6 import handler_events_service_pb2, handler_events_service_pb2_grpc
from server import errors
from server.errors import LunaError
from server.events import bus
from server.face_inference import FaceInference
from server.handlers.event_sink import EventSink
from server.handlers.events_pipeline import EventsPipeline
from server.handlers.inputs import IMAGE_FACE_WARP, event_meta, parse_events_body
from server.handlers.plan import make_plan
from server.handlers.policies import Policies, parse_policies
from server.handlers.records import load_handler
from server.matching.live import MatchingIndexes
from server.rpc import Call, luna_rpc
from server.storage.store import Storage
from server.validation import path_uuid


def _headers(call: Call) -> dict[str, str]:
    return {
        key: value if isinstance(value, str) else value.decode("latin-1")
        for key, value in call.grpc_context.invocation_metadata()
    }


def _publish(account_id: str, stored: Any, handler_event: Any, request_id: str) -> None:
    bus.publish(account_id, stored, handler_event=handler_event, request_id=request_id)


def _listening(account_id: str) -> bool:
    return bus.BUS.subscribers(account_id) > 0


class HandlerEventsService(handler_events_service_pb2_grpc.HandlerEventsServiceServicer):
    def __init__(self, storage: Storage, matching: MatchingIndexes, inference: FaceInference | None) -> None:
        self.storage = storage
        sink = EventSink(storage.events.save_events, _publish, _listening)
        self.pipeline = EventsPipeline(storage, matching, inference, sink)

    @luna_rpc(account_required=True)
    def CreateEvents(
        self, request: handler_events_service_pb2.CreateEventsRequest, call: Call
    ) -> handler_events_service_pb2.CreateEventsResponse:
        account_id = call.require_account()
        handler_id = path_uuid(request.handler_id, "handler_id")
        meta = event_meta(request, _headers(call))
        handler = load_handler(self.storage, handler_id, account_id)
        body = parse_events_body(request.body)
        if handler.is_dynamic:
            if body.policies is None:
                raise LunaError(
                    errors.JSON_VALIDATION, path="policies", message="a dynamic handler needs the policies part"
                )
            policies = parse_policies(body.policies)
        else:
            if body.policies is not None:
                raise LunaError(
                    errors.JSON_VALIDATION, path="policies", message="policies are given only to dynamic handlers"
                )
            policies = handler.policies or Policies()
        plan = make_plan(policies, warped=meta.image_type == IMAGE_FACE_WARP)
        return self.pipeline.run(handler_id, account_id, plan, body, meta, call.request_id)


def register(server: Any, context: Any) -> None:
    handler_events_service_pb2_grpc.add_HandlerEventsServiceServicer_to_server(
        HandlerEventsService(context.storage, context.matching, context.face_inference), server
    )
    context.service_names.append(
        handler_events_service_pb2.DESCRIPTOR.services_by_name["HandlerEventsService"].full_name
    )
