"""Turning a package's raw files into the parts of a :class:`~soulkeeper.spec.Soul`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from soulkeeper.errors import SpecError
from soulkeeper.spec._checks import check_content
from soulkeeper.spec._files import MANIFEST_NAMES, check_limits, clean_relpath, extension, is_ignored
from soulkeeper.spec._findings import Issue, Issues
from soulkeeper.spec._manifest import parse_manifest
from soulkeeper.spec._parse import parse_json, parse_yaml
from soulkeeper.spec._rules_load import RULES_FILE_NAMES, build_rules
from soulkeeper.spec._text import decode_text, split_sections
from soulkeeper.spec.limits import TEXT_EXTENSIONS, Limits
from soulkeeper.spec.manifest import Manifest
from soulkeeper.spec.model import FileRole, SoulFile
from soulkeeper.spec.rules import Rules

__all__ = ["Parts", "build_parts", "normalise_files"]

_FIXED_ROLES: dict[str, FileRole] = {"RULES.md": "rules", "README.md": "readme"}


@dataclass(frozen=True, slots=True)
class Parts:
    raw_files: dict[str, bytes]
    manifest: Manifest
    files: dict[str, SoulFile]
    rules: Rules
    issues: tuple[Issue, ...]


def normalise_files(files: Mapping[str, str | bytes]) -> dict[str, bytes]:
    """Clean in-memory paths, drop hidden entries and encode ``str`` values as UTF-8."""
    result: dict[str, bytes] = {}
    for key, value in files.items():
        if not isinstance(key, str):
            raise TypeError(f"file names must be str, got {type(key).__name__}")
        path = clean_relpath(key, origin="<in-memory package>")
        if is_ignored(path):
            continue
        if isinstance(value, str):
            data = value.encode("utf-8", errors="surrogatepass")
        elif isinstance(value, bytes | bytearray | memoryview):
            data = bytes(value)
        else:
            raise TypeError(f"file {path!r}: content must be str or bytes, got {type(value).__name__}")
        if path in result:
            raise SpecError(
                "given twice (the paths differ only by '.' or '//' segments or Unicode normalisation)",
                file=path,
            )
        result[path] = data
    return dict(sorted(result.items()))


def build_parts(raw_files: dict[str, bytes], *, limits: Limits, where: str | Path | None) -> Parts:
    """Decode, parse and check the files; raise :class:`SpecError` for anything unusable."""
    if not raw_files:
        raise SpecError("empty package: no files; add soul.json and SOUL.md", file=where)
    check_limits(raw_files, limits)
    issues = Issues()
    manifest_path = next((name for name in MANIFEST_NAMES if name in raw_files), None)
    if manifest_path is None:
        raise SpecError(
            "missing soul.json; every persona package needs one (soulkeeper init writes a template)",
            file=where,
        )
    texts: dict[str, str] = {}
    for path, data in raw_files.items():
        if extension(path) in TEXT_EXTENSIONS:
            texts[path] = decode_text(data, path)
            if data.startswith(b"\xef\xbb\xbf") or b"\r" in data:
                issues.add(
                    "SK204",
                    "byte-order mark or CR line endings normalised",
                    lenient="info",
                    strict="info",
                    file=path,
                )
    if manifest_path == "clawsoul.json":
        issues.add(
            "SK108", "clawsoul.json is the legacy manifest name; rename it soul.json", file=manifest_path
        )
    elif "clawsoul.json" in raw_files:
        issues.add(
            "SK108", "clawsoul.json is ignored because soul.json exists; remove it", file="clawsoul.json"
        )
    manifest = parse_manifest(texts[manifest_path], manifest_path, issues)
    for path, text in texts.items():
        if path == manifest_path:
            continue
        if path.endswith(".json"):
            parse_json(text, path)
        elif path.endswith((".yaml", ".yml")) and path not in RULES_FILE_NAMES:
            parse_yaml(text, path)
    roles = _assign_roles(raw_files, manifest, issues, where)
    files: dict[str, SoulFile] = {}
    for path, text in texts.items():
        role = roles.get(path, "other")
        sections = split_sections(path, text) if path.endswith(".md") else ()
        files[path] = SoulFile(path=path, role=role, text=text, sections=sections)
    by_role: dict[str, str] = {role: path for path, role in roles.items()}
    rules = build_rules(files, by_role, manifest, texts[manifest_path], issues)
    check_content(files, by_role, manifest, rules, issues)
    return Parts(raw_files=raw_files, manifest=manifest, files=files, rules=rules, issues=tuple(issues.items))


def _assign_roles(
    raw_files: Mapping[str, bytes], manifest: Manifest, issues: Issues, where: str | Path | None
) -> dict[str, FileRole]:
    roles: dict[str, FileRole] = {manifest.path: "manifest"}
    declared = set(manifest.files.declared)
    wanted: list[tuple[FileRole, str, str]] = [
        ("soul", manifest.files.soul, "soul"),
        ("identity", manifest.files.identity, "identity"),
        ("agents", manifest.files.agents, "agents"),
        ("style", manifest.files.style, "style"),
        ("heartbeat", manifest.files.heartbeat, "heartbeat"),
        ("user_template", manifest.files.user_template, "user_template"),
        ("good_examples", manifest.files.good_examples, "good_examples"),
        ("bad_examples", manifest.files.bad_examples, "bad_examples"),
        ("rules", "RULES.md", ""),
        ("readme", "README.md", ""),
    ]
    lowered = {path.casefold(): path for path in raw_files}
    for role, path, field in wanted:
        found = path if path in raw_files else None
        if found is None and path.casefold() in lowered:
            found = lowered[path.casefold()]
            issues.add(
                "SK201",
                f"found {found} where {path} was expected; rename it (file names are case-sensitive)",
                file=found,
            )
        if found is not None and found in roles:
            found = None
        if found is not None and extension(found) not in TEXT_EXTENSIONS:
            if role == "soul":
                raise SpecError(
                    f"{_field_label(field or role)} must name a markdown file, not {found}",
                    file=manifest.path,
                )
            issues.add("SK200", f"{found} is not a text file; ignored as the {role} file", file=manifest.path)
            continue
        if found is None:
            if role == "soul" and field in declared:
                raise SpecError(
                    f"files.soul points to {path}, which is not in the package; add it or fix files.soul",
                    file=manifest.path,
                )
            if role == "soul":
                raise SpecError(f"missing {path}; the persona itself lives there: add it", file=where)
            if field in declared:
                issues.add(
                    "SK200",
                    f"{_field_label(field)} points to {path}, which is not in the package",
                    file=manifest.path,
                )
            continue
        roles[found] = role
    for path in RULES_FILE_NAMES:
        if path in raw_files and path not in roles:
            roles[path] = "rules_file"
            break
    avatar = manifest.files.avatar
    if avatar and not avatar.startswith(("https://", "http://")) and avatar not in raw_files:
        issues.add("SK200", f"avatar points to {avatar}, which is not in the package", file=manifest.path)
    return roles


def _field_label(field: str) -> str:
    return {
        "user_template": "files.userTemplate",
        "good_examples": "examples.good",
        "bad_examples": "examples.bad",
    }.get(field, f"files.{field}")
