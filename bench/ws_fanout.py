"""Live events fan-out: the publisher is not slowed by subscribers, nor by a stalled one.

    python -m bench.ws_fanout [--subscribers 8] [--events 10000] [--rate 1000] [--stack-events 2000]
                              [--stack-rate 0] [--skip-stack] [--skip-bus]

Part "bus" (in process, server/events/bus.py): publish --events events at --rate per second with (a) no
subscriber, (b) N subscribers whose threads build each message as the stream server does, (c) the same plus
one subscriber that never reads, (d) N subscribers whose consumers do not run (the cost of the call itself,
without consumer threads competing for the interpreter). Reports the publish rate, the latency of one
publish call, and whether every reader kept up (none dropped) while the stalled one was dropped.

Part "stack" (real processes: gRPC server, websocket bridge, Envoy; Triton off): the publisher is
POST /6/handlers/{id}/events/raw through Envoy (stored, then published), sequential (paced at --stack-rate
per second while subscribed, when given), --stack-events events
of about 5 KB each (a) with no websocket, (b) with N + 1 websocket clients reading, (c) N reading plus one
that completed the handshake and never reads (4 KiB receive buffer), posting more until that one is dropped.
Reports the POST rate and latency, the delivery latency (POST sent -> websocket message received), whether
every reader got every event, and how many events it took until the stalled subscriber was dropped. The
gateway's per-connection buffer is 1 MiB here (LUMEN_MAX_REQUEST_BYTES): the stall reaches the bus within MBs.
Prints one JSON document.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import http.client
import json
import logging
import os
import platform
import socket
import statistics
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.common import bench_settings
from server.events.bus import EventBus
from server.events.stream import to_message
from server.stack import Stack

ACCOUNT = str(uuid.uuid4())
HANDLER = str(uuid.uuid4())


def percentiles_us(samples_s: list[float]) -> dict[str, float]:
    ordered = sorted(samples_s)

    def pick(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1e6, 1)

    return {"p50_us": pick(0.5), "p99_us": pick(0.99), "max_us": round(ordered[-1] * 1e6, 1)}


def percentiles_ms(samples_s: list[float]) -> dict[str, float]:
    if not samples_s:
        return {}
    ordered = sorted(samples_s)

    def pick(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000, 2)

    return {"p50_ms": pick(0.5), "p99_ms": pick(0.99), "mean_ms": round(statistics.fmean(ordered) * 1000, 2)}


# --- part "bus" ---


def stored_event(index: int) -> tuple[dict[str, Any], dict[str, Any]]:
    event_id = str(uuid.uuid4())
    detections = [{"filename": f"frame-{index}-{i}.jpg" + "x" * 200} for i in range(20)]
    stored = {
        "event_id": event_id,
        "handler_id": HANDLER,
        "create_time": "2026-12-03T10:00:00.000000+00:00",
        "end_time": "2026-12-03T10:00:00.000000+00:00",
        "source": "cam1",
        "tags": ["hall"],
        "age": 30,
        "gender": 1,
        "location": {"city": "Moscow"},
    }
    handler_event = {"event_id": event_id, "url": f"/6/events/{event_id}", "source": "cam1", "detections": detections}
    return stored, handler_event


def bus_scenario(
    subscribers: int, stalled: bool, events: list[tuple[dict[str, Any], dict[str, Any]]], rate: float
) -> dict[str, Any]:
    bus = EventBus(max_queue=256, max_subscribers=subscribers + 2)
    readers = [bus.subscribe(ACCOUNT) for _ in range(subscribers)]
    stalled_subscription = bus.subscribe(ACCOUNT) if stalled else None
    received = [0] * subscribers
    stop = threading.Event()

    def consume(index: int) -> None:
        subscription = readers[index]
        while not stop.is_set():
            try:
                event = subscription.get(timeout_s=0.1)
            except Exception:  # noqa: BLE001 - dropped or closed: this reader is done
                return
            if event is not None:
                to_message(event).SerializeToString()
                received[index] += 1

    threads = [threading.Thread(target=consume, args=(i,), daemon=True) for i in range(subscribers)]
    for thread in threads:
        thread.start()
    latencies: list[float] = []
    started = time.perf_counter()
    for index, (stored, handler_event) in enumerate(events):
        wait = started + index / rate - time.perf_counter()
        if wait > 0:
            time.sleep(wait)
        before = time.perf_counter()
        bus.publish(ACCOUNT, stored, handler_event=handler_event, request_id="1,bench")
        latencies.append(time.perf_counter() - before)
    elapsed = time.perf_counter() - started
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and any(r.pending() for r in readers if not r.dropped):
        time.sleep(0.01)
    stop.set()
    for thread in threads:
        thread.join(5)
    return {
        "subscribers": subscribers,
        "stalled_subscriber": stalled,
        "events": len(events),
        "target_rate_per_s": rate,
        "publish_rate_per_s": round(len(events) / elapsed),
        "publish_call": percentiles_us(latencies),
        "readers_dropped": sum(r.dropped for r in readers),
        "min_events_received_by_a_reader": min(received) if received else None,
        "stalled_dropped": None if stalled_subscription is None else stalled_subscription.dropped,
    }


def bench_bus(subscribers: int, count: int, rate: float) -> list[dict[str, Any]]:
    logging.getLogger("server.events.bus").setLevel(logging.ERROR)  # the expected drop of the stalled one
    events = [stored_event(i) for i in range(count)]
    scenarios = ((0, False), (subscribers, False), (subscribers, True))
    return [bus_scenario(n, stalled, events, rate) for n, stalled in scenarios] + [publish_cost(subscribers, events)]


def publish_cost(subscribers: int, events: list[tuple[dict[str, Any], dict[str, Any]]]) -> dict[str, Any]:
    """The publish call alone: N subscriptions whose consumers do not run meanwhile (queues hold every event),
    so no consumer thread competes for the interpreter."""
    bus = EventBus(max_queue=len(events) + 1, max_subscribers=subscribers)
    for _ in range(subscribers):
        bus.subscribe(ACCOUNT)
    latencies = []
    for stored, handler_event in events:
        before = time.perf_counter()
        bus.publish(ACCOUNT, stored, handler_event=handler_event, request_id="1,bench")
        latencies.append(time.perf_counter() - before)
    bus.close_all()
    return {
        "subscribers": subscribers,
        "consumers_running": False,
        "events": len(events),
        "publish_call": percentiles_us(latencies),
    }


# --- part "stack" ---


def raw_event(index: int) -> bytes:
    detections = [{"filename": f"frame-{index}-{i}.jpg" + "x" * 220} for i in range(20)]
    body = {"source": "cam1", "tags": ["hall"], "user_data": repr(time.perf_counter()), "detections": detections}
    return json.dumps(body).encode()


class Readers:
    """N websocket clients on their own event loop thread, each recording when each event arrived."""

    def __init__(self, url: str, count: int) -> None:
        self.url, self.count = url, count
        self.delays: list[float] = []
        self.received = [0] * count
        self.ready = threading.Event()
        self.stop = threading.Event()
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_until_complete, args=(self._run(),), daemon=True)

    async def _client(self, index: int, opened: asyncio.Event) -> None:
        import websockets

        async with websockets.connect(self.url, additional_headers={"Luna-Account-Id": ACCOUNT}) as ws:
            opened.set()
            while not self.stop.is_set():
                try:
                    message = json.loads(await asyncio.wait_for(ws.recv(), 0.5))
                except TimeoutError:
                    continue
                self.delays.append(time.perf_counter() - float(message["event"]["user_data"]))
                self.received[index] += 1

    async def _run(self) -> None:
        opened = [asyncio.Event() for _ in range(self.count)]
        tasks = [asyncio.create_task(self._client(i, opened[i])) for i in range(self.count)]
        await asyncio.gather(*(event.wait() for event in opened))
        self.ready.set()
        await asyncio.gather(*tasks, return_exceptions=True)

    def start(self) -> Readers:
        self.thread.start()
        if not self.ready.wait(60):
            raise TimeoutError("websocket readers did not connect")
        return self

    def finish(self, expected: int) -> list[int]:
        """Wait (bounded) until every reader got `expected` events, then close them; the counts."""
        deadline = time.monotonic() + 120
        while min(self.received) < expected and time.monotonic() < deadline:
            time.sleep(0.05)
        self.stop.set()
        self.thread.join(10)
        return list(self.received)


def stalled_websocket(host: str, port: int) -> socket.socket:
    """A websocket that completes its handshake and then never reads (a 4 KiB receive buffer)."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.connect((host, port))
    key = base64.b64encode(os.urandom(16)).decode()
    sock.sendall(
        (
            f"GET /6/ws HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\nLuna-Account-Id: {ACCOUNT}\r\n\r\n"
        ).encode()
    )
    head = b""
    while b"\r\n\r\n" not in head:
        head += sock.recv(1)
    if not head.startswith(b"HTTP/1.1 101"):
        raise RuntimeError(f"stalled websocket refused: {head[:200]!r}")
    return sock


