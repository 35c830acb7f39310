"""ThreadState's portable drift fields: what a framework's saved state carries, and adopting it."""

from __future__ import annotations

import pydantic
import pytest
from soulkeeper.stores import ThreadState, open_store


def test_portable_round_trip_keeps_the_drift_fields_only() -> None:
    """portable() is JSON-ready and holds only the drift fields; from_portable() rebuilds them."""
    state = ThreadState(
        thread_id="t1", turn=7, drift_score=0.4, level="warn", pending_reanchor=True, violated_rules=("r1",)
    )
    record = state.portable()
    assert record == {
        "turn": 7,
        "drift_score": 0.4,
        "level": "warn",
        "pending_reanchor": True,
        "violated_rules": ["r1"],
    }
    again = ThreadState.from_portable("t2", {**record, "revision": 99, "extra": "ignored"})
    assert again.thread_id == "t2"
    assert again.revision == 0
    assert again.portable() == record


def test_from_portable_rejects_malformed_fields() -> None:
    """A record with a malformed field is a ValidationError (a ValueError)."""
    with pytest.raises(pydantic.ValidationError):
        ThreadState.from_portable("t1", {"turn": -3})


def test_merged_into_adopts_only_a_later_turn() -> None:
    """Restored state replaces the drift fields only when it is further along than the store's."""
    store = open_store("memory://")
    store.update_state("t1", lambda s: s.model_copy(update={"turn": 5, "level": "ok"}))
    older = ThreadState.from_portable("t1", {"turn": 3, "level": "restore", "pending_reanchor": True})
    assert store.update_state("t1", older.merged_into).turn == 5
    newer = ThreadState.from_portable("t1", {"turn": 9, "level": "reinject", "pending_reanchor": True})
    merged = store.update_state("t1", newer.merged_into)
    assert (merged.turn, merged.level, merged.pending_reanchor) == (9, "reinject", True)
    store.close()
