"""The public surface of soulkeeper.tokens."""

from __future__ import annotations

import soulkeeper.tokens as tokens


def test_public_names_are_pinned() -> None:
    """soulkeeper.tokens exports exactly these names, sorted, and each one exists."""
    assert tokens.__all__ == [
        "CLASSES",
        "DEFAULT_TOKENIZER",
        "ESTIMATE_FAMILIES",
        "HF_TOKENIZERS_ENV",
        "TEMPLATES",
        "CallableTokenizer",
        "ChatTemplate",
        "EstimateTokenizer",
        "HFTokenizer",
        "TiktokenTokenizer",
        "Tokenizer",
        "TokenizerBase",
        "available_tokenizers",
        "get_tokenizer",
        "hf_tokenizer_path",
        "model_family",
        "script_counts",
        "tiktoken_cached",
        "tokenizer_factories",
        "tokenizer_for_model",
    ]
    assert all(hasattr(tokens, name) for name in tokens.__all__)


def test_default_tokenizer_and_families() -> None:
    """The default spec is the conservative estimate and the seven calibrated families are listed."""
    assert tokens.DEFAULT_TOKENIZER == "estimate"
    assert tokens.ESTIMATE_FAMILIES == (
        "cl100k",
        "deepseek_v3",
        "gemma3",
        "llama3",
        "mistral_v3",
        "o200k",
        "qwen2",
    )


def test_builtin_tokenizers_are_a_default_plugin() -> None:
    """The built-in tokenizer prefixes come from a module listed in DEFAULT_PLUGINS."""
    from soulkeeper.plugins import DEFAULT_PLUGINS

    assert "soulkeeper.default_plugins.tokenizers" in DEFAULT_PLUGINS
    assert {"estimate", "hf", "tiktoken"} <= set(tokens.tokenizer_factories())
