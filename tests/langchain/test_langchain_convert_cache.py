"""The adapter's per-message conversion cache: unchanged messages are reused, changed ones converted again."""

from __future__ import annotations

import pytest

pytest.importorskip("langchain_core")

from langchain_core.messages import AIMessage, HumanMessage
from soulkeeper.guard import MARK
from soulkeeper_langchain._convert import Converter, from_langchain


def test_unchanged_messages_are_converted_once() -> None:
    """The same message objects, unchanged, give the very same guard messages on the next call."""
    convert = Converter()
    history = [HumanMessage(content="Status of the rollout?"), AIMessage(content="It is complete.")]
    first, _ = convert(history)
    latest = HumanMessage(content="Thank you.")
    second, origin = convert([*history, latest])
    assert second[0] is first[0]
    assert second[1] is first[1]
    assert [origin[id(m)] for m in second] == [*history, latest]
    assert second == from_langchain([*history, latest])[0]


def test_changed_messages_are_converted_again() -> None:
    """A message whose content, id, tool calls or soulkeeper mark changed in place is converted afresh."""
    convert = Converter()
    human = HumanMessage(content="first")
    ai = AIMessage(content="answer")
    convert([human, ai])
    human.content = "second"
    ai.tool_calls = [{"name": "deploy", "args": {"env": "prod"}, "id": "call_1", "type": "tool_call"}]
    human.additional_kwargs[MARK] = "reminder"
    ai.id = "ai-1"
    again, _ = convert([human, ai])
    assert again == from_langchain([human, ai])[0]
    assert again[0].content == "second"
    assert again[0].metadata == {MARK: "reminder"}
    assert again[1].tool_calls[0].name == "deploy"
    assert again[1].id == "ai-1"


def test_cache_is_bounded() -> None:
    """The cache keeps at most ``size`` messages, the least recently used leaving first."""
    convert = Converter(size=3)
    kept = HumanMessage(content="kept")
    for i in range(10):
        convert([kept, HumanMessage(content=str(i))])
    assert len(convert._cache) == 3
    assert id(kept) in convert._cache
