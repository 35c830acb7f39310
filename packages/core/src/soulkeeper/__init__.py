"""soulkeeper: keep an AI agent's persona intact for the whole life of a conversation.

The top-level names are imported lazily (PEP 562), so ``import soulkeeper`` and the CLI stay fast and a
program that only packs never imports the drift detectors or the stores. The errors are imported eagerly.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from soulkeeper.errors import (
    BudgetExceededError,
    IntegrityError,
    MissingExtraError,
    RulesError,
    SoulkeeperError,
    SpecError,
    StoreError,
)

if TYPE_CHECKING:
    from soulkeeper.diff import SoulDiff, diff_souls
    from soulkeeper.drift import DriftDetector, DriftPolicy, DriftReport, Violation
    from soulkeeper.guard import Decision, Message, PersonaGuard, Policy
    from soulkeeper.integrity import compute_digest, sign_package, verify_package
    from soulkeeper.pack import PackResult, Reserve, pack
    from soulkeeper.spec import Manifest, Soul, load_soul
    from soulkeeper.spec.model import Finding, Section, SoulFile
    from soulkeeper.spec.rules import Rules
    from soulkeeper.stores import Checkpoint, CheckpointStore, ThreadState, open_store
    from soulkeeper.tokens import Tokenizer, get_tokenizer, tokenizer_for_model

# public name -> module that defines it
_LAZY: dict[str, str] = {
    "Checkpoint": "soulkeeper.stores",
    "CheckpointStore": "soulkeeper.stores",
    "Decision": "soulkeeper.guard",
    "DriftDetector": "soulkeeper.drift",
    "DriftPolicy": "soulkeeper.drift",
    "DriftReport": "soulkeeper.drift",
    "Finding": "soulkeeper.spec.model",
    "Manifest": "soulkeeper.spec",
    "Message": "soulkeeper.guard",
    "PackResult": "soulkeeper.pack",
    "PersonaGuard": "soulkeeper.guard",
    "Policy": "soulkeeper.guard",
    "Reserve": "soulkeeper.pack",
    "Rules": "soulkeeper.spec.rules",
    "Section": "soulkeeper.spec.model",
    "Soul": "soulkeeper.spec",
    "SoulDiff": "soulkeeper.diff",
    "SoulFile": "soulkeeper.spec.model",
    "ThreadState": "soulkeeper.stores",
    "Tokenizer": "soulkeeper.tokens",
    "Violation": "soulkeeper.drift",
    "compute_digest": "soulkeeper.integrity",
    "diff_souls": "soulkeeper.diff",
    "get_tokenizer": "soulkeeper.tokens",
    "load_soul": "soulkeeper.spec",
    "open_store": "soulkeeper.stores",
    "pack": "soulkeeper.pack",
    "sign_package": "soulkeeper.integrity",
    "tokenizer_for_model": "soulkeeper.tokens",
    "verify_package": "soulkeeper.integrity",
}

__all__ = [
    "BudgetExceededError",
    "Checkpoint",
    "CheckpointStore",
    "Decision",
    "DriftDetector",
    "DriftPolicy",
    "DriftReport",
    "Finding",
    "IntegrityError",
    "Manifest",
    "Message",
    "MissingExtraError",
    "PackResult",
    "PersonaGuard",
    "Policy",
    "Reserve",
    "Rules",
    "RulesError",
    "Section",
    "Soul",
    "SoulDiff",
    "SoulFile",
    "SoulkeeperError",
    "SpecError",
    "StoreError",
    "ThreadState",
    "Tokenizer",
    "Violation",
    "compute_digest",
    "diff_souls",
    "get_tokenizer",
    "load_soul",
    "open_store",
    "pack",
    "sign_package",
    "tokenizer_for_model",
    "verify_package",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'soulkeeper' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
