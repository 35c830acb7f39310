"""The one translation step every wrapper shares: ChatMessages in, the guard's model input out."""

from __future__ import annotations

from collections.abc import Sequence

from llama_index.core.base.llms.types import ChatMessage, MessageRole
from soulkeeper.guard import PersonaGuard

from soulkeeper_llamaindex._convert import from_guard, to_guard

__all__ = ["apin", "pin"]


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
