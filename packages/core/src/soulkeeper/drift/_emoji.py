"""Precise emoji and emoticon finding.

An emoji here is what a reader sees as a picture (UTS #51 "emoji presentation"):

* a character whose default presentation is emoji (``Emoji_Presentation``), unless followed by the
  text selector U+FE0E;
* a text-default emoji character (©, ™, ↔, ‼, ♥, ❤ …) only when followed by the emoji selector U+FE0F, a
  skin-tone modifier, or a zero-width joiner that continues into another pictograph;
* keycaps (``1️⃣``, ``#⃣``), flag pairs of regional indicators, tag sequences (🏴 + tags) and ZWJ sequences,
  each returned whole, as one item.

Bare digits, ``#`` and ``*``, and the text-style characters above are not emoji. The property tables are
Unicode 17.0 (see ``_emoji_data.py``).
"""

from __future__ import annotations

import re

from soulkeeper.drift import _emoji_data as data


def _cls(ranges: tuple[tuple[int, int], ...] | list[tuple[int, int]]) -> str:
    parts = []
    for a, b in ranges:
        parts.append(re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}")
    return "[" + "".join(parts) + "]"


def _minus(a: tuple[tuple[int, int], ...], b: set[int]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for lo, hi in a:
        for cp in range(lo, hi + 1):
            if cp in b:
                continue
            if out and out[-1][1] == cp - 1:
                out[-1] = (out[-1][0], cp)
            else:
                out.append((cp, cp))
    return out


def _expand(ranges: tuple[tuple[int, int], ...]) -> set[int]:
    return {cp for lo, hi in ranges for cp in range(lo, hi + 1)}


_PRESENTATION = _expand(data.EMOJI_PRESENTATION)
_KEYCAP_BASES = {ord(c) for c in "0123456789#*"}
_TEXT_DEFAULT = _minus(data.EMOJI, _PRESENTATION | _KEYCAP_BASES)
_PICTO_ONLY = _minus(data.EXTENDED_PICTOGRAPHIC, _expand(data.EMOJI))

_EP = _cls(data.EMOJI_PRESENTATION)
_TX = _cls(_TEXT_DEFAULT)
_XP = _cls(_PICTO_ONLY)
_MOD = "[\U0001f3fb-\U0001f3ff]"
_RI = "[\U0001f1e6-\U0001f1ff]"
_TAGS = "[\U000e0020-\U000e007e]+\U000e007f"
_ANY = f"(?:{_EP}|{_TX}|{_XP})"

_START = rf"(?:{_EP}(?!\ufe0e)\ufe0f?|{_TX}(?:\ufe0f|(?={_MOD})|(?=\u200d{_ANY})))"
_CONT = rf"\u200d{_ANY}\ufe0f?{_MOD}?"
EMOJI_RE = re.compile(
    rf"{_RI}{_RI}|[0-9#*]\ufe0f?\u20e3|{_START}{_MOD}?(?:{_TAGS})?(?:{_CONT})*",
)

#: Every code point that can start or belong to an emoji; a cheap prefilter.
_CANDIDATES = frozenset(_expand(data.EMOJI) | {0x20E3})
_CANDIDATE_CODES = frozenset(_CANDIDATES - _KEYCAP_BASES)
# a coarse superset with few ranges (cheap for the regex engine to scan); exact membership is checked after
_COARSE_RE = re.compile("[\u00a9\u00ae\u203c-\u2bff\u3030\u303d\u3297\u3299\U0001f000-\U0001faff]")


def find_emoji_spans(text: str) -> list[tuple[int, int]]:
    """Return the ``(start, end)`` character offsets of each emoji that :func:`find_emoji` finds."""
    if text.isascii():
        return []
    spans: list[tuple[int, int]] = []
    done = 0
    # try the full grammar only where a candidate character stands, not at every position
    for cand in _COARSE_RE.finditer(text):
        start = cand.start()
        if start < done or ord(text[start]) not in _CANDIDATE_CODES:
            continue
        if text[start] == "\u20e3":  # a keycap: back up to its base ("1", "1\ufe0f")
            base = start - 1
            if base >= done and text[base] == "\ufe0f":
                base -= 1
            if base < done or text[base] not in "0123456789#*":
                continue
            start = base
        match = EMOJI_RE.match(text, start)
        if match is not None:
            spans.append(match.span())
            done = match.end()
    return spans


def find_emoji(text: str) -> list[str]:
    """Return the emoji in ``text``, in order, each grapheme sequence (ZWJ, skin tone, flag, keycap) whole.

    ``"Done ✅ 👍🏽 🇰🇷 1️⃣ © ™ ♥"`` gives ``["✅", "👍🏽", "🇰🇷", "1️⃣"]``: ©, ™ and the text-style heart ♥
    are not emoji unless followed by the emoji selector U+FE0F (``"♥️"`` is one). Unicode 17.0 data.
    """
    if text.isascii():
        return []
    return [text[a:b] for a, b in find_emoji_spans(text)]


# ------------------------------------------------------------------------------------------- emoticons

_WEST = r"""
(?<![\w/:<>=^])                      # not inside a word, URL or ratio
(?:
    [:;=][-'^o]?[)(\]\[DPpO0/\\|*3]   # :)  ;-)  :D  :P  :/  =]  :*
    (?![\w/)(])
  | <3+(?!\d)                         # <3
  | [xX][Dd](?![\w])                  # xD XD
  | \*?\^[_.\-o0O~ω▽]*[\^~]\*?        # ^^ ^_^ ^0^ ^_~ *^____^*
  | [Tt;][_.][Tt;](?![\w])            # T_T ;_;
  | [oO0][_.][oO0](?![\w])            # o_O 0_0
  | >[_.]?<                           # >< >_<
  | -[_.]-                            # -_-
  | [ㅠㅜ]{2,}|[ㅠㅜ][_.][ㅠㅜ]           # ㅠㅠ ㅜ_ㅜ
  | ¯\\_\(ツ\)_/¯                     # shrug
  | [>＞╯][︿﹏_][<＜╰]                 # ＞﹏＜ ╯︿╰
  | (?P<eye>[✪★☆◕⊙●＾])\ ?[ω▽∀◡‿︶]\ ?(?P=eye)   # ✪ ω ✪
)
"""
# a bracketed face: (⊙_⊙) （＾▽＾） ( •̀ ω •́ ) (❁´◡`❁) (^_^) (-_-) — judged by _is_face
_BRACKETED_RE = re.compile(r"[(（][^()（）\n]{1,16}[)）]")
_ASCII_FACE_RE = re.compile(r"^[>^\-+*=o0OTx;@'`~]{1,2}[_.\-wo0O]*[<^\-+*=o0OTx;@'`~]{1,2}$")
_WORDY_RE = re.compile(r"[A-Za-z]{2,}|\d{2,}|[\uac00-\ud7a3]|[\u4e00-\u9fff]{2,}|[\u3040-\u30ff]{2,}")
_FACE_IDEOGRAPHS = frozenset("皿益艹口目人")
# the lookahead lets the engine skip positions that cannot start an emoticon
EMOTICON_RE = re.compile(r"(?=[:;=<>^*_xXTto0O\-¯ㅠㅜ✪★☆◕⊙●＾╯])" + _WEST, re.VERBOSE)


def _is_face(inner: str) -> bool:
    core = inner.replace(" ", "").replace("\u3000", "")
    if len(core) < 2:
        return False
    if core.isascii():
        return _ASCII_FACE_RE.match(core) is not None
    if _WORDY_RE.search(core):
        return False
    if any("\u4e00" <= ch <= "\u9fff" and ch not in _FACE_IDEOGRAPHS for ch in core):
        return False
    # symbols and non-Latin strokes make the face: (⊙_⊙) (ㄒoㄒ) (TヘTo) ( •̀ ω •́ )
    face = sum(1 for ch in core if not (ch.isascii() and ch.isalnum()))
    return face >= 2 or (face >= 1 and len(core) >= 3)


def find_emoticons(text: str) -> list[str]:
    """Return text emoticons and kaomoji: ``:)``, ``;-)``, ``:D``, ``<3``, ``^^``, ``T_T``, ``ㅠㅠ``, ``(＾▽＾)``, ``¯\\_(ツ)_/¯``.

    Bracketed kaomoji are recognised by shape (two or more symbol characters inside brackets, no words),
    so ``(⊙_⊙)``, ``( •̀ ω •́ )`` and ``(❁´◡`❁)`` are found while ``(1)``, ``(e.g.)`` and ``(주)`` are
    not. Laughter such as ``ㅋㅋ``/``ㅎㅎ``/``www`` is not an emoticon, and emoji are left to
    :func:`find_emoji`.
    """
    found: list[tuple[int, str]] = []
    taken: list[tuple[int, int]] = []
    if "(" in text or "（" in text:
        for m in _BRACKETED_RE.finditer(text):
            if _is_face(m.group(0)[1:-1]):
                found.append((m.start(), m.group(0)))
                taken.append(m.span())
    for m in EMOTICON_RE.finditer(text):
        if not any(a < m.end() and m.start() < b for a, b in taken):
            found.append((m.start(), m.group(0)))
    found.sort()
    return [g for _, g in found]
