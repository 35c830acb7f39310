"""Malformed persona packages for the CLI tests: each case builds a folder and names the expected error.

A case is ``(id, build, expected_fragment)``: ``build(root)`` writes the package into the empty folder
``root``; ``soulkeeper validate root`` must exit 1 with exactly one stderr line containing the fragment
(case-insensitive). These complement the spec helper's in-memory cases (tests/spec/malformed_cases.py)
with what only a folder on disk can show (symlinks, FIFOs), plus strict-only violations.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

Build = Callable[[Path], None]

MANIFEST: dict[str, Any] = {
    "specVersion": "0.5",
    "name": "case-bot",
    "displayName": "Case Bot",
    "version": "1.0.0",
    "description": "A persona used by the malformed-package tests.",
    "author": "tests",
    "license": "MIT",
    "tags": ["test"],
    "category": "work/test",
    "files": {"soul": "SOUL.md"},
}
SOUL = "# Case Bot\n\n## Personality\n- Calm.\n\n## Tone\n- Plain.\n\n## Principles\n- Help.\n\n## Boundaries\n- Never lie.\n"


def write(root: Path, files: dict[str, str | bytes]) -> None:
    """Write ``files`` (text as UTF-8) under ``root``."""
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode() if isinstance(content, str) else content)


def valid(root: Path) -> None:
    """A small valid package."""
    write(root, {"soul.json": json.dumps(MANIFEST, indent=2), "SOUL.md": SOUL})


def _with(extra: dict[str, str | bytes] | None = None, /, **manifest: Any) -> Build:
    def build(root: Path) -> None:
        doc = {**MANIFEST, **manifest}
        for key, value in list(doc.items()):
            if value is _DROP:
                del doc[key]
        write(root, {"soul.json": json.dumps(doc, indent=2), "SOUL.md": SOUL, **(extra or {})})

    return build


_DROP: Any = object()


def _raw(files: dict[str, str | bytes]) -> Build:
    return lambda root: write(root, files)


def _symlink_outside(root: Path) -> None:
    valid(root)
    outside = root.parent / f"{root.name}-outside.md"
    outside.write_text("secret\n")
    os.symlink(outside, root / "STYLE.md")


def _broken_symlink(root: Path) -> None:
    valid(root)
    os.symlink(root / "missing.md", root / "STYLE.md")


def _fifo(root: Path) -> None:
    valid(root)
    os.mkfifo(root / "AGENTS.md")


def _over_package(root: Path) -> None:
    valid(root)
    for i in range(12):
        (root / f"notes-{i}.md").write_text("x" * 95_000)


def _symlink_loop(root: Path) -> None:
    valid(root)
    (root / "notes").mkdir()
    os.symlink(root, root / "notes" / "up", target_is_directory=True)


def _symlinked_manifest_outside(root: Path) -> None:
    write(root, {"SOUL.md": SOUL})
    outside = root.parent / f"{root.name}-soul.json"
    outside.write_text(json.dumps(MANIFEST))
    os.symlink(outside, root / "soul.json")


# Cases only a real folder can show; the in-memory ones come from tests/spec/malformed_cases.py.
DISK_CASES: list[tuple[str, Build, str]] = [
    ("empty-folder", lambda root: None, "empty package"),
    ("symlink-outside", _symlink_outside, "outside the package"),
    ("manifest-symlink-outside", _symlinked_manifest_outside, "outside the package"),
    ("broken-symlink", _broken_symlink, "broken symbolic link"),
    ("symlink-loop", _symlink_loop, "loop"),
    ("fifo", _fifo, "not a regular file"),
    ("package-too-big", _over_package, "larger than 1 MB"),
    ("file-too-big", _with({"AGENTS.md": "x" * (100 * 1024 + 1)}), "per-file limit"),
    ("rules-yaml-unknown-key", _with({"rules.yaml": "mood: happy\n"}), "mood"),
    ("manifest-bom-only", _raw({"soul.json": b"\xef\xbb\xbf", "SOUL.md": SOUL}), "invalid JSON"),
]


# Packages that load leniently (exit 0, warnings) but break the spec: `validate --strict` exits 1 naming the code.
STRICT_CASES: list[tuple[str, Build, str]] = [
    ("missing-license", _with(license=_DROP), "SK101"),
    ("blocked-license", _with(license="GPL-3.0"), "SK106"),
    ("description-too-long", _with(description="x" * 200), "SK104"),
    ("name-not-kebab", _with(name="Case Bot"), "SK102"),
    ("version-not-semver", _with(version="v1"), "SK103"),
    ("too-many-tags", _with(tags=[f"t{i}" for i in range(12)]), "SK105"),
    ("no-spec-version", _with(specVersion=_DROP), "SK100"),
    ("protected-file", _with({"USER.md": "hi\n"}), "SK205"),
]
