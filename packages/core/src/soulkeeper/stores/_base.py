"""The checkpoint store contract: sync methods, async twins prefixed ``a``, context managers."""

from __future__ import annotations

import asyncio
import builtins
import re
from abc import abstractmethod
from collections.abc import Callable
from typing import ClassVar, TypeVar

from soulkeeper._closing import Closeable
from soulkeeper.errors import StoreError
from soulkeeper.stores._models import Checkpoint, ThreadState

__all__ = ["CheckpointStore", "StateUpdate", "redact_url"]

_T = TypeVar("_T")

StateUpdate = Callable[[ThreadState], ThreadState]
"""A pure function from the current state to the new one (it may be called more than once)."""

_PASSWORD = re.compile(r"(?P<head>://[^:/@?#]*:)[^@/?#]*@")
_PASSWORD_PARAM = re.compile(r"(?P<head>[?&]password=)[^&#]*", re.IGNORECASE)


def redact_url(url: str) -> str:
    """The URL with any password replaced by ``***`` (safe to show in messages and logs)."""
    return _PASSWORD_PARAM.sub(r"\g<head>***", _PASSWORD.sub(r"\g<head>***@", url))


def check_limit(limit: int | None) -> None:
    if limit is not None and limit < 0:
        raise ValueError(f"limit must be None or >= 0, got {limit}")


class CheckpointStore(Closeable):
    """Where a guard keeps checkpoints and thread state, so several processes can serve one thread.

    Every method has an async twin prefixed ``a`` (``put`` / ``aput``). The base class runs the async
    twins in a worker thread; network backends override them with native async clients. Run-time
    failures raise :class:`soulkeeper.StoreError` with a one-line message.

    ``put`` is idempotent by checkpoint ``id``: putting the same id again keeps the first write. A
    thread's checkpoints are ordered by the store-assigned ``seq`` (insertion order); ``list`` returns
    them newest first. ``update_state`` is atomic across threads and processes.
    """

    scheme: ClassVar[str] = ""
    migrations: ClassVar[tuple[str, ...]] = ()
    """Names of the schema migrations this backend knows, in the order they are applied."""

    url: str = ""
    """The store's URL with any password redacted."""

    _blocking: ClassVar[bool] = True
    """Whether the sync methods block on I/O (then the default async twins run them in a thread)."""

    async def _run(self, fn: Callable[..., _T], *args: object) -> _T:
        if self._blocking:
            return await asyncio.to_thread(fn, *args)
        return fn(*args)

    # ------------------------------------------------------------------ checkpoints

    @abstractmethod
    def put(self, checkpoint: Checkpoint) -> Checkpoint:
        """Store a checkpoint and return it as stored (with ``seq`` set)."""

    @abstractmethod
    def latest(self, thread_id: str) -> Checkpoint | None:
        """The thread's newest checkpoint, or ``None``."""

    @abstractmethod
    def latest_good(self, thread_id: str) -> Checkpoint | None:
        """The thread's newest checkpoint with ``known_good`` set, or ``None``."""

    @abstractmethod
    def list(self, thread_id: str, limit: int | None = None) -> builtins.list[Checkpoint]:
        """The thread's checkpoints, newest first, at most ``limit`` of them."""

    @abstractmethod
    def delete_thread(self, thread_id: str) -> int:
        """Delete a thread's checkpoints and state; return how many checkpoints were deleted."""

    @abstractmethod
    def prune(self, thread_id: str, *, keep: int) -> int:
        """Delete all but the thread's newest ``keep`` checkpoints, always sparing its newest known-good
        one (the restore point); return how many were deleted."""

    # ------------------------------------------------------------------ thread state

    @abstractmethod
    def get_state(self, thread_id: str) -> ThreadState | None:
        """The thread's state, or ``None`` if it was never stored."""

    @abstractmethod
    def set_state(self, state: ThreadState) -> ThreadState:
        """Overwrite the thread's state (last writer wins); return it as stored (revision bumped)."""

    @abstractmethod
    def update_state(self, thread_id: str, fn: StateUpdate) -> ThreadState:
        """Atomically replace the state with ``fn(current)`` and return what was stored.

        ``current`` is ``ThreadState(thread_id=thread_id)`` when none is stored. No concurrent update
        (other threads or processes) is lost. ``fn`` must be pure: backends with optimistic concurrency
        call it again when another writer got there first. If ``fn`` raises, nothing is written.
        """

    # ------------------------------------------------------------------ schema

    def applied_migrations(self) -> builtins.list[str]:
        """Names of the migrations recorded in the store, in the order they were applied."""
        return []

    def migrate(self, *, upto: str | None = None) -> builtins.list[str]:
        """Apply the migrations not yet recorded (up to and including ``upto``); return their names.

        Idempotent and safe to run from several processes at once. :func:`open_store` calls it.
        """
        check_migration_name(type(self), upto)
        return []

    def _pending_migrations(self, upto: str | None) -> builtins.list[str]:
        """Known migrations (up to ``upto``) not recorded yet."""
        names = builtins.list(self.migrations)
        wanted = names if upto is None else names[: names.index(upto) + 1]
        done = set(self.applied_migrations())
        return [name for name in wanted if name not in done]

    # ------------------------------------------------------------------ lifecycle

    @abstractmethod
    def close(self) -> None:
        """Release connections. Closing twice is harmless; using a closed store raises StoreError."""

    async def aclose(self) -> None:
        """Release connections, async ones included (use this when you used the async methods)."""
        await self._run(self.close)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.url!r})"

    # ------------------------------------------------------------------ async twins

    async def aput(self, checkpoint: Checkpoint) -> Checkpoint:
        """Async :meth:`put`."""
        return await self._run(self.put, checkpoint)

    async def alatest(self, thread_id: str) -> Checkpoint | None:
        """Async :meth:`latest`."""
        return await self._run(self.latest, thread_id)

    async def alatest_good(self, thread_id: str) -> Checkpoint | None:
        """Async :meth:`latest_good`."""
        return await self._run(self.latest_good, thread_id)

    async def alist(self, thread_id: str, limit: int | None = None) -> builtins.list[Checkpoint]:
        """Async :meth:`list`."""
        return await self._run(self.list, thread_id, limit)

    async def adelete_thread(self, thread_id: str) -> int:
        """Async :meth:`delete_thread`."""
        return await self._run(self.delete_thread, thread_id)

    async def aprune(self, thread_id: str, *, keep: int) -> int:
        """Async :meth:`prune`."""
        check_keep(keep)
        return await self._run(lambda: self.prune(thread_id, keep=keep))

    async def aget_state(self, thread_id: str) -> ThreadState | None:
        """Async :meth:`get_state`."""
        return await self._run(self.get_state, thread_id)

    async def aset_state(self, state: ThreadState) -> ThreadState:
        """Async :meth:`set_state`."""
        return await self._run(self.set_state, state)

    async def aupdate_state(self, thread_id: str, fn: StateUpdate) -> ThreadState:
        """Async :meth:`update_state` (``fn`` is a plain function)."""
        return await self._run(self.update_state, thread_id, fn)


