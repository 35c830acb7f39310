"""``soulkeeper diff OLD NEW``: section-level changes between two persona versions, with severities."""

from __future__ import annotations

from pathlib import Path

import click
from rich.table import Table

from soulkeeper.cli import EXIT_INVALID
from soulkeeper.cli._output import PACKAGE_PATH, fail, print_json, stdout
from soulkeeper.diff import DiffSeverity, diff_souls
from soulkeeper.spec import load_soul

__all__ = ["diff"]

_ORDER = {"high": 0, "medium": 1, "low": 2}
_STYLE = {"high": "bold red", "medium": "yellow", "low": "dim"}


def _excerpt(lines: tuple[str, ...], limit: int = 2) -> str:
    shown = [line if len(line) <= 80 else line[:77] + "..." for line in lines[:limit]]
    more = f" (+{len(lines) - limit} more)" if len(lines) > limit else ""
    return " | ".join(shown) + more


@click.command()
@click.argument("old", type=PACKAGE_PATH)
@click.argument("new", type=PACKAGE_PATH)
@click.option("--json", "as_json", is_flag=True, help="Print the changes as JSON.")
@click.option(
    "--fail-on",
    type=click.Choice(["high", "medium", "low"]),
    default=None,
    help="Exit 1 when a change of this severity or worse is found (default: always exit 0).",
)
def diff(old: Path, new: Path, as_json: bool, fail_on: DiffSeverity | None) -> None:
    """Compare two persona packages section by section.

    Removed boundaries, "must never" rules, prohibited patterns, declined topics and safety laws are
    high severity. Exit 0 whatever the changes, unless --fail-on is given.
    """
    result = diff_souls(load_soul(old), load_soul(new))
    if as_json:
        print_json(result.to_dict())
    else:
        console = stdout()
        head = f"{result.old_name} {result.old_version} -> {result.new_name} {result.new_version}"
        if result.identical:
            console.print(f"{head}: identical ({result.new_digest})")
        elif not result.changes:
            console.print(f"{head}: no section-level changes (binary files differ; digests differ)")
        else:
            table = Table(title=head, title_justify="left")
            for column in ("severity", "change", "where", "detail"):
                table.add_column(column, overflow="fold")
            for c in sorted(result.changes, key=lambda c: _ORDER[c.severity]):
                where = c.path + (f" § {c.heading}" if c.heading else "")
                detail = c.message
                if c.removed_lines:
                    detail += f"\n- {_excerpt(c.removed_lines)}"
                if c.added_lines:
                    detail += f"\n+ {_excerpt(c.added_lines)}"
                if c.kind in ("manifest", "rules") and c.op == "changed":
                    detail += f"\n{c.old!r} -> {c.new!r}"
                table.add_row(f"[{_STYLE[c.severity]}]{c.severity}[/]", f"{c.kind} {c.op}", where, detail)
            console.print(table)
            counts = result.to_dict()["counts"]
            console.print(f"{counts['high']} high, {counts['medium']} medium, {counts['low']} low")
    if fail_on is not None and result.at_least(fail_on):
        worst = result.at_least(fail_on)[0]
        fail(f"{len(result.at_least(fail_on))} change(s) at or above {fail_on}, e.g. {worst}", EXIT_INVALID)
