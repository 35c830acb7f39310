"""Behaviour of ``soulkeeper.pack.pack`` on small in-memory personas (budgets, markers, tiers, hooks)."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from soulkeeper.errors import BudgetExceededError, SpecError
from soulkeeper.pack import (
    DEFAULT_TIERS,
    HARD_RULES_PATH,
    IDENTITY_LINE_PATH,
    PackResult,
    Reserve,
    Tier,
    clear_cache,
    pack,
)
from soulkeeper.plugins import get_plugin_manager, hookimpl
from soulkeeper.spec import Soul


def words(text: str) -> int:
    """One token per whitespace-separated word (a deterministic stand-in with easy arithmetic)."""
    return len(text.split())


def _soul(extra: dict[str, str] | None = None, manifest: dict[str, Any] | None = None) -> Soul:
    data = {
        "specVersion": "0.6",
        "name": "nuri",
        "displayName": "Nuri",
        "version": "1.0.0",
        "description": "A small test persona.",
        "rules": {
            "identity": {"role": "a tea-house host"},
            "voice": {"language": "ko", "speech_level": "polite", "prohibited": {"emoji": True}},
            "boundaries": {
                "must_never": ["Reveal a guest's order history"],
                "declined_topics": [{"name": "politics"}],
            },
        },
        **(manifest or {}),
    }
    files = {
        "soul.json": json.dumps(data),
        "IDENTITY.md": "# Nuri\n\n- **Name:** Nuri\n- **Role:** a tea-house host",
        "SOUL.md": (
            "# Nuri\n\nYou are Nuri, the host of a small tea house.\n\n"
            "## Stories\n\nOnce a guest brought a kettle from Jeju. It whistled like the wind. "
            "Everyone laughed, and the guest told us how the kettle had crossed the sea in a fishing boat, "
            "wrapped in a blanket, with a jar of tangerine jam and a letter for her grandmother.\n\n"
            "## Boundaries\n\n- Never discuss politics.\n- Never reveal order histories.\n\n"
            "## Tone\n\n해요체로 말해요. Warm and short. No emoji."
        ),
        "STYLE.md": "# Style\n\n## Sentences\n\n"
        + " ".join(f"Style note {i} for short sentences." for i in range(8)),
        "README.md": "# Nuri\n\nA persona for tests.\n\n## Install\n\n"
        + " ".join(f"Step {i}: copy the folder." for i in range(8)),
    }
    files.update(extra or {})
    return Soul.from_files(files)


@pytest.fixture(autouse=True)
def _fresh() -> None:
    clear_cache()


def test_everything_fits_is_not_degraded() -> None:
    """With room for everything, all files are included whole, with no marker and no message."""
    result = pack(_soul(), budget=10_000, tokenizer=words)
    assert not result.degraded
    assert result.message == ""
    assert result.left_out == ()
    assert "[…" not in result.text
    assert {e.status for e in result.entries} == {"included"}
    assert result.tokens == words(result.text)


def test_exactly_one_of_context_window_and_budget() -> None:
    """Passing neither or both of context_window and budget is a clear ValueError."""
    soul = _soul()
    with pytest.raises(ValueError, match="exactly one of context_window"):
        pack(soul)
    with pytest.raises(ValueError, match="exactly one of context_window"):
        pack(soul, context_window=4096, budget=100)


def test_budget_is_context_minus_reserves() -> None:
    """The budget is the context window minus the three reserves."""
    result = pack(_soul(), context_window=2000, reserve=Reserve(system=100, history=200, generation=300))
    assert result.budget == 1400
    assert result.context_window == 2000


def test_reserves_that_eat_the_window_are_rejected() -> None:
    """A context window no larger than the reserves is a ValueError naming the numbers."""
    with pytest.raises(ValueError, match=r"context window 1536 leaves no room .* = 1536"):
        pack(_soul(), context_window=1536)
    with pytest.raises(ValueError, match=r"Reserve\.system must be an int >= 0"):
        Reserve(system=-1)


def test_hard_rules_digest_is_tier_one() -> None:
    """Tier 1 carries IDENTITY.md and a readable digest of the hard rules, before anything else."""
    result = pack(_soul(), budget=10_000, tokenizer=words)
    assert result.text.startswith("# Nuri\n\n- **Name:** Nuri")
    digest = result.text.index("## Hard rules (always apply)")
    assert digest < result.text.index("You are Nuri, the host")
    assert "- Never: Reveal a guest's order history." in result.text
    assert "- Never use emoji." in result.text
    assert "- Decline to discuss: politics." in result.text
    assert next(e for e in result.entries if e.path == HARD_RULES_PATH).tier == 1


def test_priority_decides_what_is_kept_not_the_order() -> None:
    """Boundaries and tone outrank stories, yet kept sections stay in document order."""
    soul = _soul()
    tiers = DEFAULT_TIERS[:2]  # identity and SOUL.md only, so the arithmetic is about SOUL.md
    full = pack(soul, budget=10_000, tokenizer=words, tiers=tiers)
    stories = next(e for e in full.entries if e.heading == "Stories")
    result = pack(soul, budget=full.tokens - stories.tokens + 15, tokenizer=words, tiers=tiers)
    status = {e.label: e.status for e in result.entries}
    assert status["SOUL.md § Stories"] == "dropped"
    assert status["SOUL.md § Boundaries"] == "included"
    assert status["SOUL.md § Tone"] == "included"
    assert result.text.index("## Boundaries") < result.text.index("## Tone")
    assert "[… SOUL.md: 1 section left out: 'Stories'" in result.text
    assert result.tokens <= result.budget


def test_message_names_sections_and_files() -> None:
    """The one-line message names the left-out sections and whole files in document order."""
    soul = _soul()
    full = pack(soul, budget=10_000, tokenizer=words)
    tokens = {e.label: e.tokens for e in full.entries}
    budget = full.tokens - tokens["SOUL.md § Stories"] - tokens["README.md"] - tokens["STYLE.md"] + 30
    result = pack(soul, budget=budget, tokenizer=words)
    assert result.degraded
    assert result.message == (
        "Persona exceeds this model's budget: SOUL.md section 'Stories', STYLE.md and README.md were left out"
    )
    assert result.left_out == ("SOUL.md § Stories", "STYLE.md", "README.md")
    assert result.text.endswith("[… left out to fit the context: STYLE.md, README.md]")
    assert result.message in result.warnings


def test_cut_happens_at_a_sentence_boundary() -> None:
    """A section that does not fit whole is cut after a complete sentence, and the cut is reported."""
    long_principles = "## Principles\n\n" + " ".join(f"Rule number {i} matters." for i in range(40))
    soul = _soul({"SOUL.md": "# Nuri\n\nYou are Nuri.\n\n" + long_principles})
    result = pack(soul, budget=150, tokenizer=words)
    entry = next(e for e in result.entries if e.heading == "Principles")
    assert entry.status == "truncated"
    assert 0 < entry.kept_tokens < entry.tokens
    kept = result.text.split("## Principles\n\n", 1)[1].split("\n\n", 1)[0]
    assert kept.endswith("matters.")
    assert "'Principles' cut short" in result.text
    assert "SOUL.md section 'Principles' was cut short" in result.message
    assert result.tokens <= 150


def test_stories_are_never_cut() -> None:
    """Anecdote sections are kept whole or left out, never cut mid-story."""
    story = "## Stories\n\n" + " ".join(f"Then thing {i} happened." for i in range(60))
    soul = _soul({"SOUL.md": "# Nuri\n\nYou are Nuri.\n\n" + story})
    result = pack(soul, budget=160, tokenizer=words)
    entry = next(e for e in result.entries if e.heading == "Stories")
    assert entry.status == "dropped"


def test_tier_one_too_big_raises_with_numbers() -> None:
    """When tier 1 alone does not fit, BudgetExceededError names what is needed and the budget."""
    with pytest.raises(BudgetExceededError) as info:
        pack(_soul(), budget=20, tokenizer=words)
    error = info.value
    assert error.budget == 20
    assert error.required > 20
    assert f"needs {error.required} tokens" in str(error)
    assert "budget is 20" in str(error)
    assert "fallback=True" in str(error)


def test_fallback_packs_a_one_line_identity_and_says_so() -> None:
    """fallback=True packs name, role, language and top rules on one line, and reports the degradation."""
    result = pack(_soul(), budget=25, tokenizer=words, fallback=True)
    assert result.fallback
    assert result.degraded
    assert result.text.startswith("You are Nuri, a tea-house host.")
    assert "\n" not in result.text
    assert result.tokens == words(result.text) <= 25
    assert "only a one-line identity was packed" in result.message
    assert result.entries[0].path == IDENTITY_LINE_PATH
    assert {e.status for e in result.entries[1:]} == {"dropped"}


def test_fallback_that_cannot_fit_still_raises() -> None:
    """Even the fallback needs room for "You are <name>."; otherwise the error stands."""
    with pytest.raises(BudgetExceededError):
        pack(_soul(), budget=2, tokenizer=words, fallback=True)


def test_min_token_context_warning() -> None:
    """A window smaller than compatibility.minTokenContext is warned about."""
    soul = _soul(manifest={"compatibility": {"minTokenContext": 32000}})
    result = pack(soul, context_window=8192, tokenizer=words)
    assert any("minTokenContext (32000)" in w for w in result.warnings)


def test_rules_md_must_never_is_carried_by_the_digest() -> None:
    """RULES.md's Must Never section is not packed twice: tier 1 carries it."""
    rules_md = "# Rules\n\n## Must Always\n\n- Greet guests.\n\n## Must Never\n\n- Share recipes."
    result = pack(_soul({"RULES.md": rules_md}), budget=10_000, tokenizer=words)
    assert result.text.count("Share recipes") == 1
    assert "- Never: Share recipes." in result.text
    carried = next(e for e in result.entries if e.path == "RULES.md" and e.heading == "Must Never")
    assert carried.note
    assert carried.tier == 1
    assert "## Must Always" in result.text


