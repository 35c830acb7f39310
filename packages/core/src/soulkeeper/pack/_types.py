"""The packer's value types: reserves, tiers, entries and the result."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = [
    "DEFAULT_TIERS",
    "HARD_RULES_PATH",
    "IDENTITY_LINE_PATH",
    "PackEntry",
    "PackResult",
    "Reserve",
    "Tier",
]

Status = Literal["included", "truncated", "dropped"]

HARD_RULES_PATH = "<hard rules>"
"""Entry path of the tier-1 digest of the hard rules rendered from ``soul.rules``."""
IDENTITY_LINE_PATH = "<identity line>"
"""Entry path of the one-line identity (a package without IDENTITY.md, or the ``fallback=True`` case)."""


@dataclass(frozen=True, slots=True)
class Reserve:
    """Tokens of the context window kept free for other things than the persona.

    :param system: the app's own system text and the model's template overhead.
    :param history: the conversation so far.
    :param generation: the model's answer.
    """

    system: int = 512
    history: int = 512
    generation: int = 512

    def __post_init__(self) -> None:
        for name in ("system", "history", "generation"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError(f"Reserve.{name} must be an int >= 0, not {value!r}")

    @property
    def total(self) -> int:
        """The three reserves added up."""
        return self.system + self.history + self.generation


@dataclass(frozen=True, slots=True)
class Tier:
    """A group of persona files packed with the same precedence.

    :param name: a label for reports (``"identity"``, ``"soul"``, …).
    :param include: which files belong here, in the order they are packed (tried whole first, then
        section by section; the packed text still shows them in the package's natural order): file roles (``"identity"``, ``"soul"``, ``"rules"``,
        ``"style"``, ``"agents"``, ``"good_examples"``, ``"bad_examples"``, ``"readme"``,
        ``"heartbeat"``, ``"other"`` = the package's other markdown files except workspace and runtime
        files) or glob patterns on the package-relative path (``"skills/*/SKILL.md"``). A file goes to
        the first tier that claims it; files no tier claims are not packed.
    :param immune: budget-immune: packed whole or the call fails (tier 1).
    :param rules_digest: append the digest of the hard rules (must-never rules, prohibited words and
        patterns, declined topics, safety laws) to this tier.
    """

    name: str
    include: tuple[str, ...]
    immune: bool = False
    rules_digest: bool = False

    def __post_init__(self) -> None:
        value: object = self.include
        items = (value,) if isinstance(value, str) else tuple(self.include)
        if not items or not all(isinstance(item, str) and item for item in items):
            raise ValueError(f"Tier {self.name!r} needs a non-empty include of file roles or path globs")
        object.__setattr__(self, "include", items)


DEFAULT_TIERS: tuple[Tier, ...] = (
    Tier("identity", ("identity",), immune=True, rules_digest=True),
    Tier("soul", ("rules", "soul")),
    Tier("style", ("style", "agents", "good_examples", "bad_examples")),
    Tier("reference", ("readme", "heartbeat", "other")),
)
"""Tier 1 IDENTITY.md + hard rules (immune); 2 RULES.md then SOUL.md; 3 STYLE.md, AGENTS.md and the
output examples; 4 README.md, HEARTBEAT.md and the other markdown files."""


@dataclass(frozen=True, slots=True)
class PackEntry:
    """What happened to one file (``heading is None``) or one of its sections.

    :param path: package-relative path, or :data:`HARD_RULES_PATH` / :data:`IDENTITY_LINE_PATH`.
    :param heading: the section heading (``""`` for the text before the first heading); ``None`` for
        the entry that describes the whole file.
    :param tier: 1-based tier number.
    :param status: ``included`` whole, ``truncated`` (a section cut at a sentence boundary, or a file
        with some sections left out) or ``dropped``.
    :param tokens: tokens of the piece in full, counted on its own (for a file: its sections' counts
        plus the joiners between them).
    :param kept_tokens: tokens of what was packed of it (``0`` when dropped).
    :param rank: the order in which the packer considered this section (lower is kept first); ``None``
        for file entries and budget-immune pieces.
    :param note: why, when it is not obvious (``"in the hard-rules digest"``).
    """

    path: str
    heading: str | None
    tier: int
    status: Status
    tokens: int
    kept_tokens: int
    rank: int | None = None
    note: str = ""

    @property
    def label(self) -> str:
        """``"SOUL.md"`` for a file, ``"SOUL.md § Stories"`` for a section."""
        if self.heading is None:
            return self.path
        return f"{self.path} § {self.heading or '(intro)'}"

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "path": self.path,
            "heading": self.heading,
            "tier": self.tier,
            "status": self.status,
            "tokens": self.tokens,
            "kept_tokens": self.kept_tokens,
            "rank": self.rank,
            "note": self.note,
        }


@dataclass(frozen=True, slots=True)
class PackResult:
    """A packed persona and an account of what was kept.

    ``tokens`` is the count of :attr:`text` itself (markers and joiners included) with the tokenizer
    named in :attr:`tokenizer`; it never exceeds :attr:`budget`.
    """

    text: str
    tokens: int
    budget: int
    entries: tuple[PackEntry, ...]
    warnings: tuple[str, ...] = ()
    message: str = ""
    """One user-facing line when something was left out or cut short; ``""`` otherwise."""
    degraded: bool = False
    tokenizer: str = ""
    context_window: int | None = None
    fallback: bool = False
    """``True`` when tier 1 did not fit and a one-line identity was packed instead."""
    left_out: tuple[str, ...] = field(default=())
    """Labels of the files and sections left out or cut short, in document order."""

    @property
    def utilisation(self) -> float:
        """``tokens / budget`` (0.0 for a zero budget)."""
        return self.tokens / self.budget if self.budget > 0 else 0.0

    @property
    def files(self) -> tuple[PackEntry, ...]:
        """The per-file entries only."""
        return tuple(e for e in self.entries if e.heading is None)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (the ``--json`` output of ``soulkeeper pack``)."""
        return {
            "tokens": self.tokens,
            "budget": self.budget,
            "context_window": self.context_window,
            "utilisation": round(self.utilisation, 4),
            "tokenizer": self.tokenizer,
            "degraded": self.degraded,
            "fallback": self.fallback,
            "message": self.message,
            "warnings": list(self.warnings),
            "left_out": list(self.left_out),
            "entries": [e.to_dict() for e in self.entries],
            "text": self.text,
        }
