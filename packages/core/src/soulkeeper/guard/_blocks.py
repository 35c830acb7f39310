"""The guard's own text blocks inside the system message, and how to recognise them again.

The guard adds delimited blocks to the persona: a reminder of broken rules when re-anchoring, anchoring
examples when restoring, and a conversation summary when compacting. They are XML-style tags, easy for a
model to read and for the guard to strip when its own output comes back in the history.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from soulkeeper.spec.rules import Rules

__all__ = [
    "EXAMPLES_TAG",
    "REMINDER_TAG",
    "SUMMARY_TAG",
    "block",
    "examples_block",
    "find_block",
    "is_reminder_only",
    "reminder_block",
    "rule_phrase",
    "strip_blocks",
]

REMINDER_TAG = "persona-reminder"
EXAMPLES_TAG = "persona-examples"
SUMMARY_TAG = "conversation-summary"

_BLOCK_RE = {
    tag: re.compile(rf"\n*<{tag}>\n?.*?\n?</{tag}>\n*", re.DOTALL)
    for tag in (REMINDER_TAG, EXAMPLES_TAG, SUMMARY_TAG)
}

_SPEECH_LEVEL_NAMES = {
    "formal": "formal (하십시오체 / keigo)",
    "polite": "polite (해요체 / desu-masu)",
    "casual": "casual (반말 / plain form)",
}


def block(tag: str, body: str) -> str:
    """Wrap ``body`` in ``<tag>…</tag>``."""
    return f"<{tag}>\n{body.strip()}\n</{tag}>"


def strip_blocks(text: str, tags: Iterable[str]) -> str:
    """Remove every ``<tag>…</tag>`` block of the given tags from ``text``."""
    for tag in tags:
        pattern = _BLOCK_RE.get(tag)
        if pattern is not None and f"<{tag}>" in text:
            text = pattern.sub("\n\n", text)
    return text.strip()


def find_block(text: str, tag: str) -> str | None:
    """The body of the first ``<tag>…</tag>`` block in ``text``, or ``None``."""
    start = text.find(f"<{tag}>")
    end = text.find(f"</{tag}>", start + 1)
    if start < 0 or end < 0:
        return None
    return text[start + len(tag) + 2 : end].strip()


_REMINDER_OPEN = f"<{REMINDER_TAG}>"


def is_reminder_only(text: str) -> bool:
    """True when ``text`` is nothing but a reminder block (a tail reminder of an earlier ``prepare``)."""
    if _REMINDER_OPEN not in text:  # the common case, without copying the text
        return False
    stripped = text.strip()
    return stripped.startswith(_REMINDER_OPEN) and not strip_blocks(stripped, (REMINDER_TAG,))


def rule_phrase(rule_id: str, rules: Rules) -> str:
    """A short imperative sentence for a rule id (``voice.prohibited.emoji`` -> "Do not use emoji.")."""
    parts = rule_id.split(".")
    head = parts[0]
    if rule_id.startswith("voice.prohibited."):
        kind = parts[2] if len(parts) > 2 else ""
        return {
            "emoji": "Do not use emoji.",
            "emoticons": "Do not use emoticons or kaomoji.",
            "exclamation": "Do not use exclamation marks.",
            "casual_greetings": "Do not open with casual greetings.",
        }.get(kind, f"Avoid the prohibited {kind or 'patterns'}.")
    if rule_id.startswith("voice.language"):
        lang = rules.voice.language
        if lang == "match_user":
            return "Answer in the user's language."
        return f"Answer in {lang}." if lang else "Answer in your usual language."
    if rule_id.startswith("voice.speech_level"):
        level = rules.voice.speech_level
        return f"Use the {_SPEECH_LEVEL_NAMES.get(level or '', level or 'required')} speech level."
    if rule_id.startswith(("voice.tone", "voice.formality")):
        return f"Keep a {rules.voice.tone or 'consistent'} tone."
    if head == "identity":
        name = rules.identity.name
        if name:
            return f"You are {name}: never call yourself anything else or claim to be a base model."
        return "Keep your identity: never claim to be a base model or another assistant."
    if rule_id.startswith("boundaries.declined_topics"):
        topic = parts[2] if len(parts) > 2 else "declined topics"
        return f"Decline to discuss {topic.replace('_', ' ')}."
    if rule_id.startswith("behaviors.greeting"):
        greeting = rules.behaviors.greeting
        return f"Open with the required greeting ({greeting})." if greeting else "Use the required greeting."
    if rule_id.startswith("behaviors.length"):
        return "Keep replies within your length limits."
    if rule_id.startswith("behaviors.error_format"):
        return f"Format errors as: {rules.behaviors.error_format}"
    if rule_id.startswith("behaviors.status_format"):
        return "Use the required status format."
    return f"Follow your rule {rule_id}."


def reminder_block(rule_ids: Sequence[str], rules: Rules, *, name: str) -> str:
    """The re-anchor reminder: who the persona is and the rules the last replies broke."""
    lines = [f"Stay in persona as {name}. Your recent replies broke these rules; follow them from now on:"]
    phrases = list(dict.fromkeys(rule_phrase(r, rules) for r in rule_ids))
    if not phrases:
        phrases = ["Follow your persona exactly as described above."]
    lines.extend(f"- {p}" for p in phrases)
    return block(REMINDER_TAG, "\n".join(lines))


def examples_block(exemplars: Sequence[str], *, name: str) -> str:
    """Anchoring examples: earlier in-persona replies, restored from a known-good checkpoint."""
    lines = [f"Earlier replies of yours as {name}, in persona. Keep this voice:"]
    lines.extend(f"---\n{e.strip()}" for e in exemplars if e.strip())
    return block(EXAMPLES_TAG, "\n".join(lines))
