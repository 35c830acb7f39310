"""The ``soulkeeper`` command line.

Commands are imported lazily (one module per command group under :mod:`soulkeeper.cli`), so
``soulkeeper --help`` stays fast and a broken optional dependency only affects its own command.

Exit codes: 0 all is well; 1 the persona is invalid, fails verification or drifted; 2 unusable input
or a usage error. Errors are one line on stderr, never a traceback.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

import click

from soulkeeper.errors import IntegrityError, SoulkeeperError, SpecError

__all__ = ["EXIT_INPUT", "EXIT_INVALID", "EXIT_OK", "cli", "main"]

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_INPUT = 2

# command name -> "module:attribute" (modules relative to soulkeeper.cli)
COMMANDS: dict[str, str] = {
    "demo": "demo:demo",
    "diff": "diff:diff",
    "digest": "integrity:digest",
    "eval": "eval:eval_command",
    "init": "scaffold:init",
    "inspect": "validate:inspect",
    "keygen": "integrity:keygen",
    "pack": "pack:pack_command",
    "plugins": "plugins:plugins",
    "sign": "integrity:sign",
    "validate": "validate:validate",
    "verify": "integrity:verify",
    "scan": "scan:scan",
    "tokens": "tokens:tokens_command",
}


class _LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*COMMANDS, *self.commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.commands:
            return self.commands[cmd_name]
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module_name, attr = target.split(":")
        command = getattr(importlib.import_module(f"soulkeeper.cli.{module_name}"), attr)
        assert isinstance(command, click.Command)
        return command


@click.group(cls=_LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="soulkeeper", prog_name="soulkeeper")
def cli() -> None:
    """Keep an AI agent's persona intact: validate, sign, pack and scan Soul Spec personas."""


def main(argv: list[str] | None = None) -> Any:
    """Entry point: run the CLI and turn every known error into one line on stderr."""
    try:
        return cli.main(args=argv, prog_name="soulkeeper", standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.Abort:
        click.echo("soulkeeper: aborted", err=True)
        sys.exit(EXIT_INPUT)
    except click.exceptions.NoArgsIsHelpError as exc:  # bare `soulkeeper`: help on stdout, not an error
        click.echo(exc.ctx.get_help() if exc.ctx is not None else exc.format_message())
        sys.exit(EXIT_OK)
    except click.ClickException as exc:
        click.echo(f"soulkeeper: {exc.format_message()}", err=True)
        sys.exit(EXIT_INPUT)
    except IntegrityError as exc:
        click.echo(f"soulkeeper: integrity check failed: {exc}", err=True)
        sys.exit(EXIT_INVALID)
    except (SpecError, SoulkeeperError, OSError, ValueError) as exc:
        click.echo(f"soulkeeper: {_one_line(exc)}", err=True)
        sys.exit(EXIT_INPUT)
    except KeyboardInterrupt:
        click.echo("soulkeeper: interrupted", err=True)
        sys.exit(130)


def _one_line(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return " ".join(text.split())
