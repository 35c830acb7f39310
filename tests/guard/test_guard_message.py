"""Message coercion: forgiving of every shape adapters and hostile callers hand in."""

from __future__ import annotations

from typing import Any

from soulkeeper.guard import Message, ToolCall, coerce_message, coerce_messages, text_of


def test_role_aliases_and_content_blocks() -> None:
    """Framework role names map to the four roles and content blocks flatten to text."""
    msg = coerce_message({"role": "human", "content": [{"type": "text", "text": "a"}, {"text": "b"}]})
    assert msg == Message(role="user", content="a\nb")
    assert coerce_message({"role": "ai", "content": "x"}).role == "assistant"  # type: ignore[union-attr]
    assert coerce_message({"role": "developer", "content": "x"}).role == "system"  # type: ignore[union-attr]
    assert coerce_message({"role": "weird", "content": "x"}).role == "user"  # type: ignore[union-attr]


def test_tool_calls_openai_shape() -> None:
    """OpenAI-style tool calls keep their id, name and JSON arguments."""
    msg = coerce_message(
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {"id": "c1", "type": "function", "function": {"name": "f", "arguments": {"a": 1}}}
            ],
        }
    )
    assert msg is not None
    assert msg.content == ""
    assert msg.tool_calls == (ToolCall(id="c1", name="f", arguments='{"a": 1}'),)
    assert msg.to_dict()["tool_calls"][0]["function"]["name"] == "f"


def test_hostile_values_never_raise() -> None:
    """None, numbers, bytes, NULs and objects with raising properties are dropped or cleaned."""

    class Evil:
        @property
        def role(self) -> str:
            raise RuntimeError("boom")

    values: list[Any] = [None, 3, b"\xff\xfebinary", {"role": "user", "content": "a\x00b"}, Evil(), object()]
    out = coerce_messages(values)
    assert [m.content for m in out] == ["\ufffd\ufffdbinary", "ab"]
    assert text_of(12) == "12"
    assert coerce_messages(None) == []
    assert coerce_messages(42) == []  # type: ignore[arg-type]


def test_huge_content_is_cut() -> None:
    """Content beyond the hard limit is cut with a marker, so nothing downstream goes quadratic."""
    huge = "x" * 3_000_000
    assert len(text_of(huge)) < 2_100_000
    assert text_of(huge).endswith("message too long]")


def test_framework_like_objects_give_their_content() -> None:
    """Objects with a .content attribute (framework messages) flatten to that content, not their repr."""

    class FrameworkMessage:
        def __init__(self, content: Any) -> None:
            self.content = content

    assert text_of(FrameworkMessage("hello")) == "hello"
    assert text_of([FrameworkMessage("a"), FrameworkMessage([{"type": "text", "text": "b"}])]) == "a\nb"
    loop: list[Any] = []
    loop.append(loop)
    assert coerce_message({"role": "user", "content": loop}) is None  # recursion is caught, not raised
