"""The self-contained ``report.html``: summary tables, drift curves (inline SVG), pack report, violations
linked to their turns, and the transcript. No scripts, fonts or stylesheets from anywhere else."""

from __future__ import annotations

from html import escape
from typing import Any

from soulkeeper.evaluate._report import EvalReport, RunRecord, TurnRecord
from soulkeeper.evaluate._svg import COLORS, line_chart, rolling

__all__ = ["render_html"]

_CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Noto Sans CJK KR",sans-serif;
margin:0 auto;max-width:1100px;padding:18px 24px;color:#222;background:#fff}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid #ddd}
h3{font-size:15px;margin:16px 0 4px}
table{border-collapse:collapse;margin:6px 0 10px}th,td{border:1px solid #ddd;padding:3px 8px;
text-align:left;vertical-align:top}th{background:#f3f3f3}td.num{text-align:right;font-variant-numeric:tabular-nums}
.meta{color:#555}.bare{color:#c0392b}.guarded{color:#1f6fd1}.sev-high{color:#b00020;font-weight:600}
.sev-medium{color:#b45f06}.sev-low{color:#6b6b6b}mark{background:#ffd6d6;padding:0 1px}
.turn{border-left:3px solid #ddd;padding:2px 10px;margin:6px 0}.turn.drift{border-left-color:#c0392b}
.turn .who{color:#777;font-size:12px}.turn p{margin:2px 0;white-space:pre-wrap}
.charts figure{margin:8px 0}.charts figcaption{font-weight:600;margin-bottom:2px}
.note{background:#fff8e1;border:1px solid #f0d98c;padding:6px 10px}
"""


def _pct(v: float) -> str:
    return f"{v * 100:.1f}%"


def _table(head: list[str], rows: list[list[str]], *, cls: str = "") -> str:
    out = [
        f'<table class="{cls}"><thead><tr>' + "".join(f"<th>{h}</th>" for h in head) + "</tr></thead><tbody>"
    ]
    for row in rows:
        cells = []
        for cell in row:
            numeric = cell[:1].isdigit() or (cell[:1] == "-" and cell[1:2].isdigit())
            cells.append(f'<td class="num">{cell}</td>' if numeric else f"<td>{cell}</td>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def _anchor(run: str, turn: int) -> str:
    return f"{run}-turn-{turn}"


def _highlight(text: str, violations: list[dict[str, Any]]) -> str:
    spans = sorted(tuple(v["span"]) for v in violations if v.get("span"))
    merged: list[list[int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    out, pos = [], 0
    for start, end in merged:
        out.append(escape(text[pos:start]))
        out.append(f"<mark>{escape(text[start:end])}</mark>")
        pos = end
    out.append(escape(text[pos:]))
    return "".join(out)


def _summary(report: EvalReport, data: dict[str, Any]) -> str:
    names = list(report.runs)
    head = ["", *(f'<span class="{n}">{n}</span>' for n in names)]
    s = data["summary"]
    rows = [
        ["adherence (replies that broke no rule)", *(_pct(s[n]["adherence"]) for n in names)],
        ["replies that broke a rule", *(str(s[n]["drifted_replies"]) for n in names)],
        ["violations", *(str(s[n]["violations"]) for n in names)],
        ["re-anchors", *(str(s[n]["reanchors"]) for n in names)],
        ["restores", *(str(s[n]["restores"]) for n in names)],
        ["checkpoints written", *(str(s[n]["checkpoints"]) for n in names)],
        ["input tokens sent", *(f"{s[n]['input_tokens']:,}" for n in names)],
        ["output tokens", *(f"{s[n]['output_tokens']:,}" for n in names)],
        ["model time (s)", *(f"{s[n]['seconds']:.2f}" for n in names)],
    ]
    if any(s[n]["model_usage"] for n in names):
        for key, label in (
            ("input_tokens", "input tokens (model-reported)"),
            ("output_tokens", "output tokens (model-reported)"),
        ):
            rows.append(
                [label, *(f"{s[n]['model_usage'][key]:,}" if s[n]["model_usage"] else "–" for n in names)]
            )
    out = ['<h2 id="summary">Summary</h2>', _table(head, rows, cls="summary")]
    out.append("<h3>Adherence per detector (share of replies it did not flag)</h3>")
    det_rows = [
        [
            f"<code>{escape(d)}</code>",
            escape(", ".join(report.rules.get(d, []))),
            *(_pct(v[n]) for n in names),
        ]
        for d, v in data["adherence_by_detector"].items()
    ]
    out.append(_table(["detector", "rules", *head[1:]], det_rows, cls="by-detector"))
    rules = sorted({r for n in names for r in s[n]["violations_by_rule"]})
    if rules:
        out.append("<h3>Replies breaking each rule</h3>")
        rule_rows = [
            [f"<code>{escape(r)}</code>", *(str(s[n]["violations_by_rule"].get(r, 0)) for n in names)]
            for r in rules
        ]
        out.append(_table(["rule", *head[1:]], rule_rows, cls="by-rule"))
    out.append("<h3>Adherence per turn window</h3>")
    windows = s[names[0]]["adherence_by_window"]
    win_rows = [
        [f"turns {w['from']}–{w['to']}", *(_pct(s[n]["adherence_by_window"][i]["adherence"]) for n in names)]
        for i, w in enumerate(windows)
    ]
    out.append(_table(["window", *head[1:]], win_rows, cls="by-window"))
    out.append("<h3>Adherence per probe kind</h3>")
    kinds = list(s[names[0]]["adherence_by_probe"])
    kind_rows = [[escape(k), *(_pct(s[n]["adherence_by_probe"][k]) for n in names)] for k in kinds]
    out.append(_table(["probe", *head[1:]], kind_rows, cls="by-probe"))
    return "".join(out)


def _charts(report: EvalReport) -> str:
    n = report.turns
    window = max(3, n // 10)
    out = [
        '<h2 id="charts">Drift over turns</h2>',
        f'<p class="meta">Share of replies flagged, trailing mean over {window} turns; dots below a curve '
        "mark flagged replies (click to open the turn). The first chart is the conversation's running drift "
        "score (the guard's score; the same scoring applied to the bare run).</p>",
        '<div class="charts">',
    ]
    marks_all: dict[str, list[tuple[int, str, str]]] = {}
    for name, run in report.runs.items():
        marks_all[name] = [
            (
                t.turn,
                "#" + _anchor(name, t.turn),
                f"{name} turn {t.turn}: " + ", ".join(sorted(t.detectors())),
            )
            for t in run.turns
            if t.violations
        ]
    score = {name: [t.drift_score for t in run.turns] for name, run in report.runs.items()}
    out.append(
        "<figure><figcaption>drift score</figcaption>"
        + line_chart("chart-drift-score", "running drift score", score, marks=marks_all, y_label="score")
        + "</figure>"
    )
    for det in report.detectors:
        series = {
            name: rolling([float(x) for x in run.detector_series(det)], window)
            for name, run in report.runs.items()
        }
        marks = {
            name: [
                (t.turn, "#" + _anchor(name, t.turn), f"{name} turn {t.turn}")
                for t in run.turns
                if det in t.detectors()
            ]
            for name, run in report.runs.items()
        }
        out.append(
            f"<figure><figcaption><code>{escape(det)}</code></figcaption>"
            + line_chart(
                f"chart-{det}", f"{det}: share of replies flagged", series, marks=marks, y_label="flagged"
            )
            + "</figure>"
        )
    out.append("</div>")
    return "".join(out)


def _pack(report: EvalReport) -> str:
    p = report.pack
    out = [
        '<h2 id="pack">Pack report</h2>',
        f'<p class="meta">The persona packed into {p.get("tokens", 0):,} of {p.get("budget", 0):,} tokens '
        f"(tokenizer {escape(str(p.get('tokenizer', '')))}, context window {p.get('context_window')}): "
        f"{escape(p.get('message') or 'complete, nothing left out')}.</p>",
    ]
    rows = [
        [
            escape(str(e["path"])),
            escape(str(e["heading"])) if e["heading"] is not None else "<b>(whole file)</b>",
            str(e["tier"]),
            escape(str(e["status"])),
            str(e["tokens"]),
            str(e["kept_tokens"]),
        ]
        for e in p.get("entries", [])
    ]
    out.append(_table(["file", "section", "tier", "status", "tokens", "kept"], rows, cls="pack"))
    return "".join(out)


def _violations(report: EvalReport) -> str:
    rows: list[list[str]] = []
    for name, run in report.runs.items():
        for t in run.turns:
            for v in t.violations:
                rows.append(
                    [
                        f'<span class="{name}">{name}</span>',
                        f'<a href="#{_anchor(name, t.turn)}">turn {t.turn}</a>',
                        escape(t.kind),
                        f"<code>{escape(str(v['detector']))}</code>",
                        f"<code>{escape(str(v['rule_id']))}</code>",
                        f'<span class="sev-{escape(str(v["severity"]))}">{escape(str(v["severity"]))}</span>',
                        escape(str(v["message"])),
                        f"<mark>{escape(str(v.get('excerpt') or ''))}</mark>",
                    ]
                )
    out = [f'<h2 id="violations">Violations ({len(rows)})</h2>']
    if rows:
        head = ["run", "turn", "probe", "detector", "rule", "severity", "message", "offending text"]
        out.append(_table(head, rows, cls="violations"))
    else:
        out.append("<p>No reply broke a rule.</p>")
    return "".join(out)


def _transcript(name: str, run: RunRecord) -> str:
    out = [f'<h3 class="{name}" id="transcript-{name}">{name}</h3>']
    for t in run.turns:
        out.append(_turn_html(name, t))
    return "".join(out)


def _turn_html(name: str, t: TurnRecord) -> str:
    cls = "turn drift" if t.violations else "turn"
    events = "".join(f" · input: {escape(str(e['kind']))}" for e in t.input_events)
    action = f" · guard: {escape(t.action)}" if t.action != "-" else ""
    return (
        f'<div class="{cls}" id="{_anchor(name, t.turn)}"><div class="who">turn {t.turn} · probe '
        f"{escape(t.kind)}{events} · drift score {t.drift_score:.3f}{action}</div>"
        f"<p><b>user:</b> {escape(t.user)}</p><p><b>assistant:</b> {_highlight(t.reply, t.violations)}</p></div>"
    )


def render_html(report: EvalReport) -> str:
    """The whole report as one HTML document."""
    data = report.to_dict()
    runs = ", ".join(f'<span class="{n}">{n}</span>' for n in report.runs)
    notes = "".join(f'<p class="note">{escape(n)}</p>' for n in report.notes)
    legend = " ".join(f'<span style="color:{COLORS.get(n, "#444")}">■ {n}</span>' for n in report.runs)
    body = [
        f"<h1>soulkeeper eval: {escape(report.persona)}</h1>",
        f'<p class="meta">model <code>{escape(report.model)}</code> · {report.turns} turns · runs {runs} · '
        f"probes {escape(report.probes)} ({escape(report.language)}) · context window "
        f"{report.context_window} · {escape(report.started)} · {report.seconds:.1f} s<br>"
        f"persona {escape(report.soul)} <code>{escape(report.digest)}</code><br>{legend}</p>",
        notes,
        '<p><a href="#charts">drift curves</a> · <a href="#summary">summary</a> · <a href="#pack">pack</a>'
        ' · <a href="#violations">violations</a> · <a href="#transcript">transcript</a></p>',
        _charts(report),
        _summary(report, data),
        _pack(report),
        _violations(report),
        '<h2 id="transcript">Transcript</h2>',
        *(_transcript(name, run) for name, run in report.runs.items()),
    ]
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>soulkeeper eval: {escape(report.persona)}</title><style>{_CSS}</style></head>"
        f"<body>{''.join(body)}</body></html>\n"
    )
