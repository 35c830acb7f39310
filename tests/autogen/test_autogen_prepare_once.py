"""The model client does not prepare again what the persona context prepared for the same call."""

from __future__ import annotations

from typing import Any

import pytest

pytest.importorskip("autogen_agentchat")
pytest.importorskip("autogen_ext")

from _autogen_support import MATI, assert_pinned, calls_of
from autogen_agentchat.agents import AssistantAgent
from autogen_agentchat.messages import TextMessage
from autogen_core import CancellationToken
from autogen_core.models import SystemMessage, UserMessage
from autogen_ext.models.replay import ReplayChatCompletionClient
from soulkeeper import PersonaGuard
from soulkeeper_autogen import PersonaChatCompletionContext, PersonaModelClient


def _counting(guard: PersonaGuard) -> list[int]:
    calls = [0]
    original = guard.aprepare

    async def aprepare(*args: Any, **kwargs: Any) -> Any:
        calls[0] += 1
        return await original(*args, **kwargs)

    guard.aprepare = aprepare  # type: ignore[method-assign]
    return calls


async def test_one_prepare_per_call_with_the_persona_context() -> None:
    """An agent with the persona context and client prepares each model call once, persona first."""
    guard = PersonaGuard(MATI, store="memory://")
    context = PersonaChatCompletionContext(guard, thread_id="once")
    replay = ReplayChatCompletionClient(["The deployment is complete.", "The rollback is ready."])
    agent = AssistantAgent(
        "mati", model_client=PersonaModelClient(replay, context), model_context=context, system_message=None
    )
    calls = _counting(guard)
    for text in ("Status?", "And the rollback?"):
        await agent.on_messages([TextMessage(content=text, source="user")], CancellationToken())
    assert calls[0] == 2
    assert_pinned(calls_of(replay), guard.packed().text.strip())
    guard.close()


async def test_client_prepares_messages_it_did_not_get_from_the_context() -> None:
    """Messages that are not the context's last output (an app system message added) are prepared again."""
    guard = PersonaGuard(MATI, store="memory://")
    context = PersonaChatCompletionContext(guard, thread_id="twice")
    client = PersonaModelClient(ReplayChatCompletionClient(["The deployment is complete."]), context)
    await context.add_message(UserMessage(content="Status?", source="user"))
    prepared = await context.get_messages()
    calls = _counting(guard)
    assert context.prepared_here(prepared, "twice")
    assert not context.prepared_here(prepared, "other")
    extra = [SystemMessage(content="You can call the deploy tool."), *prepared]
    result = await client.create(extra)
    assert calls[0] == 1
    assert result.content == "The deployment is complete."
    sent = calls_of(client.client)
    assert_pinned(sent, guard.packed().text.strip())
    assert "You can call the deploy tool." in sent[0][0].content
    guard.close()
