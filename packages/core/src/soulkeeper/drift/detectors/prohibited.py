"""Prohibited patterns: emoji, emoticons and kaomoji, exclamation marks, casual greetings, words, regexes.

Everything but emoji and emoticons is matched on the normalised response (NFKC, invisible characters
dropped, Cyrillic/Greek look-alikes folded), so "h\u200bey" and full-width "！" are caught; spans point
into the original text. Emoji come from :func:`soulkeeper.drift.find_emoji` on the original text
(emoji sequences need their zero-width joiners), emoticons and kaomoji from
:func:`soulkeeper.drift.find_emoticons`. Code blocks, inline code and URLs are ignored.
"""

from __future__ import annotations

import re
import string
import unicodedata
from typing import ClassVar

from soulkeeper.drift._detector import CheckContext, Detector
from soulkeeper.drift._report import Violation
from soulkeeper.drift.detectors._prefilter import required_literals, ruled_out
from soulkeeper.drift.detectors._text import strip_code
from soulkeeper.errors import RulesError
from soulkeeper.spec.rules import Rules

__all__ = ["CASUAL_GREETINGS", "ProhibitedPatterns"]

# Casual greetings at the start of a line or sentence (matched case-insensitively on normalised text).
CASUAL_GREETINGS: dict[str, str] = {
    "en": r"hey+(?:\s+there)?|hiya|heya|howdy|yo+|sup|wh?at['’]?s\s+up|wass+up|whaz+up|hi\s+there|g['’]?day|hullo",
    "ko": r"안녕(?!하|히)|안뇽|하이(?![가-힣])|ㅎㅇ|헬로(?![가-힣])|방가방가|방가|여어|얘들아|헤이(?![가-힣])",
    "ja": r"やっほ[ー〜~]*|やほー|おっす|ちーっす|ちわっす|ちっす|よっ(?![\w])|よう(?=[!、,\s~]|$)|こんち[はわ](?!\w)"
    r"|ハロー|おはよ[ー〜~]+|おはよう(?!ござ)|ども[ー〜~]+",
}
_GREETING = re.compile(
    r"(?:^|(?<=[.!?。])\s*)[\s\"'(「『*_]*(?P<g>(?:"
    + "|".join(CASUAL_GREETINGS.values())
    + r"))(?![a-z0-9])",
    re.IGNORECASE | re.MULTILINE,
)

# every emoticon or kaomoji contains one of these characters or sequences (eyes, mouths, brackets)
_EMOTICON_CHARS = tuple(":;=^<>()[]_ㅠㅜ¯（）")
_EMOTICON_SEQUENCES = ("xd", "o.o", "0.0", "t.t", "-.-", ";.;")
# the first words of the English casual greetings, for a prefilter on the response's word set
_GREETING_WORDS = frozenset(
    ("hi", "hiya", "heya", "howdy", "sup", "what", "whats", "wat", "wats", "g", "gday", "hullo", "hey", "yo")
)


# the same tests as two scans: a character class, and the sequences (each starts with "." or "x", so the
# scan jumps between those characters)
_EMOTICON_CHAR_RE = re.compile("[" + re.escape("".join(_EMOTICON_CHARS)) + "]")
_EMOTICON_SEQUENCE_RE = re.compile(r"xd|\.(?:(?<=o\.)o|(?<=0\.)0|(?<=t\.)t|(?<=-\.)-|(?<=;\.);)")


def _emoticon_possible(text: str, lower: str) -> bool:
    return _EMOTICON_CHAR_RE.search(text) is not None or _EMOTICON_SEQUENCE_RE.search(lower) is not None


# drawn-out forms of the greeting words ("heyyy", "yooo", "wassup", "whazzup"): a substring scan (the
# regex starts with a literal, so the scan jumps between candidate letters)
_GREETING_VARIANTS = re.compile(r"heyy|yoo|wass|whaz")


def _greeting_possible(ctx: CheckContext) -> bool:
    if not ctx.normalized.text.isascii():
        return True  # Korean and Japanese greetings: let the regex decide
    return not ctx.words.isdisjoint(_GREETING_WORDS) or _GREETING_VARIANTS.search(ctx.lower) is not None


_PUNCTUATION_TO_SPACE = str.maketrans(dict.fromkeys(string.punctuation, " "))
_EXCLAMATION = re.compile(r"[!‼⁉❗❕](?![=\[])")


def _head(word: str) -> str:
    """The first token of a word, split as :attr:`CheckContext.words` splits the response."""
    tokens = unicodedata.normalize("NFKC", word).lower().translate(_PUNCTUATION_TO_SPACE).split()
    return tokens[0] if tokens else ""


def _word_pattern(word: str) -> str:
    word = unicodedata.normalize("NFKC", word.strip())
    body = re.escape(word)
    if word[:1].isascii() and (word[:1].isalnum() or word[:1] == "_"):
        body = r"(?<!\w)" + body
    if word[-1:].isascii() and (word[-1:].isalnum() or word[-1:] == "_"):
        body += r"(?!\w)"
    return body


