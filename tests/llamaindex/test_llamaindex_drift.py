"""A scripted drifted reply: the next call re-anchors; with retry the user sees the fixed answer; streaming modes."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("llama_index.core")

from _llamaindex_support import (
    CLEAN,
    DRIFTED,
    FIXED,
    MATI,
    ScriptedLLM,
    assert_pinned,
    has_reminder,
    sqlite_memory,
    sync_loop,  # noqa: F401  # fixture
)
from llama_index.core.chat_engine import SimpleChatEngine
from llama_index.core.llms import ChatMessage
from soulkeeper import Decision, PersonaGuard, Policy
from soulkeeper_llamaindex import guard_chat_engine


def _script(drift_at: int) -> ScriptedLLM:
    """Clean replies; call ``drift_at`` drifts; a re-anchored call answers FIXED."""

    def reply(i: int, messages: list[ChatMessage], kwargs: dict[str, object]) -> str:
        if i == drift_at:
            return DRIFTED
        return FIXED if has_reminder(messages) else CLEAN

    return ScriptedLLM(reply)


def _engine(tmp_path: Path, llm: ScriptedLLM, *, retry: bool, stream_mode: str = "stream") -> tuple:  # type: ignore[type-arg]
    guard = PersonaGuard(MATI, store="memory://", policy=Policy(allow_retry=retry))
    memory = sqlite_memory(tmp_path / "chat.db", "drift")
    decisions: list[Decision] = []
    engine = guard_chat_engine(
        SimpleChatEngine.from_defaults(llm=llm, memory=memory),
        guard,
        thread_id="drift",
        stream_mode=stream_mode,  # type: ignore[arg-type]
        on_decision=decisions.append,
    )
    return engine, guard, memory, decisions


@pytest.mark.usefixtures("sync_loop")
def test_drift_reanchors_the_next_call(tmp_path: Path) -> None:
    """Without retry the drifted reply is returned, and the next call carries the full persona plus a reminder."""
    llm = _script(drift_at=2)
    engine, guard, _, decisions = _engine(tmp_path, llm, retry=False)
    replies = [engine.chat(f"Question {i}?").response for i in range(4)]
    assert replies[2] == DRIFTED
    assert decisions[2].action in ("reinject", "restore")
    assert not has_reminder(llm.calls[2])
    assert has_reminder(llm.calls[3])
    assert replies[3] == FIXED
    assert_pinned(llm.calls, guard)


async def test_retry_user_sees_the_fixed_answer(tmp_path: Path) -> None:
    """With retry allowed, achat returns the re-anchored answer and memory stores only that one."""
    llm = _script(drift_at=1)
    engine, guard, memory, decisions = _engine(tmp_path, llm, retry=True)
    assert (await engine.achat("First?")).response == CLEAN
    assert (await engine.achat("Second?")).response == FIXED
    assert [d.action for d in decisions] == ["ok", "retry", "ok"]
    assert len(llm.calls) == 3
    assert has_reminder(llm.calls[2])
    stored = [m.content for m in await memory.aget_all()]
    assert DRIFTED not in stored
    assert stored[-1] == FIXED
    assert_pinned(llm.calls, guard)


@pytest.mark.usefixtures("sync_loop")
def test_streaming_default_streams_then_reanchors(tmp_path: Path) -> None:
    """Default streaming passes the drifted tokens through, observes at the end and re-anchors the next turn."""
    llm = _script(drift_at=0)
    engine, guard, _, decisions = _engine(tmp_path, llm, retry=True)
    streamed = engine.stream_chat("First?")
    assert "".join(streamed.response_gen) == DRIFTED
    assert decisions[0].action in ("reinject", "restore", "retry")
    assert engine.chat("Second?").response == FIXED
    assert has_reminder(llm.calls[1])
    assert_pinned(llm.calls, guard)


@pytest.mark.usefixtures("sync_loop")
def test_streaming_buffered_never_yields_drift(tmp_path: Path) -> None:
    """Buffered streaming checks the reply before the first token and retries, so only the fixed answer streams."""
    llm = _script(drift_at=0)
    engine, guard, memory, decisions = _engine(tmp_path, llm, retry=True, stream_mode="buffered")
    streamed = engine.stream_chat("First?")
    assert "".join(streamed.response_gen) == FIXED
    assert [d.action for d in decisions] == ["retry", "ok"]
    assert DRIFTED not in [m.content for m in memory.get_all()]
    assert_pinned(llm.calls, guard)


async def test_async_streaming_buffered_and_default(tmp_path: Path) -> None:
    """astream_chat: buffered yields only the fixed answer; default yields the drift and re-anchors after."""
    llm = _script(drift_at=0)
    engine, guard, _, decisions = _engine(tmp_path, llm, retry=True, stream_mode="buffered")
    streamed = await engine.astream_chat("First?")
    assert "".join([t async for t in streamed.async_response_gen()]) == FIXED
    assert [d.action for d in decisions] == ["retry", "ok"]

    llm2 = _script(drift_at=0)
    engine2, guard2, _, decisions2 = _engine(tmp_path, llm2, retry=False)
    streamed2 = await engine2.astream_chat("First?")
    assert "".join([t async for t in streamed2.async_response_gen()]) == DRIFTED
    assert decisions2[0].action in ("reinject", "restore")
    assert (await engine2.achat("Second?")).response == FIXED
    assert_pinned(llm.calls, guard)
    assert_pinned(llm2.calls, guard2)


async def test_tail_placement_puts_the_reminder_before_the_latest_user_message(tmp_path: Path) -> None:
    """With Policy(placement="tail") the reminder is a user-role message just before the latest question."""
    llm = _script(drift_at=0)
    guard = PersonaGuard(MATI, store="memory://", policy=Policy(placement="tail"))
    engine = guard_chat_engine(
        SimpleChatEngine.from_defaults(llm=llm, memory=sqlite_memory(tmp_path / "chat.db", "tail")), guard
    )
    await engine.achat("First?")
    assert (await engine.achat("Second?")).response == FIXED
    call = llm.calls[1]
    assert "<persona-reminder>" not in (call[0].content or "")
    assert "<persona-reminder>" in (call[-2].content or "")
    assert call[-2].role.value == "user"
    assert call[-1].content == "Second?"
    assert_pinned(llm.calls, guard)
