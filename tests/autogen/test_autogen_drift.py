"""PersonaModelClient: drifted replies re-anchor the next call, or are retried at once when allowed."""

from __future__ import annotations

import pytest

pytest.importorskip("autogen_agentchat")
pytest.importorskip("autogen_ext")

from _autogen_support import (
    MATI_CLEAN,
    MATI_DRIFTED,
    RecordingReplayClient,
    assert_pinned,
    calls_of,
    chat,
    guard,
    make_agent,
    mati_replies,
    system_text,
)
from autogen_agentchat.messages import ModelClientStreamingChunkEvent, TextMessage
from autogen_core import CancellationToken
from autogen_core.model_context import BufferedChatCompletionContext
from autogen_core.models import AssistantMessage, CreateResult, FunctionExecutionResultMessage, UserMessage
from soulkeeper.guard import Decision
from soulkeeper_autogen import PersonaChatCompletionContext, PersonaModelClient, StreamMode

REMINDER = "<persona-reminder>"
FIXED = MATI_CLEAN.format(i="three, corrected")


async def test_a_drifted_reply_re_anchors_the_next_call() -> None:
    """After a drifted reply the next model call carries the reminder; the calls before it do not."""
    g = guard()
    replies = [*mati_replies(2), MATI_DRIFTED, *mati_replies(5)[1:]]
    client = RecordingReplayClient(replies)
    context = PersonaChatCompletionContext(g, BufferedChatCompletionContext(buffer_size=5))
    decisions: list[Decision] = []
    wrapper = PersonaModelClient(client, context, on_decision=decisions.append)
    agent = make_agent("mati", wrapper, context, wrap=False)
    for i in range(len(replies)):
        await chat(agent, f"Question {i}")
    calls = calls_of(client)
    assert_pinned(calls, g.packed().text)
    assert [REMINDER in system_text(c) for c in calls[:4]] == [False, False, False, True]
    assert decisions[2].action in ("reinject", "restore")
    assert decisions[2].report.rule_ids
    state = g.state(context.thread_id)
    assert state is not None
    assert state.turn == len(replies)


async def test_with_retry_the_final_answer_is_the_fixed_one() -> None:
    """With Policy(allow_retry=True) the drifted reply is retried re-anchored and never reaches the agent."""
    g = guard(allow_retry=True)
    replies = [*mati_replies(2), MATI_DRIFTED, FIXED, *mati_replies(4)[2:]]
    client = RecordingReplayClient(replies)
    context = PersonaChatCompletionContext(g, BufferedChatCompletionContext(buffer_size=5))
    wrapper = PersonaModelClient(client, context)
    agent = make_agent("mati", wrapper, context, wrap=False)
    answers = [await chat(agent, f"Question {i}") for i in range(4)]
    assert answers[2] == FIXED
    calls = calls_of(client)
    assert len(calls) == 5
    assert_pinned(calls, g.packed().text)
    assert REMINDER not in system_text(calls[2])
    assert REMINDER in system_text(calls[3]), "the retry was not re-anchored"
    assert calls[3][1:] == calls[2][1:], "the retry must answer the same conversation"
    history = [m.content for m in calls[4] if isinstance(m, AssistantMessage)]
    assert MATI_DRIFTED not in history
    assert FIXED in history
    assert wrapper.last_decision is not None
    assert wrapper.last_decision.turn == 4


@pytest.mark.parametrize("mode", ["live", "buffer"])
async def test_streaming_observes_the_reply_and_buffer_mode_hides_drifted_chunks(mode: StreamMode) -> None:
    """Streamed replies are checked at the end; buffered streaming emits only the accepted reply's chunks."""
    g = guard(allow_retry=True)
    client = RecordingReplayClient([*mati_replies(1), MATI_DRIFTED, FIXED])
    context = PersonaChatCompletionContext(g)
    wrapper = PersonaModelClient(client, context, stream=mode)
    agent = make_agent("mati", wrapper, context, wrap=False, model_client_stream=True)
    await chat(agent, "Hello")
    chunks: list[str] = []
    final = None
    async for event in agent.on_messages_stream(
        [TextMessage(content="Status?", source="user")], CancellationToken()
    ):
        if isinstance(event, ModelClientStreamingChunkEvent):
            chunks.append(event.content)
        elif hasattr(event, "chat_message"):
            final = event.chat_message
    assert isinstance(final, TextMessage)
    assert final.content == FIXED
    streamed = "".join(chunks)
    if mode == "buffer":
        assert streamed == FIXED
    else:
        assert streamed == MATI_DRIFTED, "live mode shows the drifted attempt as it streams"
    calls = calls_of(client)
    assert len(calls) == 3
    assert_pinned(calls, g.packed().text)
    assert REMINDER in system_text(calls[2])


