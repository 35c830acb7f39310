"""PostgreSQL schema: named, append-only migrations recorded in ``<schema>._soulkeeper_migrations``.

Never edit or reorder a migration that has shipped; add a new one at the end. All pending migrations
run in one transaction under an advisory lock, so concurrent first opens apply each exactly once.
"""

from __future__ import annotations

from collections.abc import Callable

import psycopg
from psycopg import sql

__all__ = ["MIGRATIONS", "MIGRATIONS_TABLE"]

MIGRATIONS_TABLE = "_soulkeeper_migrations"

Migration = Callable[[psycopg.Connection[tuple[object, ...]], str], None]


def _q(schema: str, name: str) -> sql.Identifier:
    return sql.Identifier(schema, name)


def m001_create_checkpoints(db: psycopg.Connection[tuple[object, ...]], schema: str) -> None:
    """Checkpoints: the full record as JSON text in ``data``, the queried fields as columns."""
    table = _q(schema, "soulkeeper_checkpoints")
    db.execute(
        sql.SQL(
            "CREATE TABLE {} (seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, id TEXT NOT NULL UNIQUE, "
            "thread_id TEXT NOT NULL, known_good BOOLEAN NOT NULL, created_at TIMESTAMPTZ NOT NULL, "
            "data TEXT NOT NULL)"
        ).format(table)
    )
    db.execute(sql.SQL("CREATE INDEX soulkeeper_checkpoints_thread ON {} (thread_id, seq)").format(table))


def m002_create_thread_state(db: psycopg.Connection[tuple[object, ...]], schema: str) -> None:
    """Thread state shared by every process serving a thread; ``revision`` counts writes."""
    db.execute(
        sql.SQL(
            "CREATE TABLE {} (thread_id TEXT PRIMARY KEY, revision BIGINT NOT NULL, "
            "updated_at TIMESTAMPTZ NOT NULL, data TEXT NOT NULL)"
        ).format(_q(schema, "soulkeeper_thread_state"))
    )


def m003_index_known_good(db: psycopg.Connection[tuple[object, ...]], schema: str) -> None:
    """A partial index so ``latest_good`` stays fast on threads with many checkpoints."""
    db.execute(
        sql.SQL("CREATE INDEX soulkeeper_checkpoints_good ON {} (thread_id, seq) WHERE known_good").format(
            _q(schema, "soulkeeper_checkpoints")
        )
    )


MIGRATIONS: tuple[tuple[str, Migration], ...] = (
    ("m001_create_checkpoints", m001_create_checkpoints),
    ("m002_create_thread_state", m002_create_thread_state),
    ("m003_index_known_good", m003_index_known_good),
)