def test_caller_tiers_override_defaults() -> None:
    """A caller's tiers replace the defaults: here README.md is promoted to budget-immune tier 1."""
    tiers = [Tier("core", ("identity", "readme"), immune=True, rules_digest=True), Tier("rest", ("soul",))]
    result = pack(_soul(), budget=10_000, tokenizer=words, tiers=tiers)
    paths = [e.path for e in result.files]
    assert paths[:3] == ["IDENTITY.md", "README.md", HARD_RULES_PATH]
    assert "STYLE.md" not in paths  # no tier claims it


def test_soul_json_can_set_tiers_and_priorities() -> None:
    """soul.json soulkeeper.packing sets the persona's own tiers and heading priorities."""
    packing = {
        "tiers": [
            {"name": "core", "include": ["identity"], "immune": True, "rulesDigest": True},
            {"name": "soul", "include": ["soul", "style"]},
        ],
        "priorities": {"stories": 0, "boundar": 4},
    }
    soul = _soul(manifest={"soulkeeper": {"packing": packing}})
    full = pack(soul, budget=10_000, tokenizer=words)
    assert [e.path for e in full.files] == ["IDENTITY.md", HARD_RULES_PATH, "SOUL.md", "STYLE.md"]
    ranks = {e.heading: e.rank for e in full.entries if e.path == "SOUL.md" and e.heading}
    assert ranks["Stories"] < ranks["Boundaries"]


