"""The real registry souls and the Soul Spec doc fixtures load leniently with the expected findings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import require_data
from soulkeeper import Soul, SpecError, load_soul

SOUL_MD = "# Fixture\n\n## Personality\n- steady\n"


def _codes(findings: object) -> set[tuple[str, str]]:
    return {(f.code, f.severity) for f in findings}  # type: ignore[attr-defined]


# name -> (lenient findings, strict findings) as (code, severity) sets
REGISTRY = {
    "api-designer": (set(), set()),
    "brad": (
        {("SK100", "warning"), ("SK101", "warning"), ("SK401", "info")},
        {("SK100", "error"), ("SK101", "error"), ("SK401", "warning")},
    ),
    "debug-detective": (
        {("SK100", "warning"), ("SK101", "warning"), ("SK401", "info"), ("SK202", "info")},
        {("SK100", "error"), ("SK101", "error"), ("SK401", "warning"), ("SK202", "info")},
    ),
    "surgical-coder": (
        {("SK100", "warning"), ("SK101", "warning"), ("SK401", "info"), ("SK202", "info")},
        {("SK100", "error"), ("SK101", "error"), ("SK401", "warning"), ("SK202", "info")},
    ),
}


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_registry_soul_lenient_and_strict_findings(name: str) -> None:
    """Each registry soul loads leniently; lenient and strict findings are exactly the expected ones."""
    root = require_data("souls", name)
    soul = load_soul(root)
    lenient, strict = REGISTRY[name]
    assert _codes(soul.findings) == lenient
    assert _codes(soul.validate()) == lenient
    assert _codes(soul.validate(strict=True)) == strict
    assert soul.name == name
    assert soul.file("soul") is not None
    assert soul.raw_files.keys() == {p.name for p in root.iterdir()}


@pytest.mark.parametrize("name", ["brad", "debug-detective", "surgical-coder"])
def test_registry_soul_fails_strict_load(name: str) -> None:
    """Strict loading rejects the souls that bend the spec, naming the first violation in one line."""
    with pytest.raises(SpecError, match=r'^soul\.json: SK100 no "specVersion"; inferred 0\.3') as info:
        load_soul(require_data("souls", name), strict=True)
    assert "\n" not in str(info.value)


def test_api_designer_loads_strict() -> None:
    """The spec-conforming registry soul passes strict loading."""
    soul = load_soul(require_data("souls", "api-designer"), strict=True)
    assert soul.manifest.spec_version == "0.5"
    assert soul.manifest.author is not None
    assert soul.manifest.author.github == "clawsouls"
    assert soul.rules.identity.name == "API Designer"
    assert soul.rules.identity.emoji == "🔌"


def test_brad_rules_from_identity_bullets() -> None:
    """Brad's IDENTITY.md bullets give his name, a formal tone and match-the-user language."""
    soul = load_soul(require_data("souls", "brad"))
    assert soul.manifest.author is not None
    assert soul.manifest.author.name == "TomLeeLive"
    assert soul.manifest.spec_version_inferred
    assert soul.rules.identity.name == "Brad"
    assert soul.rules.identity.role == "AI Development Partner"
    assert soul.rules.voice.tone == "formal"
    assert soul.rules.voice.language == "match_user"
    assert soul.rules.sources == ("IDENTITY.md",)
    assert [s.heading for s in soul.file("readme").sections] == [  # type: ignore[union-attr]
        "Brad — Development Partner",
        "Quick Install",
        "What Brad Does",
        "Personality",
    ]


# fixture file -> (lenient, strict)
FIXTURES = {
    "v0.5-full-soul.json": (
        {("SK200", "warning"), ("SK202", "info"), ("SK401", "info")},
        {("SK200", "error"), ("SK202", "info"), ("SK401", "warning")},
    ),
    "v0.5-care-companion-soul.json": (
        {("SK200", "warning"), ("SK202", "info"), ("SK401", "info"), ("SK403", "info")},
        {("SK200", "error"), ("SK202", "info"), ("SK401", "warning"), ("SK403", "warning")},
    ),
    "v0.6-minimal-soul.json": (
        {("SK120", "info"), ("SK202", "info"), ("SK401", "info")},
        {("SK120", "warning"), ("SK202", "info"), ("SK401", "warning")},
    ),
    "v0.6-pack-soul.json": (
        {("SK101", "warning"), ("SK120", "info"), ("SK202", "info"), ("SK401", "info")},
        {("SK101", "error"), ("SK120", "warning"), ("SK202", "info"), ("SK401", "warning")},
    ),
    "v0.6-persona-type.json": (
        {("SK101", "warning"), ("SK120", "info"), ("SK202", "info"), ("SK401", "info")},
        {("SK101", "error"), ("SK120", "warning"), ("SK202", "info"), ("SK401", "warning")},
    ),
    "v0.6-registry-index.json": (
        {("SK100", "warning"), ("SK101", "warning"), ("SK111", "info"), ("SK202", "info"), ("SK401", "info")},
        {
            ("SK100", "error"),
            ("SK101", "error"),
            ("SK111", "warning"),
            ("SK202", "info"),
            ("SK401", "warning"),
        },
    ),
}


