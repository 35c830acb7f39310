"""Preparation: a soul split into tiers, files and prioritised sections, each counted once.

A :class:`Plan` depends on the soul's content, the tiers, the priorities and the tokenizer,
never on the budget, so it is cached and reused when the same soul is packed for another budget.
"""

from __future__ import annotations

import fnmatch
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, get_args

from soulkeeper.pack._digest import identity_line, rules_digest
from soulkeeper.pack._priority import ANECDOTES, classify_sections
from soulkeeper.pack._types import HARD_RULES_PATH, IDENTITY_LINE_PATH, Tier
from soulkeeper.spec.model import FileRole

__all__ = ["DEMOTED_CLASS", "JOINER", "Fixed", "Plan", "PlanFile", "Unit", "prepare"]

JOINER = "\n\n"
"""What separates every two pieces of the packed text."""
DEMOTED_CLASS = ANECDOTES
"""Sections of this class or higher (stories, anecdotes, hobbies) are decided one tier later than their
file: SOUL.md's stories come after STYLE.md and AGENTS.md, before README.md."""

_ROLES = frozenset(get_args(FileRole))
# the order files appear in within a tier of the packed text (the order a reader expects)
_NATURAL = (
    "identity",
    "soul",
    "rules",
    "style",
    "agents",
    "good_examples",
    "bad_examples",
    "readme",
    "heartbeat",
)
_OUTPUT_ORDER = {role: i for i, role in enumerate(_NATURAL)}
# workspace and runtime files of the Soul Spec tooling: never persona content
_NOT_OTHER = ("USER.md", "MEMORY.md", "TOOLS.md", "BOOTSTRAP.md", "memory/*", "hooks/*")


@dataclass(frozen=True, slots=True)
class Unit:
    """One markdown section of a file of a tier the budget applies to."""

    rank: int
    """Position in the order the packer considers sections: stage, own tier first, the tier's file
    order, class, position."""
    tier: int
    stage: int
    """The tier whose turn decides this section: its file's tier, one later for stories (class 5)."""
    file: int
    """Index into :attr:`Plan.files`."""
    pos: int
    heading: str
    text: str
    tokens: int
    pclass: int


@dataclass(frozen=True, slots=True)
class PlanFile:
    """A file of a tier the budget applies to: its sections in document order."""

    path: str
    tier: int
    units: tuple[Unit, ...]
    tokens: int
    """Tokens of the whole file as packed: its sections' counts plus the joiners between them."""
    carried: tuple[tuple[str, int], ...] = ()
    """(heading, tokens) of sections left to the hard-rules digest (RULES.md "Must Never")."""


@dataclass(frozen=True, slots=True)
class Fixed:
    """A budget-immune piece: a whole file of an immune tier, the identity line or the digest."""

    path: str
    tier: int
    text: str
    tokens: int
    sections: tuple[tuple[str, int], ...] = ()
    """(heading, tokens) of the file's sections, for the report."""


@dataclass(slots=True)
class Plan:
    """Everything :func:`soulkeeper.pack.pack` needs that does not depend on the budget."""

    slots: tuple[Fixed | int, ...]
    """Output order: fixed pieces and indexes into :attr:`files`."""
    files: tuple[PlanFile, ...]
    units: tuple[Unit, ...]
    """Every unit, in rank order."""
    stages: tuple[int, ...]
    """Stages (see :attr:`Unit.stage`) that have sections, in order."""
    joiner_tokens: int
    count: Callable[[str], int]
    display_name: str
    rules: Any
    _memo: dict[str, int] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def count_memo(self, text: str) -> int:
        """Count a (short, repeated) text such as a marker once per plan."""
        found = self._memo.get(text)
        if found is None:
            found = self.count(text)
            with self._lock:
                if len(self._memo) > 4096:
                    self._memo.clear()
                self._memo[text] = found
        return found

    @property
    def fixed(self) -> tuple[Fixed, ...]:
        """The budget-immune pieces in output order."""
        return tuple(s for s in self.slots if isinstance(s, Fixed))


def _matches(item: str, path: str, role: str) -> bool:
    if item in _ROLES:
        if item == "other":
            return (
                role == "other"
                and path.endswith(".md")
                and not any(fnmatch.fnmatchcase(path, p) for p in _NOT_OTHER)
            )
        return role == item
    return fnmatch.fnmatchcase(path, item)


def _assign(files: Mapping[str, Any], tiers: Sequence[Tier]) -> list[list[Any]]:
    taken: set[str] = set()
    out: list[list[Any]] = []
    for tier in tiers:
        chosen: list[Any] = []
        for item in tier.include:
            for path in sorted(files):
                soul_file = files[path]
                if path not in taken and _matches(item, path, soul_file.role):
                    taken.add(path)
                    chosen.append(soul_file)
        out.append(chosen)
    return out


