"""Checkpoint and ThreadState: bounds, validation and JSON round trips."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError
from soulkeeper.stores import MAX_EXEMPLAR_CHARS, MAX_EXEMPLARS, Checkpoint, ThreadState, trim_exemplars


def test_exemplars_are_bounded() -> None:
    """More than MAX_EXEMPLARS exemplars, or a longer one, is refused with a pointer to trim_exemplars."""
    with pytest.raises(ValidationError, match="trim_exemplars"):
        Checkpoint(thread_id="t", persona="p", exemplars=("x",) * (MAX_EXEMPLARS + 1))
    with pytest.raises(ValidationError, match="trim_exemplars"):
        Checkpoint(thread_id="t", persona="p", exemplars=("x" * (MAX_EXEMPLAR_CHARS + 1),))


def test_trim_exemplars_keeps_the_newest_and_cuts_long_ones() -> None:
    """trim_exemplars keeps the last MAX_EXEMPLARS texts in order, each cut to MAX_EXEMPLAR_CHARS."""
    texts = [f"reply {i}" for i in range(20)] + ["y" * (MAX_EXEMPLAR_CHARS + 50)]
    trimmed = trim_exemplars(texts)
    assert len(trimmed) == MAX_EXEMPLARS
    assert trimmed[0] == f"reply {20 - MAX_EXEMPLARS + 1}"
    assert trimmed[-1] == "y" * MAX_EXEMPLAR_CHARS
    Checkpoint(thread_id="t", persona="p", exemplars=trimmed)


@pytest.mark.parametrize("thread_id", ["", "a\x00b", "x" * 513])
def test_bad_thread_ids_are_refused(thread_id: str) -> None:
    """Empty, NUL-containing or over-long thread ids are refused by both models."""
    with pytest.raises(ValidationError, match="thread_id"):
        Checkpoint(thread_id=thread_id, persona="p")
    with pytest.raises(ValidationError, match="thread_id"):
        ThreadState(thread_id=thread_id)


def test_timestamps_are_utc_and_scores_finite() -> None:
    """Naive timestamps are taken as UTC, others converted; NaN scores and negative turns are refused."""
    naive = Checkpoint(thread_id="t", persona="p", created_at=datetime(2030, 1, 1, 12))
    assert naive.created_at == datetime(2030, 1, 1, 12, tzinfo=UTC)
    seoul = Checkpoint(
        thread_id="t", persona="p", created_at=datetime(2030, 1, 1, 21, tzinfo=timezone(timedelta(hours=9)))
    )
    assert seoul.created_at == naive.created_at
    assert seoul.created_at.tzinfo == UTC
    with pytest.raises(ValidationError):
        Checkpoint(thread_id="t", persona="p", drift_score=float("nan"))
    with pytest.raises(ValidationError):
        ThreadState(thread_id="t", turn=-1)


@given(
    persona=st.text(st.characters(exclude_categories=("Cs",)), max_size=50),
    exemplars=st.lists(
        st.text(st.characters(exclude_categories=("Cs",)), max_size=200), max_size=MAX_EXEMPLARS
    ),
    score=st.floats(allow_nan=False, allow_infinity=False),
    turn=st.integers(min_value=0, max_value=2**62),
)
def test_json_round_trip(persona: str, exemplars: list[str], score: float, turn: int) -> None:
    """Any valid checkpoint survives to_json / from_json unchanged (the store-assigned seq is attached)."""
    checkpoint = Checkpoint(
        thread_id="t", persona=persona, exemplars=tuple(exemplars), drift_score=score, turn=turn
    )
    again = Checkpoint.from_json(checkpoint.to_json(), seq=3)
    assert again == checkpoint.model_copy(update={"seq": 3})
