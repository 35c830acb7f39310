"""observe_later(): the check runs on the guard's worker, in order, and every reader of the thread waits for it."""

from __future__ import annotations

import asyncio
import logging
import os
import threading
import time
from typing import Any

import pytest
from _guard_support import CLEAN, DRIFTED, mati
from _slowcheck import SlowChecks
from soulkeeper.drift import DriftReport
from soulkeeper.guard import Decision, PersonaGuard, Policy


def _guard(**options: Any) -> PersonaGuard:
    return PersonaGuard(mati(), store="memory://", context_window=8192, **options)


def test_the_decision_equals_an_inline_observe() -> None:
    """The deferred decision on a drifted reply is what observe() gives: same action, level and rules."""
    with _guard() as inline, _guard() as later:
        expected = [inline.observe("t", text) for text in (CLEAN, DRIFTED)]
        got = [later.observe_later("t", text).result(timeout=10) for text in (CLEAN, DRIFTED)]
    assert [(d.action, d.turn, d.level, d.report.rule_ids) for d in got] == [
        (d.action, d.turn, d.level, d.report.rule_ids) for d in expected
    ]
    assert got[1].action in ("reinject", "restore")


WORKER = "soulkeeper-check-mati"


def test_a_reader_arriving_before_the_check_started_runs_it_itself() -> None:
    """prepare() right after the reply finds the check not started: it runs it there (no hand-off) and
    carries the re-anchor; the worker then has nothing left to do."""
    with _guard() as guard:
        guard._later.settle = 5.0
        slow = SlowChecks(guard, delay=0.0)
        future = guard.observe_later("t", DRIFTED)
        assert not future.done()  # the reply went back before the check
        prepared = guard.prepare("t", [{"role": "user", "content": "next?"}])
        assert future.done()
        assert "<persona-reminder>" in prepared[0].content
        assert guard.pinned("t") is None  # a re-anchor is pending: the fast path declines
        assert slow.threads == ["MainThread"]


def test_a_reader_arriving_while_the_worker_checks_waits_for_it() -> None:
    """A check the worker already started is waited for, not run twice."""
    with _guard() as guard:
        guard._later.settle = 0.0
        slow = SlowChecks(guard, delay=0.3)
        started = time.monotonic()
        future = guard.observe_later("t", DRIFTED)
        assert slow.started.wait(10)
        prepared = guard.prepare("t", [{"role": "user", "content": "next?"}])
        assert time.monotonic() - started >= 0.25
        assert future.done()
        assert "<persona-reminder>" in prepared[0].content
        assert slow.threads == [WORKER]


def test_the_worker_lets_the_turn_finish_before_it_checks() -> None:
    """Left alone, a check starts ``settle`` seconds after it was submitted, on the worker."""
    with _guard() as guard:
        guard._later.settle = 0.3
        slow = SlowChecks(guard, delay=0.0)
        started = time.monotonic()
        future = guard.observe_later("t", CLEAN)
        time.sleep(0.15)
        assert not future.done()
        future.result(timeout=10)
        assert time.monotonic() - started >= 0.28
        assert slow.threads == [WORKER]


def test_checks_keep_their_order_per_thread_and_threads_do_not_wait_for_each_other() -> None:
    """state("b") runs b's three checks, in order, and none of a's; wait_for_checks() has the worker run
    a's at once, in order."""
    with _guard() as guard:
        guard._later.settle = 30.0
        slow = SlowChecks(guard, delay=0.01)
        texts = [f"{CLEAN} Note {n}." for n in range(6)]
        futures = [guard.observe_later("a" if n % 2 else "b", text) for n, text in enumerate(texts)]
        state = guard.state("b")
        assert state is not None
        assert state.turn == 3
        assert slow.texts == texts[0::2]
        assert not any(f.done() for f in futures[1::2])
        started = time.monotonic()
        assert guard.wait_for_checks(timeout=10)
        assert time.monotonic() - started < 10
        assert all(f.done() for f in futures)
        assert slow.texts == [*texts[0::2], *texts[1::2]]
        assert slow.threads == ["MainThread"] * 3 + [WORKER] * 3
        assert guard.state("a").turn == 3


@pytest.mark.parametrize("settle", [0.0, 0.001, 0.02])
def test_readers_and_the_worker_racing_for_checks_run_each_once_in_order(settle: float) -> None:
    """Four OS threads, one conversation each, submit checks and read their state while the worker runs
    whatever it reaches first: every check runs once, each conversation's turns come in order."""
    from concurrent.futures import ThreadPoolExecutor

    with _guard() as guard:
        guard._later.settle = settle

        def converse(name: str) -> list[int]:
            futures = []
            for n in range(15):
                futures.append(guard.observe_later(name, f"{CLEAN} Point {n}."))
                if n % 3 == 0:
                    guard.state(name)
            guard.state(name)
            return [f.result(timeout=30).turn for f in futures]

        with ThreadPoolExecutor(4) as pool:
            turns = list(pool.map(converse, ["a", "b", "c", "d"]))
        assert turns == [list(range(1, 16))] * 4
        assert all(guard.state(name).turn == 15 for name in "abcd")  # type: ignore[union-attr]


