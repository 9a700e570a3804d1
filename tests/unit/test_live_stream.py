"""EventsStreamService over a real in-process gRPC server with its own bus, the websocket bridge's parsing, and
the gateway routes of the live stream (the end-to-end path: tests/integration/test_live_events.py)."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import Iterator
from concurrent import futures
from typing import Any

import grpc
import pytest
from grpc_status import rpc_status
from websockets.datastructures import Headers

from gateway.config import LIVE_PATH, LIVE_SERVICE, STREAM_CLUSTER, WS_CLUSTER, envoy_config
from lumen.v6 import common_pb2, events_stream_service_pb2, events_stream_service_pb2_grpc
from server.errors import LunaError
from server.events.bus import EventBus, EventFilters, LiveEvent
from server.events.stream import SUBSCRIBED_HEADER, EventsStreamService, from_message, to_message
from server.ws_bridge import (
    _DROPPED,
    _ENDED,
    AccountHub,
    Listener,
    account_of,
    luna_refusal,
    stream_request,
    ws_message,
)

ACCOUNT = "8b8b5937-2e9c-4e8b-a7a7-5caf86621b5a"
HANDLER = "88c5dd7e-693b-4386-92bc-0c31a150a7d0"


@pytest.fixture
def served() -> Iterator[tuple[EventBus, events_stream_service_pb2_grpc.EventsStreamServiceStub]]:
    bus = EventBus(max_queue=2)
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    events_stream_service_pb2_grpc.add_EventsStreamServiceServicer_to_server(
        EventsStreamService(bus, poll_s=0.2), server
    )
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    channel = grpc.insecure_channel(f"127.0.0.1:{port}")
    try:
        yield bus, events_stream_service_pb2_grpc.EventsStreamServiceStub(channel)
    finally:
        channel.close()
        bus.close_all()
        server.stop(0)


def stored(**fields: Any) -> dict[str, Any]:
    return {
        "event_id": str(uuid.uuid4()),
        "handler_id": HANDLER,
        "create_time": "2026-12-03T10:00:00.000000+00:00",
        "end_time": "2026-12-03T10:00:00.000000+00:00",
        "source": "cam1",
        "tags": [],
        **fields,
    }


def subscribe(stub: Any, request: events_stream_service_pb2.StreamEventsRequest, account: str = ACCOUNT) -> Any:
    call = stub.StreamEvents(request, metadata=[("luna-account-id", account), ("luna-request-id", "1,r")])
    assert SUBSCRIBED_HEADER in dict(call.initial_metadata())  # the subscription is live from here on
    return call


def luna_error(failure: grpc.RpcError) -> common_pb2.Error:
    status = rpc_status.from_call(failure)
    assert status is not None
    error = common_pb2.Error()
    assert status.details[0].Unpack(error)
    return error


def test_a_subscriber_gets_the_matching_events_of_its_account(served: Any) -> None:
    bus, stub = served
    call = subscribe(stub, events_stream_service_pb2.StreamEventsRequest(sources=["cam1,cam2"], age__gte=30))
    other_account = subscribe(stub, events_stream_service_pb2.StreamEventsRequest(), str(uuid.uuid4()))
    skipped = stored(source="cam3", age=40)
    young = stored(age=20)
    wanted = stored(age=30, external_id="e")
    handler_event = {"event_id": wanted["event_id"], "url": "/6/events/x", "source": "cam1", "age": 30, "score": 0.5}
    for record in (skipped, young):
        bus.publish(ACCOUNT, record)
    bus.publish(ACCOUNT, wanted, handler_event=handler_event, request_id="1536751345,abc")
    message = next(call)
    assert message.event_id == wanted["event_id"]
    assert message.handler_id == HANDLER
    assert (message.event_create_time, message.event_end_time) == (wanted["create_time"], wanted["end_time"])
    assert message.luna_request_id == "1536751345,abc"
    assert json.loads(message.event_json) == handler_event
    call.cancel()
    # the other account's stream got nothing: its next message is the end caused by our cancel only
    other_account.cancel()
    with pytest.raises(grpc.RpcError) as ended:
        next(other_account)
    assert ended.value.code() == grpc.StatusCode.CANCELLED


@pytest.mark.parametrize(
    ("request_fields", "name"),
    [
        ({"gender": 2}, "gender"),
        ({"age__lt": -1}, "age__lt"),
        ({"object_similarity__gte": 1.5}, "object_similarity__gte"),
        ({"ethnic_groups": ["1,5"]}, "ethnic_groups"),
        ({"liveness": ["x"]}, "liveness"),
        ({"masks": ["0"]}, "masks"),
        ({"emotions": ["8"]}, "emotions"),
        ({"handler_ids": ["not-a-uuid"]}, "handler_ids"),
        ({"tags": ["t" * 37]}, "tags"),
        ({"sources": ["a,,b"]}, "sources"),
        ({"cities": [",".join(["c"] * 101)]}, "cities"),
    ],
)
def test_bad_filters_are_luna_12012_naming_the_parameter(
    served: Any, request_fields: dict[str, Any], name: str
) -> None:
    _, stub = served
    call = stub.StreamEvents(
        events_stream_service_pb2.StreamEventsRequest(**request_fields), metadata=[("luna-account-id", ACCOUNT)]
    )
    with pytest.raises(grpc.RpcError) as failure:
        next(call)
    error = luna_error(failure.value)
    assert (error.error_code, error.detail) == (12012, f"Bad query parameters '{name}'")


def test_the_account_is_required(served: Any) -> None:
    _, stub = served
    with pytest.raises(grpc.RpcError) as failure:
        next(stub.StreamEvents(events_stream_service_pb2.StreamEventsRequest()))
    assert luna_error(failure.value).error_code == 11036


def test_the_subscriber_limit_is_a_luna_503(served: Any) -> None:
    bus, stub = served
    bus.max_subscribers = 1
    first = subscribe(stub, events_stream_service_pb2.StreamEventsRequest())
    with pytest.raises(grpc.RpcError) as failure:
        next(
            stub.StreamEvents(events_stream_service_pb2.StreamEventsRequest(), metadata=[("luna-account-id", ACCOUNT)])
        )
    assert luna_error(failure.value).error_code == 40001
    first.cancel()


def test_a_client_that_stops_reading_is_dropped_after_its_queued_events(served: Any) -> None:
    bus, stub = served  # bus.max_queue == 2
    call = subscribe(stub, events_stream_service_pb2.StreamEventsRequest())
    big = {"padding": "x" * 200_000}
    # the server thread blocks on a flow-controlled send, the queue fills, the subscriber is dropped
    published = 0
    while bus.subscribers(ACCOUNT) and published < 1000:
        bus.publish(ACCOUNT, stored(), handler_event=big)
        published += 1
    assert bus.subscribers(ACCOUNT) == 0
    assert bus.dropped_total == 1
    received = 0
    with pytest.raises(grpc.RpcError) as ended:
        for _ in call:
            received += 1
    assert ended.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
    assert 0 < received < published


def test_a_cancelled_stream_unsubscribes(served: Any) -> None:
    bus, stub = served
    call = subscribe(stub, events_stream_service_pb2.StreamEventsRequest())
    assert bus.subscribers(ACCOUNT) == 1
    call.cancel()
    for _ in range(500):  # the server learns of the cancel asynchronously; its callback closes the subscription
        if bus.subscribers(ACCOUNT) == 0:
            break
        time.sleep(0.01)
    assert bus.subscribers(ACCOUNT) == 0


# --- the websocket bridge (server/ws_bridge.py) ---


def test_the_query_becomes_the_typed_request() -> None:
    request = stream_request(
        "sources=cam1,cam2&tags=a&tags=b&age__gte=18&object_similarity__lt=0.5&gender=1&emotions=1,2&unknown=1"
    )
    assert list(request.sources) == ["cam1,cam2"]  # the server splits the items
    assert list(request.tags) == ["a", "b"]
    assert (request.age__gte, request.object_similarity__lt, request.gender) == (18, 0.5, 1)
    assert list(request.emotions) == ["1,2"]
    assert not request.HasField("age__lt")


@pytest.mark.parametrize(
    "query",
    ["age__lt=abc", "age__gte=", "gender=1.5", "object_similarity__gte=nan", "age__lt=99999999999", "gender=%ff"],
)
def test_malformed_query_values_are_12012(query: str) -> None:
    with pytest.raises(LunaError) as failure:
        stream_request(query)
    assert failure.value.code == 12012


def test_the_account_comes_from_the_header_or_the_query() -> None:
    other = str(uuid.uuid4())
    assert account_of(Headers({"Luna-Account-Id": ACCOUNT.upper()}), "") == ACCOUNT
    assert account_of(Headers(), f"account_id={ACCOUNT}") == ACCOUNT
    assert account_of(Headers({"Luna-Account-Id": ACCOUNT}), f"account_id={ACCOUNT}") == ACCOUNT
    assert account_of(Headers(), "") is None
    for headers, query in ((Headers({"Luna-Account-Id": ACCOUNT}), f"account_id={other}"), (Headers(), "account_id=x")):
        with pytest.raises(LunaError) as failure:
            account_of(headers, query)
        assert failure.value.detail == "Bad query parameters 'account_id'"


def test_the_websocket_message_is_the_v6_shape() -> None:
    event = events_stream_service_pb2.LiveEvent(
        event_id="e",
        handler_id=HANDLER,
        event_create_time="2026-12-03T10:00:00.000000+00:00",
        event_end_time="2026-12-03T10:00:01.000000+00:00",
        luna_request_id="1,r",
        event_json='{"event_id":"e","age":31}',
    )
    assert json.loads(ws_message(event)) == {
        "event": {"event_id": "e", "age": 31},
        "handler_id": HANDLER,
        "event-create-time": "2026-12-03T10:00:00.000000+00:00",
        "event-end-time": "2026-12-03T10:00:01.000000+00:00",
        "Luna-Request-id": "1,r",
    }
    event.ClearField("handler_id")
    assert json.loads(ws_message(event))["handler_id"] is None


def test_a_refusal_without_initial_metadata_is_read_from_the_status_details() -> None:
    from google.protobuf import any_pb2
    from google.rpc import status_pb2

    detail = any_pb2.Any()
    detail.Pack(common_pb2.Error(error_code=11036, desc="Forbidden", detail="Luna-Account-Id header is required"))
    trailing = [("grpc-status-details-bin", status_pb2.Status(code=7, details=[detail]).SerializeToString())]
    status, body = luna_refusal({}, trailing) or (0, "")
    assert status == 403
    assert json.loads(body)["error_code"] == 11036
    assert luna_refusal({"x-lumen-error": '{"error_code": 12012}', "x-lumen-http-status": "400"}, ()) == (
        400,
        '{"error_code": 12012}',
    )


# --- the gateway (gateway/config.py live_routes) ---


def _config(**live: int | None) -> dict[str, Any]:
    return envoy_config(
        rest_host="127.0.0.1",
        rest_port=5000,
        grpc_host="127.0.0.1",
        grpc_port=50051,
        admin_port=9901,
        max_request_bytes=1024,
        grpc_read_port=50052,
        **live,  # type: ignore[arg-type]
    )


def _hcm(config: dict[str, Any]) -> dict[str, Any]:
    return config["static_resources"]["listeners"][0]["filter_chains"][0]["filters"][0]["typed_config"]


def test_the_gateway_routes_websockets_to_the_bridge_and_streams_to_the_stream_server() -> None:
    config = _config(ws_port=6001, grpc_stream_port=6002)
    routes = _hcm(config)["route_config"]["virtual_hosts"][0]["routes"]
    ws = next(r for r in routes if r["match"].get("path") == LIVE_PATH)
    assert ws["route"]["cluster"] == WS_CLUSTER
    assert ws["route"]["upgrade_configs"] == [{"upgrade_type": "websocket"}]
    native = next(r for r in routes if r["match"].get("prefix") == f"/{LIVE_SERVICE}/")
    assert native["route"]["cluster"] == STREAM_CLUSTER
    # before the read routes, which would send the (GET-bound) RPC to the read server
    assert routes.index(native) < next(i for i, r in enumerate(routes) if "path" in r["match"] and r is not ws)
    clusters = {c["name"]: c for c in config["static_resources"]["clusters"]}
    assert (
        clusters[WS_CLUSTER]["load_assignment"]["endpoints"][0]["lb_endpoints"][0]["endpoint"]["address"][
            "socket_address"
        ]["port_value"]
        == 6001
    )
    assert STREAM_CLUSTER in clusters
    transcoder = next(f for f in _hcm(config)["http_filters"] if f["name"].endswith("grpc_json_transcoder"))
    assert LIVE_SERVICE not in transcoder["typed_config"]["services"]


def test_without_live_events_the_gateway_answers_503() -> None:
    routes = _hcm(_config())["route_config"]["virtual_hosts"][0]["routes"]
    ws = next(r for r in routes if r["match"].get("path") == LIVE_PATH)
    assert ws["direct_response"]["status"] == 503
    assert json.loads(ws["direct_response"]["body"]["inline_string"])["error_code"] == 40001


# -- the bridge's per-account fan-out -------------------------------------------------------------------------


def test_streamed_facts_give_the_bridge_the_filters_answers() -> None:
    """from_message(to_message(e)) answers every §4.4 filter as e itself does."""
    event = LiveEvent.from_stored(
        ACCOUNT,
        stored(
            tags=["vip", "door"],
            age=33,
            gender=1,
            emotion=2,
            mask=3,
            liveness=1,
            top_match={"similarity": 0.93},
            match_result=[{"label": "staff", "candidates": [{"face_id": "f"}]}, {"label": "none", "candidates": []}],
            location={"city": "Lund", "house_number": "7"},
        ),
    )
    copied = from_message(ACCOUNT, to_message(event))
    probes = [
        EventFilters(),
        EventFilters(tags=frozenset({"vip"})),
        EventFilters(tags=frozenset({"vip", "gate"})),
        EventFilters(matching_candidates_labels=frozenset({"staff"})),
        EventFilters(matching_candidates_labels=frozenset({"none"})),
        EventFilters(object_similarity__gte=0.9, age__gte=30, age__lt=40, gender=1),
        EventFilters(object_similarity__lt=0.9),
        EventFilters(cities=frozenset({"Lund"}), house_numbers=frozenset({"7"}), masks=frozenset({3})),
        EventFilters(emotions=frozenset({1}), liveness=frozenset({1}), sources=frozenset({"cam1"})),
        EventFilters(handler_ids=frozenset({HANDLER})),
    ]
    assert [f.matches(copied) for f in probes] == [f.matches(event) for f in probes]
    assert [f.matches(event) for f in probes] == [True, True, False, True, False, True, False, True, False, True]


class FakeStream:
    """The async iterator of StreamEvents messages an AccountHub reads (a unit-test stand-in for the call)."""

    def __init__(self, messages: list[events_stream_service_pb2.LiveEvent]) -> None:
        self.messages = messages

    def __aiter__(self) -> Any:
        return self._iterate()

    async def _iterate(self) -> Any:
        for message in self.messages:
            yield message


def test_a_hub_fans_out_by_filters_and_drops_a_full_websocket_alone() -> None:
    events = [to_message(LiveEvent.from_stored(ACCOUNT, stored(source=f"cam{i % 2}"))) for i in range(6)]

    async def run() -> tuple[list[object], list[object], list[object]]:
        hub = AccountHub(ACCOUNT, channel=None, call=FakeStream(events))
        everything = Listener(EventFilters(), asyncio.Queue(100))
        cam1 = Listener(EventFilters(sources=frozenset({"cam1"})), asyncio.Queue(100))
        slow = Listener(EventFilters(), asyncio.Queue(2))
        hub.listeners.update({everything, cam1, slow})
        await hub.pump()
        drained = []
        for listener in (everything, cam1, slow):
            items = []
            while not listener.queue.empty():
                items.append(listener.queue.get_nowait())
            drained.append(items)
        return drained[0], drained[1], drained[2]

    everything, cam1, slow = asyncio.run(run())
    assert [json.loads(str(m))["event"] is not None for m in everything[:-1]] == [True] * 6
    assert everything[-1] is _ENDED  # the stream ended: the websocket is closed with 1012
    assert len(cam1) == 3 + 1 and all('"cam1"' in str(m) or m is _ENDED for m in cam1)
    assert slow == [_DROPPED]  # only the full one was dropped (1013), the others got every event
