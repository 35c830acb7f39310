"""Helpers for testing code built on soulkeeper (and soulkeeper's own backends).

``CheckpointStoreSuite`` / ``AsyncCheckpointStoreSuite`` (in :mod:`soulkeeper.testing.store_suite`,
which imports pytest) are conformance suites a checkpoint store backend subclasses.
``DriftingChatModel`` (:mod:`soulkeeper.testing.drifting_model`) is a seeded SIMULATION of a chat model
whose persona adherence decays, for testing a guarded setup offline.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from soulkeeper.testing.drifting_model import DriftingChatModel, SimulatedTurn
    from soulkeeper.testing.store_suite import AsyncCheckpointStoreSuite, CheckpointStoreSuite

__all__ = ["AsyncCheckpointStoreSuite", "CheckpointStoreSuite", "DriftingChatModel", "SimulatedTurn"]

_LAZY = {
    "AsyncCheckpointStoreSuite": "soulkeeper.testing.store_suite",
    "CheckpointStoreSuite": "soulkeeper.testing.store_suite",
    "DriftingChatModel": "soulkeeper.testing.drifting_model",
    "SimulatedTurn": "soulkeeper.testing.drifting_model",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)
