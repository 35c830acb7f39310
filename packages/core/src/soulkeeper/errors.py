"""Every exception soulkeeper raises.

The hierarchy (each also subclasses the matching builtin, so callers may catch either)::

    SoulkeeperError
    ├── SpecError(ValueError)            a persona package is malformed or breaks the spec
    ├── IntegrityError(ValueError)       digest or signature mismatch, missing signature, added/removed file
    ├── BudgetExceededError(ValueError)  tier 1 alone does not fit the token budget
    ├── RulesError(ValueError)           a persona's rules need a signal that cannot be run
    ├── MissingExtraError(ImportError)   an optional dependency is not installed (names the pip extra)
    └── StoreError(RuntimeError)         a checkpoint store failed at run time

Misuse of the API (wrong argument types, unknown options) raises plain ``TypeError``/``ValueError``.
"""

from __future__ import annotations

from pathlib import Path

__all__ = [
    "BudgetExceededError",
    "IntegrityError",
    "MissingExtraError",
    "RulesError",
    "SoulkeeperError",
    "SpecError",
    "StoreError",
]


class SoulkeeperError(Exception):
    """Base class of every soulkeeper error."""


class SpecError(SoulkeeperError, ValueError):
    """A persona package cannot be loaded: the message names the file, the line and what to do."""

    def __init__(self, message: str, *, file: str | Path | None = None, line: int | None = None) -> None:
        self.file = str(file) if file is not None else None
        self.line = line
        self.reason = message
        where = ""
        if self.file is not None:
            where = f"{self.file}:{line}: " if line is not None else f"{self.file}: "
        super().__init__(f"{where}{message}")


class IntegrityError(SoulkeeperError, ValueError):
    """A persona's digest or signature does not match what the caller trusts."""


class BudgetExceededError(SoulkeeperError, ValueError):
    """Tier 1 (identity and hard rules) alone does not fit the token budget."""

    def __init__(self, message: str, *, required: int, budget: int) -> None:
        self.required = required
        self.budget = budget
        super().__init__(message)


class RulesError(SoulkeeperError, ValueError):
    """A persona's rules are invalid or ask for a signal that cannot be computed."""


class MissingExtraError(SoulkeeperError, ImportError):
    """An optional dependency is missing; the message carries the exact install command."""

    def __init__(self, feature: str, extra: str, *, package: str = "soulkeeper") -> None:
        self.feature = feature
        self.extra = extra
        super().__init__(f'{feature} needs the "{extra}" extra: pip install "{package}[{extra}]"')


class StoreError(SoulkeeperError, RuntimeError):
    """A checkpoint store failed (connection lost, corrupt row, migration failure)."""
