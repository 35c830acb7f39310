"""PersonaModelClient(check="background"): the result returns before the check; readers wait for it."""

from __future__ import annotations

import threading
import time

import pytest

pytest.importorskip("autogen_agentchat")
pytest.importorskip("autogen_ext")

from _autogen_support import (
    MATI_DRIFTED,
    RecordingReplayClient,
    calls_of,
    chat,
    guard,
    make_agent,
    mati_replies,
    system_text,
)
from _slowcheck import SlowChecks
from autogen_core.model_context import BufferedChatCompletionContext
from autogen_core.models import ChatCompletionClient, UserMessage
from soulkeeper.guard import Decision
from soulkeeper_autogen import PersonaChatCompletionContext, PersonaModelClient

REMINDER = "<persona-reminder>"


def test_auto_is_background_unless_the_verdict_is_needed_first() -> None:
    """auto picks background for live streams; inline for buffered streams or a retry policy."""
    client = RecordingReplayClient(mati_replies(1))
    assert PersonaModelClient(client, guard()).check == "background"
    assert PersonaModelClient(client, guard(), stream="buffer").check == "inline"
    assert PersonaModelClient(client, guard(allow_retry=True)).check == "inline"
    with pytest.raises(ValueError, match="cannot serve"):
        PersonaModelClient(client, guard(), check="background", stream="buffer")
    with pytest.raises(ValueError, match="check must be"):
        PersonaModelClient(client, guard(), check="soon")  # type: ignore[arg-type]


async def test_the_result_returns_before_the_check_and_the_next_call_waits() -> None:
    """A 0.4 s check does not delay create(); last_decision and the next call wait for it."""
    g = guard()
    SlowChecks(g, 0.4)
    replies = [MATI_DRIFTED, *mati_replies(1)]
    client = RecordingReplayClient(replies)
    context = PersonaChatCompletionContext(g, BufferedChatCompletionContext(buffer_size=5))
    threads: list[str] = []
    wrapper = PersonaModelClient(
        client, context, on_decision=lambda d: threads.append(threading.current_thread().name)
    )
    agent = make_agent("mati", wrapper, context, wrap=False)
    started = time.monotonic()
    await chat(agent, "Question 0")
    assert time.monotonic() - started < 0.35
    decision = wrapper.last_decision
    assert decision is not None
    assert decision.action in ("reinject", "restore")
    await chat(agent, "Question 1")
    assert REMINDER in system_text(calls_of(client)[1])
    assert threads[0] == "soulkeeper-check-mati"


async def test_check_survives_the_component_config_round_trip() -> None:
    """dump_component/load_component keep the check option."""
    wrapper = PersonaModelClient(RecordingReplayClient(mati_replies(1)), guard(), check="inline")
    loaded = ChatCompletionClient.load_component(wrapper.dump_component())
    assert isinstance(loaded, PersonaModelClient)
    assert loaded.check == "inline"
    decisions: list[Decision] = []
    loaded.on_decision = decisions.append
    await loaded.create([UserMessage(content="Hi", source="user")])
    assert len(decisions) == 1  # inline: decided before create() returned
    await loaded.close()
