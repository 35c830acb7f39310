"""soulkeeper: keep an AI agent's persona intact for the whole life of a conversation."""

from soulkeeper.errors import (
    BudgetExceededError,
    IntegrityError,
    MissingExtraError,
    RulesError,
    SoulkeeperError,
    SpecError,
    StoreError,
)
from soulkeeper.spec.model import Finding, Section, SoulFile
from soulkeeper.spec.rules import Rules

__all__ = [
    "BudgetExceededError",
    "Finding",
    "IntegrityError",
    "MissingExtraError",
    "Rules",
    "RulesError",
    "Section",
    "SoulFile",
    "SoulkeeperError",
    "SpecError",
    "StoreError",
]
