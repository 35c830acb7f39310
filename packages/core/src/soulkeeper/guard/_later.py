"""Checks that run after the reply is returned (``PersonaGuard.observe_later``).

The drift detectors cost a tenth of a millisecond or more per reply; with a policy that never retries
their verdict only matters to the *next* model call of the thread (a re-anchor is placed there). So an
adapter can hand the reply back at once and let one worker thread per guard run the check. Two rules keep
this exact:

* checks run one at a time, in the order they were submitted (a thread's checks never overtake each
  other, and two threads' checks never race on a store);
* whatever reads a thread's state (``prepare``, ``pinned``, ``observe``, ``state``, ``forget``) first
  waits for that thread's outstanding check. In a live conversation the check is done long before the
  next model call (the user reads, the model thinks), so nobody waits; when a caller is faster, it waits
  and gets exactly what an inline check would have given.

A check that raises is logged and its future carries the exception; it never breaks a later call. The
worker is a daemon thread, so an ``atexit`` handler finishes the queued checks before the interpreter
exits. A forked child (a pre-forking server) starts with no worker and no outstanding checks: the parent's
worker does not exist there, and waiting for its checks would wait forever.
"""

from __future__ import annotations

import asyncio
import atexit
import os
import queue
import threading
import weakref
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures import wait as wait_futures
from typing import Any, TypeVar

from soulkeeper.guard._events import logger

__all__ = ["Later"]

T = TypeVar("T")
_STOP = None
_LIVE: weakref.WeakSet[Later] = weakref.WeakSet()


class Later:
    """One worker thread (started on first use) running a guard's deferred checks in order."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._jobs: queue.SimpleQueue[tuple[str, Future[Any], Callable[[], Any]] | None] = queue.SimpleQueue()
        self._pending: dict[str, Future[Any]] = {}
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._worker: int | None = None
        self._closed = False

    def _reset(self) -> None:
        """After a fork: no worker, nothing queued or outstanding (those belong to the parent)."""
        self._jobs = queue.SimpleQueue()
        self._pending = {}
        self._lock = threading.Lock()
        self._thread = None
        self._worker = None

    def submit(self, thread_id: str, fn: Callable[[], T]) -> Future[T]:
        """Run ``fn`` on the worker after every check submitted before it; remember it as the thread's
        outstanding check until it is done."""
        future: Future[T] = Future()
        with self._lock:
            if self._closed:
                raise RuntimeError(f"PersonaGuard({self.name!r}) is closed: no more checks")
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name=f"soulkeeper-check-{self.name}", daemon=True
                )
                self._thread.start()
                _LIVE.add(self)
            self._pending[thread_id] = future
        self._jobs.put((thread_id, future, fn))
        return future

    def _run(self) -> None:
        self._worker = threading.get_ident()
        while (job := self._jobs.get()) is not _STOP:
            thread_id, future, fn = job
            try:
                result = fn()
            except BaseException as exc:
                logger.exception("deferred drift check of thread %s failed", thread_id)
                future.set_exception(exc)
            else:
                future.set_result(result)
            with self._lock:
                if self._pending.get(thread_id) is future:
                    del self._pending[thread_id]

    def outstanding(self, thread_id: str) -> Future[Any] | None:
        """The thread's check still to finish (``None`` when there is none, or on the worker itself)."""
        future = self._pending.get(thread_id)  # a dict read is atomic; the common case takes no lock
        if future is None or future.done() or threading.get_ident() == self._worker:
            return None
        return future

    def wait(self, thread_id: str) -> None:
        """Block until the thread's outstanding check is done (its outcome is not raised here)."""
        future = self.outstanding(thread_id)
        if future is not None:
            wait_futures([future])

    async def await_thread(self, thread_id: str) -> None:
        """:meth:`wait` without blocking the event loop."""
        future = self.outstanding(thread_id)
        if future is None:
            return
        wrapped = asyncio.wrap_future(future)
        await asyncio.wait([wrapped])
        if not wrapped.cancelled():
            wrapped.exception()  # retrieved (and already logged), so asyncio does not report it again

    def flush(self, timeout: float | None = None, *, thread_id: str | None = None) -> bool:
        """Wait for every check submitted so far (of ``thread_id`` only, when given); ``False`` if
        ``timeout`` seconds passed first."""
        if threading.get_ident() == self._worker:
            return True
        with self._lock:
            if thread_id is None:
                futures = list(self._pending.values())
            else:
                futures = [f for f in (self._pending.get(thread_id),) if f is not None]
        _, not_done = wait_futures(futures, timeout=timeout)
        return not not_done

    def close(self) -> None:
        """Finish the queued checks and stop the worker (no new checks are taken)."""
        with self._lock:
            self._closed = True
            thread, self._thread = self._thread, None
        if thread is not None:
            self._jobs.put(_STOP)
            if threading.get_ident() != self._worker:
                thread.join()


@atexit.register
def _finish_all() -> None:
    for later in list(_LIVE):
        later.close()


def _after_fork_in_child() -> None:
    for later in list(_LIVE):
        later._reset()


if hasattr(os, "register_at_fork"):  # not on Windows, which has no fork
    os.register_at_fork(after_in_child=_after_fork_in_child)
