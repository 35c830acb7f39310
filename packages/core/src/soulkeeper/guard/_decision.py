"""What the guard decided about one response: data the adapter acts on."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from soulkeeper.drift import DriftReport, Level
from soulkeeper.stores import Checkpoint, ThreadState

__all__ = ["Action", "Decision"]

Action = Literal["ok", "warn", "reinject", "restore", "retry"]


@dataclass(frozen=True, slots=True)
class Decision:
    """The guard's verdict on one model response.

    ``action`` is what the adapter should do:

    * ``ok``: nothing; the response is in persona.
    * ``warn``: a minor slip; nothing to do now (logged, the drift score went up).
    * ``reinject``: the next :meth:`~soulkeeper.PersonaGuard.prepare` for this thread re-anchors the
      persona (full fidelity plus a reminder of the broken rules). Nothing else to do.
    * ``restore``: as ``reinject``, and the persona is re-pinned with the exemplars of the latest
      known-good checkpoint (``restored_from``) as anchoring examples.
    * ``retry``: call the model again for this turn with a fresh ``prepare`` (which carries the re-anchor)
      and ``observe`` the new response with ``attempt=attempt + 1``; only when the policy allows it.
    """

    action: Action
    thread_id: str
    turn: int
    report: DriftReport
    score: float
    """The thread's drift score after this response."""
    level: Level
    """The drift level the score maps to (``ok``/``warn``/``reinject``/``restore``)."""
    checkpoint: Checkpoint | None = None
    """The checkpoint written for this turn, if any (also when it is only queued during a store outage)."""
    restored_from: Checkpoint | None = None
    """For ``restore``: the known-good checkpoint whose exemplars anchor the next call."""
    reminder: str | None = None
    """The reminder text the next ``prepare`` will carry, when a re-anchor is pending."""
    store_error: str | None = None
    """One line describing a checkpoint store failure during this call; the persona stays pinned."""
    integrity_error: str | None = None
    """Set when the soul's files no longer match and the guard serves the last trusted version."""
    attempt: int = 0
    state: ThreadState | None = None
    """The thread's state after this response (turn, score, level, pending re-anchor, violated rules), as
    written to the store or, during a store outage, as held in process for it."""

    @property
    def violations(self) -> tuple[Any, ...]:
        """The report's violations (shortcut)."""
        return self.report.violations

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (for logs, events and ``--json`` output)."""
        return {
            "action": self.action,
            "thread_id": self.thread_id,
            "turn": self.turn,
            "score": self.score,
            "level": self.level,
            "report": self.report.to_dict(),
            "checkpoint": self.checkpoint.id if self.checkpoint is not None else None,
            "restored_from": self.restored_from.id if self.restored_from is not None else None,
            "reminder": self.reminder,
            "store_error": self.store_error,
            "integrity_error": self.integrity_error,
            "attempt": self.attempt,
            "pending_reanchor": self.state.pending_reanchor if self.state is not None else None,
            "violated_rules": list(self.state.violated_rules) if self.state is not None else [],
        }