async def test_function_call_results_are_not_observed() -> None:
    """A reply made of function calls carries no persona text: no decision, no turn."""
    from autogen_core import FunctionCall
    from autogen_core.models import RequestUsage

    g = guard()
    call = CreateResult(
        finish_reason="function_calls",
        content=[FunctionCall(id="c1", name="deploy", arguments="{}")],
        usage=RequestUsage(prompt_tokens=1, completion_tokens=1),
        cached=False,
    )
    client = RecordingReplayClient([call])
    wrapper = PersonaModelClient(client, g)
    result = await wrapper.create([UserMessage(content="Deploy", source="user")])
    assert result is call
    assert wrapper.last_decision is None
    assert g.state(wrapper.thread_id) is None


async def test_structured_output_replies_are_not_observed() -> None:
    """A json_output request's reply is data, not the persona's prose: no decision, no retry."""
    g = guard(allow_retry=True)
    client = RecordingReplayClient(['{"status": "ok!!!"}'])
    wrapper = PersonaModelClient(client, g)
    result = await wrapper.create([UserMessage(content="Status as JSON", source="user")], json_output=True)
    assert result.content == '{"status": "ok!!!"}'
    assert wrapper.last_decision is None
    assert len(client.create_calls) == 1


async def test_pin_puts_the_persona_first_even_without_the_persona_context() -> None:
    """With a plain context and an app system message, the client alone pins the persona and merges the rest."""
    from autogen_agentchat.agents import AssistantAgent

    g = guard()
    client = RecordingReplayClient(mati_replies(3))
    agent = AssistantAgent(
        "mati", model_client=PersonaModelClient(client, g), system_message="You can call the deploy tool."
    )
    for i in range(3):
        await chat(agent, f"Question {i}")
    calls = calls_of(client)
    assert_pinned(calls, g.packed().text)
    assert all("You can call the deploy tool." in system_text(c) for c in calls)


async def test_the_guard_output_passes_the_client_unchanged() -> None:
    """Pinning twice (context, then client) changes nothing: the client sees the context's exact input."""
    g = guard()
    context = PersonaChatCompletionContext(g, system="App text.")
    await context.add_message(UserMessage(content="Hello", source="user"))
    await context.add_message(
        FunctionExecutionResultMessage(content=[])  # an empty tool result survives as it is
    )
    prepared = await context.get_messages()
    client = RecordingReplayClient(mati_replies(1))
    await PersonaModelClient(client, context).create(prepared)
    sent = calls_of(client)[0]
    assert sent[0] == prepared[0]
    assert sent[1:] == prepared[1:]
    assert all(a is b for a, b in zip(sent[1:], prepared[1:], strict=True))


def test_wrapping_a_guarded_client_for_the_same_thread_is_refused() -> None:
    """Two wrappers on one thread would observe every reply twice; the second one is refused."""
    g = guard()
    inner = PersonaModelClient(RecordingReplayClient([]), g)
    with pytest.raises(ValueError, match="already"):
        PersonaModelClient(inner, g)
    PersonaModelClient(inner, g, thread_id="another thread")


async def test_usage_tokens_and_model_info_pass_through() -> None:
    """Token counting, remaining tokens, usage and model info are the wrapped client's."""
    g = guard()
    client = RecordingReplayClient(mati_replies(2))
    wrapper = PersonaModelClient(client, g)
    messages = [UserMessage(content="one two three", source="user")]
    assert wrapper.count_tokens(messages) == client.count_tokens(messages) == 3
    assert wrapper.remaining_tokens(messages) == client.remaining_tokens(messages)
    assert wrapper.model_info == client.model_info
    await wrapper.create(messages)
    assert wrapper.actual_usage() == client.actual_usage()
    assert wrapper.total_usage() == client.total_usage()
    await wrapper.close()
