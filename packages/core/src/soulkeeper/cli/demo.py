"""``soulkeeper demo``: a long conversation with a simulated drift-prone model, unguarded and guarded.

Offline and self-contained: the model is :class:`soulkeeper.testing.DriftingChatModel` (a documented
simulation, not a language model), the checkpoint store is SQLite in a temporary folder unless
``--store`` is given, and the persona is ``examples/souls/mati`` when run from the repository, otherwise a
small persona bundled with the package.
"""

from __future__ import annotations

import json
import logging
import math
import tempfile
import time
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from soulkeeper.guard import Policy

__all__ = ["default_demo_soul", "demo"]

_BUNDLED = Path(__file__).with_name("_demo_soul")
_BLOCKS = " ▁▂▃▄▅▆▇█"


def default_demo_soul() -> Path:
    """``examples/souls/mati`` of the repository when it is there, else the bundled demo persona."""
    candidates = [Path.cwd() / "examples" / "souls" / "mati"]
    candidates += [p / "examples" / "souls" / "mati" for p in Path(__file__).resolve().parents]
    for candidate in candidates:
        if (candidate / "soul.json").is_file():
            return candidate
    return _BUNDLED


def _buckets(values: list[float], width: int) -> tuple[list[float], int]:
    size = max(1, math.ceil(len(values) / width))
    out = [sum(values[i : i + size]) / len(values[i : i + size]) for i in range(0, len(values), size)]
    return out, size


def _bar_row(label: str, values: list[float], width: int) -> Text:
    buckets, _ = _buckets(values, width)
    text = Text(f"{label:<11}")
    for frac in buckets:
        char = _BLOCKS[min(8, round(frac * 8))] if frac > 0 else "·"
        style = "green" if frac == 0 else "yellow" if frac < 0.34 else "red"
        text.append(char, style=style)
    return text


def _persona_row(present: list[bool], width: int) -> Text:
    buckets, _ = _buckets([1.0 if p else 0.0 for p in present], width)
    text = Text(f"{'  persona':<11}")
    for frac in buckets:
        text.append("█" if frac >= 0.999 else "▒" if frac > 0 else "░", style="cyan" if frac > 0 else "dim")
    return text


def _actions_row(actions: list[str], width: int) -> Text:
    size = max(1, math.ceil(len(actions) / width))
    text = Text(f"{'  guard':<11}")
    for i in range(0, len(actions), size):
        chunk = actions[i : i + size]
        if "restore" in chunk:
            text.append("R", style="bold magenta")
        elif "reinject" in chunk or "retry" in chunk:
            text.append("r", style="magenta")
        else:
            text.append("·", style="dim")
    return text


