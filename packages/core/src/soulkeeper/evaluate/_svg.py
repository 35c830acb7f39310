"""Inline SVG line charts for the HTML report (no JavaScript, no external files)."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

__all__ = ["COLORS", "line_chart", "rolling"]

COLORS = {"bare": "#c0392b", "guarded": "#1f6fd1"}
_WIDTHS = {"bare": 4.5, "guarded": 2.0}  # bare drawn first and wider: where the runs agree, both show
_W, _H = 760, 190
_L, _R, _T, _B = 46, 14, 16, 34


def rolling(values: Sequence[float], window: int) -> list[float]:
    """Trailing mean over ``window`` values (shorter at the start)."""
    out: list[float] = []
    for i in range(len(values)):
        chunk = values[max(0, i - window + 1) : i + 1]
        out.append(sum(chunk) / len(chunk))
    return out


def _x(i: int, n: int) -> float:
    return _L + (_W - _L - _R) * (i / max(1, n - 1))


def _y(v: float) -> float:
    return _T + (_H - _T - _B) * (1.0 - max(0.0, min(1.0, v)))


def line_chart(
    chart_id: str,
    title: str,
    series: dict[str, list[float]],
    *,
    marks: dict[str, list[tuple[int, str, str]]] | None = None,
    y_label: str = "",
) -> str:
    """An SVG chart: one polyline per run over turns (1-based), y in [0, 1].

    ``marks``: per run, ``(turn, href, title)`` dots linking to a turn of the transcript.
    """
    n = max((len(v) for v in series.values()), default=0)
    parts = [
        f'<svg class="chart" id="{escape(chart_id)}" viewBox="0 0 {_W} {_H}" width="{_W}" height="{_H}" '
        f'role="img" aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
        f'<rect x="{_L}" y="{_T}" width="{_W - _L - _R}" height="{_H - _T - _B}" fill="#fafafa" '
        'stroke="#ccc"/>',
    ]
    for tick in (0.0, 0.25, 0.5, 0.75, 1.0):
        y = _y(tick)
        parts.append(f'<line x1="{_L}" x2="{_W - _R}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e5e5e5"/>')
        parts.append(
            f'<text x="{_L - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11" fill="#555">'
            f"{int(tick * 100)}%</text>"
        )
    if n:
        step = max(1, round(n / 8))
        ticks = sorted({1, *range(step, n + 1, step), n})
        for turn in ticks:
            x = _x(turn - 1, n)
            parts.append(
                f'<text x="{x:.1f}" y="{_H - _B + 15}" text-anchor="middle" font-size="11" fill="#555">'
                f"{turn}</text>"
            )
        parts.append(
            f'<text x="{(_L + _W - _R) / 2:.0f}" y="{_H - 4}" text-anchor="middle" font-size="11" '
            'fill="#555">turn</text>'
        )
    if y_label:
        parts.append(
            f'<text x="12" y="{(_T + _H - _B) / 2:.0f}" font-size="11" fill="#555" text-anchor="middle" '
            f'transform="rotate(-90 12 {(_T + _H - _B) / 2:.0f})">{escape(y_label)}</text>'
        )
    for name, values in series.items():
        color = COLORS.get(name, "#444")
        points = " ".join(f"{_x(i, n):.1f},{_y(v):.1f}" for i, v in enumerate(values))
        if len(values) == 1:
            x, y = _x(0, n), _y(values[0])
            parts.append(
                f'<circle class="series" data-run="{escape(name)}" cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{color}"/>'
            )
        else:
            parts.append(
                f'<polyline class="series" data-run="{escape(name)}" points="{points}" fill="none" '
                f'stroke="{color}" stroke-width="{_WIDTHS.get(name, 2.0)}" stroke-linejoin="round"/>'
            )
    for name, items in (marks or {}).items():
        color = COLORS.get(name, "#444")
        offset = 0 if name == "bare" else 6
        for turn, href, tip in items:
            x = _x(turn - 1, n)
            parts.append(
                f'<a href="{escape(href)}"><circle class="mark" cx="{x:.1f}" cy="{_H - _B - 4 - offset}" '
                f'r="3.2" fill="{color}"><title>{escape(tip)}</title></circle></a>'
            )
    legend_x = _L + 8
    for name in series:
        color = COLORS.get(name, "#444")
        parts.append(
            f'<rect x="{legend_x}" y="{_T + 6}" width="14" height="4" fill="{color}"/>'
            f'<text x="{legend_x + 18}" y="{_T + 11}" font-size="11" fill="#333">{escape(name)}</text>'
        )
        legend_x += 90
    parts.append("</svg>")
    return "".join(parts)
