"""The public surface of soulkeeper.drift.signals is pinned."""

from __future__ import annotations

import soulkeeper.drift as drift
from soulkeeper.drift import signals


def test_signals_all_is_pinned() -> None:
    """signals.__all__ lists exactly the documented names, once each."""
    assert len(signals.__all__) == len(set(signals.__all__))
    assert set(signals.__all__) == {
        "BASE_MODEL_NAMES",
        "FORMALITY_FEATURES",
        "MODEL_MAKERS",
        "SPEECH_LEVEL_EXTRAS",
        "UNDETERMINED",
        "IdentityClaim",
        "NormalizedText",
        "SentenceLevel",
        "SpeechLevel",
        "detect_language",
        "dominant_script",
        "find_emoji",
        "find_emoji_spans",
        "find_emoticons",
        "find_identity_claims",
        "formality",
        "formality_features",
        "identity_claims",
        "mentions_base_model",
        "normalize",
        "normalize_with_map",
        "script_counts",
        "speech_level",
        "speech_level_sentences",
    }


def test_drift_reexports_the_six_signals() -> None:
    """soulkeeper.drift re-exports the signal functions named in the interface contract."""
    for name in (
        "speech_level",
        "formality",
        "detect_language",
        "find_emoji",
        "identity_claims",
        "normalize",
    ):
        assert getattr(drift, name) is getattr(signals, name)
