"""English formality against ``voice.tone``.

``formal`` personas are flagged when :func:`soulkeeper.drift.formality` scores the response below
:data:`FORMAL_MIN`; ``casual`` personas when it scores above :data:`CASUAL_MAX`; ``neutral`` is never
checked. Only English-looking responses (mostly ASCII letters) of at least :data:`MIN_WORDS` words are
judged. The thresholds are fitted on SQUINKY by ``bench/drift_fit_tone_thresholds.py`` (see
docs/drift.md); violations are low-severity, as the signal is statistical.
"""

from __future__ import annotations

import re
from typing import ClassVar

from soulkeeper.drift._detector import CheckContext, Detector
from soulkeeper.drift._report import Violation
from soulkeeper.drift.detectors._text import strip_code
from soulkeeper.spec.rules import Rules

__all__ = ["CASUAL_MAX", "FORMAL_MIN", "MIN_WORDS", "EnglishFormality"]

# Fitted by bench/drift_fit_tone_thresholds.py: at most ~0.5 % of SQUINKY sentences of the right register
# are flagged (false alarms cost a re-injection; blatant cases are caught by the rule-based detectors).
FORMAL_MIN = 0.02
CASUAL_MAX = 0.96
MIN_WORDS = 5

_SPACES = re.compile(r"[ \t]{2,}")
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")
_NOT_ASCII_LETTERS = bytes(b for b in range(128) if not chr(b).isalpha())


def _applies(rules: Rules) -> bool:
    if rules.voice.tone not in ("formal", "casual"):
        return False
    language = (rules.voice.language or "").strip().lower()
    return language in ("", "match_user") or language.split("-")[0] == "en"


class EnglishFormality(Detector):
    """``voice.tone``: an English response too casual for a formal persona, or too stiff for a casual one."""

    name: ClassVar[str] = "english_formality"
    rules_served: ClassVar[tuple[str, ...]] = ("voice.tone",)

    @classmethod
    def serves(cls, rules: Rules) -> bool:
        return _applies(rules)

    def check(self, ctx: CheckContext) -> list[Violation]:
        from soulkeeper.drift.signals import formality

        text = strip_code(ctx.text)
        if "  " in text or "\t" in text:
            text = _SPACES.sub(" ", text)
        if not text.isascii():
            latin = len(text.encode("ascii", "ignore").translate(None, _NOT_ASCII_LETTERS))
            other = sum(map(str.isalpha, "".join(_NON_ASCII.findall(text))))
            if latin < 0.9 * (latin + other):
                return []
        if len(text.split(None, MIN_WORDS)) < MIN_WORDS:
            return []
        score = formality(text, "en")
        tone = self.rules.voice.tone
        if tone == "formal" and score < FORMAL_MIN:
            message = f"too casual for a formal persona (formality {score:.2f} < {FORMAL_MIN})"
        elif tone == "casual" and score > CASUAL_MAX:
            message = f"too formal for a casual persona (formality {score:.2f} > {CASUAL_MAX})"
        else:
            return []
        return [self.violation("voice.tone", "low", message, excerpt=ctx.text.strip()[:60])]
