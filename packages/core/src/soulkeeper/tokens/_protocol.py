"""The tokenizer protocol, chat-template overheads and the shared base class."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

__all__ = ["ChatTemplate", "Tokenizer", "TokenizerBase"]


@runtime_checkable
class Tokenizer(Protocol):
    """Anything that counts tokens: soulkeeper's built-ins, a plugin's, or a wrapped callable."""

    @property
    def name(self) -> str:
        """A short, stable name such as ``"tiktoken:o200k_base"`` or ``"estimate:qwen2"``."""
        ...

    def count(self, text: str) -> int:
        """Number of content tokens in ``text`` (no BOS, no chat-template tokens)."""
        ...

    def count_messages(self, messages: Sequence[Mapping[str, Any]]) -> int:
        """Tokens of a chat request: every message's content plus the model family's template overhead."""
        ...


@dataclass(frozen=True, slots=True)
class ChatTemplate:
    """Token overhead a model family's chat template adds around message contents.

    A request of ``n`` messages costs ``start + n * (per_message + role) + reply`` tokens on top of the
    contents, where ``role`` is one token (``system``, ``user``, ``assistant`` and ``tool`` are single
    tokens in every vocabulary here); a message with a ``name`` adds ``per_name`` plus the name's tokens.

    :param name: the template family (``"openai"``, ``"chatml"``, ``"llama3"`` …).
    :param start: tokens once per request (a BOS token).
    :param per_message: tokens around each message besides its role and content.
    :param per_name: extra tokens when a message carries a ``name``.
    :param reply: tokens that prime the assistant's reply.
    """

    name: str
    start: int = 0
    per_message: int = 3
    per_name: int = 1
    reply: int = 3


def message_content(message: Mapping[str, Any] | Any) -> tuple[str, str | None]:
    """The text content and optional name of a message (a mapping, or an object with ``content``).

    Content given as a list of parts (``[{"type": "text", "text": ...}, ...]``) is joined; non-text
    parts (images, audio) count nothing here.
    """
    if isinstance(message, Mapping):
        content = message.get("content", "")
        name = message.get("name")
    else:
        content = getattr(message, "content", "")
        name = getattr(message, "name", None)
    if content is None:
        text = ""
    elif isinstance(content, str):
        text = content
    else:
        parts: list[str] = []
        for part in content:
            if isinstance(part, str):
                parts.append(part)
            elif isinstance(part, Mapping) and isinstance(part.get("text"), str):
                parts.append(part["text"])
        text = "\n".join(parts)
    return text, name if isinstance(name, str) and name else None


class TokenizerBase:
    """Shared behaviour: :meth:`count_messages` from :meth:`count` and a :class:`ChatTemplate`."""

    __slots__ = ("name", "template")

    name: str
    template: ChatTemplate

    def __init__(self, name: str, *, template: ChatTemplate) -> None:
        self.name = name
        self.template = template

    def count(self, text: str) -> int:  # pragma: no cover - every subclass overrides it
        raise NotImplementedError

    def count_messages(self, messages: Sequence[Mapping[str, Any]]) -> int:
        """Tokens of a chat request, including :attr:`template`'s per-message and reply overhead."""
        t = self.template
        total = t.start + t.reply
        for message in messages:
            text, name = message_content(message)
            total += t.per_message + 1 + self.count(text)
            if name is not None:
                total += t.per_name + self.count(name)
        return total

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name}>"
