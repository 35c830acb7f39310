"""Invariants of the packer on generated Korean/English personas (hypothesis)."""

from __future__ import annotations

import json

import pytest
from conftest import require_data
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from soulkeeper.errors import BudgetExceededError
from soulkeeper.pack import PackResult, clear_cache, pack
from soulkeeper.pack._digest import rules_digest
from soulkeeper.spec import Soul
from soulkeeper.tokens import get_tokenizer

_EN = [
    "the",
    "harbour",
    "keeper",
    "lamp",
    "ship",
    "bell",
    "fog",
    "rope",
    "tide",
    "visitor",
    "label",
    "quietly",
    "never",
    "always",
    "ask",
    "wait",
]
_KO = [
    "등대",
    "바다",
    "배",
    "종소리",
    "안개",
    "방문객",
    "라벨",
    "조용히",
    "절대",
    "항상",
    "물어봐요",
    "기다려요",
    "해녀",
    "어시장",
]
_HEADINGS = [
    "Boundaries",
    "Principles",
    "Tone",
    "Personality",
    "Stories",
    "Hobbies",
    "Examples",
    "Workflow",
    "원칙",
    "이야기",
    "Expertise",
    "Notes",
]

_sentence = st.one_of(
    st.lists(st.sampled_from(_EN), min_size=3, max_size=14).map(lambda w: " ".join(w).capitalize() + "."),
    st.lists(st.sampled_from(_KO), min_size=2, max_size=9).map(lambda w: " ".join(w) + "요."),
)
_paragraph = st.one_of(
    st.lists(_sentence, min_size=1, max_size=5).map(" ".join),
    st.lists(_sentence, min_size=1, max_size=4).map(lambda s: "\n".join(f"- {x}" for x in s)),
)
_section = st.tuples(
    st.sampled_from(_HEADINGS),
    st.sampled_from([2, 2, 2, 3]),
    st.lists(_paragraph, min_size=1, max_size=3).map("\n\n".join),
)


def _markdown(title: str, sections: list[tuple[str, int, str]]) -> str:
    parts = [f"# {title}"]
    for heading, level, body in sections:
        parts.append(f"{'#' * level} {heading}\n\n{body}")
    return "\n\n".join(parts) + "\n"


@st.composite
def souls(draw: st.DrawFn) -> Soul:
    must_never = draw(st.lists(_sentence, max_size=3, unique=True))
    manifest = {
        "specVersion": "0.6",
        "name": "generated",
        "displayName": "Generated",
        "version": "1.0.0",
        "description": "A generated persona.",
        "rules": {"boundaries": {"must_never": must_never}},
    }
    files = {
        "soul.json": json.dumps(manifest),
        "IDENTITY.md": "# Generated\n\n- **Name:** Generated\n- **Role:** a test persona\n",
        "SOUL.md": _markdown("Soul", draw(st.lists(_section, min_size=1, max_size=7))),
    }
    for path in ("STYLE.md", "AGENTS.md", "README.md"):
        sections = draw(st.lists(_section, max_size=5))
        if sections:
            files[path] = _markdown(path.removesuffix(".md").title(), sections)
    return Soul.from_files(files)


TOKENIZERS = ["estimate", "tiktoken:o200k_base"]


def _pack(soul: Soul, budget: int, tokenizer: str) -> PackResult | BudgetExceededError:
    try:
        return pack(soul, budget=budget, tokenizer=tokenizer)
    except BudgetExceededError as exc:
        return exc


def _kept_by_rank(result: PackResult) -> list[int]:
    ranked = sorted((e for e in result.entries if e.rank is not None), key=lambda e: e.rank or 0)
    return [e.kept_tokens for e in ranked]


@pytest.fixture(autouse=True)
def _offline_tiktoken() -> None:
    require_data("tokenizers", "tiktoken-cache")


@pytest.mark.parametrize("tokenizer", TOKENIZERS)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(soul=souls(), budgets=st.lists(st.integers(min_value=20, max_value=2500), min_size=2, max_size=2))
def test_budget_tier1_and_monotonicity(soul: Soul, budgets: list[int], tokenizer: str) -> None:
    """Packed text fits the budget, tier 1 is whole or the call raises, and more budget never keeps less."""
    tok = get_tokenizer(tokenizer)
    small, large = sorted(budgets)
    results = [_pack(soul, b, tokenizer) for b in (small, large)]
    identity = soul.files["IDENTITY.md"].text.strip()
    digest = rules_digest(soul.rules)
    for budget, result in zip((small, large), results, strict=True):
        if isinstance(result, BudgetExceededError):
            assert result.budget == budget < result.required
            continue
        assert result.tokens == tok.count(result.text) <= budget
        assert result.text.startswith(identity)
        assert digest in result.text
        assert result.degraded == bool(result.left_out) == bool(result.message)
    first, second = results
    if isinstance(first, PackResult):
        assert isinstance(second, PackResult), "a larger budget raised where a smaller one packed"
        a, b = _kept_by_rank(first), _kept_by_rank(second)
        differing = next((i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y), None)
        if differing is not None:
            assert b[differing] > a[differing], "the first section that differs must gain with more budget"


@pytest.mark.parametrize("tokenizer", TOKENIZERS)
@settings(max_examples=30, deadline=None)
@given(soul=souls(), budget=st.integers(min_value=60, max_value=2500))
def test_packing_is_deterministic(soul: Soul, budget: int, tokenizer: str) -> None:
    """Packing the same persona twice from cold caches gives the same text and entries."""
    clear_cache()
    first = _pack(soul, budget, tokenizer)
    clear_cache()
    second = _pack(soul, budget, tokenizer)
    if isinstance(first, BudgetExceededError):
        assert isinstance(second, BudgetExceededError)
        assert (first.required, first.budget) == (second.required, second.budget)
        return
    assert isinstance(second, PackResult)
    assert first == second
