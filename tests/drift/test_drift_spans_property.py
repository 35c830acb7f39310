"""Spans of violations always point at their excerpt in the original text, whatever the text holds."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from soulkeeper.drift import DriftDetector
from soulkeeper.spec import Rules

RULES = Rules.model_validate(
    {
        "identity": {"name": "Mati"},
        "voice": {
            "prohibited": {
                "emoji": True,
                "emoticons": True,
                "exclamation": True,
                "casual_greetings": True,
                "words": ["awesome", "no worries"],
                "patterns": [r"(?i)gonna"],
            }
        },
        "boundaries": {"declined_topics": [{"name": "politics", "keywords": ["election", "선거"]}]},
    }
)
DETECTOR = DriftDetector.from_rules(RULES)

PIECES = st.sampled_from(
    [
        "Hey", "hey", "H\u200bey", "Неу", "awesome", "аwesome", "no worries", "gonna", "ｇｏｎｎａ", "election",
        "선거", "!", "！", "‼", ":)", "^^", "ㅠㅠ", "(＾▽＾)", "🎉", "👨\u200d👩\u200d👧", "🇰🇷", "©", "\u200b", "\ufeff",
        "\u00ad", " ", "\n", ". ", "I'm Gemma 4", "my name is Sam", "I'm a teacher", "배포", "完了", "x",
    ]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(PIECES, max_size=12).map("".join))
def test_spans_match_excerpts(text: str) -> None:
    """Every span lies inside the response and slices out exactly the reported excerpt."""
    for violation in DETECTOR.check(text).violations:
        if violation.span is None:
            continue
        start, end = violation.span
        assert 0 <= start <= end <= len(text)
        assert text[start:end] == violation.excerpt
