"""The framework-neutral chat message that adapters map to and from.

Adapters turn their framework's messages (LangChain ``BaseMessage``, LlamaIndex ``ChatMessage``, AutoGen
``LLMMessage``) into :class:`Message`, call the guard, and map the result back. :func:`coerce_message`
is forgiving: it accepts ``Message`` objects, role/content mappings (OpenAI style, including content
blocks), and turns anything malformed into a well-formed message or drops it, never raising.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, cast

__all__ = ["Message", "Role", "ToolCall", "coerce_message", "coerce_messages", "text_of"]

Role = Literal["system", "user", "assistant", "tool"]

_ROLE_ALIASES: dict[str, Role] = {
    "system": "system",
    "developer": "system",
    "user": "user",
    "human": "user",
    "assistant": "assistant",
    "ai": "assistant",
    "model": "assistant",
    "bot": "assistant",
    "tool": "tool",
    "function": "tool",
}

MAX_CONTENT_CHARS = 2_000_000
"""Longer content is cut (with a marker) so a hostile message cannot make the guard quadratic."""


@dataclass(frozen=True, slots=True)
class ToolCall:
    """A tool call requested by an assistant message."""

    id: str
    name: str
    arguments: str = "{}"
    """The call's arguments as JSON text (mappings are serialised on coercion)."""


@dataclass(frozen=True, slots=True)
class Message:
    """One chat message.

    :param role: ``system``, ``user``, ``assistant`` or ``tool``.
    :param content: the text; content blocks are flattened to text by :func:`coerce_message`.
    :param name: optional author name (OpenAI ``name``).
    :param tool_calls: tool calls an assistant message requests.
    :param tool_call_id: for ``tool`` messages, the id of the call this message answers.
    :param id: the framework's message id, carried through unchanged.
    :param metadata: free-form data adapters use to round-trip framework fields; the guard marks the
        messages it creates with ``{"soulkeeper": "persona" | "reminder" | "summary"}``.
    """

    role: Role
    content: str = ""
    name: str | None = None
    tool_calls: tuple[ToolCall, ...] = ()
    tool_call_id: str | None = None
    id: str | None = None
    metadata: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """A role/content mapping (OpenAI chat style), for token counting and simple clients."""
        out: dict[str, Any] = {"role": self.role, "content": self.content}
        if self.name is not None:
            out["name"] = self.name
        if self.tool_calls:
            out["tool_calls"] = [
                {"id": c.id, "type": "function", "function": {"name": c.name, "arguments": c.arguments}}
                for c in self.tool_calls
            ]
        if self.tool_call_id is not None:
            out["tool_call_id"] = self.tool_call_id
        return out


def text_of(content: Any) -> str:
    """Flatten message content of any shape into text, never raising.

    Strings pass through; bytes are decoded as UTF-8 with replacement; content-block lists (``[{"type":
    "text", "text": ...}, ...]``) are joined; ``None`` becomes ``""``; objects with a ``content``
    attribute (framework messages) give that content; anything else is ``str()``-ed.
    NUL characters are removed and very long text is cut at :data:`MAX_CONTENT_CHARS`.
    """
    if content is None:
        text = ""
    elif isinstance(content, str):
        text = content
    elif isinstance(content, bytes | bytearray | memoryview):
        text = bytes(content).decode("utf-8", errors="replace")
    elif isinstance(content, Mapping):
        inner = content.get("text", content.get("content"))
        text = text_of(inner) if inner is not None else ""
    elif isinstance(content, list | tuple):
        text = "\n".join(t for t in (text_of(part) for part in content) if t)
    else:
        try:  # framework message objects (LangChain, LlamaIndex, AutoGen) carry their text in .content
            inner = getattr(content, "content", None)
            text = text_of(inner) if inner is not None and inner is not content else str(content)
        except Exception:  # a hostile __str__ or property must not take the guard down
            text = ""
    if "\x00" in text:
        text = text.replace("\x00", "")
    if len(text) > MAX_CONTENT_CHARS:
        text = text[:MAX_CONTENT_CHARS] + "\n[... cut by soulkeeper: message too long]"
    return text


def _tool_calls(raw: Any) -> tuple[ToolCall, ...]:
    if not raw or not isinstance(raw, Iterable) or isinstance(raw, str | bytes | Mapping):
        return ()
    calls: list[ToolCall] = []
    for i, item in enumerate(raw):
        if isinstance(item, ToolCall):
            calls.append(item)
            continue
        if not isinstance(item, Mapping):
            continue
        fn = item.get("function")
        source = fn if isinstance(fn, Mapping) else item
        args = source.get("arguments", source.get("args", {}))
        if not isinstance(args, str):
            try:
                args = json.dumps(args, ensure_ascii=False, default=str)
            except (TypeError, ValueError):
                args = "{}"
        call_id = item.get("id")
        calls.append(
            ToolCall(
                id=str(call_id) if call_id is not None else f"call_{i}",
                name=text_of(source.get("name")) or "unknown",
                arguments=args,
            )
        )
    return tuple(calls)


def coerce_message(value: Any) -> Message | None:
    """Turn a ``Message``, a role/content mapping or a framework-like object into a :class:`Message`.

    Returns ``None`` for values that carry no message at all (``None``, numbers, bare strings are
    treated as user text). Unknown roles become ``user``; a ``tool`` message with no ``tool_call_id``
    keeps its content but loses nothing else. Never raises.
    """
    if isinstance(value, Message):
        return value
    if value is None:
        return None
    if isinstance(value, str | bytes):
        text = text_of(value)
        return Message(role="user", content=text) if text else None
    try:
        is_object = not isinstance(value, Mapping) and (hasattr(value, "role") or hasattr(value, "type"))
    except Exception:  # a property that raises
        return None
    if isinstance(value, Mapping):
        get = value.get
    elif is_object:

        def get(key: str, default: Any = None) -> Any:
            try:
                return getattr(value, key, default)
            except Exception:
                return default

    else:
        return None
    try:
        raw_role = get("role") or get("type") or "user"
        role = _ROLE_ALIASES.get(text_of(getattr(raw_role, "value", raw_role)).strip().lower(), "user")
        name = get("name")
        tool_call_id = get("tool_call_id")
        msg_id = get("id")
        metadata = get("metadata")
        return Message(
            role=role,
            content=text_of(get("content")),
            name=text_of(name) or None if name is not None else None,
            tool_calls=_tool_calls(get("tool_calls")) if role == "assistant" else (),
            tool_call_id=text_of(tool_call_id) or None if tool_call_id is not None else None,
            id=text_of(msg_id) or None if msg_id is not None else None,
            metadata=dict(cast(Mapping[str, Any], metadata)) if isinstance(metadata, Mapping) else {},
        )
    except Exception:  # hostile objects: properties that raise, recursive structures
        return None


def coerce_messages(values: Sequence[Any] | Iterable[Any] | None) -> list[Message]:
    """Coerce every item with :func:`coerce_message`, dropping the ones that are not messages."""
    if values is None:
        return []
    if isinstance(values, (Mapping | str | bytes, Message)):
        values = [values]
    out: list[Message] = []
    try:
        iterator = iter(values)
    except TypeError:
        return out
    for value in iterator:
        msg = coerce_message(value)
        if msg is not None:
            out.append(msg)
    return out
