"""The websocket bridge of GET /6/ws (v6 API-148): one EventsStreamService stream per account, fanned out here.

    python -m server.ws_bridge      # started and supervised by server/stack.py (process "ws")

Envoy routes GET /6/ws, websocket upgrade included, to this process (gateway/config.py live_routes; it
listens on 127.0.0.1:LUMEN_WS_PORT only). For each request it:
1. reads the §4.4 filters from the query into a typed StreamEventsRequest and checks them as the server does
   (server/events/stream.py event_filters; 12012 naming a malformed one), and the account from
   Luna-Account-Id, or from the `account_id` query parameter for clients that cannot set headers (browsers);
   both given and different: 12012 'account_id'; none: 11036; more than LUMEN_LIVE_MAX_SUBSCRIBERS websockets:
   503; a request that is no websocket upgrade: 426 (40070) — all plain HTTP with the LUNA body, BEFORE any
   upgrade;
2. joins the account's hub: one StreamEvents stream without filters per account with websockets (opened by the
   first one, which waits until the server says it is live; a refusal is answered as in 1), closed with the last;
3. completes the upgrade (events matching its filters queue from step 2 on, so none is missed), then sends each
   event as one text message {"event", "handler_id", "event-create-time", "event-end-time", "Luna-Request-id"}.
The hub applies each websocket's filters to the facts the stream carries (server/events/bus.py EventFilters) and
queues the message, built once per event, on the websocket's bounded queue (LUMEN_LIVE_QUEUE_EVENTS): a websocket
that falls that far behind is closed with 1013 (try again later) and never holds back the others or the stream.
When the stream ends otherwise (server restart) the account's websockets are closed with 1012. Messages from the
client are read and ignored.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import math
import signal
import urllib.parse
from dataclasses import dataclass, field
from typing import Any

import grpc
import grpc.aio
import websockets.http11
from google.protobuf import descriptor
from google.rpc import status_pb2
from websockets.asyncio.server import ServerConnection, serve
from websockets.datastructures import Headers
from websockets.http11 import Request, Response

from lumen.v6 import common_pb2, events_stream_service_pb2, events_stream_service_pb2_grpc
from server import errors, logs
from server.errors import LunaError
from server.events.bus import EventFilters
from server.events.stream import SUBSCRIBED_HEADER, event_filters, from_message
from server.rpc import ACCOUNT_ID_HEADER, ERROR_HEADER, HTTP_STATUS_HEADER, REQUEST_ID_HEADER, UUID_RE
from server.settings import Settings

_LOGGER = logging.getLogger(__name__)

WS_PATH = "/6/ws"
HOST = "127.0.0.1"
LOG_NAME = "lumen-ws.log"
#: The whole of steps 1-2 (subscribe) must finish within this.
SUBSCRIBE_TIMEOUT_S = 10.0
#: Pings keep Envoy and the client's proxies from closing a quiet websocket and find dead clients.
PING_INTERVAL_S = 20.0
#: Bytes a websocket may have unsent before sending waits (and the stream behind it falls behind).
WRITE_LIMIT_BYTES = 256 * 1024
#: Client messages are ignored; they may not be large.
MAX_CLIENT_MESSAGE_BYTES = 64 * 1024
STATUS_DETAILS_KEY = "grpc-status-details-bin"
CLOSE_DROPPED = 1013
CLOSE_RESTART = 1012
INT32 = (-(2**31), 2**31 - 1)
_REQUEST_FIELDS = events_stream_service_pb2.StreamEventsRequest.DESCRIPTOR.fields_by_name
# What Envoy lets through (gateway/config.py MAX_REQUEST_HEADERS_KB) must parse here: a long query is 12012.
websockets.http11.MAX_LINE_LENGTH = 64 * 1024
websockets.http11.MAX_NUM_HEADERS = 256


def stream_request(query: str) -> events_stream_service_pb2.StreamEventsRequest:
    """The typed request of a /6/ws query string; 12012 naming the first malformed parameter.

    Lists: `a,b` or the parameter repeated (the server splits the items). Unknown parameters are ignored,
    as the REST routes ignore them."""
    request = events_stream_service_pb2.StreamEventsRequest()
    try:
        pairs = urllib.parse.parse_qsl(query, keep_blank_values=True, errors="strict")
    except (UnicodeDecodeError, ValueError):
        raise LunaError(errors.BAD_QUERY_PARAM, name="query") from None
    for name, value in pairs:
        field = _REQUEST_FIELDS.get(name)
        if field is None:
            continue
        if field.is_repeated:
            getattr(request, name).append(value)
        elif field.type == descriptor.FieldDescriptor.TYPE_INT32:
            number = _parse(int, value, name)
            if not INT32[0] <= number <= INT32[1]:
                raise LunaError(errors.BAD_QUERY_PARAM, name=name)
            setattr(request, name, number)
        elif field.type == descriptor.FieldDescriptor.TYPE_DOUBLE:
            real = _parse(float, value, name)
            if not math.isfinite(real):
                raise LunaError(errors.BAD_QUERY_PARAM, name=name)
            setattr(request, name, real)
        else:  # pragma: no cover - the request has only these kinds
            raise AssertionError(f"unexpected field type of {name}")
    return request


def _parse(kind: Any, value: str, name: str) -> Any:
    text = value.strip()
    if not text.isascii() or not text:
        raise LunaError(errors.BAD_QUERY_PARAM, name=name)
    try:
        return kind(text)
    except ValueError:
        raise LunaError(errors.BAD_QUERY_PARAM, name=name) from None


def account_of(headers: Headers, query: str) -> str | None:
    """The account of a /6/ws request: Luna-Account-Id, else the `account_id` query parameter (lower case)."""
    header = headers.get(ACCOUNT_ID_HEADER)
    given = [value for name, value in urllib.parse.parse_qsl(query, keep_blank_values=True) if name == "account_id"]
    account = header.strip().lower() if header is not None else None
    if header is not None and not UUID_RE.match(account or ""):
        raise LunaError(errors.BAD_QUERY_PARAM, name="account_id")
    for value in given:
        claimed = value.strip().lower()
        if not UUID_RE.match(claimed) or (account is not None and claimed != account):
            raise LunaError(errors.BAD_QUERY_PARAM, name="account_id")
        account = claimed
    return account


def is_websocket_upgrade(headers: Headers) -> bool:
    upgrade = ",".join(headers.get_all("Upgrade")).lower()
    connection = ",".join(headers.get_all("Connection")).lower()
    return "websocket" in upgrade and "upgrade" in connection


def ws_message(event: events_stream_service_pb2.LiveEvent) -> str:
    """The v6 §4.4 websocket message of one event (event_json is embedded as it is, not parsed again)."""
    handler_id = event.handler_id if event.HasField("handler_id") else None
    return (
        f'{{"event":{event.event_json or "null"},"handler_id":{json.dumps(handler_id)},'
        f'"event-create-time":{json.dumps(event.event_create_time)},'
        f'"event-end-time":{json.dumps(event.event_end_time)},'
        f'"Luna-Request-id":{json.dumps(event.luna_request_id)}}}'
    )


def luna_refusal(initial: dict[str, Any], trailing: Any) -> tuple[int, str] | None:
    """(HTTP status, LUNA body) of a call the server refused: its x-lumen-* initial metadata, or, when the
    call ended before that metadata was read, the LUNA error in the status details (server/rpc.py)."""
    body = initial.get(ERROR_HEADER)
    if isinstance(body, str):
        return int(initial.get(HTTP_STATUS_HEADER, "500")), body
    details = dict(trailing or ()).get(STATUS_DETAILS_KEY)
    if not isinstance(details, bytes):
        return None
    for detail in status_pb2.Status.FromString(details).details:
        error = common_pb2.Error()
        if detail.Unpack(error):
            known = {(spec.code, spec.desc): spec.http_status for spec in errors.catalogue().values()}
            status = known.get((error.error_code, error.desc), 500)
            return status, json.dumps({"error_code": error.error_code, "desc": error.desc, "detail": error.detail})
    return None


def luna_response(status: int, body: str, request_id: str) -> Response:
    headers = Headers()
    headers["Content-Type"] = "application/json"
    headers["Content-Length"] = str(len(body.encode()))
    # websockets closes the connection after a refusal: say so, or Envoy reuses it and answers 503 (40001)
    headers["Connection"] = "close"
    if request_id:
        headers[REQUEST_ID_HEADER] = request_id
    reason = {400: "Bad Request", 403: "Forbidden", 426: "Upgrade Required", 500: "Internal Server Error"}
    return Response(status, reason.get(status, "Service Unavailable"), headers, body.encode())


def error_response(error: LunaError, request_id: str) -> Response:
    return luna_response(error.http_status, json.dumps(error.body()), request_id)


#: What a listener's queue holds besides messages: the reason its websocket is closed.
_DROPPED = object()
_ENDED = object()


@dataclass(eq=False)
class Listener:
    """One websocket of an account hub: its §4.4 filters and its bounded queue of messages to send."""

    filters: EventFilters
    queue: asyncio.Queue[object]

    def offer(self, item: object) -> bool:
        """Queue a message (or a closing reason); False when the queue is full."""
        try:
            self.queue.put_nowait(item)
        except asyncio.QueueFull:
            return False
        return True

    def drop(self) -> None:
        """Replace whatever is queued by the drop (never waits): the websocket is closed with 1013 at once."""
        while not self.queue.empty():
            self.queue.get_nowait()
        self.queue.put_nowait(_DROPPED)

    def end(self) -> None:
        """The stream ended: the queued messages are sent, then the websocket is closed with 1012."""
        if self.queue.full():
            self.queue.get_nowait()
        self.queue.put_nowait(_ENDED)


@dataclass(eq=False)
class AccountHub:
    """One StreamEvents stream (no filters) of one account, fanned out to that account's websockets here: the
    stream server keeps one stream and one thread per account, not per websocket, and each websocket's filters
    are applied in this process (server/events/bus.py EventFilters, on the facts the stream carries)."""

    account_id: str
    channel: grpc.aio.Channel
    call: Any
    listeners: set[Listener] = field(default_factory=set)
    task: asyncio.Task[None] | None = None
    ended: bool = False

    async def pump(self) -> None:
        dropped = False
        try:
            async for message in self.call:
                event = from_message(self.account_id, message)
                text: str | None = None
                for listener in list(self.listeners):
                    if not listener.filters.matches(event):
                        continue
                    if text is None:
                        text = ws_message(message)
                    if not listener.offer(text):
                        _LOGGER.warning(
                            "live events: a websocket of account %s fell %d events behind: dropped",
                            self.account_id,
                            listener.queue.maxsize,
                        )
                        listener.drop()
                        self.listeners.discard(listener)
        except grpc.aio.AioRpcError as error:
            if error.code() == grpc.StatusCode.CANCELLED:
                return
            dropped = error.code() == grpc.StatusCode.RESOURCE_EXHAUSTED  # the hub itself fell behind
            _LOGGER.warning("live events: stream of account %s ended: %s", self.account_id, error.code())
        finally:
            self.ended = True
            for listener in self.listeners:
                if dropped:
                    listener.drop()
                else:
                    listener.end()
            self.listeners.clear()


@dataclass
class Bridge:
    """The websocket server: one hub (one stream, on its own gRPC channel) per account with websockets."""

    stream_target: str
    #: Websockets at most (LUMEN_LIVE_MAX_SUBSCRIBERS); the next one is a LUNA 503 before the upgrade.
    max_listeners: int = 256
    #: Messages a websocket may have queued before it is dropped (closed with 1013).
    listener_queue: int = 256
    hubs: dict[str, AccountHub] = field(default_factory=dict)
    pending: dict[ServerConnection, tuple[AccountHub, Listener]] = field(default_factory=dict)
    _hub_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    _closing: set[asyncio.Future[None]] = field(default_factory=set)

    def _channel(self) -> grpc.aio.Channel:
        return grpc.aio.insecure_channel(self.stream_target, options=[("grpc.use_local_subchannel_pool", 1)])

    def listeners(self) -> int:
        return sum(len(hub.listeners) for hub in self.hubs.values())

    async def process_request(self, connection: ServerConnection, request: Request) -> Response | None:
        request_id = request.headers.get(REQUEST_ID_HEADER, "")
        path, _, query = request.path.partition("?")
        if path != WS_PATH:
            return error_response(LunaError(errors.UNKNOWN_RESOURCE, path=path), request_id)
        try:
            typed = stream_request(query)
            filters = event_filters(typed)  # the server's own check: a plain GET gets 12012 before its 426
            account = account_of(request.headers, query)
            if account is None:
                raise LunaError(errors.FORBIDDEN)
            if not is_websocket_upgrade(request.headers):
                raise LunaError(errors.WEBSOCKET_REQUIRED)
            if self.listeners() >= self.max_listeners:
                raise LunaError(errors.SERVICE_UNAVAILABLE, service="lumen-live-events (subscriber limit)")
        except LunaError as error:
            return error_response(error, request_id)
        async with self._hub_lock:
            hub = self.hubs.get(account)
            if hub is None or hub.ended:
                opened = await self._open_hub(account, request_id)
                if isinstance(opened, Response):
                    return opened
                hub = self.hubs[account] = opened
        listener = Listener(filters, asyncio.Queue(self.listener_queue))
        hub.listeners.add(listener)  # live from here on: events queue until the upgrade completes
        self.pending[connection] = (hub, listener)
        return None

    async def _open_hub(self, account: str, request_id: str) -> AccountHub | Response:
        metadata = [(ACCOUNT_ID_HEADER, account)]
        if request_id.isascii() and request_id.isprintable():
            metadata.append((REQUEST_ID_HEADER, request_id))
        channel = self._channel()
        call = events_stream_service_pb2_grpc.EventsStreamServiceStub(channel).StreamEvents(
            events_stream_service_pb2.StreamEventsRequest(), metadata=metadata
        )
        try:
            refused = await asyncio.wait_for(self._subscribed(call, request_id), SUBSCRIBE_TIMEOUT_S)
        except (TimeoutError, grpc.aio.AioRpcError):
            refused = error_response(LunaError(errors.SERVICE_UNAVAILABLE, service="lumen-live-events"), request_id)
        if refused is not None:
            call.cancel()
            await channel.close()
            return refused
        hub = AccountHub(account, channel, call)
        hub.task = asyncio.create_task(hub.pump())
        return hub

    async def _subscribed(self, call: Any, request_id: str) -> Response | None:
        """None once the subscription is live; else the LUNA answer of the refusal."""
        metadata = dict(await call.initial_metadata() or ())
        if SUBSCRIBED_HEADER in metadata:
            return None
        code = await call.code()
        refusal = luna_refusal(metadata, await call.trailing_metadata())
        if refusal is not None:
            return luna_response(refusal[0], refusal[1], request_id)
        _LOGGER.warning("live events: the stream server refused a subscription: %s", code)
        return error_response(LunaError(errors.SERVICE_UNAVAILABLE, service="lumen-live-events"), request_id)

    def process_response(self, connection: ServerConnection, _request: Request, response: Response) -> None:
        if response.status_code != 101:  # the handshake failed after the subscription: let it go
            opened = self.pending.pop(connection, None)
            if opened is not None:
                self._leave(*opened)

    def _leave(self, hub: AccountHub, listener: Listener) -> None:
        """Remove a websocket; the hub's stream ends with its last websocket."""
        hub.listeners.discard(listener)
        if hub.listeners or hub.ended:
            return
        hub.ended = True
        if self.hubs.get(hub.account_id) is hub:
            del self.hubs[hub.account_id]
        hub.call.cancel()
        closing = asyncio.ensure_future(hub.channel.close())
        self._closing.add(closing)  # held until done (the loop keeps weak references only)
        closing.add_done_callback(self._closing.discard)

    async def handle(self, connection: ServerConnection) -> None:
        opened = self.pending.pop(connection, None)
        if opened is None:  # pragma: no cover - process_request always leaves one for an accepted handshake
            return
        hub, listener = opened
        forward = asyncio.create_task(self._forward(connection, listener))
        listen = asyncio.create_task(self._ignore_client_messages(connection))
        try:
            await asyncio.wait({forward, listen}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (forward, listen):
                task.cancel()
            await asyncio.gather(forward, listen, return_exceptions=True)
            self._leave(hub, listener)

    @staticmethod
    async def _forward(connection: ServerConnection, listener: Listener) -> None:
        while True:
            item = await listener.queue.get()
            if item is _DROPPED:
                await connection.close(CLOSE_DROPPED, "too slow: live events were dropped")
                return
            if item is _ENDED:
                await connection.close(CLOSE_RESTART, "live events stream ended")
                return
            await connection.send(str(item))

    @staticmethod
    async def _ignore_client_messages(connection: ServerConnection) -> None:
        with contextlib.suppress(Exception):  # a closed connection ends the loop either way
            async for _ in connection:
                pass

    async def close(self) -> None:
        for hub in list(self.hubs.values()):
            hub.call.cancel()
            await hub.channel.close()


async def run(settings: Settings, stop: asyncio.Event) -> None:
    bridge = Bridge(
        f"{settings.grpc_host}:{settings.grpc_stream_port}",
        max_listeners=settings.live_max_subscribers,
        listener_queue=settings.live_queue_events,
    )
    async with serve(
        bridge.handle,
        HOST,
        settings.ws_port,
        process_request=bridge.process_request,
        process_response=bridge.process_response,
        compression=None,  # CPU per message per subscriber; events are small JSON
        ping_interval=PING_INTERVAL_S,
        ping_timeout=PING_INTERVAL_S,
        max_size=MAX_CLIENT_MESSAGE_BYTES,
        write_limit=WRITE_LIMIT_BYTES,
        server_header=None,
    ):
        _LOGGER.info("websocket bridge on %s:%d -> stream server %s", HOST, settings.ws_port, bridge.stream_target)
        await stop.wait()
    await bridge.close()


def main() -> None:
    logs.configure_start_up_logging()
    settings = Settings.from_env()
    logs.configure_server_logging(settings, LOG_NAME)

    async def serve_until_signalled() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        await run(settings, stop)

    asyncio.run(serve_until_signalled())


if __name__ == "__main__":
    main()
