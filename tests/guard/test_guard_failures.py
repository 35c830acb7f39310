"""Failure behaviour: a store that goes away, fail-closed stores, and hostile input at scale."""

from __future__ import annotations

import logging
import shutil
from functools import cache
from pathlib import Path

import pytest
from _guard_support import CLEAN, DRIFTED, RedisServer, mati
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from soulkeeper.errors import StoreError
from soulkeeper.guard import PersonaGuard, Policy


@cache
def _hypo_guard() -> PersonaGuard:
    return PersonaGuard(mati(), store="memory://", context_window=8192)


@pytest.fixture
def redis_server(tmp_path: Path) -> RedisServer:
    pytest.importorskip("redis")
    if shutil.which("redis-server") is None:
        pytest.skip("needs the redis-server binary to start and stop a private Redis")
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


_RESPONSES = st.one_of(
    st.text(max_size=300),
    st.binary(max_size=200),
    st.none(),
    st.integers(),
    st.dictionaries(st.sampled_from(["role", "content", "tool_calls", "name"]), st.text(max_size=20)),
)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(responses=st.lists(_RESPONSES, min_size=1, max_size=6))
def test_any_response_is_observed_and_persona_stays(responses: list[object]) -> None:
    """Arbitrary text, bytes and junk responses never crash observe, and prepare still pins the persona."""
    guard = _hypo_guard()
    guard.forget("any")
    for response in responses:
        decision = guard.observe("any", response, user_text="question")
        assert decision.action in ("ok", "warn", "reinject", "restore")
    out = guard.prepare("any", [{"role": "assistant", "content": r} for r in responses if isinstance(r, str)])
    identity = guard.soul.file("identity")
    assert identity is not None
    assert out[0].role == "system"
    assert out[0].content.startswith(identity.text)
    assert all(m.role != "system" for m in out[1:])


async def test_async_redis_outage_and_catch_up(redis_server: RedisServer) -> None:
    """The async path reports the outage the same way and catches up when Redis is back."""
    policy = Policy(checkpoint_every=2, store_retry_after=0.0)
    guard = PersonaGuard(mati(), store=redis_server.url, context_window=8192, policy=policy)
    try:
        assert (await guard.aobserve("a", CLEAN)).store_error is None
        redis_server.stop()
        down = await guard.aobserve("a", CLEAN)
        assert down.store_error
        assert down.checkpoint is not None
        assert down.turn == 2
        out = await guard.aprepare("a", [{"role": "user", "content": "x"}])
        assert out[0].content.startswith(guard.packed().text)
        redis_server.start()
        back = await guard.aobserve("a", CLEAN)
        assert back.store_error is None
        assert back.turn == 3
        assert 2 in [cp.turn for cp in await guard.store.alist("a")]
    finally:
        await guard.aclose()
