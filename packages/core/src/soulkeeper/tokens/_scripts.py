"""Unicode script classes for token estimates, counted in a single ``str.translate`` pass.

Every character falls in exactly one class. CJK scripts get their own classes because tokenizers
differ most there (reference/tokenizers.md); the rest is split into the ASCII classes a BPE merges
differently (letters, digits, spaces, newlines, punctuation) and the non-ASCII ones: Latin letters with
diacritics, two-byte alphabets (Greek, Cyrillic, Hebrew, Arabic …), Devanagari and every other script.
Three pseudo-classes follow: blank lines, indented lines and English function words (`` the ``,
`` and `` …), which tell English, whose letters are cheap in every vocabulary, from other Latin-script
languages written in the same ASCII letters.
"""

from __future__ import annotations

import re
from bisect import bisect_right

__all__ = ["CLASSES", "ENGLISH_DENSITY", "ENGLISH_WORDS", "class_of", "english_letters", "script_counts"]

CLASSES: tuple[str, ...] = (
    "hangul",  # Hangul syllables U+AC00–D7A3
    "jamo",  # Hangul Jamo, compatibility Jamo (ㅋㅋ ㅠㅠ), Jamo extensions, half-width Hangul
    "hiragana",  # hiragana and kana supplements
    "katakana",  # katakana, phonetic extensions, half-width katakana
    "han",  # CJK ideographs: unified, extensions A–H, compatibility ideographs, radicals
    "cjk_punct",  # CJK symbols and punctuation, full-width forms, enclosed CJK, vertical/small forms
    "emoji",  # pictographs, dingbats, symbols, regional indicators, ZWJ, variation selectors, tags
    "lower",  # ASCII lower-case letters
    "upper",  # ASCII capitals
    "digit",  # ASCII digits
    "space",  # ASCII spaces and tabs (and other ASCII whitespace except newline)
    "newline",  # line feed
    "punct",  # ASCII sentence punctuation: . , ; : ! ? ' " ( )
    "symbol",  # other ASCII symbols (markdown # * - _ ` > |, / @ & …) and control characters
    "latin_ext",  # Latin letters with diacritics (é, ß, ệ): Latin-1, Extended-A/B/Additional, combining marks
    "gen_punct",  # Latin-1 and general punctuation: non-breaking space, ’ “ ” — … •, currency, arrows
    "alphabet",  # two-byte alphabets U+0370–07FF: Greek, Cyrillic, Armenian, Hebrew, Arabic, Syriac, Thaana
    "devanagari",  # Devanagari U+0900–097F (Hindi, Marathi, Nepali)
    "other",  # every other script (Bengali, Tamil, Thai, Georgian, Ethiopic …) and unassigned code points
    "blank_line",  # not a character class: each "\n\n" (its rate corrects the newline rate for blank lines)
    "indent",  # not a character class: each indented line, "\n " (corrects the space rate for indentation)
    "english",  # not a character class: English function words (ENGLISH_WORDS), see english_letters()
)
_PSEUDO = 3  # blank_line, indent and english, counted apart at the end
# frequent English words that are not words of other Latin-script languages ("is", "in", "to", "of", "was",
# "die", "for" are: Dutch, German, Czech, Danish); counted with spaces around on the lower-cased bytes
ENGLISH_WORDS: tuple[bytes, ...] = tuple(
    f" {word} ".encode()
    for word in (
        "the",
        "and",
        "you",
        "your",
        "that",
        "with",
        "this",
        "have",
        "what",
        "are",
        "they",
        "will",
        "not",
        "be",
        "it",
        "can",
        "from",
        "would",
        "there",
        "about",
    )
)

