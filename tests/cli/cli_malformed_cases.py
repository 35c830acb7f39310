"""Malformed persona packages for the CLI tests: each case builds a folder and names the expected error.

A case is ``(id, build, expected_fragment)``: ``build(root)`` writes the package into the empty folder
``root``; ``soulkeeper validate root`` must exit 1 with exactly one stderr line containing the fragment
(case-insensitive).
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


MANIFEST_TEXT = json.dumps(MANIFEST)

CASES: list[tuple[str, Build, str]] = [
    ("empty-folder", lambda root: None, "empty package"),
    ("no-manifest", _raw({"SOUL.md": SOUL}), "soul.json"),
    ("no-soul-md", _raw({"soul.json": MANIFEST_TEXT}), "SOUL.md"),
    ("manifest-not-json", _raw({"soul.json": "{name: case-bot}", "SOUL.md": SOUL}), "soul.json"),
    ("manifest-truncated", _raw({"soul.json": MANIFEST_TEXT[:40], "SOUL.md": SOUL}), "soul.json"),
    ("manifest-empty", _raw({"soul.json": "", "SOUL.md": SOUL}), "soul.json"),
    ("manifest-bom-only", _raw({"soul.json": b"\xef\xbb\xbf", "SOUL.md": SOUL}), "soul.json"),
    ("manifest-array", _raw({"soul.json": "[1, 2]", "SOUL.md": SOUL}), "soul.json"),
    ("manifest-trailing-comma", _raw({"soul.json": '{"name": "case-bot",}', "SOUL.md": SOUL}), "soul.json"),
    ("manifest-not-utf8", _raw({"soul.json": b'{"name": "caf\xe9"}', "SOUL.md": SOUL}), "utf-8"),
    ("name-wrong-type", _with(name=42), "name"),
    ("version-wrong-type", _with(version=1), "version"),
    ("tags-wrong-type", _with(tags="a,b"), "tags"),
    ("author-wrong-type", _with(author=7), "author"),
    ("files-wrong-type", _with(files=["SOUL.md"]), "files"),
    ("unknown-spec-version", _with(specVersion="9.9"), "specversion"),
    ("files-soul-absolute", _with(files={"soul": "/etc/passwd"}), "absolute"),
    ("files-soul-escapes", _with(files={"soul": "../SOUL.md"}), ".."),
    ("files-soul-backslash", _with(files={"soul": "sub\\SOUL.md"}), "backslash"),
    ("files-soul-missing", _with(files={"soul": "PERSONA.md"}), "PERSONA.md"),
    ("soul-md-not-utf8", _raw({"soul.json": MANIFEST_TEXT, "SOUL.md": b"# Bot\n\xff\xfe bad\n"}), "utf-8"),
    ("soul-md-nul", _raw({"soul.json": MANIFEST_TEXT, "SOUL.md": "# Bot\n\x00\n"}), "nul"),
    ("disallowed-extension", _with({"run.sh": "echo hi\n"}), ".sh"),
    ("no-extension", _with({"Makefile": "all:\n"}), "extension"),
    ("file-too-big", _with({"AGENTS.md": "x" * (100 * 1024 + 1)}), "limit"),
    ("package-too-big", _over_package, "package"),
    ("symlink-outside", _symlink_outside, "outside"),
    ("broken-symlink", _broken_symlink, "symbolic link"),
    ("fifo", _fifo, "regular file"),
    ("rules-yaml-invalid", _with({"rules.yaml": "voice: [unclosed\n"}), "rules.yaml"),
    ("rules-yaml-not-mapping", _with({"rules.yaml": "- a\n- b\n"}), "rules.yaml"),
    ("rules-yaml-bad-tone", _with({"rules.yaml": "voice:\n  tone: loud\n"}), "tone"),
    ("rules-yaml-unknown-key", _with({"rules.yaml": "mood: happy\n"}), "mood"),
    (
        "rules-yaml-bad-length",
        _with({"rules.yaml": "behaviors:\n  length:\n    max_words: -3\n"}),
        "max_words",
    ),
    ("other-json-invalid", _with({"examples/data.json": "{oops"}), "data.json"),
    ("other-yaml-invalid", _with({"tools/x.yaml": "a: [b\n"}), "x.yaml"),
    ("safety-laws-wrong-type", _with(safety={"laws": "be safe"}), "laws"),
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
