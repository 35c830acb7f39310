"""Parsing and checking ``soul.json`` into a :class:`Manifest`."""

from __future__ import annotations

import re
from typing import Any

from soulkeeper.errors import SpecError
from soulkeeper.spec._files import clean_relpath
from soulkeeper.spec._findings import Issues
from soulkeeper.spec._parse import line_of_key, parse_json, type_name
from soulkeeper.spec.manifest import KNOWN_SPEC_VERSIONS, Author, Manifest, ManifestFiles, SafetyLaw, SkillRef

__all__ = ["parse_manifest"]

LICENSE_ALLOWLIST = frozenset(
    {"Apache-2.0", "MIT", "BSD-2-Clause", "BSD-3-Clause", "CC-BY-4.0", "CC0-1.0", "ISC", "Unlicense"}
)
_BLOCKED_LICENSE = re.compile(r"^(A?GPL|LGPL|CC-BY-NC|CC-BY-ND)", re.IGNORECASE)
_KEBAB = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_SEMVER = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$")
_SPEC_VERSION = re.compile(r"^(\d+)\.(\d+)(?:\.\d+)?$")
_FILE_KEYS = {
    "soul": "soul",
    "identity": "identity",
    "agents": "agents",
    "style": "style",
    "heartbeat": "heartbeat",
    "userTemplate": "user_template",
}
KNOWN_KEYS = frozenset(
    {
        "specVersion", "name", "displayName", "version", "description", "author", "license", "tags",
        "category", "files", "avatar", "examples", "repository", "compatibility", "allowedTools",
        "recommendedSkills", "skills", "disclosure", "deprecated", "supersededBy", "modes", "interpolation",
        "environment", "interactionMode", "hardwareConstraints", "safety", "sensors", "actuators",
        "contactPolicy", "type", "includes", "memory", "rules", "registry", "$schema",
    }
)  # fmt: skip


class _Reader:
    """Typed access to the parsed JSON with errors that name the key and its line."""

    def __init__(self, text: str, path: str) -> None:
        self.text = text
        self.path = path

    def fail(self, message: str, *keys: str) -> SpecError:
        return SpecError(message, file=self.path, line=line_of_key(self.text, *keys) if keys else None)

    def line(self, *keys: str) -> int | None:
        return line_of_key(self.text, *keys)

    def string(self, obj: dict[str, Any], key: str, *where: str) -> str | None:
        value = obj.get(key)
        if value is None:
            return None
        if not isinstance(value, str):
            dotted = ".".join((*where, key))
            raise self.fail(
                f'"{dotted}" must be a string, not {type_name(value)}; quote the value', *where, key
            )
        return value

    def obj(self, obj: dict[str, Any], key: str, *where: str) -> dict[str, Any]:
        value = obj.get(key)
        if value is None:
            return {}
        if not isinstance(value, dict):
            dotted = ".".join((*where, key))
            raise self.fail(f'"{dotted}" must be an object, not {type_name(value)}', *where, key)
        return value

    def strings(self, obj: dict[str, Any], key: str) -> tuple[str, ...]:
        value = obj.get(key)
        if value is None:
            return ()
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise self.fail(f'"{key}" must be a list of strings', key)
        return tuple(value)

    def relpath(self, value: str | None, *keys: str) -> str | None:
        if value is None:
            return None
        return clean_relpath(value, origin=self.path, line=self.line(*keys), field=".".join(keys))


def parse_manifest(text: str, path: str, issues: Issues) -> Manifest:
    """Parse manifest text (already decoded) from ``path``; record findings in ``issues``."""
    raw, duplicates = parse_json(text, path)
    if not isinstance(raw, dict):
        raise SpecError(
            f"must hold a JSON object, not {type_name(raw)}; see the Soul Spec soul.json format", file=path
        )
    reader = _Reader(text, path)
    for key in dict.fromkeys(duplicates):
        issues.add(
            "SK117",
            f'key "{key}" appears more than once; the last value wins',
            file=path,
            line=reader.line(key),
        )
    spec_version, inferred = _spec_version(raw, reader, issues)
    name = reader.string(raw, "name") or ""
    display_name = reader.string(raw, "displayName") or ""
    version = reader.string(raw, "version") or ""
    description = reader.string(raw, "description") or ""
    license_id = reader.string(raw, "license")
    category = reader.string(raw, "category")
    tags = reader.strings(raw, "tags")
    kind = reader.string(raw, "type") or "persona"
    if kind not in ("persona", "pack"):
        raise reader.fail(f'"type" must be "persona" or "pack", not {kind!r}', "type")
    manifest = Manifest(
        path=path,
        spec_version=spec_version,
        spec_version_inferred=inferred,
        name=name,
        display_name=display_name,
        version=version,
        description=description,
        author=_author(raw, reader),
        license=license_id,
        tags=tags,
        category=category,
        type="pack" if kind == "pack" else "persona",
        files=_files(raw, reader),
        recommended_skills=_skills(raw, reader, issues),
        safety_laws=_laws(raw, reader),
        disclosure_summary=reader.string(reader.obj(raw, "disclosure"), "summary", "disclosure"),
        deprecated=_bool(raw, "deprecated", reader),
        superseded_by=reader.string(raw, "supersededBy"),
        repository=reader.string(raw, "repository"),
        rules=reader.obj(raw, "rules") or None,
        raw=raw,
    )
    _check(manifest, raw, reader, issues)
    return manifest