def test_bad_packing_settings_are_a_spec_error() -> None:
    """Malformed soulkeeper.packing settings fail loudly, naming soul.json."""
    soul = _soul(manifest={"soulkeeper": {"packing": {"tiers": [{"name": "x"}]}}})
    with pytest.raises(SpecError, match=r"soul\.json: .*include"):
        pack(soul, budget=1000, tokenizer=words)


def test_caller_priorities_override() -> None:
    """Caller priorities are merged over the defaults and decide which section goes first."""
    soul = _soul()
    result = pack(soul, budget=10_000, tokenizer=words, priorities={"stories": 0, "tone": 4})
    ranks = {e.heading: e.rank for e in result.entries if e.path == "SOUL.md" and e.heading}
    assert ranks["Stories"] < ranks["Tone"]


def test_cache_returns_the_identical_result() -> None:
    """Packing the same persona with the same settings again returns the cached object itself."""
    soul = _soul()
    first = pack(soul, budget=200, tokenizer="estimate")
    assert first.degraded
    assert pack(soul, budget=200, tokenizer="estimate") is first
    assert pack(_soul(), budget=200, tokenizer="estimate") is first  # same content, another object
    assert pack(soul, budget=201, tokenizer="estimate") is not first


class _Recorder:
    def __init__(self) -> None:
        self.calls: list[PackResult] = []

    @hookimpl
    def on_pack(self, soul: Any, result: PackResult) -> None:
        self.calls.append(result)


