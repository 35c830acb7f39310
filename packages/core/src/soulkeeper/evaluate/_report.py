"""The evaluation report: every turn of every run, and the summaries computed from them."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["EvalReport", "RunRecord", "TurnRecord"]


@dataclass(slots=True)
class TurnRecord:
    """One user turn of one run: the probe, the reply, what the detectors found, what the guard did."""

    turn: int
    kind: str
    user: str
    reply: str
    violations: list[dict[str, Any]] = field(default_factory=list)
    input_events: list[dict[str, Any]] = field(default_factory=list)
    turn_score: float = 0.0
    drift_score: float = 0.0
    """The conversation's running drift score after this reply (the guard's, or the same scoring bare)."""
    action: str = "-"
    """The guard's decision (``ok``, ``warn``, ``reinject``, ``restore``, ``retry``); ``-`` when bare."""
    input_tokens: int = 0
    output_tokens: int = 0
    model_usage: dict[str, int] | None = None
    """Token counts the model itself reported for this call (``input_tokens``/``output_tokens``), if any."""
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.violations

    def detectors(self) -> set[str]:
        return {str(v["detector"]) for v in self.violations}


@dataclass(slots=True)
class RunRecord:
    """One run (``bare`` or ``guarded``) over the whole script."""

    name: str
    turns: list[TurnRecord] = field(default_factory=list)
    checkpoints: int = 0
    store_errors: int = 0

    def adherence(self, turns: list[TurnRecord] | None = None) -> float:
        """Share of replies that broke no rule."""
        chosen = self.turns if turns is None else turns
        return sum(t.ok for t in chosen) / len(chosen) if chosen else 1.0

    def rule_counts(self) -> dict[str, int]:
        """Replies that broke each rule (a rule counts once per reply)."""
        out: dict[str, int] = {}
        for t in self.turns:
            for rule in {str(v["rule_id"]) for v in t.violations}:
                out[rule] = out.get(rule, 0) + 1
        return dict(sorted(out.items()))

    def detector_series(self, detector: str) -> list[int]:
        """1 for each turn whose reply the detector flagged, else 0."""
        return [1 if detector in t.detectors() else 0 for t in self.turns]

    @property
    def reanchors(self) -> int:
        return sum(t.action in ("reinject", "retry") for t in self.turns)

    @property
    def restores(self) -> int:
        return sum(t.action == "restore" for t in self.turns)

    def summary(self, windows: list[tuple[int, int]]) -> dict[str, Any]:
        """Counts and rates for the summary table and report.json."""
        n = len(self.turns)
        kinds: dict[str, list[TurnRecord]] = {}
        for t in self.turns:
            kinds.setdefault(t.kind, []).append(t)
        return {
            "turns": n,
            "adherence": round(self.adherence(), 4),
            "drifted_replies": sum(not t.ok for t in self.turns),
            "violations": sum(len(t.violations) for t in self.turns),
            "violations_by_rule": self.rule_counts(),
            "adherence_by_window": [
                {"from": a, "to": b, "adherence": round(self.adherence(self.turns[a - 1 : b]), 4)}
                for a, b in windows
            ],
            "adherence_by_probe": {k: round(self.adherence(v), 4) for k, v in sorted(kinds.items())},
            "reanchors": self.reanchors,
            "restores": self.restores,
            "checkpoints": self.checkpoints,
            "store_errors": self.store_errors,
            "input_tokens": sum(t.input_tokens for t in self.turns),
            "output_tokens": sum(t.output_tokens for t in self.turns),
            "model_usage": _usage(self.turns),
            "seconds": round(sum(t.seconds for t in self.turns), 3),
        }


def _usage(turns: list[TurnRecord]) -> dict[str, int] | None:
    """Summed model-reported token counts, when the model reported them on every call."""
    if not turns or any(t.model_usage is None for t in turns):
        return None
    return {
        key: sum((t.model_usage or {}).get(key, 0) for t in turns)
        for key in ("input_tokens", "output_tokens")
    }


def turn_windows(turns: int, count: int = 4) -> list[tuple[int, int]]:
    """``count`` consecutive 1-based inclusive windows covering ``turns`` turns (fewer when short)."""
    count = max(1, min(count, turns))
    size = -(-turns // count)
    return [(a, min(turns, a + size - 1)) for a in range(1, turns + 1, size)]


@dataclass(slots=True)
class EvalReport:
    """Everything one ``soulkeeper eval`` produced (``report.json`` is :meth:`to_dict`)."""

    persona: str
    soul: str
    digest: str
    model: str
    probes: str
    language: str
    context_window: int | None
    detectors: list[str]
    rules: dict[str, list[str]]
    """Rules each active detector serves (detector name -> rule ids or prefixes)."""
    pack: dict[str, Any]
    runs: dict[str, RunRecord]
    started: str = ""
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)

    @property
    def turns(self) -> int:
        return max((len(r.turns) for r in self.runs.values()), default=0)

    def windows(self) -> list[tuple[int, int]]:
        return turn_windows(self.turns)

    def detector_adherence(self) -> dict[str, dict[str, float]]:
        """Per detector (= per rule family): share of replies it did not flag, for each run."""
        out: dict[str, dict[str, float]] = {}
        for det in self.detectors:
            out[det] = {
                name: round(1 - sum(run.detector_series(det)) / len(run.turns), 4) if run.turns else 1.0
                for name, run in self.runs.items()
            }
        return out

    def to_dict(self) -> dict[str, Any]:
        windows = self.windows()
        return {
            "soulkeeper_eval": 1,
            "persona": self.persona,
            "soul": self.soul,
            "digest": self.digest,
            "model": self.model,
            "probes": self.probes,
            "language": self.language,
            "context_window": self.context_window,
            "started": self.started,
            "seconds": round(self.seconds, 3),
            "turns": self.turns,
            "detectors": self.detectors,
            "rules": self.rules,
            "pack": self.pack,
            "notes": self.notes,
            "adherence_by_detector": self.detector_adherence(),
            "summary": {name: run.summary(windows) for name, run in self.runs.items()},
            "runs": {name: {"turns": [asdict(t) for t in run.turns]} for name, run in self.runs.items()},
        }

    def write(self, folder: str | Path) -> tuple[Path, Path]:
        """Write ``report.json`` and the self-contained ``report.html`` into ``folder``."""
        from soulkeeper.evaluate._html import render_html

        out = Path(folder)
        out.mkdir(parents=True, exist_ok=True)
        json_path, html_path = out / "report.json", out / "report.html"
        json_path.write_text(json.dumps(self.to_dict(), ensure_ascii=False, indent=2) + "\n", "utf-8")
        html_path.write_text(render_html(self), "utf-8")
        return json_path, html_path
