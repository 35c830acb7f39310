"""mkdocs hook: generate the CLI reference page from the commands' own ``--help`` at build time.

The page ``cli-reference.md`` is never written to disk, so it cannot go stale: every build asks click
for the current help of every command.
"""

from __future__ import annotations

from typing import Any

import click
from mkdocs.structure.files import File, Files

PAGE = "cli-reference.md"


def _help(command: click.Command, path: list[str]) -> str:
    ctx = click.Context(command, info_name=" ".join(path))
    return command.get_help(ctx)


def render() -> str:
    from soulkeeper.cli import cli

    root = click.Context(cli, info_name="soulkeeper")
    parts = [
        "# CLI reference",
        "",
        "Generated from `soulkeeper --help` and each command's `--help` when the docs are built. "
        "Exit codes and examples are in [the CLI overview](cli.md).",
        "",
        "```text",
        cli.get_help(root),
        "```",
    ]
    for name in cli.list_commands(root):
        command = cli.get_command(root, name)
        if command is None:
            continue
        parts += ["", f"## soulkeeper {name}", "", "```text", _help(command, ["soulkeeper", name]), "```"]
    return "\n".join(parts) + "\n"


def on_files(files: Files, config: Any) -> Files:
    files.append(File.generated(config, PAGE, content=render()))
    return files
