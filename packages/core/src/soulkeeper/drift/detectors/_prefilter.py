"""Literal prefilters for regular expressions: skip a regex search when its match cannot occur.

A regex search scans the whole response at every position (tens of microseconds for a case-insensitive
pattern on a 100-word response); a substring test is a fraction of that. :func:`required_literals` reads
a compiled pattern's parse tree and returns lower-case ASCII strings one of which every match must
contain, so ``not any(s in text.lower() for s in literals)`` proves the pattern cannot match.

The test is only sound on ASCII text (case-insensitive matching relates a few non-ASCII letters to ASCII
ones, such as the Kelvin sign and "k"); callers run the regex on anything else.
"""

from __future__ import annotations

import importlib
import re
from typing import Any

__all__ = ["required_literals", "ruled_out"]

_p: Any
_c: Any
try:  # the parser of the standard library's re (private, stable across 3.11–3.13)
    _p = importlib.import_module("re._parser")
    _c = importlib.import_module("re._constants")
except ImportError:  # pragma: no cover - another Python: no prefilter, the regex always runs
    _p = _c = None

Literals = frozenset[str]


def required_literals(pattern: re.Pattern[str]) -> tuple[str, ...] | None:
    """Lower-case ASCII strings one of which every match of ``pattern`` contains, or ``None`` if unknown."""
    if _p is None:  # pragma: no cover
        return None
    try:
        tree = _p.parse(pattern.pattern, pattern.flags)
        found = _sequence(list(tree))
    except Exception:  # a pattern the walk does not understand gets no prefilter
        return None
    return tuple(sorted(found)) if found else None


def ruled_out(literals: tuple[str, ...] | None, lower_ascii: str) -> bool:
    """True when ``literals`` is known and none occurs in ``lower_ascii`` (lower-cased ASCII text)."""
    return literals is not None and not any(s in lower_ascii for s in literals)


def _quality(found: Literals) -> int:
    return min(len(s) for s in found)


def _sequence(items: list[tuple[Any, Any]]) -> Literals | None:
    best: Literals | None = None
    run: list[str] = []

    def consider(found: Literals | None) -> None:
        nonlocal best
        if found and (best is None or _quality(found) > _quality(best)):
            best = found

    for op, av in items:
        if op is _c.LITERAL and av < 128:
            run.append(chr(av).lower())
            continue
        if run:
            consider(frozenset(("".join(run),)))
            run = []
        if op is not _c.LITERAL:  # a non-ASCII literal requires nothing we can test on ASCII text
            consider(_node(op, av))
    if run:
        consider(frozenset(("".join(run),)))
    return best


def _node(op: Any, av: Any) -> Literals | None:
    if op is _c.SUBPATTERN:
        return _sequence(list(av[3]))
    if op is _c.ATOMIC_GROUP:
        return _sequence(list(av))
    if op is _c.BRANCH:
        union: set[str] = set()
        for branch in av[1]:
            found = _sequence(list(branch))
            if not found:
                return None  # a branch that requires nothing: the whole alternation requires nothing
            union |= found
        return frozenset(union)
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT, _c.POSSESSIVE_REPEAT) and av[0] >= 1:
        return _sequence(list(av[2]))
    return None