def _spec_version(raw: dict[str, Any], reader: _Reader, issues: Issues) -> tuple[str, bool]:
    legacy = reader.path.endswith("clawsoul.json")
    value = raw.get("specVersion")
    if value is None:
        inferred = "0.2" if legacy else "0.3"
        issues.add(
            "SK100",
            f'no "specVersion"; inferred {inferred} as the spec says (add "specVersion": "0.6")',
            file=reader.path,
        )
        return inferred, True
    if not isinstance(value, str):
        raise reader.fail(
            f'"specVersion" must be a string such as "0.6", not {type_name(value)}; quote it', "specVersion"
        )
    match = _SPEC_VERSION.match(value.strip())
    short = f"{match.group(1)}.{match.group(2)}" if match else ""
    if short not in KNOWN_SPEC_VERSIONS:
        known = ", ".join(KNOWN_SPEC_VERSIONS[1:])
        raise reader.fail(f'unknown "specVersion" {value!r}; use one of {known}', "specVersion")
    if short == "0.2":
        issues.add("SK108", 'specVersion "0.2" is the legacy format; upgrade to "0.6"', file=reader.path)
    return short, False


def _author(raw: dict[str, Any], reader: _Reader) -> Author | None:
    value = raw.get("author")
    if value is None:
        return None
    if isinstance(value, str):
        return Author(name=value)
    if isinstance(value, dict):
        name = reader.string(value, "name", "author")
        github = reader.string(value, "github", "author")
        if not name:
            raise reader.fail('"author" object needs a "name"', "author")
        return Author(name=name, github=github)
    raise reader.fail(f'"author" must be a string or {{"name", "github"}}, not {type_name(value)}', "author")


def _files(raw: dict[str, Any], reader: _Reader) -> ManifestFiles:
    files = reader.obj(raw, "files")
    examples = reader.obj(raw, "examples")
    values: dict[str, Any] = {}
    for key, field in _FILE_KEYS.items():
        path = reader.relpath(reader.string(files, key, "files"), "files", key)
        if path is not None:
            values[field] = path
    avatar = reader.string(files, "avatar", "files") or reader.string(raw, "avatar")
    if avatar is not None:
        values["avatar"] = (
            avatar if avatar.startswith(("https://", "http://")) else reader.relpath(avatar, "avatar")
        )
    values["avatar_alt"] = reader.string(files, "avatarAlt", "files")
    for key, field in (("good", "good_examples"), ("bad", "bad_examples")):
        path = reader.relpath(reader.string(examples, key, "examples"), "examples", key)
        if path is not None:
            values[field] = path
    declared = tuple(key for key in values if values[key] is not None and key != "avatar_alt")
    return ManifestFiles(**values, declared=declared)


def _skills(raw: dict[str, Any], reader: _Reader, issues: Issues) -> tuple[SkillRef, ...]:
    skills: list[SkillRef] = []
    for key in ("recommendedSkills", "skills"):
        value = raw.get(key)
        if value is None:
            continue
        if not isinstance(value, list):
            raise reader.fail(f'"{key}" must be a list, not {type_name(value)}', key)
        if key == "skills":
            issues.add(
                "SK109",
                '"skills" is the legacy form; use "recommendedSkills": [{"name": …}]',
                lenient="info",
                strict="warning",
                file=reader.path,
                line=reader.line(key),
            )
        for item in value:
            if isinstance(item, str):
                skills.append(SkillRef(name=item))
            elif isinstance(item, dict) and isinstance(item.get("name"), str):
                version = item.get("version")
                required = item.get("required", False)
                if version is not None and not isinstance(version, str):
                    raise reader.fail(f'"{key}[].version" must be a string', key)
                if not isinstance(required, bool):
                    raise reader.fail(f'"{key}[].required" must be true or false', key)
                skills.append(SkillRef(name=item["name"], version=version, required=required))
            else:
                raise reader.fail(f'each entry of "{key}" needs a string "name"', key)
    return tuple(skills)


