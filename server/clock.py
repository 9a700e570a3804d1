"""The one time format Lumen stores and prints (UTC, microseconds, explicit offset).

No dependencies: storage stamps its rows with it, validation parses client times against it.
"""

from __future__ import annotations

from datetime import UTC, datetime


def format_time(moment: datetime) -> str:
    """The one time format Lumen stores and prints: UTC, microseconds, explicit offset."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def now() -> str:
    return format_time(datetime.now(UTC))
