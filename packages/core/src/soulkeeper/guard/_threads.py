"""What the guard keeps in process per thread: a few KB at most (the real state lives in the store).

Recent in-persona responses (the next checkpoint's exemplars), the last known state, the anchoring
examples while restoring, and writes that could not reach the store yet (a bounded queue drained when
the store is back). The table is a bounded LRU: a thread that has gone quiet is forgotten first.
"""

from __future__ import annotations

import threading
from collections import OrderedDict, deque
from dataclasses import dataclass, field

from soulkeeper.guard._events import logger
from soulkeeper.stores import Checkpoint, ThreadState

__all__ = ["ThreadLocal", "ThreadTable"]

MAX_PENDING_CHECKPOINTS = 8


@dataclass(slots=True)
class ThreadLocal:
    """In-process data of one thread."""

    exemplars: deque[str]
    state: ThreadState | None = None
    anchor: tuple[str, ...] | None = None
    """Exemplars pinned while restoring (from the known-good checkpoint)."""
    pending_state: ThreadState | None = None
    pending_checkpoints: deque[Checkpoint] = field(
        default_factory=lambda: deque(maxlen=MAX_PENDING_CHECKPOINTS)
    )
    seeded: bool = False
    """Whether exemplars were seeded from the store (another process may have served the thread)."""
    degraded_reported: str | None = None
    """The pack key last reported through ``on_pack_degraded`` for this thread."""

    @property
    def has_pending(self) -> bool:
        return self.pending_state is not None or bool(self.pending_checkpoints)


class ThreadTable:
    """A bounded, thread-safe LRU of :class:`ThreadLocal` by thread id."""

    def __init__(self, *, max_threads: int, exemplars: int) -> None:
        self.max_threads = max_threads
        self.exemplars = exemplars
        self._items: OrderedDict[str, ThreadLocal] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, thread_id: str) -> ThreadLocal:
        with self._lock:
            local = self._items.get(thread_id)
            if local is None:
                local = ThreadLocal(exemplars=deque(maxlen=max(1, self.exemplars)))
                self._items[thread_id] = local
                while len(self._items) > self.max_threads:
                    evicted_id, evicted = self._items.popitem(last=False)
                    if evicted.has_pending:
                        logger.warning(
                            "forgetting thread %s with writes the store never received (thread table full)",
                            evicted_id,
                        )
            else:
                self._items.move_to_end(thread_id)
            return local

    def drop(self, thread_id: str) -> None:
        with self._lock:
            self._items.pop(thread_id, None)

    def __len__(self) -> int:
        return len(self._items)
