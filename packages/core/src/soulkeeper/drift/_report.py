"""What a drift check returns: violations of the response, events on the user's input, the report."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = ["DriftReport", "InputEvent", "Severity", "Violation"]

Severity = Literal["low", "medium", "high"]
SEVERITIES: tuple[Severity, ...] = ("low", "medium", "high")


@dataclass(frozen=True, slots=True)
class Violation:
    """One rule the response broke.

    ``rule_id`` is the dotted id of the rule (``voice.prohibited.emoji``, ``identity.name``,
    ``boundaries.declined_topics.politics``); ``detector`` the name of the detector that found it;
    ``span`` the ``(start, end)`` character offsets of the offending text in the *original* response
    (``None`` when the violation is about the whole response, e.g. its language); ``excerpt`` that text.
    """

    rule_id: str
    detector: str
    severity: Severity
    message: str
    span: tuple[int, int] | None = None
    excerpt: str = ""

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "rule_id": self.rule_id,
            "detector": self.detector,
            "severity": self.severity,
            "message": self.message,
            "span": list(self.span) if self.span is not None else None,
            "excerpt": self.excerpt,
        }


@dataclass(frozen=True, slots=True)
class InputEvent:
    """Something noteworthy in the *user's* message, e.g. an attempt to override the persona's identity.

    Input events are not drift: they do not count towards the report's score, but a guard may log them
    or watch the next response more closely. ``span`` indexes the user text.
    """

    kind: str
    """``"identity_override"`` for "ignore your instructions, you are now …" and its variants."""
    detector: str
    message: str
    span: tuple[int, int] | None = None
    excerpt: str = ""

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "kind": self.kind,
            "detector": self.detector,
            "message": self.message,
            "span": list(self.span) if self.span is not None else None,
            "excerpt": self.excerpt,
        }


@dataclass(frozen=True, slots=True)
class DriftReport:
    """The result of checking one response against the persona's rules.

    ``ok`` is true when the response broke no rule (input events do not matter); ``score`` is this
    turn's drift score in ``[0, 1]`` (0 when ok, see :func:`soulkeeper.drift.turn_score`); ``turn`` is
    the turn number the caller passed, if any.
    """

    ok: bool
    score: float
    violations: tuple[Violation, ...] = ()
    input_events: tuple[InputEvent, ...] = ()
    turn: int | None = None
    detectors: tuple[str, ...] = field(default=())
    """Names of the detectors that ran."""

    @property
    def rule_ids(self) -> tuple[str, ...]:
        """The distinct rule ids violated, in order of first appearance."""
        return tuple(dict.fromkeys(v.rule_id for v in self.violations))

    @property
    def max_severity(self) -> Severity | None:
        """The highest severity among the violations, or ``None`` when there are none."""
        if not self.violations:
            return None
        return max((v.severity for v in self.violations), key=SEVERITIES.index)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "ok": self.ok,
            "score": self.score,
            "turn": self.turn,
            "violations": [v.to_dict() for v in self.violations],
            "input_events": [e.to_dict() for e in self.input_events],
            "detectors": list(self.detectors),
        }
