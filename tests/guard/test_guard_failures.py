"""Failure behaviour: a store that goes away, fail-closed stores, and hostile input at scale."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from _guard_support import CLEAN, DRIFTED, RedisServer, mati
from soulkeeper.errors import StoreError
from soulkeeper.guard import PersonaGuard, Policy


@pytest.fixture
def redis_server(tmp_path: Path) -> RedisServer:
    pytest.importorskip("redis")
    server = RedisServer(tmp_path)
    server.start()
    yield server  # type: ignore[misc]
    server.stop()


def test_redis_outage_keeps_persona_pinned_and_catches_up(
    redis_server: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    """Redis stopped mid-conversation: the persona stays pinned, decisions carry store_error, and the
    state and checkpoints written during the outage reach Redis once it is back."""
    policy = Policy(checkpoint_every=2, store_retry_after=0.0)
    guard = PersonaGuard(mati(), store=redis_server.url, context_window=8192, policy=policy)
    persona = guard.packed().text
    try:
        assert guard.observe("t", CLEAN).store_error is None
        assert guard.observe("t", CLEAN).checkpoint is not None  # turn 2
        redis_server.stop()
        with caplog.at_level(logging.WARNING, logger="soulkeeper.guard"):
            out = guard.prepare("t", [{"role": "user", "content": "still there?"}])
            assert out[0].content.startswith(persona)
            down = [guard.observe("t", DRIFTED), guard.observe("t", CLEAN)]
        assert all(d.store_error for d in down)
        assert "\n" not in (down[0].store_error or "")
        assert down[0].action == "reinject"  # the guard still decides from its own state
        assert down[1].turn == 4
        assert down[1].checkpoint is not None
        assert any("checkpoint store" in r.getMessage() for r in caplog.records)
        out = guard.prepare("t", [{"role": "user", "content": "next"}])
        assert out[0].content.startswith(guard.soul.file("identity").text)  # type: ignore[union-attr]
        redis_server.start()
        back = guard.observe("t", CLEAN)
        assert back.store_error is None
        assert back.turn == 5
        state = guard.store.get_state("t")
        assert state is not None
        assert state.turn == 5
        turns = [cp.turn for cp in guard.store.list("t")]
        assert 4 in turns  # the checkpoint written during the outage caught up
    finally:
        guard.close()


def test_fail_closed_store_raises(redis_server: RedisServer) -> None:
    """With fail_closed_store, a store outage raises StoreError instead of carrying on."""
    policy = Policy(fail_closed_store=True, store_retry_after=0.0)
    guard = PersonaGuard(mati(), store=redis_server.url, policy=policy)
    try:
        guard.observe("t", CLEAN)
        redis_server.stop()
        with pytest.raises(StoreError):
            guard.observe("t", CLEAN)
        with pytest.raises(StoreError):
            guard.prepare("t", [])
    finally:
        redis_server.start()
        guard.close()


def test_store_backoff_skips_the_dead_store(redis_server: RedisServer) -> None:
    """During the back-off after a failure the guard does not wait on the dead store every call."""
    import time

    guard = PersonaGuard(mati(), store=redis_server.url, policy=Policy(store_retry_after=30.0))
    try:
        guard.observe("t", CLEAN)
        redis_server.stop()
        guard.observe("t", CLEAN)
        started = time.perf_counter()
        for _ in range(20):
            assert guard.observe("t", CLEAN).store_error
        assert time.perf_counter() - started < 1.0
    finally:
        redis_server.start()
        guard.close()


def test_huge_and_binary_history_keeps_persona() -> None:
    """Megabytes of text, binary junk and stray tool messages still give a pinned persona."""
    guard = PersonaGuard(mati(), store="memory://", context_window=8192)
    history = [
        {"role": "user", "content": "x" * 3_000_000},
        {"role": "tool", "content": b"\x00\xff" * 1000},
        {"role": "system", "content": None},
        {"role": "assistant", "content": [{"type": "image", "data": "..."}]},
        None,
        {"role": "user", "content": "ok"},
    ]
    out = guard.prepare("h", history)
    assert out[0].content.startswith(guard.packed().text)
    guard.observe("h", DRIFTED)
    out = guard.prepare("h", history)  # re-anchor: counts the huge history for the available budget
    assert out[0].role == "system"
    assert "<persona-reminder>" in out[0].content
