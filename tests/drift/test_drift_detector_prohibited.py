"""Prohibited patterns: emoji, emoticons, exclamation marks, casual greetings, words and regexes."""

from __future__ import annotations

from typing import Any

import pytest
from soulkeeper.drift import DriftDetector, DriftReport
from soulkeeper.spec import Rules


def check(text: str, **prohibited: Any) -> DriftReport:
    rules = Rules.model_validate({"voice": {"prohibited": prohibited}})
    return DriftDetector.from_rules(rules, detectors=["prohibited_patterns"]).check(text)


ALL = {"emoji": True, "emoticons": True, "exclamation": True, "casual_greetings": True}


def test_seed_case_violates_a_formal_no_emoji_persona() -> None:
    """The seed response breaks the emoji, exclamation and casual-greeting rules, each with its span."""
    text = "Hey! 🎉 Deployment's done — just a few things to look at!"
    report = check(text, **ALL)
    found = {v.rule_id: v for v in report.violations}
    assert set(found) == {
        "voice.prohibited.emoji",
        "voice.prohibited.exclamation",
        "voice.prohibited.casual_greetings",
    }
    assert found["voice.prohibited.emoji"].excerpt == "🎉"
    assert text[slice(*found["voice.prohibited.emoji"].span)] == "🎉"  # type: ignore[misc]
    assert found["voice.prohibited.casual_greetings"].span == (0, 3)
    assert "2 exclamation marks" in found["voice.prohibited.exclamation"].message


def test_clean_formal_response_passes() -> None:
    """A formal response with none of the prohibited patterns raises nothing."""
    text = "Hello. The deployment has completed; three items need your review (see the log at 10:30)."
    assert check(text, **ALL).ok


@pytest.mark.parametrize(
    "text", ["© 2025 Acme™", "A ↔ B", "I ♥ tea", "Step 1: run it.", "Price: $5 (approx.)"]
)
def test_text_symbols_are_not_emoji(text: str) -> None:
    """©, ™, ↔ and the text-style heart are symbols, not emoji."""
    assert check(text, emoji=True).ok


@pytest.mark.parametrize("text", ["Done ✅", "Ship it 🚀", "Family 👨‍👩‍👧 day", "Korea 🇰🇷", "love ❤️"])
def test_real_emoji_are_found(text: str) -> None:
    """Emoji, including ZWJ sequences, flags and emoji-style hearts, are violations."""
    report = check(text, emoji=True)
    assert [v.rule_id for v in report.violations] == ["voice.prohibited.emoji"]
    (violation,) = report.violations
    assert violation.span is not None
    assert text[violation.span[0] : violation.span[1]] == violation.excerpt


@pytest.mark.parametrize("text", ["Thanks :)", "ok ^^", "알겠어요 ㅠㅠ", "了解です (＾▽＾)", "sure ;-)"])
def test_emoticons_and_kaomoji_are_found(text: str) -> None:
    """Text emoticons and kaomoji count when the persona prohibits them."""
    assert [v.rule_id for v in check(text, emoticons=True).violations] == ["voice.prohibited.emoticons"]


@pytest.mark.parametrize(
    "text", ["See https://example.com/a:b", "Ratio 16:9 (roughly)", "Call f(x) now", "x = a[i](j)"]
)
def test_urls_ratios_and_code_are_not_emoticons(text: str) -> None:
    """URLs, ratios and brackets in code are not emoticons."""
    assert check(text, emoticons=True).ok


@pytest.mark.parametrize("text", ["Done!", "完了しました！", "Really‼", "끝났어요!"])
def test_exclamation_marks_including_full_width(text: str) -> None:
    """ASCII, full-width and double exclamation marks are all caught, with spans in the original text."""
    (violation,) = check(text, exclamation=True).violations
    assert violation.span is not None
    assert text[violation.span[0] : violation.span[1]] in {"!", "！", "‼"}


@pytest.mark.parametrize(
    "text", ["Use `a != b` to compare.", "if x != y: pass", "![diagram](d.png) shows it."]
)
def test_not_equal_and_markdown_images_are_not_exclamations(text: str) -> None:
    """``!=`` and a markdown image are not exclamation marks."""
    assert check(text, exclamation=True).ok


@pytest.mark.parametrize(
    "text",
    ["Hey there, the build is green.", "yo, done.", "Sup. Build is green.", "All set. Hey, one more thing.",
     "안녕~ 배포 끝났어.", "やっほー、終わったよ。", "What's up? Build is green."],
)  # fmt: skip
def test_casual_greetings_in_three_languages(text: str) -> None:
    """Casual greetings at the start of a sentence are caught in English, Korean and Japanese."""
    assert [v.rule_id for v in check(text, casual_greetings=True).violations] == [
        "voice.prohibited.casual_greetings"
    ]


@pytest.mark.parametrize(
    "text",
    ["Hello, the build is green.", "They said it works.", "안녕하세요. 배포가 끝났습니다.", "こんにちは。完了しました。",
     "The supper is ready.", "You are right."],
)  # fmt: skip
def test_neutral_greetings_and_lookalike_words_pass(text: str) -> None:
    """Neutral greetings and words that merely contain a greeting are not casual greetings."""
    assert check(text, casual_greetings=True).ok


def test_zero_width_and_lookalikes_do_not_slip_through() -> None:
    """A zero-width space inside "hey" and Cyrillic look-alikes are normalised before matching."""
    text = "H\u200bеy, that was аwesome"  # Cyrillic е and а
    report = check(text, casual_greetings=True, words=["awesome"])
    found = {v.rule_id: v for v in report.violations}
    assert set(found) == {"voice.prohibited.casual_greetings", "voice.prohibited.words"}
    assert found["voice.prohibited.words"].excerpt == "аwesome"
    assert found["voice.prohibited.casual_greetings"].excerpt == "H\u200bеy"


def test_words_match_whole_words_case_insensitively() -> None:
    """Prohibited words match on word boundaries regardless of case, and each word is reported once."""
    report = check("LOL, that was lol-worthy. Awesome.", words=["lol", "awesome", "no worries"])
    assert sorted(v.excerpt for v in report.violations) == ["Awesome", "LOL"]
    assert check("The lollipop was awesomeness itself.", words=["lol", "awesome"]).ok


def test_custom_regex_on_normalised_text() -> None:
    """Custom regexes run on normalised text: full-width letters are caught."""
    report = check("We're ｇｏｎｎａ ship it.", patterns=[r"(?i)\bgonna\b"])
    (violation,) = report.violations
    assert violation.rule_id == "voice.prohibited.patterns"
    assert violation.excerpt == "ｇｏｎｎａ"