def _axis(turns: int, width: int) -> Text:
    _, size = _buckets([0.0] * turns, width)
    columns = math.ceil(turns / size)
    line = [" "] * columns
    for mark in (1, turns // 2, turns):
        col = min(columns - 1, (mark - 1) // size)
        label = str(mark)
        start = max(0, min(columns - len(label), col - (len(label) - 1 if mark == turns else 0)))
        line[start : start + len(label)] = list(label)
    return Text(f"{'turn':<11}" + "".join(line), style="dim")


@click.command("demo")
@click.option(
    "--turns", type=click.IntRange(1, 100_000), default=300, show_default=True, help="Turns per run."
)
@click.option(
    "--soul",
    "soul_path",
    type=click.Path(exists=True, path_type=Path),
    default=None,
    help="Persona package (default: examples/souls/mati in the repository, else a bundled persona).",
)
@click.option("--seed", type=int, default=7, show_default=True, help="Seed of the simulated model.")
@click.option("--store", default=None, help="Checkpoint store URL (default: SQLite in a temporary folder).")
@click.option(
    "--context",
    "context_window",
    type=click.IntRange(1024),
    default=8192,
    show_default=True,
    help="The simulated model's context window, in tokens.",
)
@click.option(
    "--placement",
    type=click.Choice(["system", "tail"]),
    default="system",
    show_default=True,
    help="Where the guard puts a re-anchor reminder.",
)
@click.option("--retry", is_flag=True, help="Let the guard ask for an immediate retry of a drifted reply.")
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON.")
def demo(
    turns: int,
    soul_path: Path | None,
    seed: int,
    store: str | None,
    context_window: int,
    placement: str,
    retry: bool,
    as_json: bool,
) -> None:
    """Play a long conversation against a SIMULATED drift-prone model, unguarded and guarded.

    The model (soulkeeper.testing.DriftingChatModel) is a seeded simulation, not a language model: it
    breaks the persona's rules more often as the persona recedes in its context and after its own
    off-persona replies, and falls back to a base identity when the persona is missing.
    """
    quiet = logging.NullHandler()  # the demo reports degradation itself, in its header
    logging.getLogger("soulkeeper").addHandler(quiet)
    try:
        policy = Policy(placement="tail" if placement == "tail" else "system", allow_retry=retry)
        _run(turns, soul_path, seed, store, context_window, policy, as_json)
    finally:
        logging.getLogger("soulkeeper").removeHandler(quiet)


def _run(
    turns: int,
    soul_path: Path | None,
    seed: int,
    store: str | None,
    context_window: int,
    policy: Policy,
    as_json: bool,
) -> None:
    from soulkeeper.cli._demo_run import run_guarded, run_unguarded, user_script
    from soulkeeper.guard import Message, PersonaGuard
    from soulkeeper.pack import Reserve
    from soulkeeper.spec import load_soul

    started = time.perf_counter()
    path = soul_path or default_demo_soul()
    soul = load_soul(path)
    script = user_script(soul, turns)
    with tempfile.TemporaryDirectory(prefix="soulkeeper-demo-") as tmp:
        url = store or f"sqlite:///{Path(tmp, 'state.db').as_posix()}"
        reserve = Reserve()
        guard = PersonaGuard(soul, store=url, context_window=context_window, reserve=reserve, policy=policy)
        with guard:
            guard.forget("demo")
            packed = guard.packed()
            persona = packed.text
            persona_tokens = guard.count_messages([Message(role="system", content=persona)])
            history_budget = max(256, context_window - reserve.generation - persona_tokens - 256)
            console = Console(stderr=True)
            with Progress(
                TextColumn("[bold]{task.description:<10}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=console,
                disable=as_json,
                transient=False,
            ) as progress:
                task_u = progress.add_task("unguarded", total=turns)
                unguarded = run_unguarded(
                    soul,
                    persona,
                    script,
                    seed=seed,
                    context_window=context_window,
                    generation=reserve.generation,
                    count=guard.count_messages,
                    detector=guard.detector,
                    tick=lambda: progress.advance(task_u),
                )
                task_g = progress.add_task("guarded", total=turns)
                guarded = run_guarded(
                    guard,
                    script,
                    seed=seed,
                    history_budget=history_budget,
                    count=guard.count_messages,
                    tick=lambda: progress.advance(task_g),
                )
            store_url = guard.store.url
    seconds = time.perf_counter() - started
    data: dict[str, Any] = {
        "soul": str(path),
        "persona": soul.name,
        "turns": turns,
        "seed": seed,
        "context_window": context_window,
        "placement": policy.placement,
        "retry": policy.allow_retry,
        "store": store_url,
        "persona_tokens": persona_tokens,
        "persona_pack": packed.message or "complete",
        "model": "soulkeeper.testing.DriftingChatModel (simulation)",
        "seconds": round(seconds, 2),
        "runs": {"unguarded": unguarded.to_dict(), "guarded": guarded.to_dict()},
    }
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    _render(Console(), data, unguarded, guarded)


def _render(console: Console, data: dict[str, Any], unguarded: Any, guarded: Any) -> None:
    width = max(20, min(75, console.width - 14))
    turns = data["turns"]
    console.print()
    console.print(
        f"[bold]{data['persona']}[/bold], {turns} turns, simulated model (seed {data['seed']}), "
        f"context {data['context_window']} tokens, store {data['store']}"
    )
    console.print(f"[dim]Persona packed into {data['persona_tokens']:,} tokens: {data['persona_pack']}[/dim]")
    console.print(
        "[dim]unguarded: the persona is the first history message and the history is trimmed to the window; "
        "guarded: PersonaGuard pins the persona on every call, compacts the history and re-anchors on "
        "drift.[/dim]"
    )
    console.print("[dim]Share of replies that broke a persona rule (each column is a span of turns):[/dim]")
    console.print(_bar_row("unguarded", [1.0 if v else 0.0 for v in unguarded.violations], width))
    console.print(_persona_row(unguarded.persona_in_context, width))
    console.print(_bar_row("guarded", [1.0 if v else 0.0 for v in guarded.violations], width))
    console.print(_persona_row(guarded.persona_in_context, width))
    console.print(_actions_row(guarded.actions, width))
    console.print(_axis(turns, width))
    console.print(
        "[dim]persona: █ in the model's context, ░ dropped;  guard: r re-anchor, R restore from a "
        "known-good checkpoint[/dim]"
    )
    table = Table(title="Summary", title_justify="left")
    table.add_column("")
    table.add_column("unguarded", justify="right")
    table.add_column("guarded", justify="right")
    u, g = data["runs"]["unguarded"], data["runs"]["guarded"]
    rows = [
        ("replies that broke a rule", "drifted_replies"),
        ("violations", "violations"),
        ("re-anchors", "reanchors"),
        ("restores", "restores"),
        ("retries (extra model calls)", "retries"),
        ("checkpoints written", "checkpoints"),
        ("turns with the persona in context", "persona_in_context_turns"),
        ("input tokens sent", "tokens"),
    ]
    for label, key in rows:
        table.add_row(label, f"{u[key]:,}", f"{g[key]:,}")
    console.print(table)
    top = sorted(unguarded.rules.items(), key=lambda kv: -kv[1])[:4]
    if top:
        console.print(
            "[dim]Most broken rules unguarded: " + ", ".join(f"{r} ({n})" for r, n in top) + "[/dim]"
        )
    console.print(
        f"[dim]Done in {data['seconds']:.1f} s. The model is a simulation; see docs/guard.md.[/dim]"
    )
