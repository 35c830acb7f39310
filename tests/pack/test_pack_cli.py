"""The ``soulkeeper pack`` command: report, JSON output and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import soulkeeper.pack
from conftest import require_data
from soulkeeper.cli import main

FIXTURE = Path(__file__).parent / "fixtures" / "dal"


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    try:
        main(["pack", *args])
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_reports_included_and_dropped(capsys: pytest.CaptureFixture[str]) -> None:
    """The table lists files with their status and token counts, then the total and utilisation."""
    require_data("tokenizers", "tiktoken-cache")
    code, out, err = _run(capsys, str(FIXTURE), "--context", "4096", "--tokenizer", "tiktoken:o200k_base")
    assert code == 0, err
    assert "IDENTITY.md" in out
    assert "included" in out
    assert "dropped" in out
    assert "of 4,096 context - 1,536 reserved = 2,560 tokens" in out
    assert "Persona exceeds this model's budget" in out
    assert err == ""


def test_cli_json(capsys: pytest.CaptureFixture[str]) -> None:
    """--json prints the whole result; --show-text adds the packed text."""
    code, out, _ = _run(capsys, str(FIXTURE), "--budget", "3000", "--json", "--show-text")
    assert code == 0
    data = json.loads(out)
    assert data["budget"] == 3000
    assert data["tokens"] <= 3000
    assert data["tokenizer"] == "estimate"
    assert data["text"].startswith("# 달 (Dal)")
    assert {"path", "heading", "tier", "status", "tokens", "kept_tokens"} <= set(data["entries"][0])


def test_cli_model_picks_the_tokenizer(capsys: pytest.CaptureFixture[str]) -> None:
    """--model maps a model name to its tokenizer."""
    require_data("tokenizers", "tiktoken-cache")
    code, out, _ = _run(capsys, str(FIXTURE), "--context", "8192", "--model", "gpt-4o", "--json")
    assert code == 0
    assert json.loads(out)["tokenizer"] == "tiktoken:o200k_base"


def test_cli_tier_one_too_big_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    """When tier 1 does not fit, the command fails with one line naming the numbers (exit 2)."""
    code, _out, err = _run(capsys, str(FIXTURE), "--budget", "50")
    assert code == 2
    assert err.startswith("soulkeeper: tier 1 (IDENTITY.md and the hard rules)")
    assert "budget is 50" in err
    assert err.count("\n") == 1


def test_cli_fallback(capsys: pytest.CaptureFixture[str]) -> None:
    """--fallback packs the one-line identity instead of failing."""
    code, out, _ = _run(capsys, str(FIXTURE), "--budget", "60", "--fallback", "--json", "--show-text")
    assert code == 0
    data = json.loads(out)
    assert data["fallback"]
    assert data["text"].startswith("You are 달 (Dal)")


def test_cli_needs_context_or_budget(capsys: pytest.CaptureFixture[str]) -> None:
    """Neither --context nor --budget is a usage error (exit 2)."""
    code, _, err = _run(capsys, str(FIXTURE))
    assert code == 2
    assert "--context" in err


def test_public_names() -> None:
    """soulkeeper.pack exports exactly its documented public names."""
    assert soulkeeper.pack.__all__ == [
        "DEFAULT_PRIORITIES",
        "DEFAULT_TIERS",
        "HARD_RULES_PATH",
        "IDENTITY_LINE_PATH",
        "PackEntry",
        "PackResult",
        "Reserve",
        "Tier",
        "clear_cache",
        "pack",
        "soul_packing_settings",
    ]
