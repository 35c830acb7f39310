"""normalize() defeats zero-width and look-alike tricks and keeps a map back to the original."""

from __future__ import annotations

from soulkeeper.drift import normalize
from soulkeeper.drift.signals import find_emoji, normalize_with_map


def test_zero_width_and_bidi_removed() -> None:
    """Zero-width spaces, joiners between letters, soft hyphens and bidi controls disappear."""
    assert normalize("he\u200bl\u200dl\u00ado\u202e") == "hello"


def test_tag_characters_removed() -> None:
    """Unicode tag characters (hidden ASCII) are stripped outside flag sequences."""
    assert normalize("hi\U000e0069\U000e0067\U000e006e there") == "hi there"


def test_nfkc_fullwidth_and_math_letters() -> None:
    """Full-width punctuation and mathematical letters fold to plain ASCII."""
    assert normalize("Ｈｅｌｌｏ！ 𝐰𝐨𝐫𝐥𝐝") == "Hello! world"


def test_cyrillic_lookalikes_fold_in_latin_text() -> None:
    """Cyrillic letters disguised inside English words become Latin."""
    assert normalize("Неllо, this is а tеst") == "Hello, this is a test"


def test_russian_text_left_alone() -> None:
    """Real Cyrillic text is not folded."""
    assert normalize("Привет, как дела?") == "Привет, как дела?"


def test_emoji_sequences_survive() -> None:
    """ZWJ sequences, flags and keycaps stay intact, so find_emoji still sees them."""
    text = "team 👨\u200d👩\u200d👧 🇰🇷 1️⃣ 🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f"
    assert find_emoji(normalize(text)) == find_emoji(text)


def test_map_back_to_original() -> None:
    """Spans in the normalised text map back to the original characters."""
    original = "say ｈ\u200bｉ！ now"
    norm = normalize_with_map(original)
    start = norm.text.index("hi!")
    a, b = norm.span(start, start + 3)
    assert original[a:b] == "ｈ\u200bｉ！"


def test_ascii_is_returned_unchanged() -> None:
    """Plain ASCII text is returned as is (the fast path)."""
    text = "Plain ASCII, nothing to do."
    assert normalize(text) is text
