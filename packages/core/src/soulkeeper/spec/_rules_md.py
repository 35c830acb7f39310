"""Rules from the markdown sources: ``RULES.md`` sections and ``IDENTITY.md`` bullet fields."""

from __future__ import annotations

import re
from typing import Any

from soulkeeper.spec._findings import Issues
from soulkeeper.spec.model import SoulFile

__all__ = ["bullets", "from_identity", "from_rules_md"]

_BULLET = re.compile(r"^\s{0,3}(?:[-*+]|\d{1,3}[.)])\s+(.*\S)\s*$")
_FIELD = re.compile(r"^\s*[-*+]\s+\*\*(?P<key>[^*]+?)\s*:?\s*\*\*\s*:?\s*(?P<value>.*?)\s*$")
_RULES_HEADINGS = {
    "must always": "must_always",
    "always": "must_always",
    "must never": "must_never",
    "never": "must_never",
    "escalation": "escalation",
    "escalate": "escalation",
}
_LANGUAGE_NAMES = {
    "english": "en", "korean": "ko", "japanese": "ja", "chinese": "zh", "german": "de", "french": "fr",
    "spanish": "es", "italian": "it", "portuguese": "pt", "dutch": "nl", "vietnamese": "vi", "hindi": "hi",
    "한국어": "ko", "영어": "en", "日本語": "ja", "中文": "zh",
}  # fmt: skip
_SPEECH_WORDS = {
    "반말": "casual", "casual": "casual", "plain": "casual", "해요체": "polite", "polite": "polite",
    "です/ます": "polite", "desu/masu": "polite", "하십시오체": "formal", "keigo": "formal", "敬語": "formal",
    "formal": "formal",
}  # fmt: skip
_EMPTY_VALUES = frozenset({"none", "n/a", "-", "—", "tbd", "(none)"})


def bullets(text: str) -> list[str]:
    """Bullet items of a markdown block; indented continuation lines are joined to their item."""
    items: list[str] = []
    for line in text.split("\n")[1:] if text.startswith("#") else text.split("\n"):
        match = _BULLET.match(line)
        if match:
            items.append(match.group(1).strip())
        elif items and line.startswith(("  ", "\t")) and line.strip():
            items[-1] += " " + line.strip()
    return items


def from_rules_md(file: SoulFile, issues: Issues) -> dict[str, Any]:
    """Bullets under Must Always / Must Never / Escalation, including their deeper sub-sections."""
    boundaries: dict[str, list[str]] = {}
    current: tuple[str, int] | None = None  # (key, level) of the open recognised section
    for section in file.sections:
        if section.level == 0:
            continue
        key = _RULES_HEADINGS.get(_heading_key(section.heading))
        if key is None:
            if current is not None and section.level > current[1]:
                boundaries[current[0]].extend(bullets(section.text))
            else:
                current = None
            continue
        current = (key, section.level)
        items = bullets(section.text)
        boundaries.setdefault(key, []).extend(items)
    for section in file.sections:
        key = _RULES_HEADINGS.get(_heading_key(section.heading))
        if key is not None and section.level > 0 and not boundaries.get(key):
            issues.add(
                "SK304", f'section "{section.heading}" has no bullet items', file=file.path, line=section.line
            )
    if not boundaries:
        issues.add(
            "SK303",
            "RULES.md has none of the sections ## Must Always, ## Must Never, ## Escalation",
            file=file.path,
        )
        return {}
    return {"boundaries": {key: items for key, items in boundaries.items() if items}}


def _heading_key(heading: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", heading.lower().replace("-", " ")).split())


def from_identity(file: SoulFile) -> dict[str, Any]:
    identity: dict[str, Any] = {}
    voice: dict[str, Any] = {}
    for line in file.text.split("\n"):
        match = _FIELD.match(line)
        if not match or not match.group("value"):
            continue
        key = match.group("key").strip().rstrip(":").strip().lower()
        value = match.group("value").strip()
        if value.casefold() in _EMPTY_VALUES:
            continue
        if key == "name":
            identity.setdefault("name", value)
        elif key in ("aliases", "alias", "also known as", "nicknames"):
            identity["aliases"] = [alias.strip() for alias in re.split(r"[,;/]", value) if alias.strip()]
        elif key in ("role", "creature"):
            if key == "role" or "role" not in identity:
                identity["role"] = value
        elif key == "emoji":
            identity["emoji"] = value
        elif key == "vibe":
            identity["vibe"] = value
            tone = _tone(value)
            if tone:
                voice.setdefault("tone", tone)
        elif key == "tone":
            tone = _tone(value)
            if tone:
                voice["tone"] = tone
        elif key in ("language", "languages", "communication"):
            language = _language(value)
            if language:
                voice["language"] = language
        elif key in ("speech level", "register", "speech"):
            level = _speech_level(value)
            if level:
                voice["speech_level"] = level
    if "name" not in identity:
        h1 = next((s for s in file.sections if s.level == 1 and s.heading), None)
        if h1 is not None:
            identity["name"] = re.split(r"\s+[—–-]\s+", h1.heading)[0].strip()
    result: dict[str, Any] = {}
    if identity:
        result["identity"] = identity
    if voice:
        result["voice"] = voice
    return result


def _tone(value: str) -> str | None:
    words = set(re.findall(r"[\w-]+", value.lower()))
    formal = bool(words & {"formal", "professional"}) and not words & {"informal", "semi-formal"}
    casual = bool(words & {"casual", "informal", "laid-back", "relaxed"})
    if formal and not casual:
        return "formal"
    if casual and not formal:
        return "casual"
    return None


def _language(value: str) -> str | None:
    lowered = value.lower()
    if "match" in lowered or "same language" in lowered or "user's language" in lowered:
        return "match_user"
    codes = {code for name, code in _LANGUAGE_NAMES.items() if name in lowered}
    return codes.pop() if len(codes) == 1 else None


def _speech_level(value: str) -> str | None:
    lowered = value.lower()
    levels = {level for word, level in _SPEECH_WORDS.items() if word in lowered}
    return levels.pop() if len(levels) == 1 else None
