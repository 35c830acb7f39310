"""Streaming with stream_mode="messages": live streaming re-anchors the next turn; buffering hides a
drifted answer that is retried before the user sees it."""

from __future__ import annotations

import pytest

pytest.importorskip("langchain")

from _langchain_support import CLEAN, DRIFTED, MATI, RecordingChatModel, assert_persona_first, system_text
from langchain.agents import create_agent
from langchain_core.messages import HumanMessage
from langgraph.checkpoint.memory import InMemorySaver
from soulkeeper import Policy
from soulkeeper.guard import text_of
from soulkeeper_langchain import PersonaMiddleware

CONFIG = {"configurable": {"thread_id": "s1"}}


def _streamed(agent, question: str) -> str:  # type: ignore[no-untyped-def]
    parts = [
        text_of(message.content)
        for message, _meta in agent.stream(
            {"messages": [HumanMessage(question)]}, CONFIG, stream_mode="messages"
        )
    ]
    return "".join(parts)


def test_live_streaming_shows_the_reply_and_reanchors_the_next_turn() -> None:
    """By default tokens stream as they come (the drifted reply included) and the next turn's call
    carries the re-anchor."""
    middleware = PersonaMiddleware(MATI, store="memory://")
    model = RecordingChatModel(script=[DRIFTED, CLEAN])
    agent = create_agent(model, [], middleware=[middleware], checkpointer=InMemorySaver())
    first = _streamed(agent, "Hello?")
    assert "Gemma" in first
    second = _streamed(agent, "And the deployment?")
    assert second == CLEAN
    assert "<persona-reminder>" in system_text(model.calls[1])
    assert_persona_first(model.calls, middleware.guard.packed().text)
    assert middleware.guard.packed().text not in first + second


def test_buffered_streaming_never_shows_a_retried_drift() -> None:
    """With stream="buffer" and retries allowed, the drifted answer is checked and retried before
    anything is streamed: the user sees only the re-anchored reply, whole."""
    middleware = PersonaMiddleware(MATI, store="memory://", stream="buffer", policy=Policy(allow_retry=True))
    model = RecordingChatModel(script=[DRIFTED, CLEAN])
    agent = create_agent(model, [], middleware=[middleware], checkpointer=InMemorySaver())
    shown = _streamed(agent, "Hello?")
    assert shown == CLEAN
    assert "Gemma" not in shown
    assert len(model.calls) == 2
    assert "<persona-reminder>" in system_text(model.calls[1])


async def test_buffered_async_streaming_never_shows_a_retried_drift() -> None:
    """astream with stream="buffer" behaves like the sync stream."""
    middleware = PersonaMiddleware(MATI, store="memory://", stream="buffer", policy=Policy(allow_retry=True))
    model = RecordingChatModel(script=[DRIFTED, CLEAN])
    agent = create_agent(model, [], middleware=[middleware], checkpointer=InMemorySaver())
    parts = [
        text_of(message.content)
        async for message, _meta in agent.astream(
            {"messages": [HumanMessage("Hello?")]}, CONFIG, stream_mode="messages"
        )
    ]
    assert "".join(parts) == CLEAN
    assert_persona_first(model.calls, middleware.guard.packed().text)
