"""Turning a selection into per-file and per-section entries and one user-facing sentence."""

from __future__ import annotations

from soulkeeper.pack._plan import Fixed, Plan
from soulkeeper.pack._select import Selection, heading_label, unit_status
from soulkeeper.pack._types import HARD_RULES_PATH, PackEntry, Status

__all__ = ["build_entries", "fallback_entries", "left_out_summary", "message_for"]

_CARRIED = "in the hard-rules digest (tier 1)"


def _fixed_entries(fixed: Fixed, status: Status, *, note: str = "") -> list[PackEntry]:
    kept = fixed.tokens if status == "included" else 0
    entries = [PackEntry(fixed.path, None, fixed.tier, status, fixed.tokens, kept, note=note)]
    for heading, tokens in fixed.sections:
        entries.append(PackEntry(fixed.path, heading, fixed.tier, status, tokens, tokens if kept else 0))
    return entries


def build_entries(plan: Plan, selection: Selection) -> tuple[PackEntry, ...]:
    """Entries in output order: each file, then its sections."""
    entries: list[PackEntry] = []
    for slot in plan.slots:
        if isinstance(slot, Fixed):
            entries.extend(_fixed_entries(slot, "included"))
            continue
        pf = plan.files[slot]
        sections: list[PackEntry] = []
        kept_tokens = 0
        statuses: set[Status] = set()
        for unit in pf.units:
            status = unit_status(unit, selection)
            statuses.add(status)
            kept = unit.tokens if status == "included" else 0
            if status == "truncated" and selection.cut is not None:
                kept = selection.cut.tokens
            kept_tokens += kept
            sections.append(
                PackEntry(pf.path, unit.heading, pf.tier, status, unit.tokens, kept, rank=unit.rank)
            )
        for heading, tokens in pf.carried:
            sections.append(PackEntry(pf.path, heading, 1, "included", tokens, 0, note=_CARRIED))
        file_status: Status
        if statuses == {"included"}:
            file_status = "included"
        elif statuses == {"dropped"}:
            file_status = "dropped"
        else:
            file_status = "truncated"
        entries.append(PackEntry(pf.path, None, pf.tier, file_status, pf.tokens, kept_tokens))
        entries.extend(sections)
    return tuple(entries)


def fallback_entries(plan: Plan, line_entry: PackEntry) -> tuple[PackEntry, ...]:
    """Entries when tier 1 did not fit: the one-line identity, everything else dropped."""
    entries: list[PackEntry] = [line_entry]
    for slot in plan.slots:
        if isinstance(slot, Fixed):
            entries.extend(_fixed_entries(slot, "dropped", note="tier 1 did not fit the budget"))
            continue
        pf = plan.files[slot]
        entries.append(PackEntry(pf.path, None, pf.tier, "dropped", pf.tokens, 0))
        entries.extend(
            PackEntry(pf.path, u.heading, pf.tier, "dropped", u.tokens, 0, rank=u.rank) for u in pf.units
        )
    return tuple(entries)


def _and(items: list[str]) -> str:
    if len(items) <= 2:
        return " and ".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _groups(items: list[str]) -> str:
    """Join phrases that may contain "and" themselves, with a serial comma when they do."""
    if len(items) > 1 and any(" and " in item for item in items):
        return ", ".join(items[:-1]) + ", and " + items[-1]
    return _and(items)


def _sections_phrase(path: str, headings: list[str]) -> str:
    quoted = [f"'{heading_label(h)}'" for h in headings]
    if len(quoted) > 3:
        quoted = [*quoted[:3], f"{len(quoted) - 3} more"]
    noun = "section" if len(headings) == 1 else "sections"
    return f"{path} {noun} {_and(quoted)}"


def left_out_summary(entries: tuple[PackEntry, ...]) -> tuple[tuple[str, ...], list[str], list[str]]:
    """(labels of what was left out or cut, phrases for left-out files/sections, phrases for cuts)."""
    labels: list[str] = []
    left: list[str] = []
    cuts: list[str] = []
    files = [e for e in entries if e.heading is None]
    for file_entry in files:
        if file_entry.path == HARD_RULES_PATH or file_entry.status == "included":
            continue
        if file_entry.status == "dropped":
            labels.append(file_entry.path)
            left.append(file_entry.path)
            continue
        sections = [e for e in entries if e.path == file_entry.path and e.heading is not None and not e.note]
        dropped = [e.heading or "" for e in sections if e.status == "dropped"]
        for section in sections:
            if section.status == "dropped":
                labels.append(section.label)
            elif section.status == "truncated":
                labels.append(f"{section.label} (cut short)")
                cuts.append(_sections_phrase(file_entry.path, [section.heading or ""]))
        if dropped:
            left.append(_sections_phrase(file_entry.path, dropped))
    return tuple(labels), left, cuts


def message_for(left: list[str], cuts: list[str]) -> str:
    """``"Persona exceeds this model's budget: SOUL.md sections 'Stories' and README.md were left out"``."""
    if not left and not cuts:
        return ""
    parts: list[str] = []
    if left:
        shown = left if len(left) <= 5 else [*left[:4], f"{len(left) - 4} more files"]
        verb = "was" if len(left) == 1 and " sections " not in left[0] else "were"
        parts.append(f"{_groups(shown)} {verb} left out")
    if cuts:
        parts.append(f"{_groups(cuts)} {'was' if len(cuts) == 1 else 'were'} cut short")
    return "Persona exceeds this model's budget: " + "; ".join(parts)
