"""`soulkeeper inspect / diff / plugins` end to end in a subprocess."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from cli_support import assert_failure, run, run_many
from conftest import EXAMPLES
from soulkeeper.spec import load_soul

HANEUL = EXAMPLES / "haneul"


def test_inspect_shows_manifest_files_rules_findings_and_digest() -> None:
    """inspect prints the manifest, file, rules tables and the digest; --json carries the same facts."""
    text, as_json = run_many([("inspect", HANEUL), ("inspect", HANEUL, "--json")])
    assert text.code == 0, text.stderr
    soul = load_soul(HANEUL)
    for expected in ("Manifest", "Files", "Rules", "SOUL.md", soul.name, f"Digest: {soul.digest}"):
        assert expected in text.stdout
    doc = json.loads(as_json.stdout)
    assert doc["digest"] == soul.digest
    assert {f["path"] for f in doc["files"]} >= set(soul.files)
    assert doc["rules"]["identity"]["name"] == soul.rules.identity.name


def test_inspect_of_an_unloadable_package_is_unusable_input(tmp_path: Path) -> None:
    """inspect exits 2 with one line when the package cannot be loaded."""
    (tmp_path / "SOUL.md").write_text("# x\n")
    assert_failure(run("inspect", tmp_path), 2, "soul.json")


def _weakened_copy(tmp_path: Path) -> Path:
    """A copy of the example with the line stating its first must-never rule deleted from every file."""
    copy = tmp_path / "weakened"
    shutil.copytree(HANEUL, copy)
    never = load_soul(HANEUL).rules.boundaries.must_never
    assert never, "the example must carry must-never rules"
    touched = 0
    for path in copy.rglob("*"):
        if path.suffix in (".md", ".yaml", ".json") and never[0] in path.read_text(encoding="utf-8"):
            lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
            path.write_text("".join(line for line in lines if never[0] not in line), encoding="utf-8")
            touched += 1
    assert touched
    return copy


def test_diff_of_identical_packages(tmp_path: Path) -> None:
    """diff of a package with its copy says identical and exits 0."""
    copy = tmp_path / "same"
    shutil.copytree(HANEUL, copy)
    result = run("diff", HANEUL, copy)
    assert result.code == 0, result.stderr
    assert "identical" in result.stdout


def test_diff_flags_a_removed_must_never_rule(tmp_path: Path) -> None:
    """Removing a must-never rule shows as high severity; exit 0 by default, 1 with --fail-on high."""
    copy = _weakened_copy(tmp_path)
    text, as_json, gated, gated_low_ok = run_many(
        [
            ("diff", HANEUL, copy),
            ("diff", HANEUL, copy, "--json"),
            ("diff", HANEUL, copy, "--fail-on", "high"),
            ("diff", copy, copy, "--fail-on", "low"),
        ]
    )
    assert text.code == 0, text.stderr
    assert "high" in text.stdout
    doc = json.loads(as_json.stdout)
    assert doc["max_severity"] == "high"
    assert any(c["path"] == "boundaries.must_never" and c["op"] == "removed" for c in doc["changes"])
    assert_failure(gated, 1, "at or above high")
    assert gated_low_ok.code == 0


def test_diff_usage_errors(tmp_path: Path) -> None:
    """diff with a missing argument or an unknown --fail-on level exits 2."""
    one_arg, bad_level = run_many([("diff", HANEUL), ("diff", HANEUL, HANEUL, "--fail-on", "huge")])
    assert_failure(one_arg, 2, "NEW")
    assert_failure(bad_level, 2, "huge")


def test_plugins_lists_the_built_ins_and_their_hooks() -> None:
    """plugins lists every registered plugin with its hooks, as a table and as JSON."""
    from soulkeeper.plugins import DEFAULT_PLUGINS

    text, as_json = run_many([("plugins",), ("plugins", "--json")])
    assert text.code == 0, text.stderr
    rows = json.loads(as_json.stdout)["plugins"]
    names = {row["name"] for row in rows}
    assert set(DEFAULT_PLUGINS) <= names
    for row in rows:
        if row["name"] in DEFAULT_PLUGINS:
            assert row["hooks"], row
            assert all(hook in text.stdout for hook in row["hooks"])


def test_help_lists_every_command() -> None:
    """`soulkeeper --help` lists the issue-2 commands and exits 0."""
    result = run("--help")
    assert result.code == 0, result.stderr
    for command in ("validate", "inspect", "init", "digest", "keygen", "sign", "verify", "diff", "plugins"):
        assert command in result.stdout


def test_bare_command_prints_help_and_exits_0() -> None:
    """`soulkeeper` with no arguments prints the help on stdout and exits 0 (not a one-line error)."""
    result = run()
    assert result.code == 0, result.stderr
    assert "Commands:" in result.stdout
    assert result.stderr == ""
