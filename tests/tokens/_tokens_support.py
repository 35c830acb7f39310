"""The real tokenizers the estimate tests compare against (read in place from ../shared/data/tokenizers)."""

from __future__ import annotations

import pytest
from conftest import require_data
from soulkeeper.tokens import Tokenizer, get_tokenizer

__all__ = ["REAL", "real_tokenizer"]

# family -> (folder or tiktoken encoding) of the real tokenizer in ../shared/data/tokenizers
REAL = {
    "cl100k": "tiktoken:cl100k_base",
    "o200k": "tiktoken:o200k_base",
    "qwen2": "hf/qwen2_5",
    "llama3": "hf/llama3_1",
    "gemma3": "hf/gemma3",
    "mistral_v3": "hf/mistral_v3",
    "deepseek_v3": "hf/deepseek_v3",
}


def real_tokenizer(family: str) -> Tokenizer:
    """The family's real tokenizer; skips (a failure under ``SOULKEEPER_STRICT``) when its data is absent."""
    spec = REAL[family]
    if spec.startswith("tiktoken:"):
        require_data("tokenizers", "tiktoken-cache")
        return get_tokenizer(spec)
    pytest.importorskip("tokenizers")
    return get_tokenizer(f"hf:{require_data('tokenizers', *spec.split('/'))}")
