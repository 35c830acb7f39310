"""Exact counts with a Hugging Face ``tokenizer.json`` through the optional ``tokenizers`` package."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from soulkeeper.errors import MissingExtraError
from soulkeeper.tokens._protocol import ChatTemplate, TokenizerBase
from soulkeeper.tokens._templates import TEMPLATES, template_for_family

__all__ = ["HFTokenizer", "resolve_tokenizer_json"]

# special tokens that identify a chat template family inside tokenizer.json
_MARKERS = (
    ("<|im_start|>", "chatml"),
    ("<|start_header_id|>", "llama3"),
    ("<start_of_turn>", "gemma"),
    ("[INST]", "mistral"),
    ("<｜Assistant｜>", "deepseek"),
)


def resolve_tokenizer_json(path: str | Path) -> Path:
    """The ``tokenizer.json`` file named by ``path`` (the file itself or a folder holding it)."""
    candidate = Path(path).expanduser()
    if candidate.is_dir():
        candidate = candidate / "tokenizer.json"
    if not candidate.is_file():
        raise FileNotFoundError(
            f"hf tokenizer not found: {candidate} (give a tokenizer.json file or a folder containing one)"
        )
    return candidate


def _template_for(data: Any) -> ChatTemplate:
    """Guess the chat template family from the special tokens a tokenizer.json declares."""
    specials = {t.get("content") for t in data.get("added_tokens", ()) if isinstance(t, dict)}
    for marker, name in _MARKERS:
        if marker in specials:
            return TEMPLATES[name]
    return template_for_family(None)


class HFTokenizer(TokenizerBase):
    """Exact token counts with a Hugging Face ``tokenizer.json`` (``pip install "soulkeeper[hf]"``).

    Counts content tokens only (``add_special_tokens=False``: no BOS); :meth:`count_messages` adds the
    chat template overhead of the family recognised from the tokenizer's special tokens.
    """

    __slots__ = ("_tokenizer", "path")

    def __init__(self, path: str | Path) -> None:
        try:
            from tokenizers import Tokenizer as _HFTokenizer
        except ImportError as exc:
            raise MissingExtraError("counting with a Hugging Face tokenizer.json (hf:)", "hf") from exc
        file = resolve_tokenizer_json(path)
        try:
            raw = file.read_text(encoding="utf-8")
            template = _template_for(json.loads(raw))
            tokenizer = _HFTokenizer.from_str(raw)
        except Exception as exc:  # tokenizers raises a bare Exception on bad JSON
            raise ValueError(f"{file}: not a valid Hugging Face tokenizer.json ({exc})") from exc
        super().__init__(f"hf:{file}", template=template)
        self.path = file
        self._tokenizer = tokenizer

    def count(self, text: str) -> int:
        """Exact number of content tokens of ``text``."""
        if not text:
            return 0
        return len(self._tokenizer.encode(text, add_special_tokens=False).ids)
