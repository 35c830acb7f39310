"""False alarms on real casual chat: every prohibited-pattern and identity violation must be really there."""

from __future__ import annotations

import sys

import pytest
from conftest import ROOT, require_data

sys.path.insert(0, str(ROOT / "bench"))

import drift_eval_false_alarms as fa

pytestmark = pytest.mark.slow


def test_persona_chat_sample_has_no_false_violations() -> None:
    """On 4,000 persona-chat utterances, no fired violation fails the independent check (and some fire)."""
    require_data("drift", "persona_chat", "Synthetic-Persona-Chat_valid.csv")
    result = fa.evaluate(4000)
    fired = result["fired"]
    assert sum(fired.values()) > 500  # type: ignore[attr-defined]  # casual chat really is full of "!" and "Hey"
    assert result["false_examples"] == []
    assert result["false_events"] == []


def test_real_text_sample_has_no_false_violations() -> None:
    """On the ko/ja/zh/en text lines (with real emoticons), no fired violation fails the independent check."""
    require_data("text", "ko.txt")
    result = fa.evaluate(corpus="text")
    assert result["fired"]["voice.prohibited.emoticons"] > 10  # type: ignore[index]
    assert result["false_examples"] == []


@pytest.mark.parametrize(
    "text",
    [
        "I'm a teacher.",
        "I am a nurse and I love it.",
        "I'm Catholic.",
        "I'm from Canada.",
        "I'm Happy to help!",
    ],
)
def test_identity_is_silent_on_self_descriptions(text: str) -> None:
    """Self-descriptions in persona chat ("I'm a teacher") are not identity claims."""
    from soulkeeper.drift import DriftDetector

    report = DriftDetector.from_rules(fa.RULES, detectors=["identity"]).check(text)
    assert report.ok
