"""Events reads at scale: GET /6/events and POST /6/events/stats latency over 100k and 1M stored events.

    python -m bench.events_stats [--sizes 100000,1000000] [--repeats 15] [--base-port 27300]

For each size: a fresh data directory is seeded directly through the events repository
(EventStore.save_events, batches of 10 000, no descriptors; not through REST), then a stack without
Triton is started on it and every query below is sent through Envoy `repeats` times (one keep-alive
client, after one warm-up call). Events spread over the last 28 days (inside GET /6/events' default
one-month window), 4 accounts, 20 sources, 10 handlers, 8 tags (1-3 per event), 1 000 tracks, ages
1..90, every attribute code, a top match on half of them. Queries run with the Luna-Account-Id of one
account (a quarter of the rows). Prints one JSON document: seeding rate, database size, and p50 /
p95 / max milliseconds and the answer size per query.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from bench.common import bench_settings
from server.clock import format_time
from server.stack import Stack
from server.storage.event_store import EVENTS_DB_FILE, EventStore
from server.storage.repositories.events import (
    EventDetection,
    EventLocation,
    EventRecord,
    EventRect,
    EventTopMatch,
    GeoPosition,
)

BATCH = 10_000
ACCOUNTS = [str(uuid.UUID(int=i + 1, version=4)) for i in range(4)]
HANDLERS = [str(uuid.UUID(int=1000 + i, version=4)) for i in range(10)]
SOURCES = [f"cam_{i}" for i in range(20)]
TAGS = [f"tag_{i}" for i in range(8)]
CITIES = ["Oslo", "Bergen", "Paris", "Lyon", "Rome"]
SPAN = timedelta(days=28)


def seed(store: EventStore, count: int, rng: np.random.Generator) -> float:
    """Store `count` synthetic events; returns the seconds it took."""
    end = datetime.now(UTC) - timedelta(minutes=5)
    started = time.perf_counter()
    for start in range(0, count, BATCH):
        n = min(BATCH, count - start)
        offsets = rng.uniform(0, SPAN.total_seconds(), n)
        accounts = rng.integers(0, len(ACCOUNTS), n)
        ages = rng.integers(1, 91, n)
        codes = rng.integers(0, 8, (n, 6))
        similarity = rng.uniform(0, 1, n)
        records = []
        for i in range(n):
            stamp = format_time(end - timedelta(seconds=float(offsets[i])))
            tags = tuple(TAGS[j] for j in rng.choice(len(TAGS), size=1 + i % 3, replace=False))
            top = (
                EventTopMatch(
                    label="staff", similarity=float(similarity[i]), face_id=str(uuid.uuid4()), external_id=None
                )
                if i % 2
                else None
            )
            records.append(
                EventRecord(
                    event_id=str(uuid.uuid4()),
                    account_id=ACCOUNTS[int(accounts[i])],
                    create_time=stamp,
                    end_time=stamp,
                    handler_id=HANDLERS[i % len(HANDLERS)],
                    source=SOURCES[(i * 7) % len(SOURCES)],
                    user_data=f"user {i % 100}",
                    tags=tags,
                    track_id=f"track_{(start + i) % 1000}",
                    top_match=top,
                    face_detections=(
                        EventDetection(str(uuid.uuid4()), stamp, EventRect(10, 20, 100, 120), None, None),
                    ),
                    gender=int(codes[i, 0] % 2),
                    age=int(ages[i]),
                    emotion=int(codes[i, 1] % 7) + 1,
                    mask=int(codes[i, 2] % 3) + 1,
                    ethnic_group=int(codes[i, 3] % 4) + 1,
                    liveness=int(codes[i, 4] % 3),
                    location=EventLocation(
                        city=CITIES[i % len(CITIES)],
                        geo_position=GeoPosition(10 + (i % 100) / 100, 59 + (i % 50) / 100),
                    ),
                )
            )
        store.save_events(records)
    return time.perf_counter() - started


GETS: list[tuple[str, str]] = [
    ("default window, newest 10", "/6/events"),
    ("page_size 1000", "/6/events?page_size=1000"),
    ("target event_id, page_size 1000", "/6/events?page_size=1000&target=event_id,create_time"),
    ("source + age range", "/6/events?sources=cam_3&age__gte=20&age__lt=40"),
    ("tags all-of (2)", "/6/events?tags=tag_1,tag_2"),
    ("handler + gender + emotions", f"/6/events?handler_ids={HANDLERS[2]}&gender=1&emotions=3,4"),
    ("track_id", "/6/events?track_ids=track_123"),
    ("top match similarity >= 0.99", "/6/events?top_similar_object_similarity__gte=0.99"),
    ("geo box", "/6/events?origin_longitude=10.5&origin_latitude=59.01&longitude_delta=0.02&latitude_delta=0.02"),
    ("one day, oldest first", "/6/events?order=asc&create_time__gte={day}&create_time__lt={day_end}"),
    ("deep page (page 100 x 100)", "/6/events?page=100&page_size=100"),
]
STATS: list[tuple[str, dict[str, Any]]] = [
    ("count (default target)", {}),
    (
        "count by gender, age",
        {
            "targets": [
                {"column": "event_id", "aggregator": "count"},
                {"column": "gender", "aggregator": "group_by"},
                {"column": "age", "aggregator": "group_by"},
            ]
        },
    ),
    (
        "dayOfWeek x gender, source filter",
        {
            "targets": [{"column": "event_id", "aggregator": "count"}, {"column": "gender", "aggregator": "group_by"}],
            "filters": [{"column": "source", "operator": "eq", "value": "cam_3"}],
            "group_by": "dayOfWeek",
        },
    ),
    ("1h intervals, last 7 days", {"period": [{"operator": "gte", "value": "{week}"}], "group_by": "1h"}),
    (
        "avg/min/max age by source",
        {
            "targets": [
                {"column": "source", "aggregator": "group_by"},
                {"column": "age", "aggregator": "avg"},
                {"column": "age", "aggregator": "min"},
                {"column": "age", "aggregator": "max"},
            ]
        },
    ),
]


def timed(conn: http.client.HTTPConnection, method: str, path: str, body: bytes | None, repeats: int) -> dict[str, Any]:
    headers = {"Luna-Account-Id": ACCOUNTS[0]}
    if body is not None:
        headers["Content-Type"] = "application/json"
    samples = []
    size = 0
    for attempt in range(repeats + 1):
        started = time.perf_counter()
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        data = response.read()
        took = (time.perf_counter() - started) * 1000
        if response.status != 200:
            raise RuntimeError(f"{method} {path}: {response.status} {data[:200]!r}")
        size = len(data)
        if attempt:  # the first call warms the page cache
            samples.append(took)
    samples.sort()
    return {
        "p50_ms": round(statistics.median(samples), 2),
        "p95_ms": round(samples[min(len(samples) - 1, int(0.95 * len(samples)))], 2),
        "max_ms": round(samples[-1], 2),
        "answer_bytes": size,
    }


def run_size(count: int, repeats: int, base_port: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="lumen-events-bench-") as folder:
        data_dir = Path(folder)
        store = EventStore(data_dir)
        seconds = seed(store, count, np.random.default_rng(count))
        db_bytes = sum(f.stat().st_size for f in data_dir.glob(f"{EVENTS_DB_FILE}*"))
        del store
        result: dict[str, Any] = {
            "events": count,
            "seed_seconds": round(seconds, 1),
            "seed_events_per_s": round(count / seconds),
            "events_db_bytes": db_bytes,
            "bytes_per_event": round(db_bytes / count),
        }
        day = (datetime.now(UTC) - timedelta(days=3)).replace(hour=0, minute=0, second=0, microsecond=0)
        values = {
            "day": day.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "day_end": (day + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "week": (datetime.now(UTC) - timedelta(days=7)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        }
        stack = Stack(bench_settings(data_dir, base_port)).start()
        try:
            conn = http.client.HTTPConnection("127.0.0.1", stack.settings.rest_port, timeout=300)
            result["get_events"] = {
                name: timed(conn, "GET", path.format(**values), None, repeats) for name, path in GETS
            }
            result["stats"] = {
                name: timed(
                    conn,
                    "POST",
                    "/6/events/stats",
                    json.dumps(body).replace("{week}", values["week"]).encode(),
                    repeats,
                )
                for name, body in STATS
            }
            conn.close()
        finally:
            stack.stop()
        print(json.dumps(result), file=sys.stderr, flush=True)  # progress: one size done
        return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--base-port", type=int, default=27300)
    options = parser.parse_args()
    report: dict[str, Any] = {
        "benchmark": "events_stats",
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "repeats": options.repeats,
        "sizes": [run_size(int(size), options.repeats, options.base_port) for size in options.sizes.split(",")],
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