def test_then_runs_before_waiters_resume() -> None:
    """The callback has run by the time a waiting prepare() returns (on the worker, which had started)."""
    seen: list[tuple[Decision, str]] = []
    with _guard() as guard:
        guard._later.settle = 0.0
        slow = SlowChecks(guard, delay=0.1)
        guard.observe_later("t", CLEAN, then=lambda d: seen.append((d, threading.current_thread().name)))
        assert slow.started.wait(10)
        guard.prepare("t", [])
        assert len(seen) == 1
        assert seen[0][1] == WORKER


def test_a_failing_check_is_logged_and_never_breaks_the_next_call(caplog: pytest.LogCaptureFixture) -> None:
    """A detector that raises: the future holds the error, it is logged, and prepare() still works."""

    class Broken:
        def check(self, *args: Any, **kwargs: Any) -> DriftReport:
            raise RuntimeError("detector exploded")

    with _guard() as guard, caplog.at_level(logging.ERROR, logger="soulkeeper.guard"):
        guard._detector = Broken()  # type: ignore[assignment]
        future = guard.observe_later("t", CLEAN)
        prepared = guard.prepare("t", [])
        assert isinstance(future.exception(timeout=10), RuntimeError)
        assert prepared[0].role == "system"
    assert any("deferred drift check of thread t failed" in r.getMessage() for r in caplog.records)


def test_a_raising_callback_is_logged_and_the_decision_kept(caplog: pytest.LogCaptureFixture) -> None:
    """A callback that raises does not lose the check: the future still holds the decision."""

    def boom(decision: Decision) -> None:
        raise ValueError("metrics down")

    with _guard() as guard, caplog.at_level(logging.ERROR, logger="soulkeeper.guard"):
        decision = guard.observe_later("t", DRIFTED, then=boom).result(timeout=10)
    assert decision.action in ("reinject", "restore")
    assert any("callback for thread t raised" in r.getMessage() for r in caplog.records)


def test_close_finishes_queued_checks_then_refuses_new_ones() -> None:
    """close() lets every queued check finish (their state is written) and later submissions fail."""
    guard = _guard()
    guard._later.settle = 30.0  # close() does not wait for it
    SlowChecks(guard, delay=0.02)
    futures = [guard.observe_later("t", f"{CLEAN} {n}") for n in range(5)]
    store = guard.store
    guard._owns_store = False  # keep the memory store readable after close
    guard.close()
    assert all(f.done() and f.exception() is None for f in futures)
    assert store.get_state("t").turn == 5  # type: ignore[union-attr]
    with pytest.raises(RuntimeError, match="closed"):
        guard.observe_later("t", CLEAN)


def test_a_retry_policy_refuses_deferred_checks() -> None:
    """With allow_retry the verdict must be acted on now: observe_later() raises ValueError."""
    with _guard(policy=Policy(allow_retry=True)) as guard, pytest.raises(ValueError, match="retries"):
        guard.observe_later("t", CLEAN)


def test_thread_ids_are_validated_before_anything_is_queued() -> None:
    """An empty thread id fails at the call, not later on the worker."""
    with _guard() as guard, pytest.raises(ValueError, match="thread_id"):
        guard.observe_later("", CLEAN)


def test_a_callback_may_read_its_own_thread_without_deadlock() -> None:
    """state() called from the callback (on the worker) does not wait for the check it is part of."""
    states: list[Any] = []
    with _guard() as guard:
        guard.observe_later("t", CLEAN, then=lambda d: states.append(guard.state("t"))).result(timeout=10)
    assert states[0] is not None
    assert states[0].turn == 1


async def test_async_readers_await_the_check_without_blocking_the_loop() -> None:
    """aprepare() has the worker start the check at once (never on the event loop) and awaits it; the loop
    keeps running meanwhile."""
    with _guard() as guard:
        guard._later.settle = 30.0
        slow = SlowChecks(guard, delay=0.3)
        ticks = 0

        async def tick() -> None:
            nonlocal ticks
            while True:
                await asyncio.sleep(0.01)
                ticks += 1

        ticker = asyncio.create_task(tick())
        guard.observe_later("t", DRIFTED)
        prepared = await guard.aprepare("t", [])
        ticker.cancel()
        assert "<persona-reminder>" in prepared[0].content
        assert ticks >= 10
        assert (await guard.astate("t")).pending_reanchor  # type: ignore[union-attr]
        assert slow.threads == [WORKER]
        await guard.aclose()


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork (POSIX)")
def test_a_forked_child_starts_without_the_parents_worker() -> None:
    """After a fork the child checks on a worker of its own and never waits for the parent's checks."""
    with _guard() as guard:
        guard.observe_later("t", CLEAN).result(timeout=10)  # the parent's worker is running
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: report what it sees, then leave without running the parent's cleanup
            try:
                decision = guard.observe_later("t", DRIFTED).result(timeout=10)
                prepared = guard.prepare("t", [])
                ok = decision.turn == 2 and "<persona-reminder>" in prepared[0].content
                os.write(write, b"ok" if ok else b"wrong")
            finally:
                os._exit(0)
        os.close(write)
        answer = os.read(read, 16)
        os.waitpid(pid, 0)
        os.close(read)
        assert answer == b"ok"
        assert guard.state("t").turn == 1  # type: ignore[union-attr]  # the child's check stayed there
