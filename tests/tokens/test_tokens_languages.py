"""The conservative estimate on every language of the shared data, and the classes that tell them apart."""

from __future__ import annotations

import statistics
from functools import cache
from pathlib import Path

import pytest
from _tokens_support import REAL, real_tokenizer
from conftest import require_data
from soulkeeper.tokens import CLASSES, get_tokenizer, script_counts

EXTRA = ("de", "es", "fr", "it", "nl", "pt", "hi", "vi")
LANGS = ("ko", "ja", "zh", "en", *EXTRA, "ko_reg", "ko_style", "ja_pol")


def _lines(path: Path) -> list[str]:
    return [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _references(folder: Path, pattern: str) -> list[str]:
    """Formal then informal references, telephony then topical chat (as bench/tokens_common.py reads them)."""
    lines: list[str] = []
    for register in ("formal", "informal"):
        for genre in ("telephony", "topical_chat"):
            lines += _lines(next(folder.glob(pattern.format(genre=genre, register=register))))
    return lines


@cache
def _held_out(lang: str) -> tuple[str, ...]:
    """The odd-numbered 25-line documents of one language of the shared data (never used to fit)."""
    if lang in ("ko", "ja", "zh", "en"):
        lines = _lines(require_data("text", f"{lang}.txt"))
    elif lang in EXTRA:
        folder = next(require_data("drift", "multilingual").glob(f"*-en-{lang}"))
        lines = _references(folder, f"formality-control.train.{{genre}}.en-*.{{register}}.{lang}")
    elif lang == "ko_reg":
        folder = require_data("drift", "ko_register", "iwslt23-train-en-ko")
        lines = _references(folder, "formality-control.train.{genre}.en-ko.{register}.ko")
    elif lang == "ja_pol":
        folder = require_data("drift", "ja_politeness", "cocoa-train-en-ja")
        lines = _references(folder, "formality-control.train.{genre}.en-ja.{register}")
    else:  # the first 200 rows of every SmileStyle column, column by column
        rows = require_data("drift", "ko_register", "smilestyle_dataset.tsv").read_text(encoding="utf-8")
        cells = [[c.strip() for c in row.split("\t")] for row in rows.splitlines()[1:201]]
        width = max(map(len, cells))
        lines = [row[col] for col in range(width) for row in cells if col < len(row) and row[col]]
    docs = ["\n".join(lines[i : i + 25]) for i in range(0, len(lines) - 24, 25)]
    return tuple(docs[1::2])


@pytest.mark.parametrize("family", sorted(REAL))
@pytest.mark.parametrize("lang", LANGS)
def test_conservative_estimate_covers_every_language(family: str, lang: str) -> None:
    """On every held-out document of every language in the shared data, the default estimate is at least
    98 % of the real tokenizer's count."""
    real = real_tokenizer(family)
    generic = get_tokenizer("estimate")
    docs = _held_out(lang)
    assert docs
    worst = min(generic.count(doc) / real.count(doc) for doc in docs)
    assert worst >= 0.98, f"{lang} on {family}: {100 * (worst - 1):+.1f} %"


@pytest.mark.parametrize("family", sorted(REAL))
def test_conservative_english_overcount_is_bounded(family: str) -> None:
    """The price on English stays bounded: at most 50 % over on average on held-out English documents
    (the English function words earn back most of what the other Latin-script languages cost)."""
    real = real_tokenizer(family)
    generic = get_tokenizer("estimate")
    ratios = [generic.count(doc) / real.count(doc) for doc in _held_out("en")]
    assert statistics.fmean(ratios) <= 1.50


def test_english_function_words_are_counted() -> None:
    """English function words are counted with spaces around, case-insensitively, across line breaks;
    the same letters in Dutch or German words are not."""
    english = CLASSES.index("english")
    assert script_counts("The cat and the dog\nare here")[english] == 4
    assert script_counts("De kat en de hond zijn thuis. Das Theater")[english] == 0
    assert script_counts("한국어만")[english] == 0


@pytest.mark.parametrize(
    ("text", "more_than"),
    [
        ("Привет, как дела? Это тест.", 2.0 * 20),  # 20 Cyrillic letters: the two-byte bound
        ("สวัสดีครับ", 3.0 * 10),  # Thai, no data: three bytes per character
    ],
)
def test_scripts_without_data_take_the_byte_bound(text: str, more_than: float) -> None:
    """Scripts the shared data has no text of are counted at their UTF-8 bytes per character, which no
    byte-level or byte-fallback tokenizer exceeds."""
    assert get_tokenizer("estimate").count(text) >= more_than
