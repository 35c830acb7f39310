"""Korean speech level on SmileStyle (formal / gentle / informal) and IWSLT23 en-ko train references.

Detected = "casual" or "mixed" (banmal present); wrongly flagged = a polite or formal reference
predicted "casual" or "mixed".

    uv run python bench/drift_eval_korean.py [--sample N] [--errors K] [--compare-fast-path]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _drift_data import korean_iwslt, sample, smilestyle, speech_level_rows


def sets(n: int | None = None) -> list[tuple[str, str, list[str]]]:
    """(name, expected kind "honorific"|"banmal", texts) for every evaluation set."""
    ss = smilestyle(("formal", "gentle", "informal"))
    out = [
        ("SmileStyle formal (해요체)", "honorific", ss["formal"]),
        ("SmileStyle gentle (하십시오체)", "honorific", ss["gentle"]),
        ("SmileStyle informal (반말)", "banmal", ss["informal"]),
        ("IWSLT23 en-ko train formal", "honorific", korean_iwslt("formal")),
        ("IWSLT23 en-ko train informal", "banmal", korean_iwslt("informal")),
    ]
    if n is not None:
        out = [(name, kind, sample(texts, n, seed=1)) for name, kind, texts in out]
    return out


def evaluate(n: int | None = None, *, errors: int = 0) -> list[dict[str, object]]:
    """Return one result row per set: n, counts of each predicted level, and the rate that matters."""
    return speech_level_rows(sets(n), "ko", errors=errors)


def compare_fast_path() -> str:
    """Check the no-analyser fast path against the analyser on every Korean text we have.

    Every SmileStyle column, the IWSLT references, the Korean movie reviews of ``data/text`` and runs of
    three consecutive references joined (response-sized): the sentence levels must be identical
    whenever the fast path answers.
    """
    from _drift_data import DRIFT, require
    from soulkeeper.drift import _korean

    with require(DRIFT / "ko_register" / "smilestyle_dataset.tsv").open(encoding="utf-8") as fh:
        columns = tuple(fh.readline().rstrip("\n").split("\t"))
    texts = [text for column in smilestyle(columns).values() for text in column]
    reviews = require(DRIFT.parent / "text" / "ko.txt").read_text(encoding="utf-8").splitlines()
    texts += korean_iwslt("formal") + korean_iwslt("informal") + [t for t in reviews if t.strip()]
    joined = [" ".join(texts[i : i + 3]) for i in range(0, len(texts) - 2, 3)]
    answered = differ = 0
    examples: list[str] = []
    for text in texts + joined:
        fast = _korean._fast_levels(text)
        if fast is None:
            continue
        answered += 1
        saved = _korean._fast_levels
        _korean._fast_levels = lambda _t: None  # type: ignore[assignment]
        try:
            slow = _korean.korean_sentence_levels(text)
        finally:
            _korean._fast_levels = saved
        if slow != fast:
            differ += 1
            if len(examples) < 5:
                examples.append(text)
    total = len(texts) + len(joined)
    line = (
        f"Fast path (no analyser): answers {answered:,} of {total:,} texts ({answered / total:.1%}); "
        f"sentence levels differ from the analyser's on {differ}."
    )
    return "\n".join([line, *examples])


def pooled(rows: list[dict[str, object]], kind: str) -> tuple[int, float]:
    """(n, share flagged casual or mixed) over every set of one kind."""
    n = sum(int(r["n"]) for r in rows if r["kind"] == kind)  # type: ignore[call-overload]
    flagged = sum(float(r["casual_or_mixed"]) * int(r["n"]) for r in rows if r["kind"] == kind)  # type: ignore[arg-type,call-overload]
    return n, flagged / n


def table(rows: list[dict[str, object]]) -> str:
    lines = [
        "| Set | n | Formal | Polite | Casual or mixed | Undecided | Target |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        target = "banmal detected ≥ 97 %" if r["kind"] == "banmal" else "wrongly flagged ≤ 0.5 %"
        lines.append(
            f"| {r['set']} | {r['n']:,} | {r['formal']:.1%} | {r['polite']:.1%} | "
            f"**{r['casual_or_mixed']:.1%}** | {r['undecided']:.1%} | {target} |"
        )
    n_h, rate_h = pooled(rows, "honorific")
    n_b, rate_b = pooled(rows, "banmal")
    lines.append(
        f"| **all polite/formal references** | {n_h:,} | | | **{rate_h:.2%}** | | wrongly flagged ≤ 0.5 % |"
    )
    lines.append(f"| **all banmal references** | {n_b:,} | | | **{rate_b:.2%}** | | banmal detected ≥ 97 % |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=int, default=None, help="evaluate N items per set")
    parser.add_argument("--errors", type=int, default=0, help="print up to K misclassified texts per set")
    parser.add_argument(
        "--compare-fast-path", action="store_true", help="also check the fast path against the analyser"
    )
    args = parser.parse_args()
    if args.compare_fast_path:
        print(compare_fast_path())
        print()
    rows = evaluate(args.sample, errors=args.errors)
    print(table(rows))
    for r in rows:
        for level, text in r["errors"]:  # type: ignore[attr-defined]
            print(f"{r['set']}\t{level}\t{text}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
