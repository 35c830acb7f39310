"""The truncation case from the field: a ~7k-token Korean/English persona into a 4,096-token window."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import require_data
from soulkeeper.pack import HARD_RULES_PATH, Reserve, clear_cache, pack
from soulkeeper.spec import Soul, load_soul
from soulkeeper.tokens import Tokenizer, get_tokenizer

FIXTURE = Path(__file__).parent / "fixtures" / "dal"

TOKENIZERS = [
    pytest.param(("tokenizers", "tiktoken-cache"), "tiktoken:o200k_base", id="o200k"),
    pytest.param(("tokenizers", "hf", "qwen2_5", "tokenizer.json"), "hf", id="qwen2.5"),
    pytest.param(("tokenizers", "hf", "gemma3", "tokenizer.json"), "hf", id="gemma3"),
]


def _tokenizer(parts: tuple[str, ...], kind: str) -> Tokenizer:
    path = require_data(*parts)
    if kind == "hf":
        pytest.importorskip("tokenizers")
        return get_tokenizer(f"hf:{path}")
    return get_tokenizer(kind)


@pytest.fixture(scope="module")
def dal() -> Soul:
    return load_soul(FIXTURE)


@pytest.mark.parametrize(("parts", "kind"), TOKENIZERS)
def test_fixture_is_a_seven_thousand_token_persona(dal: Soul, parts: tuple[str, ...], kind: str) -> None:
    """The test persona is five markdown files plus soul.json and about 7k tokens under each tokenizer."""
    tok = _tokenizer(parts, kind)
    markdown = [path for path in dal.files if path.endswith(".md")]
    assert sorted(markdown) == ["AGENTS.md", "IDENTITY.md", "README.md", "SOUL.md", "STYLE.md"]
    total = sum(tok.count(f.text) for f in dal.files.values())
    assert 6000 <= total <= 8000


@pytest.mark.parametrize(("parts", "kind"), TOKENIZERS)
def test_field_case_keeps_identity_and_hard_rules_within_budget(
    dal: Soul, parts: tuple[str, ...], kind: str
) -> None:
    """4,096 minus three 512 reserves keeps IDENTITY.md and the hard rules, within budget, and says what is out."""
    tok = _tokenizer(parts, kind)
    clear_cache()
    result = pack(
        dal,
        context_window=4096,
        reserve=Reserve(system=512, history=512, generation=512),
        tokenizer=tok,
    )
    assert result.budget == 2560
    assert result.tokens == tok.count(result.text) <= 2560
    assert result.utilisation > 0.9  # the budget is used, not wasted
    assert dal.files["IDENTITY.md"].text.strip() in result.text
    for rule in (*dal.rules.boundaries.must_never, *dal.rules.safety_laws):
        assert rule in result.text
    assert result.text.index("# 달 (Dal)") == 0  # identity first
    by_label = {e.label: e for e in result.entries}
    assert by_label["IDENTITY.md"].status == "included"
    assert by_label[HARD_RULES_PATH].status == "included"
    for heading in ("Principles", "Boundaries"):
        assert by_label[f"SOUL.md § {heading}"].status == "included"
    assert by_label["README.md"].status == "dropped"
    assert by_label["SOUL.md § Hobbies"].status == "dropped"
    # how the persona speaks outranks its anecdotes: STYLE.md is packed before SOUL.md's stories
    assert by_label["STYLE.md § Tone by audience"].status == "included"
    assert by_label["SOUL.md § 안개 낀 밤의 종소리"].status == "dropped"
    assert result.degraded
    assert result.message.startswith("Persona exceeds this model's budget: SOUL.md sections ")
    assert "README.md" in result.message
    assert " were left out" in result.message
    assert "README.md" in result.left_out
    assert "[… left out to fit the context: " in result.text
    assert "[… SOUL.md: " in result.text
    assert any("minTokenContext (8192)" in w for w in result.warnings)


@pytest.mark.parametrize(("parts", "kind"), TOKENIZERS)
def test_field_case_output_keeps_document_order(dal: Soul, parts: tuple[str, ...], kind: str) -> None:
    """Kept sections appear in their files' order, files in tier order, whatever their priority."""
    tok = _tokenizer(parts, kind)
    result = pack(dal, context_window=4096, tokenizer=tok)
    kept = [
        e for e in result.entries if e.heading is not None and e.status != "dropped" and e.path == "SOUL.md"
    ]
    positions = [
        result.text.index(f"## {e.heading}") for e in kept if e.heading and e.heading != kept[0].heading
    ]
    assert positions == sorted(positions)
    assert result.text.index("## Hard rules") < result.text.index("## Principles")
