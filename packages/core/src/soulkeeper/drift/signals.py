"""Signal functions: the measurements the drift detectors are built from, public for direct use.

Each is pure, offline and cheap enough to run on every response:

* :func:`speech_level` — Korean 하십시오체 / 해요체 / 반말 (extra ``ko``) and Japanese keigo / desu-masu /
  plain speech (extra ``ja``);
* :func:`formality` — English formality in [0, 1] from a small fitted model;
* :func:`detect_language` — ISO 639-1 code from the script, then a bundled model (extra ``lang``);
* :func:`find_emoji` / :func:`find_emoticons` — precise emoji (© ™ ↔ and text-style hearts are not) and
  text emoticons/kaomoji;
* :func:`identity_claims` — self-identifications ("I'm Gemma 4");
* :func:`normalize` / :func:`normalize_with_map` — NFKC, invisible characters out, look-alikes folded.

See ``docs/drift-signals.md`` for the rules and their measured accuracy.
"""

from __future__ import annotations

from typing import Literal

from soulkeeper.drift._emoji import find_emoji, find_emoji_spans, find_emoticons
from soulkeeper.drift._formality import FEATURES as FORMALITY_FEATURES
from soulkeeper.drift._formality import english_formality, formality_features
from soulkeeper.drift._identity import (
    BASE_MODEL_NAMES,
    MODEL_MAKERS,
    IdentityClaim,
    find_identity_claims,
    identity_claims,
    mentions_base_model,
)
from soulkeeper.drift._language import UNDETERMINED, detect_language, dominant_script, script_counts
from soulkeeper.drift._normalize import NormalizedText, normalize, normalize_with_map
from soulkeeper.drift._speech import SentenceLevel

SpeechLevel = Literal["formal", "polite", "casual", "mixed", "undecided"]

#: Languages :func:`speech_level` supports, with the extra each needs.
SPEECH_LEVEL_EXTRAS = {"ko": "ko", "ja": "ja"}

__all__ = [
    "BASE_MODEL_NAMES",
    "FORMALITY_FEATURES",
    "MODEL_MAKERS",
    "SPEECH_LEVEL_EXTRAS",
    "UNDETERMINED",
    "IdentityClaim",
    "NormalizedText",
    "SentenceLevel",
    "SpeechLevel",
    "detect_language",
    "dominant_script",
    "find_emoji",
    "find_emoji_spans",
    "find_emoticons",
    "find_identity_claims",
    "formality",
    "formality_features",
    "identity_claims",
    "mentions_base_model",
    "normalize",
    "normalize_with_map",
    "script_counts",
    "speech_level",
    "speech_level_sentences",
]


def _base_lang(lang: str) -> str:
    return lang.strip().lower().replace("_", "-").split("-")[0]


def speech_level(text: str, lang: str) -> SpeechLevel:
    """Return the speech level of ``text``: "formal", "polite", "casual", "mixed" or "undecided".

    * ``lang="ko"``: "formal" = 하십시오체 (…습니다), "polite" = 해요체 (…요), "casual" = 반말; needs the
      ``ko`` extra (kiwipiepy).
    * ``lang="ja"``: "formal" = keigo (ございます, 申します, おります …), "polite" = です/ます, "casual" =
      plain form; needs the ``ja`` extra (fugashi + unidic-lite).

    Sentences are judged by their final endings; quoted text and reported speech are ignored. "mixed"
    means both honorific and casual sentences occur; "undecided" means no sentence showed either (noun
    fragments, emoji, laughter).

    Raises:
        MissingExtraError: the language's extra is not installed.
        ValueError: ``lang`` is neither Korean nor Japanese.
    """
    base = _base_lang(lang)
    if base == "ko":
        from soulkeeper.drift._korean import korean_speech_level

        return korean_speech_level(text)  # type: ignore[return-value]
    if base == "ja":
        from soulkeeper.drift._japanese import japanese_speech_level

        return japanese_speech_level(text)  # type: ignore[return-value]
    raise ValueError(f"speech_level supports ko and ja, not {lang!r} (use formality() for English)")


def speech_level_sentences(text: str, lang: str) -> list[SentenceLevel]:
    """Return the sentences of ``text`` that show a register, each with its span, level and strength.

    The evidence :func:`speech_level` sums up, for pointing at the offending sentence: e.g. the one
    반말 sentence in an otherwise polite Korean answer. Sentences without evidence are left out.

    Raises:
        MissingExtraError: the language's extra is not installed.
        ValueError: ``lang`` is neither Korean nor Japanese.
    """
    base = _base_lang(lang)
    if base == "ko":
        from soulkeeper.drift._korean import korean_sentence_levels

        return korean_sentence_levels(text)
    if base == "ja":
        from soulkeeper.drift._japanese import japanese_sentence_levels

        return japanese_sentence_levels(text)
    raise ValueError(f"speech_level supports ko and ja, not {lang!r} (use formality() for English)")


def formality(text: str, lang: str = "en") -> float:
    """Return how formal ``text`` reads, from 0 (casual chat) to 1 (formal writing).

    A logistic model over cheap features (contractions, pronouns, slang and interjections, exclamation
    marks, emoticons, lower-case sentence starts, word length, Latinate words, connectives …) with weights
    fitted on human formality ratings (SQUINKY). 0.5 is the boundary the model was fitted for; an empty
    text gives 0.5. Only English (``lang="en"``) is supported.

    Raises:
        ValueError: ``lang`` is not English.
    """
    if _base_lang(lang) != "en":
        raise ValueError(f"formality supports English only, not {lang!r} (use speech_level() for ko/ja)")
    return english_formality(text)
