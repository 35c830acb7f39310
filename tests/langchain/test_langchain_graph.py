"""LangGraph: a persona node keeps the persona through a REMOVE_ALL summary node, the observe node
records decisions, pre_model_hook serves create_react_agent, and the callback handler only watches."""

from __future__ import annotations

from typing import Any, NotRequired

import pytest

pytest.importorskip("langgraph")

from _langchain_support import CLEAN, DRIFTED, MATI, RecordingChatModel, assert_persona_first, system_text
from langchain.agents import create_agent
from langchain.agents.middleware import SummarizationMiddleware
from langchain_core.messages import HumanMessage, RemoveMessage, SystemMessage
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.graph import END, START, StateGraph
from langgraph.graph.message import REMOVE_ALL_MESSAGES
from soulkeeper.guard import text_of
from soulkeeper_langchain import (
    STATE_KEY,
    PersonaCallbackHandler,
    PersonaGraphState,
    SoulkeeperRecords,
    persona_node,
    pre_model_hook,
)

SUMMARY = "Summary of the conversation so far: questions about the deployment."


def _summarize(state: PersonaGraphState) -> dict[str, Any]:
    """Every 6 messages: REMOVE_ALL, then a summary and the last two messages."""
    messages = state["messages"]
    if len(messages) < 6:
        return {}
    return {"messages": [RemoveMessage(id=REMOVE_ALL_MESSAGES), HumanMessage(SUMMARY), *messages[-2:]]}


def _graph(model: RecordingChatModel, **options: Any):  # type: ignore[no-untyped-def]
    persona = persona_node(MATI, store="memory://", system="You can explain deployments.", **options)
    builder = StateGraph(PersonaGraphState)
    builder.add_node("summarize", _summarize)
    builder.add_node("model", persona.call_model(model))
    builder.add_node("check", persona.observe_node())
    builder.add_edge(START, "summarize")
    builder.add_edge("summarize", "model")
    builder.add_edge("model", "check")
    builder.add_edge("check", END)
    return persona, builder.compile(checkpointer=InMemorySaver())


def test_graph_with_a_remove_all_summary_node_keeps_the_persona() -> None:
    """Across 20 turns with REMOVE_ALL rewrites every few turns, every model call starts with the
    persona verbatim, the persona never enters ``messages``, and a drift re-anchors the next call."""
    script = [DRIFTED if n == 7 else CLEAN for n in range(20)]
    model = RecordingChatModel(script=script)
    persona, graph = _graph(model)
    config = {"configurable": {"thread_id": "g1"}}
    for n in range(20):
        graph.invoke({"messages": [HumanMessage(f"Question {n}?")]}, config)
    assert len(model.calls) == 20
    assert_persona_first(model.calls, persona.guard.packed().text)
    assert sum(SUMMARY in text_of(m.content) for call in model.calls for m in call) >= 5
    assert "<persona-reminder>" not in system_text(model.calls[7])
    assert "<persona-reminder>" in system_text(model.calls[8])
    values = graph.get_state(config).values
    assert not any(isinstance(m, SystemMessage) for m in values["messages"])
    assert values[STATE_KEY]["mati"]["turn"] == 20


async def test_async_graph_and_restart_keep_the_reanchor() -> None:
    """The async nodes record the decision; a new persona node (fresh guard store) on the same
    checkpointer re-anchors the next call from the recorded decision."""
    model = RecordingChatModel(script=[CLEAN, DRIFTED])
    _persona, graph = _graph(model)
    config = {"configurable": {"thread_id": "g2"}}
    for n in range(2):
        await graph.ainvoke({"messages": [HumanMessage(f"Question {n}?")]}, config)
    saver = graph.checkpointer
    second_model = RecordingChatModel()
    persona2 = persona_node(MATI, store="memory://", system="You can explain deployments.")
    builder = StateGraph(PersonaGraphState)
    builder.add_node("model", persona2.call_model(second_model))
    builder.add_node("check", persona2.observe_node())
    builder.add_edge(START, "model")
    builder.add_edge("model", "check")
    builder.add_edge("check", END)
    restarted = builder.compile(checkpointer=saver)
    await restarted.ainvoke({"messages": [HumanMessage("Question 2?")]}, config)
    assert "<persona-reminder>" in system_text(second_model.calls[0])


