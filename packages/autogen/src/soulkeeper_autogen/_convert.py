"""Translation between AutoGen ``LLMMessage`` objects and ``soulkeeper.guard.Message``, and back.

The guard returns the conversation it was given (the very same ``Message`` objects, minus system
messages and stale reminders) behind one system message, so each returned ``Message`` maps back to the
AutoGen message it came from by object identity: sources, images, thoughts and function calls survive
untouched. The only new AutoGen messages are the one ``SystemMessage`` and, with
``Policy(placement="tail")``, a reminder ``UserMessage``.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from typing import Any

from autogen_core.models import (
    AssistantMessage,
    LLMMessage,
    SystemMessage,
    UserMessage,
)
from soulkeeper.guard import MARK, Message, ToolCall, text_of

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
    if cache is not None:
        return cache(messages)
    out: list[Message] = []
    origin: Origin = {}
    for message in messages:
        converted = _convert(message)
        out.append(converted)
        origin[id(converted)] = message
    return out, origin


def from_guard(
    prepared: Sequence[Message], origin: Mapping[int, LLMMessage], cache: Converter | None = None
) -> list[LLMMessage]:
    """Map the guard's output back: its system message first, then the original AutoGen messages."""
    out: list[LLMMessage] = []
    for message in prepared:
        original = origin.get(id(message))
        if original is not None:
            out.append(original)
        elif message.role == "system":
            out.append(
                cache.system(message.content) if cache is not None else SystemMessage(content=message.content)
            )
        else:  # a tail reminder the guard created
            out.append(UserMessage(content=message.content, source=MARK))
    return out


class Converter:
    """:func:`to_guard` with a bounded cache per message object, and the system messages per text.

    A model context hands the same (growing) conversation to every call; only the messages that are new
    are converted. A cached entry is used only while the message still holds the same content object
    (and thought/source); it holds the message, so its ``id()`` stays unique.
    """

    def __init__(self, *, size: int = 4096) -> None:
        self.size = size
        self._cache: OrderedDict[int, tuple[Any, ...]] = OrderedDict()
        self._systems: OrderedDict[str, SystemMessage] = OrderedDict()
        self._lock = threading.Lock()

    def __call__(self, messages: Sequence[LLMMessage]) -> tuple[list[Message], Origin]:
        out: list[Message] = []
        origin: Origin = {}
        get = self._cache.get
        fresh: list[tuple[Any, ...]] = []
        for message in messages:
            entry = get(id(message))
            fields = message.__dict__  # pydantic keeps fields here; getattr on a missing one would raise
            extra = (fields.get("source"), fields.get("thought"))
            if (
                entry is not None
                and entry[0] is message
                and entry[1] is message.content
                and entry[2] == extra
            ):
                converted: Message = entry[3]
            else:
                converted = _convert(message)
                fresh.append((message, message.content, extra, converted))
            out.append(converted)
            origin[id(converted)] = message
        with self._lock:  # least recently used first out
            cache = self._cache
            for message in messages:
                if id(message) in cache:
                    cache.move_to_end(id(message))
            for item in fresh:
                cache[id(item[0])] = item
            while len(cache) > self.size:
                cache.popitem(last=False)
        return out, origin

    def system(self, text: str) -> SystemMessage:
        """The ``SystemMessage`` for ``text`` (the same object while the text is the same)."""
        cached = self._systems.get(text)
        if cached is not None and cached.content == text:
            return cached
        made = SystemMessage(content=text)
        with self._lock:
            self._systems[text] = made
            while len(self._systems) > 16:
                self._systems.popitem(last=False)
        return made


def last_user_text(messages: Sequence[LLMMessage]) -> str | None:
    """The latest user message's text (not a reminder the guard placed), for ``observe``."""
    for message in reversed(messages):
        if isinstance(message, UserMessage) and message.source != MARK:
            return _text(message.content)
    return None
