"""examples/llamaindex_chat.py runs offline in a subprocess, and a second run resumes both stores."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("llama_index.core")

from _llamaindex_support import ROOT

EXAMPLE = ROOT / "examples" / "llamaindex_chat.py"


def _run(state_dir: Path, turns: int) -> str:
    env = {**os.environ, "PYTHONWARNINGS": "error::ResourceWarning"}
    done = subprocess.run(
        [sys.executable, str(EXAMPLE), "--turns", str(turns), "--state-dir", str(state_dir)],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Warning" not in done.stderr, done.stderr
    return done.stdout


def test_example_runs_and_resumes(tmp_path: Path) -> None:
    """The example chats offline, stores no persona copy, and a restart continues the same thread."""
    first = _run(tmp_path, 6)
    assert "mati: Hello, this is Mati." in first
    assert "persona copies among them: 0" in first
    assert re.search(r"thread demo: turn 6,", first)
    second = _run(tmp_path, 4)
    assert "stored messages: 20" in second
    assert re.search(r"thread demo: turn 10,", second)
