"""The HTML report in a real browser: headless Chromium lays out every chart and table and paints the curves."""

from __future__ import annotations

import json
import re
import shutil
import struct
import subprocess
import zlib
from pathlib import Path
from typing import Any

import pytest
from conftest import EXAMPLES
from soulkeeper import load_soul
from soulkeeper.evaluate import EvalReport, resolve_chat, run_eval
from soulkeeper.evaluate._svg import COLORS

CHROMIUM = "/usr/bin/chromium"
WIDTH = 820

# Measures the laid-out page; appended to a copy of the report (the screenshot is of the report itself).
_PROBE = """<script>
(() => {
  const out = {charts: [], tables: {}, marks: document.querySelectorAll('svg.chart a circle.mark').length};
  for (const svg of document.querySelectorAll('svg.chart')) {
    const r = svg.getBoundingClientRect();
    const series = [...svg.querySelectorAll('.series')].map(p => {
      const b = p.getBBox();
      return {run: p.dataset.run, w: b.width, h: b.height, len: p.getTotalLength ? p.getTotalLength() : 0};
    });
    out.charts.push({id: svg.id, x: r.left + scrollX, y: r.top + scrollY, w: r.width, h: r.height, series});
  }
  for (const t of document.querySelectorAll('table')) {
    const r = t.getBoundingClientRect();
    out.tables[t.className] = {rows: t.rows.length, w: r.width, h: r.height};
  }
  const pre = document.createElement('pre');
  pre.id = 'render-check';
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
})();
</script>"""


def _chromium(tmp: Path, *args: str) -> subprocess.CompletedProcess[str]:
    if not Path(CHROMIUM).is_file():
        pytest.skip("needs Debian's chromium at /usr/bin/chromium (apt-get install chromium; .ci/run does)")
    profile = tmp / f"profile-{len(list(tmp.glob('profile-*')))}"
    cmd = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
        "--force-device-scale-factor=1",
        f"--user-data-dir={profile}",
        *args,
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
    shutil.rmtree(profile, ignore_errors=True)
    return proc


def _png_pixels(path: Path) -> tuple[int, int, int, bytes]:
    """Decode an 8-bit, non-interlaced RGB/RGBA PNG: (width, height, bytes per pixel, raw rows)."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width = 8, b"", 0
    height = bpp = 0
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, color, _, _, interlace = struct.unpack(">IIBBBBB", body)
            assert depth == 8
            assert interlace == 0
            assert color in (2, 6)
            bpp = 3 if color == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * bpp
    out = bytearray(height * stride)
    prev = bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        f, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        if f == 2:
            line = bytearray((x + p) & 0xFF for x, p in zip(line, prev, strict=True))
        elif f in (1, 3, 4):
            for i in range(stride):
                a = line[i - bpp] if i >= bpp else 0
                if f == 1:
                    line[i] = (line[i] + a) & 0xFF
                elif f == 3:
                    line[i] = (line[i] + (a + prev[i]) // 2) & 0xFF
                else:
                    b, c = prev[i], prev[i - bpp] if i >= bpp else 0
                    p = a + b - c
                    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                    line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 0xFF
        out[y * stride : (y + 1) * stride] = line
        prev = line
    return width, height, bpp, bytes(out)


def _count_color(png: tuple[int, int, int, bytes], box: dict[str, float], color: str, tol: int = 40) -> int:
    width, height, bpp, px = png
    target = tuple(int(color[i : i + 2], 16) for i in (1, 3, 5))
    n = 0
    for y in range(max(0, int(box["y"])), min(height, int(box["y"] + box["h"]))):
        row = y * width * bpp
        for x in range(max(0, int(box["x"])), min(width, int(box["x"] + box["w"]))):
            i = row + x * bpp
            if all(abs(px[i + k] - target[k]) <= tol for k in range(3)):
                n += 1
    return n


@pytest.fixture(scope="module")
def report_file(tmp_path_factory: pytest.TempPathFactory) -> tuple[EvalReport, Path]:
    soul = load_soul(EXAMPLES / "mati")
    factory = resolve_chat("fake:drifting", soul)
    report = run_eval(soul, factory(), turns=30, chat_factory=factory, model_name="fake:drifting")
    _, html = report.write(tmp_path_factory.mktemp("browser") / "out")
    return report, html


@pytest.fixture(scope="module")
def layout(report_file: tuple[EvalReport, Path], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    _, html = report_file
    tmp = tmp_path_factory.mktemp("dom")
    probe = tmp / "report-probe.html"
    probe.write_text(html.read_text("utf-8").replace("</body>", _PROBE + "</body>"), "utf-8")
    proc = _chromium(tmp, f"--window-size={WIDTH},900", "--dump-dom", probe.as_uri())
    found = re.search(r'<pre id="render-check">(.*?)</pre>', proc.stdout, re.S)
    assert found, f"no layout report in the dumped DOM (exit {proc.returncode}): {proc.stderr[-800:]}"
    return dict(json.loads(found.group(1).replace("&quot;", '"').replace("&amp;", "&")))


def test_charts_and_tables_are_laid_out(report_file: tuple[EvalReport, Path], layout: dict[str, Any]) -> None:
    """Chromium gives every chart a real box with one non-empty curve per run, and every table its rows."""
    report, _ = report_file
    charts = layout["charts"]
    assert [c["id"] for c in charts] == ["chart-drift-score", *(f"chart-{d}" for d in report.detectors)]
    for chart in charts:
        assert chart["w"] > 300, chart
        assert chart["h"] > 100, chart
        assert sorted(s["run"] for s in chart["series"]) == ["bare", "guarded"]
        assert all(s["w"] > 200 and s["len"] > 200 for s in chart["series"]), chart
    flagged = sum(1 for run in report.runs.values() for t in run.turns if t.violations)
    assert layout["marks"] >= flagged > 0
    tables = layout["tables"]
    turns = report.turns
    assert tables["summary"]["rows"] == 10
    assert tables["by-detector"]["rows"] == len(report.detectors) + 1
    assert tables["by-window"]["rows"] == len(report.windows()) + 1
    violations = sum(len(t.violations) for run in report.runs.values() for t in run.turns)
    assert tables["violations"]["rows"] == violations + 1
    assert tables["pack"]["rows"] == len(report.pack["entries"]) + 1
    assert all(t["w"] > 0 and t["h"] > 0 for t in tables.values())
    assert turns == 30


def test_screenshot_paints_both_curves(
    report_file: tuple[EvalReport, Path], layout: dict[str, Any], tmp_path: Path
) -> None:
    """A screenshot of the report itself has both runs' curve colours inside the drift-score chart and pixels in every chart box."""
    _, html = report_file
    charts = layout["charts"]
    bottom = int(max(c["y"] + c["h"] for c in charts)) + 20
    shot = tmp_path / "shot.png"
    proc = _chromium(tmp_path, f"--window-size={WIDTH},{bottom}", f"--screenshot={shot}", html.as_uri())
    assert shot.is_file(), proc.stderr[-800:]
    png = _png_pixels(shot)
    assert png[0] == WIDTH
    score = charts[0]
    assert _count_color(png, score, COLORS["bare"]) > 150
    assert _count_color(png, score, COLORS["guarded"]) > 150
    for chart in charts:
        painted = _count_color(png, chart, COLORS["bare"]) + _count_color(png, chart, COLORS["guarded"])
        assert painted > 100, chart["id"]
    # outside the charts (the page margin) there is no curve colour
    margin = {"x": 0, "y": 0, "w": 15, "h": bottom}
    assert _count_color(png, margin, COLORS["guarded"], tol=10) == 0
