"""Section-level differences between two versions of a persona, with a severity for each change.

``diff_souls(old, new)`` compares files (added / removed), markdown sections (added / removed /
changed, matched by their heading path), ``soul.json`` fields and the structured rules. Weakening a
persona's guard rails is **high** severity: a removed boundary, "must never" rule, prohibited pattern,
declined topic or safety law; a removed or edited section named like Boundaries / Rules / Safety / Limits;
or any removed line that says never / must not / forbidden / prohibited (in English, Korean or Japanese).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict

if TYPE_CHECKING:
    from soulkeeper.spec import Soul
    from soulkeeper.spec.model import Section, SoulFile

__all__ = ["Change", "ChangeKind", "ChangeOp", "DiffSeverity", "SoulDiff", "diff_souls"]

DiffSeverity = Literal["low", "medium", "high"]
ChangeKind = Literal["file", "section", "manifest", "rules"]
ChangeOp = Literal["added", "removed", "changed"]

_RANK: dict[str, int] = {"low": 0, "medium": 1, "high": 2}

_GUARD_HEADING = re.compile(
    r"\b(boundar(?:y|ies)|rules?|safety|limits?|limitations?|constraints?|prohibit\w*|forbidden|"
    r"must\s+never|never|don'?ts|red\s+lines?|escalation|guard\s*rails?)\b|경계|규칙|금지|안전|禁止|ルール|安全|境界",
    re.IGNORECASE,
)
_GUARD_LINE = re.compile(
    r"\b(never|must\s+not|mustn'?t|shall\s+not|may\s+not|forbidden|prohibited|not\s+allowed|safety|"
    r"boundar(?:y|ies))\b|절대|금지|하지\s*마|안\s*됩니다|禁止|絶対|してはいけない|してはならない",
    re.IGNORECASE,
)
# Roles whose removal takes the persona's core or its rules away.
_CORE_ROLES = frozenset({"soul", "identity", "rules", "rules_file", "agents"})
# soul.json subtrees compared elsewhere (the rules diff) or carrying no persona meaning.
_MANIFEST_SKIP = ("rules",)


class Change(BaseModel):
    """One difference between the old and the new persona."""

    model_config = ConfigDict(frozen=True)

    kind: ChangeKind
    op: ChangeOp
    severity: DiffSeverity
    path: str
    """File path (``file`` / ``section``) or dotted field (``manifest`` / ``rules``)."""
    heading: str | None = None
    """Heading path of a section, e.g. ``"Tone > Formality"``; ``"(preamble)"`` before the first heading."""
    message: str
    removed_lines: tuple[str, ...] = ()
    added_lines: tuple[str, ...] = ()
    old: Any = None
    """Old value (``manifest`` / ``rules``), JSON-compatible."""
    new: Any = None

    def __str__(self) -> str:
        where = self.path + (f" § {self.heading}" if self.heading else "")
        return f"[{self.severity}] {self.op} {where}: {self.message}"


class SoulDiff(BaseModel):
    """Every change from one persona version to another."""

    model_config = ConfigDict(frozen=True)

    old_name: str
    new_name: str
    old_version: str
    new_version: str
    old_digest: str
    new_digest: str
    changes: tuple[Change, ...]

    @property
    def identical(self) -> bool:
        """Whether the two packages have the same digest."""
        return self.old_digest == self.new_digest

    @property
    def high(self) -> tuple[Change, ...]:
        """The high-severity changes (weakened guard rails)."""
        return tuple(c for c in self.changes if c.severity == "high")

    @property
    def max_severity(self) -> DiffSeverity | None:
        """The worst severity among the changes, ``None`` when there is none."""
        if not self.changes:
            return None
        return max((c.severity for c in self.changes), key=_RANK.__getitem__)

    def at_least(self, severity: DiffSeverity) -> tuple[Change, ...]:
        """The changes of ``severity`` or worse."""
        return tuple(c for c in self.changes if _RANK[c.severity] >= _RANK[severity])

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (what ``soulkeeper diff --json`` prints)."""
        return {
            "old": {"name": self.old_name, "version": self.old_version, "digest": self.old_digest},
            "new": {"name": self.new_name, "version": self.new_version, "digest": self.new_digest},
            "identical": self.identical,
            "max_severity": self.max_severity,
            "counts": {s: sum(c.severity == s for c in self.changes) for s in ("high", "medium", "low")},
            "changes": [c.model_dump(mode="json") for c in self.changes],
        }


