"""The public surface of soulkeeper.drift."""

from __future__ import annotations

import soulkeeper.drift as drift


def test_all_is_sorted_and_importable() -> None:
    """__all__ is sorted (isort style: constants, classes, functions) and every name in it exists."""

    def key(name: str) -> tuple[int, str]:
        return (0 if name.isupper() else 1 if name[0].isupper() else 2, name)

    assert list(drift.__all__) == sorted(drift.__all__, key=key)
    for name in drift.__all__:
        assert hasattr(drift, name), name


def test_signal_functions_are_re_exported() -> None:
    """The signal functions are the same objects as in soulkeeper.drift.signals."""
    from soulkeeper.drift import signals

    for name in (
        "speech_level",
        "formality",
        "detect_language",
        "find_emoji",
        "identity_claims",
        "normalize",
    ):
        assert getattr(drift, name) is getattr(signals, name)
