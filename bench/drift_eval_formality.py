"""English formality on SQUINKY: cross-validated AUC of the model, and the shipped weights' ranking.

The target metric is the k-fold cross-validated AUC separating sentences people rated ≥ 5 (formal) from
those rated ≤ 3 (informal): each fold's model is fitted without that fold (same features, same fitting
code as bench/drift_fit_formality.py). The shipped weights were fitted on all of SQUINKY, so their AUC
and Spearman correlation on it are in-sample and shown for reference only.

    uv run python bench/drift_eval_formality.py [--sample N] [--folds K]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _drift_data import sample, squinky
from drift_fit_formality import auc, cross_validate
from soulkeeper.drift import formality
from soulkeeper.drift._formality import FEATURES, formality_features


def _ranks(values: list[float]) -> list[float]:
    order = sorted(range(len(values)), key=values.__getitem__)
    ranks = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):
            ranks[order[k]] = (i + j) / 2
        i = j + 1
    return ranks


def spearman(a: list[float], b: list[float]) -> float:
    """Spearman rank correlation."""
    ra, rb = _ranks(a), _ranks(b)
    n = len(a)
    ma, mb = sum(ra) / n, sum(rb) / n
    cov = sum((x - ma) * (y - mb) for x, y in zip(ra, rb, strict=True))
    va = sum((x - ma) ** 2 for x in ra) ** 0.5
    vb = sum((y - mb) ** 2 for y in rb) ** 0.5
    return cov / (va * vb)


def evaluate(n: int | None = None, *, folds: int = 5) -> dict[str, float | int]:
    """Return CV AUC (refitted per fold), and in-sample AUC and Spearman of the shipped weights."""
    rated = squinky()
    if n is not None:
        rated = sample(rated, n, seed=3)
    binary = [(t, 1 if r >= 5 else 0) for t, r in rated if r >= 5 or r <= 3]
    texts = [t for t, _ in binary]
    labels = [y for _, y in binary]
    x = [formality_features(t) for t in texts]
    cv_auc, per_fold = cross_validate(x, labels, folds, 1.0)
    shipped = [formality(t) for t in texts]
    return {
        "n_rated": len(rated),
        "n_binary": len(labels),
        "n_formal": sum(labels),
        "folds": folds,
        "cv_auc": cv_auc,
        "cv_auc_min_fold": min(per_fold),
        "shipped_auc": auc(shipped, labels),
        "shipped_spearman": spearman([formality(t) for t, _ in rated], [r for _, r in rated]),
    }


def table(r: dict[str, float | int]) -> str:
    return "\n".join(
        [
            "| Sentences (≥5 / ≤3 of all rated) | Features | CV AUC, pooled | Worst fold | Shipped weights: AUC, Spearman vs rating (in-sample) | Target |",
            "|---|---|---|---|---|---|",
            f"| {r['n_formal']} / {r['n_binary'] - r['n_formal']} of {r['n_rated']:,} | {len(FEATURES)} | "
            f"**{r['cv_auc']:.3f}** ({r['folds']}-fold) | {r['cv_auc_min_fold']:.3f} | "
            f"{r['shipped_auc']:.3f}, ρ = {r['shipped_spearman']:.3f} | CV AUC ≥ 0.95 |",
        ]
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=int, default=None, help="evaluate on N rated sentences")
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args()
    print(table(evaluate(args.sample, folds=args.folds)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
