"""PersonaMiddleware in create_agent: the persona is pinned first and verbatim through summarisation."""

from __future__ import annotations

from typing import Any

import pytest

pytest.importorskip("langchain")

from _langchain_support import MATI, RecordingChatModel, assert_persona_first, system_text
from langchain.agents import create_agent
from langchain.agents.middleware import SummarizationMiddleware
from langchain_core.messages import HumanMessage, SystemMessage
from langgraph.checkpoint.memory import InMemorySaver
from soulkeeper import PersonaGuard
from soulkeeper.guard import Decision, text_of
from soulkeeper.testing import DriftingChatModel
from soulkeeper_langchain import STATE_KEY, PersonaMiddleware

SUMMARY = "Summary: the user asked a series of questions about the deployment."


def _agent(guard: PersonaGuard, model: RecordingChatModel, summarizer: RecordingChatModel, **options: Any):  # type: ignore[no-untyped-def]
    return create_agent(
        model,
        [],
        system_prompt="You can explain deployments.",
        middleware=[
            SummarizationMiddleware(summarizer, trigger=("messages", 8), keep=("messages", 4)),
            PersonaMiddleware(guard, **options),
        ],
        checkpointer=InMemorySaver(),
    )


def test_sixty_turns_with_summarization_keep_the_persona_first_and_out_of_the_summary() -> None:
    """Over 60 turns with summaries every few turns, every model call starts with the persona verbatim
    (one system message), the summarizer never sees it, it never enters the agent state, and every
    drift the guard flags in the DriftingChatModel's replies re-anchors the next call."""
    guard = PersonaGuard(MATI, store="memory://")
    persona = guard.packed().text
    drifting = DriftingChatModel(guard.soul, seed=3, recede_tokens=300)
    model = RecordingChatModel(default=drifting.reply)
    summarizer = RecordingChatModel(default=SUMMARY)
    decisions: list[Decision] = []
    agent = _agent(guard, model, summarizer, on_decision=decisions.append)
    config = {"configurable": {"thread_id": "sixty"}}
    for turn in range(60):
        agent.invoke({"messages": [HumanMessage(f"Question {turn} about the deployment?")]}, config)

    assert len(model.calls) == 60
    assert_persona_first(model.calls, persona)
    assert all(
        system_text(call).endswith(("You can explain deployments.", "</persona-reminder>"))
        for call in model.calls
    )
    assert len(summarizer.calls) >= 10, "the summarizer should have run every few turns"
    flagged = [n for n, d in enumerate(decisions[:-1]) if d.action in ("reinject", "restore")]
    assert flagged, "the simulated model should drift at least once in 60 turns"
    for n in flagged:
        assert "<persona-reminder>" in system_text(model.calls[n + 1])
    first_line = persona.strip().splitlines()[0]
    for call in summarizer.calls:
        for message in call:
            assert first_line not in text_of(message.content)
    state = agent.get_state(config).values
    assert not any(isinstance(m, SystemMessage) for m in state["messages"])
    assert all(persona not in text_of(m.content) for m in state["messages"])
    assert any("summary" in text_of(m.content).lower() for m in state["messages"])
    # Checked in the background: turn 60's record reaches the state with the thread's next call.
    assert state[STATE_KEY]["soulkeeper_mati"]["turn"] == 59


async def test_async_agent_pins_the_persona_through_summarization() -> None:
    """ainvoke runs awrap_model_call: the same pinning holds on the async path."""
    guard = PersonaGuard(MATI, store="memory://")
    model = RecordingChatModel()
    summarizer = RecordingChatModel(default=SUMMARY)
    agent = _agent(guard, model, summarizer)
    config = {"configurable": {"thread_id": "async"}}
    for turn in range(12):
        await agent.ainvoke({"messages": [HumanMessage(f"Question {turn}?")]}, config)
    assert len(model.calls) == 12
    assert_persona_first(model.calls, guard.packed().text)
    assert summarizer.calls


def test_token_counter_and_model_tokenizer() -> None:
    """The middleware counts LangChain messages with the guard's tokenizer, which can be the chat
    model's own counter."""
    model = RecordingChatModel()
    middleware = PersonaMiddleware(MATI, store="memory://", tokenizer=model)
    assert middleware.guard.tokenizer.count("one two three") == 3
    assert middleware.token_counter([HumanMessage("one two three")]) >= 3
