"""Built-in drift detectors, registered through the same hook a third-party detector plugin uses."""

from __future__ import annotations

from collections.abc import Callable

from soulkeeper.plugins.hookspecs import hookimpl


@hookimpl
def register_detectors(register: Callable[..., None]) -> None:
    """Register every detector in :data:`soulkeeper.drift.detectors.BUILTIN_DETECTORS`."""
    from soulkeeper.drift.detectors import BUILTIN_DETECTORS

    for detector in BUILTIN_DETECTORS:
        register(detector)
