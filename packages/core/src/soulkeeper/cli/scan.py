"""``soulkeeper scan PATH TRANSCRIPT``: check every assistant turn of a transcript against a persona."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from soulkeeper.cli import EXIT_INVALID
from soulkeeper.cli._output import fail

if TYPE_CHECKING:
    from soulkeeper.drift import DriftPolicy

__all__ = ["Turn", "read_transcript", "scan"]

_BARS = "▁▂▃▄▅▆▇█"
_LEVEL_STYLE = {"ok": "green", "warn": "yellow", "reinject": "dark_orange", "restore": "red"}


@dataclass(frozen=True, slots=True)
class Turn:
    """One assistant message of a transcript, with the user message it answers (turns count from 1)."""

    turn: int
    line: int
    text: str
    user_text: str | None


def _content(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, list):  # OpenAI-style content parts
        parts = [p.get("text") for p in value if isinstance(p, dict) and p.get("type") == "text"]
        if all(isinstance(p, str) for p in parts):
            return "\n".join(p for p in parts if isinstance(p, str))
    return None


def read_transcript(path: Path) -> list[Turn]:
    """Read a JSONL transcript of ``{"role", "content"}`` objects into assistant turns.

    Blank lines are skipped; system and tool messages are ignored. A line that is not a JSON object
    with a string ``role`` and text ``content`` raises :class:`click.ClickException` naming
    ``file:line``.
    """
    turns: list[Turn] = []
    user_text: str | None = None
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError as exc:
        raise click.ClickException(f"{path}: not UTF-8 text ({exc.reason})") from exc
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            message = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise click.ClickException(f"{path}:{number}: not valid JSON ({exc.msg})") from exc
        if not isinstance(message, dict) or not isinstance(message.get("role"), str):
            raise click.ClickException(f'{path}:{number}: expected an object with "role" and "content"')
        content = _content(message.get("content"))
        if content is None:
            raise click.ClickException(f'{path}:{number}: "content" must be a string or a list of text parts')
        role = message["role"]
        if role in ("user", "human"):
            user_text = content
        elif role in ("assistant", "ai"):
            turns.append(Turn(len(turns) + 1, number, content, user_text))
            user_text = None
    return turns


def sparkline(scores: list[float]) -> str:
    """One block character per score in [0, 1]."""
    return "".join(_BARS[min(len(_BARS) - 1, int(s * len(_BARS)))] for s in scores)


@click.command("scan")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.argument("transcript", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print a JSON report instead of tables.")
def scan(path: Path, transcript: Path, as_json: bool) -> None:
    """Check each assistant turn of TRANSCRIPT (JSONL of {"role", "content"}) against the persona at PATH.

    Prints each turn's violations and the conversation's drift score. Exit status: 0 no violation,
    1 drift found, 2 unusable input.
    """
    from soulkeeper.drift import DEFAULT_POLICY, DriftDetector, level_for, update_score
    from soulkeeper.spec import load_soul

    soul = load_soul(path)
    detector = DriftDetector.from_soul(soul)
    turns = read_transcript(transcript)
    score = 0.0
    rows: list[dict[str, Any]] = []
    for turn in turns:
        report = detector.check(turn.text, user_text=turn.user_text, turn=turn.turn)
        score = update_score(score, report, DEFAULT_POLICY)
        rows.append(
            {
                "turn": turn.turn,
                "line": turn.line,
                "drift_score": score,
                "level": level_for(score, report, DEFAULT_POLICY),
                **{k: v for k, v in report.to_dict().items() if k != "detectors"},
            }
        )
    drifted = any(not row["ok"] for row in rows)
    if as_json:
        summary = {
            "persona": soul.name,
            "transcript": str(transcript),
            "detectors": list(detector.detectors),
            "assistant_turns": len(rows),
            "turns_with_violations": sum(1 for row in rows if not row["ok"]),
            "max_drift_score": max((row["drift_score"] for row in rows), default=0.0),
            "drifted": drifted,
            "turns": rows,
        }
        click.echo(json.dumps(summary, ensure_ascii=False, indent=2))
    else:
        _print(soul.name, detector.detectors, rows, DEFAULT_POLICY)
    if drifted:
        bad = sum(1 for row in rows if not row["ok"])
        fail(f"drift found in {bad} of {len(rows)} assistant turns", EXIT_INVALID)


def _print(persona: str, detectors: tuple[str, ...], rows: list[dict[str, Any]], policy: DriftPolicy) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = Console(highlight=False)
    console.print(
        f"[bold]{persona}[/]: {len(rows)} assistant turns, detectors: {', '.join(detectors) or 'none'}"
    )
    table = Table(show_edge=False, pad_edge=False)
    table.add_column("turn", justify="right")
    table.add_column("line", justify="right")
    table.add_column("violations")
    table.add_column("drift", justify="right")
    table.add_column("level")
    for row in rows:
        found = [f"[{v['severity']}] {v['rule_id']}: {v['message']}" for v in row["violations"]]
        found += [f"(input) {e['message']}" for e in row["input_events"]]
        style = _LEVEL_STYLE[row["level"]]
        table.add_row(
            str(row["turn"]),
            str(row["line"]),
            Text("\n".join(found) or "—"),
            f"{row['drift_score']:.2f}",
            Text(row["level"], style=style),
        )
    console.print(table)
    chart = Text("drift ")
    for row in rows:
        chart.append(sparkline([row["drift_score"]]), style=_LEVEL_STYLE[row["level"]])
    peak = max((row["drift_score"] for row in rows), default=0.0)
    chart.append(
        f"  peak {peak:.2f}, final {rows[-1]['drift_score']:.2f}" if rows else "  (no assistant turns)"
    )
    console.print(chart)
    console.print(
        f"levels: [green]ok[/] < {policy.warn} ≤ [yellow]warn[/] < {policy.reinject} ≤ "
        f"[dark_orange]reinject[/] < {policy.restore} ≤ [red]restore[/]"
    )
