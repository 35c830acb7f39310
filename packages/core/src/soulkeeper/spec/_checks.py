"""Content and consistency checks run after a package is parsed (findings only, never errors)."""

from __future__ import annotations

import re

from soulkeeper.spec._findings import Issues
from soulkeeper.spec.manifest import Manifest
from soulkeeper.spec.model import SoulFile
from soulkeeper.spec.rules import Rules

__all__ = ["check_content"]

PROTECTED = ("USER.md", "MEMORY.md", "TOOLS.md")
_SOUL_SECTIONS = ("personality", "tone", "principles", "boundaries")


def _norm(name: str) -> str:
    return re.sub(r"[\W_]", "", name.casefold())


def check_content(
    files: dict[str, SoulFile], roles: dict[str, str], manifest: Manifest, rules: Rules, issues: Issues
) -> None:
    """Record findings about the markdown content and its consistency with the manifest."""
    for path, file in files.items():
        if path.endswith(".md") and not file.text.strip():
            issues.add("SK206", "file is empty", file=path)
    for name in PROTECTED:
        if name in files:
            issues.add(
                "SK205",
                f"{name} is a protected workspace file; a persona package must not ship it",
                file=name,
            )
    soul = files[roles["soul"]]
    headings = {s.heading.casefold() for s in soul.sections if s.level >= 2}
    missing = [name for name in _SOUL_SECTIONS if not any(name in heading for heading in headings)]
    if missing:
        listed = ", ".join(f"## {name.title()}" for name in missing)
        issues.add(
            "SK401",
            f"SOUL.md has no {listed} section (conventional sections)",
            lenient="info",
            strict="warning",
            file=soul.path,
        )
    if "identity" not in roles:
        issues.add(
            "SK202",
            "no IDENTITY.md; the persona's name and vibe are best stated there",
            lenient="info",
            strict="info",
            file="IDENTITY.md",
        )
    identity_name = rules.identity.name
    names = {_norm(manifest.display_name), _norm(manifest.name)} - {""}
    candidates = {_norm(n) for n in (identity_name or "", *rules.identity.aliases)} - {""}
    if identity_name and names and not any(c in n or n in c for c in candidates for n in names):
        issues.add(
            "SK402",
            f"IDENTITY.md names the persona {identity_name!r} but soul.json says {manifest.display_name or manifest.name!r}",
            strict="warning",
            file=roles.get("identity"),
        )
    text = soul.text.casefold()
    for law in manifest.safety_laws:
        if law.enforcement == "hard" and law.rule.casefold() not in text:
            issues.add(
                "SK403",
                f"hard safety law {law.rule!r} is not restated in SOUL.md (Soul Spec dual declaration)",
                lenient="info",
                strict="warning",
                file=soul.path,
            )
