"""Running ``python -m soulkeeper`` in a subprocess for the CLI tests."""

from __future__ import annotations

import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Result:
    """Exit code and output of one CLI run."""

    code: int
    stdout: str
    stderr: str


def run(*args: str | Path, cwd: Path | None = None) -> Result:
    """Run ``python -m soulkeeper ARGS`` and capture its exit code and output."""
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}
    proc = subprocess.run(
        [sys.executable, "-m", "soulkeeper", *map(str, args)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=cwd,
        env=env,
        timeout=120,
        check=False,
    )
    return Result(proc.returncode, proc.stdout, proc.stderr)


def run_many(commands: list[tuple[str | Path, ...]]) -> list[Result]:
    """Run several CLI invocations concurrently (the interpreter start-up dominates their cost)."""
    with ThreadPoolExecutor(max_workers=max(2, (os.cpu_count() or 2) * 2)) as pool:
        return list(pool.map(lambda argv: run(*argv), commands))


def assert_failure(result: Result, code: int, fragment: str) -> None:
    """The run exited with ``code`` and wrote exactly one ``soulkeeper:`` line containing ``fragment``."""
    assert result.code == code, (result.code, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("soulkeeper: "), lines[0]
    assert fragment.lower() in lines[0].lower(), lines[0]
    assert "Traceback" not in result.stderr


def invoke(*args: str | Path) -> Result:
    """Run the CLI in this process (through ``soulkeeper.cli.main``, same error handling) and capture it."""
    import contextlib
    import io

    from soulkeeper.cli import main

    out, err = io.StringIO(), io.StringIO()
    code = 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main([str(a) for a in args])
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
    return Result(code, out.getvalue(), err.getvalue())
