"""Tool use and tail reminders: function calls and their results pass through untouched, the persona stays
first, and a tail reminder sits just before the latest user message."""

from __future__ import annotations

import pytest

pytest.importorskip("autogen_agentchat")
pytest.importorskip("autogen_ext")

from _autogen_support import (
    MATI_DRIFTED,
    RecordingReplayClient,
    assert_pinned,
    calls_of,
    chat,
    guard,
    make_agent,
    mati_replies,
)
from autogen_core import FunctionCall
from autogen_core.models import (
    AssistantMessage,
    CreateResult,
    FunctionExecutionResultMessage,
    ModelFamily,
    ModelInfo,
    RequestUsage,
    UserMessage,
)
from autogen_core.tools import FunctionTool
from soulkeeper_autogen import PersonaChatCompletionContext, PersonaModelClient

TOOLS_INFO = ModelInfo(
    vision=False,
    function_calling=True,
    json_output=False,
    family=ModelFamily.UNKNOWN,
    structured_output=False,
)


async def deploy_status(service: str) -> str:
    """The deployment status of a service."""
    return f"{service}: 3 of 3 replicas healthy"


async def test_tool_calls_and_results_reach_the_model_intact_behind_the_persona() -> None:
    """A tool round (call, result, reflection) keeps the persona first and the tool messages as they were."""
    g = guard()
    call = CreateResult(
        finish_reason="function_calls",
        content=[FunctionCall(id="call_1", name="deploy_status", arguments='{"service": "payments"}')],
        usage=RequestUsage(prompt_tokens=1, completion_tokens=1),
        cached=False,
    )
    client = RecordingReplayClient([mati_replies(1)[0], call, mati_replies(3)[2]], model_info=TOOLS_INFO)
    context = PersonaChatCompletionContext(g)
    agent = make_agent(
        "mati",
        client,
        context,
        tools=[FunctionTool(deploy_status, description="status")],
        reflect_on_tool_use=True,
    )
    await chat(agent, "Hello")
    answer = await chat(agent, "Is payments healthy?")
    assert answer == mati_replies(3)[2]
    calls = calls_of(client)
    assert len(calls) == 3
    assert_pinned(calls, g.packed().text)
    reflection = calls[2]
    assert isinstance(reflection[-2], AssistantMessage)
    assert reflection[-2].content == call.content
    assert isinstance(reflection[-1], FunctionExecutionResultMessage)
    assert reflection[-1].content[0].content == "payments: 3 of 3 replicas healthy"
    state = g.state(context.thread_id)
    assert state is not None
    assert state.turn == 2, "the function-call reply must not count as a turn"


async def test_tail_placement_puts_one_reminder_before_the_latest_user_message() -> None:
    """With Policy(placement="tail") the re-anchor is a user message just before the latest user message."""
    g = guard(placement="tail")
    client = RecordingReplayClient([*mati_replies(1), MATI_DRIFTED, *mati_replies(4)[1:]])
    context = PersonaChatCompletionContext(g)
    wrapper = PersonaModelClient(client, context)
    agent = make_agent("mati", wrapper, context, wrap=False)
    for i in range(5):
        await chat(agent, f"Question {i}")
    calls = calls_of(client)
    assert_pinned(calls, g.packed().text)
    after = calls[2]
    reminders = [m for m in after if isinstance(m, UserMessage) and "<persona-reminder>" in str(m.content)]
    assert len(reminders) == 1
    assert after[-2] is reminders[0]
    assert after[-1].content == "Question 2"
    history = await context.inner.get_messages()
    assert not any("<persona-reminder>" in str(m.content) for m in history), (
        "reminders must not enter history"
    )
