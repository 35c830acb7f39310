"""``PersonaCallbackHandler``: observe-only drift monitoring for any LangChain Runnable.

::

    monitor = PersonaCallbackHandler("souls/mati", store="memory://")
    chain.invoke(inputs, config={"callbacks": [monitor], "configurable": {"thread_id": "t1"}})
    monitor.metrics        # {"model_calls": 1, "observed": 1, "persona_missing": 0, "actions": {...}}
    monitor.events         # the latest decisions

It never changes a model input. It checks each chat model reply with the guard and counts what it saw,
including calls whose input lacked the persona. Model calls LangChain makes for its own bookkeeping
(``SummarizationMiddleware``'s summaries, other calls marked internal) are skipped and counted apart.
"""

from __future__ import annotations

import threading
from collections import Counter, deque
from collections.abc import Callable, Mapping
from typing import Any
from uuid import UUID

from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, LLMResult
from soulkeeper.guard import Decision, SoulOrGuard, as_guard, text_of

from soulkeeper_langchain._convert import last_user_text

__all__ = ["PersonaCallbackHandler"]

_INTERNAL_SOURCES = frozenset({"summarization"})


def _is_internal(metadata: Mapping[str, Any] | None) -> bool:
    if not metadata:
        return False
    if metadata.get("lc_source") in _INTERNAL_SOURCES:
        return True
    try:
        from langchain.agents.middleware.internal_call_transformer import INTERNAL_CALL_METADATA_KEY
    except ImportError:  # older langchain: only the lc_source marker exists
        return False
    return INTERNAL_CALL_METADATA_KEY in metadata


class PersonaCallbackHandler(BaseCallbackHandler):
    """Watches chat model replies for drift without changing anything (metrics and events only).

    :param soul_or_guard: a guard, a soul or a package path (then ``guard_options`` build the guard).
    :param thread_id: the thread when the run's metadata has no ``thread_id`` (LangGraph sets it).
    :param on_decision: called with every :class:`soulkeeper.Decision`.
    :param keep_events: how many recent decisions :attr:`events` keeps.
    """

    raise_error = False

    def __init__(
        self,
        soul_or_guard: SoulOrGuard,
        *,
        thread_id: str = "default",
        on_decision: Callable[[Decision], None] | None = None,
        keep_events: int = 256,
        **guard_options: Any,
    ) -> None:
        self.guard = as_guard(soul_or_guard, **guard_options)
        self.default_thread_id = thread_id
        self.on_decision = on_decision
        self.events: deque[Decision] = deque(maxlen=keep_events)
        self._runs: dict[UUID, tuple[str, str | None]] = {}
        self._counts: Counter[str] = Counter()
        self._actions: Counter[str] = Counter()
        self._lock = threading.Lock()

    @property
    def metrics(self) -> dict[str, Any]:
        """Counters: ``model_calls``, ``observed``, ``internal_skipped``, ``persona_missing``, ``actions``."""
        with self._lock:
            counts = {
                key: self._counts[key]
                for key in ("model_calls", "observed", "internal_skipped", "persona_missing")
            }
            return {**counts, "actions": dict(self._actions)}

    def on_chat_model_start(
        self,
        serialized: dict[str, Any],
        messages: list[list[BaseMessage]],
        *,
        run_id: UUID,
        parent_run_id: UUID | None = None,
        tags: list[str] | None = None,
        metadata: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        """Remember the run's thread and user text; count calls whose input lacks the persona."""
        with self._lock:
            self._counts["model_calls"] += 1
            if _is_internal(metadata):
                self._counts["internal_skipped"] += 1
                return
        batch = messages[0] if messages else []
        first = batch[0] if batch else None
        persona = self.guard.packed().text
        present = first is not None and first.type == "system" and persona in text_of(first.content)
        thread = (metadata or {}).get("thread_id")
        with self._lock:
            if not present:
                self._counts["persona_missing"] += 1
            self._runs[run_id] = (str(thread) if thread else self.default_thread_id, last_user_text(batch))

    def on_llm_end(
        self,
        response: LLMResult,
        *,
        run_id: UUID,
        parent_run_id: UUID | None = None,
        **kwargs: Any,
    ) -> None:
        """Check the reply with the guard and record the decision."""
        with self._lock:
            run = self._runs.pop(run_id, None)
        if run is None or not response.generations or not response.generations[0]:
            return
        generation = response.generations[0][0]
        message = generation.message if isinstance(generation, ChatGeneration) else None
        if not isinstance(message, AIMessage) or not text_of(message.content).strip():
            return
        thread_id, user_text = run
        decision = self.guard.observe(thread_id, message, user_text=user_text)
        with self._lock:
            self._counts["observed"] += 1
            self._actions[decision.action] += 1
            self.events.append(decision)
        if self.on_decision is not None:
            self.on_decision(decision)

    def on_llm_error(self, error: BaseException, *, run_id: UUID, **kwargs: Any) -> None:
        """Forget a failed run."""
        with self._lock:
            self._runs.pop(run_id, None)
