"""Behaviours: first-turn greeting, error template, status format and length limits."""

from __future__ import annotations

from typing import Any

import pytest
from soulkeeper.drift import DriftDetector, DriftReport
from soulkeeper.spec import Rules


def check(text: str, *, turn: int | None = None, **behaviors: Any) -> DriftReport:
    rules = Rules.model_validate({"behaviors": behaviors})
    return DriftDetector.from_rules(rules, detectors=["behaviors"]).check(text, turn=turn)


def test_greeting_is_required_on_turn_zero_only() -> None:
    """The greeting rule applies to the first response (turn 1, or 0), not later turns or unknown turns."""
    greeting = "Hello, this is Mati."
    assert check("Hello, this is Mati. How can I help?", turn=1, greeting=greeting).ok
    assert not check("Hi! How can I help?", turn=1, greeting=greeting).ok
    assert check("  hello,  this is mati. How can I help?", turn=0, greeting=greeting).ok
    (violation,) = check("Hi! How can I help?", turn=0, greeting=greeting).violations
    assert violation.rule_id == "behaviors.greeting"
    assert check("The build is green.", turn=2, greeting=greeting).ok
    assert check("The build is green.", turn=None, greeting=greeting).ok


def test_greeting_as_regex() -> None:
    """A greeting written as /…/ is a regular expression matched at the start."""
    assert check("Good morning, team.", turn=0, greeting="/(good (morning|afternoon|evening)|hello)\\b/").ok
    assert not check("Yo team.", turn=0, greeting="/(good (morning|afternoon|evening)|hello)\\b/").ok


TEMPLATE = "Error: {what}. Cause: {cause}. Next step: {next_step}."


def test_error_reports_must_follow_the_template() -> None:
    """A response that reports an error must match the error template; others are not judged."""
    good = "Error: the deploy of api-v2 stopped. Cause: the health check timed out. Next step: raise the timeout."
    assert check(good, error_format=TEMPLATE).ok
    (violation,) = check(
        "The deployment failed because the health check timed out.", error_format=TEMPLATE
    ).violations
    assert violation.rule_id == "behaviors.error_format"
    assert violation.severity == "medium"
    assert check("The deployment completed. No errors were logged later on.", error_format=TEMPLATE).ok


def test_error_template_in_korean() -> None:
    """A Korean error report is recognised and checked against a Korean template."""
    template = "앗, {what} 때문에 안 됐어. {fix} 해 볼래?"
    assert check("앗, 포트 충돌 때문에 안 됐어. 다른 포트로 해 볼래?", error_format=template).ok
    assert not check("배포가 실패했어. 로그를 봐.", error_format=template).ok


def test_status_reports_must_match_the_status_format() -> None:
    """A response whose first line is a status report must match the status regex."""
    fmt = r"^Status: (green|yellow|red)\b"
    assert check("Status: green\nAll services healthy.", status_format=fmt).ok
    (violation,) = check("Status update: everything looks fine.", status_format=fmt).violations
    assert violation.rule_id == "behaviors.status_format"
    assert check("The cache was cleared.", status_format=fmt).ok


@pytest.mark.parametrize(
    ("limits", "text", "rule"),
    [
        ({"max_words": 5}, "one two three four five six", "behaviors.length.max_words"),
        ({"max_chars": 10}, "x" * 11, "behaviors.length.max_chars"),
        ({"max_sentences": 2}, "One. Two. Three.", "behaviors.length.max_sentences"),
    ],
)
def test_length_limits(limits: dict[str, int], text: str, rule: str) -> None:
    """Each length limit is reported under its own rule id when exceeded, and not at the limit."""
    (violation,) = check(text, length=limits).violations
    assert violation.rule_id == rule
    assert violation.severity == "low"
    at_limit = {"max_words": "one two three four five", "max_chars": "x" * 10, "max_sentences": "One. Two."}
    assert check(at_limit[next(iter(limits))], length=limits).ok
