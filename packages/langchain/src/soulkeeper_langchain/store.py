"""``LangGraphStore``: soulkeeper checkpoints and thread state inside any LangGraph ``BaseStore``.

LangGraph deployments already run a ``BaseStore`` (``InMemoryStore``, ``PostgresStore``…); this keeps the
persona's checkpoints there too::

    store = InMemoryStore()
    guard = PersonaGuard("souls/mati", store=LangGraphStore(store))
    agent = create_agent(model, middleware=[PersonaMiddleware(guard)], store=store)

Layout under the namespace prefix (default ``("soulkeeper",)``): ``(*prefix, "checkpoints")`` holds one
item per checkpoint, keyed by its id (so ``put`` is idempotent), ``(*prefix, "state")`` one item per
thread, ``(*prefix, "meta")`` the sequence counter. ``update_state`` and ``put`` are atomic within one
process (a lock per ``BaseStore`` object); ``BaseStore`` has no compare-and-swap, so processes writing
the same thread through a shared database follow last-writer-wins.

For URLs (``open_store``, ``PersonaGuard(store=...)``), :func:`register_base_store` names a store object:
``register_base_store("main", store)`` makes ``langgraph://main`` open it.
"""

from __future__ import annotations

import builtins
import threading
import weakref
from collections.abc import Callable
from typing import Any

from langgraph.store.base import BaseStore, Item
from soulkeeper.stores import Checkpoint, CheckpointStore, ThreadState
from soulkeeper.stores._base import StateUpdate, apply_update, check_keep, check_limit, closed_error

__all__ = ["SCHEME", "LangGraphStore", "register_base_store", "unregister_base_store"]

SCHEME = "langgraph"
_PAGE = 500
_LOCKS: weakref.WeakKeyDictionary[BaseStore, threading.RLock] = weakref.WeakKeyDictionary()
_LOCKS_GUARD = threading.Lock()
_NAMED: dict[str, BaseStore] = {}


def register_base_store(name: str, store: BaseStore) -> str:
    """Make ``langgraph://<name>`` open ``store``; returns that URL."""
    if not name or "/" in name:
        raise ValueError(f"register_base_store: name must be non-empty without '/', got {name!r}")
    _NAMED[name] = store
    return f"{SCHEME}://{name}"


def unregister_base_store(name: str) -> None:
    """Forget a name given to :func:`register_base_store` (the store object itself is untouched)."""
    _NAMED.pop(name, None)


def _lock_for(store: BaseStore) -> threading.RLock:
    with _LOCKS_GUARD:
        lock = _LOCKS.get(store)
        if lock is None:
            lock = _LOCKS[store] = threading.RLock()
        return lock


