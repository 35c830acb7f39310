"""Refit the per-script-class token rates against the real tokenizers in ../shared/data.

    uv run python bench/tokens_fit.py            # print the fitted tables
    uv run python bench/tokens_fit.py --write    # also regenerate soulkeeper/tokens/_rates.py

Method, per family (only even-numbered 25-line documents are used; odd ones are held out for
bench/tokens_accuracy.py):
1. newline: the measured marginal cost of a line break (tokens of a document minus the tokens of its
   lines counted apart, per break), because every document has 24 breaks and a fit would turn the rate
   into an intercept; blank_line and indent likewise; emoji: measured directly on a fixed sample of
   common emoji (the text has almost none); alphabet and other (no text in the data): a fixed sample of
   their letters counted one at a time.
2. ko/ja/zh/en and six European languages (de es fr it nl pt): non-negative least squares on the relative
   error (each document weighs the same) for the CJK and ASCII classes. ``lower`` is the rate of
   lower-case letters in general and ``english`` the (negative) saving on the letters that read as English
   (function words / ENGLISH_DENSITY, see soulkeeper/tokens/_scripts.py).
3. The European languages, Hindi and Vietnamese: the same fit for the classes those add (Latin letters
   with diacritics, general punctuation, Devanagari) with the rates of step 2 held fixed; then step 2 once
   more with these in place.
The conservative estimate is the largest of the family estimates with each group of classes scaled: the
smallest factors that cover every training document of every language (including the register corpora
of drift/ko_register and drift/ja_politeness) on every family times MARGIN, the largest factor for the
English saving that still does, and the UTF-8 byte bound for the scripts without data.
"""

from __future__ import annotations

import argparse
import math
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from soulkeeper.tokens import CLASSES, script_counts
from soulkeeper.tokens._estimate import conservative_weights
from soulkeeper.tokens._scripts import english_letters
from tokens_common import (
    CORE_LANGS,
    EMOJI,
    EUROPEAN_LANGS,
    ROOT,
    Doc,
    all_docs,
    available_families,
    true_count,
)

RATES_FILE = ROOT / "packages" / "core" / "src" / "soulkeeper" / "tokens" / "_rates.py"
STAGE1 = (
    "hangul",
    "jamo",
    "hiragana",
    "katakana",
    "han",
    "cjk_punct",
    "lower",
    "upper",
    "digit",
    "space",
    "punct",
    "symbol",
    "english",  # the rate of letters that read as English ("lower": the others); stored as the difference
)
STAGE2 = ("latin_ext", "gen_punct", "devanagari")
FOREIGN_FIXED = tuple(name for name in STAGE1 if name != "lower")
# scripts without text in the shared data: the calibrated rate is the mean of a fixed sample of their
# letters counted one at a time; the conservative one is the UTF-8 byte bound (see BYTE_BOUND)
NO_DATA_SAMPLES = {
    "alphabet": "αβγδεζηθλμπσωабвгдежзиклмнопрстуюяաբգדהוטשאבتثجحخدسشعفقكلمنهوي",
    "other": "অআকখগচটতদনবমরলসহகஙசஞடணதநபமயரலวสหอกขคงจฉกแაბგდევზთიკლმნოპ",
}
# tokens per character can never exceed the UTF-8 bytes per character: a byte-level BPE (tiktoken, Llama 3,
# Qwen, DeepSeek) merges bytes into tokens, and a SentencePiece vocabulary with byte fallback (Gemma,
# Mistral) spells a character it lacks as one token per byte. The conservative estimate uses this bound
# for scripts the shared data has no text of.
BYTE_BOUND = {"alphabet": 2.0, "other": 3.0}
MARGIN = 1.06  # with eight more languages and the register corpora in the fit, held-out documents come out at
# least 4 % over (1.04: 2.5 %); 1.12 cost English 5 points more overcount for no held-out gain
PIECE_LINES = 25  # tried 5-line pieces: no better on held-out documents
# ridge toward each class's isolated rate, in the units of a document row (characters per token):
# decisive only for classes with little data (CJK punctuation next to kana, general punctuation)
PRIOR_WEIGHT = 0.3
# prose punctuation too: left free it trades off against letters and spaces (English held-out error and
# markdown error were both better with it; see docs/benchmarks.md)
RIDGE = frozenset({"jamo", "cjk_punct", "emoji", "latin_ext", "gen_punct", "devanagari", "punct"})
IDX = {name: i for i, name in enumerate(CLASSES)}


