"""PersonaMemory: one system message first, the inner memory's messages after it, the persona never stored."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("llama_index.core")

from _llamaindex_support import (
    MATI,
    ScriptedLLM,
    assert_pinned,
    persona_text,
    sqlite_memory,
    sync_loop,  # noqa: F401  # fixture
)
from llama_index.core.base.llms.types import MessageRole
from llama_index.core.chat_engine import SimpleChatEngine
from llama_index.core.llms import ChatMessage
from llama_index.core.memory import StaticMemoryBlock
from soulkeeper import PersonaGuard
from soulkeeper_llamaindex import PersonaMemory


def _guard() -> PersonaGuard:
    return PersonaGuard(MATI, store="memory://")


async def test_get_merges_blocks_and_history_system_into_one_message(tmp_path: Path) -> None:
    """Memory blocks and a system message in the history are merged after the persona, in one message."""
    guard = _guard()
    block = StaticMemoryBlock(name="facts", static_content="The user prefers short answers.", priority=0)
    inner = sqlite_memory(tmp_path / "m.db", "s1", memory_blocks=[block])
    memory = PersonaMemory(guard, inner, system="You may run read-only commands.")
    assert memory.thread_id == "s1"
    await memory.aset(
        [ChatMessage(role="system", content="Legacy prompt."), ChatMessage(role="user", content="hi")]
    )
    await memory.aput(ChatMessage(role="assistant", content="Hello, this is Mati."))
    for messages in (await memory.aget(), memory.get()):
        assert [m.role for m in messages].count(MessageRole.SYSTEM) == 1
        system = messages[0].content or ""
        assert system.startswith(persona_text(guard))
        positions = [
            system.index(t) for t in ("You may run", "Legacy prompt.", "The user prefers short answers.")
        ]
        assert positions[0] > len(persona_text(guard))
        assert [m.content for m in messages[1:]] == ["hi", "Hello, this is Mati."]


async def test_persona_is_never_stored(tmp_path: Path) -> None:
    """Writing get() back (put, put_messages, set and their async twins) never stores the persona."""
    guard = _guard()
    memory = PersonaMemory(guard, sqlite_memory(tmp_path / "m.db", "s2"))
    await memory.aput(ChatMessage(role="user", content="first"))
    pinned = await memory.aget()
    await memory.aput_messages(pinned)
    await memory.aput(pinned[0])
    memory.put_messages(pinned)
    stored = await memory.aget_all()
    assert [m.content for m in stored] == ["first", "first", "first"]
    await memory.aset(await memory.aget())
    memory.set(memory.get())
    assert [m.role for m in memory.get_all()] == [MessageRole.USER] * 3
    assert not any(persona_text(guard)[:60] in (m.content or "") for m in memory.get_all())
    await memory.areset()
    assert await memory.aget_all() == []
    memory.put(ChatMessage(role="user", content="again"))
    memory.reset()
    assert memory.get_all() == []
    assert [m.role for m in memory.get()] == [MessageRole.SYSTEM]


@pytest.mark.usefixtures("sync_loop")
def test_simple_chat_engine_with_persona_memory(tmp_path: Path) -> None:
    """A SimpleChatEngine using PersonaMemory as its memory sends the persona first on every call."""
    guard = _guard()
    llm = ScriptedLLM()
    memory = PersonaMemory(guard, sqlite_memory(tmp_path / "m.db", "s3", token_limit=300), thread_id="s3")
    engine = SimpleChatEngine.from_defaults(llm=llm, memory=memory)
    for turn in range(12):
        engine.chat(f"Question {turn} about the deployment pipeline and its stages?")
    assert len(llm.calls) == 12
    assert_pinned(llm.calls, guard)
    assert all(m.role != MessageRole.SYSTEM for m in memory.get_all())


def test_from_defaults_and_guard_options(tmp_path: Path) -> None:
    """from_defaults builds the same memory; a soul path plus guard options builds the guard."""
    inner = sqlite_memory(tmp_path / "m.db", "s4")
    memory = PersonaMemory.from_defaults(soul_or_guard=MATI, inner=inner, store="memory://")
    assert memory.guard.soul.name == "mati"
    assert memory.thread_id == "s4"
    assert PersonaMemory.class_name() == "PersonaMemory"
