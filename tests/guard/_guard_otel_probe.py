"""Run in a subprocess by test_guard_events: a minimal recording tracer on the OpenTelemetry API (no SDK
needed), one guarded turn, and the recorded spans printed as JSON."""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Iterator
from typing import Any

from opentelemetry import trace

spans: list[dict[str, Any]] = []


class RecordingSpan(trace.NonRecordingSpan):
    def __init__(self, name: str, attributes: dict[str, Any]) -> None:
        super().__init__(trace.INVALID_SPAN_CONTEXT)
        self.record = {"name": name, "attributes": dict(attributes)}
        spans.append(self.record)

    def set_attribute(self, key: str, value: Any) -> None:
        self.record["attributes"][key] = value

    def is_recording(self) -> bool:
        return True


class RecordingTracer(trace.Tracer):
    def start_span(
        self, name: str, context: Any = None, kind: Any = None, attributes: Any = None, **_: Any
    ) -> trace.Span:
        return RecordingSpan(name, dict(attributes or {}))

    @contextlib.contextmanager
    def start_as_current_span(
        self, name: str, context: Any = None, kind: Any = None, attributes: Any = None, **_: Any
    ) -> Iterator[trace.Span]:  # type: ignore[override]
        span = self.start_span(name, attributes=attributes)
        with trace.use_span(span, end_on_exit=True):
            yield span


class RecordingProvider(trace.TracerProvider):
    def get_tracer(self, *args: Any, **kwargs: Any) -> trace.Tracer:
        return RecordingTracer()


trace.set_tracer_provider(RecordingProvider())

from soulkeeper.guard import PersonaGuard  # noqa: E402
from soulkeeper.spec import load_soul  # noqa: E402

guard = PersonaGuard(load_soul(sys.argv[1]), store="memory://")
guard.observe("otel", "Hey! 🎉 I'm Gemma, an AI assistant developed by Google.")
json.dump(spans, sys.stdout)
