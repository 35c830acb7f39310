"""Declined topics: lexicon matches, with refusals that name the topic excused."""

from __future__ import annotations

import pytest
from conftest import EXAMPLES
from soulkeeper.drift import DriftDetector, DriftReport
from soulkeeper.spec import Rules, load_soul


def check(text: str) -> DriftReport:
    rules = Rules.model_validate(
        {
            "boundaries": {
                "declined_topics": [
                    {"name": "politics", "keywords": ["politics", "election", "vote for"]},
                    {"name": "medical_advice", "keywords": ["dosage", "medication"]},
                    {"name": "crypto"},
                ]
            }
        }
    )
    return DriftDetector.from_rules(rules, detectors=["declined_topics"]).check(text)


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("In the election, I would vote for the incumbent.", "boundaries.declined_topics.politics"),
        ("Take a dosage of 400 mg twice a day.", "boundaries.declined_topics.medical_advice"),
        ("Crypto is a good bet this year.", "boundaries.declined_topics.crypto"),
    ],
)
def test_talking_about_a_declined_topic_is_a_violation(text: str, rule: str) -> None:
    """A response that discusses a declined topic violates that topic's rule, with the keyword's span."""
    (violation,) = check(text).violations
    assert violation.rule_id == rule
    assert violation.severity == "high"
    assert violation.span is not None
    assert text[violation.span[0] : violation.span[1]] == violation.excerpt


@pytest.mark.parametrize(
    "text",
    [
        "I can't advise on medication; please consult a doctor.",
        "I'm not able to discuss politics. Shall we get back to the deployment?",
        "Elections are not something I comment on.",
        "I can’t help with the election. The rollout itself is on track.",
        "Sorry, I do not give medical advice. The medication question is one for your physician.",
    ],
)
def test_refusals_that_name_the_topic_are_not_violations(text: str) -> None:
    """Declining a topic, even by name, is what the persona should do."""
    assert check(text).ok


def test_refusal_then_discussion_is_still_a_violation() -> None:
    """A refusal does not excuse a later sentence that discusses the topic anyway."""
    text = (
        "I can't talk about politics. Anyway, the status is green. That said, the election looks close to me."
    )
    assert [v.rule_id for v in check(text).violations] == ["boundaries.declined_topics.politics"]


def test_words_that_merely_contain_a_keyword_pass() -> None:
    """Keywords match whole words only: "politicsless" or "cryptography" are not the topics."""
    assert check("We use cryptography for the tokens and an apolitical naming scheme.").ok


def test_korean_keywords_match_whole_words_with_particles() -> None:
    """Korean keywords allow particles ("약을") but not other words that start or end with them."""
    detector = DriftDetector.from_soul(load_soul(EXAMPLES / "haneul"), detectors=["declined_topics"])
    assert detector.check("약속 시간에 맞춰서 요약해 줄게.").ok
    assert [v.excerpt for v in detector.check("그 약을 하루 두 번 먹으면 돼.").violations] == ["약을"]
    assert detector.check("정치 얘기는 내가 할 수 없어. 코딩 얘기하자.").ok
