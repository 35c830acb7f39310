"""`soulkeeper demo` end to end, in a subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_demo_guarded_beats_unguarded() -> None:
    """The demo exits 0, and the guarded run breaks the persona far less often than the unguarded one."""
    proc = subprocess.run(
        [sys.executable, "-m", "soulkeeper", "demo", "--turns", "120", "--json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    unguarded, guarded = data["runs"]["unguarded"], data["runs"]["guarded"]
    assert guarded["drifted_replies"] < unguarded["drifted_replies"] / 2
    assert guarded["persona_in_context_turns"] == 120
    assert unguarded["persona_in_context_turns"] < 120
    assert guarded["reanchors"] > 0
    assert guarded["checkpoints"] > 0


def test_demo_terminal_output(tmp_path: Path) -> None:
    """The rich output has the chart rows and the summary table; --store is honoured."""
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    proc = subprocess.run(
        [sys.executable, "-m", "soulkeeper", "demo", "--turns", "30", "--store", url],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    for needle in ("unguarded", "guarded", "Summary", "re-anchors", "input tokens sent"):
        assert needle in proc.stdout
    assert (tmp_path / "demo.db").exists()


def test_demo_with_retry_and_tail_placement() -> None:
    """--retry makes the guard ask again on drift (extra model calls), and --placement tail runs too."""
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "soulkeeper",
            "demo",
            "--turns",
            "60",
            "--retry",
            "--placement",
            "tail",
            "--json",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["retry"] is True
    assert data["placement"] == "tail"
    guarded = data["runs"]["guarded"]
    assert guarded["retries"] > 0
    assert guarded["drifted_replies"] < data["runs"]["unguarded"]["drifted_replies"] / 2
