"""System message handling: one merged system message, content blocks kept, middleware ordering, names."""

from __future__ import annotations

import logging

import pytest

pytest.importorskip("langchain")

from _langchain_support import MATI, YUKI, RecordingChatModel, assert_persona_first, system_text
from langchain.agents import create_agent
from langchain.agents.middleware import ModelRequest, dynamic_prompt
from langchain_core.messages import HumanMessage, SystemMessage
from soulkeeper import PersonaGuard
from soulkeeper_langchain import PersonaMiddleware, PersonaReplacedError


@dynamic_prompt
def other_prompt(request: ModelRequest) -> str:
    """An app prompt computed per call (replaces the system message)."""
    return "Answer in at most three sentences."


def test_a_system_message_in_state_is_merged_into_one() -> None:
    """A state that already holds a SystemMessage gives one system message: persona, app prompt, then
    the state's system text; the state keeps its own message untouched."""
    middleware = PersonaMiddleware(MATI, store="memory://")
    model = RecordingChatModel()
    agent = create_agent(model, [], system_prompt="App prompt.", middleware=[middleware])
    result = agent.invoke({"messages": [SystemMessage("Legacy state instructions."), HumanMessage("Hello?")]})
    call = model.calls[0]
    assert_persona_first([call], middleware.guard.packed().text)
    assert [m.type for m in call] == ["system", "human"]
    text = system_text(call)
    assert text.index("App prompt.") < text.index("Legacy state instructions.")
    assert result["messages"][0].content == "Legacy state instructions."


def test_content_blocks_of_the_app_prompt_survive_the_merge() -> None:
    """An app system prompt made of blocks (a cache-control marker) keeps its blocks after the persona."""
    block = {"type": "text", "text": "App prompt with cache.", "cache_control": {"type": "ephemeral"}}
    middleware = PersonaMiddleware(MATI, store="memory://")
    model = RecordingChatModel()
    agent = create_agent(model, [], system_prompt=SystemMessage(content=[block]), middleware=[middleware])
    agent.invoke({"messages": [HumanMessage("Hello?")]})
    content = model.calls[0][0].content
    assert isinstance(content, list)
    assert content[0]["text"].startswith(middleware.guard.packed().text.strip())
    assert block in content


def test_persona_listed_after_dynamic_prompt_keeps_both() -> None:
    """With [dynamic_prompt, PersonaMiddleware] the model gets the persona first and the dynamic prompt
    merged after it, and nothing is reported."""
    middleware = PersonaMiddleware(MATI, store="memory://")
    model = RecordingChatModel()
    create_agent(model, [], middleware=[other_prompt, middleware]).invoke({"messages": [HumanMessage("Hi?")]})
    assert_persona_first(model.calls, middleware.guard.packed().text)
    assert system_text(model.calls[0]).endswith("Answer in at most three sentences.")
    assert middleware.replaced_calls == 0


def test_a_later_middleware_replacing_the_persona_is_reported(caplog: pytest.LogCaptureFixture) -> None:
    """With [PersonaMiddleware, dynamic_prompt] the persona is replaced: the middleware logs a clear
    warning (once) and counts it, or raises with on_replaced="raise"."""
    middleware = PersonaMiddleware(MATI, store="memory://")
    model = RecordingChatModel()
    agent = create_agent(model, [], middleware=[middleware, other_prompt])
    with caplog.at_level(logging.WARNING, logger="soulkeeper.langchain"):
        agent.invoke({"messages": [HumanMessage("Hi?")]})
        agent.invoke({"messages": [HumanMessage("Again?")]})
    assert middleware.replaced_calls == 2
    warnings = [r for r in caplog.records if "put PersonaMiddleware last" in r.getMessage()]
    assert len(warnings) == 1

    strict = PersonaMiddleware(MATI, store="memory://", on_replaced="raise")
    agent = create_agent(RecordingChatModel(), [], middleware=[strict, other_prompt])
    with pytest.raises(PersonaReplacedError, match="replaced the system message"):
        agent.invoke({"messages": [HumanMessage("Hi?")]})


def test_two_personas_coexist_with_unique_names() -> None:
    """Each persona gets its own middleware name; the same name twice is refused by create_agent."""
    mati = PersonaMiddleware(MATI, store="memory://")
    yuki = PersonaMiddleware(YUKI, store="memory://")
    assert mati.name != yuki.name
    create_agent(RecordingChatModel(), [], middleware=[mati, yuki])
    with pytest.raises(AssertionError, match="duplicate"):
        create_agent(RecordingChatModel(), [], middleware=[mati, PersonaMiddleware(MATI, store="memory://")])
    renamed = PersonaMiddleware(MATI, store="memory://", name="mati_reviewer")
    create_agent(RecordingChatModel(), [], middleware=[mati, renamed])


def test_a_ready_guard_is_shared_and_options_with_it_are_refused() -> None:
    """A PersonaGuard passes through as is; guard options next to it raise instead of being ignored."""
    guard = PersonaGuard(MATI, store="memory://")
    assert PersonaMiddleware(guard).guard is guard
    with pytest.raises(TypeError, match="context_window"):
        PersonaMiddleware(guard, context_window=100)
    with pytest.raises(ValueError, match="stream"):
        PersonaMiddleware(guard, stream="later")  # type: ignore[arg-type]


async def test_replacement_is_detected_on_the_async_path() -> None:
    """ainvoke runs the probe too: a replaced persona is counted, or raises with on_replaced="raise"."""
    middleware = PersonaMiddleware(MATI, store="memory://")
    agent = create_agent(RecordingChatModel(), [], middleware=[middleware, other_prompt])
    await agent.ainvoke({"messages": [HumanMessage("Hi?")]})
    assert middleware.replaced_calls == 1
    strict = PersonaMiddleware(MATI, store="memory://", on_replaced="raise")
    agent = create_agent(RecordingChatModel(), [], middleware=[strict, other_prompt])
    with pytest.raises(PersonaReplacedError):
        await agent.ainvoke({"messages": [HumanMessage("Hi?")]})
    fine = PersonaMiddleware(MATI, store="memory://", on_replaced="raise")
    await create_agent(RecordingChatModel(), [], middleware=[other_prompt, fine]).ainvoke(
        {"messages": [HumanMessage("Hi?")]}
    )
    assert fine.replaced_calls == 0
