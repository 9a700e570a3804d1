"""GET /6/ws through Envoy with real websocket clients (and StreamEvents through the gateway for gRPC clients),
against events created with POST /6/handlers/{id}/events/raw: the §4.4 message, filters, account isolation,
LUNA errors before the upgrade. One stack (Triton off) for the module."""

from __future__ import annotations

import asyncio
import json
import signal
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import grpc
import httpx
import pytest
import websockets
from websockets.asyncio.client import ClientConnection

from lumen.v6 import events_stream_service_pb2, events_stream_service_pb2_grpc
from server.stack import Stack
from tests.conftest import stack_settings

RECEIVE_GUARD_S = 60  # a missing message fails the test instead of hanging it; no timing is asserted
MESSAGE_KEYS = {"event", "handler_id", "event-create-time", "event-end-time", "Luna-Request-id"}


@pytest.fixture(scope="module")
def live_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    running = Stack(stack_settings(Path(tmp_path_factory.mktemp("lumen-live")))).start()
    try:
        yield running
    finally:
        running.stop()


def ws_url(stack: Stack, query: str = "") -> str:
    return stack.rest_url.replace("http://", "ws://") + "/6/ws" + (f"?{query}" if query else "")


async def dynamic_handler(client: httpx.AsyncClient, account: str) -> str:
    reply = await client.post(
        "/6/handlers", json={"description": "live", "is_dynamic": True}, headers={"Luna-Account-Id": account}
    )
    assert reply.status_code == 201, reply.text
    return str(reply.json()["handler_id"])


async def raw_event(client: httpx.AsyncClient, account: str, handler_id: str, **body: Any) -> tuple[str, str]:
    """Create an event; (event_id, the Luna-Request-Id of the request)."""
    reply = await client.post(f"/6/handlers/{handler_id}/events/raw", json=body, headers={"Luna-Account-Id": account})
    assert reply.status_code == 201, reply.text
    return str(reply.json()["event_id"]), reply.headers["luna-request-id"]


async def next_message(ws: ClientConnection) -> dict[str, Any]:
    message = json.loads(await asyncio.wait_for(ws.recv(), RECEIVE_GUARD_S))
    assert isinstance(message, dict)
    return message


def vip(**extra: Any) -> dict[str, Any]:
    """A raw event that passes the filters of `FILTERED` below (with its handler)."""
    return {
        "source": "cam1",
        "tags": ["vip", "hall"],
        "location": {"city": "Moscow"},
        "face_attributes": {"basic_attributes": {"age": 31, "gender": 1}},
        **extra,
    }


FILTERED = "sources=cam1,cam2&tags=vip&age__gte=30&age__lt=40&gender=1&cities=Moscow"


def test_subscribers_get_the_v6_message_of_the_events_they_filter_for(live_stack: Stack) -> None:
    async def scenario() -> None:
        account, other = str(uuid.uuid4()), str(uuid.uuid4())
        async with httpx.AsyncClient(base_url=live_stack.rest_url, timeout=60) as client:
            handler, other_handler = await dynamic_handler(client, account), await dynamic_handler(client, other)
            headers = {"Luna-Account-Id": account}
            async with (
                websockets.connect(ws_url(live_stack), additional_headers=headers) as every,
                websockets.connect(
                    ws_url(live_stack, f"{FILTERED}&handler_ids={handler}"), additional_headers=headers
                ) as filtered,
                websockets.connect(ws_url(live_stack, f"account_id={account}&sources=cam2")) as by_query_account,
                websockets.connect(ws_url(live_stack), additional_headers={"Luna-Account-Id": other}) as other_account,
            ):
                wanted, request_id = await raw_event(client, account, handler, **vip(user_data="first"))
                wrong_source, _ = await raw_event(client, account, handler, **vip(source="cam3"))
                too_young, _ = await raw_event(
                    client, account, handler, **vip(face_attributes={"basic_attributes": {"age": 20, "gender": 1}})
                )
                missing_tag, _ = await raw_event(client, account, handler, **vip(source="cam2", tags=["hall"]))
                theirs, _ = await raw_event(client, other, other_handler, source="cam1")
                last, _ = await raw_event(client, account, handler, **vip())

                # no filter: every event of the account, in order, in the v6 shape
                received = [await next_message(every) for _ in range(5)]
                assert [m["event"]["event_id"] for m in received] == [
                    wanted,
                    wrong_source,
                    too_young,
                    missing_tag,
                    last,
                ]
                first = received[0]
                assert set(first) == MESSAGE_KEYS
                assert first["handler_id"] == handler
                assert first["Luna-Request-id"] == request_id
                assert first["event"]["url"] == f"/6/events/{wanted}"
                assert first["event"]["user_data"] == "first"
                stored = (await client.get(f"/6/events/{wanted}", headers=headers)).json()
                assert first["event-create-time"] == stored["create_time"]
                assert first["event-end-time"] == stored["end_time"]

                # filters: only the events that pass them all (the next one after `wanted` is `last`)
                assert [(await next_message(filtered))["event"]["event_id"] for _ in range(2)] == [wanted, last]
                assert (await next_message(by_query_account))["event"]["event_id"] == missing_tag
                # the other account sees its own event only
                assert (await next_message(other_account))["event"]["event_id"] == theirs

    asyncio.run(scenario())


