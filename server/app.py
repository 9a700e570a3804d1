"""The Lumen gRPC server: storage recovery, then every service of server/services/.

    python -m server.app

Each module in server/services/ that defines `register(server, context)` is registered, so a new
resource is one new module (plus its proto).
"""

from __future__ import annotations

import gc
import importlib
import logging
import pkgutil
import signal
import threading
from concurrent import futures
from dataclasses import dataclass, field
from typing import Any

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection

import server.services
from server import accounts, logs
from server.events import bus, stream
from server.face_inference import FaceInference
from server.matching.live import MatchingIndexes
from server.settings import Settings
from server.storage import descriptors, faults
from server.storage.store import Storage

_LOGGER = logging.getLogger(__name__)
MAX_MESSAGE_BYTES = 128 * 1024 * 1024
# Request metadata (every HTTP header Envoy forwards) up to this size is accepted; above Envoy's own
# header limit (gateway/config.py MAX_REQUEST_HEADERS_KB), so the gateway refuses first, in LUNA shape.
MAX_METADATA_BYTES = 256 * 1024
SHUTDOWN_GRACE_S = 5.0
STREAM_SPARE_THREADS = 4


@dataclass
class ServiceContext:
    """What services receive at registration."""

    settings: Settings
    storage: Storage
    service_names: list[str] = field(default_factory=list)
    # The one inference client (Triton) of this server; None when settings.triton_enabled is off.
    face_inference: FaceInference | None = None
    # In-memory matching index, loaded from storage at start and kept coherent by Storage.write.
    matching: MatchingIndexes = field(default_factory=MatchingIndexes)


@dataclass
class Servers:
    """The gRPC servers of the process, one thread pool each, sharing every servicer.

    `write` (settings.grpc_port, settings.grpc_workers threads) serves everything and is what gRPC
    clients use; Envoy sends it every write. `read` (settings.grpc_read_port, settings.grpc_read_workers
    threads) serves the same services; Envoy sends it the reads (gateway/config.py read_routes), so a
    read never waits for a thread behind writes that queue on the storage write lock.
    settings.grpc_read_workers = 0: no read server, reads share the write server's threads.
    """

    write: grpc.Server
    read: grpc.Server | None = None
    read_port: int = 0
    # Live event streams (server/events/stream.py) on their own port and threads: a stream holds a thread
    # while its client listens, so it never takes one of the request servers. None: live events off.
    stream: grpc.Server | None = None
    stream_port: int = 0

    def all(self) -> list[grpc.Server]:
        return [one for one in (self.write, self.read, self.stream) if one is not None]

    def start(self) -> None:
        for one in self.all()[::-1]:
            one.start()

    def stop(self, grace_s: float) -> None:
        bus.BUS.close_all()  # ends every live stream now rather than after the grace period
        for stopped in [one.stop(grace_s) for one in self.all()]:
            stopped.wait()


class _AllServers:
    """What `register(server, context)` receives: adds each service to every server."""

    def __init__(self, servers: list[grpc.Server]) -> None:
        self._servers = servers

    def add_generic_rpc_handlers(self, handlers: Any) -> None:
        for target in self._servers:
            target.add_generic_rpc_handlers(handlers)

    def add_registered_method_handlers(self, service_name: str, method_handlers: Any) -> None:
        for target in self._servers:
            target.add_registered_method_handlers(service_name, method_handlers)


def _grpc_server(workers: int, name: str, max_concurrent_rpcs: int | None = None) -> grpc.Server:
    return grpc.server(
        futures.ThreadPoolExecutor(max_workers=workers, thread_name_prefix=f"grpc-{name}"),
        maximum_concurrent_rpcs=max_concurrent_rpcs,
        options=[
            ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
            ("grpc.max_send_message_length", MAX_MESSAGE_BYTES),
            ("grpc.so_reuseport", 0),
            ("grpc.max_metadata_size", MAX_METADATA_BYTES),
            ("grpc.absolute_max_metadata_size", MAX_METADATA_BYTES),
        ],
    )


