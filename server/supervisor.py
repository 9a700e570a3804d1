"""Keep the processes of a stack running: restart a crashed gRPC server, Envoy or tritonserver with back-off.

    supervisor = Supervisor(stack).start()   # a daemon thread polling the stack every poll_s
    ...
    supervisor.stop()

Each component that exits (crash, kill -9, OOM) is restarted after a delay that starts at
initial_backoff_s and doubles on every exit up to max_backoff_s; a component that had stayed up for
stable_s before it exited starts over at initial_backoff_s. Every exit and restart is logged. While the
gRPC server is down Envoy answers LUNA 503 JSON (40001, gateway/config.py LOCAL_REPLY_ERRORS); while
Triton is down or loading its models, model routes answer 40004 (503) and the healthcheck reports
"triton" (server/services/system.py).

The supervisor sees the stack through `Supervisable` (server/stack.py implements it): which processes
have exited, and "start this one again if it is still the current (dead) one": a process the stack stops
or restarts itself (Stack.stop_process, Stack.restart_server) is never restarted a second time.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

_LOGGER = logging.getLogger(__name__)

DEFAULT_INITIAL_BACKOFF_S = 0.5
DEFAULT_MAX_BACKOFF_S = 30.0
DEFAULT_STABLE_S = 60.0
DEFAULT_POLL_S = 0.2


class Supervisable(Protocol):
    def exited(self) -> dict[str, tuple[object, int]]:
        """The components whose process has exited: name -> (that process, its exit status)."""

    def respawn(self, name: str, process: object) -> bool:
        """Start `name` again if `process` is still its current process; False when the stack moved on."""


@dataclass
class Backoff:
    """Restart delays: initial_s doubling to max_s; reset once a component stayed up stable_s."""

    initial_s: float = DEFAULT_INITIAL_BACKOFF_S
    max_s: float = DEFAULT_MAX_BACKOFF_S
    stable_s: float = DEFAULT_STABLE_S
    current_s: float = 0.0

    def next_delay(self, up_s: float) -> float:
        """The delay before restarting a component that exited after running for up_s seconds."""
        if self.current_s <= 0 or up_s >= self.stable_s:
            self.current_s = self.initial_s
        else:
            self.current_s = min(self.current_s * 2, self.max_s)
        return self.current_s


@dataclass
class _Component:
    backoff: Backoff
    started_at: float
    dead: object | None = None  # the exited process waiting for its restart
    due: float = 0.0


@dataclass
class Supervisor:
    stack: Supervisable
    initial_backoff_s: float = DEFAULT_INITIAL_BACKOFF_S
    max_backoff_s: float = DEFAULT_MAX_BACKOFF_S
    stable_s: float = DEFAULT_STABLE_S
    poll_s: float = DEFAULT_POLL_S
    clock: Callable[[], float] = time.monotonic
    restarts: Counter[str] = field(default_factory=Counter)
    _components: dict[str, _Component] = field(default_factory=dict)
    _since: float = field(default=0.0)
    _stop: threading.Event = field(default_factory=threading.Event)
    _paused: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def __post_init__(self) -> None:
        self._since = self.clock()

    def start(self) -> Supervisor:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="lumen-supervisor", daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        thread, self._thread = self._thread, None
        if thread is not None and thread is not threading.current_thread():
            thread.join()

    def pause(self) -> None:
        """Note exits but restart nothing until resume() (tests look at the stack with a component down)."""
        self._paused.set()

    def resume(self) -> None:
        self._paused.clear()

    def _run(self) -> None:
        while not self._stop.wait(self.poll_s):
            try:
                self.step()
            except Exception:  # the supervisor must outlive any one failure
                _LOGGER.exception("supervisor step failed")

    def step(self) -> None:
        """One pass: note new exits, restart the components whose back-off delay has passed."""
        now = self.clock()
        for name, (process, status) in self.stack.exited().items():
            component = self._components.setdefault(
                name,
                _Component(Backoff(self.initial_backoff_s, self.max_backoff_s, self.stable_s), self._since),
            )
            if component.dead is not process:
                up_s = now - component.started_at
                delay = component.backoff.next_delay(up_s)
                component.dead, component.due = process, now + delay
                _LOGGER.error("%s exited with status %s after %.1f s; restarting in %.1f s", name, status, up_s, delay)
            if now < component.due or self._paused.is_set() or self._stop.is_set():
                continue
            component.dead = None
            try:
                restarted = self.stack.respawn(name, process)
            except Exception:  # counted as another exit: the next delay is longer
                _LOGGER.exception("restarting %s failed", name)
                component.started_at = now
                continue
            if restarted:
                component.started_at = now
                self.restarts[name] += 1
                _LOGGER.warning("restarted %s (restart %d)", name, self.restarts[name])
