"""Time bounds in policies: RFC 3339 date-times or relative times such as `now-2y` (v6 match_policy).

A relative bound is kept as text in the policy and resolved when it is used (`resolve_time_bound`), so
`now-2y` in a stored handler always means two years before the event being processed.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from server.clock import format_time

# now, now-<N><unit> or now+<N><unit>; units: s(econds) m(inutes) h(ours) d(ays) w(eeks) M(onths) y(ears).
RELATIVE_TIME_RE = re.compile(r"^now(?:([+-])([0-9]{1,9})([smhdwMy]))?$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}


def is_relative_time(text: str) -> bool:
    return RELATIVE_TIME_RE.match(text) is not None


def _shift_months(moment: datetime, months: int) -> datetime:
    """`moment` moved by whole calendar months; the day is clamped to the target month's length."""
    total = moment.year * 12 + (moment.month - 1) + months
    year, month = divmod(total, 12)
    month += 1
    if not 1 <= year <= 9999:
        raise ValueError("relative time out of range")
    next_month = datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=moment.tzinfo)
    last_day = (next_month - timedelta(days=1)).day
    return moment.replace(year=year, month=month, day=min(moment.day, last_day))


def parse_relative_time(text: str, reference: datetime) -> datetime:
    """`now`, `now-2y`, `now+3d`... relative to `reference`; ValueError for anything else."""
    found = RELATIVE_TIME_RE.match(text)
    if found is None:
        raise ValueError(f"not a relative time: {text[:40]!r}")
    sign, amount, unit = found.groups()
    if sign is None:
        return reference
    count = int(amount) * (-1 if sign == "-" else 1)
    try:
        if unit == "M":
            return _shift_months(reference, count)
        if unit == "y":
            return _shift_months(reference, 12 * count)
        return reference + timedelta(seconds=count * _UNIT_SECONDS[unit])
    except OverflowError:
        raise ValueError("relative time out of range") from None


def parse_absolute_time(text: str) -> datetime:
    """An RFC 3339 / ISO 8601 date-time (a missing offset means UTC); ValueError otherwise."""
    value = text.strip()
    if value.endswith(("Z", "z")):
        value = value[:-1] + "+00:00"
    if "T" not in value and "t" not in value:
        raise ValueError("a date-time needs a time part")
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def parse_time_bound(text: str, reference: datetime | None = None) -> datetime:
    """A policy time bound: an RFC 3339 date-time or a relative time (resolved against `reference`,
    default: now). ValueError when it is neither."""
    if is_relative_time(text):
        return parse_relative_time(text, reference or datetime.now(UTC))
    return parse_absolute_time(text)


def resolve_time_bound(text: str, reference: datetime | None = None) -> str:
    """A policy time bound in Lumen's stored time format (server/clock.py), ready for SQL comparisons."""
    return format_time(parse_time_bound(text, reference))
