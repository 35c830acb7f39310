"""Invariants of the signal functions on arbitrary text (hypothesis)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from soulkeeper.drift import detect_language, find_emoji, formality, identity_claims, normalize, speech_level
from soulkeeper.drift.signals import (
    find_emoji_spans,
    find_emoticons,
    normalize_with_map,
    speech_level_sentences,
)

# ASCII, Latin-1, CJK, Hangul, emoji, joiners, selectors, tags, look-alikes, combining marks
ALPHABET = st.sampled_from(
    list("abcXYZ 019.,!?'\"()-_:;^<>")
    + list("éüßñ\u0301\u0308")
    + list("日本語한국어ひらカタ")
    + list("аеорсНΟΑ")
    + list("\u200b\u200c\u200d\u2060\ufeff\u202e\u00ad\ufe0f\ufe0e\u20e3")
    + list("©™®↔‼♥❤☺✅⭐☕🎉👍🏽👨👩👧🇰🇷🏴\U000e0067\U000e007f")
    + list("！？（）＾▽ｈｉ①ﬁ𝐇")
)
TEXT = st.text(alphabet=ALPHABET, max_size=60)


@given(TEXT)
@settings(max_examples=300, deadline=None)
def test_normalize_map_is_consistent(text: str) -> None:
    """The offset map has one entry per output character plus the end, never decreases, and stays in range."""
    norm = normalize_with_map(text)
    assert norm.text == normalize(text)
    assert len(norm.offsets) == len(norm.text) + 1
    assert norm.offsets[-1] == len(text)
    assert all(0 <= a <= b <= len(text) for a, b in zip(norm.offsets, norm.offsets[1:], strict=False))
    if norm.text:
        a, b = norm.span(0, len(norm.text))
        assert 0 <= a <= b <= len(text)


@given(TEXT)
@settings(max_examples=300, deadline=None)
def test_normalize_is_idempotent_and_drops_invisibles(text: str) -> None:
    """Normalising twice changes nothing more, and zero-width spaces and bidi overrides are gone."""
    once = normalize(text)
    assert normalize(once) == once
    for invisible in ("\u200b", "\u202e", "\ufeff"):
        assert invisible not in once


@given(TEXT)
@settings(max_examples=300, deadline=None)
def test_emoji_spans_are_ordered_substrings(text: str) -> None:
    """Emoji spans are increasing, non-overlapping, and match find_emoji."""
    spans = find_emoji_spans(text)
    assert [text[a:b] for a, b in spans] == find_emoji(text)
    ends = [0]
    for a, b in spans:
        assert ends[-1] <= a < b
        ends.append(b)


@given(TEXT)
@settings(max_examples=200, deadline=None)
def test_signals_never_fail(text: str) -> None:
    """The English signals accept any text and return values of the documented shape."""
    assert 0.0 <= formality(text) <= 1.0
    assert isinstance(detect_language(text), str)
    assert all(isinstance(c, str) and c for c in identity_claims(text))
    assert all(isinstance(e, str) and e for e in find_emoticons(text))


KO_JA_ALPHABET = st.sampled_from(
    list("배포가완료되었습니다확인해줘요어야죠니까ㅋㅠ 저나너")
    + list("デプロイが完了しましたですよね「」『』。、！？")
    + list('."“”‘’,!?~\n 0a')
)
KO_JA_TEXT = st.text(alphabet=KO_JA_ALPHABET, max_size=40)
LEVELS = {"formal", "polite", "casual", "mixed", "undecided"}


@given(KO_JA_TEXT)
@settings(max_examples=150, deadline=None)
def test_speech_level_total_on_any_text(text: str) -> None:
    """speech_level answers one of its five values for any text, and sentence spans lie inside the text."""

    for lang, module in (("ko", "kiwipiepy"), ("ja", "fugashi")):
        pytest.importorskip(module)
        assert speech_level(text, lang) in LEVELS
        for sentence in speech_level_sentences(text, lang):
            a, b = sentence.span
            assert 0 <= a < b <= len(text)
