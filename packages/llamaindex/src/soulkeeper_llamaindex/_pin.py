"""The one translation step every wrapper shares: ChatMessages in, the guard's model input out."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Literal

from llama_index.core.base.llms.types import ChatMessage, MessageRole
from llama_index.core.bridge.pydantic import BaseModel, Field, PrivateAttr
from soulkeeper.guard import Decision, PersonaGuard
from soulkeeper.guard._policy import check_mode

from soulkeeper_llamaindex._convert import from_guard, to_guard

__all__ = ["Pinned", "StreamMode", "apin", "pin"]

StreamMode = Literal["stream", "buffered"]


class Pinned(BaseModel):
    """What every guarded wrapper holds: the guard, the stream mode, the decision callback, the last decision.

    A pydantic mixin placed before the LlamaIndex class (``LLM``, ``FunctionAgent``, ``ReActAgent``).
    """

    stream_mode: StreamMode = Field(default="stream", description="'stream' or 'buffered'.")
    _guard: PersonaGuard = PrivateAttr()
    _on_decision: Callable[[Decision], Any] | None = PrivateAttr(default=None)
    _last: Decision | None = PrivateAttr(default=None)
    _background: bool = PrivateAttr(default=False)

    @property
    def guard(self) -> PersonaGuard:
        """The guard pinning the persona."""
        return self._guard

    @property
    def last_decision(self) -> Decision | None:
        """The decision about the latest observed reply or step (``None`` before the first one); waits
        for a check still running in the background."""
        if self._background:
            self._guard.wait_for_checks(thread_id=getattr(self, "thread_id", None))
        return self._last

    def _set_check(self, check: str, *, buffered: bool) -> None:
        """Resolve ``check`` (``auto``: background unless the verdict is needed before the reply)."""
        mode = check_mode(
            check, self._guard.policy, buffered=buffered, where="", buffer_option='stream_mode="buffered"'
        )
        self._background = mode == "background"

    @property
    def check(self) -> str:
        """``"background"`` or ``"inline"``: when replies are checked."""
        return "background" if self._background else "inline"

    def _decided(self, decision: Decision) -> Decision:
        """Record ``decision`` and hand it to ``on_decision``."""
        self._last = decision
        if self._on_decision is not None:
            self._on_decision(decision)
        return decision


def pin(
    guard: PersonaGuard,
    thread_id: str,
    messages: Sequence[ChatMessage],
    *,
    system: str | None = None,
    system_role: MessageRole = MessageRole.SYSTEM,
) -> list[ChatMessage]:
    """``guard.prepare`` on LlamaIndex messages: one system message first (persona, ``system``, every
    other system text of ``messages``), then the conversation's own ChatMessage objects."""
    converted, origin = to_guard(messages)
    prepared = guard.prepare(thread_id, converted, system=system)
    return from_guard(prepared, origin, system_role=system_role)


async def apin(
    guard: PersonaGuard,
    thread_id: str,
    messages: Sequence[ChatMessage],
    *,
    system: str | None = None,
    system_role: MessageRole = MessageRole.SYSTEM,
) -> list[ChatMessage]:
    """Async :func:`pin`."""
    converted, origin = to_guard(messages)
    prepared = await guard.aprepare(thread_id, converted, system=system)
    return from_guard(prepared, origin, system_role=system_role)
