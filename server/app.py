"""The Lumen gRPC server: storage recovery, then every service of server/services/.

    python -m server.app

Each module in server/services/ that defines `register(server, context)` is registered, so a new
resource is one new module (plus its proto).
"""

from __future__ import annotations

import importlib
import logging
import pkgutil
import signal
import threading
from concurrent import futures
from dataclasses import dataclass, field

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection

import server.services
from server import accounts
from server.face_inference import FaceInference
from server.matching.live import MatchingIndexes
from server.settings import Settings
from server.storage import faults
from server.storage.store import Storage

_LOGGER = logging.getLogger(__name__)
MAX_MESSAGE_BYTES = 128 * 1024 * 1024
SHUTDOWN_GRACE_S = 5.0


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


def build_server(settings: Settings) -> tuple[grpc.Server, ServiceContext]:
    faults.configure(settings.crash_point)
    accounts.configure(settings.require_account)
    storage = Storage(settings.data_dir)
    storage.recover()
    matching = MatchingIndexes()
    matching.load(storage)
    storage.listener = matching
    context = ServiceContext(
        settings=settings,
        storage=storage,
        face_inference=FaceInference.from_settings(settings),
        matching=matching,
    )
    server = grpc.server(
        futures.ThreadPoolExecutor(max_workers=settings.grpc_workers),
        options=[
            ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
            ("grpc.max_send_message_length", MAX_MESSAGE_BYTES),
        ],
    )
    for module_info in sorted(pkgutil.iter_modules(server_services_path()), key=lambda m: m.name):
        module = importlib.import_module(f"server.services.{module_info.name}")
        register = getattr(module, "register", None)
        if register is not None:
            register(server, context)
    health_servicer = health.HealthServicer()
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    health_servicer.set("", health_pb2.HealthCheckResponse.SERVING)
    from lumen.v6 import lists_service_pb2  # noqa: F401  (descriptor pool for reflection)

    reflection.enable_server_reflection([*context.service_names, reflection.SERVICE_NAME, health.SERVICE_NAME], server)
    server.add_insecure_port(f"{settings.grpc_host}:{settings.grpc_port}")
    return server, context


def server_services_path() -> list[str]:
    return list(server.services.__path__)


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    settings = Settings.from_env()
    grpc_server, context = build_server(settings)
    grpc_server.start()
    _LOGGER.info("gRPC server listening on %s:%d", settings.grpc_host, settings.grpc_port)
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    stop.wait()
    grpc_server.stop(SHUTDOWN_GRACE_S).wait()
    if context.face_inference is not None:
        context.face_inference.close()


if __name__ == "__main__":
    main()
