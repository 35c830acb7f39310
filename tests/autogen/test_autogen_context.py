"""PersonaChatCompletionContext: the persona is first and verbatim in every model call, whatever the inner
context compacts."""

from __future__ import annotations

import pytest

pytest.importorskip("autogen_agentchat")
pytest.importorskip("autogen_ext")

from _autogen_support import (
    HANEUL,
    MATI,
    RecordingReplayClient,
    assert_pinned,
    calls_of,
    chat,
    guard,
    make_agent,
    mati_replies,
)
from autogen_agentchat.agents import AssistantAgent
from autogen_core.model_context import (
    BufferedChatCompletionContext,
    ChatCompletionContext,
    HeadAndTailChatCompletionContext,
    TokenLimitedChatCompletionContext,
    UnboundedChatCompletionContext,
)
from autogen_core.models import AssistantMessage, SystemMessage, UserMessage
from soulkeeper_autogen import PersonaChatCompletionContext

TURNS = 60


def _inner(kind: str) -> ChatCompletionContext:
    if kind == "buffered":
        return BufferedChatCompletionContext(buffer_size=5)
    if kind == "token_limited":  # the replay client counts whitespace-separated words
        return TokenLimitedChatCompletionContext(RecordingReplayClient([]), token_limit=80)
    return HeadAndTailChatCompletionContext(head_size=2, tail_size=3)


@pytest.mark.parametrize("kind", ["buffered", "token_limited", "head_and_tail"])
async def test_sixty_turns_keep_the_persona_first_and_verbatim(kind: str) -> None:
    """Over 60 turns with a compacting inner context, 100 % of model calls start with the persona."""
    g = guard()
    client = RecordingReplayClient(mati_replies(TURNS))
    context = PersonaChatCompletionContext(g, _inner(kind))
    agent = make_agent("mati", client, context, wrap=False)  # the context alone pins the persona
    for i in range(TURNS):
        await chat(agent, f"Question {i}: what should be checked before the release?")
    calls = calls_of(client)
    assert len(calls) == TURNS
    assert_pinned(calls, g.packed().text)
    assert max(len(c) for c in calls[-10:]) <= 7, "the inner context did not compact at all"


async def test_the_same_setup_without_the_persona_context_loses_the_persona() -> None:
    """Control: a persona kept as the first history message of a Buffered(5) context is gone by turn 5."""
    g = guard()
    client = RecordingReplayClient(mati_replies(10))
    inner = BufferedChatCompletionContext(
        buffer_size=5, initial_messages=[SystemMessage(content=g.packed().text)]
    )
    agent = AssistantAgent("mati", model_client=client, model_context=inner, system_message=None)
    for i in range(10):
        await chat(agent, f"Question {i}")
    with pytest.raises(AssertionError):
        assert_pinned(calls_of(client), g.packed().text)


async def test_get_messages_merges_system_content_into_one_system_message() -> None:
    """The app's system text and stray system messages follow the persona in the one system message."""
    g = guard()
    context = PersonaChatCompletionContext(g, system="You can call the deploy tool.")
    await context.add_message(UserMessage(content="Hello", source="user"))
    await context.add_message(SystemMessage(content="Deploy window: Tuesdays."))
    await context.add_message(AssistantMessage(content="Hello, this is Mati.", source="mati"))
    await context.add_message(SystemMessage(content=g.packed().text))  # a stale persona copy
    messages = await context.get_messages()
    assert [type(m).__name__ for m in messages] == ["SystemMessage", "UserMessage", "AssistantMessage"]
    text = messages[0].content
    assert isinstance(text, str)
    assert text.startswith(g.packed().text)
    assert text.count(g.packed().text) == 1
    assert text.index("You can call the deploy tool.") < text.index("Deploy window: Tuesdays.")


async def test_clear_keeps_the_persona_and_inner_messages_keep_their_identity() -> None:
    """Messages come back as the inner context's own objects; clearing the history keeps the persona."""
    g = guard(HANEUL)
    inner = UnboundedChatCompletionContext()
    context = PersonaChatCompletionContext(g, inner)
    user = UserMessage(content="안녕", source="user")
    await context.add_message(user)
    messages = await context.get_messages()
    assert messages[1] is user
    await context.clear()
    assert await inner.get_messages() == []
    after = await context.get_messages()
    assert len(after) == 1
    assert isinstance(after[0], SystemMessage)
    assert after[0].content.startswith(g.packed().text)


async def test_default_thread_id_is_per_persona() -> None:
    """Without a thread id, contexts of different personas use different threads in a shared store."""
    mati = PersonaChatCompletionContext(MATI, store="memory://")
    haneul = PersonaChatCompletionContext(HANEUL, store="memory://")
    assert mati.thread_id == "autogen:mati"
    assert mati.thread_id != haneul.thread_id
    mati.guard.close()
    haneul.guard.close()
