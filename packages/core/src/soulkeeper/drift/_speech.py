"""Shared shape of the Korean and Japanese speech-level analyses: per-sentence evidence and its sum."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

SentenceRegister = Literal["formal", "polite", "casual"]


@dataclass(frozen=True, slots=True)
class SentenceLevel:
    """The register one sentence shows.

    ``span`` is the sentence's ``(start, end)`` in the text; ``strong`` is False for weak evidence (a
    trailing connective, a bare question, an exclamation), which counts only when no sentence of the
    text is honorific.
    """

    span: tuple[int, int]
    level: SentenceRegister
    strong: bool


def aggregate(sentences: Iterable[SentenceLevel]) -> str:
    """Sum per-sentence evidence to "formal", "polite", "casual", "mixed" or "undecided"."""
    formal = polite = casual = weak_casual = weak_polite = 0
    for s in sentences:
        if s.level != "casual" and not s.strong:
            weak_polite += 1
        elif s.level == "formal":
            formal += 1
        elif s.level == "polite":
            polite += 1
        elif s.strong:
            casual += 1
        else:
            weak_casual += 1
    honorific = formal + polite
    if honorific and casual:
        return "mixed"
    if honorific:
        return "formal" if formal >= polite else "polite"
    if casual or (weak_casual and not weak_polite):
        return "casual"
    if weak_polite and not weak_casual:
        return "polite"
    return "undecided"
