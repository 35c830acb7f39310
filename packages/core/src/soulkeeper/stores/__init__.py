"""Checkpoint stores: where a guard keeps checkpoints and the live state of each conversation thread.

``open_store(url)`` opens ``memory://``, ``sqlite:///path.db`` (the embedded default),
``postgresql://…`` (extra ``postgres``) or ``redis://…`` (extra ``redis``); plugins add more schemes
through the ``register_stores`` hook. ``PostgresStore`` and ``RedisStore`` are imported on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from soulkeeper.stores._base import CheckpointStore, StateUpdate, redact_url
from soulkeeper.stores._models import (
    MAX_EXEMPLAR_CHARS,
    MAX_EXEMPLARS,
    Checkpoint,
    ThreadState,
    trim_exemplars,
)
from soulkeeper.stores._registry import open_store, store_factories
from soulkeeper.stores.memory import MemoryStore
from soulkeeper.stores.sqlite import SQLiteStore

if TYPE_CHECKING:
    from soulkeeper.stores.postgres import PostgresStore
    from soulkeeper.stores.redis import RedisStore

__all__ = [
    "MAX_EXEMPLARS",
    "MAX_EXEMPLAR_CHARS",
    "Checkpoint",
    "CheckpointStore",
    "MemoryStore",
    "PostgresStore",
    "RedisStore",
    "SQLiteStore",
    "StateUpdate",
    "ThreadState",
    "open_store",
    "redact_url",
    "store_factories",
    "trim_exemplars",
]


def __getattr__(name: str) -> Any:
    if name == "PostgresStore":
        from soulkeeper.stores._extras import postgres_store

        return postgres_store()
    if name == "RedisStore":
        from soulkeeper.stores._extras import redis_store

        return redis_store()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
