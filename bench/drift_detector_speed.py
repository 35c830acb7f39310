"""Speed of the drift detectors: medians per response, each detector alone and all together.

The English persona has every English rule (prohibited patterns, language "en", formal tone, identity,
behaviours, declined topics); responses are about 100 words. Korean and Japanese register detectors are
timed on typical two-to-three sentence responses. Target: all English detectors ≤ 100 µs per response.

Run: ``uv run python bench/drift_detector_speed.py``.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

from soulkeeper.drift import DriftDetector
from soulkeeper.spec import Rules

ENGLISH = Rules.model_validate(
    {
        "identity": {"name": "Mati", "aliases": ["Mati Kask"]},
        "voice": {
            "tone": "formal",
            "language": "en",
            "prohibited": {
                "emoji": True,
                "emoticons": True,
                "exclamation": True,
                "casual_greetings": True,
                "words": ["awesome", "super easy", "no worries", "lol", "game-changer"],
                "patterns": [r"(?i)\b(?:gonna|wanna|gotta)\b", r"(?i)\bcheers\b\s*$"],
            },
        },
        "boundaries": {
            "declined_topics": [
                {
                    "name": "politics",
                    "keywords": ["politics", "political", "election", "vote for", "senator"],
                },
                {"name": "medical_advice", "keywords": ["diagnosis", "symptoms", "medication", "dosage"]},
                {"name": "legal_advice", "keywords": ["lawsuit", "legal advice", "attorney"]},
            ]
        },
        "behaviors": {
            "greeting": "Hello, this is Mati.",
            "error_format": "Error: {what}. Cause: {cause}. Next step: {next_step}.",
            "length": {"max_words": 350},
        },
    }
)

CLEAN = (
    "The container has a memory limit but no request, so the scheduler places it as if it needed nothing "
    "and the kernel stops it when it reaches the limit. I recommend three changes, in order of importance. "
    "First, measure the real working set over a busy hour with the metrics server. Second, set the request "
    "to the observed ninety-fifth percentile and the limit about a quarter above it. Third, if the process "
    "is a virtual machine runtime, align its heap setting with the limit, or it will keep growing until the "
    "kernel stops it again. The values in the manifest are placeholders until you have the measurement."
)
DRIFTING = (
    "Hey! 🎉 The container's got a memory limit but no request, lol, so the scheduler kinda places it like it "
    "needs nothing and the kernel kills it when it hits the limit! I'm gonna suggest three quick fixes, super "
    "easy. First, measure the working set over a busy hour :) Second, set the request to what you saw and the "
    "limit a bit above it. Third, if it's a JVM, align the heap with the limit or it'll keep growing. As an AI "
    "language model I can't run it for you, but no worries, you've got this! Cheers"
)
KOREAN = "배포가 완료되었습니다. 헬스 체크도 모두 통과했습니다. 로그를 확인해 주세요."
KOREAN_LONG = (
    "배포가 완료되었습니다. 헬스 체크도 모두 통과했습니다. 로그를 확인해 주세요. 다음 배포는 내일 오전 열 시에 "
    "진행할 예정이며, 문제가 생기면 바로 알려 드리겠습니다."
)
KOREAN_CASUAL = "배포 끝났어. 헬스 체크도 다 통과했어. 로그 한번 확인해 줘."
KOREAN_MIXED = (
    "배포가 완료되었습니다. 헬스 체크도 다 통과했어. 로그를 확인해 주세요. 다음 배포는 내일 오전 열 시야."
)
JAPANESE = "デプロイが完了しました。ヘルスチェックもすべて正常です。ログをご確認ください。"


def median_us(fn: Callable[[], object], *, repeat: int = 2000, warmup: int = 50) -> float:
    """Median CPU time of one call in µs (thread time: robust to other processes on a shared machine)."""
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(repeat):
        start = time.thread_time_ns()
        fn()
        samples.append(time.thread_time_ns() - start)
    return statistics.median(samples) / 1000


def _interleaved(fn: Callable[[], object], *, repeat: int = 500) -> tuple[float, float]:
    """Median CPU µs of ``fn`` with the Korean fast path on and off, alternating call by call."""
    from soulkeeper.drift import _korean

    saved = _korean._fast_levels
    on: list[int] = []
    off: list[int] = []
    try:
        for i in range(repeat + 20):
            for enabled, samples in ((True, on), (False, off)):
                _korean._fast_levels = saved if enabled else (lambda _text: None)  # type: ignore[assignment]
                start = time.thread_time_ns()
                fn()
                if i >= 20:
                    samples.append(time.thread_time_ns() - start)
    finally:
        _korean._fast_levels = saved
    return statistics.median(on) / 1000, statistics.median(off) / 1000


def main() -> None:
    all_en = DriftDetector.from_rules(ENGLISH)
    print(f"English response: {len(CLEAN.split())} words (clean), {len(DRIFTING.split())} words (drifting)\n")
    print("| detector | clean, µs | drifting, µs |")
    print("|---|---|---|")
    for name in all_en.detectors:
        one = DriftDetector.from_rules(ENGLISH, detectors=[name])
        clean = median_us(lambda one=one: one.check(CLEAN, user_text="How do I fix the OOM kills?", turn=3))
        drift = median_us(
            lambda one=one: one.check(DRIFTING, user_text="How do I fix the OOM kills?", turn=3)
        )
        print(f"| {name} | {clean:.1f} | {drift:.1f} |")
    clean = median_us(lambda: all_en.check(CLEAN, user_text="How do I fix the OOM kills?", turn=3))
    drift = median_us(lambda: all_en.check(DRIFTING, user_text="How do I fix the OOM kills?", turn=3))
    print(f"| **all English detectors** | **{clean:.1f}** | **{drift:.1f}** |")

    from soulkeeper.drift import signals

    print('\n| signal function (helper "signals"), alone | clean, µs | drifting, µs |')
    print("|---|---|---|")
    for name, fn in (
        ("normalize_with_map", signals.normalize_with_map),
        ("detect_language", signals.detect_language),
        ("formality", signals.formality),
        ("find_identity_claims", signals.find_identity_claims),
        ("find_emoticons", signals.find_emoticons),
        ("find_emoji_spans", signals.find_emoji_spans),
    ):
        clean = median_us(lambda fn=fn: fn(CLEAN))
        drift = median_us(lambda fn=fn: fn(DRIFTING))
        print(f"| {name} | {clean:.1f} | {drift:.1f} |")

    print("\n| register detector | response | µs | µs, always the analyser |")
    print("|---|---|---|---|")
    for lang, label, text in (
        ("ko", "해요체/하십시오체, 3 sentences", KOREAN),
        ("ko", "하십시오체, 4 sentences", KOREAN_LONG),
        ("ko", "반말, 3 sentences", KOREAN_CASUAL),
        ("ko", "mixed, 4 sentences", KOREAN_MIXED),
        ("ja", "desu/masu, 3 sentences", JAPANESE),
    ):
        rules = Rules.model_validate({"voice": {"language": lang, "speech_level": "casual"}})
        name = "korean_speech_level" if lang == "ko" else "japanese_politeness"
        one = DriftDetector.from_rules(rules, detectors=[name])
        one.check(text)  # load the analyser
        if lang == "ko":  # interleaved with the same check with the no-analyser fast path switched off
            fast_us, slow_us = _interleaved(lambda one=one, text=text: one.check(text))
            fast, slow = fast_us, f"{slow_us:.1f}"
        else:
            fast, slow = median_us(lambda one=one, text=text: one.check(text), repeat=500), "="
        print(f"| {name} | {label} ({len(text)} characters) | {fast:.1f} | {slow} |")


if __name__ == "__main__":
    main()
