"""Exact counts with OpenAI's tiktoken encodings (offline when ``TIKTOKEN_CACHE_DIR`` holds the files)."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path
from typing import Any

from soulkeeper.tokens._protocol import TokenizerBase
from soulkeeper.tokens._templates import template_for_family

__all__ = ["TiktokenTokenizer", "tiktoken_cached"]

_BLOB = "https://openaipublic.blob.core.windows.net/encodings/{}.tiktoken"
# encoding -> the file tiktoken downloads (its cache file name is the SHA-1 of this URL)
_FILES = {
    "cl100k_base": "cl100k_base",
    "o200k_base": "o200k_base",
    "o200k_harmony": "o200k_base",
    "p50k_base": "p50k_base",
    "p50k_edit": "p50k_base",
    "r50k_base": "r50k_base",
}
_FAMILY = {"cl100k_base": "cl100k", "o200k_base": "o200k", "o200k_harmony": "o200k"}


def _cache_dir() -> str | None:
    """The folder tiktoken reads cached encodings from, mirroring tiktoken's own lookup."""
    if "TIKTOKEN_CACHE_DIR" in os.environ:
        return os.environ["TIKTOKEN_CACHE_DIR"] or None
    if "DATA_GYM_CACHE_DIR" in os.environ:
        return os.environ["DATA_GYM_CACHE_DIR"] or None
    return str(Path(tempfile.gettempdir()) / "data-gym-cache")


def tiktoken_cached(encoding: str) -> bool:
    """Whether ``encoding`` loads without the network (its file is in tiktoken's cache folder)."""
    file = _FILES.get(encoding)
    folder = _cache_dir()
    if file is None or folder is None:
        return False
    key = hashlib.sha1(_BLOB.format(file).encode()).hexdigest()
    return (Path(folder) / key).is_file()


def _load(encoding: str) -> Any:
    import tiktoken

    known = tiktoken.list_encoding_names()
    if encoding not in known:
        raise ValueError(f"unknown tiktoken encoding {encoding!r}: known encodings are {', '.join(known)}")
    if "TIKTOKEN_CACHE_DIR" in os.environ and encoding in _FILES and not tiktoken_cached(encoding):
        raise FileNotFoundError(
            f"tiktoken encoding {encoding!r} is not in TIKTOKEN_CACHE_DIR={os.environ['TIKTOKEN_CACHE_DIR']!r}:"
            " put the encoding file there (or unset TIKTOKEN_CACHE_DIR to let tiktoken download it)"
        )
    try:
        return tiktoken.get_encoding(encoding)
    except Exception as exc:
        raise FileNotFoundError(
            f"tiktoken encoding {encoding!r} could not be loaded ({type(exc).__name__}):"
            " set TIKTOKEN_CACHE_DIR to a folder holding the encoding file to work offline"
        ) from exc


class TiktokenTokenizer(TokenizerBase):
    """Exact token counts with a tiktoken encoding such as ``cl100k_base`` or ``o200k_base``.

    Special-token strings in the text (``<|endoftext|>``) are counted as ordinary text, as a model
    would see them in a persona file.
    """

    __slots__ = ("encoding",)

    def __init__(self, encoding: str) -> None:
        super().__init__(f"tiktoken:{encoding}", template=template_for_family(_FAMILY.get(encoding, "o200k")))
        self.encoding = _load(encoding)

    def count(self, text: str) -> int:
        """Exact number of tokens of ``text``."""
        return len(self.encoding.encode_ordinary(text))
