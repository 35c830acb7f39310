"""Building :class:`Rules` from a package's four sources, in precedence order.

1. the structured rules file (``rules.yaml`` / ``rules.yml``),
2. the ``rules`` object of ``soul.json``,
3. ``RULES.md`` (``## Must Always`` / ``## Must Never`` / ``## Escalation`` bullets),
4. the bullet fields of ``IDENTITY.md`` (``- **Name:** …``),

plus ``safety.laws`` from ``soul.json``. Each source gives a partial rules document; they are merged
key by key: a scalar from a higher source wins, lists are concatenated (higher source first, duplicates
dropped) so that no source can remove a prohibition another one states.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Sequence
from typing import Any

import yaml
from pydantic import ValidationError

from soulkeeper.errors import SpecError
from soulkeeper.spec._findings import Issues
from soulkeeper.spec._parse import line_of_key, parse_yaml, type_name
from soulkeeper.spec._rules_md import from_identity, from_rules_md
from soulkeeper.spec.manifest import Manifest
from soulkeeper.spec.model import SoulFile
from soulkeeper.spec.rules import Rules

__all__ = ["RULES_FILE_NAMES", "build_rules", "parse_rules_document"]

RULES_FILE_NAMES = ("rules.yaml", "rules.yml")
_TOP_KEYS = frozenset({"identity", "voice", "boundaries", "behaviors", "safety_laws"})
_LANGUAGE = re.compile(r"^[a-z]{2}$")
# Sources a Rules document may not set itself.
_FORBIDDEN_KEYS = ("sources",)


# ---------------------------------------------------------------- entry point


def build_rules(
    files: dict[str, SoulFile],
    roles: dict[str, str],
    manifest: Manifest,
    manifest_text: str,
    issues: Issues,
) -> Rules:
    """Read every source present and merge them into one validated :class:`Rules`."""
    partials: list[tuple[str, dict[str, Any]]] = []
    rules_files = [name for name in RULES_FILE_NAMES if name in files]
    if len(rules_files) > 1:
        issues.add("SK302", "both rules.yaml and rules.yml exist; rules.yml is ignored", file="rules.yml")
    if rules_files:
        path = rules_files[0]
        partials.append((path, parse_rules_document(files[path].text, path)))
    if manifest.rules is not None:
        partial = _from_manifest(manifest, manifest_text, issues)
        if partial:
            partials.append((manifest.path, partial))
    rules_md = roles.get("rules")
    if rules_md is not None:
        partial = from_rules_md(files[rules_md], issues)
        if partial:
            partials.append((rules_md, partial))
    identity = roles.get("identity")
    if identity is not None:
        partial = from_identity(files[identity])
        if partial:
            partials.append((identity, partial))
    if manifest.safety_laws:
        partials.append((manifest.path, {"safety_laws": [law.rule for law in manifest.safety_laws]}))
    merged: dict[str, Any] = {}
    for _, partial in reversed(partials):
        merged = _merge(partial, merged)
    merged["sources"] = list(dict.fromkeys(source for source, _ in partials))
    return Rules.model_validate(merged)


# ---------------------------------------------------------------- structured documents


def parse_rules_document(text: str, path: str) -> dict[str, Any]:
    """Parse and validate a ``rules.yaml`` document; return its normalised partial dict."""
    value, node = parse_yaml(text, path)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise SpecError(
            f"must be a YAML mapping with keys such as identity, voice, boundaries, behaviors; not {type_name(value)}",
            file=path,
            line=1,
        )
    return _validate(value, path, lambda loc: _yaml_line(node, loc))


def _from_manifest(manifest: Manifest, text: str, issues: Issues) -> dict[str, Any]:
    raw = manifest.rules or {}
    if not set(raw) & _TOP_KEYS:
        issues.add(
            "SK301",
            '"rules" object is not in soulkeeper\'s rules schema (no identity/voice/boundaries/behaviors key); '
            "it is kept in manifest.rules but not enforced",
            lenient="info",
            strict="warning",
            file=manifest.path,
            line=line_of_key(text, "rules"),
        )
        return {}
    return _validate(
        raw,
        manifest.path,
        lambda loc: line_of_key(text, "rules", *(str(p) for p in loc if isinstance(p, str))),
        prefix="rules.",
    )


def _validate(value: dict[str, Any], path: str, line_for: Any, *, prefix: str = "") -> dict[str, Any]:
    for key in _FORBIDDEN_KEYS:
        if key in value:
            raise SpecError(
                f'"{prefix}{key}" is filled in by the loader; remove it', file=path, line=line_for((key,))
            )
    normalised = _normalise(value)
    try:
        Rules.model_validate(normalised)
    except ValidationError as exc:
        error = exc.errors()[0]
        loc = tuple(error["loc"])
        dotted = prefix + ".".join(str(part) for part in loc) if loc else "(top level)"
        if error["type"] == "extra_forbidden":
            message = f'unknown key "{dotted}"; see docs/rules.md for the rules format'
        else:
            message = f'"{dotted}": {error["msg"]}'
        raise SpecError(message, file=path, line=line_for(loc)) from None
    _check_values(normalised, path, line_for, prefix)
    return normalised


def _normalise(value: dict[str, Any]) -> dict[str, Any]:
    """Accept the documented shorthands: a single string for a list, a bare string for a declined topic."""
    result = dict(value)
    identity = result.get("identity")
    if isinstance(identity, dict) and isinstance(identity.get("aliases"), str):
        result["identity"] = {**identity, "aliases": [identity["aliases"]]}
    voice = result.get("voice")
    if isinstance(voice, dict) and isinstance(voice.get("prohibited"), dict):
        prohibited = dict(voice["prohibited"])
        for key in ("words", "patterns"):
            if isinstance(prohibited.get(key), str):
                prohibited[key] = [prohibited[key]]
        result["voice"] = {**voice, "prohibited": prohibited}
    boundaries = result.get("boundaries")
    if isinstance(boundaries, dict):
        boundaries = dict(boundaries)
        topics = boundaries.get("declined_topics")
        if isinstance(topics, list):
            boundaries["declined_topics"] = [{"name": t} if isinstance(t, str) else t for t in topics]
        for key in ("must_always", "must_never", "escalation"):
            if isinstance(boundaries.get(key), str):
                boundaries[key] = [boundaries[key]]
        result["boundaries"] = boundaries
    if isinstance(result.get("safety_laws"), str):
        result["safety_laws"] = [result["safety_laws"]]
    return result


def _check_values(value: dict[str, Any], path: str, line_for: Any, prefix: str) -> None:
    voice = value.get("voice") or {}
    language = voice.get("language")
    if language is not None and language != "match_user" and not _LANGUAGE.match(language):
        raise SpecError(
            f'"{prefix}voice.language" {language!r} must be a two-letter ISO 639-1 code (en, ko, ja) or "match_user"',
            file=path,
            line=line_for(("voice", "language")),
        )
    for index, pattern in enumerate((voice.get("prohibited") or {}).get("patterns") or ()):
        _compile(
            pattern,
            path,
            line_for(("voice", "prohibited", "patterns", index)),
            f"{prefix}voice.prohibited.patterns",
        )
    behaviors = value.get("behaviors") or {}
    greeting = behaviors.get("greeting")
    if (
        isinstance(greeting, str)
        and len(greeting) > 1
        and greeting.startswith("/")
        and greeting.endswith("/")
    ):
        _compile(greeting[1:-1], path, line_for(("behaviors", "greeting")), f"{prefix}behaviors.greeting")
    if isinstance(behaviors.get("status_format"), str):
        _compile(
            behaviors["status_format"],
            path,
            line_for(("behaviors", "status_format")),
            f"{prefix}behaviors.status_format",
        )
    error_format = behaviors.get("error_format")
    if isinstance(error_format, str):
        try:
            fields = [name for _, name, _, _ in string.Formatter().parse(error_format) if name is not None]
        except ValueError as exc:
            raise SpecError(
                f'"{prefix}behaviors.error_format" is not a valid template ({exc}); use {{name}} placeholders',
                file=path,
                line=line_for(("behaviors", "error_format")),
            ) from None
        if any(not name.isidentifier() for name in fields):
            raise SpecError(
                f'"{prefix}behaviors.error_format" placeholders must be names such as {{what}}',
                file=path,
                line=line_for(("behaviors", "error_format")),
            )
    topics = (value.get("boundaries") or {}).get("declined_topics") or ()
    names = [topic["name"] for topic in topics]
    for index, name in enumerate(names):
        if not name.strip():
            raise SpecError(
                "a declined topic needs a non-empty name",
                file=path,
                line=line_for(("boundaries", "declined_topics", index)),
            )


def _compile(pattern: str, path: str, line: int | None, where: str) -> None:
    try:
        re.compile(pattern)
    except (re.error, RecursionError, OverflowError) as exc:
        raise SpecError(
            f'"{where}" has an invalid regular expression {pattern!r}: {exc}', file=path, line=line
        ) from None


def _yaml_line(node: yaml.Node | None, loc: Sequence[Any]) -> int | None:
    line = node.start_mark.line + 1 if node is not None else None
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            match = next((pair for pair in node.value if getattr(pair[0], "value", None) == part), None)
            if match is None:
                return line
            line = match[0].start_mark.line + 1
            node = match[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            return line
    return line


# ---------------------------------------------------------------- merging


def _merge(high: dict[str, Any], low: dict[str, Any]) -> dict[str, Any]:
    result = dict(low)
    for key, value in high.items():
        if key not in result:
            result[key] = value
        elif isinstance(value, dict) and isinstance(result[key], dict):
            result[key] = _merge(value, result[key])
        elif isinstance(value, list) and isinstance(result[key], list):
            result[key] = _union(value, result[key])
        else:
            result[key] = value
    return result


def _union(high: Iterable[Any], low: Iterable[Any]) -> list[Any]:
    seen: set[str] = set()
    result: list[Any] = []
    for item in (*high, *low):
        marker = str(item["name"]).casefold() if isinstance(item, dict) and "name" in item else repr(item)
        if marker not in seen:
            seen.add(marker)
            result.append(item)
    return result
