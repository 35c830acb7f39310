"""soulkeeper tokens: per-file counts of a persona with several tokenizers side by side."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from conftest import EXAMPLES, require_data
from soulkeeper.cli import cli
from soulkeeper.spec import load_soul
from soulkeeper.tokens import get_tokenizer


def _persona() -> str:
    path = EXAMPLES / "haneul"
    if not path.is_dir():
        pytest.skip(f"needs the example persona {path}")
    return str(path)


def test_json_counts_every_file_with_the_chosen_tokenizers() -> None:
    """--json lists every file of the persona with exact counts per tokenizer and matching totals."""
    require_data("tokenizers", "tiktoken-cache")
    path = _persona()
    result = CliRunner().invoke(
        cli, ["tokens", path, "--tokenizer", "tiktoken:o200k_base", "--model", "claude-sonnet-4", "--json"]
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    soul = load_soul(path)
    assert [row["path"] for row in report["files"]] == sorted(soul.files)
    o200k = get_tokenizer("tiktoken:o200k_base")
    for row in report["files"]:
        assert row["tokens"]["tiktoken:o200k_base"] == o200k.count(soul.files[row["path"]].text)
    assert report["tokenizers"][1] == {"label": "claude-sonnet-4", "name": "estimate", "exact": False}
    assert report["total"]["tokens"]["claude-sonnet-4"] == sum(
        r["tokens"]["claude-sonnet-4"] for r in report["files"]
    )


def test_default_table_has_every_family() -> None:
    """Without options the table shows the conservative estimate and one column per family."""
    result = CliRunner().invoke(cli, ["tokens", _persona()])
    assert result.exit_code == 0, result.output
    for label in ("estimate", "o200k", "cl100k", "qwen2", "llama3", "gemma3", "mistral_v3", "deepseek_v3"):
        assert label in result.output
    assert "SOUL.md" in result.output
    assert "total" in result.output


def test_bad_tokenizer_spec_is_an_input_error() -> None:
    """An unknown tokenizer spec fails with one line and exit code 2."""
    from soulkeeper.cli import main

    with pytest.raises(SystemExit) as info:
        main(["tokens", _persona(), "--tokenizer", "nope:x"])
    assert info.value.code == 2
