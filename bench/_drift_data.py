"""Loaders for the labelled drift data in ../shared/data/drift (read in place, never copied)."""

from __future__ import annotations

import csv
import random
from collections import Counter
from pathlib import Path
from typing import TypeVar

from _shared import DATA
from soulkeeper.drift import speech_level

T = TypeVar("T")

DRIFT = DATA / "drift"


def require(path: Path) -> Path:
    """Return ``path`` or exit with a clear message when the shared data is absent."""
    if not path.exists():
        raise SystemExit(f"needs {path} (the shared data folder beside the repository)")
    return path


def squinky() -> list[tuple[str, float]]:
    """SQUINKY sentences with their mean formality rating (1–7)."""
    path = require(DRIFT / "en_formality" / "squinky.csv")
    with path.open(encoding="utf-8", newline="") as fh:
        return [(row["Actual sentence"], float(row["Formality"])) for row in csv.DictReader(fh)]


def squinky_binary() -> tuple[list[str], list[int]]:
    """Sentences rated ≥ 5 (label 1, formal) and ≤ 3 (label 0, informal); the middle is left out."""
    texts: list[str] = []
    labels: list[int] = []
    for text, rating in squinky():
        if rating >= 5:
            texts.append(text)
            labels.append(1)
        elif rating <= 3:
            texts.append(text)
            labels.append(0)
    return texts, labels


def smilestyle(columns: tuple[str, ...]) -> dict[str, list[str]]:
    """SmileStyle columns (non-empty cells only), e.g. ``("formal", "informal", "gentle")``."""
    path = require(DRIFT / "ko_register" / "smilestyle_dataset.tsv")
    out: dict[str, list[str]] = {c: [] for c in columns}
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
            for c in columns:
                cell = (row.get(c) or "").strip()
                if cell:
                    out[c].append(cell)
    return out


def smilestyle_rows(columns: tuple[str, ...]) -> list[dict[str, str]]:
    """SmileStyle rows restricted to ``columns`` (cells may be empty)."""
    path = require(DRIFT / "ko_register" / "smilestyle_dataset.tsv")
    with path.open(encoding="utf-8", newline="") as fh:
        return [
            {c: (row.get(c) or "").strip() for c in columns}
            for row in csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
        ]


def _lines(path: Path) -> list[str]:
    return [line.strip() for line in require(path).read_text(encoding="utf-8").splitlines() if line.strip()]


def contrastive(folder: Path, pair: str, level: str, suffix: str) -> list[str]:
    """Plain (not annotated) references of one formality level from a CoCoA-MT/IWSLT23 folder."""
    out: list[str] = []
    for domain in ("telephony", "topical_chat"):
        out.extend(_lines(folder / f"formality-control.train.{domain}.{pair}.{level}.{suffix}"))
    return out


def korean_iwslt(level: str) -> list[str]:
    """IWSLT23 en-ko train references, ``level`` "formal" (해요체) or "informal" (반말)."""
    return contrastive(DRIFT / "ko_register" / "iwslt23-train-en-ko", "en-ko", level, "ko")


def japanese_cocoa(level: str) -> list[str]:
    """CoCoA-MT en-ja train references, ``level`` "formal" or "informal"."""
    folder = require(DRIFT / "ja_politeness" / "cocoa-train-en-ja")
    out: list[str] = []
    for domain in ("telephony", "topical_chat"):
        out.extend(_lines(folder / f"formality-control.train.{domain}.en-ja.{level}"))
    return out


def language_id_set(*, per_language: int = 800) -> list[tuple[str, str]]:
    """(text, language) pairs, up to ``per_language`` each (deterministic sample).

    The formal and informal references of every multilingual folder (de, es, fr, hi, it, nl, pt, vi),
    the Korean (IWSLT23) and Japanese (CoCoA-MT) references, and the English source sentences.
    """
    by_lang: dict[str, list[str]] = {}
    multi = require(DRIFT / "multilingual")
    for folder in sorted(multi.iterdir()):
        lang = folder.name.rsplit("-", 1)[-1]
        for path in sorted(folder.iterdir()):
            name = path.name
            if ".annotated." in name or ".feminine." in name or name.endswith(".en"):
                continue
            by_lang.setdefault(lang, []).extend(_lines(path))
    by_lang["ko"] = korean_iwslt("formal") + korean_iwslt("informal")
    by_lang["ja"] = japanese_cocoa("formal") + japanese_cocoa("informal")
    ja = DRIFT / "ja_politeness" / "cocoa-train-en-ja"
    by_lang["en"] = _lines(ja / "formality-control.train.telephony.en-ja") + _lines(
        ja / "formality-control.train.topical_chat.en-ja"
    )
    pairs: list[tuple[str, str]] = []
    for lang, texts in sorted(by_lang.items()):
        pairs.extend((t, lang) for t in sample(texts, per_language, seed=7))
    return pairs


def sample(items: list[T], n: int, *, seed: int = 0) -> list[T]:
    """A deterministic sample of ``n`` items (all of them when there are fewer)."""
    if len(items) <= n:
        return list(items)
    return random.Random(seed).sample(items, n)


SPEECH_FLAGGED = ("casual", "mixed")
"""Speech levels a polite persona counts as broken."""


def speech_level_rows(
    sets: list[tuple[str, str, list[str]]], language: str, *, errors: int = 0
) -> list[dict[str, object]]:
    """One row per ``(name, kind, texts)`` set: n, the share of each predicted speech level, and up to
    ``errors`` misjudged texts (a flagged ``honorific`` text, or an unflagged plain one)."""
    rows: list[dict[str, object]] = []
    for name, kind, texts in sets:
        counts: Counter[str] = Counter()
        wrong: list[tuple[str, str]] = []
        for text in texts:
            level = speech_level(text, language)
            counts[level] += 1
            bad = (level in SPEECH_FLAGGED) if kind == "honorific" else (level not in SPEECH_FLAGGED)
            if bad and len(wrong) < errors:
                wrong.append((level, text))
        total = sum(counts.values())
        rows.append(
            {
                "set": name,
                "kind": kind,
                "n": total,
                "formal": counts["formal"] / total,
                "polite": counts["polite"] / total,
                "casual_or_mixed": (counts["casual"] + counts["mixed"]) / total,
                "undecided": counts["undecided"] / total,
                "errors": wrong,
            }
        )
    return rows
