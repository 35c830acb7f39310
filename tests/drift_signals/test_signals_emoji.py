"""find_emoji is precise about what is an emoji; find_emoticons finds text faces and kaomoji."""

from __future__ import annotations

import pytest
from soulkeeper.drift import find_emoji
from soulkeeper.drift.signals import find_emoji_spans, find_emoticons


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Done ✅", ["✅"]),
        ("Hey! 🎉 Deployment's done", ["🎉"]),
        ("thumbs 👍🏽 up", ["👍🏽"]),
        ("family 👨\u200d👩\u200d👧\u200d👦 photo", ["👨\u200d👩\u200d👧\u200d👦"]),
        ("flag 🇰🇷 and 🇯🇵", ["🇰🇷", "🇯🇵"]),
        ("keycap 1️⃣ and #️⃣", ["1️⃣", "#️⃣"]),
        ("runner 🏃\u200d♀️ go", ["🏃\u200d♀️"]),
        ("heart on fire ❤\u200d🔥", ["❤\u200d🔥"]),
        (
            "Scotland 🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f",
            ["🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f"],
        ),
        ("red heart ❤️ with selector", ["❤️"]),
        ("coffee ☕ and star ⭐", ["☕", "⭐"]),
    ],
)
def test_emoji_found_whole(text: str, expected: list[str]) -> None:
    """Emoji sequences (skin tone, ZWJ, flags, keycaps, tags) come back as one item each."""
    assert find_emoji(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Copyright © 2025 Acme™ ® — all rights reserved",
        "left ↔ right ‼ and ™",
        "text hearts ♥ and ❤ without the selector",
        "numbers 1 2 3 # * and 10/10",
        "kaomoji (´･ω･`) and ^^ and :)",
        "smiley with text selector 😀\ufe0e",
        "plain ASCII text only",
        "배포가 완료되었습니다 ♡ ♪ ★ ☆",
    ],
)
def test_not_emoji(text: str) -> None:
    """©, ™, ®, ↔, ‼, text-style hearts, digits and symbols like ★ ♪ are not emoji."""
    assert find_emoji(text) == []


def test_emoji_spans_index_the_original() -> None:
    """Spans point at the emoji in the original string."""
    text = "ok 👍🏽 fine 🎉"
    assert [text[a:b] for a, b in find_emoji_spans(text)] == ["👍🏽", "🎉"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("thanks :) see you ;-)", [":)", ";-)"]),
        ("lol :D and :P", [":D", ":P"]),
        ("love it <3", ["<3"]),
        ("좋아요 ^^ 감사합니다", ["^^"]),
        ("힘들어 ㅠㅠ", ["ㅠㅠ"]),
        ("T_T so sad", ["T_T"]),
        ("yay (＾▽＾) and (^_^)", ["(＾▽＾)", "(^_^)"]),
        ("whatever ¯\\_(ツ)_/¯", ["¯\\_(ツ)_/¯"]),
        ("고마워 (❁´◡`❁)", ["(❁´◡`❁)"]),
        ("뭐야 (⊙_⊙)？", ["(⊙_⊙)"]),
    ],
)
def test_emoticons_found(text: str, expected: list[str]) -> None:
    """Western emoticons, Korean ㅠㅠ and kaomoji are found."""
    assert find_emoticons(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "See https://example.com/a:b and ratio 3:2 at 10:30.",
        "Step (1), option (a), (e.g.) and (주)회사, (笑)",
        "ㅋㅋㅋ 웃기다 ㅎㅎ",
        "The values (x, y) and f(x) = 2x.",
        "a b c 8 9 10",
    ],
)
def test_emoticons_not_found(text: str) -> None:
    """URLs, times, list markers, parenthesised words and laughter (ㅋㅋ) are not emoticons."""
    assert find_emoticons(text) == []
