"""run_eval: bare and guarded runs on the same script, scored by the persona's detectors, written as a report."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from conftest import EXAMPLES
from soulkeeper import load_soul
from soulkeeper.evaluate import EvalReport, resolve_chat, run_eval
from soulkeeper.testing import DriftingChatModel

TURNS = 30


class Recording:
    """A DriftingChatModel that records every input it is given."""

    def __init__(self, soul: Any) -> None:
        self.model = DriftingChatModel(soul, seed=7)
        self.calls: list[list[dict[str, str]]] = []

    def __call__(self, messages: list[dict[str, str]]) -> str:
        self.calls.append(messages)
        return self.model.reply(messages)


@pytest.fixture(scope="module")
def mati_run() -> tuple[EvalReport, dict[str, Recording]]:
    soul = load_soul(EXAMPLES / "mati")
    made: list[Recording] = []

    def factory() -> Recording:
        made.append(Recording(soul))
        return made[-1]

    report = run_eval(soul, factory(), turns=TURNS, chat_factory=factory, model_name="fake:drifting")
    return report, {"bare": made[1], "guarded": made[2]}


def test_both_runs_see_the_same_script(mati_run: tuple[EvalReport, dict[str, Recording]]) -> None:
    """Bare and guarded runs send the same user turns, one model call per turn."""
    report, models = mati_run
    bare, guarded = report.runs["bare"], report.runs["guarded"]
    assert len(bare.turns) == len(guarded.turns) == TURNS
    assert [t.user for t in bare.turns] == [t.user for t in guarded.turns]
    assert len(models["bare"].calls) == len(models["guarded"].calls) == TURNS
    for name, model in models.items():
        for call, turn in zip(model.calls, report.runs[name].turns, strict=True):
            assert call[-1] == {"role": "user", "content": turn.user}


def test_persona_is_the_system_message_of_every_call(
    mati_run: tuple[EvalReport, dict[str, Recording]],
) -> None:
    """Both runs put exactly one system message, carrying the persona, at index 0 of every call."""
    _, models = mati_run
    for model in models.values():
        for call in model.calls:
            assert call[0]["role"] == "system"
            assert "Mati" in call[0]["content"]
            assert [m["role"] for m in call].count("system") == 1


def test_every_reply_is_scored_and_violations_point_into_it(
    mati_run: tuple[EvalReport, dict[str, Recording]],
) -> None:
    """Every reply is the model's text; every violation's span slices out its excerpt from that reply."""
    report, models = mati_run
    seen = 0
    for name, run in report.runs.items():
        assert len(run.turns) == len(models[name].calls)
        for turn in run.turns:
            assert turn.input_tokens > 0
            assert turn.output_tokens > 0
            for v in turn.violations:
                seen += 1
                if v["span"] is not None:
                    start, end = v["span"]
                    assert v["excerpt"]
                    assert v["excerpt"] in turn.reply[max(0, start - 80) : end + 80]
    assert seen > 0  # the simulation drifts within 30 turns


def test_guard_reanchors_and_summary_adds_up(mati_run: tuple[EvalReport, dict[str, Recording]]) -> None:
    """The guarded run re-anchors after drift (the next call carries a reminder); summary counts match the turns."""
    report, models = mati_run
    guarded = report.runs["guarded"]
    flagged = [t.turn for t in guarded.turns if t.action in ("reinject", "restore", "retry")]
    assert flagged, "the simulated model drifted without the guard re-anchoring"
    for turn in flagged:
        if turn < TURNS:
            assert "<persona-reminder>" in models["guarded"].calls[turn][0]["content"]
    data = report.to_dict()
    for name, run in report.runs.items():
        s = data["summary"][name]
        assert s["drifted_replies"] == sum(1 for t in run.turns if t.violations)
        assert s["adherence"] == pytest.approx(1 - s["drifted_replies"] / TURNS, abs=1e-4)
        assert sum(w["to"] - w["from"] + 1 for w in s["adherence_by_window"]) == TURNS
    assert data["summary"]["bare"]["reanchors"] == 0
    assert data["summary"]["guarded"]["reanchors"] + data["summary"]["guarded"]["restores"] == len(flagged)


def test_override_probe_is_reported_as_input_event(mati_run: tuple[EvalReport, dict[str, Recording]]) -> None:
    """The identity-override probe shows up as an identity_override input event on its turn."""
    report, _ = mati_run
    overrides = [t for t in report.runs["bare"].turns if t.kind == "override"]
    assert overrides
    assert all(any(e["kind"] == "identity_override" for e in t.input_events) for t in overrides)


def test_report_files_are_self_contained(
    mati_run: tuple[EvalReport, dict[str, Recording]], tmp_path: Path
) -> None:
    """report.json round-trips the turns; report.html loads nothing from elsewhere and links each violation to its turn."""
    report, _ = mati_run
    json_path, html_path = report.write(tmp_path / "out")
    data = json.loads(json_path.read_text("utf-8"))
    assert data["turns"] == TURNS
    assert set(data["runs"]) == {"bare", "guarded"}
    assert data["pack"]["entries"]
    assert "text" not in data["pack"]
    html = html_path.read_text("utf-8")
    assert "<script" not in html
    assert "<link" not in html
    assert "src=" not in html
    assert not re.search(r"""(?:href|src)=["']?(?:https?:)?//""", html)
    assert html.count('<svg class="chart"') == len(report.detectors) + 1
    for name, run in report.runs.items():
        for turn in run.turns:
            anchor = f"{name}-turn-{turn.turn}"
            assert f'id="{anchor}"' in html
            if turn.violations:
                assert f'href="#{anchor}"' in html


def test_bare_only_and_guarded_only_modes() -> None:
    """mode='bare' and mode='guarded' run just that run."""
    soul = load_soul(EXAMPLES / "mati")
    factory = resolve_chat("fake:drifting", soul)
    assert list(run_eval(soul, factory(), turns=3, mode="bare").runs) == ["bare"]
    guarded = run_eval(soul, factory(), turns=3, mode="guarded")
    assert list(guarded.runs) == ["guarded"]
    assert guarded.to_dict()["summary"]["guarded"]["turns"] == 3


def test_korean_persona_uses_korean_probes() -> None:
    """A Korean persona gets the Korean probe set and its speech-level detector judges every reply."""
    pytest.importorskip("kiwipiepy")
    soul = load_soul(EXAMPLES / "haneul")
    factory = resolve_chat("fake:drifting", soul)
    report = run_eval(soul, factory(), turns=20, chat_factory=factory)
    assert report.language == "ko"
    assert report.probes == "default-ko"
    assert "korean_speech_level" in report.detectors
    assert all(re.search(r"[가-힣]", t.user) for t in report.runs["bare"].turns)