def check_keep(keep: int) -> None:
    if keep < 0:
        raise ValueError(f"keep must be >= 0, got {keep}")


def check_migration_name(cls: type[CheckpointStore], upto: str | None) -> None:
    if upto is not None and upto not in cls.migrations:
        known = ", ".join(cls.migrations) or "none"
        raise ValueError(f"unknown migration {upto!r} for {cls.__name__} (known: {known})")


def apply_update(thread_id: str, current: ThreadState | None, fn: StateUpdate) -> ThreadState:
    """Run ``fn`` on the current (or a fresh) state and check the result belongs to the thread."""
    base = current if current is not None else ThreadState(thread_id=thread_id)
    new = fn(base)
    if not isinstance(new, ThreadState):
        raise TypeError(f"update_state: fn must return a ThreadState, got {type(new).__name__}")
    if new.thread_id != thread_id:
        raise ValueError(f"update_state: fn returned thread {new.thread_id!r}, expected {thread_id!r}")
    return new


def closed_error(store: CheckpointStore) -> StoreError:
    return StoreError(f"{store.url}: the store is closed")


def one_line(exc: BaseException, *, secrets: tuple[str, ...] = ()) -> str:
    """A one-line description of a driver error, with any secret removed."""
    text = str(exc).strip().splitlines()
    line = text[0].strip() if text else type(exc).__name__
    for secret in secrets:
        if secret:
            line = line.replace(secret, "***")
    return line or type(exc).__name__
