"""Translation between AutoGen ``LLMMessage`` objects and ``soulkeeper.guard.Message``, and back.

The guard returns the conversation it was given (the very same ``Message`` objects, minus system
messages and stale reminders) behind one system message, so each returned ``Message`` maps back to the
AutoGen message it came from by object identity: sources, images, thoughts and function calls survive
untouched. The only new AutoGen messages are the one ``SystemMessage`` and, with
``Policy(placement="tail")``, a reminder ``UserMessage``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from autogen_core.models import (
    AssistantMessage,
    LLMMessage,
    SystemMessage,
    UserMessage,
)
from soulkeeper.guard import MARK, Message, ToolCall, text_of
from soulkeeper.messages import MessageCache, TextCache
from soulkeeper.messages import from_guard as restore
from soulkeeper.messages import to_guard as convert_all

__all__ = ["Converter", "from_guard", "last_user_text", "to_guard"]

Origin = dict[int, LLMMessage]


def _text(content: object) -> str:
    """The text parts of a message's content (images and function calls carry no persona text)."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "\n".join(part for part in content if isinstance(part, str))
    return text_of(content)


def _convert(message: LLMMessage) -> Message:
    if isinstance(message, SystemMessage):
        return Message(role="system", content=message.content)
    if isinstance(message, UserMessage):
        return Message(role="user", content=_text(message.content), name=message.source or None)
    if isinstance(message, AssistantMessage):
        if isinstance(message.content, str):
            return Message(role="assistant", content=message.content, name=message.source or None)
        calls = tuple(ToolCall(id=c.id, name=c.name, arguments=c.arguments) for c in message.content)
        return Message(role="assistant", content=message.thought or "", tool_calls=calls)
    results = message.content
    return Message(
        role="tool",
        content="\n".join(r.content for r in results),
        tool_call_id=results[0].call_id if results else None,
    )


def to_guard(messages: Sequence[LLMMessage], cache: Converter | None = None) -> tuple[list[Message], Origin]:
    """The guard's view of ``messages`` and a map from each ``Message`` (by ``id()``) to its original.

    With a :class:`Converter`, messages seen before (the same objects, unchanged) are not converted again.
    """
    return cache(messages) if cache is not None else convert_all(messages, _convert)


def from_guard(
    prepared: Sequence[Message], origin: Mapping[int, LLMMessage], cache: Converter | None = None
) -> list[LLMMessage]:
    """Map the guard's output back: its system message first, then the original AutoGen messages."""
    system = cache.system if cache is not None else _system

    def make(message: Message) -> LLMMessage:
        if message.role == "system":
            return system(message.content)
        return UserMessage(content=message.content, source=MARK)  # a tail reminder the guard created

    return restore(prepared, origin, make)


def _system(text: str) -> SystemMessage:
    return SystemMessage(content=text)


def _fingerprint(message: LLMMessage) -> tuple[object, ...]:
    fields = message.__dict__  # pydantic keeps fields here; getattr on a missing one would raise
    return (message.content, fields.get("source"), fields.get("thought"))


class Converter(MessageCache[LLMMessage]):
    """:func:`to_guard` with a bounded cache per message object, and the system messages per text.

    A model context hands the same (growing) conversation to every call; only the messages that are new
    are converted. A cached entry is used only while the message still holds the same content (and
    thought/source).
    """

    def __init__(self, *, size: int = 4096) -> None:
        super().__init__(_convert, _fingerprint, size=size)
        self.system = TextCache(_system, lambda message, text: message.content == text)
        """The ``SystemMessage`` for a text (the same object while the text is the same)."""


def last_user_text(messages: Sequence[LLMMessage]) -> str | None:
    """The latest user message's text (not a reminder the guard placed), for ``observe``."""
    for message in reversed(messages):
        if isinstance(message, UserMessage) and message.source != MARK:
            return _text(message.content)
    return None
