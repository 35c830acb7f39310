"""Tool-calling loops: every model call carries the persona first and tool exchanges are never split."""

from __future__ import annotations

import pytest

pytest.importorskip("langchain")

from _langchain_support import (
    CLEAN,
    DRIFTED,
    MATI,
    RecordingChatModel,
    assert_persona_first,
    assert_tool_pairs_intact,
)
from langchain.agents import create_agent
from langchain_core.messages import AIMessage, HumanMessage, ToolMessage
from langchain_core.tools import tool
from langgraph.checkpoint.memory import InMemorySaver
from soulkeeper import Policy
from soulkeeper.guard import text_of
from soulkeeper_langchain import PersonaMiddleware


@tool
def service_status(service: str) -> str:
    """The status of a service."""
    return f"{service}: healthy, 3 of 3 replicas ready"


def _tool_call(n: int, services: tuple[str, ...] = ("api",)) -> AIMessage:
    return AIMessage(
        content="",
        tool_calls=[
            {"name": "service_status", "args": {"service": s}, "id": f"call_{n}_{i}"}
            for i, s in enumerate(services)
        ],
    )


@pytest.mark.parametrize("placement", ["system", "tail"])
def test_tool_loops_keep_the_persona_and_the_tool_pairs(placement: str) -> None:
    """Across turns with one and two parallel tool calls, and a drift that puts a reminder in play,
    every call has the persona first and every AI tool call is followed directly by its results."""
    middleware = PersonaMiddleware(MATI, store="memory://", policy=Policy(placement=placement))  # type: ignore[arg-type]
    script: list[object] = [
        _tool_call(1),
        CLEAN,
        _tool_call(2, ("api", "db")),
        DRIFTED,
        _tool_call(3),
        _tool_call(4, ("db",)),
        CLEAN,
    ]
    model = RecordingChatModel(script=script)
    agent = create_agent(model, [service_status], middleware=[middleware], checkpointer=InMemorySaver())
    config = {"configurable": {"thread_id": "tools"}}
    for question in ("Status of the api?", "And api plus db?", "Check api then db."):
        agent.invoke({"messages": [HumanMessage(question)]}, config)

    assert len(model.calls) == 7
    assert_persona_first(model.calls, middleware.guard.packed().text)
    for call in model.calls:
        assert_tool_pairs_intact(call)
    reminded = [call for call in model.calls if any("<persona-reminder>" in text_of(m.content) for m in call)]
    assert len(reminded) == 3  # the calls after the drift, through the tool loop of the last turn
    state = agent.get_state(config).values["messages"]
    assert sum(isinstance(m, ToolMessage) for m in state) == 5
    assert all("<persona-reminder>" not in text_of(m.content) for m in state)


async def test_async_tool_loop_keeps_the_persona() -> None:
    """The async tool loop pins the persona in every call as well."""
    middleware = PersonaMiddleware(MATI, store="memory://")
    model = RecordingChatModel(script=[_tool_call(1), CLEAN])
    agent = create_agent(model, [service_status], middleware=[middleware])
    await agent.ainvoke({"messages": [HumanMessage("Status of the api?")]})
    assert len(model.calls) == 2
    assert_persona_first(model.calls, middleware.guard.packed().text)
    assert_tool_pairs_intact(model.calls[1])
