"""The typed ``soul.json`` manifest (Soul Spec 0.2–0.6)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["KNOWN_SPEC_VERSIONS", "Author", "Manifest", "ManifestFiles", "SafetyLaw", "SkillRef"]

KNOWN_SPEC_VERSIONS = ("0.2", "0.3", "0.4", "0.5", "0.6")
"""Versions the loader understands; ``0.2`` only as the legacy ``clawsoul.json`` form."""


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Author(_Frozen):
    """``author``: a string in older packages, ``{name, github}`` in newer ones."""

    name: str
    github: str | None = None


class SkillRef(_Frozen):
    """One entry of ``recommendedSkills`` (or of the legacy ``skills`` string list)."""

    name: str
    version: str | None = None
    required: bool = False


class SafetyLaw(_Frozen):
    """One entry of ``safety.laws``; priority 0 is the highest."""

    priority: int
    rule: str
    enforcement: Literal["hard", "soft"] = "hard"
    scope: Literal["all", "self", "operator"] = "all"


class ManifestFiles(_Frozen):
    """``files.*`` and ``examples.*``: package-relative paths of the known files (defaults filled in)."""

    soul: str = "SOUL.md"
    identity: str = "IDENTITY.md"
    agents: str = "AGENTS.md"
    style: str = "STYLE.md"
    heartbeat: str = "HEARTBEAT.md"
    user_template: str = "USER_TEMPLATE.md"
    avatar: str | None = None
    """A package path or an ``https://`` URL."""
    avatar_alt: str | None = None
    good_examples: str = "examples/good-outputs.md"
    bad_examples: str = "examples/bad-outputs.md"
    declared: tuple[str, ...] = ()
    """Which of the fields above soul.json set explicitly (``"soul"``, ``"good_examples"``, …)."""


class Manifest(_Frozen):
    """``soul.json`` parsed and type-checked. Missing strings are ``""``; ``raw`` keeps the parsed JSON."""

    path: str = "soul.json"
    """The manifest file: ``soul.json``, or the legacy ``clawsoul.json``."""
    spec_version: str
    """``major.minor`` of the Soul Spec version (inferred when absent, see ``spec_version_inferred``)."""
    spec_version_inferred: bool = False
    name: str = ""
    display_name: str = ""
    version: str = ""
    description: str = ""
    author: Author | None = None
    license: str | None = None
    tags: tuple[str, ...] = ()
    category: str | None = None
    type: Literal["persona", "pack"] = "persona"
    files: ManifestFiles = Field(default_factory=ManifestFiles)
    recommended_skills: tuple[SkillRef, ...] = ()
    safety_laws: tuple[SafetyLaw, ...] = ()
    """Sorted by priority, highest (0) first."""
    disclosure_summary: str | None = None
    deprecated: bool = False
    superseded_by: str | None = None
    repository: str | None = None
    rules: dict[str, Any] | None = None
    """The schema-free v0.6 ``rules`` object, as written."""
    raw: dict[str, Any] = Field(default_factory=dict)
