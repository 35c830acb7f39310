"""ListMemory appends a SystemMessage to the context every turn; the model still gets exactly one system
message, at index 0, with the persona first and the memory merged in once."""

from __future__ import annotations

import pytest

pytest.importorskip("autogen_agentchat")
pytest.importorskip("autogen_ext")

from _autogen_support import (
    RecordingReplayClient,
    assert_pinned,
    calls_of,
    chat,
    guard,
    make_agent,
    mati_replies,
    system_text,
)
from autogen_core.memory import ListMemory, MemoryContent, MemoryMimeType
from autogen_core.model_context import BufferedChatCompletionContext, UnboundedChatCompletionContext
from autogen_core.models import SystemMessage
from soulkeeper_autogen import PersonaChatCompletionContext

FACT = "The production cluster is named atlas-7."


@pytest.mark.parametrize("buffered", [False, True])
async def test_list_memory_is_merged_into_the_one_system_message(buffered: bool) -> None:
    """With ListMemory, 20 turns: one system message at index 0, persona first, the memory exactly once."""
    g = guard()
    memory = ListMemory()
    await memory.add(MemoryContent(content=FACT, mime_type=MemoryMimeType.TEXT))
    inner = BufferedChatCompletionContext(buffer_size=5) if buffered else UnboundedChatCompletionContext()
    context = PersonaChatCompletionContext(g, inner)
    client = RecordingReplayClient(mati_replies(20))
    agent = make_agent("mati", client, context, memory=[memory])
    for i in range(20):
        await chat(agent, f"Question {i}")
    calls = calls_of(client)
    assert len(calls) == 20
    assert_pinned(calls, g.packed().text)
    for n, call in enumerate(calls):
        text = system_text(call)
        assert text.count(FACT) == 1, f"call {n}: the memory is missing or duplicated"
        assert text.index(FACT) > len(g.packed().text) - 1
    stray = [m for m in await inner.get_messages() if isinstance(m, SystemMessage)]
    assert stray, "ListMemory did not append system messages to the inner context (nothing was tested)"
