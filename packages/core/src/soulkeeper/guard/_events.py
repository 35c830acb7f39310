"""Events: plugin hooks (``on_drift``, ``on_reinject``, ``on_restore``, ``on_pack_degraded``), logging and
optional OpenTelemetry spans.

OpenTelemetry is used only when ``opentelemetry-api`` is installed (extra ``soulkeeper[otel]``) and a tracer
provider has been set (an SDK, or any ``trace.set_tracer_provider``); until then no span is started at all,
since it would be a no-op anyway.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator, Mapping
from typing import Any, Protocol

import pluggy

__all__ = ["Events", "SpanLike", "logger"]

logger = logging.getLogger("soulkeeper.guard")


class SpanLike(Protocol):
    def set_attribute(self, key: str, value: Any) -> Any: ...


class _NoSpan:
    __slots__ = ()

    def set_attribute(self, key: str, value: Any) -> None:
        return None


_NO_SPAN = _NoSpan()


_trace: Any = None
"""The ``opentelemetry.trace`` module once a tracer was made (``None`` without the package)."""


def _tracer() -> Any:
    global _trace
    try:
        from opentelemetry import trace
    except ImportError:
        return None
    _trace = trace
    return trace.get_tracer("soulkeeper")


def _configured() -> bool:
    """Whether an OpenTelemetry tracer provider was set (without one, every span would be a no-op)."""
    provider = _trace.get_tracer_provider()
    return not isinstance(provider, _trace.ProxyTracerProvider | _trace.NoOpTracerProvider)


class Events:
    """Fans the guard's events out to plugins and spans; a failing plugin is logged, never fatal."""

    def __init__(self, plugin_manager: pluggy.PluginManager | None, *, tracing: bool = True) -> None:
        if plugin_manager is None:
            from soulkeeper.plugins import default_plugin_manager

            plugin_manager = default_plugin_manager()
        self.pm = plugin_manager
        self._tracer = _tracer() if tracing else None

    def emit(self, hook: str, **kwargs: Any) -> None:
        """Call the plugin hook ``hook`` with ``kwargs``; exceptions from plugins are logged."""
        caller = getattr(self.pm.hook, hook, None)
        if caller is None:
            return
        try:
            caller(**kwargs)
        except Exception:
            logger.exception("soulkeeper plugin hook %s failed", hook)

    def announce(self, decision: Any, span: SpanLike) -> None:
        """Put a decision on its span, in the log and through the plugin hooks."""
        span.set_attribute("soulkeeper.action", decision.action)
        span.set_attribute("soulkeeper.level", decision.level)
        span.set_attribute("soulkeeper.score", decision.score)
        span.set_attribute("soulkeeper.turn_score", decision.report.score)
        span.set_attribute("soulkeeper.turn", decision.turn)
        span.set_attribute("soulkeeper.violations", len(decision.report.violations))
        span.set_attribute("soulkeeper.rules", list(decision.report.rule_ids))
        if decision.store_error:
            span.set_attribute("soulkeeper.store_error", decision.store_error)
        if decision.integrity_error:
            span.set_attribute("soulkeeper.integrity_error", decision.integrity_error)
        tid = decision.thread_id
        if decision.action == "ok":
            logger.debug("thread %s turn %d: ok (score %.3f)", tid, decision.turn, decision.score)
            return
        rules = ", ".join(decision.report.rule_ids) or "-"
        log = logger.debug if decision.action == "warn" else logger.info
        log(
            "thread %s turn %d: %s (score %.3f, level %s, rules %s)",
            tid,
            decision.turn,
            decision.action,
            decision.score,
            decision.level,
            rules,
        )
        self.emit("on_drift", thread_id=tid, decision=decision)
        if decision.action in ("reinject", "retry"):
            self.emit("on_reinject", thread_id=tid, decision=decision)
        if decision.level == "restore" and decision.action in ("restore", "retry"):
            self.emit("on_restore", thread_id=tid, decision=decision)

    @contextlib.contextmanager
    def span(self, name: str, attributes: Mapping[str, Any] | None = None) -> Iterator[SpanLike]:
        """An OpenTelemetry span named ``name`` (a do-nothing span without ``opentelemetry-api``)."""
        if self._tracer is None or not _configured():  # no SDK/provider: skip the no-op span's cost
            yield _NO_SPAN
            return
        with self._tracer.start_as_current_span(name, attributes=dict(attributes or {})) as span:
            yield span
