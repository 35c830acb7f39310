"""Accuracy of soulkeeper's token estimates against the real tokenizers in ../shared/data.

    uv run python bench/tokens_accuracy.py

Documents are 25-line chunks of ../shared/data/text/{ko,ja,zh,en}.txt, of the formal and informal
references of eight more languages (drift/multilingual: de es fr it nl pt hi vi) and of the register
corpora (drift/ko_register, drift/ja_politeness and their English sources); odd-numbered documents were
held out when bench/tokens_fit.py fitted the rates. "md" is every markdown
file of the real Soul Spec packages in ../shared/data/souls and "examples" every text file of the
repository's example personas (ko/ja/en markdown, YAML, JSON); neither is used for fitting. Prints markdown tables:
per family x language, the mean absolute percentage error and the signed bias (− = undercount) of the
calibrated estimate on held-out and on training documents, next to the common "CJK 0.75 / other 0.25"
estimate; then, per language group, the worst and mean error of the conservative ``estimate`` on every
held-out document.
"""

from __future__ import annotations

import math
import statistics
import sys
import time
from collections.abc import Callable, Sequence

from soulkeeper.tokens import CLASSES, get_tokenizer
from tokens_common import (
    ALL_LANGS,
    CORE_LANGS,
    LANG_GROUPS,
    REGISTER_LANGS,
    Doc,
    all_docs,
    available_families,
    core_docs,
    example_docs,
    extra_docs,
    persona_docs,
    true_count,
)

_WHOLE = ("md", "examples")  # evaluation-only groups: every document, shown on the held-out row
_CJK = {CLASSES.index(name) for name in ("hangul", "jamo", "hiragana", "katakana", "han", "cjk_punct")}


def naive(doc: Doc) -> int:
    """The common estimate: 0.75 per Hangul/kana/CJK character and 0.25 for every other, rounded up."""
    cjk = sum(n for i, n in enumerate(doc.counts) if i in _CJK)
    return math.ceil(0.75 * cjk + 0.25 * (sum(doc.counts) - cjk))


def errors(family: str, docs: Sequence[Doc], estimate: Callable[[Doc], int]) -> tuple[float, float]:
    """(MAPE %, mean signed error %) of ``estimate`` against the family's real counts."""
    signed = [
        100.0 * (estimate(d) - true_count(family, d.text)) / true_count(family, d.text)
        for d in docs
        if true_count(family, d.text)
    ]
    if not signed:
        return math.nan, math.nan
    return statistics.fmean(abs(e) for e in signed), statistics.fmean(signed)


def cell(mape: float, bias: float) -> str:
    return "–" if math.isnan(mape) else f"{mape:.1f} ({bias:+.1f})"


def family_table(families: list[str], docs: Sequence[Doc], langs: Sequence[str]) -> list[str]:
    lines = [
        "| tokenizer | estimate | " + " | ".join(langs) + " |",
        "|---|---|" + "---|" * len(langs),
    ]
    for family in families:
        fitted = get_tokenizer(f"estimate:{family}")

        def calibrated(d: Doc, fitted: object = fitted) -> int:
            return fitted.count(d.text)  # type: ignore[attr-defined, no-any-return]

        rows = (
            ("calibrated, held out", calibrated, True),
            ("calibrated, training", calibrated, False),
            ("CJK 0.75 / other 0.25", naive, True),
        )
        for label, estimate, held_out in rows:
            cells = [
                cell(
                    *errors(
                        family,
                        [d for d in docs if d.lang == lang and (d.held_out == held_out or lang in _WHOLE)],
                        estimate,
                    )
                )
                if held_out or lang not in _WHOLE
                else "–"
                for lang in langs
            ]
            lines.append(f"| {family} | {label} | " + " | ".join(cells) + " |")
    return lines


def conservative_table(families: list[str], langs: Sequence[str]) -> list[str]:
    """Worst / mean error % of the conservative estimate per language (held-out documents; "md" and
    "examples": every file) and per real tokenizer."""
    generic = get_tokenizer("estimate")
    docs = [d for d in (*all_docs(), *persona_docs(), *example_docs()) if d.held_out or d.lang in _WHOLE]
    lines = ["| tokenizer | " + " | ".join(langs) + " |", "|---|" + "---|" * len(langs)]
    for family in families:
        cells = []
        for lang in langs:
            ratios = [
                generic.count(d.text) / true_count(family, d.text) - 1
                for d in docs
                if d.lang == lang and d.text
            ]
            cells.append(f"{100 * min(ratios):+.1f} / {100 * statistics.fmean(ratios):+.1f}")
        lines.append(f"| {family} | " + " | ".join(cells) + " |")
    return lines


def conservative_summary(families: list[str]) -> list[str]:
    """The worst held-out document of every language and tokenizer: the 2 % check in one line each."""
    generic = get_tokenizer("estimate")
    worst = []
    for lang in ALL_LANGS:
        docs = [d for d in all_docs() if d.lang == lang and d.held_out and d.text]
        ratio, family = min(
            (generic.count(d.text) / true_count(f, d.text) - 1, f) for f in families for d in docs
        )
        worst.append(f"{lang} {100 * ratio:+.1f} ({family})")
    return ["worst held-out document per language: " + ", ".join(worst)]


def speed_table() -> list[str]:
    langs = (*CORE_LANGS, "de", "hi")
    sample = {lang: "\n".join(d.text for d in all_docs() if d.lang == lang)[:20_000] for lang in langs}
    specs = ["estimate", "estimate:qwen2", "tiktoken:o200k_base"]
    lines = ["| tokenizer | " + " | ".join(f"{lang} (µs / 20k chars)" for lang in langs) + " |"]
    lines.append("|---|" + "---|" * len(langs))
    for spec in specs:
        tok = get_tokenizer(spec)
        cells = []
        for lang in langs:
            runs = []
            for _ in range(15):
                start = time.perf_counter()
                tok.count(sample[lang])
                runs.append(time.perf_counter() - start)
            cells.append(f"{1e6 * statistics.median(runs):.0f}")
        lines.append(f"| {spec} | " + " | ".join(cells) + " |")
    return lines


def main() -> int:
    families = available_families()
    if not families:
        print("needs ../shared/data (text and tokenizers) beside the repository", file=sys.stderr)
        return 2
    print("### Calibrated estimates: MAPE % (signed bias %) on 25-line documents\n")
    docs = [*core_docs(), *persona_docs(), *example_docs()]
    print("\n".join(family_table(families, docs, [*CORE_LANGS, *_WHOLE])))
    for group in ("European Latin", "Hindi, Vietnamese"):
        print(f"\n### Calibrated estimates, {group} (formal and informal chat references)\n")
        print("\n".join(family_table(families, extra_docs(), LANG_GROUPS[group])))
    print("\n### Calibrated estimates, register corpora\n")
    print("\n".join(family_table(families, all_docs(), REGISTER_LANGS)))
    for group, langs in LANG_GROUPS.items():
        columns = (*langs, *_WHOLE) if group == "English" else langs
        print(f"\n### Conservative `estimate`, {group}: worst / mean error % per held-out document\n")
        print("\n".join(conservative_table(families, columns)))
    print()
    print("\n".join(conservative_summary(families)))
    print("\n### Counting speed (median)\n")
    print("\n".join(speed_table()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
