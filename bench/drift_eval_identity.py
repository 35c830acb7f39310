"""Identity claims on casual persona chat (Synthetic-Persona-Chat valid): what is claimed, and how often.

Human-like personas introduce themselves ("Hi, I'm Sarah"), so claims are expected; none of them may
name a base model or a model maker. ``--show K`` prints K random claims for review by hand.

    uv run python bench/drift_eval_identity.py [--sample N] [--show K]
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _drift_data import DRIFT, require, sample
from soulkeeper.drift.signals import find_identity_claims, mentions_base_model


def utterances() -> list[str]:
    """Every turn of every generated conversation, without its "User 1:" prefix."""
    path = require(DRIFT / "persona_chat" / "Synthetic-Persona-Chat_valid.csv")
    out: list[str] = []
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            for line in row["Best Generated Conversation"].splitlines():
                if ":" in line:
                    out.append(line.split(":", 1)[1].strip())
    return [u for u in out if u]


def evaluate(n: int | None = None, *, show: int = 0) -> dict[str, object]:
    """Counts of utterances with claims, by kind, and with base-model claims."""
    texts = utterances()
    if n is not None:
        texts = sample(texts, n, seed=4)
    kinds: Counter[str] = Counter()
    with_claims: list[tuple[str, list[str]]] = []
    base = 0
    for text in texts:
        claims = find_identity_claims(text)
        if not claims:
            continue
        with_claims.append((text, [c.claim for c in claims]))
        kinds.update(c.kind for c in claims)
        base += any(mentions_base_model(c.claim) for c in claims)
    shown = random.Random(5).sample(with_claims, min(show, len(with_claims)))
    return {
        "n": len(texts),
        "with_claims": len(with_claims),
        "kinds": dict(kinds),
        "base_model": base,
        "shown": shown,
    }


def table(r: dict[str, object]) -> str:
    kinds = ", ".join(f"{k} {v}" for k, v in sorted(r["kinds"].items()))  # type: ignore[attr-defined]
    return "\n".join(
        [
            "| Utterances | With a claim | Claims by kind | Naming a base model or maker |",
            "|---|---|---|---|",
            f"| {r['n']:,} | {r['with_claims']} | {kinds} | **{r['base_model']}** |",
        ]
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=int, default=None)
    parser.add_argument("--show", type=int, default=0, help="print K random claims for review")
    args = parser.parse_args()
    result = evaluate(args.sample, show=args.show)
    print(table(result))
    for text, claims in result["shown"]:  # type: ignore[attr-defined]
        print(f"{claims}\t{text}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
