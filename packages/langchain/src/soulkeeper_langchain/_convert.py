"""Translation between LangChain messages and ``soulkeeper.guard.Message``, and back.

The guard returns the conversation it was given (the same ``Message`` objects, minus system messages and
stale reminders) behind one system message. So the adapter maps each returned ``Message`` back to the
LangChain message it came from by object identity: ids, content blocks, ``additional_kwargs`` and tool
calls survive untouched, and the only new LangChain messages are the system message and, with
``Policy(placement="tail")``, a reminder.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
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
from soulkeeper.guard import MARK, Message, ToolCall, text_of

__all__ = [
    "Converter",
    "from_langchain",
    "last_user_text",
    "system_message",
    "thread_id_from_config",
    "to_langchain",
]

_ROLES = {
    "human": "user",
    "user": "user",
    "ai": "assistant",
    "assistant": "assistant",
    "system": "system",
    "developer": "system",
    "tool": "tool",
    "function": "tool",
}


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


def _convert(message: BaseMessage) -> Message:
    kind = message.role if isinstance(message, ChatMessage) else message.type
    role = _ROLES.get(str(kind).lower(), "user")
    meta = message.additional_kwargs.get(MARK) if isinstance(message.additional_kwargs, Mapping) else None
    return Message(
        role=role,  # type: ignore[arg-type]  # _ROLES maps onto the guard's four roles
        content=text_of(message.content),
        name=message.name,
        tool_calls=_tool_calls(message),
        tool_call_id=message.tool_call_id if isinstance(message, ToolMessage) else None,
        id=message.id,
        metadata={MARK: meta} if isinstance(meta, str) else {},
    )


class Converter:
    """:func:`from_langchain` with a bounded cache per message object.

    An agent sends the same (growing) conversation on every model call; converting only the messages
    that are new makes the adapter's cost per call a linear pass of identity checks. A cached entry is
    used only while the message still has the same content and tool-call objects, id, name and
    soulkeeper mark (LangChain messages are mutable); it holds the message, so its ``id()`` stays unique.
    """

    def __init__(self, *, size: int = 4096) -> None:
        self.size = size
        self._cache: OrderedDict[int, tuple[Any, ...]] = OrderedDict()
        self._lock = threading.Lock()

    def __call__(self, messages: Sequence[BaseMessage]) -> tuple[list[Message], dict[int, BaseMessage]]:
        """The guard's view of ``messages`` and a map from each ``Message`` (by ``id()``) to its original."""
        out: list[Message] = []
        origin: dict[int, BaseMessage] = {}
        get = self._cache.get
        fresh: list[tuple[Any, ...]] = []
        for message in messages:
            entry = get(id(message))
            kwargs = message.additional_kwargs
            calls = message.tool_calls if isinstance(message, AIMessage) else None
            if (
                entry is not None
                and entry[0] is message
                and entry[1] is message.content
                and entry[2] is calls
                and entry[3] == message.id
                and entry[4] == message.name
                and entry[5] is kwargs
                and entry[6] == kwargs.get(MARK)
            ):
                converted: Message = entry[7]
            else:
                converted = _convert(message)
                fresh.append(
                    (
                        message,
                        message.content,
                        calls,
                        message.id,
                        message.name,
                        kwargs,
                        kwargs.get(MARK) if isinstance(kwargs, Mapping) else None,
                        converted,
                    )
                )
            out.append(converted)
            origin[id(converted)] = message
        with self._lock:  # least recently used first out: a busy thread's messages stay cached
            cache = self._cache
            for message in messages:
                if id(message) in cache:
                    cache.move_to_end(id(message))
            for item in fresh:
                cache[id(item[0])] = item
            while len(cache) > self.size:
                cache.popitem(last=False)
        return out, origin


def from_langchain(messages: Sequence[BaseMessage]) -> tuple[list[Message], dict[int, BaseMessage]]:
    """The guard's view of ``messages`` and a map from each ``Message`` (by ``id()``) to its original."""
    out = [_convert(message) for message in messages]
    return out, {id(converted): message for converted, message in zip(out, messages, strict=True)}


def system_message(prepared: Message, sources: Sequence[SystemMessage | None]) -> SystemMessage:
    """The LangChain system message for the guard's merged system text.

    System messages whose content is a list of blocks (cache-control markers, provider extras) keep their
    blocks: where the guard's text holds a source's text verbatim, the source's blocks are spliced in.
    """
    text = prepared.content
    block_sources = [s for s in sources if s is not None and isinstance(s.content, list) and s.content]
    if not block_sources:
        return SystemMessage(content=text, additional_kwargs={MARK: "persona"})
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
    out: list[BaseMessage] = []
    for message in prepared:
        original = origin.get(id(message))
        if original is not None:
            out.append(original)
        elif message.role == "user":  # a tail reminder the guard created
            out.append(
                HumanMessage(content=message.content, name=message.name, additional_kwargs={MARK: "reminder"})
            )
        elif message.role == "assistant":
            out.append(AIMessage(content=message.content))
        else:
            out.append(HumanMessage(content=message.content))
    return out


def last_user_text(messages: Sequence[BaseMessage]) -> str | None:
    """The text of the latest human message (not a reminder the guard placed), for ``observe``."""
    for message in reversed(messages):
        if message.type == "human" and message.additional_kwargs.get(MARK) != "reminder":
            return text_of(message.content)
    return None


def thread_id_from_config(config: Mapping[str, Any] | None, default: str) -> str:
    """``configurable.thread_id`` of a runnable config, else ``default``."""
    if config:
        configurable = config.get("configurable")
        if isinstance(configurable, Mapping):
            value = configurable.get("thread_id")
            if value is not None and str(value):
                return str(value)
    return default
