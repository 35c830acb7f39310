"""Text normalisation for pattern matching, with a map back to the original offsets.

Detectors match words and patterns on normalised text so that tricks do not slip through:

* NFKC (full-width ``！`` → ``!``, ``𝐇𝐞𝐥𝐥𝐨`` → ``Hello``, ``ﬁ`` → ``fi``), except on emoji, which stay as
  they are so :func:`~soulkeeper.drift.find_emoji` still sees them;
* invisible characters removed: zero-width space/joiners, word joiner, BOM, soft hyphen, bidi controls,
  and Unicode tag characters (used to smuggle hidden ASCII) — the zero-width joiner and tags are kept
  inside emoji sequences (👨‍👩‍👧, 🏴 flags);
* Cyrillic and Greek look-alikes of Latin letters (``Неllо`` with Cyrillic Н, е, о) folded to Latin in
  words that also contain Latin letters, or everywhere when every Cyrillic/Greek letter of a text that
  has Latin letters is a look-alike; Russian or Greek text itself is left alone.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from soulkeeper.drift import _emoji_data as data

_INVISIBLE = frozenset(
    (
        *(0x00AD, 0x034F, 0x061C, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x180E, 0x200B, 0x200C, 0x200D, 0x200E),
        *(0x200F, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2060, 0x2061, 0x2062, 0x2063, 0x2064),
        *(0x2066, 0x2067, 0x2068, 0x2069, 0x206A, 0x206B, 0x206C, 0x206D, 0x206E, 0x206F, 0x3164),
        *(0xFEFF, 0xFFA0),
        *range(0xE0000, 0xE0080),
    )
)

#: Cyrillic and Greek letters that look like Latin ones (a subset of Unicode's confusables.txt).
CONFUSABLES: dict[str, str] = {
    # Cyrillic lower case
    "а": "a", "в": "b", "е": "e", "ё": "e", "һ": "h", "і": "i", "ї": "i", "ј": "j", "к": "k",
    "м": "m", "н": "h", "о": "o", "р": "p", "с": "c", "т": "t", "у": "y", "х": "x", "ѕ": "s",
    "ԁ": "d", "ԛ": "q", "ԝ": "w", "ү": "y", "ɡ": "g",
    # Cyrillic upper case
    "А": "A", "В": "B", "Е": "E", "Ё": "E", "З": "3", "І": "I", "Ї": "I", "Ј": "J", "К": "K",
    "М": "M", "Н": "H", "О": "O", "Р": "P", "С": "C", "Т": "T", "У": "Y", "Х": "X", "Ѕ": "S",
    "Ԁ": "D", "Ԛ": "Q", "Ԝ": "W", "Ү": "Y", "Һ": "H",
    # Greek
    "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N",
    "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X", "ο": "o", "ν": "v", "ι": "i", "κ": "k",
    "ρ": "p", "τ": "t", "υ": "u", "χ": "x", "α": "a", "ε": "e",
}  # fmt: skip

_EMOJI = frozenset(cp for lo, hi in data.EXTENDED_PICTOGRAPHIC for cp in range(lo, hi + 1)) | frozenset(
    cp for lo, hi in data.EMOJI_PRESENTATION for cp in range(lo, hi + 1)
)
_ZWJ = 0x200D
_CONFUSABLE_CHARS = frozenset(CONFUSABLES)
_CONFUSABLE_TABLE = str.maketrans(CONFUSABLES)
_SPECIAL = frozenset(chr(c) for c in _INVISIBLE) | _CONFUSABLE_CHARS


# the same characters as one class: a regex scan is faster than a set test over the text
def _char_class(chars: frozenset[str]) -> str:
    """A regex character class of ``chars`` written as ranges (a long list of single characters is slow)."""
    points = sorted(map(ord, chars))
    parts: list[str] = []
    start = prev = points[0]
    for cp in [*points[1:], -1]:
        if cp == prev + 1:
            prev = cp
            continue
        parts.append(re.escape(chr(start)) + (f"-{re.escape(chr(prev))}" if prev > start else ""))
        start = prev = cp
    return "[" + "".join(parts) + "]"


_SPECIAL_RE = re.compile(_char_class(_SPECIAL))
_NON_ASCII_RE = re.compile(r"[^\x00-\x7f]+")
_COMBINING_RE = re.compile(r"[\u0300-\u036f]")
_LATIN_RE = re.compile(r"[A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f]")
_LOOKALIKE_SCRIPTS_RE = re.compile(r"[\u0370-\u03ff\u0400-\u052f]")


def _is_latin(ch: str) -> bool:
    return ("a" <= ch <= "z") or ("A" <= ch <= "Z") or ("\u00c0" <= ch <= "\u024f" and ch.isalpha())


@dataclass(frozen=True, slots=True)
class NormalizedText:
    """Normalised text plus, for every output character, the offset of the original character it came from.

    ``offsets`` has ``len(text) + 1`` entries; the last is ``len(original)``. Use :meth:`span` to map a
    match in ``text`` back to the original string.
    """

    text: str
    original: str
    offsets: tuple[int, ...]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map the half-open span ``[start, end)`` of the normalised text to the original text."""
        if start >= end:
            pos = self.offsets[start]
            return pos, pos
        last = self.offsets[end - 1]
        nxt = self.offsets[end]
        # the original end is where the character after the last mapped one starts
        return self.offsets[start], max(nxt, last + 1)


def _is_mark(ch: str) -> bool:
    return bool(unicodedata.combining(ch)) or "\u1160" <= ch <= "\u11ff" or ch in "\uff9e\uff9f"