# (first code point, class) — a code point belongs to the last range starting at or before it.
_RANGES: tuple[tuple[int, str], ...] = (
    (0x0080, "gen_punct"),  # C1 controls, NBSP, Latin-1 punctuation and signs
    (0x00C0, "latin_ext"),  # Latin-1 letters, Latin Extended-A/B, IPA, modifiers, combining diacritics
    (0x0370, "alphabet"),  # Greek, Cyrillic, Armenian, Hebrew, Arabic, Syriac, Thaana, N'Ko
    (0x0800, "other"),
    (0x0900, "devanagari"),
    (0x0980, "other"),
    (0x1100, "jamo"),
    (0x1200, "other"),
    (0x1E00, "latin_ext"),  # Latin Extended Additional (Vietnamese)
    (0x1F00, "other"),  # Greek Extended (three bytes)
    (0x2000, "gen_punct"),  # general punctuation, super/subscripts, currency, letterlike, arrows
    (0x2200, "other"),  # math operators
    (0x2300, "emoji"),  # misc technical (⌚ ⏰), control pictures
    (0x2440, "other"),
    (0x2460, "gen_punct"),  # enclosed alphanumerics, box drawing, blocks, geometric shapes (■ ●)
    (0x2600, "emoji"),  # misc symbols, dingbats (☀ ✅ ❤)
    (0x27C0, "other"),
    (0x2B00, "emoji"),  # misc symbols and arrows (⭐ ⬛)
    (0x2C00, "other"),
    (0x2E80, "han"),  # CJK and Kangxi radicals, ideographic description
    (0x3000, "cjk_punct"),  # CJK symbols and punctuation (、。「」)
    (0x3040, "hiragana"),
    (0x30A0, "katakana"),
    (0x3100, "cjk_punct"),  # bopomofo
    (0x3130, "jamo"),  # Hangul compatibility Jamo
    (0x3190, "cjk_punct"),  # kanbun, bopomofo extended, CJK strokes
    (0x31F0, "katakana"),  # katakana phonetic extensions
    (0x3200, "cjk_punct"),  # enclosed CJK letters, CJK compatibility
    (0x3400, "han"),  # extension A, unified ideographs
    (0xA000, "other"),
    (0xA960, "jamo"),  # Hangul Jamo extended-A
    (0xA980, "other"),
    (0xAC00, "hangul"),
    (0xD7A4, "other"),
    (0xD7B0, "jamo"),  # Hangul Jamo extended-B
    (0xD800, "other"),
    (0xF900, "han"),  # compatibility ideographs
    (0xFB00, "other"),
    (0xFE00, "emoji"),  # variation selectors
    (0xFE10, "cjk_punct"),  # vertical forms
    (0xFE20, "other"),
    (0xFE30, "cjk_punct"),  # CJK compatibility forms, small form variants
    (0xFE70, "other"),
    (0xFF00, "cjk_punct"),  # full-width ASCII and half-width CJK punctuation
    (0xFF66, "katakana"),  # half-width katakana
    (0xFFA0, "jamo"),  # half-width Hangul
    (0xFFE0, "cjk_punct"),  # full-width signs
    (0xFFF0, "other"),
    (0x1B000, "hiragana"),  # kana supplement and extensions
    (0x1B170, "other"),
    (0x1F000, "emoji"),  # mahjong, cards, enclosed supplements, regional indicators, pictographs
    (0x1FB00, "other"),
    (0x20000, "han"),  # extensions B–H, compatibility supplement
    (0x3FFFE, "other"),
    (0xE0000, "emoji"),  # tags (flag sequences)
    (0xE0080, "other"),
)
_STARTS = [start for start, _ in _RANGES]
_ASCII_NAMES = {"\n": "newline", "\t": "space", "\r": "space", "\x0b": "space", "\x0c": "space", " ": "space"}
_PROSE = frozenset(".,;:!?'\"()")
_ZWJ = 0x200D
# one ASCII letter per class (keeps CPython's ASCII fast path): the translation is counted per class
_MARK = {name: chr(0x41 + i) for i, name in enumerate(CLASSES[:-_PSEUDO])}
_MARKS = tuple(_MARK[name] for name in CLASSES[:-_PSEUDO])