def diff_souls(old: Soul, new: Soul) -> SoulDiff:
    """Compare two personas section by section; see the module docstring for the severities."""
    changes = [
        *_diff_files(old.files, new.files),
        *_diff_manifest(old.manifest.raw, new.manifest.raw),
        *_diff_rules(old.rules.model_dump(mode="json"), new.rules.model_dump(mode="json")),
    ]
    if old.digest != new.digest and old.version == new.version and old.version:
        changes.append(
            Change(
                kind="manifest",
                op="changed",
                severity="low",
                path="version",
                message=f"content changed but version {old.version} was not bumped",
                old=old.version,
                new=new.version,
            )
        )
    return SoulDiff(
        old_name=old.name,
        new_name=new.name,
        old_version=old.version,
        new_version=new.version,
        old_digest=old.digest,
        new_digest=new.digest,
        changes=tuple(changes),
    )


# ------------------------------------------------------------------ files and sections


def _lines(text: str) -> list[str]:
    return [" ".join(line.split()) for line in text.split("\n") if line.strip()]


def _guard_lines(lines: Sequence[str]) -> list[str]:
    return [line for line in lines if _GUARD_LINE.search(line)]


def _keyed_sections(file: SoulFile) -> dict[str, Section | None]:
    """Sections by heading path (``"A > B"``); a file without sections is one ``(whole file)`` entry.

    The file's first level-1 heading is its title (usually the persona's name): it is keyed
    ``(title)`` and left out of the paths below it, so renaming the persona does not turn every
    section into a removed one.
    """
    if not file.sections:
        return {"(whole file)": None}
    keyed: dict[str, Section | None] = {}
    stack: list[tuple[int, str]] = []
    title_seen = False
    for section in file.sections:
        if section.level == 0:
            key = "(preamble)"
        elif section.level == 1 and not title_seen:
            title_seen = True
            key = "(title)"
        else:
            while stack and stack[-1][0] >= section.level:
                stack.pop()
            stack.append((section.level, section.heading or "(untitled)"))
            key = " > ".join(heading for _, heading in stack)
        unique, n = key, 1
        while unique in keyed:
            n += 1
            unique = f"{key} [{n}]"
        keyed[unique] = section
    return keyed


def _section_text(file: SoulFile, section: Section | None) -> str:
    return file.text if section is None else section.text


def _diff_files(old: Mapping[str, SoulFile], new: Mapping[str, SoulFile]) -> Iterator[Change]:
    for path in sorted(old.keys() | new.keys()):
        before, after = old.get(path), new.get(path)
        either = after if after is not None else before
        role = either.role if either is not None else "other"
        if role == "manifest" or (role == "rules_file" and before is not None and after is not None):
            continue  # compared field by field below
        if before is None and after is not None:
            yield Change(kind="file", op="added", severity="low", path=path, message=f"new {role} file")
        elif after is None and before is not None:
            guards = _guard_lines(_lines(before.text))
            headings = [s.heading for s in before.sections if _GUARD_HEADING.search(s.heading)]
            high = bool(guards or headings) or before.role in _CORE_ROLES
            why = f"; it held {len(guards)} never/must-not line(s)" if guards else ""
            yield Change(
                kind="file",
                op="removed",
                severity="high" if high else "medium",
                path=path,
                message=f"{before.role} file removed{why}",
                removed_lines=tuple(guards),
            )
        elif before is not None and after is not None and before.text != after.text:
            yield from _diff_sections(path, before, after)


def _diff_sections(path: str, old: SoulFile, new: SoulFile) -> Iterator[Change]:
    old_keyed, new_keyed = _keyed_sections(old), _keyed_sections(new)
    for key in old_keyed:
        old_lines = _lines(_section_text(old, old_keyed[key]))
        guarded_heading = bool(_GUARD_HEADING.search(key))
        if key not in new_keyed:
            guards = _guard_lines(old_lines)
            yield Change(
                kind="section",
                op="removed",
                severity="high" if guarded_heading or guards else "medium",
                path=path,
                heading=key,
                message="guard-rail section removed" if guarded_heading or guards else "section removed",
                removed_lines=tuple(old_lines),
            )
            continue
        new_lines = _lines(_section_text(new, new_keyed[key]))
        removed = list((Counter(old_lines) - Counter(new_lines)).elements())
        added = list((Counter(new_lines) - Counter(old_lines)).elements())
        if not removed and not added:
            continue
        guards = _guard_lines(removed)
        if guards or (guarded_heading and removed):
            severity: DiffSeverity = "high"
            message = "never/must-not line removed" if guards else "lines removed from a guard-rail section"
        else:
            ratio = (len(removed) + len(added)) / max(1, len(old_lines) + len(new_lines))
            severity = "medium" if ratio > 0.5 else "low"
            message = f"section rewritten ({ratio:.0%} of lines differ)" if ratio > 0.5 else "section edited"
        yield Change(
            kind="section",
            op="changed",
            severity=severity,
            path=path,
            heading=key,
            message=message,
            removed_lines=tuple(removed),
            added_lines=tuple(added),
        )
    for key in new_keyed:
        if key not in old_keyed:
            yield Change(
                kind="section",
                op="added",
                severity="low",
                path=path,
                heading=key,
                message="section added",
                added_lines=tuple(_lines(_section_text(new, new_keyed[key]))),
            )


