"""Scoring: turn scores, the exponentially weighted conversation score, and the action levels."""

from __future__ import annotations

import pytest
from soulkeeper.drift import DriftPolicy, DriftReport, Violation, level_for, turn_score, update_score

POLICY = DriftPolicy()


def report(*severities: str) -> DriftReport:
    violations = tuple(Violation(f"rule.{i}", "test", s, "m") for i, s in enumerate(severities))  # type: ignore[arg-type]
    return DriftReport(ok=not violations, score=turn_score(violations, POLICY), violations=violations)


def run(*turns: tuple[str, ...]) -> list[str]:
    score = 0.0
    levels = []
    for severities in turns:
        r = report(*severities)
        score = update_score(score, r, POLICY)
        levels.append(level_for(score, r, POLICY))
    return levels


def test_turn_score_combines_weights_without_exceeding_one() -> None:
    """A clean turn scores 0, one violation its weight, several combine below 1."""
    assert report().score == 0.0
    assert report("medium").score == POLICY.medium
    assert report("high", "high", "high").score < 1.0
    assert report("low", "medium").score == pytest.approx(1 - (1 - POLICY.low) * (1 - POLICY.medium))


def test_documented_scenarios() -> None:
    """The default policy behaves as docs/drift.md describes."""
    assert run(()) == ["ok"]
    assert run(("low",)) == ["warn"]
    assert run(("low",), ("low",), ("low",)) == ["warn", "warn", "reinject"]
    assert run(("medium",)) == ["reinject"]
    assert run(("high",)) == ["reinject"]
    assert run(("high",), ("high",)) == ["reinject", "restore"]
    assert run(("medium", "medium"), ("medium", "medium"), ("medium", "medium")) == [
        "reinject",
        "reinject",
        "restore",
    ]


def test_clean_turns_decay_the_score_and_cap_the_level_at_warn() -> None:
    """After drift, a clean response needs no action but the conversation stays watched."""
    assert run(("high",), ("high",), (), ()) == ["reinject", "restore", "warn", "warn"]
    score = 0.8
    for _ in range(6):
        score = update_score(score, report(), POLICY)
    assert level_for(score, report(), POLICY) == "ok"


def test_relapse_scores_higher_than_first_drift() -> None:
    """A violation soon after earlier drift scores higher than the same violation from a clean start."""
    fresh = update_score(0.0, report("high"), POLICY)
    after = 0.0
    for r in (report("high"), report(), report("high")):
        after = update_score(after, r, POLICY)
    assert after > fresh
    assert run(("medium",), (), ("high",), ("high",))[-1] == "restore"


def test_level_without_report_uses_only_the_score() -> None:
    """level_for works from the score alone when no report is given."""
    assert [level_for(s) for s in (0.0, 0.1, 0.3, 0.7)] == ["ok", "warn", "reinject", "restore"]


def test_update_score_stays_in_range() -> None:
    """Scores stay within [0, 1] and out-of-range inputs are refused."""
    assert 0.0 <= update_score(1.0, report("high", "high"), POLICY) <= 1.0
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        update_score(1.5, report(), POLICY)


@pytest.mark.parametrize(
    "kwargs",
    [{"low": 1.5}, {"alpha": 0.0}, {"warn": 0.5, "reinject": 0.4}, {"restore": -0.1}],
)
def test_policy_validation(kwargs: dict[str, float]) -> None:
    """Weights and thresholds outside [0, 1], a frozen score, or unordered thresholds are refused."""
    with pytest.raises(ValueError, match="DriftPolicy"):
        DriftPolicy(**kwargs)


def test_policy_is_frozen_data() -> None:
    """The policy is immutable plain data."""
    with pytest.raises(AttributeError):
        POLICY.warn = 0.5  # type: ignore[misc]