# create_react_agent is deprecated in LangGraph 1.x (moved to langchain.agents.create_agent); the
# pre_model_hook exists for users still on it, so this test must call it despite the warning.
@pytest.mark.filterwarnings("ignore:create_react_agent has been moved:DeprecationWarning")
def test_pre_model_hook_pins_the_persona_in_create_react_agent() -> None:
    """The hook puts the persona only into llm_input_messages: first and verbatim in every call, never
    in the agent's messages; the observe node as post_model_hook re-anchors after a drift."""
    from langgraph.prebuilt import create_react_agent
    from langgraph.prebuilt.chat_agent_executor import AgentState

    class ReactState(AgentState):  # type: ignore[misc]
        soulkeeper: NotRequired[SoulkeeperRecords]

    persona = persona_node(MATI, store="memory://", system="You can explain deployments.")
    model = RecordingChatModel(script=[CLEAN, DRIFTED, CLEAN])
    agent = create_react_agent(
        model,
        [],
        pre_model_hook=persona.pre_model_hook(),
        post_model_hook=persona.observe_node(),
        state_schema=ReactState,
        checkpointer=InMemorySaver(),
    )
    config = {"configurable": {"thread_id": "react"}}
    for n in range(3):
        result = agent.invoke({"messages": [HumanMessage(f"Question {n}?")]}, config)
    assert_persona_first(model.calls, persona.guard.packed().text)
    assert not any(isinstance(m, SystemMessage) for m in result["messages"])
    assert "<persona-reminder>" in system_text(model.calls[2])
    assert result[STATE_KEY]["mati"]["turn"] == 3

    bare = RecordingChatModel()
    hook = pre_model_hook(MATI, store="memory://")
    create_react_agent(bare, [], pre_model_hook=hook).invoke({"messages": [HumanMessage("Hi?")]})
    assert_persona_first(bare.calls, persona.guard.packed().text)


def test_callback_handler_watches_without_changing_and_skips_the_summarizer() -> None:
    """The handler observes every agent reply (drift counted), skips the summarizer's own calls, counts
    calls without the persona, and changes no model input."""
    monitor = PersonaCallbackHandler(MATI, store="memory://")
    model = RecordingChatModel(script=[CLEAN, DRIFTED, CLEAN, CLEAN, CLEAN, CLEAN])
    summarizer = RecordingChatModel(default=SUMMARY)
    agent = create_agent(
        model,
        [],
        system_prompt="Plain app prompt without persona.",
        middleware=[SummarizationMiddleware(summarizer, trigger=("messages", 6), keep=("messages", 2))],
        checkpointer=InMemorySaver(),
    )
    config = {"configurable": {"thread_id": "watch"}, "callbacks": [monitor]}
    for n in range(6):
        agent.invoke({"messages": [HumanMessage(f"Question {n}?")]}, config)
    metrics = monitor.metrics
    assert summarizer.calls
    assert metrics["internal_skipped"] == len(summarizer.calls)
    assert metrics["observed"] == 6
    assert metrics["persona_missing"] == 6
    assert metrics["actions"].get("ok", 0) + metrics["actions"].get("warn", 0) < 6
    assert monitor.events[1].thread_id == "watch"
    assert monitor.events[1].action in ("reinject", "restore")
    assert all(system_text(call) == "Plain app prompt without persona." for call in model.calls)


async def test_callback_handler_on_the_async_path() -> None:
    """With ainvoke the handler observes each reply under the run's thread id."""
    monitor = PersonaCallbackHandler(MATI, store="memory://")
    model = RecordingChatModel(script=[DRIFTED, CLEAN])
    agent = create_agent(model, [], checkpointer=InMemorySaver())
    config = {"configurable": {"thread_id": "watch-async"}, "callbacks": [monitor]}
    for n in range(2):
        await agent.ainvoke({"messages": [HumanMessage(f"Question {n}?")]}, config)
    assert monitor.metrics["observed"] == 2
    assert [d.thread_id for d in monitor.events] == ["watch-async", "watch-async"]
    assert monitor.events[0].action in ("reinject", "restore")
