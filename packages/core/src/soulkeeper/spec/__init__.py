"""Soul Spec packages: loading, validation and the structured persona rules.

``load_soul(path)`` reads a package folder (``soul.json`` + markdown) into an immutable :class:`Soul`;
``Soul.from_files`` builds one in memory. Finding codes are listed in docs/validation.md and the rules
format in docs/rules.md.
"""

from soulkeeper.spec.limits import DEFAULT_LIMITS, Limits
from soulkeeper.spec.manifest import KNOWN_SPEC_VERSIONS, Author, Manifest, ManifestFiles, SafetyLaw, SkillRef
from soulkeeper.spec.model import FileRole, Finding, Section, Severity, SoulFile
from soulkeeper.spec.rules import (
    Behaviors,
    Boundaries,
    DeclinedTopic,
    IdentityRules,
    LengthLimits,
    Prohibited,
    Rules,
    SpeechLevel,
    Tone,
    VoiceRules,
)
from soulkeeper.spec.soul import Soul, load_soul

__all__ = [
    "DEFAULT_LIMITS",
    "KNOWN_SPEC_VERSIONS",
    "Author",
    "Behaviors",
    "Boundaries",
    "DeclinedTopic",
    "FileRole",
    "Finding",
    "IdentityRules",
    "LengthLimits",
    "Limits",
    "Manifest",
    "ManifestFiles",
    "Prohibited",
    "Rules",
    "SafetyLaw",
    "Section",
    "Severity",
    "SkillRef",
    "Soul",
    "SoulFile",
    "SpeechLevel",
    "Tone",
    "VoiceRules",
    "load_soul",
]
