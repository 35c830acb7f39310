"""SQLite schema: named, append-only migrations recorded in ``_soulkeeper_migrations``.

Never edit or reorder a migration that has shipped; add a new one at the end. Each runs inside the
transaction that records it, so a migration is applied completely or not at all.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

__all__ = ["MIGRATIONS", "MIGRATIONS_TABLE"]

MIGRATIONS_TABLE = "_soulkeeper_migrations"

Migration = Callable[[sqlite3.Connection], None]


def m001_create_checkpoints(db: sqlite3.Connection) -> None:
    """Checkpoints: the full record as JSON in ``data``, the queried fields as columns."""
    db.execute(
        """
        CREATE TABLE soulkeeper_checkpoints (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            id TEXT NOT NULL UNIQUE,
            thread_id TEXT NOT NULL,
            known_good INTEGER NOT NULL,
            created_at TEXT NOT NULL,
            data TEXT NOT NULL
        )
        """
    )
    db.execute("CREATE INDEX soulkeeper_checkpoints_thread ON soulkeeper_checkpoints (thread_id, seq)")


def m002_create_thread_state(db: sqlite3.Connection) -> None:
    """Thread state shared by every process serving a thread; ``revision`` counts writes."""
    db.execute(
        """
        CREATE TABLE soulkeeper_thread_state (
            thread_id TEXT PRIMARY KEY,
            revision INTEGER NOT NULL,
            updated_at TEXT NOT NULL,
            data TEXT NOT NULL
        )
        """
    )


def m003_index_known_good(db: sqlite3.Connection) -> None:
    """A partial index so ``latest_good`` stays fast on threads with many checkpoints."""
    db.execute(
        "CREATE INDEX soulkeeper_checkpoints_good ON soulkeeper_checkpoints (thread_id, seq) "
        "WHERE known_good = 1"
    )


MIGRATIONS: tuple[tuple[str, Migration], ...] = (
    ("m001_create_checkpoints", m001_create_checkpoints),
    ("m002_create_thread_state", m002_create_thread_state),
    ("m003_index_known_good", m003_index_known_good),
)
