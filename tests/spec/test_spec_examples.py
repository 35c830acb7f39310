"""The bundled example personas load strictly and carry the rules the docs and demo rely on."""

from __future__ import annotations

import pytest
from conftest import EXAMPLES, require_data
from soulkeeper import load_soul
from soulkeeper.integrity import compute_digest, list_package_files
from soulkeeper.tokens import get_tokenizer

REQUIRED = (
    "soul.json",
    "IDENTITY.md",
    "SOUL.md",
    "STYLE.md",
    "AGENTS.md",
    "RULES.md",
    "rules.yaml",
    "README.md",
    "examples/good-outputs.md",
    "examples/bad-outputs.md",
)


@pytest.mark.parametrize("name", ["mati", "haneul", "yuki"])
def test_example_is_complete_and_strictly_valid(name: str) -> None:
    """Each example has every file, passes strict loading with no findings and is spec 0.6."""
    soul = load_soul(EXAMPLES / name, strict=True)
    assert set(REQUIRED) <= set(soul.files)
    assert soul.validate(strict=True) == []
    assert soul.manifest.spec_version == "0.6"
    assert soul.rules.sources[0] == "rules.yaml"
    soul_md = soul.file("soul")
    assert soul_md is not None
    headings = [s.heading for s in soul_md.sections if s.level == 2]
    assert "Boundaries" in headings
    assert len(headings) >= 5
    assert soul.file("good_examples") is not None
    assert soul.file("bad_examples") is not None


def test_mati_rules() -> None:
    """Mati: English, formal, no emoji / exclamation / casual greetings, declined topics, formats."""
    rules = load_soul(EXAMPLES / "mati").rules
    assert rules.identity.name == "Mati"
    assert rules.voice.language == "en"
    assert rules.voice.tone == "formal"
    prohibited = rules.voice.prohibited
    assert prohibited.emoji
    assert prohibited.exclamation
    assert prohibited.casual_greetings
    assert {"politics", "medical_advice"} <= {t.name for t in rules.boundaries.declined_topics}
    assert rules.behaviors.greeting == "Hello, this is Mati."
    assert rules.behaviors.error_format is not None
    assert rules.boundaries.must_never


def test_mati_size_is_a_realistic_budget_case() -> None:
    """Mati is about 5-7k tokens across its files, so packing under small windows must drop sections."""
    require_data("tokenizers", "tiktoken-cache")
    soul = load_soul(EXAMPLES / "mati")
    tokenizer = get_tokenizer("tiktoken:cl100k_base")
    total = sum(tokenizer.count(f.text) for f in soul.files.values())
    assert 5000 <= total <= 7500
    assert sum(1 for f in soul.files.values() if tokenizer.count(f.text) > 300) >= 5


def test_haneul_is_korean_banmal() -> None:
    """하늘 answers in Korean at the casual (반말) speech level."""
    rules = load_soul(EXAMPLES / "haneul").rules
    assert rules.voice.language == "ko"
    assert rules.voice.speech_level == "casual"
    assert rules.identity.name == "하늘"


def test_yuki_is_japanese_polite() -> None:
    """ユキ answers in Japanese at the polite (です/ます) speech level."""
    rules = load_soul(EXAMPLES / "yuki").rules
    assert rules.voice.language == "ja"
    assert rules.voice.speech_level == "polite"
    assert rules.voice.prohibited.emoji


@pytest.mark.parametrize("name", ["mati", "haneul", "yuki"])
def test_digest_matches_integrity_reader(name: str) -> None:
    """Soul.digest equals the integrity module's digest of the same folder."""
    soul = load_soul(EXAMPLES / name)
    assert soul.digest == compute_digest(list_package_files(EXAMPLES / name))
    assert soul.digest.startswith("sha256:")