def nnls(rows: Sequence[Sequence[float]], targets: Sequence[float], *, iterations: int = 3000) -> list[float]:
    """Non-negative least squares by cyclic coordinate descent on the normal equations."""
    n = len(rows[0])
    gram = [[sum(r[i] * r[j] for r in rows) for j in range(n)] for i in range(n)]
    rhs = [sum(r[i] * t for r, t in zip(rows, targets, strict=True)) for i in range(n)]
    w = [0.0] * n
    for _ in range(iterations):
        delta = 0.0
        for i in range(n):
            if gram[i][i] <= 0:
                continue
            residual = rhs[i] - sum(gram[i][j] * w[j] for j in range(n) if j != i)
            new = max(0.0, residual / gram[i][i])
            delta = max(delta, abs(new - w[i]))
            w[i] = new
        if delta < 1e-10:
            break
    return w


def newline_rate(family: str, docs: Sequence[Doc]) -> float:
    """Marginal tokens per line break: document tokens minus its lines' tokens, per break."""
    extra = breaks = 0
    for doc in docs:
        lines = doc.text.split("\n")
        extra += true_count(family, doc.text) - sum(true_count(family, line) for line in lines)
        breaks += len(lines) - 1
    return max(0.0, extra / breaks)


def blank_line_rate(family: str, docs: Sequence[Doc], newline: float) -> float:
    """Correction per blank line: the marginal cost of doubling every line break, minus a newline."""
    extra = breaks = 0
    for doc in docs:
        extra += true_count(family, doc.text.replace("\n", "\n\n")) - true_count(family, doc.text)
        breaks += doc.text.count("\n")
    return extra / breaks - newline


def indent_rate(family: str, docs: Sequence[Doc], space: float) -> float:
    """Correction per indented line: the marginal cost of indenting every line by 2 and by 4 spaces,
    minus what the space rate already counts for those spaces (mean of the two)."""
    corrections = []
    for width in (2, 4):
        extra = lines = 0
        for doc in docs:
            indented = " " * width + doc.text.replace("\n", "\n" + " " * width)
            extra += true_count(family, indented) - true_count(family, doc.text)
            lines += doc.text.count("\n") + 1
        corrections.append(extra / lines - width * space)
    return sum(corrections) / len(corrections)


def emoji_rate(family: str) -> float:
    """Tokens per character of common emoji, each counted on its own."""
    return sum(true_count(family, e) for e in EMOJI) / sum(len(e) for e in EMOJI)


def isolated_rate(family: str, docs: Sequence[Doc], name: str) -> float:
    """Mean tokens of a class's characters counted one by one (a prior for classes without data)."""
    chars = sorted({c for doc in docs for c in doc.text if script_counts(c)[IDX[name]]})[:300]
    if not chars:
        return 1.0
    return sum(true_count(family, c) for c in chars) / len(chars)


def fit_stage(
    family: str, docs: Sequence[Doc], free: Sequence[str], fixed: dict[str, float], priors: dict[str, float]
) -> dict[str, float]:
    """Fit the ``free`` classes on ``docs`` (relative error, non-negative) with ``fixed`` rates held."""
    rows: list[list[float]] = []
    targets: list[float] = []
    for i, name in enumerate(free):
        if name in RIDGE:
            rows.append([PRIOR_WEIGHT if j == i else 0.0 for j in range(len(free))])
            targets.append(PRIOR_WEIGHT * priors[name])
    # every language weighs the same in total (six European languages must not outvote English)
    per_lang = Counter(doc.lang for doc in docs)
    mean = len(docs) / len(per_lang)
    for doc in docs:
        y = true_count(family, doc.text)
        if y == 0:
            continue
        weight = math.sqrt(mean / per_lang[doc.lang])
        counts = _columns(doc.counts)
        known = sum(fixed[name] * counts[IDX[name]] for name in fixed)
        rows.append([weight * counts[IDX[name]] / y for name in free])
        targets.append(weight * (1.0 - known / y))
    weights = nnls(rows, targets)
    return dict(zip(free, weights, strict=True))


def pieces(docs: Sequence[Doc], lines: int) -> list[Doc]:
    """Training rows: each training document cut into pieces of ``lines`` lines (more varied rows)."""
    out = []
    for doc in docs:
        all_lines = doc.text.split("\n")
        for start in range(0, len(all_lines), lines):
            text = "\n".join(all_lines[start : start + lines])
            out.append(Doc(doc.lang, doc.index, text, script_counts(text)))
    return out


def _effective(counts: Sequence[int]) -> tuple[int | float, ...]:
    """Counts as the estimator uses them: English function words capped by the lower-case letters."""
    out: list[int | float] = list(counts)
    out[IDX["english"]] = english_letters(tuple(counts))
    return tuple(out)


