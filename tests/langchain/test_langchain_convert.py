"""Translation between LangChain messages and the guard's messages keeps every original message."""

from __future__ import annotations

import pytest

pytest.importorskip("langchain_core")

from langchain_core.messages import AIMessage, ChatMessage, HumanMessage, SystemMessage, ToolMessage
from soulkeeper_langchain._convert import from_langchain, thread_id_from_config, to_langchain


def test_roles_ids_and_tool_calls_are_translated() -> None:
    """Human, AI (with tool calls), tool, system and generic chat messages get the guard's roles."""
    messages = [
        SystemMessage("sys"),
        HumanMessage("hi", id="h1"),
        AIMessage("", tool_calls=[{"name": "status", "args": {"service": "api"}, "id": "c1"}]),
        ToolMessage("ok", tool_call_id="c1"),
        ChatMessage(role="assistant", content="generic"),
    ]
    converted, origin = from_langchain(messages)
    assert [m.role for m in converted] == ["system", "user", "assistant", "tool", "assistant"]
    assert converted[1].id == "h1"
    assert converted[2].tool_calls[0].name == "status"
    assert converted[3].tool_call_id == "c1"
    assert to_langchain(converted, origin) == messages
    assert all(a is b for a, b in zip(to_langchain(converted, origin), messages, strict=True))


def test_thread_id_comes_from_the_configurable_section() -> None:
    """configurable.thread_id wins; without it the default is used."""
    assert thread_id_from_config({"configurable": {"thread_id": 42}}, "d") == "42"
    assert thread_id_from_config({"configurable": {}}, "d") == "d"
    assert thread_id_from_config(None, "d") == "d"
