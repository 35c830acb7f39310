"""Translation between LangChain messages and ``soulkeeper.guard.Message``, and back.

The guard returns the conversation it was given (the same ``Message`` objects, minus system messages and
stale reminders) behind one system message. So the adapter maps each returned ``Message`` back to the
LangChain message it came from by object identity: ids, content blocks, ``additional_kwargs`` and tool
calls survive untouched, and the only new LangChain messages are the system message and, with
``Policy(placement="tail")``, a reminder.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping, Sequence
from typing import Any

from langchain_core.messages import (
    AIMessage,
    BaseMessage,
    ChatMessage,
    HumanMessage,
    SystemMessage,
    ToolMessage,
)
from soulkeeper.guard import MARK, Message, Role, ToolCall, text_of
from soulkeeper.messages import MessageCache, from_guard, role_of, to_guard
from soulkeeper.messages import passes_through as _passes

__all__ = [
    "Converter",
    "from_langchain",
    "last_exchange",
    "last_user_text",
    "passes_through",
    "persona_system",
    "system_message",
    "thread_id_from_config",
    "to_langchain",
]

_NOT_LANGCHAIN = frozenset({"model", "bot"})
"""Roles :func:`soulkeeper.messages.role_of` reads as the assistant's that this adapter has always read as
the user's (in a free-form ``ChatMessage.role``); kept until that change is decided on its own."""


_role_of = functools.lru_cache(maxsize=256)(role_of)  # a handful of type names, converted per message


def _role(message: BaseMessage) -> Role:
    if isinstance(message, ChatMessage):
        kind = message.role.lower()
        if kind in _NOT_LANGCHAIN or kind != kind.strip():
            return "user"
        return _role_of(kind)
    return _role_of(message.type)


def _tool_calls(message: BaseMessage) -> tuple[ToolCall, ...]:
    if not isinstance(message, AIMessage) or not message.tool_calls:
        return ()
    return tuple(
        ToolCall(
            id=call.get("id") or f"call_{i}",
            name=call["name"],
            arguments=json.dumps(call.get("args", {}), ensure_ascii=False, default=str),
        )
        for i, call in enumerate(message.tool_calls)
    )


def _mark(message: BaseMessage) -> object:
    kwargs = message.additional_kwargs
    return kwargs.get(MARK) if isinstance(kwargs, (dict, Mapping)) else None


def _convert(message: BaseMessage) -> Message:
    meta = _mark(message)
    return Message(
        role=_role(message),
        content=text_of(message.content),
        name=message.name,
        tool_calls=_tool_calls(message),
        tool_call_id=message.tool_call_id if isinstance(message, ToolMessage) else None,
        id=message.id,
        metadata={MARK: meta} if isinstance(meta, str) else {},
    )


_PASSING_TYPES = frozenset({"ai", "tool"})


def passes_through(messages: Sequence[BaseMessage]) -> bool:
    """Whether the guard would hand every message on untouched (so only the system message is new).

    Human, AI and tool messages without a soulkeeper mark, and no human message that is a bare reminder;
    anything else (system and free-form ``ChatMessage`` roles included) takes the full conversion. Runs
    on every model call: a dict lookup, a type test and (for human text) a character scan per message.
    """
    for message in messages:
        if MARK in message.additional_kwargs:
            return False
        kind = message.type
        if kind in _PASSING_TYPES:
            continue
        if kind != "human":
            return False
        content = message.content
        if content.__class__ is str and "<" not in content:  # no reminder block can be in it
            continue
        if not _passes("user", text_of(content)):
            return False
    return True


def _fingerprint(message: BaseMessage) -> tuple[object, ...]:
    """What :func:`_convert` reads that a caller may change in place (LangChain messages are mutable)."""
    fields = message.__dict__  # pydantic keeps fields here; read directly, this runs per message per call
    kwargs = fields["additional_kwargs"]
    return (
        fields["content"],
        fields.get("tool_calls"),  # AIMessage only
        fields["id"],
        fields["name"],
        kwargs,
        kwargs.get(MARK),
    )


class Converter(MessageCache[BaseMessage]):
    """:func:`from_langchain` with a bounded cache per message object.

    An agent sends the same (growing) conversation on every model call; converting only the messages
    that are new makes the adapter's cost per call a linear pass of identity checks. A cached entry is
    used only while the message still has the same content and tool calls, id, name, ``additional_kwargs``
    and soulkeeper mark (LangChain messages are mutable).
    """

    def __init__(self, *, size: int = 4096) -> None:
        super().__init__(_convert, _fingerprint, size=size)


def from_langchain(messages: Sequence[BaseMessage]) -> tuple[list[Message], dict[int, BaseMessage]]:
    """The guard's view of ``messages`` and a map from each ``Message`` (by ``id()``) to its original."""
    return to_guard(messages, _convert)


def persona_system(text: str) -> SystemMessage:
    """The plain-text system message the adapter places (marked as soulkeeper's)."""
    return SystemMessage(content=text, additional_kwargs={MARK: "persona"})


def system_message(prepared: Message, sources: Sequence[SystemMessage | None]) -> SystemMessage:
    """The LangChain system message for the guard's merged system text.

    System messages whose content is a list of blocks (cache-control markers, provider extras) keep their
    blocks: where the guard's text holds a source's text verbatim, the source's blocks are spliced in.
    """
    text = prepared.content
    block_sources = [s for s in sources if s is not None and isinstance(s.content, list) and s.content]
    if not block_sources:
        return persona_system(text)
    content: list[str | dict[str, Any]] = []
    rest = text
    for source in block_sources:
        needle = text_of(source.content).strip()
        at = rest.find(needle) if needle else -1
        if at < 0:
            continue
        head = rest[:at].rstrip("\n")
        if head:
            content.append({"type": "text", "text": head})
        content.extend(source.content)
        rest = rest[at + len(needle) :].lstrip("\n")
    if rest:
        content.append({"type": "text", "text": rest})
    return SystemMessage(content=content, additional_kwargs={MARK: "persona"})


def to_langchain(prepared: Sequence[Message], origin: Mapping[int, BaseMessage]) -> list[BaseMessage]:
    """Map the guard's conversation (everything after its system message) back to LangChain messages."""
    return from_guard(prepared, origin, _made)


def _made(message: Message) -> BaseMessage:
    """A LangChain message for one the guard created."""
    if message.role == "user":  # a tail reminder
        return HumanMessage(content=message.content, name=message.name, additional_kwargs={MARK: "reminder"})
    if message.role == "assistant":
        return AIMessage(content=message.content)
    return HumanMessage(content=message.content)


def last_user_text(messages: Sequence[BaseMessage]) -> str | None:
    """The text of the latest human message (not a reminder the guard placed), for ``observe``."""
    for message in reversed(messages):
        if message.type == "human" and message.additional_kwargs.get(MARK) != "reminder":
            return text_of(message.content)
    return None


def last_exchange(messages: Sequence[BaseMessage]) -> tuple[str | None, str | None]:
    """The text of the latest AI reply that has text, and of the human message before it."""
    for at in range(len(messages) - 1, -1, -1):
        message = messages[at]
        if message.type == "ai":
            text = text_of(message.content)
            if text.strip():
                return text, last_user_text(messages[:at])
    return None, None


def thread_id_from_config(config: Mapping[str, Any] | None, default: str) -> str:
    """``configurable.thread_id`` of a runnable config, else ``default``."""
    if config:
        configurable = config.get("configurable")
        if isinstance(configurable, Mapping):
            value = configurable.get("thread_id")
            if value is not None and str(value):
                return str(value)
    return default
