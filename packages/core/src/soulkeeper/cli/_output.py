"""Small helpers shared by the CLI commands: consoles, JSON output and one-line failures."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, NoReturn

import click
from rich.console import Console

__all__ = ["PACKAGE_PATH", "fail", "one_line", "print_json", "stdout"]

PACKAGE_PATH = click.Path(exists=True, file_okay=True, dir_okay=True, path_type=Path)
"""A package folder (or its soul.json); a missing path is a usage error (exit 2)."""


def stdout() -> Console:
    """A rich console on stdout: colour on a terminal, plain text in a pipe, no syntax highlighting."""
    return Console(highlight=False, soft_wrap=False)


def print_json(data: Any) -> None:
    """Write ``data`` as indented JSON on stdout."""
    click.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))


def one_line(text: object) -> str:
    """Collapse whitespace so a message always fits on one line."""
    return " ".join(str(text).split())


def fail(message: object, code: int) -> NoReturn:
    """Print ``soulkeeper: <message>`` as one line on stderr and exit with ``code``."""
    click.echo(f"soulkeeper: {one_line(message)}", err=True)
    sys.exit(code)
