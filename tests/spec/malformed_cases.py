"""Malformed persona packages, each with the one-line :class:`SpecError` it must produce.

Reusable by any test (the CLI tests check the exit code with the same cases)::

    import sys; sys.path.insert(0, str(Path(__file__).parents[1] / "spec"))
    from malformed_cases import CASES, write_package

Each case is a :class:`Case` ``(name, files, expected, line)``: the in-memory package, a substring the
error message must contain, and the line number the error must name (``None`` when there is none).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["CASES", "DISK_ONLY", "Case", "manifest", "package", "with_files", "write_package"]

SOUL_MD = "# Test Persona\n\n## Personality\n- calm\n\n## Boundaries\n- none\n"


def manifest(**overrides: Any) -> dict[str, Any]:
    """A valid v0.6 manifest with ``overrides`` applied (a value of ``...`` deletes the key)."""
    data: dict[str, Any] = {
        "specVersion": "0.6",
        "name": "test-persona",
        "displayName": "Test Persona",
        "version": "1.0.0",
        "description": "A persona used by the malformed-package tests.",
    }
    for key, value in overrides.items():
        if value is ...:
            data.pop(key, None)
        else:
            data[key] = value
    return data


def package(*, soul_json: Any = None, **files: str | bytes) -> dict[str, str | bytes]:
    """A valid package (soul.json + SOUL.md) with extra or replaced files.

    Keyword names use ``__`` for ``/`` and ``_dot_`` for ``.``: ``examples__x_dot_md`` → ``examples/x.md``.
    """
    result: dict[str, str | bytes] = {
        "soul.json": json.dumps(soul_json if soul_json is not None else manifest(), indent=2),
        "SOUL.md": SOUL_MD,
    }
    for key, value in files.items():
        result[key.replace("__", "/").replace("_dot_", ".")] = value
    return result


def with_files(base: Mapping[str, str | bytes], **extra: str | bytes | None) -> dict[str, str | bytes]:
    """``base`` plus files given by exact path in ``extra`` (``None`` removes a file)."""
    result = dict(base)
    for key, value in extra.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = value
    return result


@dataclass(frozen=True)
class Case:
    name: str
    files: dict[str, str | bytes]
    expected: str
    line: int | None = None
    tags: tuple[str, ...] = field(default=())


def _json(data: Any) -> str:
    return json.dumps(data, indent=2)


_KB = 1024
_BIG = "x" * (100 * _KB + 1)
_NEAR = "y" * (99 * _KB)
_RULES = "voice:\n  tone: formal\n"

CASES: list[Case] = [
    Case("empty package", {}, "empty package"),
    Case("missing soul.json", {"SOUL.md": SOUL_MD}, "missing soul.json"),
    Case("missing SOUL.md", {"soul.json": _json(manifest())}, "missing SOUL.md"),
    Case("trailing comma", {"soul.json": '{\n  "name": "x",\n}\n', "SOUL.md": SOUL_MD}, "invalid JSON", 3),
    Case("truncated JSON", {"soul.json": '{\n  "name": "x"', "SOUL.md": SOUL_MD}, "invalid JSON", 2),
    Case("empty soul.json", {"soul.json": "", "SOUL.md": SOUL_MD}, "invalid JSON", 1),
    Case("JSON NaN", {"soul.json": '{"specVersion": "0.6", "n": NaN}', "SOUL.md": SOUL_MD}, "invalid JSON"),
    Case("manifest is a list", {"soul.json": "[]", "SOUL.md": SOUL_MD}, "must hold a JSON object"),
    Case(
        "specVersion number",
        package(soul_json=manifest(specVersion=0.6)),
        '"specVersion" must be a string',
        2,
    ),
    Case("unknown specVersion", package(soul_json=manifest(specVersion="0.9")), 'unknown "specVersion"', 2),
    Case("specVersion 1.0", package(soul_json=manifest(specVersion="1.0")), 'unknown "specVersion"', 2),
    Case("name is a number", package(soul_json=manifest(name=42)), '"name" must be a string', 3),
    Case(
        "description is a list",
        package(soul_json=manifest(description=["a"])),
        '"description" must be a string',
    ),
    Case("tags not a list", package(soul_json=manifest(tags="devops")), '"tags" must be a list of strings'),
    Case("tags of numbers", package(soul_json=manifest(tags=[1, 2])), '"tags" must be a list of strings'),
    Case("author number", package(soul_json=manifest(author=7)), '"author" must be a string or'),
    Case(
        "author without name",
        package(soul_json=manifest(author={"github": "x"})),
        '"author" object needs a "name"',
    ),
    Case("files not an object", package(soul_json=manifest(files=["SOUL.md"])), '"files" must be an object'),
    Case("files.soul absolute", package(soul_json=manifest(files={"soul": "/etc/passwd"})), "is absolute"),
    Case(
        "files.soul drive letter", package(soul_json=manifest(files={"soul": "C:/x/SOUL.md"})), "is absolute"
    ),
    Case(
        "files.soul escapes", package(soul_json=manifest(files={"soul": "../SOUL.md"})), "escapes the package"
    ),
    Case(
        "files.identity escapes deep",
        package(soul_json=manifest(files={"identity": "a/../../IDENTITY.md"})),
        "escapes the package",
    ),
    Case(
        "files.style backslash", package(soul_json=manifest(files={"style": "docs\\STYLE.md"})), "backslashes"
    ),
    Case(
        "files.soul missing",
        package(soul_json=manifest(files={"soul": "persona/SOUL.md"})),
        "files.soul points to persona/SOUL.md",
    ),
    Case(
        "files.soul is an image",
        package(soul_json=manifest(files={"soul": "a.png"}), a_dot_png=b"\x89PNG"),
        "must name a markdown file",
    ),
    Case(
        "examples.good escapes",
        package(soul_json=manifest(examples={"good": "../good.md"})),
        "escapes the package",
    ),
    Case("avatar absolute", package(soul_json=manifest(avatar="/tmp/a.png")), "is absolute"),
    Case(
        "in-memory path escapes",
        {"soul.json": _json(manifest()), "../SOUL.md": SOUL_MD},
        "escapes the package",
    ),
    Case("in-memory absolute path", {"soul.json": _json(manifest()), "/SOUL.md": SOUL_MD}, "is absolute"),
    Case("SOUL.md not UTF-8", package(SOUL_dot_md=b"# Persona\n\nna\xefve caf\xe9\n"), "not valid UTF-8", 3),
    Case(
        "IDENTITY.md latin-1",
        package(IDENTITY_dot_md="- **Name:** Zoë\n".encode("latin-1")),
        "not valid UTF-8",
        1,
    ),
    Case(
        "soul.json UTF-16",
        {"soul.json": _json(manifest()).encode("utf-16"), "SOUL.md": SOUL_MD},
        "not valid UTF-8",
    ),
    Case("NUL in markdown", package(STYLE_dot_md="ok\nbad\x00\n"), "NUL character", 2),
    Case("shell script", package(skills__review__review_dot_sh="#!/bin/sh\n"), "'.sh' is not allowed"),
    Case("python file", package(tool_dot_py="print(1)\n"), "'.py' is not allowed"),
    Case("executable", package(run_dot_exe=b"MZ\x90\x00"), "'.exe' is not allowed"),
    Case("no extension", package(LICENSE="MIT\n"), "no extension is not allowed"),
    Case(
        "macOS .DS_Store",
        package(**{"examples/.DS_Store": b"\x00\x00\x00\x01Bud1"}),
        "hidden file with no extension",
    ),
    Case("file over 100 KB", package(README_dot_md=_BIG), "per-file limit"),
    Case(
        "package over 1 MB",
        package(**{f"notes__n{i}_dot_md": _NEAR for i in range(11)}),
        "package is larger than 1 MB",
    ),
    Case("rules.yaml invalid YAML", package(rules_dot_yaml="voice:\n  tone: [formal\n"), "invalid YAML"),
    Case("rules.yaml tab indent", package(rules_dot_yaml="voice:\n\ttone: formal\n"), "invalid YAML", 2),
    Case("rules.yaml top-level list", package(rules_dot_yaml="- a\n- b\n"), "must be a YAML mapping"),
    Case(
        "rules.yaml unknown key",
        package(rules_dot_yaml="voice:\n  tonee: formal\n"),
        'unknown key "voice.tonee"',
        2,
    ),
    Case("rules.yaml bad tone", package(rules_dot_yaml="voice:\n  tone: grumpy\n"), '"voice.tone"', 2),
    Case(
        "rules.yaml bad regex",
        package(rules_dot_yaml="voice:\n  prohibited:\n    patterns:\n      - 'ok'\n      - '(unclosed'\n"),
        "invalid regular expression",
        5,
    ),
    Case("rules.yaml bad language", package(rules_dot_yaml="voice:\n  language: english\n"), "ISO 639-1", 2),
    Case(
        "rules.yaml bad bool",
        package(rules_dot_yaml="voice:\n  prohibited:\n    emoji: sometimes\n"),
        '"voice.prohibited.emoji"',
        3,
    ),
    Case(
        "rules.yaml negative length",
        package(rules_dot_yaml="behaviors:\n  length:\n    max_words: -5\n"),
        '"behaviors.length.max_words"',
        3,
    ),
    Case(
        "rules.yaml bad error format",
        package(rules_dot_yaml="behaviors:\n  error_format: 'Error: {what'\n"),
        "not a valid template",
        2,
    ),
    Case(
        "rules.yaml sets sources",
        package(rules_dot_yaml="sources: [x]\n"),
        '"sources" is filled in by the loader',
        1,
    ),
    Case(
        "rules.yaml topic number",
        package(rules_dot_yaml="boundaries:\n  declined_topics:\n    - 42\n"),
        "declined_topics",
        3,
    ),
    Case(
        "soul.json rules bad key",
        package(soul_json=manifest(rules={"voice": {"emojis": True}})),
        'unknown key "rules.voice.emojis"',
    ),
    Case(
        "safety.laws not a list",
        package(soul_json=manifest(safety={"laws": "be safe"})),
        '"safety.laws" must be a list',
    ),
    Case(
        "safety law enforcement",
        package(soul_json=manifest(safety={"laws": [{"priority": 0, "rule": "x", "enforcement": "maybe"}]})),
        '.enforcement" must be "hard" or "soft"',
    ),
    Case(
        "safety law without rule",
        package(soul_json=manifest(safety={"laws": [{"priority": 0}]})),
        '.rule" must be a non-empty string',
    ),
    Case(
        "deprecated string",
        package(soul_json=manifest(deprecated="yes")),
        '"deprecated" must be true or false',
    ),
    Case("type unknown", package(soul_json=manifest(type="robot")), '"type" must be "persona" or "pack"'),
    Case(
        "recommendedSkills object",
        package(soul_json=manifest(recommendedSkills={"a": 1})),
        '"recommendedSkills" must be a list',
    ),
    Case(
        "skills entry without name",
        package(soul_json=manifest(skills=[{"version": "1"}])),
        'needs a string "name"',
    ),
    Case("other JSON invalid", package(tools__search_dot_json="{oops}"), "invalid JSON", 1),
    Case("tools yaml invalid", package(tools__search_dot_yaml="name: [a\n"), "invalid YAML"),
    Case("deeply nested JSON", {"soul.json": "[" * 5000 + "]" * 5000, "SOUL.md": SOUL_MD}, "JSON"),
]

DISK_ONLY = ("symlink outside", "broken symlink", "not a folder", "no such folder")
"""Cases only a real folder can show; see ``test_spec_malformed.py``."""


def write_package(root: Path, files: Mapping[str, str | bytes]) -> Path:
    """Write an in-memory package to ``root`` (created) and return it. Paths that escape are skipped."""
    root.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        if name.startswith("/") or ".." in name.split("/"):
            continue
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return root