def class_of(char: str) -> str:
    """The script class of one character."""
    code = ord(char)
    if code < 0x80:
        if char in _ASCII_NAMES:
            return _ASCII_NAMES[char]
        if char.isalpha():
            return "upper" if char.isupper() else "lower"
        if char.isdigit():
            return "digit"
        return "punct" if char in _PROSE else "symbol"
    if code == _ZWJ:
        return "emoji"
    return _RANGES[bisect_right(_STARTS, code) - 1][1]


_TABLE_LIMIT = 65_536


class _Table(dict[int, str]):
    """``str.translate`` table filled lazily: each distinct code point is classified once."""

    def __missing__(self, code: int) -> str:
        mark = _MARK[class_of(chr(code))]
        if len(self) < _TABLE_LIMIT:  # bounded: adversarial text cannot grow it without limit
            self[code] = mark
        return mark


_TABLE = _Table()

# ASCII characters are counted with C-level bytes.translate deletions on the UTF-8 bytes (every byte
# below 0x80 is an ASCII character there); only the non-ASCII characters go through the lookup table
_ASCII_CLASSES = ("lower", "upper", "digit", "space", "newline", "punct", "symbol")
_ASCII_INDEX = tuple(
    (CLASSES.index(name), bytes(c for c in range(256) if c >= 0x80 or class_of(chr(c)) != name))
    for name in _ASCII_CLASSES
)
_NON_ASCII_MARKS = tuple(
    (i, _MARKS[i]) for i, name in enumerate(CLASSES[:-_PSEUDO]) if name not in _ASCII_CLASSES
)
_LOWER = CLASSES.index("lower")
_ENGLISH = CLASSES.index("english")
# running English has 0.029–0.072 of these function words per lower-case letter (one per 14–35 letters),
# persona markdown (lists, headings) 0.007–0.029, the other Latin-script languages of the shared data below
# 0.003: a text with at least this density reads as English throughout, one with less in proportion
# (0.028 left the markdown persona files 10 points more overcounted, with no gain elsewhere)
ENGLISH_DENSITY = 0.012


def english_letters(counts: tuple[int, ...]) -> float:
    """The lower-case letters an estimate attributes to English: ``english`` function words divided by
    ENGLISH_DENSITY, at most every lower-case letter. The ``english`` rate (negative) applies to these."""
    return min(float(counts[_LOWER]), counts[_ENGLISH] / ENGLISH_DENSITY)


# lower-cased, with line breaks and tabs as spaces (English function words are found between spaces)
_LOWERED = bytes.maketrans(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ\n\t\r", b"abcdefghijklmnopqrstuvwxyz   ")
_ASCII_RUNS = re.compile(r"[\x00-\x7f]+")
_MOSTLY_ASCII = 4  # below one non-ASCII character in this many, strip the ASCII before the lookup


def script_counts(text: str) -> tuple[int, ...]:
    """Characters of ``text`` per class, in the order of :data:`CLASSES` (the last three: ``"\\n\\n"`` pairs,
    indented lines and English function words)."""
    counts = [0] * len(CLASSES)
    if not text:
        return tuple(counts)
    data = text.encode("utf-8")
    for index, delete in _ASCII_INDEX:
        counts[index] = len(data.translate(None, delete))
    if len(data) != len(text):  # some non-ASCII characters
        rest = text
        if (len(data) - len(text)) * _MOSTLY_ASCII < len(text):
            rest = _ASCII_RUNS.sub("", text)
        marked = rest.translate(_TABLE)
        for index, mark in _NON_ASCII_MARKS:
            counts[index] = marked.count(mark)
    counts[-3] = text.count("\n\n")
    counts[-2] = text.count("\n ") + text.startswith(" ")
    if counts[_LOWER]:
        lowered = b" " + data.translate(_LOWERED) + b" "
        counts[-1] = sum(lowered.count(word) for word in ENGLISH_WORDS)
    return tuple(counts)