class ProhibitedPatterns(Detector):
    """``voice.prohibited.*``: emoji, emoticons, exclamation marks, casual greetings, words, regexes."""

    name: ClassVar[str] = "prohibited_patterns"
    rules_served: ClassVar[tuple[str, ...]] = ("voice.prohibited",)

    @classmethod
    def serves(cls, rules: Rules) -> bool:
        p = rules.voice.prohibited
        return bool(p.emoji or p.emoticons or p.exclamation or p.casual_greetings or p.words or p.patterns)

    def __init__(self, rules: Rules) -> None:
        super().__init__(rules)
        p = rules.voice.prohibited
        self._emoji = p.emoji
        self._emoticons = p.emoticons
        self._exclamation = p.exclamation
        self._greetings = p.casual_greetings
        words = [w for w in p.words if w.strip()]
        # one pattern per word, with cheap prefilters: the literal text on ASCII responses, the word's
        # first token on others
        self._words: list[tuple[str, tuple[str, ...] | None, re.Pattern[str]]] = []
        for w in words:
            pattern = re.compile(_word_pattern(w), re.IGNORECASE)
            self._words.append((_head(w), required_literals(pattern), pattern))
        self._patterns: list[tuple[str, tuple[str, ...] | None, re.Pattern[str]]] = []
        for source in p.patterns:
            try:
                compiled = re.compile(source)
            except re.error as exc:
                raise RulesError(
                    f"voice.prohibited.patterns: invalid regular expression {source!r}: {exc}"
                ) from exc
            self._patterns.append((source, required_literals(compiled), compiled))

    def check(self, ctx: CheckContext) -> list[Violation]:
        found: list[Violation] = []
        norm = ctx.normalized
        plain = strip_code(norm.text)
        if self._emoji and not ctx.text.isascii():
            found.extend(self._check_emoji(ctx.text))
        if self._emoticons:
            found.extend(self._check_emoticons(strip_code(ctx.text)))
        if self._exclamation and ("!" in plain or not plain.isascii()):
            hits = list(_EXCLAMATION.finditer(plain))
            if hits:
                span = norm.span(*hits[0].span())
                count = len(hits)
                found.append(
                    self.violation(
                        "voice.prohibited.exclamation",
                        "low",
                        f"{count} exclamation mark{'s' if count > 1 else ''}",
                        span=span,
                        text=ctx.text,
                    )
                )
        if self._greetings and _greeting_possible(ctx):
            match = _GREETING.search(plain)
            if match:
                span = norm.span(*match.span("g"))
                found.append(
                    self.violation(
                        "voice.prohibited.casual_greetings",
                        "medium",
                        f"casual greeting {ctx.text[span[0] : span[1]]!r}",
                        span=span,
                        text=ctx.text,
                    )
                )
        if self._words:
            ascii_text = norm.text.isascii()
            for head, literals, pattern in self._words:
                if ruled_out(literals, ctx.lower) if ascii_text else (head not in ctx.lower):
                    continue
                match = pattern.search(plain)
                if match is None:
                    continue
                span = norm.span(*match.span())
                found.append(
                    self.violation(
                        "voice.prohibited.words",
                        "medium",
                        f"prohibited word {match.group()!r}",
                        span=span,
                        text=ctx.text,
                    )
                )
        ascii_text = norm.text.isascii()
        for source, literals, pattern in self._patterns:
            if ascii_text and ruled_out(literals, ctx.lower):
                continue
            hit = pattern.search(norm.text)
            if hit:
                span = norm.span(*hit.span())
                found.append(
                    self.violation(
                        "voice.prohibited.patterns",
                        "medium",
                        f"matches prohibited pattern {source!r}",
                        span=span,
                        text=ctx.text,
                    )
                )
        return found

    def _check_emoji(self, text: str) -> list[Violation]:
        from soulkeeper.drift.signals import find_emoji_spans

        spans = find_emoji_spans(text)
        if not spans:
            return []
        start, end = spans[0]
        more = f" and {len(spans) - 1} more" if len(spans) > 1 else ""
        return [
            self.violation(
                "voice.prohibited.emoji",
                "medium",
                f"emoji {text[start:end]}{more}",
                span=(start, end),
                excerpt=text[start:end],
            )
        ]

    def _check_emoticons(self, text: str) -> list[Violation]:
        from soulkeeper.drift.signals import find_emoticons

        if not _emoticon_possible(text, text.lower()):
            return []
        found = find_emoticons(text)
        if not found:
            return []
        first = found[0]
        start = text.find(first)
        more = f" and {len(found) - 1} more" if len(found) > 1 else ""
        return [
            self.violation(
                "voice.prohibited.emoticons",
                "low",
                f"emoticon {first!r}{more}",
                span=(start, start + len(first)) if start >= 0 else None,
                excerpt=first,
            )
        ]
