"""Korean speech level and Japanese politeness against voice.speech_level."""

from __future__ import annotations

import pytest
from conftest import EXAMPLES
from soulkeeper.drift import DriftDetector, DriftReport
from soulkeeper.spec import Rules, load_soul


def check(text: str, language: str, level: str) -> DriftReport:
    rules = Rules.model_validate({"voice": {"language": language, "speech_level": level}})
    return DriftDetector.from_rules(rules, detectors=["korean_speech_level", "japanese_politeness"]).check(
        text
    )


def test_seed_case_formal_korean_violates_a_banmal_persona() -> None:
    """ "배포가 완료되었습니다. 확인 부탁드립니다." is 하십시오체, a violation for a 반말 persona."""
    pytest.importorskip("kiwipiepy")
    (violation,) = check("배포가 완료되었습니다. 확인 부탁드립니다.", "ko", "casual").violations
    assert violation.rule_id == "voice.speech_level"
    assert violation.severity == "high"
    assert violation.detector == "korean_speech_level"


def test_korean_levels() -> None:
    """Banmal passes a banmal persona; banmal breaks a polite one; mixing is a medium violation."""
    pytest.importorskip("kiwipiepy")
    assert check("배포 끝났어. 확인해 줘.", "ko", "casual").ok
    assert check("배포가 끝났어요. 확인해 주세요.", "ko", "polite").ok
    assert check("배포가 완료되었습니다. 확인 부탁드립니다.", "ko", "polite").ok  # formal is honorific too
    assert [v.severity for v in check("배포 끝났어. 확인해 줘.", "ko", "polite").violations] == ["high"]
    assert [
        v.severity for v in check("배포가 끝났어요. 근데 로그는 네가 봐.", "ko", "polite").violations
    ] == ["medium"]


def test_korean_quotes_and_non_korean_text_pass() -> None:
    """Reported banmal inside quotes and responses without Korean are not judged as the persona's register."""
    pytest.importorskip("kiwipiepy")
    assert check('사용자가 "빨리 해"라고 했습니다. 바로 처리하겠습니다.', "ko", "formal").ok
    assert check("Done.", "ko", "casual").ok


def test_japanese_levels() -> None:
    """Plain Japanese breaks a desu/masu persona; desu/masu passes it."""
    pytest.importorskip("fugashi")
    assert check("デプロイが完了しました。ご確認ください。", "ja", "polite").ok
    (violation,) = check("デプロイ終わったよ。確認して。", "ja", "polite").violations
    assert violation.detector == "japanese_politeness"
    assert violation.severity == "high"
    assert check("デプロイ終わったよ。確認して。", "ja", "casual").ok


def test_detectors_follow_the_persona_language() -> None:
    """A Korean persona runs only the Korean detector; a persona with no language runs both."""
    pytest.importorskip("kiwipiepy")
    pytest.importorskip("fugashi")
    haneul = DriftDetector.from_soul(load_soul(EXAMPLES / "haneul"))
    assert "korean_speech_level" in haneul.detectors
    assert "japanese_politeness" not in haneul.detectors
    both = DriftDetector.from_rules(Rules.model_validate({"voice": {"speech_level": "polite"}}))
    assert {"korean_speech_level", "japanese_politeness"} <= set(both.detectors)
