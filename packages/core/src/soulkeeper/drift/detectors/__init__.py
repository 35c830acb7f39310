"""The built-in drift detectors, one module each; registered by :mod:`soulkeeper.default_plugins.detectors`."""

from soulkeeper.drift.detectors.behaviors import Behaviors
from soulkeeper.drift.detectors.formality import EnglishFormality
from soulkeeper.drift.detectors.identity import Identity
from soulkeeper.drift.detectors.language import ResponseLanguage
from soulkeeper.drift.detectors.prohibited import ProhibitedPatterns
from soulkeeper.drift.detectors.speech_level import JapanesePoliteness, KoreanSpeechLevel
from soulkeeper.drift.detectors.topics import DeclinedTopics

__all__ = [
    "BUILTIN_DETECTORS",
    "Behaviors",
    "DeclinedTopics",
    "EnglishFormality",
    "Identity",
    "JapanesePoliteness",
    "KoreanSpeechLevel",
    "ProhibitedPatterns",
    "ResponseLanguage",
]

BUILTIN_DETECTORS = (
    ProhibitedPatterns,
    ResponseLanguage,
    KoreanSpeechLevel,
    JapanesePoliteness,
    EnglishFormality,
    Identity,
    Behaviors,
    DeclinedTopics,
)
