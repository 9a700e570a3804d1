"""The filters of handler policies checked against one event (v6 §2.5 match_policy `filters`, §2.6 storage
filters, §2.7 conditional tags): `passes(filters, values)` for the typed filters of server/handlers/policies.py.

Every given filter must hold. A filter on a value the event does not have (basic attributes or liveness not
estimated, no candidate of that match label) does not hold: nothing is stored or tagged on a guess.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from server.handlers.policies import AttributeFilters, StorageFilters


@dataclass(frozen=True)
class EventValues:
    """What the filters read from an event."""

    gender: int | None = None
    age: int | None = None
    #: LUNA ethnicity code 1..4.
    ethnicity: int | None = None
    #: LUNA liveness code 0 spoof, 1 real, 2 unknown.
    liveness: int | None = None
    #: Match label -> the best similarity of its candidates (labels without candidates are absent).
    top_similarity: Mapping[str, float] = field(default_factory=dict)


def _listed(value: int | None, codes: Sequence[int]) -> bool:
    return value is not None and value in codes


def failed_filters(filters: AttributeFilters, values: EventValues) -> list[str]:
    """The names of the filters the event fails ([] when it passes)."""
    failed: list[str] = []
    if filters.gender is not None and values.gender != filters.gender:
        failed.append("gender")
    if filters.ethnicities is not None and not _listed(values.ethnicity, filters.ethnicities):
        failed.append("ethnicities")
    if filters.age__lt is not None and (values.age is None or values.age >= filters.age__lt):
        failed.append("age__lt")
    if filters.age__gte is not None and (values.age is None or values.age < filters.age__gte):
        failed.append("age__gte")
    if filters.liveness is not None and not _listed(values.liveness, filters.liveness):
        failed.append("liveness")
    if isinstance(filters, StorageFilters):
        for item in filters.match or ():
            similarity = values.top_similarity.get(item.label)
            if (
                similarity is None
                or (item.similarity__gte is not None and similarity < item.similarity__gte)
                or (item.similarity__lte is not None and similarity > item.similarity__lte)
            ):
                failed.append(f"match.{item.label}")
    return failed


def passes(filters: AttributeFilters, values: EventValues) -> bool:
    return not failed_filters(filters, values)
