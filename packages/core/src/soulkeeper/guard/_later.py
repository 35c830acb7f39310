"""Checks that run after the reply is returned (``PersonaGuard.observe_later``).

The drift detectors cost a tenth of a millisecond or more per reply; with a policy that never retries
their verdict only matters to the *next* model call of the thread (a re-anchor is placed there). So an
adapter can hand the reply back at once and let one worker thread per guard run the check. Three rules
keep this exact and cheap:

* a thread's checks run one at a time, in the order they were submitted (they never overtake each
  other);
* whatever reads a thread's state (``prepare``, ``pinned``, ``observe``, ``state``, ``forget``) first
  settles that thread's outstanding checks: a check that has not started yet is run right there, by the
  reader (exactly what an inline check would have cost, and no hand-off between threads); one the worker
  is running is waited for. Async readers never run a check on the event loop: they ask the worker to
  start at once and await it;
* the worker starts a check :data:`SETTLE` seconds after it was submitted, not at once. The framework is
  still finishing the turn when the reply is handed over (state updates, a checkpoint written by a
  helper thread); a worker that woke at once would take the interpreter lock whenever the turn waits for
  anything and run the check inside the turn. In a conversation the next call comes seconds later, so
  the check is done long before; a faster caller (a tool loop) runs it itself.

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
import time
import weakref
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures import wait as wait_futures
from typing import Any, TypeVar

from soulkeeper.guard._events import logger

__all__ = ["SETTLE", "Later"]

T = TypeVar("T")
SETTLE = 0.02
"""Seconds the worker lets pass after a submission before it starts the check (see the module docs)."""
_STOP = None
_LIVE: weakref.WeakSet[Later] = weakref.WeakSet()
_QUEUED, _RUNNING, _DONE = 0, 1, 2


class _Job:
    __slots__ = ("due", "fn", "future", "hurry", "state", "thread_id")

    def __init__(self, thread_id: str, fn: Callable[[], Any], due: float) -> None:
        self.thread_id = thread_id
        self.fn = fn
        self.future: Future[Any] = Future()
        self.due = due
        self.hurry = False
        self.state = _QUEUED


class Later:
    """One worker thread (started on first use) running a guard's deferred checks."""

    settle = SETTLE

    def __init__(self, name: str) -> None:
        self.name = name
        self._closed = False
        self._reset()

    def _reset(self) -> None:
        """Fresh machinery (also after a fork: the parent's worker and checks do not exist in the child)."""
        self._jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._pending: dict[str, deque[_Job]] = {}
        self._lock = threading.Lock()
        self._hurried = threading.Condition(self._lock)
        self._local = threading.local()
        self._thread: threading.Thread | None = None

    def submit(self, thread_id: str, fn: Callable[[], T]) -> Future[T]:
        """Queue ``fn`` as the thread's newest check; it runs after the thread's earlier checks."""
        job = _Job(thread_id, fn, time.monotonic() + self.settle)
        with self._lock:
            if self._closed:
                raise RuntimeError(f"PersonaGuard({self.name!r}) is closed: no more checks")
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._work, name=f"soulkeeper-check-{self.name}", daemon=True
                )
                self._thread.start()
                _LIVE.add(self)
            self._pending.setdefault(thread_id, deque()).append(job)
        self._jobs.put(job)
        return job.future

    # ------------------------------------------------------------------ running a check

    def _claim(self, job: _Job) -> bool:
        """Take a queued job for the calling thread (``False``: somebody else has it, or it is done)."""
        with self._lock:
            if job.state != _QUEUED:
                return False
            job.state = _RUNNING
            return True

    def _run(self, job: _Job) -> None:
        self._local.inside = True  # a check (or its callback) reading its own thread must not wait for itself
        try:
            result = job.fn()
        except BaseException as exc:
            logger.exception("deferred drift check of thread %s failed", job.thread_id)
            job.future.set_exception(exc)
        else:
            job.future.set_result(result)
        finally:
            self._local.inside = False
            with self._lock:
                job.state = _DONE
                jobs = self._pending.get(job.thread_id)
                if jobs is not None and job in jobs:
                    jobs.remove(job)
                    if not jobs:
                        del self._pending[job.thread_id]

    def _work(self) -> None:
        while (job := self._jobs.get()) is not _STOP:
            with self._hurried:
                while job.state == _QUEUED and not job.hurry and not self._closed:
                    left = job.due - time.monotonic()
                    if left <= 0:
                        break
                    self._hurried.wait(left)
            self._settle(self._through(job))

    def _through(self, job: _Job) -> list[_Job]:
        """The conversation's outstanding checks up to ``job``, in order (none when ``job`` is done)."""
        with self._lock:
            earlier: list[_Job] = []
            for queued in self._pending.get(job.thread_id, ()):
                earlier.append(queued)
                if queued is job:
                    return earlier
            return []

    def _settle(self, jobs: list[_Job]) -> None:
        """Run (or wait for) ``jobs`` in order: one somebody else is running is waited for, so a
        conversation's checks never overtake each other, whichever thread runs them."""
        for job in jobs:
            if self._claim(job):
                self._run(job)
            else:
                wait_futures([job.future])

    # ------------------------------------------------------------------ readers

    def _outstanding(self, thread_id: str) -> list[_Job]:
        if getattr(self._local, "inside", False):
            return []
        jobs = self._pending.get(thread_id)  # a dict read is atomic; the common case takes no lock
        if not jobs:
            return []
        with self._lock:
            return list(jobs)

    def wait(self, thread_id: str) -> None:
        """Settle the thread's outstanding checks, in order: run those not started, wait for the others
        (their outcome is not raised here)."""
        self._settle(self._outstanding(thread_id))

    async def await_thread(self, thread_id: str) -> None:
        """:meth:`wait` without blocking the event loop (the worker runs the checks, starting at once)."""
        jobs = self._outstanding(thread_id)
        if not jobs:
            return
        self._hurry(jobs)
        for job in jobs:
            wrapped = asyncio.wrap_future(job.future)
            await asyncio.wait([wrapped])
            if not wrapped.cancelled():
                wrapped.exception()  # retrieved (and already logged), so asyncio does not report it again

    def _hurry(self, jobs: list[_Job]) -> None:
        with self._hurried:
            for job in jobs:
                job.hurry = True
            self._hurried.notify_all()

    def flush(self, timeout: float | None = None, *, thread_id: str | None = None) -> bool:
        """Wait for every check submitted so far (of ``thread_id`` only, when given), asking the worker to
        start them at once; ``False`` if ``timeout`` seconds passed first."""
        if getattr(self._local, "inside", False):
            return True
        with self._lock:
            if thread_id is None:
                jobs = [job for queued in self._pending.values() for job in queued]
            else:
                jobs = list(self._pending.get(thread_id, ()))
        self._hurry(jobs)
        _, not_done = wait_futures([job.future for job in jobs], timeout=timeout)
        return not not_done

    def close(self) -> None:
        """Finish the queued checks (at once, without the settle delay) and stop the worker; no new checks
        are taken."""
        with self._hurried:
            self._closed = True
            thread, self._thread = self._thread, None
            self._hurried.notify_all()
        if thread is not None:
            self._jobs.put(_STOP)
            if thread is not threading.current_thread():
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
