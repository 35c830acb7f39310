"""Persistence: the conversation (LlamaIndex Memory, SQLite) and the persona state (soulkeeper, SQLite) survive a restart."""

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
    persona_text,
    sqlite_memory,
)
from llama_index.core.chat_engine import SimpleChatEngine
from llama_index.core.llms import ChatMessage
from soulkeeper import PersonaGuard
from soulkeeper_llamaindex import guard_chat_engine


def _llm(drift_at: int | None) -> ScriptedLLM:
    def reply(i: int, messages: list[ChatMessage], kwargs: dict[str, object]) -> str:
        if i == drift_at:
            return DRIFTED
        return FIXED if has_reminder(messages) else CLEAN

    return ScriptedLLM(reply)


async def test_conversation_and_persona_state_survive_a_restart(tmp_path: Path) -> None:
    """After a drift, a new process (new guard, memory and engine on the same files) resumes both states."""
    chat_db = tmp_path / "chat.db"
    state_db = f"sqlite:///{tmp_path / 'soulkeeper.db'}"

    guard = PersonaGuard(MATI, store=state_db)
    llm = _llm(drift_at=2)
    engine = guard_chat_engine(
        SimpleChatEngine.from_defaults(llm=llm, memory=sqlite_memory(chat_db, "user-42")),
        guard,
        thread_id="user-42",
    )
    for turn in range(3):
        await engine.achat(f"Question {turn}?")
    before = guard.state("user-42")
    assert before is not None
    assert before.pending_reanchor
    await guard.aclose()

    # "restart": nothing shared but the two SQLite files
    guard2 = PersonaGuard(MATI, store=state_db)
    memory2 = sqlite_memory(chat_db, "user-42")
    llm2 = _llm(drift_at=None)
    engine2 = guard_chat_engine(
        SimpleChatEngine.from_defaults(llm=llm2, memory=memory2), guard2, thread_id="user-42"
    )
    after = guard2.state("user-42")
    assert after is not None
    assert after.turn == before.turn == 3
    assert after.drift_score == pytest.approx(before.drift_score)
    assert (await engine2.achat("Question 3?")).response == FIXED
    call = llm2.calls[0]
    assert has_reminder(call)  # the re-anchor scheduled before the restart is carried out after it
    assert [m.content for m in call[1:4]] == ["Question 0?", CLEAN, "Question 1?"]
    assert_pinned(llm2.calls, guard2)
    stored = await memory2.aget_all()
    assert len(stored) == 8
    assert not any(persona_text(guard2)[:60] in (m.content or "") for m in stored)
    await guard2.aclose()