def post_events(host: str, port: int, handler_id: str, count: int, rate: float = 0.0) -> tuple[float, list[float]]:
    """POST `count` raw events back to back, or paced at `rate` per second (0: back to back)."""
    connection = http.client.HTTPConnection(host, port, timeout=60)
    headers = {"Luna-Account-Id": ACCOUNT, "Content-Type": "application/json"}
    latencies: list[float] = []
    started = time.perf_counter()
    for index in range(count):
        if rate > 0:
            time.sleep(max(0.0, started + index / rate - time.perf_counter()))
        body = raw_event(index)  # carries its send time: built after the pacing sleep
        before = time.perf_counter()
        connection.request("POST", f"/6/handlers/{handler_id}/events/raw", body=body, headers=headers)
        reply = connection.getresponse()
        data = reply.read()
        if reply.status != 201:
            raise RuntimeError(f"POST events/raw answered {reply.status}: {data[:300]!r}")
        latencies.append(time.perf_counter() - before)
    elapsed = time.perf_counter() - started
    connection.close()
    return elapsed, latencies


def dropped_logged(logs_dir: Path) -> bool:
    """Whether the server (bus) or the websocket bridge (its per-account hub) logged a dropped subscriber."""
    return any(
        "dropped" in log.read_text(errors="replace")
        for log in (logs_dir / "lumen-server.log", logs_dir / "lumen-ws.log")
        if log.exists()
    )


