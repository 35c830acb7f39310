"""Japanese politeness on CoCoA-MT en-ja train references (formal = desu/masu, informal = plain).

Detected = "casual" or "mixed"; wrongly flagged = a formal reference predicted "casual" or "mixed".

    uv run python bench/drift_eval_japanese.py [--sample N] [--errors K]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _drift_data import japanese_cocoa, sample, speech_level_rows


def sets(n: int | None = None) -> list[tuple[str, str, list[str]]]:
    """(name, expected kind "honorific"|"plain", texts) for each evaluation set."""
    out = [
        ("CoCoA-MT en-ja train formal", "honorific", japanese_cocoa("formal")),
        ("CoCoA-MT en-ja train informal", "plain", japanese_cocoa("informal")),
    ]
    if n is not None:
        out = [(name, kind, sample(texts, n, seed=1)) for name, kind, texts in out]
    return out


def evaluate(n: int | None = None, *, errors: int = 0) -> list[dict[str, object]]:
    """Return one result row per set with the share of each predicted level."""
    return speech_level_rows(sets(n), "ja", errors=errors)


def table(rows: list[dict[str, object]]) -> str:
    lines = [
        "| Set | n | Keigo | Desu/masu | Casual or mixed | Undecided | Target |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        target = "casual detected ≥ 92 %" if r["kind"] == "plain" else "wrongly flagged ≤ 2 %"
        lines.append(
            f"| {r['set']} | {r['n']:,} | {r['formal']:.1%} | {r['polite']:.1%} | "
            f"**{r['casual_or_mixed']:.1%}** | {r['undecided']:.1%} | {target} |"
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=int, default=None, help="evaluate N items per set")
    parser.add_argument("--errors", type=int, default=0, help="print up to K misclassified texts per set")
    args = parser.parse_args()
    rows = evaluate(args.sample, errors=args.errors)
    print(table(rows))
    for r in rows:
        for level, text in r["errors"]:  # type: ignore[attr-defined]
            print(f"{r['set']}\t{level}\t{text}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
