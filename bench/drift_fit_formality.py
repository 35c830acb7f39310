"""Fit the English formality model on SQUINKY and print (or write) its weights.

Logistic regression with an L2 penalty, fitted by Newton's method in pure Python (no numpy), on the
sentences people rated ≥ 5 (formal) vs ≤ 3 (informal). Prints the k-fold cross-validated AUC, then
fits on all of them; ``--write`` puts the weights into ``soulkeeper/drift/_formality.py``.

    uv run python bench/drift_fit_formality.py [--folds 5] [--l2 1.0] [--write]
"""

from __future__ import annotations

import argparse
import math
import random
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _drift_data import squinky_binary
from _shared import ROOT
from soulkeeper.drift._formality import FEATURES, formality_features

MODULE = ROOT / "packages" / "core" / "src" / "soulkeeper" / "drift" / "_formality.py"


def _solve(a: list[list[float]], b: list[float]) -> list[float]:
    """Solve a x = b by Gaussian elimination with partial pivoting."""
    n = len(b)
    m = [[*row, b[i]] for i, row in enumerate(a)]
    for col in range(n):
        piv = max(range(col, n), key=lambda r: abs(m[r][col]))
        m[col], m[piv] = m[piv], m[col]
        for r in range(col + 1, n):
            f = m[r][col] / m[col][col]
            if f:
                for c in range(col, n + 1):
                    m[r][c] -= f * m[col][c]
    x = [0.0] * n
    for r in range(n - 1, -1, -1):
        x[r] = (m[r][n] - sum(m[r][c] * x[c] for c in range(r + 1, n))) / m[r][r]
    return x


def _sigmoid(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def fit_logistic(x: list[list[float]], y: list[int], l2: float, iters: int = 25) -> list[float]:
    """Return weights (intercept first) of an L2-penalised logistic regression (intercept unpenalised)."""
    d = len(x[0]) + 1
    w = [0.0] * d
    rows = [[1.0, *r] for r in x]
    for _ in range(iters):
        grad = [0.0] * d
        hess = [[0.0] * d for _ in range(d)]
        for r, t in zip(rows, y, strict=True):
            p = _sigmoid(sum(a * b for a, b in zip(w, r, strict=True)))
            g = p - t
            s = p * (1 - p)
            for i in range(d):
                ri = r[i]
                grad[i] += g * ri
                si = s * ri
                hrow = hess[i]
                for j in range(i, d):
                    hrow[j] += si * r[j]
        for i in range(d):
            for j in range(i):
                hess[i][j] = hess[j][i]
        for i in range(1, d):
            grad[i] += l2 * w[i]
            hess[i][i] += l2
        step = _solve(hess, grad)
        w = [a - b for a, b in zip(w, step, strict=True)]
        if max(abs(s) for s in step) < 1e-7:
            break
    return w


def auc(scores: list[float], labels: list[int]) -> float:
    """Area under the ROC curve (Mann–Whitney U with tie handling)."""
    pairs = sorted(zip(scores, labels, strict=True))
    rank_sum = 0.0
    i = 0
    n = len(pairs)
    while i < n:
        j = i
        while j + 1 < n and pairs[j + 1][0] == pairs[i][0]:
            j += 1
        avg = (i + j) / 2 + 1
        rank_sum += avg * sum(1 for k in range(i, j + 1) if pairs[k][1] == 1)
        i = j + 1
    pos = sum(labels)
    neg = n - pos
    return (rank_sum - pos * (pos + 1) / 2) / (pos * neg)


def standardise(x: list[list[float]]) -> tuple[list[float], list[float]]:
    d = len(x[0])
    mean = [sum(r[i] for r in x) / len(x) for i in range(d)]
    std = [math.sqrt(sum((r[i] - mean[i]) ** 2 for r in x) / len(x)) or 1.0 for i in range(d)]
    return mean, std


def fit_raw(x: list[list[float]], y: list[int], l2: float) -> list[float]:
    """Fit on standardised features; return weights (intercept first) for the raw features."""
    mean, std = standardise(x)
    xs = [[(v - m) / s for v, m, s in zip(r, mean, std, strict=True)] for r in x]
    w = fit_logistic(xs, y, l2)
    raw = [wi / s for wi, s in zip(w[1:], std, strict=True)]
    intercept = w[0] - sum(r * m for r, m in zip(raw, mean, strict=True))
    return [intercept, *raw]


def predict(w: list[float], r: list[float]) -> float:
    return w[0] + sum(a * b for a, b in zip(w[1:], r, strict=True))


def cross_validate(x: list[list[float]], y: list[int], folds: int, l2: float) -> tuple[float, list[float]]:
    order = list(range(len(y)))
    random.Random(0).shuffle(order)
    scores = [0.0] * len(y)
    per_fold = []
    for k in range(folds):
        test = set(order[k::folds])
        train = [i for i in order if i not in test]
        w = fit_raw([x[i] for i in train], [y[i] for i in train], l2)
        fold_scores = []
        for i in sorted(test):
            scores[i] = predict(w, x[i])
            fold_scores.append(scores[i])
        per_fold.append(auc(fold_scores, [y[i] for i in sorted(test)]))
    return auc(scores, y), per_fold


def write_weights(w: list[float]) -> None:
    src = MODULE.read_text(encoding="utf-8")
    body = "".join(f"    {v!r},  # {name}\n" for v, name in zip(w[1:], FEATURES, strict=True))
    block = f"INTERCEPT = {w[0]!r}\nWEIGHTS: tuple[float, ...] = (\n{body})\n"
    new, n = re.subn(
        r"INTERCEPT = .*?\nWEIGHTS: tuple\[float, \.\.\.\] = \(.*?\n\)\n", block, src, flags=re.S
    )
    if n != 1:
        new, n = re.subn(r"INTERCEPT = .*?\nWEIGHTS: tuple\[float, \.\.\.\] = .*?\n", block, src, flags=re.S)
    if n != 1:
        raise SystemExit(f"could not find the weights block in {MODULE}")
    MODULE.write_text(new, encoding="utf-8")
    print(f"wrote weights to {MODULE.relative_to(ROOT)}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--l2", type=float, default=1.0)
    parser.add_argument("--write", action="store_true", help="write the fitted weights into _formality.py")
    args = parser.parse_args()
    texts, labels = squinky_binary()
    x = [formality_features(t) for t in texts]
    cv_auc, per_fold = cross_validate(x, labels, args.folds, args.l2)
    w = fit_raw(x, labels, args.l2)
    train_auc = auc([predict(w, r) for r in x], labels)
    print(f"SQUINKY formal (≥5) vs informal (≤3): n={len(labels)} ({sum(labels)} formal)")
    print()
    print("| Model | CV AUC (pooled) | CV AUC per fold | Training AUC |")
    print("|---|---|---|---|")
    folds = ", ".join(f"{a:.3f}" for a in per_fold)
    print(f"| {len(FEATURES)} features, logistic L2={args.l2} | {cv_auc:.3f} | {folds} | {train_auc:.3f} |")
    print()
    print("| Feature | Weight (raw units) |")
    print("|---|---|")
    print(f"| intercept | {w[0]:+.3f} |")
    for name, v in zip(FEATURES, w[1:], strict=True):
        print(f"| {name} | {v:+.3f} |")
    if args.write:
        write_weights(w)
    return 0


if __name__ == "__main__":
    sys.exit(main())
