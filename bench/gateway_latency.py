"""REST-through-Envoy vs direct gRPC: latency (p50/p99) and throughput with concurrent clients.

    python -m bench.gateway_latency [--requests 2000] [--clients 16] [--seconds 10]

Boots a real stack (gRPC server + Envoy) in a temporary data directory, creates faces, then
measures GET /6/faces/{face_id} and POST /6/faces both ways. Prints one JSON document.
"""

from __future__ import annotations

import argparse
import http.client
import json
import platform
import statistics
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import grpc

from bench.common import bench_settings
from lumen.v6 import faces_pb2, faces_service_pb2, faces_service_pb2_grpc
from server.stack import Stack

ACCOUNT = str(uuid.uuid4())
REST_HEADERS = {"Luna-Account-Id": ACCOUNT, "Content-Type": "application/json"}
GRPC_METADATA = (("luna-account-id", ACCOUNT),)


def percentiles(samples_s: list[float]) -> dict[str, float]:
    ordered = sorted(samples_s)

    def pick(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000, 3)

    return {"p50_ms": pick(0.50), "p99_ms": pick(0.99), "mean_ms": round(statistics.fmean(ordered) * 1000, 3)}


def timed(call: Callable[[int], None], count: int) -> list[float]:
    for i in range(min(50, count)):  # warm-up
        call(i)
    samples = []
    for i in range(count):
        start = time.perf_counter()
        call(i)
        samples.append(time.perf_counter() - start)
    return samples


class RestClient:
    def __init__(self, port: int) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port)

    def request(self, method: str, path: str, body: bytes | None = None) -> bytes:
        self.connection.request(method, path, body=body, headers=REST_HEADERS)
        reply = self.connection.getresponse()
        data = reply.read()
        if reply.status >= 300:
            raise RuntimeError(f"{method} {path}: {reply.status} {data[:200]!r}")
        return data


def throughput(make_call: Callable[[], Callable[[int], None]], clients: int, seconds: float) -> float:
    done = [0] * clients
    stop = time.perf_counter() + seconds

    def worker(index: int) -> None:
        call = make_call()
        i = 0
        while time.perf_counter() < stop:
            call(i)
            i += 1
        done[index] = i

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return round(sum(done) / seconds, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--port", type=int, default=18500)
    options = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        settings = bench_settings(Path(tmp), options.port)
        stack = Stack(settings).start()
        try:
            channel = grpc.insecure_channel(stack.grpc_target)
            stub = faces_service_pb2_grpc.FacesServiceStub(channel)
            rest = RestClient(settings.rest_port)
            face_ids = [
                json.loads(rest.request("POST", "/6/faces", json.dumps({"user_data": f"u{i}"}).encode()))["face_id"]
                for i in range(200)
            ]

            def rest_get(i: int) -> None:
                rest.request("GET", f"/6/faces/{face_ids[i % len(face_ids)]}")

            def grpc_get(i: int) -> None:
                stub.GetFace(
                    faces_service_pb2.GetFaceRequest(face_id=face_ids[i % len(face_ids)]), metadata=GRPC_METADATA
                )

            create_body = json.dumps({"user_data": "bench", "external_id": "e1"}).encode()

            def rest_post(i: int) -> None:
                rest.request("POST", "/6/faces", create_body)

            def grpc_post(i: int) -> None:
                stub.CreateFace(
                    faces_service_pb2.CreateFaceRequest(
                        params=faces_pb2.FaceCreateParams(user_data="bench", external_id="e1")
                    ),
                    metadata=GRPC_METADATA,
                )

            results: dict[str, object] = {}
            for name, call in [
                ("get_face_grpc", grpc_get),
                ("get_face_rest", rest_get),
                ("create_face_grpc", grpc_post),
                ("create_face_rest", rest_post),
            ]:
                results[name] = percentiles(timed(call, options.requests))

            def rest_factory() -> Callable[[int], None]:
                client = RestClient(settings.rest_port)

                def get(i: int) -> None:
                    client.request("GET", f"/6/faces/{face_ids[i % len(face_ids)]}")

                return get

            results[f"get_face_rest_rps_{options.clients}_clients"] = throughput(
                rest_factory, options.clients, options.seconds
            )
            results[f"get_face_grpc_rps_{options.clients}_clients"] = throughput(
                lambda: grpc_get, options.clients, options.seconds
            )
            get_rest = results["get_face_rest"]
            get_grpc = results["get_face_grpc"]
            assert isinstance(get_rest, dict) and isinstance(get_grpc, dict)
            results["gateway_overhead_p50_ms"] = round(get_rest["p50_ms"] - get_grpc["p50_ms"], 3)
            report = {
                "benchmark": "gateway_latency",
                "date": datetime.now(UTC).date().isoformat(),
                "machine": f"{platform.machine()} {platform.processor() or ''} cores={__import__('os').cpu_count()}",
                "requests": options.requests,
                "results": results,
            }
            print(json.dumps(report, indent=2))
        finally:
            stack.stop()


if __name__ == "__main__":
    main()