def _laws(raw: dict[str, Any], reader: _Reader) -> tuple[SafetyLaw, ...]:
    safety = reader.obj(raw, "safety")
    value = safety.get("laws")
    if value is None:
        return ()
    if not isinstance(value, list):
        raise reader.fail(f'"safety.laws" must be a list, not {type_name(value)}', "safety", "laws")
    laws: list[SafetyLaw] = []
    for index, item in enumerate(value):
        where = f"safety.laws[{index}]"
        if not isinstance(item, dict):
            raise reader.fail(f'"{where}" must be an object with priority and rule', "safety", "laws")
        priority, rule = item.get("priority", index), item.get("rule")
        if not isinstance(priority, int) or isinstance(priority, bool) or priority < 0:
            raise reader.fail(
                f'"{where}.priority" must be a whole number >= 0 (0 = highest)', "safety", "laws"
            )
        if not isinstance(rule, str) or not rule.strip():
            raise reader.fail(f'"{where}.rule" must be a non-empty string', "safety", "laws")
        enforcement = item.get("enforcement", "hard")
        scope = item.get("scope", "all")
        if enforcement not in ("hard", "soft"):
            raise reader.fail(f'"{where}.enforcement" must be "hard" or "soft"', "safety", "laws")
        if scope not in ("all", "self", "operator"):
            raise reader.fail(f'"{where}.scope" must be "all", "self" or "operator"', "safety", "laws")
        laws.append(SafetyLaw(priority=priority, rule=rule.strip(), enforcement=enforcement, scope=scope))
    return tuple(sorted(laws, key=lambda law: law.priority))


def _bool(raw: dict[str, Any], key: str, reader: _Reader) -> bool:
    value = raw.get(key, False)
    if value is None:
        return False
    if not isinstance(value, bool):
        raise reader.fail(f'"{key}" must be true or false, not {type_name(value)}', key)
    return value


def _check(manifest: Manifest, raw: dict[str, Any], reader: _Reader, issues: Issues) -> None:
    path = reader.path
    core = {"name": manifest.name, "displayName": manifest.display_name, "version": manifest.version}
    core["description"] = manifest.description
    for key, value in core.items():
        if not value:
            issues.add("SK101", f'required field "{key}" is missing', file=path)
    older = manifest.spec_version < "0.6"
    extended = {
        "author": manifest.author,
        "license": manifest.license,
        "tags": "tags" in raw,
        "category": manifest.category,
        "files.soul": "soul" in manifest.files.declared,
    }
    for key, present in extended.items():
        if not present:
            issues.add(
                "SK101" if older else "SK120",
                f'field "{key}" is missing'
                + (f" (required by Soul Spec {manifest.spec_version})" if older else " (recommended)"),
                lenient="warning" if older else "info",
                strict="error" if older else "warning",
                file=path,
            )
    if manifest.name and not _KEBAB.match(manifest.name):
        issues.add(
            "SK102", f'"name" {manifest.name!r} is not kebab-case', file=path, line=reader.line("name")
        )
    if manifest.version and not _SEMVER.match(manifest.version):
        issues.add(
            "SK103",
            f'"version" {manifest.version!r} is not semver (x.y.z)',
            file=path,
            line=reader.line("version"),
        )
    if len(manifest.description) > 160:
        issues.add(
            "SK104",
            f'"description" is {len(manifest.description)} characters, over 160',
            file=path,
            line=reader.line("description"),
        )
    if len(manifest.tags) > 10:
        issues.add("SK105", f"{len(manifest.tags)} tags, more than 10", file=path, line=reader.line("tags"))
    if manifest.license and _BLOCKED_LICENSE.match(manifest.license):
        issues.add(
            "SK106",
            f"license {manifest.license!r} is blocked by the registry; use a permissive licence such as MIT",
            file=path,
            line=reader.line("license"),
        )
    elif manifest.license and manifest.license not in LICENSE_ALLOWLIST:
        issues.add(
            "SK107",
            f"license {manifest.license!r} is not on the registry allowlist",
            lenient="info",
            strict="warning",
            file=path,
            line=reader.line("license"),
        )
    for key in ("modes", "interpolation"):
        if key in raw:
            issues.add(
                "SK110",
                f'"{key}" is deprecated since Soul Spec 0.4',
                lenient="info",
                strict="warning",
                file=path,
                line=reader.line(key),
            )
    for key in raw:
        if key not in KNOWN_KEYS:
            issues.add(
                "SK111",
                f'unknown field "{key}"',
                lenient="info",
                strict="warning",
                file=path,
                line=reader.line(key),
            )
    if manifest.disclosure_summary and len(manifest.disclosure_summary) > 200:
        issues.add(
            "SK112", '"disclosure.summary" is over 200 characters', file=path, line=reader.line("disclosure")
        )
    if manifest.deprecated:
        superseded = f"; use {manifest.superseded_by}" if manifest.superseded_by else ""
        issues.add("SK114", f"this persona is deprecated{superseded}", strict="warning", file=path)
    avatar = manifest.files.avatar
    if avatar is not None and avatar.startswith("http://"):
        issues.add("SK116", "avatar URL must use https://", file=path, line=reader.line("avatar"))
    if manifest.type == "pack" and not manifest.spec_version >= "0.6":
        issues.add("SK113", '"type": "pack" needs specVersion 0.6', file=path, line=reader.line("type"))