def build_server(settings: Settings) -> tuple[Servers, ServiceContext]:
    faults.configure(settings.crash_point)
    accounts.configure(settings.require_account)
    descriptors.configure(settings.descriptor_models(), settings.face_descriptor_version)
    storage = Storage(
        settings.data_dir,
        optimize_interval_s=settings.storage_optimize_interval_s,
        version_retention_s=settings.storage_version_retention_s,
    )
    storage.recover()
    matching = MatchingIndexes()
    matching.load(storage)
    storage.listener = matching
    storage.events.listener = matching
    storage.start_maintenance()
    context = ServiceContext(
        settings=settings,
        storage=storage,
        face_inference=FaceInference.from_settings(settings),
        matching=matching,
    )
    servers = Servers(write=_grpc_server(settings.grpc_workers, "write"))
    if settings.grpc_read_workers > 0:
        servers.read = _grpc_server(settings.grpc_read_workers, "read")
    every_server = _AllServers(servers.all())
    for module_info in sorted(pkgutil.iter_modules(server_services_path()), key=lambda m: m.name):
        module = importlib.import_module(f"server.services.{module_info.name}")
        register = getattr(module, "register", None)
        if register is not None:
            register(every_server, context)
    if settings.live_max_subscribers > 0:
        bus.BUS.configure(max_queue=settings.live_queue_events, max_subscribers=settings.live_max_subscribers)
        # one thread per stream plus spares for health checks; beyond that a call is refused, never queued
        threads = settings.live_max_subscribers + STREAM_SPARE_THREADS
        servers.stream = _grpc_server(threads, "stream", max_concurrent_rpcs=threads)
        stream.register_stream(servers.stream)
    health_servicer = health.HealthServicer()
    health_servicer.set("", health_pb2.HealthCheckResponse.SERVING)
    from lumen.v6 import lists_service_pb2  # noqa: F401  (descriptor pool for reflection)

    for target in servers.all():
        health_pb2_grpc.add_HealthServicer_to_server(health_servicer, target)
        reflection.enable_server_reflection(
            [*context.service_names, reflection.SERVICE_NAME, health.SERVICE_NAME], target
        )
    servers.write.add_insecure_port(f"{settings.grpc_host}:{settings.grpc_port}")
    if servers.read is not None:
        servers.read_port = servers.read.add_insecure_port(f"{settings.grpc_host}:{settings.grpc_read_port}")
    if servers.stream is not None:
        servers.stream_port = servers.stream.add_insecure_port(f"{settings.grpc_host}:{settings.grpc_stream_port}")
    return servers, context


def server_services_path() -> list[str]:
    return list(server.services.__path__)


def main() -> None:
    logs.configure_start_up_logging()
    settings = Settings.from_env()
    servers, context = build_server(settings)
    # Everything loaded so far lives as long as the process: out of the collector's reach, so a full
    # collection under load scans only what requests allocate (measured: a 300 ms pause -> 6 ms).
    gc.collect()
    gc.freeze()
    servers.start()
    _LOGGER.info(
        "gRPC server listening on %s:%d (reads also on :%d)", settings.grpc_host, settings.grpc_port, servers.read_port
    )
    _LOGGER.info("logging to %s", logs.server_log_path(settings))
    logs.configure_server_logging(settings)
    _LOGGER.info(
        "gRPC server listening on %s:%d (reads also on :%d)", settings.grpc_host, settings.grpc_port, servers.read_port
    )
    if servers.stream is not None:
        _LOGGER.info("live event streams (EventsStreamService) on %s:%d", settings.grpc_host, servers.stream_port)
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    stop.wait()
    servers.stop(SHUTDOWN_GRACE_S)
    if context.face_inference is not None:
        context.face_inference.close()


if __name__ == "__main__":
    main()
