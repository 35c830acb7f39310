"""Drift detection: check every response against the persona's rules, score the conversation.

::

    detector = DriftDetector.from_soul(soul)          # once per persona
    report = detector.check(response, user_text=question, turn=3)
    score = update_score(score, report)                # per conversation
    level = level_for(score, report)                   # "ok" | "warn" | "reinject" | "restore"

The signal functions (:func:`speech_level`, :func:`formality`, :func:`detect_language`,
:func:`find_emoji`, :func:`identity_claims`, :func:`normalize`) are public for users and evaluations.
Detectors are plugins (hook ``register_detectors``); the built-ins live in
:mod:`soulkeeper.drift.detectors`. See ``docs/drift.md``.
"""

from soulkeeper.drift._detector import (
    CheckContext,
    Detector,
    DriftDetector,
    Requirement,
    available_detectors,
)
from soulkeeper.drift._report import DriftReport, InputEvent, Severity, Violation
from soulkeeper.drift._scoring import (
    DEFAULT_POLICY,
    LEVELS,
    DriftPolicy,
    Level,
    level_for,
    turn_score,
    update_score,
)
from soulkeeper.drift.signals import (
    detect_language,
    find_emoji,
    find_emoticons,
    formality,
    identity_claims,
    normalize,
    speech_level,
)

__all__ = [
    "DEFAULT_POLICY",
    "LEVELS",
    "CheckContext",
    "Detector",
    "DriftDetector",
    "DriftPolicy",
    "DriftReport",
    "InputEvent",
    "Level",
    "Requirement",
    "Severity",
    "Violation",
    "available_detectors",
    "detect_language",
    "find_emoji",
    "find_emoticons",
    "formality",
    "identity_claims",
    "level_for",
    "normalize",
    "speech_level",
    "turn_score",
    "update_score",
]
