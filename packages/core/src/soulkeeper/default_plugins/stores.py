"""Built-in checkpoint stores: memory, SQLite, PostgreSQL (extra ``postgres``), Redis (extra ``redis``)."""

from __future__ import annotations

from collections.abc import Callable

from soulkeeper.plugins import hookimpl
from soulkeeper.stores._base import CheckpointStore


def _memory(url: str) -> CheckpointStore:
    from soulkeeper.stores.memory import MemoryStore

    return MemoryStore.from_url(url)


def _sqlite(url: str) -> CheckpointStore:
    from soulkeeper.stores.sqlite import SQLiteStore

    return SQLiteStore.from_url(url)


def _postgres(url: str) -> CheckpointStore:
    from soulkeeper.stores._extras import postgres_store

    return postgres_store().from_url(url)


def _redis(url: str) -> CheckpointStore:
    from soulkeeper.stores._extras import redis_store

    return redis_store().from_url(url)


@hookimpl
def register_stores(register: Callable[..., None]) -> None:
    """Register the built-in backends by URL scheme."""
    register("memory", _memory)
    register("sqlite", _sqlite)
    register("postgresql", _postgres)
    register("postgres", _postgres)
    register("redis", _redis)
    register("rediss", _redis)
