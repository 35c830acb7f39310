"""Estimates: script classes, accuracy on held-out real documents, the conservative bound, invariants."""

from __future__ import annotations

import statistics
from functools import cache
from pathlib import Path

import pytest
from _tokens_support import REAL, real_tokenizer
from conftest import EXAMPLES, require_data
from hypothesis import given, settings
from hypothesis import strategies as st
from soulkeeper.tokens import (
    CLASSES,
    ESTIMATE_FAMILIES,
    EstimateTokenizer,
    get_tokenizer,
    script_counts,
)
from soulkeeper.tokens._scripts import class_of

# held-out document-level MAPE allowed per language (measured: at most 2.6 % on ko/ja/en, 9.1 % on zh)
TOLERANCE = {"ko": 3.5, "ja": 3.5, "en": 3.5, "zh": 10.0}


@cache
def _documents(path: Path) -> tuple[str, ...]:
    """25-line documents of a text file (as bench/tokens_accuracy.py cuts them)."""
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return tuple("\n".join(lines[i : i + 25]) for i in range(0, len(lines) - 24, 25))


def _held_out(lang: str) -> tuple[str, ...]:
    return _documents(require_data("text", f"{lang}.txt"))[1::2]


@pytest.mark.parametrize(
    ("char", "name"),
    [
        ("한", "hangul"),
        ("ㅋ", "jamo"),  # compatibility Jamo
        ("ᄀ", "jamo"),  # conjoining Jamo
        ("ﾍ", "katakana"),  # half-width
        ("ひ", "hiragana"),
        ("漢", "han"),
        ("㐀", "han"),  # extension A
        ("𠀀", "han"),  # extension B
        ("豈", "han"),  # compatibility ideograph
        ("。", "cjk_punct"),
        ("！", "cjk_punct"),  # full-width
        ("😀", "emoji"),
        ("❤", "emoji"),
        ("\u200d", "emoji"),  # zero-width joiner
        ("a", "lower"),
        ("Z", "upper"),
        ("7", "digit"),
        (" ", "space"),
        ("\n", "newline"),
        (",", "punct"),
        ("#", "symbol"),
        ("é", "latin_ext"),
        ("ệ", "latin_ext"),  # Vietnamese (Latin Extended Additional)
        ("\u0301", "latin_ext"),  # combining acute accent (decomposed diacritics)
        ("—", "gen_punct"),
        ("ж", "alphabet"),  # Cyrillic
        ("α", "alphabet"),  # Greek
        ("ش", "alphabet"),  # Arabic
        ("क", "devanagari"),
        ("ก", "other"),  # Thai
        ("ἀ", "other"),  # Greek Extended: three UTF-8 bytes
    ],
)
def test_script_classes(char: str, name: str) -> None:
    """Every character lands in the documented script class, including Jamo, extensions and emoji."""
    assert class_of(char) == name
    assert script_counts(char)[CLASSES.index(name)] == 1


def test_script_counts_ascii_fast_path_agrees() -> None:
    """The pure-ASCII path and the general path count the same classes."""
    text = "# Title\n\nHello, World! 42 times -- `code`\ttab\n"
    mixed = script_counts(text + "한")
    ascii_only = script_counts(text)
    assert [a - (1 if name == "hangul" else 0) for a, name in zip(mixed, CLASSES, strict=True)] == list(
        ascii_only
    )
    assert ascii_only[CLASSES.index("blank_line")] == 1
    assert script_counts("a\n  b\n c\nd")[CLASSES.index("indent")] == 2


@pytest.mark.parametrize("family", sorted(REAL))
@pytest.mark.parametrize("lang", ["ko", "ja", "zh", "en"])
def test_calibrated_estimate_on_held_out_documents(family: str, lang: str) -> None:
    """Each family's estimate stays within tolerance of its real tokenizer on documents not used to fit."""
    real = real_tokenizer(family)
    estimate = get_tokenizer(f"estimate:{family}")
    errors = [abs(estimate.count(doc) - real.count(doc)) / real.count(doc) * 100 for doc in _held_out(lang)]
    assert statistics.fmean(errors) <= TOLERANCE[lang]


@pytest.mark.parametrize("family", sorted(REAL))
def test_conservative_estimate_never_undercounts(family: str) -> None:
    """The default estimate is at least 98 % of every real tokenizer's count on every real document and
    on every file of the example personas (markdown, YAML rules, soul.json)."""
    real = real_tokenizer(family)
    generic = get_tokenizer("estimate")
    docs = [
        doc for lang in ("ko", "ja", "zh", "en") for doc in _documents(require_data("text", f"{lang}.txt"))
    ]
    docs += [path.read_text(encoding="utf-8") for path in sorted(require_data("souls").glob("*/*.md"))]
    examples = sorted(p for p in EXAMPLES.rglob("*") if p.suffix in (".md", ".yaml", ".json"))
    docs += [path.read_text(encoding="utf-8") for path in examples]
    worst = min(generic.count(doc) / real.count(doc) for doc in docs)
    assert worst >= 0.98


def test_conservative_covers_every_family_estimate() -> None:
    """The conservative estimate is never below any family's calibrated estimate."""
    text = "# 소울\n\n너는 친절한 상담원이다 😊. Never share keys! 東京の天気は？ 价格是 42 元。"
    generic = get_tokenizer("estimate").count(text)
    assert all(generic >= get_tokenizer(f"estimate:{family}").count(text) for family in ESTIMATE_FAMILIES)


def test_custom_rates_and_unknown_classes() -> None:
    """Custom rates replace the family's; a rate for an unknown class is rejected."""
    tok = EstimateTokenizer(rates={"hangul": 2.0, "space": 0.0})
    assert tok.count("한국 어") == 6
    assert tok.count("한\n\n  국") == 4 + 4  # newlines take the largest rate; no blank/indent correction
    with pytest.raises(ValueError, match="unknown script classes"):
        EstimateTokenizer(rates={"klingon": 1.0})


def test_family_aliases() -> None:
    """Common names of the vocabularies resolve to the fitted families."""
    assert get_tokenizer("estimate:qwen2.5").name == "estimate:qwen2"  # type: ignore[attr-defined]
    assert get_tokenizer("estimate:o200k_base").name == "estimate:o200k"
    assert EstimateTokenizer("conservative").name == "estimate"


ESTIMATES = ["estimate", *(f"estimate:{family}" for family in ESTIMATE_FAMILIES)]


@settings(max_examples=150, deadline=None)
@given(spec=st.sampled_from(ESTIMATES), a=st.text(), b=st.text())
def test_estimate_invariants(spec: str, a: str, b: str) -> None:
    """Estimates are non-negative, zero for empty text, deterministic and (nearly) subadditive.

    Joining two texts can create one new blank line or indented line at the seam, whose correction is
    at most about two tokens, plus one for rounding.
    """
    tok = get_tokenizer(spec)
    assert tok.count("") == 0
    assert tok.count(a) >= 0
    assert tok.count(a) == tok.count(a)
    assert tok.count(a + b) <= tok.count(a) + tok.count(b) + 3


@settings(max_examples=60, deadline=None)
@given(text=st.text())
def test_real_tokenizer_invariants(text: str) -> None:
    """A real tokenizer's count is non-negative and deterministic on arbitrary text."""
    tok = real_tokenizer("o200k")
    assert tok.count(text) == tok.count(text) >= 0