def _mark_follows(text: str, i: int) -> bool:
    """True when, skipping invisible characters from ``i``, the next character is a combining mark."""
    n = len(text)
    while i < n and ord(text[i]) in _INVISIBLE:
        i += 1
    return i < n and _is_mark(text[i])


def _keep_invisible(text: str, i: int) -> bool:
    """Zero-width joiners and tag characters survive inside emoji sequences only."""
    cp = ord(text[i])
    if cp == _ZWJ:
        j = i - 1
        while j >= 0 and (text[j] in "\ufe0f\ufe0e" or 0x1F3FB <= ord(text[j]) <= 0x1F3FF):
            j -= 1
        return j >= 0 and ord(text[j]) in _EMOJI and i + 1 < len(text) and ord(text[i + 1]) in _EMOJI
    if 0xE0020 <= cp <= 0xE007F:
        j = i - 1
        while j >= 0 and 0xE0020 <= ord(text[j]) <= 0xE007E:
            j -= 1
        return j >= 0 and text[j] == "\U0001f3f4"
    return False


_IDENTITY = tuple(range(8193))


def _identity(size: int) -> tuple[int, ...]:
    """``tuple(range(size))``, sliced from a shared tuple when short enough (much cheaper)."""
    return _IDENTITY[:size] if size <= len(_IDENTITY) else tuple(range(size))


def normalize_with_map(text: str, *, fold_confusables: bool = True) -> NormalizedText:
    """Normalise ``text`` (see :func:`normalize`) and keep the map back to the original offsets."""
    n = len(text)
    if text.isascii() or (unicodedata.is_normalized("NFKC", text) and _SPECIAL_RE.search(text) is None):
        return NormalizedText(text, text, _identity(n + 1))  # nothing to change (the common case)
    out: list[str] = []
    offsets: list[int] = []
    done = 0
    # ASCII stretches are copied whole; only runs of other characters are looked at one by one
    for run in _NON_ASCII_RE.finditer(text):
        start, end = run.span()
        if start > done and _mark_follows(text, start):
            start -= 1  # a combining mark belongs with the ASCII letter before it
        if start > done:
            out.append(text[done:start])
            offsets.extend(range(done, start))
        _normalize_run(text, start, end, out, offsets)
        done = end
    if done < n:
        out.append(text[done:])
        offsets.extend(range(done, n))
    result = "".join(out)
    if fold_confusables:
        result = _fold(result)
    offsets.append(n)
    return NormalizedText(result, text, tuple(offsets))


def _normalize_run(text: str, i: int, end: int, out: list[str], offsets: list[int]) -> None:
    while i < end:
        ch = text[i]
        cp = ord(ch)
        if cp in _INVISIBLE and not _keep_invisible(text, i):
            i += 1
            continue
        # a cluster: a starter plus following combining marks (and Hangul vowel/final jamo); invisible
        # characters between them are dropped, so the marks still compose with their base
        j = i + 1
        dropped = False
        while j < end:
            if _is_mark(text[j]):
                j += 1
            elif ord(text[j]) in _INVISIBLE and _mark_follows(text, j) and not _keep_invisible(text, j):
                j += 1
                dropped = True
            else:
                break
        chunk = text[i:j]
        if dropped:
            chunk = "".join(c for c in chunk if ord(c) not in _INVISIBLE)
        norm = chunk if cp in _EMOJI or ch in "\ufe0f\ufe0e" else unicodedata.normalize("NFKC", chunk)
        out.append(norm)
        offsets.extend([i] * len(norm))
        i = j


def _fold(text: str) -> str:
    if _CONFUSABLE_CHARS.isdisjoint(text):
        return text
    # Every Cyrillic/Greek letter here is a look-alike and there is Latin text: a disguise, fold them
    # all ("Неу there"). Otherwise real Cyrillic/Greek text is present: fold only mixed-script words.
    # (Both tests are unchanged by folding, so normalising twice gives the same result.)
    genuine = sum(1 for ch in _LOOKALIKE_SCRIPTS_RE.findall(text) if ch not in _CONFUSABLE_CHARS)
    if genuine == 0 and _LATIN_RE.search(text) is not None:
        if _COMBINING_RE.search(text) is None:
            return text.translate(_CONFUSABLE_TABLE)
        # a look-alike carrying a combining mark stays as it is (folding it would leave an uncomposed pair)
        return "".join(
            ch if _COMBINING_RE.match(text, i + 1) else CONFUSABLES.get(ch, ch) for i, ch in enumerate(text)
        )
    # fold only words that mix Latin letters with look-alikes
    chars = list(text)
    start = None
    for k in range(len(chars) + 1):
        if k < len(chars) and chars[k].isalpha():
            if start is None:
                start = k
            continue
        if start is not None:
            word = chars[start:k]
            if any(_is_latin(c) for c in word) and any(c in CONFUSABLES for c in word):
                chars[start:k] = [
                    c
                    if start + n + 1 < len(chars) and _COMBINING_RE.match(chars[start + n + 1])
                    else CONFUSABLES.get(c, c)
                    for n, c in enumerate(word)
                ]
            start = None
    return "".join(chars)


def normalize(text: str, *, fold_confusables: bool = True) -> str:
    """Return ``text`` normalised for pattern matching.

    NFKC (emoji left intact), invisible and bidi-control characters removed (zero-width joiners and tags
    kept inside emoji sequences), Cyrillic/Greek look-alikes of Latin letters folded to Latin in
    Latin-script words. Offsets change; use :func:`normalize_with_map` to map spans back. Pure-ASCII
    text is returned unchanged.
    """
    if text.isascii():
        return text
    return normalize_with_map(text, fold_confusables=fold_confusables).text
