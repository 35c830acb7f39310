"""Chat engines guarded with guard_chat_engine: persona pinned on every call, replies observed."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("llama_index.core")

from _llamaindex_support import (
    CLEAN,
    MATI,
    DriftingLLM,
    RecordingBlock,
    ScriptedLLM,
    assert_pinned,
    persona_text,
    sqlite_memory,
    sync_loop,  # noqa: F401  # fixture
)
from llama_index.core.base.base_retriever import BaseRetriever
from llama_index.core.chat_engine import CondensePlusContextChatEngine, ContextChatEngine, SimpleChatEngine
from llama_index.core.llms import ChatMessage
from llama_index.core.schema import NodeWithScore, QueryBundle, TextNode
from soulkeeper import Decision, PersonaGuard, load_soul
from soulkeeper.testing import DriftingChatModel
from soulkeeper_llamaindex import PersonaLLM, guard_chat_engine

FACT = "The staging cluster runs Kubernetes 1.31."


class FixedRetriever(BaseRetriever):
    """Returns one fixed node for every query."""

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        return [NodeWithScore(node=TextNode(text=FACT), score=1.0)]


@pytest.mark.usefixtures("sync_loop")
def test_sixty_turns_persona_first_and_never_archived(tmp_path: Path) -> None:
    """60 turns through a SimpleChatEngine with a small Memory: persona verbatim first in every call, never archived."""
    guard = PersonaGuard(MATI, store="memory://")
    llm = DriftingLLM(DriftingChatModel(load_soul(MATI), seed=7, base_rate=0.05, recede_tokens=800))
    block = RecordingBlock(name="archive", priority=1)
    memory = sqlite_memory(
        tmp_path / "chat.db", "t60", token_limit=600, token_flush_size=100, memory_blocks=[block]
    )
    decisions: list[Decision] = []
    engine = guard_chat_engine(
        SimpleChatEngine.from_defaults(llm=llm, memory=memory, system_prompt="You can read the deploy logs."),
        guard,
        thread_id="t60",
        on_decision=decisions.append,
    )
    for turn in range(60):
        engine.chat(f"Question {turn}: how is the deployment going?")
    assert guard.wait_for_checks(timeout=30)  # the last reply is checked in the background
    assert len(llm.calls) == 60
    assert len(decisions) == 60
    assert_pinned(llm.calls, guard)
    assert all("You can read the deploy logs." in (c[0].content or "") for c in llm.calls)
    persona = persona_text(guard)
    first_line = persona.splitlines()[0]
    assert block.seen, "the memory never archived anything: the token limit is not exercised"
    assert not any(first_line in (m.content or "") for m in block.seen)
    stored = memory.get_all()
    assert len(stored) == 120
    assert not any(first_line in (m.content or "") for m in stored)
    # every re-anchor decision reached the very next call
    for i, decision in enumerate(decisions[:-1]):
        if decision.action in ("reinject", "restore"):
            assert "<persona-reminder>" in (llm.calls[i + 1][0].content or "")


@pytest.mark.parametrize("kind", ["context", "condense_plus_context"])
async def test_context_engines_one_system_message_persona_first(kind: str, tmp_path: Path) -> None:
    """Context engines: the persona comes first, the retrieved context and system prompt merged after it."""
    guard = PersonaGuard(MATI, store="memory://")
    llm = ScriptedLLM()
    memory = sqlite_memory(tmp_path / "chat.db", kind, token_limit=2000)
    if kind == "context":
        engine: ContextChatEngine | CondensePlusContextChatEngine = ContextChatEngine.from_defaults(
            retriever=FixedRetriever(), llm=llm, memory=memory, system_prompt="Answer about infrastructure."
        )
    else:
        engine = CondensePlusContextChatEngine.from_defaults(
            retriever=FixedRetriever(), llm=llm, memory=memory, system_prompt="Answer about infrastructure."
        )
    decisions: list[Decision] = []
    guard_chat_engine(engine, guard, thread_id=kind, on_decision=decisions.append)
    assert engine.chat("Which Kubernetes version?").response == CLEAN
    assert (await engine.achat("And staging?")).response == CLEAN
    assert "".join(engine.stream_chat("Streamed?").response_gen) == CLEAN
    streamed = await engine.astream_chat("Async streamed?")
    assert "".join([t async for t in streamed.async_response_gen()]) == CLEAN
    assert len(llm.calls) == 4
    assert len(decisions) == 4
    assert_pinned(llm.calls, guard)
    for call in llm.calls:
        system = call[0].content or ""
        assert FACT in system
        assert "Answer about infrastructure." in system
        assert system.index(FACT) > len(persona_text(guard))
    assert not any(persona_text(guard)[:40] in (m.content or "") for m in memory.get_all())


@pytest.mark.usefixtures("sync_loop")
def test_guard_chat_engine_refuses_double_guarding(tmp_path: Path) -> None:
    """Guarding an engine twice is an error, not a second persona."""
    guard = PersonaGuard(MATI, store="memory://")
    memory = sqlite_memory(tmp_path / "chat.db", "double")
    engine = guard_chat_engine(SimpleChatEngine.from_defaults(llm=ScriptedLLM(), memory=memory), guard)
    with pytest.raises(ValueError, match="already guarded"):
        guard_chat_engine(engine, guard)
    assert isinstance(engine._llm, PersonaLLM)


@pytest.mark.usefixtures("sync_loop")
def test_history_system_messages_are_merged(tmp_path: Path) -> None:
    """A system message in the chat history is merged into the one system message after the persona."""
    guard = PersonaGuard(MATI, store="memory://")
    llm = ScriptedLLM()
    memory = sqlite_memory(tmp_path / "chat.db", "merge")
    engine = guard_chat_engine(
        SimpleChatEngine.from_defaults(llm=llm, memory=memory), guard, thread_id="merge"
    )
    history = [ChatMessage(role="system", content="Old app prompt."), ChatMessage(role="user", content="hi")]
    engine.chat("Status?", chat_history=history)
    assert_pinned(llm.calls, guard)
    assert "Old app prompt." in (llm.calls[0][0].content or "")
