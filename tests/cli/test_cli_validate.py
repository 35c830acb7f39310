"""`soulkeeper validate` end to end: valid packages, 30+ malformed ones, strict-only violations, JSON."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from cli_malformed_cases import DISK_CASES, STRICT_CASES, valid
from cli_support import Result, assert_failure, invoke, run, run_many
from conftest import EXAMPLES, ROOT, require_data

sys.path.insert(0, str(ROOT / "tests" / "spec"))
from malformed_cases import CASES as SPEC_CASES
from malformed_cases import write_package


def _escapes(name: str) -> bool:
    return name.startswith("/") or ".." in name.split("/")


# The spec generator's in-memory packages that can exist as a folder (two cases need paths no folder
# can hold), then the disk-only cases: (id, expected fragment, line or None).
_WRITABLE = [case for case in SPEC_CASES if not any(_escapes(name) for name in case.files)]
EXPECTED: dict[str, tuple[str, int | None]] = {
    **{f"spec:{case.name}": (case.expected, case.line) for case in _WRITABLE},
    **{f"disk:{case_id}": (fragment, None) for case_id, _, fragment in DISK_CASES},
}


@pytest.fixture(scope="module")
def malformed_results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Result]:
    """Write every malformed package to disk and validate them all (concurrently) once."""
    base = tmp_path_factory.mktemp("malformed")
    roots: dict[str, Path] = {}
    for index, case in enumerate(_WRITABLE):
        roots[f"spec:{case.name}"] = write_package(base / f"spec{index}", case.files)
    for case_id, build, _ in DISK_CASES:
        root = base / case_id
        root.mkdir()
        build(root)
        roots[f"disk:{case_id}"] = root
    results = run_many([("validate", root) for root in roots.values()])
    return dict(zip(roots, results, strict=True))


def test_there_are_at_least_thirty_malformed_cases() -> None:
    """At least 30 distinct malformed packages go through `soulkeeper validate` in a subprocess."""
    assert len(EXPECTED) >= 30


@pytest.mark.parametrize("case_id", sorted(EXPECTED))
def test_malformed_package_fails_with_one_line(malformed_results: dict[str, Result], case_id: str) -> None:
    """Each malformed package exits 1 with one stderr line naming the problem (and line), no traceback."""
    fragment, line = EXPECTED[case_id]
    result = malformed_results[case_id]
    assert_failure(result, 1, fragment)
    if line is not None:
        assert f":{line}:" in result.stderr, result.stderr


@pytest.mark.parametrize(("case_id", "build", "code"), STRICT_CASES, ids=[c for c, _, _ in STRICT_CASES])
def test_spec_violation_fails_only_in_strict_mode(
    tmp_path: Path, case_id: str, build: object, code: str
) -> None:
    """A package bending the spec is valid leniently (exit 0) and invalid under --strict (exit 1, code named).

    Run in-process (same ``main`` as the console script) to keep the suite fast; the subprocess path is
    covered by the malformed cases above.
    """
    assert callable(build)
    build(tmp_path)
    lenient, strict = invoke("validate", tmp_path), invoke("validate", tmp_path, "--strict")
    assert lenient.code == 0, lenient.stderr
    assert lenient.stderr == ""
    assert code in lenient.stdout  # reported as a warning
    assert_failure(strict, 1, code)


def test_example_souls_are_strictly_valid() -> None:
    """Every bundled example soul passes `validate --strict`."""
    souls = sorted(p for p in EXAMPLES.iterdir() if p.is_dir())
    assert souls
    for soul, result in zip(souls, run_many([("validate", p, "--strict") for p in souls]), strict=True):
        assert result.code == 0, (soul, result.stdout, result.stderr)
        assert "valid (strict" in result.stdout


def test_registry_souls_load_leniently() -> None:
    """The registry souls from the shared data validate leniently with exit 0."""
    base = require_data("souls")
    souls = sorted(p for p in base.iterdir() if (p / "soul.json").is_file())
    assert len(souls) >= 4
    for soul, result in zip(souls, run_many([("validate", p) for p in souls]), strict=True):
        assert result.code == 0, (soul, result.stderr)


def test_json_report_for_valid_and_invalid(tmp_path: Path) -> None:
    """--json prints a parseable report with the verdict, findings and digest; failures still exit 1."""
    good = tmp_path / "good"
    good.mkdir()
    valid(good)
    ok = run("validate", good, "--json")
    assert ok.code == 0
    report = json.loads(ok.stdout)
    assert report["valid"] is True
    assert report["digest"].startswith("sha256:")
    assert all({"code", "severity", "message"} <= set(f) for f in report["findings"])

    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "SOUL.md").write_text("# x\n")
    failed = run("validate", bad, "--json")
    assert_failure(failed, 1, "soul.json")
    assert json.loads(failed.stdout)["valid"] is False


def test_missing_path_and_bad_option_are_usage_errors(tmp_path: Path) -> None:
    """A path that does not exist or an unknown option exits 2 with one stderr line."""
    missing, bad_option, no_arg = run_many(
        [("validate", tmp_path / "nope"), ("validate", tmp_path, "--bogus"), ("validate",)]
    )
    assert_failure(missing, 2, "does not exist")
    assert_failure(bad_option, 2, "--bogus")
    assert_failure(no_arg, 2, "PATH")


def test_unknown_command_is_a_usage_error() -> None:
    """An unknown command exits 2 with one line."""
    assert_failure(run("frobnicate"), 2, "frobnicate")
