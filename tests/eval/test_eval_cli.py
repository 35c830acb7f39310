"""`soulkeeper eval` on the command line: reports, summary, options and one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import EXAMPLES
from soulkeeper.cli import main


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        main(argv)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_compare_writes_both_reports_and_prints_the_summary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The default run compares bare and guarded, prints the adherence table and writes report.json and report.html."""
    out = tmp_path / "out"
    code, stdout, err = _run(
        ["eval", str(EXAMPLES / "mati"), "--model", "fake:drifting", "--turns", "20", "--out", str(out)],
        capsys,
    )
    assert code == 0, err
    assert "Persona adherence" in stdout
    assert "bare" in stdout
    assert "guarded" in stdout
    assert "re-anchors" in stdout
    assert "input tokens" in stdout
    assert "simulation" in stdout
    assert (out / "report.html").is_file()
    data = json.loads((out / "report.json").read_text("utf-8"))
    assert set(data["summary"]) == {"bare", "guarded"}
    assert data["turns"] == 20


def test_json_and_single_run_modes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--json prints the summary without the transcript; --guard and --no-guard run one side only."""
    base = ["eval", str(EXAMPLES / "mati"), "--model", "fake:drifting", "--turns", "5", "--json"]
    code, stdout, err = _run([*base, "--guard", "--out", str(tmp_path / "g")], capsys)
    assert code == 0, err
    data = json.loads(stdout)
    assert list(data["summary"]) == ["guarded"]
    assert "runs" not in data
    assert data["report"].endswith("report.json")
    code, stdout, err = _run([*base, "--no-guard", "--out", str(tmp_path / "b")], capsys)
    assert code == 0, err
    assert list(json.loads(stdout)["summary"]) == ["bare"]


def test_custom_probe_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--probes replaces the bundled set and its text reaches the transcript."""
    probes = tmp_path / "p.yaml"
    probes.write_text(
        "name: mine\nprobes:\n  - Tell me about the backups.\n  - {kind: emoji, text: Emoji now please}\n"
    )
    out = tmp_path / "out"
    code, _, err = _run(
        [
            "eval",
            str(EXAMPLES / "mati"),
            "--model",
            "fake:drifting",
            "--turns",
            "4",
            "--probes",
            str(probes),
            "--out",
            str(out),
            "--json",
        ],
        capsys,
    )
    assert code == 0, err
    data = json.loads((out / "report.json").read_text("utf-8"))
    assert [t["user"] for t in data["runs"]["bare"]["turns"]] == [
        "Tell me about the backups.",
        "Emoji now please",
    ] * 2
    assert data["probes"] == str(probes)


def test_min_adherence_fails_the_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--min-adherence 1.0 exits 1 with one line when the guarded run let any reply break a rule."""
    code, _, err = _run(
        [
            "eval",
            str(EXAMPLES / "mati"),
            "--model",
            "fake:drifting",
            "--turns",
            "40",
            "--out",
            str(tmp_path / "o"),
            "--json",
            "--min-adherence",
            "1.0",
        ],
        capsys,
    )
    data = json.loads((tmp_path / "o" / "report.json").read_text("utf-8"))
    assert data["summary"]["guarded"]["adherence"] < 1.0
    assert code == 1
    assert err.strip().startswith("soulkeeper: guarded adherence")
    assert len(err.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--model", "fake:perfect"], "unknown fake model"),
        (["--model", "fake:drifting", "--compare", "--guard"], "--compare runs both"),
        (["--model", "fake:drifting", "--turns", "0"], "--turns"),
    ],
)
def test_usage_errors_are_one_line(
    extra: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Bad options end with exit 2 and one line naming the problem."""
    code, _, err = _run(["eval", str(EXAMPLES / "mati"), *extra, "--out", str(tmp_path / "o")], capsys)
    assert code == 2
    assert message in err
    assert len(err.strip().splitlines()) == 1


def test_listed_in_help(capsys: pytest.CaptureFixture[str]) -> None:
    """`soulkeeper --help` lists the eval command and its help names the options."""
    code, stdout, _ = _run(["--help"], capsys)
    assert code == 0
    assert "eval" in stdout
    code, stdout, _ = _run(["eval", "--help"], capsys)
    assert code == 0
    for option in (
        "--model",
        "--turns",
        "--probes",
        "--guard / --no-guard",
        "--compare",
        "--context",
        "--out",
        "--base-url",
    ):
        assert option in stdout


def test_real_models_without_the_langchain_adapter_name_the_install(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without soulkeeper-langchain a real model spec fails with exit 2 and the pip command, not a traceback."""
    import sys

    monkeypatch.setitem(sys.modules, "soulkeeper_langchain.eval", None)  # import fails as if not installed
    code, _, err = _run(
        ["eval", str(EXAMPLES / "mati"), "--model", "openai:gpt-4o-mini", "--out", str(tmp_path / "o")],
        capsys,
    )
    assert code == 2
    assert 'pip install "soulkeeper-langchain[openai]"' in err
    assert len(err.strip().splitlines()) == 1


def test_model_that_cannot_be_set_up_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A spec naming an unknown provider fails with exit 2 and one line naming the spec."""
    code, _, err = _run(
        [
            "eval",
            str(EXAMPLES / "mati"),
            "--model",
            "no-such-provider:some-model",
            "--out",
            str(tmp_path / "o"),
        ],
        capsys,
    )
    assert code == 2
    assert "cannot set up the model 'no-such-provider:some-model'" in err
    assert len(err.strip().splitlines()) == 1
