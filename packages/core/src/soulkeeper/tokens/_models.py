"""``tokenizer_for_model``: the best available tokenizer for a model name."""

from __future__ import annotations

import os
import re
import threading
from pathlib import Path

from soulkeeper.tokens._protocol import Tokenizer
from soulkeeper.tokens._tiktoken import tiktoken_cached

__all__ = [
    "HF_TOKENIZERS_ENV",
    "available_tokenizers",
    "hf_tokenizer_path",
    "model_family",
    "tokenizer_for_model",
]

HF_TOKENIZERS_ENV = "SOULKEEPER_HF_TOKENIZERS"
"""Where local Hugging Face tokenizers live: entries separated by ``os.pathsep``, each either
``family=path`` (a tokenizer.json or its folder) or a folder with one sub-folder per family
(``qwen2_5/``, ``llama3_1/``, ``gemma3/``, ``mistral_v3/``, ``deepseek_v3/`` … holding tokenizer.json)."""

# family -> sub-folder names accepted under a SOULKEEPER_HF_TOKENIZERS folder
_HF_FOLDERS = {
    "qwen2": ("qwen2", "qwen2_5", "qwen2.5", "qwen3", "qwen"),
    "llama3": ("llama3", "llama3_1", "llama3.1", "llama3_2", "llama3.2", "llama3_3"),
    "gemma3": ("gemma3", "gemma-3"),
    "mistral_v3": ("mistral_v3", "mistral"),
    "deepseek_v3": ("deepseek_v3", "deepseek"),
    "cl100k": ("cl100k",),
    "o200k": ("o200k",),
}
_TIKTOKEN = {"cl100k": "cl100k_base", "o200k": "o200k_base"}
_FAMILIES = ("o200k", "cl100k", "qwen2", "llama3", "gemma3", "mistral_v3", "deepseek_v3")

# Ollama-style DeepSeek-R1 distills: the size tag names the base model (and so the tokenizer)
_R1_DISTILL = {
    "1.5b": "qwen2",
    "7b": "qwen2",
    "14b": "qwen2",
    "32b": "qwen2",
    "8b": "llama3",
    "70b": "llama3",
}

# first match wins; None = no public tokenizer known: the conservative estimate
_PATTERNS: tuple[tuple[str, str | None], ...] = (
    (r"^(gpt-4o|chatgpt-4o|gpt-4\.1|gpt-4\.5|gpt-5|gpt-oss|o1|o3|o4|codex-mini|computer-use)", "o200k"),
    (r"^(gpt-4|gpt-3\.5|gpt-35|text-embedding-3|text-embedding-ada|phi-?4)", "cl100k"),
    (r"^claude", None),  # no public tokenizer for Claude 3+
    (r"^(gemini|gemma-?3|gemma3n)", "gemma3"),  # Gemma 3 shares Gemini 2's vocabulary
    (r"^(gemma|codegemma)", None),  # Gemma 1/2: a different vocabulary (Korean ~17 % above Gemma 3)
    (r"^(meta-)?llama-?[34]|^llama-?guard-?3|^hermes-?3|^tulu-?3|^nemotron", "llama3"),
    (r"^(qwen|qwq|qvq|codeqwen)", "qwen2"),
    (
        r"^(mistral-nemo|open-mistral-nemo|mistral-small-?(3|24)|mistral-medium|ministral|pixtral|magistral|devstral)",
        None,
    ),  # Tekken
    (r"^(mistral|mixtral|codestral|mathstral|open-mistral|open-mixtral)", "mistral_v3"),
    (r"^deepseek-?(v3|r1|chat|reasoner|v2\.5|prover-v2)", "deepseek_v3"),
)
_COMPILED = tuple((re.compile(pattern), family) for pattern, family in _PATTERNS)
# provider prefixes ("ollama:", "openai/"); "mistral" and "gemini" only with "/" since "mistral:7b" is a model
_PROVIDERS = re.compile(
    r"^((ollama|openai|azure|azure_ai|anthropic|google|vertex_ai|vertex|bedrock|groq|together|togetherai|"
    r"together_ai|fireworks|fireworks_ai|openrouter|deepinfra|huggingface|hf|litellm|lmstudio|vllm)[:/]"
    r"|(mistral|gemini|deepseek)/)"
)
_LOCK = threading.Lock()
_CACHE: dict[tuple[str, str, str], Tokenizer] = {}


