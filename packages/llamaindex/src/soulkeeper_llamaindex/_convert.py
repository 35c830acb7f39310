"""Map LlamaIndex ``ChatMessage`` lists to :class:`soulkeeper.Message` and back.

The guard's output keeps the history's own ``Message`` objects, so every history message maps back to the
very ``ChatMessage`` it came from (blocks, tool calls and ``additional_kwargs`` untouched); only the
messages the guard created (the one system message, a tail reminder) become new ``ChatMessage`` objects.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from llama_index.core.base.llms.types import ChatMessage, MessageRole, ToolCallBlock
from soulkeeper.guard import Message, coerce_message
from soulkeeper.messages import from_guard as restore
from soulkeeper.messages import to_guard as convert_all

__all__ = ["from_guard", "last_user_text", "session_of", "to_guard"]


def _tool_calls(message: ChatMessage) -> list[dict[str, Any]]:
    calls: list[dict[str, Any]] = []
    for i, block in enumerate(message.blocks):
        if isinstance(block, ToolCallBlock):
            args = block.tool_kwargs
            calls.append(
                {
                    "id": block.tool_call_id or f"call_{i}",
                    "name": block.tool_name,
                    "arguments": args if isinstance(args, str) else json.dumps(args, default=str),
                }
            )
    extra = message.additional_kwargs.get("tool_calls")
    if isinstance(extra, list):
        calls.extend(c for c in extra if isinstance(c, dict))
    return calls


def _to_message(message: ChatMessage) -> Message | None:
    role = message.role.value if isinstance(message.role, MessageRole) else str(message.role)
    return coerce_message(
        {
            "role": role,
            "content": message.content or "",
            "tool_calls": _tool_calls(message) if role == "assistant" else None,
            "tool_call_id": message.additional_kwargs.get("tool_call_id"),
        }
    )


def to_guard(messages: Sequence[ChatMessage]) -> tuple[list[Message], dict[int, ChatMessage]]:
    """The guard's view of ``messages`` and the way back: ``id(Message) -> ChatMessage``."""
    return convert_all(messages, _to_message)


def from_guard(
    prepared: Sequence[Message],
    origin: dict[int, ChatMessage],
    *,
    system_role: MessageRole = MessageRole.SYSTEM,
) -> list[ChatMessage]:
    """LlamaIndex messages for the guard's output: originals where they came from the history."""

    def make(message: Message) -> ChatMessage:
        role = system_role if message.role == "system" else MessageRole(message.role)
        return ChatMessage(role=role, content=message.content)

    return restore(prepared, origin, make)


def last_user_text(messages: Sequence[ChatMessage]) -> str | None:
    """The text of the latest user message (what the reply answers), if any."""
    for message in reversed(messages):
        if message.role == MessageRole.USER:
            return message.content or None
    return None


def session_of(memory: object) -> str | None:
    """The conversation id a LlamaIndex memory carries (``PersonaMemory.thread_id``, ``Memory.session_id``)."""
    for attr in ("thread_id", "session_id"):
        value = getattr(memory, attr, None)
        if isinstance(value, str) and value:
            return value
    return None
