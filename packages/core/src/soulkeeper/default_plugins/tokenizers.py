"""Built-in tokenizers, registered like any third-party plugin: ``tiktoken:``, ``hf:`` and ``estimate``."""

from __future__ import annotations

from collections.abc import Callable

from soulkeeper.plugins import hookimpl
from soulkeeper.tokens import EstimateTokenizer, HFTokenizer, TiktokenTokenizer, Tokenizer


def _tiktoken(argument: str) -> Tokenizer:
    if not argument:
        raise ValueError("tiktoken: needs an encoding name, e.g. 'tiktoken:o200k_base'")
    return TiktokenTokenizer(argument)


def _hf(argument: str) -> Tokenizer:
    if not argument:
        raise ValueError("hf: needs a path to a tokenizer.json or a folder holding one, e.g. 'hf:./qwen2_5'")
    return HFTokenizer(argument)


def _estimate(argument: str) -> Tokenizer:
    return EstimateTokenizer(argument or None)


@hookimpl
def register_tokenizers(register: Callable[..., None]) -> None:
    """Register the ``tiktoken``, ``hf`` and ``estimate`` spec prefixes."""
    register("tiktoken", _tiktoken)
    register("hf", _hf)
    register("estimate", _estimate)