def _normalise(model_name: str) -> tuple[str, str]:
    """``(base name, tag)`` with provider prefixes, organisations and Ollama tags removed."""
    name = model_name.strip().lower()
    name = re.sub(r"^(https?://)?(hf\.co|huggingface\.co)/", "", name)
    while True:
        stripped = _PROVIDERS.sub("", name, count=1)
        if stripped == name:
            break
        name = stripped
    name = name.rsplit("/", 1)[-1]  # organisation/repo -> repo
    name, _, tag = name.partition(":")
    name = name.replace("_", "-")
    return name, tag


def model_family(model_name: str) -> str | None:
    """The tokenizer family of a model name, or ``None`` when no public tokenizer is known.

    >>> model_family("ollama:qwen2.5:7b-instruct-q4_K_M")
    'qwen2'
    >>> model_family("claude-sonnet-4") is None
    True
    """
    name, tag = _normalise(model_name)
    if name.startswith("deepseek-r1") and tag:
        size = re.match(r"[\d.]+b", tag)
        if size and size.group(0) in _R1_DISTILL:
            return _R1_DISTILL[size.group(0)]
    if "distill-qwen" in name:
        return "qwen2"
    if "distill-llama" in name:
        return "llama3"
    for pattern, family in _COMPILED:
        if pattern.search(name):
            return family
    return None


def hf_tokenizer_path(family: str) -> Path | None:
    """The local tokenizer.json for ``family`` named by ``SOULKEEPER_HF_TOKENIZERS``, if any."""
    setting = os.environ.get(HF_TOKENIZERS_ENV, "")
    for entry in filter(None, (part.strip() for part in setting.split(os.pathsep))):
        key, sep, value = entry.partition("=")
        if sep:
            if key.strip().lower() == family:
                path = Path(value.strip()).expanduser()
                path = path / "tokenizer.json" if path.is_dir() else path
                if path.is_file():
                    return path
            continue
        for folder in _HF_FOLDERS.get(family, (family,)):
            path = Path(entry).expanduser() / folder / "tokenizer.json"
            if path.is_file():
                return path
    return None


def _best_for_family(family: str) -> Tokenizer | None:
    """The exact tokenizer of ``family`` if one is available offline, else ``None``."""
    from soulkeeper.tokens._registry import get_tokenizer

    path = hf_tokenizer_path(family)
    if path is not None:
        try:
            return get_tokenizer(f"hf:{path}")
        except ImportError:
            pass
    if family in _TIKTOKEN and tiktoken_cached(_TIKTOKEN[family]):
        return get_tokenizer(f"tiktoken:{_TIKTOKEN[family]}")
    return None


def available_tokenizers() -> list[tuple[str, Tokenizer]]:
    """``(family, tokenizer)`` for the conservative estimate and every family, exact where available.

    The first entry is ``("estimate", <conservative estimate>)``; each family follows with its exact
    tokenizer (tiktoken cache, ``SOULKEEPER_HF_TOKENIZERS``) or else its calibrated estimate.
    """
    from soulkeeper.tokens._registry import get_tokenizer

    found: list[tuple[str, Tokenizer]] = [("estimate", get_tokenizer("estimate"))]
    for family in _FAMILIES:
        found.append((family, _best_for_family(family) or get_tokenizer(f"estimate:{family}")))
    return found


def tokenizer_for_model(model_name: str) -> Tokenizer:
    """The best tokenizer available offline for ``model_name``.

    In order: a local ``tokenizer.json`` named by ``SOULKEEPER_HF_TOKENIZERS`` (needs the ``hf`` extra),
    the tiktoken encoding when it is in tiktoken's cache (OpenAI models), the family's calibrated
    estimate, and for models without a public tokenizer (Claude, unknown names) the conservative
    ``estimate``. Never touches the network. See docs/tokens.md for the mapping table.
    """
    from soulkeeper.tokens._registry import get_tokenizer

    key = (model_name, os.environ.get(HF_TOKENIZERS_ENV, ""), os.environ.get("TIKTOKEN_CACHE_DIR", ""))
    with _LOCK:
        if key in _CACHE:
            return _CACHE[key]
    family = model_family(model_name)
    tokenizer = _best_for_family(family) if family is not None else None
    if tokenizer is None:
        tokenizer = get_tokenizer(f"estimate:{family}" if family else "estimate")
    with _LOCK:
        return _CACHE.setdefault(key, tokenizer)