def _fixture(name: str) -> bytes:
    return require_data("souls", "spec-docs-fixtures", name).read_bytes()


@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_spec_doc_manifest_fixture(name: str) -> None:
    """Each soul.json example from the spec docs loads leniently with the expected findings."""
    soul = Soul.from_files({"soul.json": _fixture(name), "SOUL.md": SOUL_MD})
    lenient, strict = FIXTURES[name]
    assert _codes(soul.findings) == lenient
    assert _codes(soul.validate(strict=True)) == strict


def test_full_fixture_declares_every_file() -> None:
    """The v0.5 full example declares files.* and examples.*; each missing one is reported by name."""
    soul = Soul.from_files({"soul.json": _fixture("v0.5-full-soul.json"), "SOUL.md": SOUL_MD})
    messages = " ".join(f.message for f in soul.findings if f.code == "SK200")
    for path in (
        "IDENTITY.md",
        "HEARTBEAT.md",
        "USER_TEMPLATE.md",
        "avatar/avatar.png",
        "examples/bad-outputs.md",
    ):
        assert path in messages
    assert [s.name for s in soul.manifest.recommended_skills] == ["github", "healthcheck"]
    assert soul.manifest.recommended_skills[1].required


def test_care_companion_safety_laws_in_priority_order() -> None:
    """safety.laws become hard rules in priority order, highest first."""
    soul = Soul.from_files({"soul.json": _fixture("v0.5-care-companion-soul.json"), "SOUL.md": SOUL_MD})
    laws = soul.manifest.safety_laws
    assert [law.priority for law in laws] == [0, 1, 2, 3]
    assert laws[3].enforcement == "soft"
    assert soul.rules.safety_laws[0] == "Never allow actions that harm humans collectively"
    assert len(soul.rules.safety_laws) == 4
    assert "soul.json" in soul.rules.sources


def test_memory_and_registry_fragments_merge_into_a_manifest() -> None:
    """The v0.6 memory and registry fragments are known soul.json fields (no unknown-field finding)."""
    data = json.loads(_fixture("v0.6-minimal-soul.json"))
    data.update(json.loads(_fixture("v0.6-memory-config.json")))
    data.update(json.loads(_fixture("v0.6-registry-meta.json")))
    soul = Soul.from_files({"soul.json": json.dumps(data), "SOUL.md": SOUL_MD})
    assert not [f for f in soul.findings if f.code == "SK111"]
    assert soul.manifest.raw["memory"]["search"]["default"] == "tfidf"


def test_rules_md_fixture_becomes_boundaries() -> None:
    """The v0.6 RULES.md example fills must_always, must_never and escalation."""
    soul = Soul.from_files(
        {
            "soul.json": _fixture("v0.6-minimal-soul.json"),
            "SOUL.md": SOUL_MD,
            "RULES.md": _fixture("v0.6-RULES.md"),
        }
    )
    boundaries = soul.rules.boundaries
    assert boundaries.must_always == (
        "Commit with descriptive messages",
        "Test before reporting completion",
        "Ask before external actions",
    )
    assert len(boundaries.must_never) == 4
    assert boundaries.must_never[-1] == "Execute destructive commands without approval"
    assert boundaries.escalation[0] == "If uncertain about a destructive action → ask the human"
    assert soul.rules.sources == ("RULES.md",)
    assert soul.file("rules") is not None


def test_tools_yaml_fixture_is_an_other_file() -> None:
    """A v0.6 tools/*.yaml file is parsed for validity and kept as an "other" file."""
    soul = Soul.from_files(
        {
            "soul.json": _fixture("v0.6-minimal-soul.json"),
            "SOUL.md": SOUL_MD,
            "tools/github-search.yaml": _fixture("v0.6-tools-github-search.yaml"),
        }
    )
    assert soul.files["tools/github-search.yaml"].role == "other"


def test_shared_data_folder_layout() -> None:
    """The shared souls folder holds the four registry souls the tests above expect."""
    root = require_data("souls")
    assert {p.name for p in Path(root).iterdir() if p.is_dir()} >= {*REGISTRY, "spec-docs-fixtures"}
