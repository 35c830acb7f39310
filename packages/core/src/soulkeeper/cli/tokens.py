"""``soulkeeper tokens``: a persona's token count per file, with several tokenizers side by side."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import click
from rich.measure import Measurement
from rich.table import Table

from soulkeeper.cli._output import PACKAGE_PATH, print_json, stdout
from soulkeeper.tokens import (
    EstimateTokenizer,
    Tokenizer,
    available_tokenizers,
    get_tokenizer,
    tokenizer_for_model,
)

__all__ = ["count_files", "tokens_command"]


def count_files(files: Mapping[str, str], tokenizers: Sequence[tuple[str, Tokenizer]]) -> dict[str, Any]:
    """Token counts of every file under every tokenizer, plus totals (the data behind the command).

    :param files: text by package-relative path.
    :param tokenizers: ``(column label, tokenizer)`` pairs.
    :returns: ``{"tokenizers": [{"label", "name", "exact"}], "files": [{"path", "chars", "tokens":
        {label: n}}], "total": {"chars", "tokens": {label: n}}}``.
    """
    counts = {path: {lb: tok.count(text) for lb, tok in tokenizers} for path, text in sorted(files.items())}
    rows = [
        {"path": path, "chars": len(files[path]), "tokens": by_label} for path, by_label in counts.items()
    ]
    return {
        "tokenizers": [
            {"label": label, "name": tok.name, "exact": not isinstance(tok, EstimateTokenizer)}
            for label, tok in tokenizers
        ],
        "files": rows,
        "total": {
            "chars": sum(len(text) for text in files.values()),
            "tokens": {
                label: sum(by_label[label] for by_label in counts.values()) for label, _ in tokenizers
            },
        },
    }


def _selected(specs: Sequence[str], models: Sequence[str]) -> list[tuple[str, Tokenizer]]:
    chosen = [(spec, get_tokenizer(spec)) for spec in specs]
    chosen += [(model, tokenizer_for_model(model)) for model in models]
    return chosen or available_tokenizers()


def _table(report: dict[str, Any]) -> Table:
    table = Table(show_edge=False, pad_edge=False)
    table.add_column("file", no_wrap=True)
    table.add_column("chars", justify="right")
    for column in report["tokenizers"]:
        label = column["label"] if column["exact"] or column["label"] == "estimate" else f"~{column['label']}"
        table.add_column(label, justify="right", no_wrap=True)
    labels = [column["label"] for column in report["tokenizers"]]
    for row in report["files"]:
        table.add_row(row["path"], f"{row['chars']:,}", *(f"{row['tokens'][lb]:,}" for lb in labels))
    total = report["total"]
    table.add_section()
    table.add_row(
        "total", f"{total['chars']:,}", *(f"{total['tokens'][lb]:,}" for lb in labels), style="bold"
    )
    return table


@click.command("tokens")
@click.argument("path", type=PACKAGE_PATH)
@click.option(
    "--tokenizer",
    "specs",
    metavar="SPEC",
    multiple=True,
    help="Count with this tokenizer (repeatable): tiktoken:o200k_base, hf:PATH, estimate:qwen2, estimate.",
)
@click.option(
    "--model", "models", metavar="NAME", multiple=True, help="Count with a model's tokenizer (repeatable)."
)
@click.option("--json", "as_json", is_flag=True, help="Print the counts as JSON.")
def tokens_command(path: Path, specs: tuple[str, ...], models: tuple[str, ...], as_json: bool) -> None:
    """Count a persona's tokens per file, with every available tokenizer side by side.

    Without --tokenizer or --model: the conservative estimate, then one column per model family —
    exact where the tokenizer is available offline (tiktoken cache, SOULKEEPER_HF_TOKENIZERS), else
    the family's calibrated estimate, marked with "~".
    """
    from soulkeeper.spec import load_soul

    soul = load_soul(path)
    report = count_files({name: file.text for name, file in soul.files.items()}, _selected(specs, models))
    report = {"persona": soul.name, **report}
    if as_json:
        print_json(report)
        return
    console = stdout()
    table = _table(report)
    wide = Measurement.get(console, console.options.update_width(1000), table).maximum
    console.width = max(console.width, wide)  # never squeeze the columns
    console.print(table)
    console.print("~ = calibrated estimate (no local tokenizer); estimate = conservative, for unknown models")
