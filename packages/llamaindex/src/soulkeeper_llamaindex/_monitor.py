"""``PersonaMonitor``: observe-only drift monitoring through LlamaIndex instrumentation.

For apps that do not want to wrap anything: the monitor listens for ``LLMChatEndEvent`` on a dispatcher
and observes every reply. It changes nothing (no pinning, no retry); the guard still records drift and
checkpoints, and a pending re-anchor is carried out by whatever calls ``guard.prepare`` next.

One model call can fire several end events (``MockFunctionCallingLLM.achat`` calls ``chat``, and both
are instrumented, in nested spans). The monitor records each span's parent and observes only the first
end event of a span family, so each reply is observed once.
"""

from __future__ import annotations

import inspect
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from llama_index.core.instrumentation import (  # type: ignore[attr-defined]  # re-exported with noqa only
    Dispatcher,
    get_dispatcher,
)
from llama_index.core.instrumentation.event_handlers import BaseEventHandler
from llama_index.core.instrumentation.events import BaseEvent
from llama_index.core.instrumentation.events.llm import LLMChatEndEvent
from llama_index.core.instrumentation.span import BaseSpan
from llama_index.core.instrumentation.span_handlers import BaseSpanHandler
from pydantic import PrivateAttr
from soulkeeper.guard import Decision, PersonaGuard

from soulkeeper_llamaindex._convert import last_user_text

__all__ = ["PersonaMonitor", "attach_monitor", "detach_monitor"]

_MAX_SPANS = 4096


class _SpanParents(BaseSpanHandler[BaseSpan]):
    """Records each span's parent (bounded); opens no spans of its own."""

    _parents: OrderedDict[str, str | None] = PrivateAttr(default_factory=OrderedDict)
    _mutex: threading.Lock = PrivateAttr(default_factory=threading.Lock)

    @classmethod
    def class_name(cls) -> str:
        """Class name."""
        return "SoulkeeperSpanParents"

    def new_span(
        self,
        id_: str,
        bound_args: inspect.BoundArguments,
        instance: Any | None = None,
        parent_span_id: str | None = None,
        tags: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> BaseSpan | None:
        with self._mutex:
            self._parents[id_] = parent_span_id
            while len(self._parents) > _MAX_SPANS:
                self._parents.popitem(last=False)
        return None

    def prepare_to_exit_span(
        self,
        id_: str,
        bound_args: inspect.BoundArguments,
        instance: Any | None = None,
        result: Any | None = None,
        **kwargs: Any,
    ) -> BaseSpan | None:
        return None

    def prepare_to_drop_span(
        self,
        id_: str,
        bound_args: inspect.BoundArguments,
        instance: Any | None = None,
        err: BaseException | None = None,
        **kwargs: Any,
    ) -> BaseSpan | None:
        return None

    def ancestors(self, span_id: str) -> list[str]:
        """``span_id`` and its recorded ancestors, innermost first."""
        out = [span_id]
        with self._mutex:
            parent = self._parents.get(span_id)
            while parent is not None and parent not in out and len(out) < 64:
                out.append(parent)
                parent = self._parents.get(parent)
        return out


class PersonaMonitor(BaseEventHandler):
    """An instrumentation event handler observing every LLM chat reply with a guard (observe only).

    Attach it with :func:`attach_monitor` (which also installs the span bookkeeping it needs). The
    decisions go to ``on_decision`` and :attr:`last_decision`.
    """

    thread_id: str = "default"
    _guard: PersonaGuard = PrivateAttr()
    _spans: _SpanParents = PrivateAttr()
    _covered: OrderedDict[str, None] = PrivateAttr(default_factory=OrderedDict)
    _mutex: threading.Lock = PrivateAttr(default_factory=threading.Lock)
    _on_decision: Callable[[Decision], Any] | None = PrivateAttr(default=None)
    _last: Decision | None = PrivateAttr(default=None)
    _count: int = PrivateAttr(default=0)

    def __init__(
        self,
        guard: PersonaGuard,
        *,
        thread_id: str = "default",
        on_decision: Callable[[Decision], Any] | None = None,
    ) -> None:
        super().__init__(thread_id=thread_id)  # type: ignore[call-arg]  # pydantic field of this subclass
        self._guard = guard
        self._spans = _SpanParents()
        self._on_decision = on_decision

    @classmethod
    def class_name(cls) -> str:
        """Class name."""
        return "PersonaMonitor"

    @property
    def last_decision(self) -> Decision | None:
        """The decision about the latest observed reply."""
        return self._last

    @property
    def observed(self) -> int:
        """How many replies this monitor observed."""
        return self._count

    def _first_of_family(self, span_id: str | None) -> bool:
        if not span_id:
            return True
        family = self._spans.ancestors(span_id)
        with self._mutex:
            if any(s in self._covered for s in family):
                return False
            for s in family:
                self._covered[s] = None
            while len(self._covered) > _MAX_SPANS:
                self._covered.popitem(last=False)
        return True

    def handle(self, event: BaseEvent, **kwargs: Any) -> None:
        """Observe the reply of an ``LLMChatEndEvent`` (once per span family)."""
        if not isinstance(event, LLMChatEndEvent) or event.response is None:
            return
        if not self._first_of_family(event.span_id):
            return
        text = event.response.message.content or ""
        decision = self._guard.observe(self.thread_id, text, user_text=last_user_text(event.messages))
        self._count += 1
        self._last = decision
        if self._on_decision is not None:
            self._on_decision(decision)


def attach_monitor(
    guard: PersonaGuard,
    *,
    thread_id: str = "default",
    on_decision: Callable[[Decision], Any] | None = None,
    dispatcher: Dispatcher | None = None,
) -> PersonaMonitor:
    """Create a :class:`PersonaMonitor` and add it (and its span bookkeeping) to ``dispatcher``.

    :param dispatcher: default the root dispatcher (``get_dispatcher()``), which sees every LLM call.
    """
    target = dispatcher or get_dispatcher()
    monitor = PersonaMonitor(guard, thread_id=thread_id, on_decision=on_decision)
    target.add_span_handler(monitor._spans)
    target.add_event_handler(monitor)
    return monitor


def detach_monitor(monitor: PersonaMonitor, *, dispatcher: Dispatcher | None = None) -> None:
    """Remove a monitor added by :func:`attach_monitor`."""
    target = dispatcher or get_dispatcher()
    target.event_handlers = [h for h in target.event_handlers if h is not monitor]
    target.span_handlers = [h for h in target.span_handlers if h is not monitor._spans]
