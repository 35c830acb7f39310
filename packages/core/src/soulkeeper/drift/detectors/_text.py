"""Text helpers shared by the built-in detectors: code stripping, sentences, letter counts.

Normalisation (NFKC, invisible characters out, look-alikes folded, with a map back to the original
offsets) is :func:`soulkeeper.drift.signals.normalize_with_map`, computed once per check by
:attr:`soulkeeper.drift.CheckContext.normalized`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = [
    "Sentence",
    "hangul_ratio",
    "kana_ratio",
    "letters",
    "sentences",
    "strip_code",
]

_CODE = re.compile(r"```.*?(?:```|\Z)|`[^`\n]*`|https?://\S+|www\.\S+", re.DOTALL)


def strip_code(text: str) -> str:
    """Blank out fenced and inline code and URLs (keeping offsets), which carry no register or language."""
    if "`" not in text and "://" not in text and "www." not in text:
        return text
    return _CODE.sub(lambda m: " " * len(m.group()), text)


_SENTENCE_END = re.compile(
    r"(?<=[.!?…])[\"'”’」』)\]]*\s+"  # Latin final punctuation, then space
    r"|(?<=[。！？])[\"'”’」』)\]]*\s*"  # CJK final punctuation needs no space
    r"|\n\s*\n|\n(?=\s*(?:[-*•]|\d+[.)])\s)"  # paragraphs and list items; a wrapped line is not a break
)


@dataclass(frozen=True, slots=True)
class Sentence:
    start: int
    end: int
    text: str


def sentences(text: str) -> list[Sentence]:
    """Split into sentences on final punctuation, blank lines and list items (not on wrapped lines)."""
    result: list[Sentence] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        if match.start() > start:
            result.append(Sentence(start, match.start(), text[start : match.start()]))
        start = match.end()
    if start < len(text) and text[start:].strip():
        result.append(Sentence(start, len(text), text[start:]))
    return result


def letters(text: str, *, cap: int | None = None) -> int:
    """How many letters the text has, a CJK character (Hangul, kana, Han) counting as two Latin letters.

    With ``cap``, counting stops once the count reaches it (enough to compare against a threshold).
    """
    count = 0
    for char in text:
        if char.isalpha():
            count += 2 if char >= "\u2e80" or "\u1100" <= char <= "\u11ff" else 1
            if cap is not None and count >= cap:
                return count
    return count


def _script_ratio(text: str, lo_hi: tuple[tuple[int, int], ...]) -> float:
    total = 0
    hits = 0
    for char in text:
        if char.isalpha():
            total += 1
            code = ord(char)
            if any(lo <= code <= hi for lo, hi in lo_hi):
                hits += 1
    return hits / total if total else 0.0


_HANGUL = ((0xAC00, 0xD7A3), (0x1100, 0x11FF), (0x3130, 0x318F))
_KANA = ((0x3040, 0x30FF), (0x31F0, 0x31FF), (0xFF66, 0xFF9D))


def hangul_ratio(text: str) -> float:
    """Share of the letters that are Hangul."""
    return _script_ratio(text, _HANGUL)


def kana_ratio(text: str) -> float:
    """Share of the letters that are Hiragana or Katakana."""
    return _script_ratio(text, _KANA)
