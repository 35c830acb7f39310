"""Section priorities: which markdown sections a tight budget keeps first.

A section's class comes from keywords in its heading (case-insensitive substring match, English and
Korean/Japanese/Chinese); a section whose heading matches nothing inherits the class of its parent
heading, and a top-level title (``#``) or the text before the first heading is class 0. Lower classes
are kept first; within a class, earlier files and earlier sections win.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping

__all__ = ["ANECDOTES", "DEFAULT_PRIORITIES", "UNMATCHED", "classify_sections"]

CORE = 0
PRINCIPLES = 1
VOICE = 2
UNMATCHED = 3
EXAMPLES = 4
ANECDOTES = 5

DEFAULT_PRIORITIES: Mapping[str, int] = {
    # 0: boundaries, hard rules, safety
    **dict.fromkeys(
        (
            "boundar", "limit", "never", "must", "rule", "safety", "law", "prohibit", "forbid",
            "don't", "do not", "escalat", "경계", "규칙", "금지", "안전", "절대", "禁止", "ルール", "規則",
            "规则", "安全",
        ),
        CORE,
    ),
    # 1: principles, values, identity
    **dict.fromkeys(
        (
            "principle", "value", "identity", "core", "mission", "ethic", "belief", "원칙", "가치",
            "정체성", "原則", "原则", "価値",
        ),
        PRINCIPLES,
    ),
    # 2: how the persona sounds
    **dict.fromkeys(
        (
            "tone", "voice", "style", "personality", "language", "communicat", "speech", "register",
            "formality", "vibe", "persona", "character", "말투", "어조", "성격", "문체", "스타일", "화법",
            "존댓말", "口調", "話し方", "性格", "语气", "风格",
        ),
        VOICE,
    ),
    # 4: examples
    **dict.fromkeys(
        ("example", "sample", "demo", "good output", "bad output", "예시", "예문", "例"), EXAMPLES
    ),
    # 5: anecdotes, stories, trivia
    **dict.fromkeys(
        (
            "stor", "anecdot", "hobb", "background", "history", "backstory", "fun fact", "trivia",
            "memor", "favorite", "favourite", "quote", "이야기", "일화", "취미", "배경", "추억", "좋아하는",
            "趣味", "思い出", "故事", "爱好",
        ),
        ANECDOTES,
    ),
}  # fmt: skip
"""Heading keyword -> class (0 boundaries/hard rules/safety, 1 principles/values, 2 tone/voice/style,
3 anything else, 4 examples, 5 stories/anecdotes/hobbies). When several keywords match, the lowest
class wins."""


@functools.lru_cache(maxsize=64)
def _matchers(items: tuple[tuple[str, int], ...]) -> tuple[tuple[int, re.Pattern[str]], ...]:
    by_class: dict[int, list[str]] = {}
    for keyword, cls in items:
        if keyword:
            by_class.setdefault(cls, []).append(re.escape(keyword.casefold()))
    return tuple(
        (cls, re.compile("|".join(sorted(words, key=len, reverse=True))))
        for cls, words in sorted(by_class.items())
    )


def heading_class(heading: str, priorities: Mapping[str, int]) -> int | None:
    """The class the heading's keywords give (the lowest when several match), or ``None``."""
    return _class(heading, _matchers(tuple(sorted(priorities.items()))))


def _class(heading: str, matchers: tuple[tuple[int, re.Pattern[str]], ...]) -> int | None:
    folded = heading.casefold()
    for cls, pattern in matchers:
        if pattern.search(folded):
            return cls
    return None


def classify_sections(headings: Iterable[tuple[str, int]], priorities: Mapping[str, int]) -> list[int]:
    """Classes for a file's sections, given ``(heading, level)`` pairs in document order.

    A heading with no matching keyword inherits from its nearest enclosing heading; a title (level 1)
    or preamble (level 0) with no keyword is class 0: it names the file and costs little.
    """
    matchers = _matchers(tuple(sorted(priorities.items())))
    classes: list[int] = []
    stack: list[tuple[int, int | None]] = []  # (level, class given by a keyword, or inherited)
    for heading, level in headings:
        while stack and stack[-1][0] >= level > 0:
            stack.pop()
        own = _class(heading, matchers) if heading else None
        inherited = next((cls for _, cls in reversed(stack) if cls is not None), None)
        if own is not None:
            classes.append(own)
        elif inherited is not None:
            classes.append(inherited)
        else:
            classes.append(CORE if level <= 1 else UNMATCHED)
        if level > 0:
            stack.append((level, own if own is not None else inherited))
    return classes
