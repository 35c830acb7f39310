"""``soulkeeper pack``: show what of a persona fits a model's context, and what is left out."""

from __future__ import annotations

import logging
from pathlib import Path

import click
from rich.table import Table

from soulkeeper.cli._output import PACKAGE_PATH, print_json, stdout
from soulkeeper.pack import PackEntry, PackResult, Reserve, pack
from soulkeeper.spec import load_soul
from soulkeeper.tokens import Tokenizer, get_tokenizer, tokenizer_for_model

__all__ = ["pack_command"]

_STYLE = {"included": "green", "truncated": "yellow", "dropped": "red"}


def _tokenizer(spec: str | None, model: str | None) -> Tokenizer:
    if spec and model:
        raise click.UsageError("pass --tokenizer or --model, not both")
    if model:
        return tokenizer_for_model(model)
    return get_tokenizer(spec or "estimate")


def _rows(result: PackResult, all_sections: bool) -> list[PackEntry]:
    rows: list[PackEntry] = []
    for entry in result.entries:
        if entry.heading is None or all_sections or entry.status != "included" or entry.note:
            rows.append(entry)
    return rows


def _table(result: PackResult, all_sections: bool) -> Table:
    table = Table(title=None, show_edge=False, pad_edge=False)
    table.add_column("tier", justify="right")
    table.add_column("file / section")
    table.add_column("status")
    table.add_column("kept", justify="right")
    table.add_column("tokens", justify="right")
    for entry in _rows(result, all_sections):
        name = entry.path if entry.heading is None else f"  § {entry.heading or '(intro)'}"
        status = f"[{_STYLE[entry.status]}]{entry.status}[/]"
        if entry.note:
            status += f" ({entry.note})"
        table.add_row(str(entry.tier), name, status, f"{entry.kept_tokens:,}", f"{entry.tokens:,}")
    return table


@click.command("pack")
@click.argument("path", type=PACKAGE_PATH)
@click.option(
    "--context", "context", type=click.IntRange(min=1), help="The model's context window in tokens."
)
@click.option("--budget", type=click.IntRange(min=1), help="The persona's budget, instead of --context.")
@click.option("--reserve-system", type=click.IntRange(min=0), default=512, show_default=True)
@click.option("--reserve-history", type=click.IntRange(min=0), default=512, show_default=True)
@click.option("--reserve-generation", type=click.IntRange(min=0), default=512, show_default=True)
@click.option(
    "--tokenizer", "tokenizer_spec", metavar="SPEC", help="e.g. tiktoken:o200k_base, hf:PATH, estimate:qwen2"
)
@click.option("--model", metavar="NAME", help="Pick the tokenizer for a model name (gpt-4o, qwen2.5:7b, …).")
@click.option("--fallback", is_flag=True, help="Pack a one-line identity when tier 1 does not fit.")
@click.option("--sections", "all_sections", is_flag=True, help="List every section, not only those left out.")
@click.option("--show-text", is_flag=True, help="Print the packed text after the report.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def pack_command(
    path: Path,
    context: int | None,
    budget: int | None,
    reserve_system: int,
    reserve_history: int,
    reserve_generation: int,
    tokenizer_spec: str | None,
    model: str | None,
    fallback: bool,
    all_sections: bool,
    show_text: bool,
    as_json: bool,
) -> None:
    """Pack the persona at PATH for a context window and report what was included, cut or left out.

    Exit 0 when it packed (even with parts left out: the report says which), 2 when tier 1 alone does
    not fit (unless --fallback) or the options are wrong.
    """
    if (context is None) == (budget is None):
        raise click.UsageError("pass --context N (minus the reserves) or --budget N")
    tokenizer = _tokenizer(tokenizer_spec, model)
    soul = load_soul(path)
    logger = logging.getLogger("soulkeeper.pack")
    if not logger.handlers:
        logger.addHandler(logging.NullHandler())  # the report below says it; no second copy on stderr
    result = pack(
        soul,
        context_window=context,
        budget=budget,
        reserve=Reserve(system=reserve_system, history=reserve_history, generation=reserve_generation),
        tokenizer=tokenizer,
        fallback=fallback,
    )
    if as_json:
        data = result.to_dict()
        if not show_text:
            data.pop("text")
        print_json({"path": str(path), "name": soul.name, **data})
        return
    console = stdout()
    console.print(_table(result, all_sections))
    where = f"{context:,} context - {context - result.budget:,} reserved = " if context is not None else ""
    console.print(
        f"\n{soul.display_name}: {result.tokens:,} of {where}{result.budget:,} tokens "
        f"({result.utilisation:.1%}) with {result.tokenizer}"
    )
    for warning in result.warnings:
        console.print(f"[yellow]warning:[/] {warning}")
    if show_text:
        console.rule()
        click.echo(result.text)
