"""Exact 1:N matching on in-memory descriptor matrices (see index.py for the design)."""

from server.matching.index import (
    DEFAULT_LIMIT,
    PRECISIONS,
    DescriptorIndex,
    Match,
    Precision,
)
from server.matching.lists import ListMembership
from server.matching.similarity import cosine_from_similarity, similarity_from_cosine

__all__ = [
    "DEFAULT_LIMIT",
    "PRECISIONS",
    "DescriptorIndex",
    "ListMembership",
    "Match",
    "Precision",
    "cosine_from_similarity",
    "similarity_from_cosine",
]
