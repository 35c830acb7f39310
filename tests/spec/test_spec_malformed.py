"""Malformed packages raise one-line SpecErrors naming the file, the line and what to do."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from malformed_cases import CASES, SOUL_MD, Case, manifest, package, write_package
from soulkeeper import Soul, SpecError, load_soul
from soulkeeper.spec import Limits


def _check(exc: SpecError, case: Case) -> None:
    text = str(exc)
    assert "\n" not in text, text
    assert case.expected in text, text
    if case.line is not None:
        assert exc.line == case.line, text
        assert f":{case.line}: " in text, text


def test_at_least_thirty_cases() -> None:
    """The generator offers at least thirty distinct malformed packages."""
    assert len(CASES) >= 30
    assert len({case.name for case in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_in_memory_case_raises_spec_error(case: Case) -> None:
    """Each malformed in-memory package raises the expected one-line SpecError."""
    with pytest.raises(SpecError) as info:
        Soul.from_files(case.files)
    _check(info.value, case)


@pytest.mark.parametrize(
    "case", [c for c in CASES if not c.name.startswith("in-memory")], ids=lambda case: case.name
)
def test_on_disk_case_raises_spec_error(case: Case, tmp_path: Path) -> None:
    """The same packages written to a folder fail the same way, and the message names the file."""
    root = write_package(tmp_path / "pkg", case.files)
    with pytest.raises(SpecError) as info:
        load_soul(root)
    _check(info.value, case)


def test_spec_error_is_value_error() -> None:
    """Callers may catch SpecError as ValueError."""
    with pytest.raises(ValueError, match=r"missing soul\.json"):
        Soul.from_files({"SOUL.md": SOUL_MD})


def test_symlink_pointing_outside_is_rejected(tmp_path: Path) -> None:
    """A symbolic link that leaves the package folder is an error naming the link."""
    secret = tmp_path / "secret.md"
    secret.write_text("top secret\n")
    root = write_package(tmp_path / "pkg", package())
    os.symlink(secret, root / "IDENTITY.md")
    with pytest.raises(SpecError, match=r"^IDENTITY\.md: is a symbolic link pointing outside the package"):
        load_soul(root)


def test_symlinked_folder_outside_is_rejected(tmp_path: Path) -> None:
    """A linked folder outside the package is rejected too."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "notes.md").write_text("x\n")
    root = write_package(tmp_path / "pkg", package())
    os.symlink(outside, root / "notes")
    with pytest.raises(SpecError, match="pointing outside the package"):
        load_soul(root)


def test_files_path_through_symlink_outside(tmp_path: Path) -> None:
    """files.soul reaching outside through a linked folder is rejected."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "SOUL.md").write_text(SOUL_MD)
    root = write_package(
        tmp_path / "pkg",
        {"soul.json": package(soul_json=manifest(files={"soul": "link/SOUL.md"}))["soul.json"]},
    )
    os.symlink(outside, root / "link")
    with pytest.raises(SpecError, match="outside the package"):
        load_soul(root)


def test_symlink_inside_is_followed(tmp_path: Path) -> None:
    """A link to a file inside the package is read like the file itself."""
    root = write_package(tmp_path / "pkg", package(notes_dot_md="# Notes\n"))
    os.symlink(root / "notes.md", root / "IDENTITY.md")
    soul = load_soul(root)
    assert soul.files["IDENTITY.md"].text == "# Notes\n"


def test_broken_symlink(tmp_path: Path) -> None:
    """A dangling link is a one-line error naming it."""
    root = write_package(tmp_path / "pkg", package())
    os.symlink(tmp_path / "nowhere.md", root / "STYLE.md")
    with pytest.raises(SpecError, match=r"^STYLE\.md: is a broken symbolic link"):
        load_soul(root)


def test_missing_folder(tmp_path: Path) -> None:
    """A path that does not exist names itself."""
    with pytest.raises(SpecError, match="no such file or folder"):
        load_soul(tmp_path / "absent")


def test_plain_file_is_not_a_package(tmp_path: Path) -> None:
    """A file other than soul.json is not a package."""
    path = tmp_path / "SOUL.md"
    path.write_text(SOUL_MD)
    with pytest.raises(SpecError, match="not a folder"):
        load_soul(path)


def test_path_to_soul_json_loads_its_folder(tmp_path: Path) -> None:
    """Giving the soul.json path loads the package folder around it."""
    root = write_package(tmp_path / "pkg", package())
    assert load_soul(root / "soul.json").root == root


def test_fifo_is_rejected(tmp_path: Path) -> None:
    """A named pipe inside the package is refused rather than read (which would block)."""
    root = write_package(tmp_path / "pkg", package())
    os.mkfifo(root / "pipe.md")
    with pytest.raises(SpecError, match=r"^pipe\.md: is not a regular file"):
        load_soul(root)


def test_oversize_file_is_not_read(tmp_path: Path) -> None:
    """The size limit is checked from stat, before reading, and names the limit."""
    root = write_package(tmp_path / "pkg", package(README_dot_md="z" * 5000))
    with pytest.raises(SpecError, match=r"README\.md: file is 5,000 bytes, over the 4 KB per-file limit"):
        load_soul(root, limits=Limits(max_file_bytes=4096))


def test_limits_are_configurable(tmp_path: Path) -> None:
    """Raising the limits and allowing an extension makes a package loadable."""
    files = package(README_dot_md="z" * (150 * 1024), tool_dot_sh="echo\n")
    limits = Limits(max_file_bytes=200 * 1024, allowed_extensions=Limits().allowed_extensions | {".sh"})
    soul = Soul.from_files(files, limits=limits)
    assert "tool.sh" in soul.raw_files


def test_invalid_limits_rejected() -> None:
    """Limits must be positive and extensions dotted lower-case."""
    with pytest.raises(ValueError, match="positive"):
        Limits(max_file_bytes=0)
    with pytest.raises(ValueError, match="dot"):
        Limits(allowed_extensions=frozenset({"md"}))
