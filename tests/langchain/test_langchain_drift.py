"""A drifted reply re-anchors the next call, also after a restart with a checkpointer, or is retried."""

from __future__ import annotations

import pytest

pytest.importorskip("langchain")

from _langchain_support import CLEAN, DRIFTED, MATI, RecordingChatModel, assert_persona_first, system_text
from langchain.agents import create_agent
from langchain_core.messages import AIMessage, HumanMessage
from langgraph.checkpoint.memory import InMemorySaver
from soulkeeper import Policy
from soulkeeper.guard import Decision, text_of
from soulkeeper_langchain import STATE_KEY, PersonaMiddleware

REMINDER = "<persona-reminder>"
K = 4


def _script(k: int = K, turns: int = 8) -> list[str]:
    return [DRIFTED if n == k else CLEAN for n in range(turns)]


def _agent(middleware: PersonaMiddleware, model: RecordingChatModel, saver: InMemorySaver):  # type: ignore[no-untyped-def]
    return create_agent(model, [], system_prompt="App prompt.", middleware=[middleware], checkpointer=saver)


def _ask(agent, n: int, thread: str = "t1") -> None:  # type: ignore[no-untyped-def]
    agent.invoke({"messages": [HumanMessage(f"Question {n}?")]}, {"configurable": {"thread_id": thread}})


@pytest.mark.parametrize("check", ["background", "inline"])
def test_drift_at_turn_k_reanchors_the_next_call(check: str) -> None:
    """Calls up to turn k carry no reminder; the call after the drifted reply carries the full persona
    first plus the reminder, and the decision sits in the private state key (a background check's with
    the next call)."""
    decisions: list[Decision] = []
    middleware = PersonaMiddleware(MATI, store="memory://", on_decision=decisions.append, check=check)
    model = RecordingChatModel(script=_script())
    agent = _agent(middleware, model, InMemorySaver())
    for n in range(K + 2):
        _ask(agent, n)
    persona = middleware.guard.packed().text
    assert_persona_first(model.calls, persona)
    assert not any(REMINDER in system_text(call) for call in model.calls[: K + 1])
    assert REMINDER in system_text(model.calls[K + 1])
    assert decisions[K].action in ("reinject", "restore")
    record = agent.get_state({"configurable": {"thread_id": "t1"}}).values[STATE_KEY]["soulkeeper_mati"]
    assert record["turn"] == (K + 1 if check == "background" else K + 2)


def test_the_reanchor_survives_a_restart_with_a_shared_checkpointer() -> None:
    """A new process (new middleware, new memory:// guard store) resumes the thread from the
    checkpointer and still re-anchors the call after the drift."""
    saver = InMemorySaver()
    first_model = RecordingChatModel(script=_script())
    first = _agent(PersonaMiddleware(MATI, store="memory://"), first_model, saver)
    for n in range(K + 1):
        _ask(first, n)
    assert first_model.calls[-1][-1].content == "Question 4?"

    restarted = PersonaMiddleware(MATI, store="memory://")
    assert restarted.guard.state("t1") is None  # nothing survived in the guard's own store
    second_model = RecordingChatModel()
    second = _agent(restarted, second_model, saver)
    _ask(second, K + 1)
    assert REMINDER in system_text(second_model.calls[0])
    assert system_text(second_model.calls[0]).startswith(restarted.guard.packed().text)
    assert any(isinstance(m, AIMessage) and m.content == DRIFTED for m in second_model.calls[0])


@pytest.mark.parametrize("check", ["background", "inline"])
async def test_async_drift_and_restart(check: str) -> None:
    """The async path records the decision and a restarted async agent re-anchors from the checkpointer."""
    saver = InMemorySaver()
    config = {"configurable": {"thread_id": "a1"}}
    first = _agent(
        PersonaMiddleware(MATI, store="memory://", check=check),
        RecordingChatModel(script=[CLEAN, DRIFTED]),
        saver,
    )
    for n in range(2):
        await first.ainvoke({"messages": [HumanMessage(f"Question {n}?")]}, config)
    second_model = RecordingChatModel()
    second = _agent(PersonaMiddleware(MATI, store="memory://", check=check), second_model, saver)
    await second.ainvoke({"messages": [HumanMessage("Question 2?")]}, config)
    assert REMINDER in system_text(second_model.calls[0])
    state = await second.aget_state(config)
    # Background: the restarted process re-checked reply 2 (its record never reached the state) and
    # recorded that; reply 3's record comes with the next call.
    assert state.values[STATE_KEY]["soulkeeper_mati"]["turn"] == (2 if check == "background" else 3)


@pytest.mark.parametrize("use_async", [False, True])
async def test_retry_replaces_a_drifted_reply_within_the_turn(use_async: bool) -> None:
    """With Policy(allow_retry=True) the drifted reply is retried at once with the re-anchor; only the
    retried reply enters the conversation."""
    middleware = PersonaMiddleware(MATI, store="memory://", policy=Policy(allow_retry=True))
    model = RecordingChatModel(script=[CLEAN, DRIFTED, CLEAN])
    agent = _agent(middleware, model, InMemorySaver())
    config = {"configurable": {"thread_id": "r1"}}
    for n in range(2):
        inputs = {"messages": [HumanMessage(f"Question {n}?")]}
        if use_async:
            await agent.ainvoke(inputs, config)
        else:
            agent.invoke(inputs, config)
    assert len(model.calls) == 3
    assert REMINDER in system_text(model.calls[2])
    assert_persona_first(model.calls, middleware.guard.packed().text)
    texts = [text_of(m.content) for m in agent.get_state(config).values["messages"]]
    assert DRIFTED not in texts
    assert texts[-1] == CLEAN


def test_threads_are_reanchored_independently() -> None:
    """A drift in one thread (configurable.thread_id) does not re-anchor another thread."""
    middleware = PersonaMiddleware(MATI, store="memory://")
    model = RecordingChatModel(script=[DRIFTED, CLEAN, CLEAN])
    agent = _agent(middleware, model, InMemorySaver())
    _ask(agent, 0, thread="left")
    _ask(agent, 0, thread="right")
    _ask(agent, 1, thread="left")
    assert REMINDER not in system_text(model.calls[1])
    assert REMINDER in system_text(model.calls[2])
