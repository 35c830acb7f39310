"""Hypothesis fuzzing: whatever the bytes, paths, JSON or YAML, the loader raises only SpecError."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from soulkeeper import Soul, SpecError, load_soul
from soulkeeper.spec._text import split_sections

BASE = {"specVersion": "0.6", "name": "fuzz", "displayName": "Fuzz", "version": "1.0.0", "description": "d"}
SOUL_MD = "# Fuzz\n\n## Tone\n- even\n"

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=20,
)
path_parts = st.sampled_from(
    ["SOUL.md", "IDENTITY.md", "a", "..", ".", "", "x.md", "b/c.json", "C:", "\\", "/", "\x00"]
)
paths = st.lists(path_parts | st.text(max_size=8), min_size=1, max_size=4).map("/".join)
manifest_keys = st.sampled_from(
    [
        "specVersion", "name", "displayName", "version", "description", "author", "license", "tags",
        "category", "files", "examples", "avatar", "skills", "recommendedSkills", "safety", "rules",
        "deprecated", "type", "disclosure", "supersededBy", "modes",
    ]
)  # fmt: skip
FAST = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _load(files: dict[str, Any]) -> Soul | None:
    message = ""
    try:
        return Soul.from_files(files)
    except SpecError as exc:
        message = str(exc)
    assert "\n" not in message
    return None


@FAST
@given(st.binary(max_size=400), st.binary(max_size=400))
def test_random_bytes(manifest: bytes, soul: bytes) -> None:
    """Random bytes in soul.json and SOUL.md give a Soul or a one-line SpecError."""
    _load({"soul.json": manifest, "SOUL.md": soul})


@FAST
@given(json_values)
def test_random_json_manifest(value: Any) -> None:
    """Any JSON document as soul.json gives a Soul or a SpecError."""
    _load({"soul.json": json.dumps(value), "SOUL.md": SOUL_MD})


@FAST
@given(st.dictionaries(manifest_keys, json_values, max_size=5))
def test_random_manifest_fields(fields: dict[str, Any]) -> None:
    """A valid manifest with random values in known fields gives a Soul or a SpecError."""
    _load({"soul.json": json.dumps({**BASE, **fields}), "SOUL.md": SOUL_MD})


@FAST
@given(
    st.dictionaries(
        st.sampled_from(["soul", "identity", "style", "agents", "userTemplate"]), paths, max_size=3
    )
)
def test_random_files_paths(files: dict[str, str]) -> None:
    """Random files.* paths never escape: a Soul or a SpecError, and every role file is in the package."""
    soul = _load({"soul.json": json.dumps({**BASE, "files": files}), "SOUL.md": SOUL_MD, "a/x.md": "# x\n"})
    if soul is not None:
        assert all(path in soul.raw_files for path in soul.files)


@FAST
@given(st.dictionaries(paths, st.binary(max_size=50), max_size=5))
def test_random_in_memory_paths(extra: dict[str, bytes]) -> None:
    """Random package paths and contents give a Soul or a SpecError; accepted paths are clean."""
    soul = _load({"soul.json": json.dumps(BASE), "SOUL.md": SOUL_MD, **extra})
    if soul is not None:
        for path in soul.raw_files:
            assert not path.startswith("/")
            assert ".." not in path.split("/")


@FAST
@given(st.text(max_size=300))
def test_random_rules_yaml(text: str) -> None:
    """Random text as rules.yaml gives a Soul or a SpecError."""
    _load({"soul.json": json.dumps(BASE), "SOUL.md": SOUL_MD, "rules.yaml": text})


@FAST
@given(json_values)
def test_random_rules_structure(value: Any) -> None:
    """Random structures as the soul.json rules object give a Soul or a SpecError."""
    _load(
        {
            "soul.json": json.dumps({**BASE, "rules": {"voice": value, "boundaries": value}}),
            "SOUL.md": SOUL_MD,
        }
    )


@FAST
@given(st.text(max_size=300), st.text(max_size=200))
def test_random_markdown(soul_md: str, rules_md: str) -> None:
    """Random markdown always loads (or fails on NUL only) and sections keep every non-blank line."""
    soul = _load(
        {"soul.json": json.dumps(BASE), "SOUL.md": soul_md, "RULES.md": rules_md, "IDENTITY.md": rules_md}
    )
    if soul is None:
        return
    text = soul.files["SOUL.md"].text
    sections = split_sections("SOUL.md", text)
    joined = "\n".join(s.text for s in sections)
    assert [line.rstrip() for line in joined.split("\n") if line.strip()] == [
        line.rstrip() for line in text.split("\n") if line.strip()
    ]
    assert all(s.line >= 1 and 0 <= s.level <= 6 for s in sections)


@settings(max_examples=40, deadline=None)
@given(
    st.dictionaries(
        st.text(min_size=1, max_size=12).filter(
            lambda s: "/" not in s and "\x00" not in s and s not in (".", "..")
        ),
        st.binary(max_size=30),
        max_size=4,
    )
)
def test_random_files_on_disk(extra: dict[str, bytes]) -> None:
    """A folder with randomly named files loads or raises SpecError, never anything else."""
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "soul.json").write_text(json.dumps(BASE))
        (root / "SOUL.md").write_text(SOUL_MD)
        for name, data in extra.items():
            try:
                (root / name).write_bytes(data)
            except OSError:
                continue
        message = ""
        try:
            load_soul(root)
        except SpecError as exc:
            message = str(exc)
        assert "\n" not in message
