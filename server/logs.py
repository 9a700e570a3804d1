"""Logging of the Lumen processes: bounded lines, a size-rotated file.

Every record goes through BoundedFormatter, which cuts the formatted line (message and traceback)
to MAX_LOG_LINE_CHARS, so no request can write its input into the log at full length. The gRPC
server logs to `<data_dir>/logs/lumen-server.log`, rotated at settings.log_max_bytes with
settings.log_backups old files; its stdout (data_dir/logs/server.log, see server/stack.py) only
gets the start-up lines.
"""

from __future__ import annotations

import logging
import logging.handlers
import threading
from pathlib import Path

from server.errors import truncate
from server.settings import Settings

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
MAX_LOG_LINE_CHARS = 8192
SERVER_LOG_NAME = "lumen-server.log"


class BoundedFormatter(logging.Formatter):
    """A formatter whose output (message, exception and stack text) is at most `limit` characters."""

    def __init__(self, fmt: str = LOG_FORMAT, limit: int = MAX_LOG_LINE_CHARS) -> None:
        super().__init__(fmt)
        self.limit = limit

    def format(self, record: logging.LogRecord) -> str:
        return truncate(super().format(record), self.limit)


def server_log_path(settings: Settings, name: str = SERVER_LOG_NAME) -> Path:
    return settings.data_dir / "logs" / name


def configure_start_up_logging() -> None:
    """Log to stderr (bounded) until configure_server_logging() takes over."""
    handler = logging.StreamHandler()
    handler.setFormatter(BoundedFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)


def configure_server_logging(settings: Settings, name: str = SERVER_LOG_NAME) -> Path:
    """From now on every record goes to the rotated log `name` (the server's by default) only; returns its path."""
    path = server_log_path(settings, name)
    path.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.handlers.RotatingFileHandler(
        path, maxBytes=settings.log_max_bytes, backupCount=settings.log_backups, encoding="utf-8"
    )
    handler.setFormatter(BoundedFormatter())
    root = logging.getLogger()
    for old in root.handlers[:]:
        root.removeHandler(old)
        old.close()
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    logging.captureWarnings(True)
    threading.excepthook = _log_thread_exception  # not to stderr (the unrotated stdout file)
    return path


def _log_thread_exception(args: threading.ExceptHookArgs) -> None:
    thread = args.thread.name if args.thread is not None else "?"
    exc_info = (args.exc_type, args.exc_value, args.exc_traceback)
    logging.getLogger("lumen.threads").error("uncaught exception in thread %s", thread, exc_info=exc_info)  # type: ignore[arg-type]
