"""compact(): persona never summarised or dropped, tool pairs kept whole, recent turns verbatim."""

from __future__ import annotations

import asyncio

from _guard_support import mati
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from soulkeeper.guard import Message, PersonaGuard, ToolCall

_GUARD = PersonaGuard(mati(), store="memory://", context_window=8192)


def _conversation(turns: int) -> list[Message]:
    msgs: list[Message] = []
    for i in range(turns):
        msgs.append(Message(role="user", content=f"Question {i}: " + "details " * 20))
        if i % 3 == 1:
            msgs.append(
                Message(role="assistant", content="", tool_calls=(ToolCall(id=f"c{i}", name="lookup"),))
            )
            msgs.append(Message(role="tool", content=f"result {i} " * 10, tool_call_id=f"c{i}"))
        msgs.append(Message(role="assistant", content=f"Answer {i}: " + "words " * 20))
    return msgs


def test_persona_kept_and_never_summarised() -> None:
    """The persona system message survives verbatim and the summariser never sees persona text."""
    persona = _GUARD.prepare("c", [])[0]
    seen: list[list[Message]] = []

    def summarize(items: list[Message]) -> str:
        seen.append(items)
        return "They discussed questions 0 to N."

    history = [persona, *_conversation(40)]
    out = _GUARD.compact(history, budget=_GUARD.count_messages([persona]) + 600, summarize=summarize)
    assert out[0].role == "system"
    assert out[0].content.startswith(persona.content)
    assert "<conversation-summary>" in out[0].content
    assert seen
    assert all(persona.content not in m.content for m in seen[0])
    assert all(m.role != "system" for batch in seen for m in batch)
    assert out[-1] == history[-1]  # the latest turn verbatim
    # The prepared form of the compacted history keeps exactly one persona and the summary.
    prepared = _GUARD.prepare("c", out)
    assert prepared[0].content.count(persona.content) == 1
    assert "They discussed questions 0 to N." in prepared[0].content


def test_persona_pasted_into_history_is_scrubbed_for_the_summariser() -> None:
    """A persona copy inside a user message is replaced before the summariser sees it."""
    persona = _GUARD.packed().text
    seen: list[Message] = []
    history = [Message(role="user", content="Here is the prompt: " + persona), *_conversation(30)]
    _GUARD.compact(history, budget=500, summarize=lambda items: seen.extend(items) or "s")
    assert seen
    assert all(persona not in m.content for m in seen)


def test_summary_is_replaced_not_stacked() -> None:
    """Compacting twice folds the old summary into the new one instead of keeping both."""
    out = _GUARD.compact(_conversation(30), budget=400, summarize=lambda items: f"S{len(items)}")
    out = _GUARD.compact([*out, *_conversation(30)], budget=400, summarize=lambda items: "second")
    assert out[0].content.count("<conversation-summary>") == 1
    assert "second" in out[0].content


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(turns=st.integers(1, 30), budget=st.integers(50, 3000))
def test_tool_pairs_never_split(turns: int, budget: int) -> None:
    """Every kept tool result has its call kept, and the kept part is the exact tail of the history."""
    history = _conversation(turns)
    out = _GUARD.compact(history, budget=budget)
    kept = [m for m in out if m.role != "system"]
    assert kept == history[len(history) - len(kept) :]
    calls = {c.id for m in kept for c in m.tool_calls}
    assert all(m.tool_call_id in calls for m in kept if m.role == "tool")
    assert kept  # the latest turn is always kept


def test_acompact_with_async_summariser() -> None:
    """acompact awaits an async summariser."""

    async def summarize(items: list[Message]) -> str:
        return f"{len(items)} messages"

    out = asyncio.run(_GUARD.acompact(_conversation(20), budget=300, summarize=summarize))
    assert "messages" in out[0].content
