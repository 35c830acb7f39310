"""The LangChain and LangGraph example scripts run offline and show the persona kept first."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

pytest.importorskip("langchain")

from conftest import ROOT


def _run(name: str) -> str:
    env = {k: v for k, v in os.environ.items() if k != "SOULKEEPER_EXAMPLE_MODEL"}
    done = subprocess.run(
        [sys.executable, str(ROOT / "examples" / name)],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_langchain_agent_example_runs() -> None:
    """examples/langchain_agent.py: every model call starts with the persona, the summarizer never sees
    it, the drifted turn is re-anchored on the next call, and no system message is left in state."""
    out = _run("langchain_agent.py")
    calls = [line for line in out.splitlines() if "[model call:" in line]
    assert len(calls) == 6
    assert all("system message first, starts '# Mati" in line for line in calls)
    assert "with re-anchor reminder" in calls[3]
    assert "persona in its input: True" not in out
    assert "persona in its input: False" in out
    assert "system messages among them: 0" in out


def test_langgraph_example_runs() -> None:
    """examples/langgraph_graph.py: REMOVE_ALL rewrites never put the persona in state, the turn after
    the drift is re-anchored, and the guard's checkpoints live in the LangGraph store."""
    out = _run("langgraph_graph.py")
    assert out.count("persona in state: False") == 5
    assert "re-anchored: True; decision: ok" in out
    assert "checkpoints in the LangGraph store: 1" in out