def _columns(counts: Sequence[int]) -> tuple[int | float, ...]:
    """Counts as the fit sees them: ``lower`` = the letters that do not read as English, ``english`` =
    those that do (so both rates are positive; the stored ``english`` rate is the difference)."""
    out = list(_effective(counts))
    out[IDX["lower"]] -= out[IDX["english"]]
    return tuple(out)


def sample_rate(family: str, sample: str) -> float:
    """Mean tokens of the characters of ``sample`` counted one at a time."""
    return sum(true_count(family, c) for c in sample) / len(sample)


def training() -> tuple[list[Doc], list[Doc], list[Doc]]:
    """Training pieces: ko/ja/zh/en; the European languages; those plus Hindi and Vietnamese. The
    register corpora are not fitted on: they only shape the conservative factors (their training half),
    so their held-out half tests the families."""
    train = [d for d in all_docs() if not d.held_out]
    core = [d for d in train if d.lang in CORE_LANGS]
    european = [d for d in train if d.lang in EUROPEAN_LANGS]
    stage2 = [*european, *(d for d in train if d.lang in ("hi", "vi"))]
    return pieces(core, PIECE_LINES), pieces(european, PIECE_LINES), pieces(stage2, PIECE_LINES)


def fit_family(family: str) -> dict[str, float]:
    """All class rates of one family (training documents only)."""
    core, european, stage2 = training()
    priors = {name: isolated_rate(family, [*core, *stage2], name) for name in RIDGE}
    newline = newline_rate(family, core)
    fixed = {
        "newline": newline,
        "blank_line": blank_line_rate(family, core, newline),
        "emoji": emoji_rate(family),
    }
    fixed |= {name: sample_rate(family, sample) for name, sample in NO_DATA_SAMPLES.items()}
    fixed |= {name: priors[name] for name in STAGE2}
    # ko/ja/zh/en fit the CJK and ASCII classes (English letters apart from the others, which they hardly
    # have); the European languages then fit the letters that do not read as English, everything else fixed
    rates = fixed | fit_stage(family, core, STAGE1, fixed, priors)
    rates |= fit_stage(family, european, ("lower",), _without(rates, ("lower",)), priors)
    rates |= fit_stage(family, stage2, STAGE2, _without(rates, STAGE2), priors)
    # refit the first-stage classes once with the stage-2 rates in place (they occur in that text too)
    rates |= fit_stage(family, core, FOREIGN_FIXED, _without(rates, FOREIGN_FIXED), priors)
    rates["indent"] = indent_rate(family, core, rates["space"])
    rates["english"] -= rates["lower"]  # stored as the saving on English letters
    return {name: round(rates[name], 4) for name in CLASSES}


def _without(rates: dict[str, float], names: Sequence[str]) -> dict[str, float]:
    return {k: v for k, v in rates.items() if k not in names}


def estimate(rates: dict[str, float], doc: Doc) -> float:
    counts = _effective(doc.counts)
    return sum(rates[name] * counts[IDX[name]] for name in CLASSES)


# the conservative estimate scales each group of classes separately, each first on the documents it
# dominates (so that the variance of Chinese documents does not inflate English estimates), then once more
# on every training document with the other groups' factors in place
ASCII = ("lower", "upper", "digit", "space", "newline", "punct", "symbol", "blank_line", "indent")
CJK = ("hangul", "jamo", "hiragana", "katakana", "han", "cjk_punct")
GROUPS: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("cjk", CJK, ("ko", "ja", "zh", "ko_reg", "ko_style", "ja_pol")),
    # English letters and the ASCII structure (spaces, punctuation, markdown symbols) on English text
    ("ascii", (*(name for name in ASCII if name != "lower"), "english"), ("en", "en_chat")),
    # the letters that do not read as English on the European languages
    ("lower", ("lower",), EUROPEAN_LANGS),
    ("rest", ("latin_ext", "gen_punct", "devanagari", "emoji"), ("hi", "vi", *EUROPEAN_LANGS)),
)


class _Coverage:
    """Training documents as arrays: per-class counts (English capped) and every family's true count."""

    def __init__(self, fitted: dict[str, dict[str, float]], docs: Sequence[Doc]) -> None:
        self.langs = np.array([d.lang for d in docs])
        self.counts = np.array([_effective(d.counts) for d in docs], dtype=float)
        self.fitted = fitted
        self.truth = np.array([[true_count(f, d.text) for f in fitted] for d in docs], dtype=float)

    def covered(self, scales: dict[str, float], langs: Sequence[str] | None) -> bool:
        weights = np.array([conservative_weights(r, scales) for r in self.fitted.values()])
        mask = np.ones(len(self.langs), bool) if langs is None else np.isin(self.langs, list(langs))
        estimate = (self.counts[mask] @ weights.T).max(axis=1)
        return bool(np.all(estimate[:, None] >= MARGIN * self.truth[mask]))


