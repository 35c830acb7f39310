"""``memory://``: a process-local store for tests and single-process scripts (nothing survives exit)."""

from __future__ import annotations

import builtins
import threading

from soulkeeper.stores._base import (
    CheckpointStore,
    StateUpdate,
    apply_update,
    check_keep,
    check_limit,
    closed_error,
)
from soulkeeper.stores._models import Checkpoint, ThreadState

__all__ = ["MemoryStore"]


class MemoryStore(CheckpointStore):
    """Checkpoints and state in this process's memory, guarded by one lock.

    Every ``memory://`` URL opens a new, empty store: two processes (or two ``open_store`` calls)
    never share one. Use SQLite, PostgreSQL or Redis when state must outlive the process.
    """

    scheme = "memory"
    _blocking = False

    def __init__(self) -> None:
        self.url = "memory://"
        self._lock = threading.Lock()
        self._checkpoints: dict[str, builtins.list[Checkpoint]] = {}
        self._ids: dict[str, Checkpoint] = {}
        self._states: dict[str, ThreadState] = {}
        self._seq = 0
        self._closed = False

    @classmethod
    def from_url(cls, url: str) -> MemoryStore:
        """Open a store for ``memory://`` (anything after the scheme is ignored)."""
        return cls()

    def _check_open(self) -> None:
        if self._closed:
            raise closed_error(self)

    def put(self, checkpoint: Checkpoint) -> Checkpoint:
        with self._lock:
            self._check_open()
            existing = self._ids.get(checkpoint.id)
            if existing is not None:
                return existing
            self._seq += 1
            stored = checkpoint.model_copy(update={"seq": self._seq})
            self._checkpoints.setdefault(stored.thread_id, []).append(stored)
            self._ids[stored.id] = stored
            return stored

    def latest(self, thread_id: str) -> Checkpoint | None:
        with self._lock:
            self._check_open()
            items = self._checkpoints.get(thread_id)
            return items[-1] if items else None

    def latest_good(self, thread_id: str) -> Checkpoint | None:
        with self._lock:
            self._check_open()
            for checkpoint in reversed(self._checkpoints.get(thread_id, ())):
                if checkpoint.known_good:
                    return checkpoint
            return None

    def list(self, thread_id: str, limit: int | None = None) -> builtins.list[Checkpoint]:
        check_limit(limit)
        with self._lock:
            self._check_open()
            items = self._checkpoints.get(thread_id, [])
            newest = items[::-1]
            return newest if limit is None else newest[:limit]

    def delete_thread(self, thread_id: str) -> int:
        with self._lock:
            self._check_open()
            items = self._checkpoints.pop(thread_id, [])
            for checkpoint in items:
                del self._ids[checkpoint.id]
            self._states.pop(thread_id, None)
            return len(items)

    def prune(self, thread_id: str, *, keep: int) -> int:
        check_keep(keep)
        with self._lock:
            self._check_open()
            items = self._checkpoints.get(thread_id, [])
            good = next((cp for cp in reversed(items) if cp.known_good), None)
            kept = [cp for n, cp in enumerate(items) if n >= len(items) - keep or cp is good]
            for checkpoint in items:
                if not any(checkpoint is k for k in kept):
                    del self._ids[checkpoint.id]
            if items:
                self._checkpoints[thread_id] = kept
            return len(items) - len(kept)

    def get_state(self, thread_id: str) -> ThreadState | None:
        with self._lock:
            self._check_open()
            return self._states.get(thread_id)

    def set_state(self, state: ThreadState) -> ThreadState:
        with self._lock:
            self._check_open()
            current = self._states.get(state.thread_id)
            stored = state.stamped((current.revision if current else 0) + 1)
            self._states[state.thread_id] = stored
            return stored

    def update_state(self, thread_id: str, fn: StateUpdate) -> ThreadState:
        with self._lock:
            self._check_open()
            current = self._states.get(thread_id)
            new = apply_update(thread_id, current, fn)
            stored = new.stamped((current.revision if current else 0) + 1)
            self._states[thread_id] = stored
            return stored

    def close(self) -> None:
        with self._lock:
            self._closed = True
            self._checkpoints.clear()
            self._ids.clear()
            self._states.clear()
