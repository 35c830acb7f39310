"""The tier packer: fit a persona into a model's token budget and say exactly what was left out.

``pack(soul, context_window=4096, tokenizer="tiktoken:o200k_base")`` keeps IDENTITY.md and a digest of
the hard rules (tier 1, budget-immune), then RULES.md and SOUL.md, then STYLE.md, AGENTS.md and the
output examples, then README.md, HEARTBEAT.md and the rest: whole tiers and files when they fit,
otherwise whole sections by priority (stories one tier later), cut only at sentence boundaries, with a
visible marker wherever something was left out. See docs/packing.md.
"""

from soulkeeper.pack._pack import clear_cache, pack, soul_packing_settings
from soulkeeper.pack._priority import DEFAULT_PRIORITIES
from soulkeeper.pack._types import (
    DEFAULT_TIERS,
    HARD_RULES_PATH,
    IDENTITY_LINE_PATH,
    PackEntry,
    PackResult,
    Reserve,
    Tier,
)

__all__ = [
    "DEFAULT_PRIORITIES",
    "DEFAULT_TIERS",
    "HARD_RULES_PATH",
    "IDENTITY_LINE_PATH",
    "PackEntry",
    "PackResult",
    "Reserve",
    "Tier",
    "clear_cache",
    "pack",
    "soul_packing_settings",
]
