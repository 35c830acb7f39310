"""Token estimates from per-script-class rates: calibrated per family, or conservative for unknown models."""

from __future__ import annotations

import math
from collections.abc import Mapping

from soulkeeper.tokens._protocol import TokenizerBase
from soulkeeper.tokens._rates import CONSERVATIVE_SCALE, RATES
from soulkeeper.tokens._scripts import CLASSES, english_letters, script_counts
from soulkeeper.tokens._templates import template_for_family

__all__ = ["ESTIMATE_FAMILIES", "EstimateTokenizer", "conservative_weights"]

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


_CORRECTIONS = ("blank_line", "indent", "english")
_ENGLISH = CLASSES.index("english")


def _default(name: str, table: Mapping[str, float]) -> float:
    """Rate of a class a custom table leaves out: the largest given rate; no correction."""
    return 0.0 if name in _CORRECTIONS else max(table.values(), default=1.0)


def conservative_weights(table: Mapping[str, float], scale: Mapping[str, float]) -> tuple[float, ...]:
    """One family's rates scaled for the conservative estimate, in the order of ``CLASSES``.

    Positive rates are multiplied by their class's factor; negative line-structure corrections stay as
    fitted. ``english`` is the difference between the rate of letters that read as English and ``lower``,
    so its factor applies to the English letters' own rate: ``(lower + english) * scale["english"] -
    lower * scale["lower"]``.
    """
    rates = {name: float(table.get(name, _default(name, table))) for name in CLASSES}
    weights = {name: rate * scale.get(name, 1.0) if rate > 0 else rate for name, rate in rates.items()}
    if "english" in scale:
        english = (rates["lower"] + rates["english"]) * scale["english"]
        weights["english"] = english - rates["lower"] * scale.get("lower", 1.0)
    return tuple(weights[name] for name in CLASSES)


class EstimateTokenizer(TokenizerBase):
    """Estimates tokens from the characters per script class, counted in one pass over the text.

    ``EstimateTokenizer("qwen2")`` uses the rates fitted for that family:
    ``ceil(sum(rate[class] * characters[class]))``. ``EstimateTokenizer()`` is the conservative estimate
    for unknown models: the largest of every family's estimate for the text, with each class's rate
    scaled up (fitted so that it does not undercount any tokenizer soulkeeper was calibrated against).
    Custom ``rates`` (tokens per character by class name, see ``CLASSES``; missing classes take the
    largest given rate, missing ``blank_line``/``indent`` corrections are 0) replace the family's.
    """

    __slots__ = ("_weights", "family", "rates")

    def __init__(self, family: str | None = None, *, rates: Mapping[str, float] | None = None) -> None:
        family = (_ALIASES.get(family, family) if family else None) or None
        if family is not None and family not in RATES and rates is None:
            known = ", ".join(ESTIMATE_FAMILIES)
            raise ValueError(f"unknown estimate family {family!r}: known families are {known}")
        if rates is not None:
            tables = [dict(rates)]
        elif family is not None:
            tables = [RATES[family]]
        else:
            tables = [RATES[name] for name in ESTIMATE_FAMILIES]
        for table in tables:
            unknown = set(table) - set(CLASSES)
            if unknown:
                raise ValueError(f"unknown script classes in rates: {', '.join(sorted(unknown))}")
        super().__init__(f"estimate:{family}" if family else "estimate", template=template_for_family(family))
        self.family = family
        scale = CONSERVATIVE_SCALE if len(tables) > 1 else {}
        self.rates = tables[0] if len(tables) == 1 else {}
        self._weights = tuple(conservative_weights(table, scale) for table in tables)

    def count(self, text: str) -> int:
        """Estimated content tokens of ``text`` (never negative; ``0`` for the empty string)."""
        raw = script_counts(text)
        counts: tuple[float, ...] = raw
        if raw[_ENGLISH]:  # function words -> the lower-case letters that read as English
            counts = (*raw[:_ENGLISH], english_letters(raw), *raw[_ENGLISH + 1 :])
        total = max(sum(w * n for w, n in zip(weights, counts, strict=True)) for weights in self._weights)
        return math.ceil(total - 1e-9) if total > 0 else 0
