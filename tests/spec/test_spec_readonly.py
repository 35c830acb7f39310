"""Loading a package never writes into it: contents, names and modification times stay the same."""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import pytest
from conftest import EXAMPLES
from soulkeeper import load_soul


def _snapshot(root: Path) -> dict[str, tuple[bytes, int, int]]:
    result = {}
    for path in sorted(root.rglob("*")):
        info = path.lstat()
        data = path.read_bytes() if path.is_file() else b""
        result[str(path.relative_to(root))] = (data, info.st_mtime_ns, stat.S_IMODE(info.st_mode))
    return result


@pytest.mark.parametrize("name", ["mati", "haneul", "yuki"])
def test_loading_writes_nothing(name: str, tmp_path: Path) -> None:
    """Loading (lenient, strict, with digest and validate) leaves every file and folder untouched."""
    root = tmp_path / name
    shutil.copytree(EXAMPLES / name, root)
    old = tmp_path.stat().st_mtime_ns
    before = _snapshot(root)
    soul = load_soul(root)
    load_soul(root, strict=True)
    load_soul(root, expect_digest=soul.digest)
    soul.validate(strict=True)
    assert _snapshot(root) == before
    assert tmp_path.stat().st_mtime_ns == old


def test_loading_a_read_only_package(tmp_path: Path) -> None:
    """A package on a read-only folder loads (nothing needs write access)."""
    root = tmp_path / "mati"
    shutil.copytree(EXAMPLES / "mati", root)
    for path in [root, *root.rglob("*")]:
        path.chmod(0o555 if path.is_dir() else 0o444)
    try:
        soul = load_soul(root)
        assert soul.name == "mati"
    finally:
        for path in [root, *root.rglob("*")]:
            path.chmod(0o755 if path.is_dir() else 0o644)


def test_soul_is_immutable() -> None:
    """Soul attributes and its file mappings cannot be changed."""
    soul = load_soul(EXAMPLES / "mati")
    with pytest.raises(AttributeError, match="immutable"):
        soul.rules = soul.rules  # type: ignore[misc]
    with pytest.raises(TypeError):
        soul.files["SOUL.md"] = soul.files["SOUL.md"]  # type: ignore[index]
    with pytest.raises(TypeError):
        soul.raw_files["x.md"] = b""  # type: ignore[index]
    assert os.fspath(soul.root or "") == str(EXAMPLES / "mati")
