"""examples/autogen_team.py runs offline and both agents get their persona first in every model call."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("autogen_agentchat")

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "autogen_team.py"


def test_the_team_example_runs_and_keeps_both_personas() -> None:
    """The example exits 0 and reports every model call of mati and haneul as persona-first."""
    done = subprocess.run(
        [sys.executable, str(EXAMPLE)], capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr
    rows = {
        m[1]: (int(m[2]), int(m[3]), int(m[4]))
        for m in re.finditer(r"\| (\w+) \| (\d+) \| (\d+)/(\d+) \|", done.stdout)
    }
    assert set(rows) == {"mati", "haneul"}
    for calls, first, total in rows.values():
        assert calls == total >= 8
        assert first == total
    assert "[haneul] 안녕! 나 하늘이야." in done.stdout
