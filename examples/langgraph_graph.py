"""A LangGraph StateGraph that rewrites its history (REMOVE_ALL + summary) and keeps the persona.

    uv run python examples/langgraph_graph.py

Offline with a scripted fake chat model. For a real model change ONE line: set
``SOULKEEPER_EXAMPLE_MODEL`` (e.g. ``ollama:qwen3:8b``) or replace ``fake_model()`` with
``init_chat_model("ollama:qwen3:8b")``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from langchain.chat_models import init_chat_model
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import HumanMessage, RemoveMessage
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.graph import END, START, StateGraph
from langgraph.graph.message import REMOVE_ALL_MESSAGES
from langgraph.store.memory import InMemoryStore
from soulkeeper import PersonaGuard
from soulkeeper.guard import text_of
from soulkeeper_langchain import STATE_KEY, LangGraphStore, PersonaGraphState, persona_node

SOUL = Path(__file__).parent / "souls" / "mati"
REPLIES = [
    "Hello, this is Mati. The cluster currently reports three healthy nodes and no pending workloads.",
    "Hey!! 🚀 I'm just a generic AI assistant, but sure!",  # a drifted reply
    "Understood. Node pressure is within the documented limits.",
    "The pod disruption budget keeps one replica available during the restart.",
    "The alert fires when the budget burn rate exceeds two for one hour; it pages the on-call engineer.",
]


def fake_model() -> GenericFakeChatModel:
    """A scripted chat model from langchain_core (no network)."""
    return GenericFakeChatModel(messages=iter(REPLIES))


def summarize(state: PersonaGraphState) -> dict[str, Any]:
    """Rewrite the whole history every 4 messages: a summary plus the latest exchange."""
    messages = state["messages"]
    if len(messages) < 4:
        return {}
    summary = HumanMessage(f"Summary of the first {len(messages) - 2} messages: cluster questions.")
    return {"messages": [RemoveMessage(id=REMOVE_ALL_MESSAGES), summary, *messages[-2:]]}


def main() -> None:
    choice = os.environ.get("SOULKEEPER_EXAMPLE_MODEL")
    model = init_chat_model(choice) if choice else fake_model()  # the one-line switch to a real model

    # Persona state lives in the same LangGraph store the app uses for everything else.
    store = InMemoryStore()
    guard = PersonaGuard(SOUL, store=LangGraphStore(store))
    persona = persona_node(guard, system="You help the platform team with Kubernetes.")

    builder = StateGraph(PersonaGraphState)
    builder.add_node("summarize", summarize)
    builder.add_node("model", persona.call_model(model))  # the persona goes into the model input only
    builder.add_node("check", persona.observe_node())  # guard.observe -> decision recorded in state
    builder.add_edge(START, "summarize")
    builder.add_edge("summarize", "model")
    builder.add_edge("model", "check")
    builder.add_edge("check", END)
    graph = builder.compile(checkpointer=InMemorySaver(), store=store)

    config = {"configurable": {"thread_id": "cluster"}}
    for question in [
        "Cluster status?",
        "Who are you?",
        "Any node pressure?",
        "Safe to restart?",
        "Alerting?",
    ]:
        prepared = persona.prepare(graph.get_state(config).values, config)
        reanchor = "<persona-reminder>" in text_of(prepared[0].content)
        result = graph.invoke({"messages": [HumanMessage(question)]}, config)
        record = result[STATE_KEY]["mati"]
        print(f"user: {question}\nassistant: {text_of(result['messages'][-1].content)}")
        print(
            f"   re-anchored: {reanchor}; decision: {record['action']}; messages in state: "
            f"{len(result['messages'])}; persona in state: "
            f"{any('# Mati' in text_of(m.content) for m in result['messages'])}\n"
        )
    print(f"checkpoints in the LangGraph store: {len(guard.store.list('cluster'))}")


if __name__ == "__main__":
    main()
