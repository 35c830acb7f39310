"""Token estimates from per-script-class rates: calibrated per family, or conservative for unknown models."""

from __future__ import annotations

import math
from collections.abc import Mapping

from soulkeeper.tokens._protocol import TokenizerBase
from soulkeeper.tokens._rates import CONSERVATIVE, RATES
from soulkeeper.tokens._scripts import CLASSES, script_counts
from soulkeeper.tokens._templates import template_for_family

__all__ = ["ESTIMATE_FAMILIES", "EstimateTokenizer"]

ESTIMATE_FAMILIES: tuple[str, ...] = tuple(sorted(RATES))

# other names people use for the same vocabularies
_ALIASES = {
    "cl100k_base": "cl100k",
    "o200k_base": "o200k",
    "qwen": "qwen2",
    "qwen2_5": "qwen2",
    "qwen2.5": "qwen2",
    "qwen3": "qwen2",
    "llama3_1": "llama3",
    "llama3.1": "llama3",
    "gemma": "gemma3",
    "gemma2": "gemma3",
    "mistral": "mistral_v3",
    "deepseek": "deepseek_v3",
    "conservative": "",
}


class EstimateTokenizer(TokenizerBase):
    """Estimates tokens as ``ceil(sum(rate[class] * characters[class]))`` in one pass over the text.

    ``EstimateTokenizer()`` is the conservative estimate for unknown models (it does not undercount any
    tokenizer soulkeeper was calibrated against); ``EstimateTokenizer("qwen2")`` uses the rates fitted
    for that family. Custom ``rates`` (tokens per character by class name, see ``CLASSES``) override both.
    """

    __slots__ = ("_weights", "family", "rates")

    def __init__(self, family: str | None = None, *, rates: Mapping[str, float] | None = None) -> None:
        family = _ALIASES.get(family, family) if family else None
        if rates is None:
            if family is None:
                rates = CONSERVATIVE
            elif family in RATES:
                rates = RATES[family]
            else:
                known = ", ".join(ESTIMATE_FAMILIES)
                raise ValueError(f"unknown estimate family {family!r}: known families are {known}")
        unknown = set(rates) - set(CLASSES)
        if unknown:
            raise ValueError(f"unknown script classes in rates: {', '.join(sorted(unknown))}")
        super().__init__(f"estimate:{family}" if family else "estimate", template=template_for_family(family))
        self.family = family
        self.rates = dict(rates)
        fallback = max(self.rates.values(), default=1.0)
        self._weights = tuple(float(self.rates.get(name, fallback)) for name in CLASSES)

    def count(self, text: str) -> int:
        """Estimated content tokens of ``text`` (never negative; ``0`` for the empty string)."""
        total = sum(w * n for w, n in zip(self._weights, script_counts(text), strict=True))
        return math.ceil(total - 1e-9) if total > 0 else 0
