"""``soulkeeper eval``: test a persona's adherence on a real (or simulated) model, bare and guarded."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from soulkeeper.cli._output import PACKAGE_PATH, fail, print_json, stdout

__all__ = ["eval_command"]


@click.command("eval")
@click.argument("path", type=PACKAGE_PATH)
@click.option(
    "--model",
    "model_spec",
    required=True,
    help="fake:drifting (offline simulation), or a LangChain init_chat_model spec such as "
    "openai:gpt-4o-mini or ollama:llama3.2 (needs soulkeeper-langchain).",
)
@click.option(
    "--turns", type=click.IntRange(1, 10_000), default=40, show_default=True, help="User turns per run."
)
@click.option(
    "--probes",
    "probes_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="A probe file (YAML); default: the bundled set for the persona's language (en, ko, ja).",
)
@click.option(
    "--guard/--no-guard",
    "guard",
    default=None,
    help="Only the guarded run (through PersonaGuard) or only the bare run; default: both (--compare).",
)
@click.option("--compare", is_flag=True, help="Run bare and guarded on the same script (the default).")
@click.option(
    "--context",
    "context_window",
    type=click.IntRange(512),
    default=8192,
    show_default=True,
    help="The model's context window in tokens: the bare history is trimmed and the guarded one "
    "compacted to fit.",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("soulkeeper-eval"),
    show_default=True,
    help="Folder for report.json and report.html.",
)
@click.option(
    "--base-url",
    default=None,
    help="An OpenAI-compatible server (vLLM, llama.cpp server, LM Studio, Ollama's /v1), e.g. "
    "http://127.0.0.1:8000/v1.",
)
@click.option(
    "--tokenizer", default="estimate", show_default=True, help="Tokenizer spec for budgets and counts."
)
@click.option("--seed", type=int, default=7, show_default=True, help="Seed of fake:drifting.")
@click.option(
    "--min-adherence",
    type=click.FloatRange(0.0, 1.0),
    default=None,
    help="Exit 1 when the guarded run (else the bare run) keeps the persona in fewer replies than this.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON instead of tables.")
def eval_command(
    path: Path,
    model_spec: str,
    turns: int,
    probes_file: Path | None,
    guard: bool | None,
    compare: bool,
    context_window: int,
    out_dir: Path,
    base_url: str | None,
    tokenizer: str,
    seed: int,
    min_adherence: float | None,
    as_json: bool,
) -> None:
    """Play a scripted probe conversation against a chat model and score every reply.

    The probes (ordinary requests interleaved with messages that tempt each rule: emoji, casual speech,
    "what model are you really?", an identity override, a declined topic) run bare (the persona as a
    plain system prompt) and through PersonaGuard, and the persona's drift detectors judge every reply.
    Writes OUT/report.json and a self-contained OUT/report.html.
    """
    if compare and guard is not None:
        raise click.UsageError("--compare runs both; drop --guard/--no-guard")
    from soulkeeper.evaluate import Mode, load_probes, resolve_chat, run_eval

    mode: Mode = "compare" if guard is None else "guarded" if guard else "bare"
    from soulkeeper.spec import load_soul

    soul = load_soul(path)
    probes = load_probes(probes_file) if probes_file is not None else None
    factory = resolve_chat(model_spec, soul, base_url=base_url, seed=seed)
    runs = ["bare", "guarded"] if mode == "compare" else [mode]
    quiet = logging.NullHandler()  # the report states what packing left out
    logger = logging.getLogger("soulkeeper")
    logger.addHandler(quiet)
    previous = logger.propagate
    logger.propagate = False
    try:
        with Progress(
            TextColumn("[bold]{task.description:<8}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=Console(stderr=True),
            disable=as_json,
        ) as progress:
            tasks = {name: progress.add_task(name, total=turns) for name in runs}
            report = run_eval(
                soul,
                factory(),
                turns=turns,
                probes=probes,
                mode=mode,
                context_window=context_window,
                tokenizer=tokenizer,
                model_name=model_spec + (f" @ {base_url}" if base_url else ""),
                chat_factory=factory,
                progress=lambda name: progress.advance(tasks[name]),
            )
    finally:
        logger.removeHandler(quiet)
        logger.propagate = previous
    if model_spec.startswith("fake:"):
        report.notes.append(
            "The model is soulkeeper.testing.DriftingChatModel, a seeded simulation, not a language model: "
            "it ignores what the probes ask; its numbers say nothing about any real model."
        )
    json_path, html_path = report.write(out_dir)
    data = report.to_dict()
    if as_json:
        print_json({k: v for k, v in data.items() if k != "runs"} | {"report": str(json_path)})
    else:
        _render(stdout(), data, html_path)
    if min_adherence is not None:
        judged = "guarded" if "guarded" in data["summary"] else "bare"
        adherence = data["summary"][judged]["adherence"]
        if adherence < min_adherence:
            fail(f"{judged} adherence {adherence:.1%} is below --min-adherence {min_adherence:.1%}", 1)


def _pct(v: float) -> str:
    return f"{v * 100:.1f}%"


def _render(console: Console, data: dict[str, Any], html_path: Path) -> None:
    names = list(data["summary"])
    s = data["summary"]
    console.print(
        f"[bold]{data['persona']}[/bold] on [bold]{data['model']}[/bold]: {data['turns']} turns, probes "
        f"{data['probes']}, context {data['context_window']} tokens"
    )
    if data["pack"].get("message"):
        console.print(f"[dim]{data['pack']['message']}[/dim]")
    table = Table(title="Persona adherence (share of replies that broke no rule)", title_justify="left")
    table.add_column("")
    for name in names:
        table.add_column(name, justify="right")
    table.add_row("[bold]all rules[/bold]", *(f"[bold]{_pct(s[n]['adherence'])}[/bold]" for n in names))
    for det, values in data["adherence_by_detector"].items():
        table.add_row(f"  {det}", *(_pct(values[n]) for n in names))
    table.add_section()
    for i, window in enumerate(s[names[0]]["adherence_by_window"]):
        table.add_row(
            f"turns {window['from']}-{window['to']}",
            *(_pct(s[n]["adherence_by_window"][i]["adherence"]) for n in names),
        )
    table.add_section()
    for label, key in (
        ("replies that broke a rule", "drifted_replies"),
        ("violations", "violations"),
        ("re-anchors", "reanchors"),
        ("restores", "restores"),
        ("input tokens", "input_tokens"),
        ("output tokens", "output_tokens"),
    ):
        table.add_row(label, *(f"{s[n][key]:,}" for n in names))
    if any(s[n]["model_usage"] for n in names):
        for key in ("input_tokens", "output_tokens"):
            table.add_row(
                f"{key.replace('_', ' ')} (model-reported)",
                *(f"{s[n]['model_usage'][key]:,}" if s[n]["model_usage"] else "-" for n in names),
            )
    console.print(table)
    rules = sorted({r for n in names for r in s[n]["violations_by_rule"]})
    if rules:
        by_rule = Table(title="Replies breaking each rule", title_justify="left")
        by_rule.add_column("rule")
        for name in names:
            by_rule.add_column(name, justify="right")
        for rule in rules:
            by_rule.add_row(rule, *(str(s[n]["violations_by_rule"].get(rule, 0)) for n in names))
        console.print(by_rule)
    for note in data["notes"]:
        console.print(f"[dim]{note}[/dim]")
    console.print(f"Report: {html_path} (and report.json), {data['seconds']:.1f} s")
