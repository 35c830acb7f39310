"""Korean speech level's no-analyser fast path agrees with the analyser wherever it answers."""

from __future__ import annotations

import csv

import pytest
from conftest import require_data

pytest.importorskip("kiwipiepy")

from soulkeeper.drift import _korean
from soulkeeper.drift.signals import speech_level

CASES = [
    "배포가 완료되었습니다. 헬스 체크도 모두 통과했습니다. 로그를 확인해 주세요.",
    "확인했습니다!\n내일 다시 연락드릴게요.",
    "  서버를 재시작합니다. 괜찮으신가요?  ",
    "v2 배포를 마쳤습니다. 문제없어요.",
    "필요.",  # a noun ending in 요: not the fast path
    "어머니다.",  # 니다 after a noun: not the fast path
    "v1.2 배포했습니다.",  # a dot inside a word: the analyser splits differently
    '그가 "알겠어"라고 했습니다.',  # quotes: the analyser handles them
    "배포 끝났어. 확인해 줘.",
    "배포가 끝났습니다. 확인해 줘.",
]


def _analyser_levels(text: str) -> list[_korean.SentenceLevel]:
    saved = _korean._fast_levels
    _korean._fast_levels = lambda _text: None  # type: ignore[assignment]
    try:
        return _korean.korean_sentence_levels(text)
    finally:
        _korean._fast_levels = saved


@pytest.mark.parametrize("text", CASES)
def test_fast_path_matches_the_analyser(text: str) -> None:
    """Where the fast path answers, its sentence levels and spans equal the analyser's."""
    fast = _korean._fast_levels(text)
    if fast is not None:
        assert fast == _analyser_levels(text)


def test_fast_path_answers_plain_honorific_text_only() -> None:
    """Plain 하십시오체/해요체 text takes the fast path; 반말, quotes and noun endings do not."""
    assert _korean._fast_levels(CASES[0]) is not None
    assert _korean._fast_levels(CASES[1]) is not None
    for text in CASES[4:]:
        assert _korean._fast_levels(text) is None, text
    assert speech_level(CASES[-1], "ko") == "mixed"


def test_fast_path_matches_the_analyser_on_smilestyle() -> None:
    """On honorific SmileStyle references (and runs of three) the fast path agrees with the analyser.

    The only tolerated difference: the analyser finds no casual sentence either (a misspelt polite ending
    such as "씨끄러워요" it cannot parse, left undecided).
    """
    path = require_data("drift", "ko_register", "smilestyle_dataset.tsv")
    texts: list[str] = []
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
            for column in ("formal", "gentle"):
                if (row.get(column) or "").strip():
                    texts.append(row[column].strip())
            if len(texts) >= 600:
                break
    texts += [" ".join(texts[i : i + 3]) for i in range(0, 300, 3)]
    answered = 0
    for text in texts:
        fast = _korean._fast_levels(text)
        if fast is None:
            continue
        answered += 1
        slow = _analyser_levels(text)
        assert [(s.span, s.level) for s in fast] == [(s.span, s.level) for s in slow] or all(
            s.level != "casual" for s in slow
        ), text
    assert answered > 100
