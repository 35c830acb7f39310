"""``PersonaMemory``: a LlamaIndex memory that pins the persona in front of another memory's messages."""

from __future__ import annotations

from collections import deque
from typing import Any

from llama_index.core.base.llms.types import ChatMessage, MessageRole
from llama_index.core.bridge.pydantic import Field, PrivateAttr, SerializeAsAny
from llama_index.core.memory import BaseMemory, Memory
from soulkeeper.guard import PersonaGuard, SoulOrGuard, as_guard

from soulkeeper_llamaindex._pin import apin, pin

__all__ = ["PersonaMemory"]

_PRODUCED = 32


class PersonaMemory(BaseMemory):
    """A ``BaseMemory`` whose ``get`` returns one system message first, then the inner memory's messages.

    The system message is the packed persona (with a re-anchor when the guard has one pending), then
    ``system``, then any system content the inner memory produces (memory blocks, an old system
    prompt), merged with exact duplicates removed. The inner memory (default ``Memory.from_defaults``)
    stores, compacts and persists the conversation as it likes; the persona is never put into it.

    :param soul_or_guard: a :class:`soulkeeper.PersonaGuard`, a ``Soul`` or a persona package path.
    :param inner: the memory holding the conversation; default ``Memory.from_defaults(session_id=thread_id)``.
    :param thread_id: the soulkeeper thread (default: the inner memory's ``session_id``, else ``"default"``).
    :param system: the app's own system text, placed after the persona.
    :param guard_options: passed to :class:`~soulkeeper.PersonaGuard` when given a soul.
    """

    inner: SerializeAsAny[BaseMemory] = Field(description="The memory holding the conversation.")
    thread_id: str = Field(description="The soulkeeper thread id.")
    system: str | None = Field(default=None, description="The app's own system text.")
    _guard: PersonaGuard = PrivateAttr()
    _produced: deque[int] = PrivateAttr(default_factory=lambda: deque(maxlen=_PRODUCED))

    def __init__(
        self,
        soul_or_guard: SoulOrGuard,
        inner: BaseMemory | None = None,
        *,
        thread_id: str | None = None,
        system: str | None = None,
        **guard_options: Any,
    ) -> None:
        if thread_id is None:
            session = getattr(inner, "session_id", None)
            thread_id = session if isinstance(session, str) and session else "default"
        if inner is None:
            inner = Memory.from_defaults(session_id=thread_id)
        super().__init__(inner=inner, thread_id=thread_id, system=system)  # type: ignore[call-arg]  # pydantic fields
        self._guard = as_guard(soul_or_guard, **guard_options)

    @classmethod
    def class_name(cls) -> str:
        """Class name."""
        return "PersonaMemory"

    @classmethod
    def from_defaults(cls, **kwargs: Any) -> PersonaMemory:
        """``PersonaMemory(soul_or_guard=..., inner=..., thread_id=..., system=...)``."""
        return cls(**kwargs)

    @property
    def guard(self) -> PersonaGuard:
        """The guard pinning the persona."""
        return self._guard

    # ------------------------------------------------------------------ reading: persona first

    def _pinned(self, history: list[ChatMessage], pinned: list[ChatMessage]) -> list[ChatMessage]:
        if pinned and pinned[0].role == MessageRole.SYSTEM:
            self._produced.append(hash(pinned[0].content or ""))
        return pinned

    def get(self, input: str | None = None, **kwargs: Any) -> list[ChatMessage]:
        """The persona system message, then the inner memory's messages."""
        history = self.inner.get(input=input, **kwargs)
        return self._pinned(history, pin(self._guard, self.thread_id, history, system=self.system))

    async def aget(self, input: str | None = None, **kwargs: Any) -> list[ChatMessage]:
        """Async :meth:`get`."""
        history = await self.inner.aget(input=input, **kwargs)
        return self._pinned(history, await apin(self._guard, self.thread_id, history, system=self.system))

    def get_all(self) -> list[ChatMessage]:
        """Everything the inner memory stores (the conversation, without the persona)."""
        return self.inner.get_all()

    async def aget_all(self) -> list[ChatMessage]:
        """Async :meth:`get_all`."""
        return await self.inner.aget_all()

    # ------------------------------------------------------------------ writing: never the persona

    def _keep(self, messages: list[ChatMessage]) -> list[ChatMessage]:
        """Drop the system messages this memory produced (a caller writing ``get()`` back)."""
        return [
            m
            for m in messages
            if not (m.role == MessageRole.SYSTEM and hash(m.content or "") in self._produced)
        ]

    def put(self, message: ChatMessage) -> None:
        """Store one message in the inner memory (persona copies are not stored)."""
        for kept in self._keep([message]):
            self.inner.put(kept)

    async def aput(self, message: ChatMessage) -> None:
        """Async :meth:`put`."""
        for kept in self._keep([message]):
            await self.inner.aput(kept)

    def put_messages(self, messages: list[ChatMessage]) -> None:
        """Store messages in the inner memory (persona copies are not stored)."""
        self.inner.put_messages(self._keep(messages))

    async def aput_messages(self, messages: list[ChatMessage]) -> None:
        """Async :meth:`put_messages`."""
        await self.inner.aput_messages(self._keep(messages))

    def set(self, messages: list[ChatMessage]) -> None:
        """Replace the inner memory's messages (persona copies are not stored)."""
        self.inner.set(self._keep(messages))

    async def aset(self, messages: list[ChatMessage]) -> None:
        """Async :meth:`set`."""
        await self.inner.aset(self._keep(messages))

    def reset(self) -> None:
        """Clear the inner memory (the soulkeeper thread state stays; use ``guard.forget`` for that)."""
        self.inner.reset()

    async def areset(self) -> None:
        """Async :meth:`reset`."""
        await self.inner.areset()
