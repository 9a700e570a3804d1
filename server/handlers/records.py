"""A stored handler as the rest of the server uses it (the event processing of POST
/6/handlers/{handler_id}/events): its parsed policies, or LunaError 34000 when the account has no such handler.

    handler = load_handler(storage, handler_id, account_id)   # StoredHandler
    handler.policies                                         # Policies, None for a dynamic handler
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from server import errors
from server.errors import LunaError
from server.handlers.policies import Policies, parse_policies
from server.storage.repositories.handlers import HandlerRow
from server.storage.store import Storage

HANDLER_URL = "/6/handlers/{handler_id}"


@dataclass(frozen=True)
class StoredHandler:
    handler_id: str
    account_id: str
    description: str
    # The complete policies of a static handler; None for a dynamic one.
    policies: Policies | None
    is_dynamic: bool
    create_time: str
    last_update_time: str


def stored_policies_json(row: HandlerRow) -> dict[str, Any] | None:
    return None if row["policies"] is None else json.loads(row["policies"])


@lru_cache(maxsize=256)
def _stored_policies(text: str) -> Policies:
    """Policies of a stored handler, parsed once per distinct text (the schema check costs ~1.5 ms; Policies
    are frozen, so handlers sharing the text share the object)."""
    return parse_policies(json.loads(text))


def to_stored_handler(row: HandlerRow) -> StoredHandler:
    return StoredHandler(
        handler_id=row["handler_id"],
        account_id=row["account_id"],
        description=row["description"],
        policies=None if row["policies"] is None else _stored_policies(row["policies"]),
        is_dynamic=bool(row["is_dynamic"]),
        create_time=row["create_time"],
        last_update_time=row["last_update_time"],
    )


def load_handler(storage: Storage, handler_id: str, account_id: str | None) -> StoredHandler:
    """The handler (of `account_id` when given); LunaError HANDLER_NOT_FOUND (34000, 404) otherwise.
    `handler_id` must already be a validated lower-case UUID (server/validation.py path_uuid)."""
    row = storage.handlers.get(handler_id, account_id)
    if row is None:
        raise LunaError(errors.HANDLER_NOT_FOUND, id=handler_id)
    return to_stored_handler(row)