def _sections(
    soul_file: Any, priorities: Mapping[str, int], carry: bool
) -> list[tuple[str, int, str, int, bool]]:
    """(heading, level, text, class, carried) per section, classified on the file's own headings.

    A bare heading (a title, or ``## Stories`` right before its ``###`` sub-sections) is merged into the
    section after it, so it is never packed on its own.
    """
    raw = [(s.heading, s.level, s.text.strip("\n")) for s in soul_file.sections if s.text.strip()]
    if not raw:
        text = soul_file.text.strip()
        return [("", 0, text, 0, False)] if text else []
    classes = classify_sections(((h, lvl) for h, lvl, _ in raw), priorities)
    carried = _carried(raw) if carry else [False] * len(raw)
    out: list[tuple[str, int, str, int, bool]] = []
    pending = ""
    for (heading, level, text), cls, flag in zip(raw, classes, carried, strict=True):
        if pending:
            text = f"{pending}\n\n{text}"
            pending = ""
        if heading and "\n" not in text.strip() and not flag:
            pending = text
            continue
        out.append((heading, level, text, cls, flag))
    if pending:
        heading, level, _ = raw[-1]
        out.append((heading, level, pending, classes[-1], False))
    return out


def _carried(sections: Sequence[tuple[str, int, str]]) -> list[bool]:
    """RULES.md "Must Never" sections (and their sub-sections): the digest already carries them."""
    flags: list[bool] = []
    inside: int | None = None
    for heading, level, _ in sections:
        if inside is not None and level > inside:
            flags.append(True)
            continue
        inside = None
        if "must never" in heading.casefold():
            inside = level
            flags.append(True)
        else:
            flags.append(False)
    return flags


def prepare(
    soul: Any,
    *,
    tiers: Sequence[Tier],
    priorities: Mapping[str, int],
    count: Callable[[str], int],
) -> Plan:
    """Split ``soul`` into budget-immune pieces and prioritised, counted sections."""
    joiner_tokens = count(JOINER)
    rules = soul.rules
    digest = rules_digest(rules)
    assigned = _assign(soul.files, tiers)
    has_identity = any(f.role == "identity" for group in assigned for f in group)
    digest_tier = next((i for i, t in enumerate(tiers) if t.rules_digest), None)
    if digest_tier is None and not has_identity:
        digest_tier = next((i for i, t in enumerate(tiers) if t.immune), None)
    carry = bool(digest) and digest_tier is not None and bool(rules.boundaries.must_never)

    slots: list[Fixed | int] = []
    files: list[PlanFile] = []
    # tier, file (in the order the tier lists it), class, position, heading, text, tokens
    pending: list[tuple[int, int, int, int, str, str, int]] = []
    for index, (tier, group) in enumerate(zip(tiers, assigned, strict=True)):
        number = index + 1
        tier_slots: list[tuple[tuple[int, str], Fixed | int]] = []
        for soul_file in group:
            sections = _sections(soul_file, priorities, carry and soul_file.role == "rules")
            if not sections:
                continue
            order = (_OUTPUT_ORDER.get(soul_file.role, len(_OUTPUT_ORDER)), soul_file.path)
            if tier.immune:
                counted = tuple((heading, count(text)) for heading, _, text, _, _ in sections)
                text = JOINER.join(text for _, _, text, _, _ in sections)
                tokens = sum(n for _, n in counted) + joiner_tokens * (len(counted) - 1)
                tier_slots.append((order, Fixed(soul_file.path, number, text, tokens, counted)))
                continue
            file_index = len(files)
            carried: list[tuple[str, int]] = []
            kept_tokens: list[int] = []
            for pos, (heading, _, text, cls, flag) in enumerate(sections):
                tokens = count(text)
                if flag:
                    carried.append((heading, tokens))
                    continue
                pending.append((number, file_index, cls, pos, heading, text, tokens))
                kept_tokens.append(tokens)
            whole = sum(kept_tokens) + joiner_tokens * max(len(kept_tokens) - 1, 0)
            files.append(PlanFile(soul_file.path, number, (), whole, tuple(carried)))
            tier_slots.append((order, file_index))
        if index == digest_tier and not has_identity:
            line = identity_line(soul.display_name, rules)
            slots.append(Fixed(IDENTITY_LINE_PATH, number, line, count(line)))
        slots.extend(slot for _, slot in sorted(tier_slots, key=lambda item: item[0]))
        if index == digest_tier and digest:
            slots.append(Fixed(HARD_RULES_PATH, number, digest, count(digest)))

    used = sorted({p[1] for p in pending})
    remap = {old: new for new, old in enumerate(used)}

    def stage(tier: int, cls: int) -> int:
        return tier + 1 if cls >= DEMOTED_CLASS else tier

    pending.sort(key=lambda p: (stage(p[0], p[2]), stage(p[0], p[2]) != p[0], p[1], p[2], p[3]))
    units = tuple(
        Unit(rank, tier, stage(tier, cls), remap[file], pos, heading, text, tokens, cls)
        for rank, (tier, file, cls, pos, heading, text, tokens) in enumerate(pending)
    )
    files = [
        PlanFile(
            files[old].path,
            files[old].tier,
            tuple(sorted((u for u in units if u.file == new), key=lambda u: u.pos)),
            files[old].tokens,
            files[old].carried,
        )
        for new, old in enumerate(used)
    ]
    final_slots = tuple(
        remap[s] if isinstance(s, int) else s for s in slots if not isinstance(s, int) or s in remap
    )
    return Plan(
        slots=final_slots,
        files=tuple(files),
        units=units,
        stages=tuple(sorted({u.stage for u in units})),
        joiner_tokens=joiner_tokens,
        count=count,
        display_name=soul.display_name,
        rules=rules,
    )
