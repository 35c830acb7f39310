"""Against soulkeeper's drifting-model simulation, the guarded agent keeps far more replies in persona
than the same agent with the persona kept as a history message."""

from __future__ import annotations

import pytest

pytest.importorskip("autogen_agentchat")

from _autogen_support import assert_pinned, chat, guard, make_agent
from autogen_agentchat.agents import AssistantAgent
from autogen_core.model_context import BufferedChatCompletionContext
from autogen_core.models import SystemMessage
from soulkeeper_autogen import PersonaChatCompletionContext
from soulkeeper_autogen.testing import DriftingChatCompletionClient

TURNS = 60


async def test_guarded_agent_stays_in_persona_where_a_buffered_history_loses_it() -> None:
    """60 turns, Buffered(5): baseline replies drift once the persona scrolls out; guarded ones mostly do not."""
    g = guard(allow_retry=True)
    detector = g.detector

    baseline_model = DriftingChatCompletionClient(g.soul, seed=7)
    persona = SystemMessage(content=g.packed().text)
    baseline = AssistantAgent(
        "mati",
        model_client=baseline_model,
        model_context=BufferedChatCompletionContext(buffer_size=5, initial_messages=[persona]),
        system_message=None,
    )
    guarded_model = DriftingChatCompletionClient(g.soul, seed=7)
    context = PersonaChatCompletionContext(g, BufferedChatCompletionContext(buffer_size=5))
    guarded = make_agent("mati", guarded_model, context)

    drifted = {"baseline": 0, "guarded": 0}
    for i in range(TURNS):
        question = f"Question {i}: what is the state of the release?"
        for name, agent in (("baseline", baseline), ("guarded", guarded)):
            reply = await chat(agent, question)
            drifted[name] += not detector.check(reply, turn=i + 1).ok
    assert_pinned(guarded_model.calls, g.packed().text)
    assert len(guarded_model.calls) >= TURNS
    assert drifted["baseline"] >= TURNS // 2, drifted
    assert drifted["guarded"] <= drifted["baseline"] // 4, drifted
