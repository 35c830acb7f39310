"""tokenizer_for_model: model names (OpenAI, Claude, Gemini, Ollama tags, HF ids) to the best tokenizer."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import require_data
from soulkeeper.tokens import (
    HF_TOKENIZERS_ENV,
    EstimateTokenizer,
    HFTokenizer,
    TiktokenTokenizer,
    hf_tokenizer_path,
    model_family,
    tokenizer_for_model,
)


@pytest.mark.parametrize(
    ("name", "family"),
    [
        ("gpt-4o", "o200k"),
        ("gpt-4o-mini-2024-07-18", "o200k"),
        ("openai:gpt-4.1", "o200k"),
        ("o1-preview", "o200k"),
        ("o3-mini", "o200k"),
        ("o4-mini", "o200k"),
        ("azure/gpt-5", "o200k"),
        ("gpt-4", "cl100k"),
        ("gpt-4-turbo", "cl100k"),
        ("gpt-3.5-turbo", "cl100k"),
        ("claude-3-5-sonnet-20241022", None),
        ("anthropic:claude-sonnet-4", None),
        ("gemini-2.0-flash", "gemma3"),
        ("gemini/gemini-2.5-pro", "gemma3"),
        ("gemma3:4b", "gemma3"),
        ("google/gemma-3-27b-it", "gemma3"),
        ("gemma2:9b", None),
        ("llama3.2:3b", "llama3"),
        ("ollama:llama3.1:8b-instruct-q4_K_M", "llama3"),
        ("meta-llama/Llama-3.2-3B-Instruct", "llama3"),
        ("llama-3.3-70b-versatile", "llama3"),
        ("llama2:7b", None),
        ("qwen2.5:7b-instruct-q4_K_M", "qwen2"),
        ("hf.co/bartowski/Qwen2.5-7B-Instruct-GGUF:Q4_K_M", "qwen2"),
        ("Qwen/Qwen3-8B", "qwen2"),
        ("qwq:32b", "qwen2"),
        ("mistral:7b", "mistral_v3"),
        ("mixtral:8x7b", "mistral_v3"),
        ("codestral:22b", "mistral_v3"),
        ("mistral/mistral-large-latest", "mistral_v3"),
        ("mistral-nemo:12b", None),
        ("deepseek-v3", "deepseek_v3"),
        ("deepseek/deepseek-chat", "deepseek_v3"),
        ("deepseek-r1:671b", "deepseek_v3"),
        ("deepseek-r1:7b", "qwen2"),
        ("deepseek-r1:8b", "llama3"),
        ("deepseek-ai/DeepSeek-R1-Distill-Qwen-14B", "qwen2"),
        ("phi4:14b", "cl100k"),
        ("my-own-finetune", None),
    ],
)
def test_model_family_table(name: str, family: str | None) -> None:
    """Model names, provider prefixes, organisations and Ollama tags map to the documented family."""
    assert model_family(name) == family


def test_openai_models_get_exact_tiktoken() -> None:
    """With the encoding in tiktoken's cache, OpenAI models count exactly."""
    require_data("tokenizers", "tiktoken-cache")
    assert isinstance(tokenizer_for_model("gpt-4o"), TiktokenTokenizer)
    assert tokenizer_for_model("gpt-4").name == "tiktoken:cl100k_base"


def test_without_cache_openai_models_fall_back_to_their_estimate(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without the encoding file, an OpenAI model gets its calibrated estimate and no network call."""
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(tmp_path))
    tok = tokenizer_for_model("gpt-4o-2024-08-06")
    assert isinstance(tok, EstimateTokenizer)
    assert tok.name == "estimate:o200k"


def test_hf_tokenizers_folder_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    """SOULKEEPER_HF_TOKENIZERS pointing at a folder of family sub-folders gives exact HF counts."""
    pytest.importorskip("tokenizers")
    folder = require_data("tokenizers", "hf")
    monkeypatch.setenv(HF_TOKENIZERS_ENV, str(folder))
    tok = tokenizer_for_model("qwen2.5:7b")
    assert isinstance(tok, HFTokenizer)
    assert tok.path == folder / "qwen2_5" / "tokenizer.json"
    assert hf_tokenizer_path("llama3") == folder / "llama3_1" / "tokenizer.json"


def test_hf_tokenizers_explicit_entry(monkeypatch: pytest.MonkeyPatch) -> None:
    """A 'family=path' entry names one tokenizer; other families fall back to estimates."""
    pytest.importorskip("tokenizers")
    gemma = require_data("tokenizers", "hf", "gemma3")
    monkeypatch.setenv(HF_TOKENIZERS_ENV, f"gemma3={gemma}")
    assert isinstance(tokenizer_for_model("gemma3:1b"), HFTokenizer)
    assert tokenizer_for_model("llama3.2").name == "estimate:llama3"


def test_without_local_files_open_models_get_calibrated_estimates(monkeypatch: pytest.MonkeyPatch) -> None:
    """With no local tokenizer.json, open-weight models get their family's calibrated estimate."""
    monkeypatch.delenv(HF_TOKENIZERS_ENV, raising=False)
    assert tokenizer_for_model("llama3.2:3b").name == "estimate:llama3"
    assert tokenizer_for_model("mistral:7b").name == "estimate:mistral_v3"


def test_models_without_public_tokenizer_get_the_conservative_estimate() -> None:
    """Claude and unknown models get the conservative estimate."""
    assert tokenizer_for_model("claude-opus-4-1").name == "estimate"
    assert tokenizer_for_model("totally-unknown-model").name == "estimate"
