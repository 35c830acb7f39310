"""JSON and YAML parsing with one-line, positioned errors, plus key-line lookup."""

from __future__ import annotations

import json
import re
from typing import Any

import yaml

from soulkeeper.errors import SpecError

__all__ = ["line_of_key", "parse_json", "parse_yaml", "type_name"]

_SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's loader when PyYAML was built with it (about 10x faster); same safe constructors."""


def type_name(value: object) -> str:
    """The JSON name of a value's type, for error messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def parse_json(text: str, path: str) -> tuple[Any, list[str]]:
    """Parse JSON; return the value and the keys that occur twice in one object."""
    duplicates: list[str] = []

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key, value in items:
            if key in result:
                duplicates.append(key)
            result[key] = value
        return result

    try:
        value = json.loads(text, object_pairs_hook=pairs, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise SpecError(
            f"invalid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno}); fix the syntax",
            file=path,
            line=exc.lineno,
        ) from None
    except ValueError as exc:
        raise SpecError(f"invalid JSON: {exc}; fix the syntax", file=path) from None
    except RecursionError:
        raise SpecError("invalid JSON: nested too deeply; flatten the document", file=path) from None
    return value, duplicates


def parse_yaml(text: str, path: str) -> tuple[Any, yaml.Node | None]:
    """Parse one YAML document safely; return the value and its node tree (for line numbers)."""
    loader = _SafeLoader(text)
    try:
        node = loader.get_single_node()
        value = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = " ".join(str(exc.problem or exc.context or "syntax error").split())
        if mark is None:
            raise SpecError(f"invalid YAML: {problem}; fix the syntax", file=path) from None
        raise SpecError(
            f"invalid YAML: {problem} (line {mark.line + 1}, column {mark.column + 1}); fix the syntax",
            file=path,
            line=mark.line + 1,
        ) from None
    except yaml.YAMLError as exc:
        raise SpecError(f"invalid YAML: {' '.join(str(exc).split())}; fix the syntax", file=path) from None
    except RecursionError:
        raise SpecError("invalid YAML: nested too deeply; flatten the document", file=path) from None
    finally:
        loader.dispose()
    return value, node


def line_of_key(text: str, *keys: str) -> int | None:
    """Best-effort 1-based line of a (nested) JSON key: each key is searched after the previous one."""
    position = 0
    found = None
    for key in keys:
        match = re.compile(r'"' + re.escape(key) + r'"\s*:').search(text, position)
        if match is None:
            return found
        position = match.end()
        found = text.count("\n", 0, match.start()) + 1
    return found
