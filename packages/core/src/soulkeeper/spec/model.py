"""The loaded persona: files split into heading sections, plus findings.

These are the data types every other module relies on; loading lives in :mod:`soulkeeper.spec._load`.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

__all__ = ["FileRole", "Finding", "Section", "Severity", "SoulFile"]

Severity = Literal["error", "warning", "info"]

FileRole = Literal[
    "manifest",  # soul.json / clawsoul.json
    "identity",  # IDENTITY.md
    "soul",  # SOUL.md
    "agents",  # AGENTS.md
    "style",  # STYLE.md
    "rules",  # RULES.md
    "rules_file",  # rules.yaml (structured rules)
    "heartbeat",  # HEARTBEAT.md
    "user_template",  # USER_TEMPLATE.md
    "readme",  # README.md
    "good_examples",  # examples/good-outputs.md
    "bad_examples",  # examples/bad-outputs.md
    "other",  # any other file of the package (covered by the digest, not packed by default)
]


class Finding(BaseModel):
    """One validation result: what is wrong, where, and how bad."""

    model_config = ConfigDict(frozen=True)

    code: str
    """Stable identifier, e.g. ``SK101``; documented in docs/validation.md."""
    severity: Severity
    message: str
    file: str | None = None
    line: int | None = None

    def __str__(self) -> str:
        where = self.file or ""
        if self.file and self.line is not None:
            where += f":{self.line}"
        return f"{where}: {self.severity} {self.code} {self.message}" if where else self.message


class Section(BaseModel):
    """A markdown heading section (or the preamble before the first heading)."""

    model_config = ConfigDict(frozen=True)

    file: str
    """Package-relative path of the file the section belongs to."""
    heading: str
    """Heading text without the ``#`` marks; ``""`` for the preamble."""
    level: int
    """Heading level 1–6; 0 for the preamble."""
    line: int
    """1-based line of the heading (or of the preamble's first line)."""
    text: str
    """The section's full text including its heading line, normalised (LF, no BOM), no trailing newline."""


class SoulFile(BaseModel):
    """One text file of the package, normalised and split into sections (markdown only)."""

    model_config = ConfigDict(frozen=True)

    path: str
    """Package-relative POSIX path."""
    role: FileRole
    text: str
    """Normalised text: UTF-8 decoded, BOM removed, CRLF/CR turned into LF."""
    sections: tuple[Section, ...] = ()
