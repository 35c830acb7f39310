"""Speed of the signal functions: CPU-time medians per call, side by side in one run.

Measured with ``time.thread_time_ns`` (CPU time of this thread), so other processes on the shared
machine inflate the numbers less than wall-clock time would; each figure is the median of 15 rounds.
The texts are typical assistant responses written for this benchmark (English: 100 words).

    uv run python bench/drift_eval_speed.py [--rounds 15]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable

from soulkeeper.drift.signals import (
    detect_language,
    find_emoji,
    find_emoticons,
    formality,
    identity_claims,
    normalize,
    speech_level,
)

EN_100 = (
    "Thanks for your patience. The deployment to the staging cluster finished at 14:05 UTC and all "
    "twelve services report healthy. Two things need your attention before we promote the release: "
    "the payment gateway shows a slightly higher error rate than last week, and the nightly backup job "
    "took forty minutes longer than usual. I have attached the dashboards and the relevant log excerpts. "
    "If you agree, I will open a ticket for the backup job and roll out the gateway fix tomorrow morning. "
    "Please let me know whether you would like me to schedule the production rollout for Thursday evening."
)
KO_RESPONSE = "배포가 완료되었습니다. 서비스 열두 개가 모두 정상입니다. 결제 게이트웨이 오류율만 조금 높으니 확인 부탁드립니다."
KO_CASUAL = "배포 끝났어. 서비스 열두 개 다 정상이야. 결제 게이트웨이 오류율만 좀 높으니까 확인해 줘."
JA_RESPONSE = "デプロイが完了しました。十二のサービスはすべて正常です。決済ゲートウェイのエラー率が少し高いので、確認をお願いします。"

ENGLISH_SIGNALS: tuple[tuple[str, Callable[[str], object]], ...] = (
    ("normalize", normalize),
    ("find_emoji", find_emoji),
    ("find_emoticons", find_emoticons),
    ("detect_language", detect_language),
    ("formality", formality),
    ("identity_claims", identity_claims),
)


def cpu_median_us(fn: Callable[[], object], *, rounds: int, inner: int) -> float:
    """Median over ``rounds`` of the mean CPU time per call (µs) of ``inner`` calls."""
    fn()  # warm up: lazy models load here, not in the timing
    samples = []
    for _ in range(rounds):
        start = time.thread_time_ns()
        for _ in range(inner):
            fn()
        samples.append((time.thread_time_ns() - start) / inner / 1000)
    return statistics.median(samples)


def evaluate(rounds: int = 15) -> list[tuple[str, str, float, str]]:
    """Rows of (signal, text, µs per call, target)."""
    assert len(EN_100.split()) == 100, len(EN_100.split())
    rows: list[tuple[str, str, float, str]] = []
    total = 0.0
    for name, fn in ENGLISH_SIGNALS:
        us = cpu_median_us(lambda fn=fn: fn(EN_100), rounds=rounds, inner=200)  # type: ignore[misc]
        total += us
        rows.append((name, "English, 100 words", us, ""))
    rows.append(("**all English signals**", "English, 100 words", total, "≤ 100 µs"))
    rows.append(
        (
            "speech_level ko",
            "Korean, 3 sentences (하십시오체: no analyser needed)",
            cpu_median_us(lambda: speech_level(KO_RESPONSE, "ko"), rounds=rounds, inner=50),
            "≤ 1 ms",
        )
    )
    rows.append(
        (
            "speech_level ko",
            "Korean, 3 sentences (반말: the analyser runs)",
            cpu_median_us(lambda: speech_level(KO_CASUAL, "ko"), rounds=rounds, inner=50),
            "≤ 1 ms",
        )
    )
    rows.append(
        (
            "speech_level ja",
            "Japanese, 3 sentences",
            cpu_median_us(lambda: speech_level(JA_RESPONSE, "ja"), rounds=rounds, inner=50),
            "",
        )
    )
    rows.append(
        (
            "detect_language",
            "Korean, 3 sentences",
            cpu_median_us(lambda: detect_language(KO_RESPONSE), rounds=rounds, inner=200),
            "",
        )
    )
    return rows


def table(rows: list[tuple[str, str, float, str]]) -> str:
    lines = ["| Signal | Text | CPU µs per call (median) | Target |", "|---|---|---|---|"]
    lines.extend(f"| {name} | {text} | {us:.1f} | {target} |" for name, text, us, target in rows)
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    print(table(evaluate(args.rounds)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
