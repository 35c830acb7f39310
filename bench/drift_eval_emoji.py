"""Emoji precision and recall on SmileStyle (emoticon and formal columns) and the shared text corpora.

Ground truth comes from an independent, deliberately simple rule (the one suggested in
shared/reference/drift-signals.md), not from the tables ``find_emoji`` uses: a text contains an emoji
when it has a code point ≥ U+1F000 outside the enclosed alphanumerics (U+1F100–U+1F1E5), a character
followed by U+FE0F, a zero-width joiner between two such characters, or one of the BMP characters whose
default presentation is emoji (⌚ ⏰ ☕ ⚡ ✅ ❌ ⭐ …, listed below). The SmileStyle emoticon column is
mostly kaomoji and text symbols (★ ✧ ❁ ♪ ☜ and text-style ❤ without U+FE0F), so most of its lines are
negatives and make a hard test of precision. Disagreements are printed with ``--errors``.

    uv run python bench/drift_eval_emoji.py [--sample N] [--errors K]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _drift_data import DRIFT, require, sample, smilestyle
from soulkeeper.drift.signals import find_emoji, find_emoticons

# BMP characters with Emoji_Presentation=Yes (UTS #51), typed from the standard's emoji charts.
_BMP_EMOJI = set(
    "⌚⌛⏩⏪⏫⏬⏰⏳◽◾☔☕♈♉♊♋♌♍♎♏♐♑♒♓♿⚓⚡⚪⚫⚽⚾⛄⛅⛎⛔⛪⛲⛳⛵⛺⛽✅✊✋✨❌❎❓❔❕❗➕➖➗➰➿⬛⬜⭐⭕"
)


def oracle(text: str) -> bool:
    """The independent ground-truth rule described in the module docstring."""
    for i, ch in enumerate(text):
        cp = ord(ch)
        if cp >= 0x1F000 and not (0x1F100 <= cp <= 0x1F1E5) and cp < 0xE0000:
            return True
        if ch in _BMP_EMOJI and text[i + 1 : i + 2] != "\ufe0e":
            return True
        if ch == "\ufe0f" and i > 0 and not text[i - 1].isascii():
            return True
        if ch == "\ufe0f" and i > 0 and text[i - 1] in "0123456789#*" and text[i + 1 : i + 2] == "\u20e3":
            return True
    return False


def corpora() -> list[tuple[str, list[str]]]:
    """Evaluation sets: SmileStyle emoticon and formal columns, and the 4 × 1,500 lines of shared text."""
    ss = smilestyle(("emoticon", "formal"))
    out = [("SmileStyle emoticon", ss["emoticon"]), ("SmileStyle formal", ss["formal"])]
    text_dir = DRIFT.parent / "text"
    for lang in ("ko", "ja", "zh", "en"):
        lines = require(text_dir / f"{lang}.txt").read_text(encoding="utf-8").splitlines()
        out.append((f"shared text/{lang}.txt", [x for x in lines if x.strip()]))
    return out


def evaluate(n: int | None = None, *, errors: int = 0) -> dict[str, object]:
    """Return per-set counts and pooled text-level precision and recall."""
    rows = []
    tp = fp = fn = tn = 0
    wrong: list[tuple[str, str, list[str]]] = []
    for name, texts in corpora():
        if n is not None:
            texts = sample(texts, n, seed=2)
        s_tp = s_fp = s_fn = s_tn = found = 0
        for text in texts:
            truth = oracle(text)
            emoji = find_emoji(text)
            found += len(emoji)
            pred = bool(emoji)
            if truth and pred:
                s_tp += 1
            elif pred:
                s_fp += 1
            elif truth:
                s_fn += 1
            else:
                s_tn += 1
            if truth != pred and len(wrong) < errors:
                wrong.append((name, text, emoji))
        rows.append(
            {
                "set": name,
                "n": len(texts),
                "positives": s_tp + s_fn,
                "tp": s_tp,
                "fp": s_fp,
                "fn": s_fn,
                "found": found,
            }
        )
        tp, fp, fn, tn = tp + s_tp, fp + s_fp, fn + s_fn, tn + s_tn
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return {
        "rows": rows,
        "precision": precision,
        "recall": recall,
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "tn": tn,
        "errors": wrong,
    }


def emoticon_rates(n: int | None = None) -> list[tuple[str, int, float]]:
    """Share of SmileStyle lines with an emoji or a text emoticon/kaomoji, per style column."""
    columns = ("emoticon", "chat", "formal", "informal", "gentle")
    ss = smilestyle(columns)
    out = []
    for col in columns:
        texts = ss[col] if n is None else sample(ss[col], n, seed=2)
        hits = sum(1 for t in texts if find_emoji(t) or find_emoticons(t))
        out.append((col, len(texts), hits / len(texts)))
    return out


def emoticon_table(rates: list[tuple[str, int, float]]) -> str:
    lines = ["| SmileStyle column | Lines | With emoji or emoticon |", "|---|---|---|"]
    lines.extend(f"| {col} | {n:,} | {rate:.1%} |" for col, n, rate in rates)
    return "\n".join(lines)


def table(result: dict[str, object]) -> str:
    lines = [
        "| Set | Texts | With emoji (ground truth) | Found (TP) | False alarms | Missed | Emoji found |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in result["rows"]:  # type: ignore[attr-defined]
        lines.append(
            f"| {r['set']} | {r['n']:,} | {r['positives']} | {r['tp']} | {r['fp']} | {r['fn']} | {r['found']} |"
        )
    lines.append(
        f"| **all** | | {result['tp'] + result['fn']} | {result['tp']} | {result['fp']} | {result['fn']} | "  # type: ignore[operator]
        f"precision **{result['precision']:.3f}**, recall **{result['recall']:.3f}** |"
    )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=int, default=None, help="evaluate N texts per set")
    parser.add_argument("--errors", type=int, default=0, help="print up to K disagreements")
    args = parser.parse_args()
    result = evaluate(args.sample, errors=args.errors)
    print(table(result))
    print()
    print(emoticon_table(emoticon_rates(args.sample)))
    for name, text, emoji in result["errors"]:  # type: ignore[attr-defined]
        print(f"{name}\t{emoji}\t{text}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
