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
from soulkeeper.guard import Decision, Message, PersonaGuard, Policy
from soulkeeper.spec import Manifest, Soul, load_soul
from soulkeeper.spec.model import Finding, Section, SoulFile
from soulkeeper.spec.rules import Rules

__all__ = [
    "BudgetExceededError",
    "Decision",
    "Finding",
    "IntegrityError",
    "Manifest",
    "Message",
    "MissingExtraError",
    "PersonaGuard",
    "Policy",
    "Rules",
    "RulesError",
    "Section",
    "Soul",
    "SoulFile",
    "SoulkeeperError",
    "SpecError",
    "StoreError",
    "load_soul",
]
