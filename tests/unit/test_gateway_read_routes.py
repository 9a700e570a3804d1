"""gateway/config.py: reads get routes to the read cluster only when the server has a read port."""

from __future__ import annotations

from typing import Any

from gateway.config import (
    LIVE_PATH,
    LIVE_SERVICE,
    READ_CLUSTER,
    WRITE_CLUSTER,
    envoy_config,
    load_descriptor_set,
    read_rpcs,
    routes,
)

PORTS: dict[str, Any] = {
    "rest_host": "127.0.0.1",
    "rest_port": 5000,
    "grpc_host": "127.0.0.1",
    "grpc_port": 50051,
    "admin_port": 9901,
    "max_request_bytes": 1024,
}


def route_table(config: dict[str, Any]) -> list[dict[str, Any]]:
    listener = config["static_resources"]["listeners"][0]
    hcm = listener["filter_chains"][0]["filters"][0]["typed_config"]
    # the live-event routes (tests/unit/test_live_stream.py) come first
    live = ({"path": LIVE_PATH}, {"prefix": f"/{LIVE_SERVICE}/"})
    return [route for route in hcm["route_config"]["virtual_hosts"][0]["routes"] if route["match"] not in live]


def clusters(config: dict[str, Any]) -> dict[str, int]:
    found = {}
    for cluster in config["static_resources"]["clusters"]:
        endpoint = cluster["load_assignment"]["endpoints"][0]["lb_endpoints"][0]["endpoint"]
        found[cluster["name"]] = endpoint["address"]["socket_address"]["port_value"]
    return found


def test_reads_go_to_the_read_port_writes_and_the_rest_to_the_grpc_port() -> None:
    config = envoy_config(**PORTS, grpc_read_port=50052)
    assert clusters(config) == {WRITE_CLUSTER: 50051, READ_CLUSTER: 50052}
    table = route_table(config)
    reads = read_rpcs(routes(load_descriptor_set()))
    assert [r["match"]["path"] for r in table[:-1]] == [f"/{rpc}" for rpc in reads]
    assert {r["route"]["cluster"] for r in table[:-1]} == {READ_CLUSTER}
    assert table[-1]["match"] == {"prefix": "/"} and table[-1]["route"]["cluster"] == WRITE_CLUSTER


def test_without_a_read_port_everything_goes_to_the_grpc_port() -> None:
    config = envoy_config(**PORTS)
    assert clusters(config) == {WRITE_CLUSTER: 50051}
    assert [r["route"]["cluster"] for r in route_table(config)] == [WRITE_CLUSTER]