@pytest.mark.parametrize(
    ("query", "status", "code", "name"),
    [
        ("gender=2", 400, 12012, "gender"),
        ("age__lt=abc", 400, 12012, "age__lt"),
        ("object_similarity__gte=1.5", 400, 12012, "object_similarity__gte"),
        ("emotions=1,9", 400, 12012, "emotions"),
        ("handler_ids=nope", 400, 12012, "handler_ids"),
        (f"account_id={uuid.uuid4()}", 400, 12012, "account_id"),  # not the header's account
    ],
)
def test_bad_filters_are_refused_before_the_upgrade(
    live_stack: Stack, query: str, status: int, code: int, name: str
) -> None:
    async def scenario() -> None:
        headers = {"Luna-Account-Id": str(uuid.uuid4())}
        with pytest.raises(websockets.exceptions.InvalidStatus) as refused:
            async with websockets.connect(ws_url(live_stack, query), additional_headers=headers):
                pass
        response = refused.value.response
        assert response.status_code == status
        assert response.headers["content-type"] == "application/json"
        body = json.loads(bytes(response.body))
        assert body["error_code"] == code and body["detail"] == f"Bad query parameters '{name}'"

    asyncio.run(scenario())


def test_the_account_is_required_and_a_plain_get_is_426(live_stack: Stack) -> None:
    async def scenario() -> None:
        with pytest.raises(websockets.exceptions.InvalidStatus) as refused:
            async with websockets.connect(ws_url(live_stack)):
                pass
        assert refused.value.response.status_code == 403
        assert json.loads(bytes(refused.value.response.body))["error_code"] == 11036

    asyncio.run(scenario())
    plain = httpx.get(f"{live_stack.rest_url}/6/ws", headers={"Luna-Account-Id": str(uuid.uuid4())}, timeout=60)
    assert plain.status_code == 426
    assert plain.json()["error_code"] == 40070
    assert plain.headers.get("luna-request-id")


def test_grpc_clients_get_the_same_stream_through_the_gateway(live_stack: Stack) -> None:
    account = str(uuid.uuid4())
    handler = httpx.post(
        f"{live_stack.rest_url}/6/handlers",
        json={"is_dynamic": True},
        headers={"Luna-Account-Id": account},
        timeout=60,
    ).json()["handler_id"]
    with grpc.insecure_channel(f"127.0.0.1:{live_stack.settings.rest_port}") as channel:
        stub = events_stream_service_pb2_grpc.EventsStreamServiceStub(channel)
        call = stub.StreamEvents(
            events_stream_service_pb2.StreamEventsRequest(sources=["cam9"]),
            metadata=[("luna-account-id", account)],
            timeout=RECEIVE_GUARD_S,
        )
        call.initial_metadata()  # subscribed
        for source in ("cam8", "cam9"):
            reply = httpx.post(
                f"{live_stack.rest_url}/6/handlers/{handler}/events/raw",
                json={"source": source},
                headers={"Luna-Account-Id": account},
                timeout=60,
            )
            assert reply.status_code == 201, reply.text
        message = next(call)
        assert message.event_id == reply.json()["event_id"]
        assert message.handler_id == handler
        assert json.loads(message.event_json)["source"] == "cam9"
        call.cancel()


def test_a_killed_bridge_is_restarted_by_the_supervisor(live_stack: Stack) -> None:
    supervisor = live_stack.supervise(initial_backoff_s=0.2)
    account = str(uuid.uuid4())
    headers = {"Luna-Account-Id": account}

    async def scenario() -> None:
        async with httpx.AsyncClient(base_url=live_stack.rest_url, timeout=60) as client:
            handler = await dynamic_handler(client, account)
            async with websockets.connect(ws_url(live_stack), additional_headers=headers) as before:
                supervisor.pause()
                first = live_stack.processes["ws"]
                first.send_signal(signal.SIGKILL)
                first.wait(RECEIVE_GUARD_S)
                with pytest.raises(websockets.exceptions.ConnectionClosed):
                    await asyncio.wait_for(before.recv(), RECEIVE_GUARD_S)
            down = await client.get("/6/ws", headers=headers)  # Envoy: nothing listens on the bridge's port
            assert down.status_code == 503 and down.json()["error_code"] == 40001
            supervisor.resume()
            for _ in range(int(RECEIVE_GUARD_S / 0.1)):
                if (
                    supervisor.restarts.get("ws") == 1
                    and (await client.get("/6/ws", headers=headers)).status_code == 426
                ):
                    break
                await asyncio.sleep(0.1)
            assert live_stack.processes["ws"] is not first
            async with websockets.connect(ws_url(live_stack), additional_headers=headers) as after:
                event_id, _ = await raw_event(client, account, handler, source="cam1")
                assert (await next_message(after))["event"]["event_id"] == event_id

    asyncio.run(scenario())
