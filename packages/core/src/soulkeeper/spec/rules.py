"""Structured persona rules: the machine-checkable part of a persona.

Soul Spec keeps persona content as free markdown; soulkeeper reads the checkable parts into one
:class:`Rules` object from, in order of precedence: the package's structured rules file
(``rules.yaml``), the ``rules`` object of ``soul.json``, ``RULES.md`` and the bullet fields of
``IDENTITY.md``. The format is documented in ``docs/rules.md``.

Every rule has a stable dotted id (``voice.prohibited.emoji``, ``boundaries.declined_topics.politics``)
that violations, reminders and reports refer to.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "Behaviors",
    "Boundaries",
    "DeclinedTopic",
    "IdentityRules",
    "LengthLimits",
    "Prohibited",
    "Rules",
    "SpeechLevel",
    "Tone",
    "VoiceRules",
]

Tone = Literal["formal", "neutral", "casual"]
SpeechLevel = Literal["formal", "polite", "casual"]
"""Korean/Japanese register: ``formal`` = 하십시오체 / keigo, ``polite`` = 해요체 / desu-masu,
``casual`` = 반말 / plain form."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class IdentityRules(_Model):
    name: str | None = None
    """The persona's name; a response calling itself something else is identity drift."""
    aliases: tuple[str, ...] = ()
    """Other names the persona may use for itself."""
    role: str | None = None
    """One-line role, e.g. "a senior DevOps engineer"."""
    emoji: str | None = None
    """The persona's signature emoji from IDENTITY.md (informational; see ``voice.prohibited.emoji``)."""
    vibe: str | None = None
    """The IDENTITY.md "Vibe" line, as written."""


class Prohibited(_Model):
    emoji: bool = False
    emoticons: bool = False
    """Text emoticons and kaomoji such as ``:)``, ``^^``, ``(＾▽＾)``."""
    exclamation: bool = False
    """Exclamation marks, including full-width ``！``."""
    casual_greetings: bool = False
    """"Hey", "Yo", "안녕~", "やっほー" and friends."""
    words: tuple[str, ...] = ()
    """Words or phrases, matched case-insensitively on word boundaries after Unicode normalisation."""
    patterns: tuple[str, ...] = ()
    """Python regular expressions, matched after Unicode normalisation."""


class VoiceRules(_Model):
    tone: Tone | None = None
    language: str | None = None
    """ISO 639-1 code the persona answers in, or ``"match_user"`` to answer in the user's language."""
    speech_level: SpeechLevel | None = None
    """Required Korean/Japanese register (applies to ko/ja responses)."""
    prohibited: Prohibited = Field(default_factory=Prohibited)


class DeclinedTopic(_Model):
    name: str
    """Rule id suffix and human label, e.g. ``"politics"``."""
    keywords: tuple[str, ...] = ()
    """Lexicon that marks the topic; empty means the name itself is the only keyword."""


class Boundaries(_Model):
    declined_topics: tuple[DeclinedTopic, ...] = ()
    must_always: tuple[str, ...] = ()
    must_never: tuple[str, ...] = ()
    escalation: tuple[str, ...] = ()


class LengthLimits(_Model):
    max_words: int | None = Field(default=None, gt=0)
    max_chars: int | None = Field(default=None, gt=0)
    max_sentences: int | None = Field(default=None, gt=0)


class Behaviors(_Model):
    greeting: str | None = None
    """Required first-turn greeting: a literal prefix, or a regex when written as ``/…/``."""
    error_format: str | None = None
    """Template error messages must follow, with ``{placeholders}``, e.g. ``"Error: {what}. Next: {fix}"``."""
    status_format: str | None = None
    """Regex a structured status report must match."""
    length: LengthLimits = Field(default_factory=LengthLimits)


class Rules(_Model):
    identity: IdentityRules = Field(default_factory=IdentityRules)
    voice: VoiceRules = Field(default_factory=VoiceRules)
    boundaries: Boundaries = Field(default_factory=Boundaries)
    behaviors: Behaviors = Field(default_factory=Behaviors)
    safety_laws: tuple[str, ...] = ()
    """Hard laws from ``soul.json`` ``safety.laws`` (highest priority first)."""
    sources: tuple[str, ...] = ()
    """Package-relative files the rules were read from, in precedence order."""