def phase(count: int, elapsed_s: float, latencies: list[float]) -> dict[str, Any]:
    return {"events": count, "post_rate_per_s": round(count / elapsed_s, 1), "post": percentiles_ms(latencies)}


def bench_stack(subscribers: int, count: int, rate: float = 0.0) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="lumen-ws-bench-") as tmp:
        settings = bench_settings(Path(tmp), 25300, max_request_bytes=1 << 20)
        stack = Stack(settings).start()
        logs_dir = Path(tmp) / "logs"
        try:
            host, port = "127.0.0.1", settings.rest_port
            connection = http.client.HTTPConnection(host, port, timeout=60)
            connection.request(
                "POST",
                "/6/handlers",
                body=json.dumps({"description": "bench", "is_dynamic": True}),
                headers={"Luna-Account-Id": ACCOUNT, "Content-Type": "application/json"},
            )
            reply = connection.getresponse()
            handler = json.loads(reply.read())
            if reply.status != 201:
                return {"skipped": f"POST /6/handlers answered {reply.status}: {handler}"}
            handler_id = handler["handler_id"]
            post_events(host, port, handler_id, min(200, count))  # warm-up
            result: dict[str, Any] = {"event_bytes": len(raw_event(0))}
            result["no_subscriber"] = phase(count, *post_events(host, port, handler_id, count))
            # N + 1 readers: as many streams as the next phase, whose last one stalls instead
            readers = Readers(f"ws://{host}:{port}/6/ws", subscribers + 1).start()
            result["readers"] = phase(count, *post_events(host, port, handler_id, count, rate))
            result["readers"]["subscribers"] = subscribers + 1
            result["readers"]["delivery_post_to_websocket"] = percentiles_ms(readers.delays)
            result["readers"]["events_received_per_reader"] = readers.finish(count)
            readers = Readers(f"ws://{host}:{port}/6/ws", subscribers).start()
            stalled = stalled_websocket(host, port)
            # as many events as the other phases, then more until the stalled subscriber is dropped (bounded)
            elapsed, latencies = post_events(host, port, handler_id, count, rate)
            posted = count
            while not dropped_logged(logs_dir) and posted < 10 * count:
                more_s, more = post_events(host, port, handler_id, 100)
                elapsed, latencies, posted = elapsed + more_s, latencies + more, posted + 100
            result["readers_and_one_stalled"] = phase(posted, elapsed, latencies)
            result["readers_and_one_stalled"].update(
                subscribers=subscribers,
                delivery_post_to_websocket=percentiles_ms(readers.delays),
                events_received_per_reader=readers.finish(posted),
                stalled_subscriber_dropped=dropped_logged(logs_dir),
                events_posted_until_dropped=posted,
            )
            stalled.close()
            return result
        finally:
            stack.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--subscribers", type=int, default=8)
    parser.add_argument("--events", type=int, default=10000, help="events published in part bus")
    parser.add_argument("--rate", type=float, default=1000, help="events per second published in part bus")
    parser.add_argument("--stack-events", type=int, default=2000, help="events POSTed per phase of part stack")
    parser.add_argument(
        "--stack-rate", type=float, default=0.0, help="events per second POSTed while subscribed (0: back to back)"
    )
    parser.add_argument("--skip-stack", action="store_true")
    parser.add_argument("--skip-bus", action="store_true")
    options = parser.parse_args()
    result: dict[str, Any] = {
        "benchmark": "ws_fanout",
        "time": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
    }
    if not options.skip_bus:
        result["bus"] = bench_bus(options.subscribers, options.events, options.rate)
    if not options.skip_stack:
        result["stack"] = bench_stack(options.subscribers, options.stack_events, options.stack_rate)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