def conservative_scales(fitted: dict[str, dict[str, float]]) -> dict[str, float]:
    """Per-class scales on the per-document maximum over the families' estimates: the smallest that
    cover every training document of every family times the margin, found group by group (for
    ``english``: the factor on the rate of letters that read as English); scripts without data take the
    UTF-8 byte bound."""
    scales = dict.fromkeys(CLASSES, 1.0)
    for name, bound in BYTE_BOUND.items():
        scales[name] = round(bound / max(r[name] for r in fitted.values()), 4)
    coverage = _Coverage(fitted, [d for d in all_docs() if not d.held_out and d.text])
    for first in (True, False):
        for group, classes, langs in GROUPS:
            low, high = 0.3, 8.0
            for _ in range(30):
                mid = (low + high) / 2
                if coverage.covered(scales | dict.fromkeys(classes, mid), langs if first else None):
                    high = mid
                else:
                    low = mid
            if high > 7.9:
                raise RuntimeError(f"no factor for the {group} classes covers the training documents")
            scales |= dict.fromkeys(classes, round(high + 5e-5, 4))
    if not coverage.covered(scales, None):
        raise RuntimeError("the conservative scales do not cover every training document")
    return scales


def render(fitted: dict[str, dict[str, float]]) -> str:
    header = "| family | " + " | ".join(CLASSES) + " |"
    lines = [header, "|" + "---|" * (len(CLASSES) + 1)]
    for family, rates in fitted.items():
        lines.append(f"| {family} | " + " | ".join(f"{rates[name]:.3f}" for name in CLASSES) + " |")
    return "\n".join(lines)


def write_rates(fitted: dict[str, dict[str, float]], scales: dict[str, float]) -> None:
    def block(rates: dict[str, float], indent: str) -> str:
        return "".join(f'{indent}"{name}": {rates[name]!r},\n' for name in CLASSES)

    body = "".join(
        f'    "{family}": {{\n{block(rates, "        ")}    }},\n' for family, rates in fitted.items()
    )
    RATES_FILE.write_text(
        '"""Fitted tokens-per-character rates per script class. Generated by ``bench/tokens_fit.py --write``.\n'
        "\n"
        "Fitted on the even-numbered 25-line documents of ../shared/data/text (ko, ja, zh, en) and of eight\n"
        "more languages (drift/multilingual) against the real tokenizers in ../shared/data/tokenizers; do not\n"
        "edit by hand. The conservative estimate is the largest of the family estimates of a text with every\n"
        "class's rate times CONSERVATIVE_SCALE (negative line-structure corrections are not scaled): per group\n"
        "of classes, the smallest factor covering every training document of every language and family plus a\n"
        f"{round((MARGIN - 1) * 100)} % margin; for the English saving the largest that still does; for\n"
        "scripts without data the UTF-8 byte bound (2 per character for alphabet, 3 for other).\n"
        '"""\n\n'
        "from __future__ import annotations\n\n"
        '__all__ = ["CONSERVATIVE_SCALE", "RATES"]\n\n'
        f"RATES: dict[str, dict[str, float]] = {{\n{body}}}\n\n"
        f"CONSERVATIVE_SCALE: dict[str, float] = {{\n{block(scales, '    ')}}}\n",
        encoding="utf-8",
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--write", action="store_true", help="regenerate soulkeeper/tokens/_rates.py")
    args = parser.parse_args(argv)
    families = available_families()
    if not families:
        print("needs ../shared/data (text and tokenizers) beside the repository", file=sys.stderr)
        return 2
    fitted = {family: fit_family(family) for family in families}
    scales = conservative_scales(fitted)
    print("## Fitted tokens per character\n")
    print(render(fitted))
    groups = ", ".join(f"{name} x{scales[classes[0]]:.3f}" for name, classes, _ in GROUPS)
    groups += ", " + ", ".join(f"{name} x{scales[name]:.3f} (byte bound)" for name in BYTE_BOUND)
    print(f"\nconservative estimate: max over the family estimates, rates scaled per group: {groups}")
    if args.write:
        write_rates(fitted, scales)
        print(f"\nwrote {Path(RATES_FILE).relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