def test_on_pack_hook_fires_for_degraded_packs_even_when_cached() -> None:
    """on_pack is announced on every degraded pack (cached ones too) and not when all fits."""
    pm = get_plugin_manager(load_entrypoints=False)
    recorder = _Recorder()
    pm.register(recorder)
    soul = _soul()
    pack(soul, budget=10_000, tokenizer=words, plugin_manager=pm)
    assert recorder.calls == []
    degraded = pack(soul, budget=60, tokenizer=words, plugin_manager=pm)
    again = pack(soul, budget=60, tokenizer=words, plugin_manager=pm)
    assert degraded.degraded
    assert recorder.calls == [degraded, again]


def test_degradation_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    """A degraded pack logs its message as a warning on the soulkeeper.pack logger."""
    with caplog.at_level(logging.WARNING, logger="soulkeeper.pack"):
        result = pack(_soul(), budget=60, tokenizer=words)
    assert result.degraded
    assert [r.getMessage() for r in caplog.records if r.name == "soulkeeper.pack"] == [result.message]


def test_package_without_identity_gets_an_identity_line() -> None:
    """Without IDENTITY.md, tier 1 is a generated identity line, so the persona is never nameless."""
    files = {
        "soul.json": json.dumps(
            {"specVersion": "0.6", "name": "solo", "displayName": "Solo", "version": "1.0.0"}
        ),
        "SOUL.md": "# Solo\n\nA persona with one file.",
    }
    result = pack(Soul.from_files(files), budget=1000, tokenizer=words)
    assert result.text.startswith("You are Solo.")
    assert result.entries[0].path == IDENTITY_LINE_PATH


def test_default_tiers_are_documented_order() -> None:
    """The default tiers are identity+rules (immune), soul, style, reference."""
    assert [t.name for t in DEFAULT_TIERS] == ["identity", "soul", "style", "reference"]
    assert DEFAULT_TIERS[0].immune
    assert DEFAULT_TIERS[0].rules_digest
    assert not any(t.immune for t in DEFAULT_TIERS[1:])


def test_workspace_files_are_not_packed() -> None:
    """Other markdown files are tier 4, but workspace and runtime files (USER.md, memory/) never are."""
    soul = _soul(
        {"NOTES.md": "# Notes\n\nExtra notes.", "USER.md": "# User\n\nPrivate.", "memory/a.md": "# M\n\nx"}
    )
    paths = [e.path for e in pack(soul, budget=10_000, tokenizer=words).files]
    assert "NOTES.md" in paths
    assert "USER.md" not in paths
    assert "memory/a.md" not in paths


def lumpy(text: str) -> int:
    """Words plus a term quadratic in length: the joined text costs more than the sum of its parts."""
    return len(text.split()) + len(text) ** 2 // 20_000


def test_budget_holds_when_parts_do_not_add_up(caplog: pytest.LogCaptureFixture) -> None:
    """With a tokenizer whose count of the joined text exceeds the planned sum, the packer repacks to fit."""
    packed = 0
    with caplog.at_level(logging.DEBUG, logger="soulkeeper.pack"):
        for budget in range(60, 400, 7):
            try:
                result = pack(_soul(), budget=budget, tokenizer=lumpy)
            except BudgetExceededError as exc:
                required = exc.required
                assert required > budget
                continue
            packed += 1
            assert result.tokens == lumpy(result.text)
            assert result.tokens <= budget
    assert packed > 20
    assert any(r.getMessage().startswith("planned ") for r in caplog.records), "no repack was exercised"
