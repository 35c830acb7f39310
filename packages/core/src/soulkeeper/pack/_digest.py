"""Tier-1 text rendered from the structured rules: the hard-rules digest and one-line identities."""

from __future__ import annotations

from collections.abc import Callable

from soulkeeper.spec.rules import Rules

__all__ = ["fallback_line", "identity_line", "rules_digest"]

_LANGUAGES = {
    "ko": "Korean",
    "en": "English",
    "ja": "Japanese",
    "zh": "Chinese",
    "de": "German",
    "fr": "French",
    "es": "Spanish",
    "it": "Italian",
    "pt": "Portuguese",
    "nl": "Dutch",
    "vi": "Vietnamese",
    "hi": "Hindi",
}
_SPEECH = {"formal": "formal", "polite": "polite", "casual": "casual"}


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " or " + items[-1]


def _clean(rule: str) -> str:
    return " ".join(rule.split()).rstrip(".")


def hard_rules(rules: Rules) -> list[str]:
    """The hard rules as short readable lines, most important first (no bullets)."""
    lines: list[str] = []
    for law in rules.safety_laws:
        lines.append(f"Safety: {_clean(law)}.")
    for rule in rules.boundaries.must_never:
        text = _clean(rule)
        lines.append(text + "." if text.casefold().startswith("never") else f"Never: {text}.")
    prohibited = rules.voice.prohibited
    flags = [
        label
        for on, label in (
            (prohibited.emoji, "emoji"),
            (prohibited.emoticons, "emoticons"),
            (prohibited.exclamation, "exclamation marks"),
            (prohibited.casual_greetings, "casual greetings"),
        )
        if on
    ]
    if flags:
        lines.append(f"Never use {_join(flags)}.")
    if prohibited.words:
        lines.append("Never use these words: " + ", ".join(f'"{w}"' for w in prohibited.words) + ".")
    readable = [p for p in prohibited.patterns if len(p) <= 80]
    if readable:
        lines.append("Never write text matching " + ", ".join(f"/{p}/" for p in readable) + ".")
    if len(readable) < len(prohibited.patterns):
        lines.append("Never write text matching the other prohibited patterns of the rules.")
    topics = [topic.name.replace("_", " ") for topic in rules.boundaries.declined_topics]
    if topics:
        lines.append("Decline to discuss: " + ", ".join(topics) + ".")
    return lines


def rules_digest(rules: Rules) -> str:
    """The compact tier-1 digest of the hard rules, or ``""`` when the persona has none."""
    lines = hard_rules(rules)
    if not lines:
        return ""
    return "## Hard rules (always apply)\n" + "\n".join(f"- {line}" for line in lines)


def _voice(rules: Rules) -> str:
    language = rules.voice.language
    if not language:
        return ""
    if language == "match_user":
        return "Answer in the user's language."
    name = _LANGUAGES.get(language, language)
    level = rules.voice.speech_level
    if level and language in ("ko", "ja"):
        return f"Answer in {name}, {_SPEECH[level]} speech level."
    return f"Answer in {name}."


def identity_line(display_name: str, rules: Rules) -> str:
    """``"You are Mati, a Korean tea-house host."`` from the name and ``rules.identity.role``."""
    role = (rules.identity.role or "").strip().rstrip(".")
    return f"You are {display_name}, {role}." if role else f"You are {display_name}."


def fallback_line(display_name: str, rules: Rules, budget: int, count: Callable[[str], int]) -> str | None:
    """The longest one-line identity (name, role, language, top hard rules) within ``budget``.

    Returns ``None`` when not even ``"You are <name>."`` fits.
    """
    candidates = [identity_line(display_name, rules), f"You are {display_name}."]
    base = next((c for c in candidates if count(c) <= budget), None)
    if base is None:
        return None
    line = base
    for extra in (_voice(rules), *hard_rules(rules)):
        if extra and count(f"{line} {extra}") <= budget:
            line = f"{line} {extra}"
    return line
