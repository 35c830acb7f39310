"""plan_turn: the pure step from a drift report to the thread's next state and the guard's action."""

from __future__ import annotations

from soulkeeper.drift import DriftReport, Violation
from soulkeeper.guard import Policy
from soulkeeper.guard._plan import plan_turn
from soulkeeper.stores import ThreadState

CLEAN = DriftReport(ok=True, score=0.0)
MEDIUM = DriftReport(
    ok=False, score=0.5, violations=(Violation("voice.prohibited.emoji", "prohibited", "medium", "emoji"),)
)
HIGH = DriftReport(ok=False, score=0.9, violations=(Violation("identity.name", "identity", "high", "Gemma"),))


def _fresh() -> ThreadState:
    return ThreadState(thread_id="t")


def test_clean_first_turn_is_ok_and_checkpoints() -> None:
    """A clean first turn is ok, known-good, and due for a checkpoint (the first known-good one)."""
    plan = plan_turn(_fresh(), CLEAN, 0, Policy())
    assert (plan.action, plan.level, plan.known_good, plan.checkpoint_due) == ("ok", "ok", True, True)
    assert plan.state.turn == 1
    assert not plan.state.pending_reanchor


def test_high_violation_reinjects_then_escalates_to_restore() -> None:
    """A high-severity slip re-anchors; drifting again while the re-anchor is pending restores."""
    first = plan_turn(_fresh(), HIGH, 0, Policy())
    assert first.action == "reinject"
    assert first.state.pending_reanchor
    assert first.state.violated_rules == ("identity.name",)
    second = plan_turn(first.state, MEDIUM, 0, Policy())
    assert second.action == "restore"
    assert second.state.violated_rules == ("voice.prohibited.emoji", "identity.name")


def test_clean_reply_after_drift_is_ok_and_follows_the_scoring_level() -> None:
    """After drift, a clean reply is ok; the re-anchor stays pending exactly while the scoring policy's
    level for it is reinject or restore, and the score decays towards ok."""
    state = plan_turn(_fresh(), HIGH, 0, Policy()).state
    state = plan_turn(state, HIGH, 0, Policy()).state
    scores = []
    for _ in range(8):
        plan = plan_turn(state, CLEAN, 0, Policy())
        assert plan.action == "ok"
        assert plan.state.pending_reanchor == (plan.level in ("reinject", "restore"))
        scores.append(plan.state.drift_score)
        state = plan.state
    assert scores == sorted(scores, reverse=True)
    assert not state.pending_reanchor
    assert state.violated_rules == ()
    assert plan.level == "ok"


def test_retry_only_for_allowed_attempts_and_keeps_the_turn() -> None:
    """retry replaces reinject while attempts remain; retries do not advance the turn or checkpoint."""
    policy = Policy(allow_retry=True, max_retries=2, checkpoint_every=1)
    first = plan_turn(_fresh(), HIGH, 0, policy)
    assert first.action == "retry"
    assert first.state.turn == 1
    again = plan_turn(first.state, HIGH, 1, policy)
    assert again.action == "retry"
    assert again.state.turn == 1
    assert not again.checkpoint_due
    last = plan_turn(again.state, HIGH, 2, policy)
    assert last.action == "restore"


def test_checkpoint_every_n() -> None:
    """Checkpoints fall due every N turns even without a recovery."""
    state = plan_turn(_fresh(), CLEAN, 0, Policy(checkpoint_every=3)).state
    dues = []
    for _ in range(6):
        plan = plan_turn(state, CLEAN, 0, Policy(checkpoint_every=3))
        dues.append(plan.checkpoint_due)
        state = plan.state
    assert dues == [False, True, False, False, True, False]
