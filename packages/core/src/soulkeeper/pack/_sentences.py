"""Sentence boundaries, so a section is only ever cut between sentences (and never inside code)."""

from __future__ import annotations

import re

__all__ = ["sentence_prefixes"]

# a piece ends after a sentence terminator (and closing quotes/brackets) followed by whitespace, after a
# CJK full stop, or at a line end (markdown list items and headings are sentences of their own)
_BOUNDARY = re.compile(r"(?<=[.!?…])[\"'”’)\]]*[ \t]+|(?<=[。！？])[\"'”’」』）\]]*[ \t]*|\n+")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})", re.MULTILINE)


def _fenced(text: str) -> list[tuple[int, int]]:
    """(start, end) character ranges of fenced code blocks; an unclosed fence runs to the end."""
    spans: list[tuple[int, int]] = []
    opened: tuple[int, str] | None = None
    for match in _FENCE.finditer(text):
        marker = match.group(1)
        if opened is None:
            opened = (match.start(), marker)
        elif marker[0] == opened[1][0] and len(marker) >= len(opened[1]):
            end = text.find("\n", match.end())
            spans.append((opened[0], len(text) if end < 0 else end))
            opened = None
    if opened is not None:
        spans.append((opened[0], len(text)))
    return spans


def sentence_prefixes(text: str) -> list[str]:
    """Every prefix of ``text`` that ends at a sentence boundary, shortest first, trailing space trimmed.

    The first prefix is the first sentence (for a section, its heading line); the last is the whole text.
    No prefix ends inside a fenced code block.
    """
    fences = _fenced(text)
    prefixes: list[str] = []
    for match in _BOUNDARY.finditer(text):
        end = match.end()
        if any(start < end <= stop for start, stop in fences):
            continue
        cut = text[:end].rstrip()
        if cut and (not prefixes or cut != prefixes[-1]):
            prefixes.append(cut)
    whole = text.rstrip()
    if whole and (not prefixes or prefixes[-1] != whole):
        prefixes.append(whole)
    return prefixes
