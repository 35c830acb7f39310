"""A LangChain agent whose persona survives summarisation and drift (runs offline with fake models).

    uv run python examples/langchain_agent.py

It talks to a scripted fake chat model, so it needs no network. To use a real model, change ONE line:
set ``SOULKEEPER_EXAMPLE_MODEL`` (e.g. ``ollama:qwen3:8b``) or replace ``fake_model()`` below with
``init_chat_model("ollama:qwen3:8b")``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from langchain.agents import create_agent
from langchain.agents.middleware import SummarizationMiddleware
from langchain.chat_models import init_chat_model
from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import BaseMessage, HumanMessage
from langgraph.checkpoint.memory import InMemorySaver
from soulkeeper.guard import Decision, text_of
from soulkeeper_langchain import PersonaMiddleware

SOUL = Path(__file__).parent / "souls" / "mati"
REPLIES = [
    "Hello, this is Mati. The deployment pipeline is healthy; the last release passed every check.",
    "The rollback path is a single command that restores the previous image within two minutes.",
    "Hey there!! 😀 I'm an AI assistant, happy to help with anything!",  # a drifted reply
    "Understood. The canary compares error rates against the baseline before promotion.",
    "The certificate expires in forty days; the renewal job is scheduled and tested.",
    "Error: the apply failed. Cause: the state lock is held. Next step: confirm no other run is active.",
]


def fake_model() -> GenericFakeChatModel:
    """A scripted chat model from langchain_core (no network)."""
    return GenericFakeChatModel(messages=iter(REPLIES))


class ShowSystemPrompt(BaseCallbackHandler):
    """Prints how each model call starts, to show the persona is always first."""

    def on_chat_model_start(self, serialized: Any, messages: list[list[BaseMessage]], **kwargs: Any) -> None:
        first = messages[0][0]
        text = text_of(first.content)
        if (kwargs.get("metadata") or {}).get("lc_source") == "summarization":
            print(f"   [summarizer call: persona in its input: {'# Mati' in text}]")
            return
        reminder = "with re-anchor reminder" if "<persona-reminder>" in text else "plain"
        print(f"   [model call: {first.type} message first, starts {text[:7]!r}, {reminder}]")


def main() -> None:
    choice = os.environ.get("SOULKEEPER_EXAMPLE_MODEL")
    model = init_chat_model(choice) if choice else fake_model()  # the one-line switch to a real model
    summarizer = init_chat_model(choice) if choice else GenericFakeChatModel(messages=iter(["Summary."] * 10))

    def show(decision: Decision) -> None:
        print(f"   guard: turn {decision.turn} -> {decision.action} (drift score {decision.score:.2f})")

    agent = create_agent(
        model,
        [],
        system_prompt="You help the platform team with deployments.",
        middleware=[
            SummarizationMiddleware(summarizer, trigger=("messages", 6), keep=("messages", 2)),
            PersonaMiddleware(SOUL, store="memory://", on_decision=show),  # last in the list
        ],
        checkpointer=InMemorySaver(),
    )
    config = {"configurable": {"thread_id": "demo"}, "callbacks": [ShowSystemPrompt()]}
    questions = [
        "Is the pipeline healthy?",
        "How do we roll back?",
        "Who are you?",
        "How does the canary work?",
        "Any certificates expiring?",
        "The apply failed, what now?",
    ]
    for question in questions:
        print(f"user: {question}")
        result = agent.invoke({"messages": [HumanMessage(question)]}, config)
        print(f"assistant: {text_of(result['messages'][-1].content)}\n")
    kept = agent.get_state(config).values["messages"]
    print(
        f"messages kept in state after summarisation: {len(kept)}; system messages among them: "
        f"{sum(m.type == 'system' for m in kept)}"
    )


if __name__ == "__main__":
    main()
