"""A fresh, self-cleaning location in each checkpoint store backend, for the store and guard benchmarks.

PostgreSQL and Redis come from SOULKEEPER_TEST_POSTGRES_URL / SOULKEEPER_TEST_REDIS_URL (defaults: the
local test servers); each location is a schema / key prefix of its own, removed afterwards.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["POSTGRES", "REDIS", "backend"]

POSTGRES = os.environ.get("SOULKEEPER_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
REDIS = os.environ.get("SOULKEEPER_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _with_query(url: str, query: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}{query}"


@contextmanager
def backend(name: str, tmp: Path, *, tag: str, postgres_options: str = "") -> Iterator[str]:
    """The URL of a fresh location for one backend (``memory``, ``sqlite``, ``postgresql``, ``redis``).

    :param tag: names the SQLite file, the PostgreSQL schema and the Redis key prefix (``sk_<tag>_…``).
    :param postgres_options: more query options for the PostgreSQL URL (e.g. ``"&pool_max=8"``).
    """
    if name == "memory":
        yield "memory://"
    elif name == "sqlite":
        yield f"sqlite:///{tmp / f'{tag}-{uuid.uuid4().hex[:6]}.db'}"
    elif name == "postgresql":
        import psycopg

        schema = f"sk_{tag}_{uuid.uuid4().hex[:10]}"
        try:
            yield _with_query(POSTGRES, f"schema={schema}{postgres_options}")
        finally:
            with psycopg.connect(POSTGRES, autocommit=True) as conn:
                conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    else:
        import redis

        prefix = f"sk-{tag}-{uuid.uuid4().hex[:10]}"
        try:
            yield _with_query(REDIS, f"prefix={prefix}")
        finally:
            client = redis.Redis.from_url(REDIS)
            keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
            if keys:
                client.delete(*keys)
            client.close()
