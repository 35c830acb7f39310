"""Fitted tokens-per-character rates per script class (regenerate with ``bench/tokens_fit.py --write``).

Provisional values from reference/tokenizers.md; replaced by the fitted table.
"""

from __future__ import annotations

__all__ = ["CONSERVATIVE", "RATES"]

_P = {
    "latin": 0.22,
    "digit": 0.6,
    "space": 0.05,
    "newline": 0.5,
    "punct": 0.6,
    "latin_ext": 0.6,
    "gen_punct": 1.0,
    "other": 1.5,
    "emoji": 2.0,
    "jamo": 0.7,
}

RATES: dict[str, dict[str, float]] = {
    "cl100k": {**_P, "hangul": 1.41, "kana": 0.95, "han": 1.55, "cjk_punct": 0.84},
    "o200k": {**_P, "hangul": 0.84, "kana": 0.68, "han": 1.01, "cjk_punct": 0.64},
    "qwen2": {**_P, "hangul": 0.93, "kana": 0.59, "han": 0.83, "cjk_punct": 1.11},
    "llama3": {**_P, "hangul": 0.85, "kana": 0.62, "han": 0.97, "cjk_punct": 0.88},
    "gemma3": {**_P, "hangul": 0.75, "kana": 0.44, "han": 0.80, "cjk_punct": 1.14},
    "mistral_v3": {**_P, "hangul": 1.55, "kana": 1.05, "han": 1.36, "cjk_punct": 1.22},
    "deepseek_v3": {**_P, "hangul": 1.01, "kana": 0.71, "han": 0.77, "cjk_punct": 0.88},
}

CONSERVATIVE: dict[str, float] = {
    key: round(1.1 * max(rates[key] for rates in RATES.values()), 4) for key in RATES["cl100k"]
}
