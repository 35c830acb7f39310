"""Sentence boundaries, so a section is only ever cut between sentences."""

from __future__ import annotations

import re

__all__ = ["sentence_prefixes"]

# a piece ends after a sentence terminator (and closing quotes/brackets) followed by whitespace, after a
# CJK full stop, or at a line end (markdown list items and headings are sentences of their own)
_BOUNDARY = re.compile(r"(?<=[.!?…])[\"'”’)\]]*[ \t]+|(?<=[。！？])[\"'”’」』）\]]*[ \t]*|\n+")


def sentence_prefixes(text: str) -> list[str]:
    """Every prefix of ``text`` that ends at a sentence boundary, shortest first, trailing space trimmed.

    The first prefix is the first sentence (for a section, its heading line); the last is the whole text.
    """
    prefixes: list[str] = []
    for match in _BOUNDARY.finditer(text):
        cut = text[: match.end()].rstrip()
        if cut and (not prefixes or cut != prefixes[-1]):
            prefixes.append(cut)
    whole = text.rstrip()
    if whole and (not prefixes or prefixes[-1] != whole):
        prefixes.append(whole)
    return prefixes
