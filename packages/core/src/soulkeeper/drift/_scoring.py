"""Scoring: from violations to a per-turn score, a per-conversation drift score and an action level.

All of it is plain frozen data plus three pure functions, so the guard (or any caller) can keep the
conversation score wherever it keeps its state::

    score = update_score(previous_score, report, policy)
    level = level_for(score, report, policy)     # "ok" | "warn" | "reinject" | "restore"

The defaults and the scenarios they were chosen for are documented in ``docs/drift.md``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from soulkeeper.drift._report import DriftReport, Severity, Violation

__all__ = ["DEFAULT_POLICY", "LEVELS", "DriftPolicy", "Level", "level_for", "turn_score", "update_score"]

Level = Literal["ok", "warn", "reinject", "restore"]
LEVELS: tuple[Level, ...] = ("ok", "warn", "reinject", "restore")


@dataclass(frozen=True, slots=True)
class DriftPolicy:
    """Weights, smoothing and thresholds that turn violations into an action level.

    * A turn's score is ``1 - Π(1 - weight[severity])`` over its violations: 0 for a clean response,
      one violation scores its weight, several combine without exceeding 1.
    * The conversation's drift score is exponentially weighted:
      ``alpha * turn_score + (1 - alpha) * previous``.
    * The level is the highest threshold the conversation score reaches, raised to at least
      ``"warn"`` for any violation and to at least ``"reinject"`` for a high-severity one in this turn,
      and capped at ``"warn"`` when this turn is clean (nothing to repair; the score stays raised, so
      a relapse escalates faster).

    With the defaults: one low violation warns; three low ones in a row, or one medium one, re-inject
    the persona; two high-severity turns in a row (or persistent multiple medium violations) restore
    from a known-good checkpoint; clean turns halve the score each time.
    """

    low: float = 0.3
    medium: float = 0.5
    high: float = 0.9
    alpha: float = 0.5
    warn: float = 0.05
    reinject: float = 0.25
    restore: float = 0.6

    def __post_init__(self) -> None:
        for name in ("low", "medium", "high", "alpha", "warn", "reinject", "restore"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"DriftPolicy.{name} must be in [0, 1], got {value!r}")
        if self.alpha == 0.0:
            raise ValueError("DriftPolicy.alpha must be above 0, or the score never moves")
        if not self.warn <= self.reinject <= self.restore:
            raise ValueError("DriftPolicy thresholds must satisfy warn <= reinject <= restore")

    def weight(self, severity: Severity) -> float:
        """The weight of one violation of ``severity``."""
        return float(getattr(self, severity))


DEFAULT_POLICY = DriftPolicy()


def turn_score(violations: Iterable[Violation], policy: DriftPolicy = DEFAULT_POLICY) -> float:
    """The score of one response in ``[0, 1]``: ``1 - Π(1 - weight)`` over its violations."""
    clean = 1.0
    for violation in violations:
        clean *= 1.0 - policy.weight(violation.severity)
    return round(1.0 - clean, 6)


def update_score(previous: float, report: DriftReport, policy: DriftPolicy = DEFAULT_POLICY) -> float:
    """The conversation's drift score after ``report``: an exponentially weighted mean of turn scores."""
    if not 0.0 <= previous <= 1.0:
        raise ValueError(f"a drift score is in [0, 1], got {previous!r}")
    score = policy.alpha * report.score + (1.0 - policy.alpha) * previous
    return round(min(1.0, max(0.0, score)), 6)


def level_for(score: float, report: DriftReport | None = None, policy: DriftPolicy = DEFAULT_POLICY) -> Level:
    """The action level for a conversation score and the latest report (see :class:`DriftPolicy`)."""
    level: Level = "ok"
    if score >= policy.restore:
        level = "restore"
    elif score >= policy.reinject:
        level = "reinject"
    elif score >= policy.warn:
        level = "warn"
    if report is not None:
        if report.violations:
            floor: Level = "reinject" if report.max_severity == "high" else "warn"
            if LEVELS.index(floor) > LEVELS.index(level):
                level = floor
        elif LEVELS.index(level) > LEVELS.index("warn"):
            level = "warn"  # a clean response needs no action, but the conversation stays watched
    return level
