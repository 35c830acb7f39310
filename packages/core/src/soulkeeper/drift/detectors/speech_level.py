"""Korean speech level and Japanese politeness against ``voice.speech_level``.

The persona's register is one of ``formal`` (하십시오체 / keigo), ``polite`` (해요체 / desu-masu) or
``casual`` (반말 / plain form). Formal and polite are both honorific: a polite answer for a formal
persona is not flagged (real Korean and Japanese business text mixes them); an answer in the other
family is a high-severity violation, and a response that mixes the families is a medium one. Quoted
speech is ignored by the signal, and responses whose register cannot be told (nouns, fragments) pass.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from soulkeeper.drift._detector import CheckContext, Detector, Requirement
from soulkeeper.drift._report import Violation
from soulkeeper.drift.detectors._text import strip_code
from soulkeeper.spec.rules import Rules

__all__ = ["JapanesePoliteness", "KoreanSpeechLevel"]

_HONORIFIC = frozenset({"formal", "polite"})


def _applies(rules: Rules, lang: str) -> bool:
    if rules.voice.speech_level is None:
        return False
    language = (rules.voice.language or "").strip().lower()
    return language in ("", "match_user") or language.split("-")[0] == lang


class _SpeechLevel(Detector):
    lang: ClassVar[str] = ""
    label: ClassVar[dict[str, str]] = {}
    min_chars: ClassVar[int] = 4

    @classmethod
    def serves(cls, rules: Rules) -> bool:
        return _applies(rules, cls.lang)

    def _count(self, text: str) -> int:
        raise NotImplementedError

    def check(self, ctx: CheckContext) -> list[Violation]:
        from soulkeeper.drift.signals import speech_level

        text = strip_code(ctx.text)
        if self._count(text) < self.min_chars:
            return []  # not (enough) Korean/Japanese to judge
        required = self.rules.voice.speech_level
        level = speech_level(text, self.lang)
        if level in ("undecided", required):
            return []
        if level == "mixed":
            severity = "medium"
            message = f"mixes {self.label['polite']} and {self.label['casual']} registers"
        elif (level in _HONORIFIC) == (required in _HONORIFIC):
            return []
        else:
            severity = "high"
            message = f"answers in {self.label[level]} where the persona speaks {self.label[str(required)]}"
        return [self.violation("voice.speech_level", severity, message, excerpt=ctx.text.strip()[:60])]


class KoreanSpeechLevel(_SpeechLevel):
    """``voice.speech_level`` for Korean responses (kiwipiepy, extra ``ko``)."""

    name: ClassVar[str] = "korean_speech_level"
    rules_served: ClassVar[tuple[str, ...]] = ("voice.speech_level",)
    lang: ClassVar[str] = "ko"
    label: ClassVar[dict[str, str]] = {
        "formal": "하십시오체 (formal)",
        "polite": "해요체 (polite)",
        "casual": "반말 (casual)",
    }

    @classmethod
    def requirements(cls, rules: Rules) -> Sequence[Requirement]:
        return (Requirement("Korean speech level (voice.speech_level)", "ko", "kiwipiepy"),)

    def _count(self, text: str) -> int:
        return sum(1 for c in text if "\uac00" <= c <= "\ud7a3")


class JapanesePoliteness(_SpeechLevel):
    """``voice.speech_level`` for Japanese responses (fugashi + unidic-lite, extra ``ja``)."""

    name: ClassVar[str] = "japanese_politeness"
    rules_served: ClassVar[tuple[str, ...]] = ("voice.speech_level",)
    lang: ClassVar[str] = "ja"
    min_chars: ClassVar[int] = 2
    label: ClassVar[dict[str, str]] = {
        "formal": "keigo (formal)",
        "polite": "desu/masu (polite)",
        "casual": "plain form (casual)",
    }

    @classmethod
    def requirements(cls, rules: Rules) -> Sequence[Requirement]:
        return (
            Requirement("Japanese politeness (voice.speech_level)", "ja", "fugashi"),
            Requirement("Japanese politeness (voice.speech_level)", "ja", "unidic_lite"),
        )

    def _count(self, text: str) -> int:
        return sum(1 for c in text if "\u3040" <= c <= "\u30ff")
