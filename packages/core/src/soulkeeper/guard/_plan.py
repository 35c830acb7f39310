"""From one drift report to the thread's next state and the guard's action: a pure function.

``plan_turn`` runs inside the store's atomic ``update_state``, so it may be called more than once for
one response (optimistic concurrency) and must not touch anything but its arguments.
"""

from __future__ import annotations

from dataclasses import dataclass

from soulkeeper.drift import DriftReport, Level, level_for, update_score
from soulkeeper.guard._decision import Action
from soulkeeper.guard._policy import Policy
from soulkeeper.stores import ThreadState

__all__ = ["MAX_VIOLATED", "TurnPlan", "plan_turn"]

MAX_VIOLATED = 16
"""At most this many violated rule ids are remembered for the reminder."""


@dataclass(frozen=True, slots=True)
class TurnPlan:
    """The thread's new state and what the guard decided."""

    state: ThreadState
    action: Action
    level: Level
    known_good: bool
    checkpoint_due: bool


def plan_turn(current: ThreadState, report: DriftReport, attempt: int, policy: Policy) -> TurnPlan:
    """The new state after ``report`` and the action to take.

    * The score and level come from the drift scoring policy; a clean reply is always ``ok`` (a level
      still at ``restore`` from the score alone is lowered to ``reinject``). The re-anchor stays pending
      exactly while the level is ``reinject`` or ``restore``.
    * A reply that drifts while a re-anchor was already pending escalates ``reinject`` to ``restore``:
      the reminder did not hold, so anchoring examples from a known-good checkpoint are pinned too.
    * ``retry`` replaces ``reinject``/``restore`` when the policy allows another model call this turn.
    * Retries (``attempt > 0``) do not advance the turn and never write checkpoints.
    """
    score = update_score(min(1.0, max(0.0, current.drift_score)), report, policy.drift)
    level = level_for(score, report, policy.drift)
    was_pending = current.pending_reanchor
    action: Action
    if report.ok:
        if level == "restore":
            level = "reinject"
        action = "ok"
    else:
        if was_pending and level == "reinject":
            level = "restore"
        action = level
    pending = level in ("reinject", "restore")
    if action in ("reinject", "restore") and policy.allow_retry and attempt < policy.max_retries:
        action = "retry"
    stored_level: str = level
    if pending and current.level == "restore" and report.ok:
        stored_level = "restore"  # keep the anchoring examples until the score settles
    if not pending:
        violated: tuple[str, ...] = ()
    elif report.ok:
        violated = current.violated_rules
    else:
        carried = current.violated_rules if was_pending else ()
        violated = tuple(dict.fromkeys([*report.rule_ids, *carried]))[:MAX_VIOLATED]
    turn = current.turn + (0 if attempt else 1)
    known_good = report.ok and level in ("ok", "warn")
    recovered = report.ok and level == "ok" and (current.level != "ok" or current.turn == 0)
    due = attempt == 0 and (turn % policy.checkpoint_every == 0 or recovered)
    state = current.model_copy(
        update={
            "turn": turn,
            "drift_score": score,
            "level": stored_level,
            "pending_reanchor": pending,
            "violated_rules": violated,
        }
    )
    return TurnPlan(state=state, action=action, level=level, known_good=known_good, checkpoint_due=due)
