"""Sans-I/O flows: the guard's logic yields the store and detector calls it needs; drivers run them.

A flow is a generator yielding operations such as ``("get_state", thread_id)`` or ``("check", text,
user_text, turn)`` and receiving their results (a :class:`~soulkeeper.guard._storelink.Failure` for a
store call that failed). :func:`drive` runs a flow with the sync store and detector, :func:`adrive` with
the async twins, so the logic exists once.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import Any, TypeVar

from soulkeeper.drift import DriftDetector
from soulkeeper.guard._events import logger
from soulkeeper.guard._storelink import Failure, StoreLink
from soulkeeper.guard._threads import ThreadLocal
from soulkeeper.stores import ThreadState

__all__ = ["Flow", "adrive", "drive", "flush_flow"]

T = TypeVar("T")
Flow = Generator[tuple[Any, ...], Any, T]


def drive(flow: Flow[T], link: StoreLink, detector: Callable[[], DriftDetector]) -> T:
    """Run ``flow`` with the sync store and detector (``detector()`` is looked up on each check)."""
    try:
        op = next(flow)
        while True:
            if op[0] == "check":
                result: Any = detector().check(op[1], user_text=op[2], turn=op[3])
            else:
                result = link.call(*op)
            op = flow.send(result)
    except StopIteration as stop:
        return stop.value  # type: ignore[no-any-return]


async def adrive(flow: Flow[T], link: StoreLink, detector: Callable[[], DriftDetector]) -> T:
    """Run ``flow`` with the async store and detector."""
    try:
        op = next(flow)
        while True:
            if op[0] == "check":
                result: Any = await detector().acheck(op[1], user_text=op[2], turn=op[3])
            else:
                result = await link.acall(*op)
            op = flow.send(result)
    except StopIteration as stop:
        return stop.value  # type: ignore[no-any-return]


def flush_flow(thread_id: str, local: ThreadLocal) -> Flow[str | None]:
    """Write what a store outage held back; returns the error if the store is still failing.

    Queued state never overwrites a newer turn another process wrote meanwhile; checkpoint writes are
    idempotent by id, so a write that reached the store before the connection broke is not duplicated.
    """
    if not local.has_pending:
        return None
    pending = local.pending_state
    if pending is not None:

        def catch_up(current: ThreadState) -> ThreadState:
            return pending if pending.turn >= current.turn else current

        written = yield ("update_state", thread_id, catch_up)
        if isinstance(written, Failure):
            return written.error
        local.pending_state = None
        local.state = written
    while local.pending_checkpoints:
        put = yield ("put", local.pending_checkpoints[0])
        if isinstance(put, Failure):
            return put.error
        local.pending_checkpoints.popleft()
    logger.info("thread %s caught up with the checkpoint store", thread_id)
    return None
