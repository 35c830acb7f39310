"""``guard_chat_engine``: put a persona guard on a LlamaIndex chat engine."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from llama_index.core.chat_engine.types import BaseChatEngine
from llama_index.core.llms.llm import LLM
from soulkeeper.guard import Decision, SoulOrGuard
from soulkeeper.guard._policy import CheckMode

from soulkeeper_llamaindex._convert import session_of
from soulkeeper_llamaindex._llm import PersonaLLM, StreamMode

__all__ = ["guard_chat_engine"]

_Engine = TypeVar("_Engine", bound=BaseChatEngine)


def guard_chat_engine(
    engine: _Engine,
    soul_or_guard: SoulOrGuard,
    *,
    thread_id: str | None = None,
    stream_mode: StreamMode = "stream",
    check: CheckMode = "auto",
    on_decision: Callable[[Decision], Any] | None = None,
    **guard_options: Any,
) -> _Engine:
    """Guard ``engine`` in place and return it.

    Works for ``SimpleChatEngine``, ``ContextChatEngine`` and ``CondensePlusContextChatEngine`` (any
    engine that calls its model through ``engine._llm``): the engine's model is wrapped in a
    :class:`PersonaLLM`, so every chat call (``chat``, ``achat``, ``stream_chat``, ``astream_chat``)
    carries exactly one system message with the persona first (the engine's system prompt and
    retrieved context merged after it), every reply is observed, and a drift re-anchors the next call,
    or is retried before the engine sees it when the policy allows. The engine's memory keeps the
    conversation only; the persona is never stored in it.

    ``thread_id`` defaults to the ``session_id`` of the engine's memory (else ``"default"``).

    :raises TypeError: the engine has no ``_llm`` model to wrap.
    :raises ValueError: the engine is already guarded.
    """
    llm = getattr(engine, "_llm", None)
    if not isinstance(llm, LLM):
        raise TypeError(f"{type(engine).__name__} has no LlamaIndex LLM at engine._llm to guard")
    if isinstance(llm, PersonaLLM):
        raise ValueError(f"{type(engine).__name__} is already guarded by soulkeeper")
    engine._llm = PersonaLLM(  # type: ignore[attr-defined]  # set on every supported engine
        llm,
        soul_or_guard,
        thread_id=thread_id or session_of(getattr(engine, "_memory", None)) or "default",
        stream_mode=stream_mode,
        check=check,
        on_decision=on_decision,
        **guard_options,
    )
    return engine
