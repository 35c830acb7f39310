"""Events: plugin hooks fire for drift, re-anchor, restore and degraded packs; logging names the thread."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from _guard_support import CLEAN, DRIFTED, mati
from soulkeeper.guard import PersonaGuard
from soulkeeper.plugins import get_plugin_manager
from soulkeeper.plugins.hookspecs import hookimpl


class Recorder:
    def __init__(self) -> None:
        self.calls: list[tuple[str, Any]] = []

    @hookimpl
    def on_drift(self, thread_id: str, decision: Any) -> None:
        self.calls.append(("drift", decision.action))

    @hookimpl
    def on_reinject(self, thread_id: str, decision: Any) -> None:
        self.calls.append(("reinject", decision.action))

    @hookimpl
    def on_restore(self, thread_id: str, decision: Any) -> None:
        self.calls.append(("restore", decision.action))

    @hookimpl
    def on_pack_degraded(self, thread_id: str | None, result: Any) -> None:
        self.calls.append(("degraded", result.degraded))


class Broken:
    @hookimpl
    def on_drift(self, thread_id: str, decision: Any) -> None:
        raise RuntimeError("plugin bug")


def test_hooks_fire_in_order(caplog: pytest.LogCaptureFixture) -> None:
    """Drift, re-anchor, restore and a degraded pack reach plugins; a broken plugin is only logged."""
    pm = get_plugin_manager(load_entrypoints=False)
    recorder = Recorder()
    pm.register(Broken())  # pluggy calls the last registered first: the recorder runs before it breaks
    pm.register(recorder)
    guard = PersonaGuard(mati(), store="memory://", context_window=8192, plugin_manager=pm)
    guard.prepare("t", [])  # 8192 tokens cannot hold all of Mati: a degraded pack, reported once
    guard.prepare("t", [])
    guard.observe("t", CLEAN)
    with caplog.at_level(logging.INFO, logger="soulkeeper.guard"):
        guard.observe("t", DRIFTED)
        guard.prepare("t", [])
        guard.prepare("t", [])
        guard.observe("t", DRIFTED)
    names = [name for name, _ in recorder.calls]
    assert names[:3] == ["degraded", "drift", "reinject"]
    assert ("restore", "restore") in recorder.calls
    assert any("plugin hook on_drift failed" in r.getMessage() for r in caplog.records)
    assert any("thread t turn 2: reinject" in r.getMessage() for r in caplog.records)


def test_otel_spans_are_optional() -> None:
    """With opentelemetry-api present and no SDK, observe runs under a no-op span without error."""
    pytest.importorskip("opentelemetry")
    guard = PersonaGuard(mati(), store="memory://")
    assert guard.observe("t", CLEAN).action == "ok"


def test_otel_span_carries_decision_and_scores() -> None:
    """With a tracer provider installed, observe records a span with the decision and scores."""
    import json
    import subprocess
    import sys
    from pathlib import Path

    pytest.importorskip("opentelemetry")
    here = Path(__file__).parent
    proc = subprocess.run(
        [
            sys.executable,
            str(here / "_guard_otel_probe.py"),
            str(here.parents[1] / "examples" / "souls" / "mati"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    spans = json.loads(proc.stdout)
    observe = [s for s in spans if s["name"] == "soulkeeper.observe"]
    assert len(observe) == 1
    attrs = observe[0]["attributes"]
    assert attrs["soulkeeper.thread_id"] == "otel"
    assert attrs["soulkeeper.action"] in ("reinject", "restore")
    assert attrs["soulkeeper.score"] > 0
    assert "voice.prohibited.emoji" in attrs["soulkeeper.rules"]
