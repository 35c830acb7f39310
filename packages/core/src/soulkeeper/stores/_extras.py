"""Import the optional backends, turning a missing extra into :class:`MissingExtraError`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from soulkeeper.errors import MissingExtraError

if TYPE_CHECKING:
    from soulkeeper.stores.postgres import PostgresStore
    from soulkeeper.stores.redis import RedisStore


def _missing(exc: ImportError, *packages: str) -> bool:
    name = exc.name or ""
    return name.split(".")[0] in packages


def postgres_store() -> type[PostgresStore]:
    """The PostgreSQL store class (needs psycopg 3 and psycopg-pool)."""
    try:
        from soulkeeper.stores.postgres import PostgresStore
    except ImportError as exc:
        if _missing(exc, "psycopg", "psycopg_pool"):
            raise MissingExtraError("the PostgreSQL checkpoint store", "postgres") from exc
        raise
    return PostgresStore


def redis_store() -> type[RedisStore]:
    """The Redis store class (needs redis-py)."""
    try:
        from soulkeeper.stores.redis import RedisStore
    except ImportError as exc:
        if _missing(exc, "redis"):
            raise MissingExtraError("the Redis checkpoint store", "redis") from exc
        raise
    return RedisStore
