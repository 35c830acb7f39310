"""formality() separates formal writing from casual chat and is fast."""

from __future__ import annotations

import time

import pytest
from soulkeeper.drift import formality
from soulkeeper.drift.signals import FORMALITY_FEATURES, formality_features

FORMAL = [
    "The deployment has been completed. Please review the attached report at your earliest convenience.",
    "According to the committee, the proposal will be evaluated in accordance with the published criteria.",
    "The scheduled maintenance has been postponed until further notice owing to unforeseen circumstances.",
]
# Direct address lowers the score (the model was fitted on news versus forum sentences), yet a formal
# letter to "you" still ranks above casual chat.
FORMAL_TO_YOU = (
    "We regret to inform you that the scheduled maintenance has been postponed until further notice."
)
CASUAL = [
    "Hey! 🎉 Deployment's done — just a few things to look at!",
    "lol ok i'll check it out tmrw",
    "omg that's sooo cool!! thanks guys :)",
]


@pytest.mark.parametrize("text", FORMAL)
def test_formal_scores_high(text: str) -> None:
    """Formal sentences score above 0.5."""
    assert formality(text) > 0.5


@pytest.mark.parametrize("text", CASUAL)
def test_casual_scores_low(text: str) -> None:
    """Casual chat scores below 0.2."""
    assert formality(text) < 0.2


def test_every_formal_above_every_casual() -> None:
    """The score ranks every formal example above every casual one."""
    assert min(map(formality, FORMAL)) > max(map(formality, CASUAL))


def test_formal_address_ranks_above_chat() -> None:
    """A formal sentence addressed to "you" still ranks above every casual one."""
    assert formality(FORMAL_TO_YOU) > max(map(formality, CASUAL))


def test_range_and_empty() -> None:
    """Scores lie in [0, 1]; empty text is 0.5."""
    assert formality("") == 0.5
    for text in FORMAL + CASUAL + ["!!!", "a", "OK."]:
        assert 0.0 <= formality(text) <= 1.0


def test_features_match_names() -> None:
    """The feature vector has one value per documented feature name."""
    assert len(formality_features("Hello there.")) == len(FORMALITY_FEATURES)


def test_other_languages_rejected() -> None:
    """Only English is supported; other languages raise ValueError."""
    with pytest.raises(ValueError, match="English"):
        formality("안녕하세요", lang="ko")


def test_speed_100_words() -> None:
    """A 100-word response is scored in well under a millisecond."""
    text = " ".join(["The service was restarted and all checks passed, however latency remains high."] * 8)
    formality(text)
    start = time.thread_time()
    for _ in range(200):
        formality(text)
    assert (time.thread_time() - start) / 200 < 0.001
