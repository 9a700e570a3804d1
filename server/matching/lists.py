"""List membership (list_id -> face ids) shared by the descriptor indexes of every version.

`ListMembership` is the single source of truth for which faces belong to which list. Each
`DescriptorIndex` created with it subscribes and keeps, per account shard and list, a row index
array of the list's faces that are in the index (updated on attach/detach and when rows move), so a
search restricted to a list reads only the list's rows.

Membership is by face id and independent of descriptors: a face may be attached before its
descriptor is indexed, or keep its lists while its descriptor is replaced.
"""

from __future__ import annotations

import logging
import threading
import weakref
from collections.abc import Iterable
from typing import Protocol

_LOGGER = logging.getLogger(__name__)
_NO_LISTS: frozenset[str] = frozenset()


class MembershipListener(Protocol):
    """What an index implements to hear about membership changes (called outside the membership lock)."""

    def on_members_attached(self, list_id: str, face_ids: list[str]) -> None: ...

    def on_members_detached(self, list_id: str, face_ids: list[str]) -> None: ...


class ListMembership:
    """list_id -> set of face ids, and the reverse, thread-safe.

    Writes (attach/detach/delete) are serialised together with the notification of the
    subscribed indexes, so every index converges to the membership; reads take a short lock.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()  # guards the two dicts; never held while calling listeners
        self._write_mutex = threading.Lock()  # serialises change + notification
        self._members: dict[str, set[str]] = {}
        self._face_lists: dict[str, set[str]] = {}
        self._listeners: weakref.WeakSet[MembershipListener] = weakref.WeakSet()

    def subscribe(self, listener: MembershipListener) -> None:
        with self._lock:
            self._listeners.add(listener)

    # -- writes ---------------------------------------------------------------------------------

    def attach(self, list_id: str, face_ids: Iterable[str]) -> int:
        """Add faces to a list (creating it if needed); returns how many were not members yet."""
        with self._write_mutex:
            with self._lock:
                members = self._members.setdefault(list_id, set())
                added = [f for f in dict.fromkeys(face_ids) if f not in members]
                members.update(added)
                for face_id in added:
                    self._face_lists.setdefault(face_id, set()).add(list_id)
                listeners = list(self._listeners)
            if added:
                for listener in listeners:
                    listener.on_members_attached(list_id, added)
            return len(added)

    def detach(self, list_id: str, face_ids: Iterable[str]) -> int:
        """Remove faces from a list; returns how many were members."""
        with self._write_mutex:
            with self._lock:
                members = self._members.get(list_id)
                if members is None:
                    return 0
                removed = [f for f in dict.fromkeys(face_ids) if f in members]
                self._drop_pairs(list_id, members, removed)
                listeners = list(self._listeners)
            if removed:
                for listener in listeners:
                    listener.on_members_detached(list_id, removed)
            return len(removed)

    def delete_list(self, list_id: str) -> int:
        """Forget a list; returns how many faces it had."""
        with self._write_mutex:
            with self._lock:
                members = self._members.pop(list_id, None)
                if members is None:
                    return 0
                removed = list(members)
                self._drop_pairs(list_id, members, removed)
                listeners = list(self._listeners)
            if removed:
                for listener in listeners:
                    listener.on_members_detached(list_id, removed)
            return len(removed)

    def forget_faces(self, face_ids: Iterable[str]) -> int:
        """Detach faces from every list (the faces were deleted); returns the pairs removed."""
        by_list: dict[str, list[str]] = {}
        with self._write_mutex:
            with self._lock:
                for face_id in dict.fromkeys(face_ids):
                    for list_id in self._face_lists.pop(face_id, ()):
                        by_list.setdefault(list_id, []).append(face_id)
                for list_id, faces in by_list.items():
                    members = self._members[list_id]
                    members.difference_update(faces)
                listeners = list(self._listeners)
            for list_id, faces in by_list.items():
                for listener in listeners:
                    listener.on_members_detached(list_id, faces)
            return sum(len(faces) for faces in by_list.values())

    def _drop_pairs(self, list_id: str, members: set[str], face_ids: list[str]) -> None:
        members.difference_update(face_ids)
        for face_id in face_ids:
            lists = self._face_lists.get(face_id)
            if lists is not None:
                lists.discard(list_id)
                if not lists:
                    del self._face_lists[face_id]

    # -- reads ----------------------------------------------------------------------------------

    def members(self, list_id: str) -> frozenset[str]:
        with self._lock:
            return frozenset(self._members.get(list_id, ()))

    def lists_of(self, face_id: str) -> frozenset[str]:
        with self._lock:
            return frozenset(self._face_lists.get(face_id, ()))

    def lists_of_many(self, face_ids: Iterable[str]) -> list[frozenset[str]]:
        with self._lock:
            face_lists = self._face_lists
            return [frozenset(face_lists[f]) if f in face_lists else _NO_LISTS for f in face_ids]

    def count(self, list_id: str) -> int:
        with self._lock:
            return len(self._members.get(list_id, ()))

    def __contains__(self, list_id: object) -> bool:
        with self._lock:
            return list_id in self._members
