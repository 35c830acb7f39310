"""Hook specifications: the contract between soulkeeper and its plugins.

Hooks named ``register_*`` hand the plugin a ``register`` callback (the host keeps the registry and
decides what a duplicate means); ``resolve_*`` hooks return a decision and the first non-``None``
result wins; ``on_*`` hooks are notifications whose return values are ignored.

Built-in tokenizers, detectors and stores are registered by the default plugins in
:mod:`soulkeeper.default_plugins` through these same hooks.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pluggy

__all__ = ["hookimpl", "hookspec"]

hookspec = pluggy.HookspecMarker("soulkeeper")
hookimpl = pluggy.HookimplMarker("soulkeeper")


# ------------------------------------------------------------------ discovery


@hookspec
def register_tokenizers(register: Callable[..., None]) -> None:
    """Register tokenizer factories by spec prefix.

    :param register: call ``register(prefix, factory)`` where ``prefix`` is the part of a tokenizer
        spec before the colon (``"tiktoken"`` in ``"tiktoken:o200k_base"``) and ``factory(argument)``
        returns a :class:`soulkeeper.tokens.Tokenizer` for the part after the colon (``""`` if none).
        Registering a prefix twice is an error.
    """


@hookspec
def register_detectors(register: Callable[..., None]) -> None:
    """Register drift detector classes.

    :param register: call ``register(detector_class)``; the class has a unique ``name`` and declares
        which rules it serves, so a persona only runs the detectors its rules need.
    """


@hookspec
def register_stores(register: Callable[..., None]) -> None:
    """Register checkpoint store backends by URL scheme.

    :param register: call ``register(scheme, factory)``; ``factory(url)`` returns a checkpoint store
        for URLs starting with ``scheme://``.
    """


# ------------------------------------------------------------------ notifications


@hookspec
def on_pack(soul: Any, result: Any) -> None:
    """Called after every pack that had to leave something out or truncate.

    :param soul: the :class:`soulkeeper.Soul` that was packed.
    :param result: the :class:`soulkeeper.pack.PackResult`, whose ``message`` is the user-facing line.
    """


@hookspec
def on_drift(thread_id: str, decision: Any) -> None:
    """Called when a response violated the persona's rules (decision action is not ``ok``).

    :param thread_id: the conversation.
    :param decision: the :class:`soulkeeper.Decision` the guard returned.
    """


@hookspec
def on_reinject(thread_id: str, decision: Any) -> None:
    """Called when the guard schedules a re-anchor of the persona for the next model call."""


@hookspec
def on_restore(thread_id: str, decision: Any) -> None:
    """Called when the guard restores the persona from a known-good checkpoint."""


@hookspec
def on_pack_degraded(thread_id: str | None, result: Any) -> None:
    """Called when the guard had to serve a degraded pack (something left out) for a thread."""