# ------------------------------------------------------------------ soul.json


def _flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(value, Mapping) and (value or not prefix):
        flat: dict[str, Any] = {}
        for key, item in value.items():
            flat.update(_flatten(item, f"{prefix}.{key}" if prefix else str(key)))
        return flat
    return {prefix: value}


def _manifest_severity(field: str, op: ChangeOp) -> DiffSeverity:
    if field.startswith("safety"):
        return "low" if op == "added" else "high"
    if field.startswith(("files.", "name", "type", "deprecated", "supersededBy", "specVersion")):
        return "medium"
    return "low"


def _diff_manifest(old: Mapping[str, Any], new: Mapping[str, Any]) -> Iterator[Change]:
    old_flat = {k: v for k, v in _flatten(old).items() if not k.startswith(_MANIFEST_SKIP)}
    new_flat = {k: v for k, v in _flatten(new).items() if not k.startswith(_MANIFEST_SKIP)}
    for field in sorted(old_flat.keys() | new_flat.keys()):
        if field == "safety.laws":
            yield from _diff_items(
                "manifest", field, old_flat.get(field) or [], new_flat.get(field) or [], "high"
            )
            continue
        before, after = old_flat.get(field, _MISSING), new_flat.get(field, _MISSING)
        if before == after:
            continue
        op: ChangeOp = "added" if before is _MISSING else "removed" if after is _MISSING else "changed"
        yield Change(
            kind="manifest",
            op=op,
            severity=_manifest_severity(field, op),
            path=field,
            message=f"soul.json field {op}",
            old=None if before is _MISSING else before,
            new=None if after is _MISSING else after,
        )


_MISSING: Any = object()


# ------------------------------------------------------------------ structured rules

# rule field -> severity when an item is removed or a restriction is switched off
_RULE_REMOVAL: dict[str, DiffSeverity] = {
    "boundaries.must_never": "high",
    "boundaries.declined_topics": "high",
    "safety_laws": "high",
    "voice.prohibited": "high",
    "boundaries.must_always": "medium",
    "boundaries.escalation": "medium",
}


def _removal_severity(field: str) -> DiffSeverity:
    for prefix, severity in _RULE_REMOVAL.items():
        if field == prefix or field.startswith(prefix + "."):
            return severity
    return "medium"


def _diff_rules(old: Mapping[str, Any], new: Mapping[str, Any]) -> Iterator[Change]:
    old_flat = {k: v for k, v in _flatten(old).items() if k != "sources"}
    new_flat = {k: v for k, v in _flatten(new).items() if k != "sources"}
    for field in sorted(old_flat.keys() | new_flat.keys()):
        before, after = old_flat.get(field), new_flat.get(field)
        if before == after:
            continue
        if isinstance(before, list) or isinstance(after, list):
            yield from _diff_items("rules", field, before or [], after or [], _removal_severity(field))
            continue
        weakened = before not in (None, False) and after in (None, False)
        severity = _removal_severity(field) if weakened else "low" if before in (None, False) else "medium"
        op: ChangeOp = (
            "removed" if after in (None, False) else "added" if before in (None, False) else "changed"
        )
        yield Change(
            kind="rules",
            op=op,
            severity=severity,
            path=field,
            message=f"rule {'switched off' if weakened else op}",
            old=before,
            new=after,
        )


def _item_key(item: Any) -> str:
    if isinstance(item, Mapping):
        for key in ("name", "rule", "id"):
            if key in item:
                return str(item[key])
    return repr(item) if not isinstance(item, str) else item


def _diff_items(
    kind: ChangeKind, field: str, old: Sequence[Any], new: Sequence[Any], removal: DiffSeverity
) -> Iterator[Change]:
    old_items = {_item_key(i): i for i in old}
    new_items = {_item_key(i): i for i in new}
    for key, item in old_items.items():
        if key not in new_items:
            yield Change(
                kind=kind, op="removed", severity=removal, path=field, message=f"removed: {key}", old=item
            )
        elif new_items[key] != item:
            severity: DiffSeverity = "high" if removal == "high" else "medium"
            yield Change(
                kind=kind,
                op="changed",
                severity=severity,
                path=field,
                message=f"changed: {key}",
                old=item,
                new=new_items[key],
            )
    for key, item in new_items.items():
        if key not in old_items:
            yield Change(kind=kind, op="added", severity="low", path=field, message=f"added: {key}", new=item)