class LangGraphStore(CheckpointStore):
    """A soulkeeper :class:`~soulkeeper.stores.CheckpointStore` backed by a LangGraph ``BaseStore``.

    :param store: any LangGraph ``BaseStore``; closing this object does not close it.
    :param prefix: the namespace prefix for soulkeeper's items.
    """

    scheme = SCHEME

    def __init__(
        self, store: BaseStore, *, prefix: tuple[str, ...] = ("soulkeeper",), name: str = ""
    ) -> None:
        if not isinstance(store, BaseStore):
            raise TypeError(f"LangGraphStore needs a langgraph BaseStore, got {type(store).__name__}")
        self.base = store
        self.prefix = tuple(prefix)
        self.url = f"{SCHEME}://{name or type(store).__name__}"
        self._lock = _lock_for(store)
        self._closed = False

    @classmethod
    def from_url(cls, url: str) -> LangGraphStore:
        """Open ``langgraph://<name>`` for a store given to :func:`register_base_store`."""
        name = url.split("://", 1)[1].strip("/")
        store = _NAMED.get(name)
        if store is None:
            known = ", ".join(sorted(_NAMED)) or "none"
            raise ValueError(
                f"{url}: no LangGraph store registered under {name!r} (register_base_store; known: {known})"
            )
        return cls(store, name=name)

    # ------------------------------------------------------------------ layout

    def _ns(self, part: str) -> tuple[str, ...]:
        return (*self.prefix, part)

    def _check_open(self) -> None:
        if self._closed:
            raise closed_error(self)

    def _items(self, thread_id: str) -> builtins.list[Item]:
        found: builtins.list[Item] = []
        while True:
            page = self.base.search(
                self._ns("checkpoints"), filter={"thread_id": thread_id}, limit=_PAGE, offset=len(found)
            )
            found.extend(page)
            if len(page) < _PAGE:
                break
        found.sort(key=lambda item: int(item.value["seq"]))
        return found

    @staticmethod
    def _checkpoint(item: Item) -> Checkpoint:
        return Checkpoint.from_json(item.value["json"], seq=int(item.value["seq"]))

    def _locked(self, fn: Callable[[], Any]) -> Any:
        with self._lock:
            self._check_open()
            return fn()

    # ------------------------------------------------------------------ checkpoints

    def put(self, checkpoint: Checkpoint) -> Checkpoint:
        def run() -> Checkpoint:
            existing = self.base.get(self._ns("checkpoints"), checkpoint.id)
            if existing is not None:
                return self._checkpoint(existing)
            meta = self.base.get(self._ns("meta"), "seq")
            seq = (int(meta.value["seq"]) if meta is not None else 0) + 1
            self.base.put(self._ns("meta"), "seq", {"seq": seq}, index=False)
            value = {
                "thread_id": checkpoint.thread_id,
                "seq": seq,
                "known_good": checkpoint.known_good,
                "json": checkpoint.to_json(),
            }
            self.base.put(self._ns("checkpoints"), checkpoint.id, value, index=False)
            return checkpoint.model_copy(update={"seq": seq})

        result: Checkpoint = self._locked(run)
        return result

    def latest(self, thread_id: str) -> Checkpoint | None:
        items = self._locked(lambda: self._items(thread_id))
        return self._checkpoint(items[-1]) if items else None

    def latest_good(self, thread_id: str) -> Checkpoint | None:
        items = self._locked(lambda: self._items(thread_id))
        good = [item for item in items if item.value.get("known_good")]
        return self._checkpoint(good[-1]) if good else None

    def list(self, thread_id: str, limit: int | None = None) -> builtins.list[Checkpoint]:
        check_limit(limit)
        items = self._locked(lambda: self._items(thread_id))
        newest = [self._checkpoint(item) for item in reversed(items)]
        return newest if limit is None else newest[:limit]

    def delete_thread(self, thread_id: str) -> int:
        def run() -> int:
            items = self._items(thread_id)
            for item in items:
                self.base.delete(self._ns("checkpoints"), item.key)
            self.base.delete(self._ns("state"), thread_id)
            return len(items)

        deleted: int = self._locked(run)
        return deleted

    def prune(self, thread_id: str, *, keep: int) -> int:
        check_keep(keep)

        def run() -> int:
            items = self._items(thread_id)
            good = next((item for item in reversed(items) if item.value.get("known_good")), None)
            doomed = [item for n, item in enumerate(items) if n < len(items) - keep and item is not good]
            for item in doomed:
                self.base.delete(self._ns("checkpoints"), item.key)
            return len(doomed)

        pruned: int = self._locked(run)
        return pruned

    # ------------------------------------------------------------------ thread state

    def _state(self, thread_id: str) -> ThreadState | None:
        item = self.base.get(self._ns("state"), thread_id)
        if item is None:
            return None
        return ThreadState.from_json(item.value["json"], revision=int(item.value["revision"]))

    def _write_state(self, state: ThreadState, current: ThreadState | None) -> ThreadState:
        stored = state.stamped((current.revision if current is not None else 0) + 1)
        self.base.put(
            self._ns("state"),
            state.thread_id,
            {"json": stored.to_json(), "revision": stored.revision},
            index=False,
        )
        return stored

    def get_state(self, thread_id: str) -> ThreadState | None:
        result: ThreadState | None = self._locked(lambda: self._state(thread_id))
        return result

    def set_state(self, state: ThreadState) -> ThreadState:
        result: ThreadState = self._locked(lambda: self._write_state(state, self._state(state.thread_id)))
        return result

    def update_state(self, thread_id: str, fn: StateUpdate) -> ThreadState:
        def run() -> ThreadState:
            current = self._state(thread_id)
            return self._write_state(apply_update(thread_id, current, fn), current)

        result: ThreadState = self._locked(run)
        return result

    # ------------------------------------------------------------------ lifecycle

    def close(self) -> None:
        """Stop using the store (the LangGraph store itself stays open: it belongs to the app)."""
        self._closed = True
