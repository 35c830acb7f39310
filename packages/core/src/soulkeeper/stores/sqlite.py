"""``sqlite:///path``: the embedded default store (WAL, busy timeout, one transaction per write)."""

from __future__ import annotations

import builtins
import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext, suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal
from urllib.parse import parse_qsl

from soulkeeper.errors import StoreError
from soulkeeper.stores._base import (
    CheckpointStore,
    StateUpdate,
    apply_update,
    check_keep,
    check_limit,
    check_migration_name,
    closed_error,
    one_line,
)
from soulkeeper.stores._models import Checkpoint, ThreadState
from soulkeeper.stores._sqlite_schema import MIGRATIONS, MIGRATIONS_TABLE
from soulkeeper.stores._url import float_option

__all__ = ["SQLiteStore"]

Synchronous = Literal["off", "normal", "full", "extra"]

_CHECKPOINT_COLUMNS = "seq, data"
_PRUNE = (
    "DELETE FROM soulkeeper_checkpoints WHERE thread_id = %s "
    "AND seq NOT IN (SELECT seq FROM soulkeeper_checkpoints WHERE thread_id = %s ORDER BY seq DESC LIMIT %s) "
    "AND seq <> COALESCE((SELECT MAX(seq) FROM soulkeeper_checkpoints WHERE thread_id = %s AND known_good), -1)"
)


class SQLiteStore(CheckpointStore):
    """Checkpoints and state in one SQLite file, shared safely by threads and processes.

    The database runs in WAL mode (readers never block the writer). Every write is one
    ``BEGIN IMMEDIATE`` transaction; writers in this process queue on a lock, writers in other processes
    wait up to ``timeout`` seconds (SQLite's busy timeout). With the default ``synchronous="normal"`` a
    committed write survives the process being killed; pass ``synchronous="full"`` to also survive an
    operating-system crash or power loss. Each thread uses its own connection (``:memory:`` databases
    use one connection under the lock).
    """

    scheme = "sqlite"
    migrations = tuple(name for name, _ in MIGRATIONS)

    def __init__(
        self,
        path: str | os.PathLike[str] = ":memory:",
        *,
        timeout: float = 5.0,
        synchronous: Synchronous = "normal",
    ) -> None:
        if synchronous not in ("off", "normal", "full", "extra"):
            raise ValueError(f"synchronous must be off, normal, full or extra, got {synchronous!r}")
        self._memory = str(path) in ("", ":memory:")
        self.path = ":memory:" if self._memory else str(Path(path).expanduser())
        self.url = f"sqlite:///{self.path}"
        self._timeout = timeout
        self._synchronous = synchronous
        self._write_lock = threading.Lock()
        self._local = threading.local()
        self._connections: builtins.list[sqlite3.Connection] = []
        self._connections_lock = threading.Lock()
        self._pid = os.getpid()
        self._closed = False
        if not self._memory:
            try:
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(f"{self.url}: cannot create the folder: {one_line(exc)}") from None
        self._connect()  # fail now, not on first use

    @classmethod
    def from_url(cls, url: str) -> SQLiteStore:
        """Open ``sqlite:///relative.db``, ``sqlite:////absolute.db`` or ``sqlite:///:memory:``.

        Query options: ``timeout`` (seconds, default 5) and ``synchronous`` (``normal`` or ``full``).
        """
        rest = url.split("://", 1)[1]
        rest, _, query = rest.partition("?")
        if rest and not rest.startswith("/"):
            raise ValueError(
                f"SQLite URLs have no host: use sqlite:///relative.db or sqlite:////abs.db, got {url}"
            )
        path = rest[1:] if rest else ":memory:"
        options = dict(parse_qsl(query, keep_blank_values=True))
        unknown = set(options) - {"timeout", "synchronous"}
        if unknown:
            raise ValueError(
                f"unknown SQLite store option(s) {sorted(unknown)} in {url} (known: synchronous, timeout)"
            )
        synchronous = options.get("synchronous", "normal").lower()
        if synchronous not in ("off", "normal", "full", "extra"):
            raise ValueError(f"synchronous must be off, normal, full or extra, got {synchronous!r}")
        timeout = float_option(options, "timeout", 5.0)
        return cls(path or ":memory:", timeout=timeout, synchronous=synchronous)  # type: ignore[arg-type]

    # ------------------------------------------------------------------ connections

    def _connect(self) -> sqlite3.Connection:
        if self._closed:
            raise closed_error(self)
        if os.getpid() != self._pid:  # forked: never reuse the parent's connections
            self._pid = os.getpid()
            self._local = threading.local()
            self._connections = []
            self._write_lock = threading.Lock()
        if self._memory and self._connections:
            return self._connections[0]
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is not None:
            return conn
        try:
            conn = sqlite3.connect(
                self.path, timeout=self._timeout, isolation_level=None, check_same_thread=False
            )
        except sqlite3.Error as exc:
            raise StoreError(f"{self.url}: cannot open the database: {one_line(exc)}") from None
        try:
            conn.execute(f"PRAGMA busy_timeout = {int(self._timeout * 1000)}")
            if not self._memory:
                mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
                if str(mode).lower() != "wal":
                    raise StoreError(f"{self.url}: cannot switch the database to WAL mode (got {mode})")
            conn.execute(f"PRAGMA synchronous = {self._synchronous.upper()}")
        except sqlite3.Error as exc:
            conn.close()
            raise StoreError(f"{self.url}: cannot open the database: {one_line(exc)}") from None
        except BaseException:
            conn.close()
            raise
        self._local.conn = conn
        with self._connections_lock:
            self._connections.append(conn)
        return conn

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        lock: AbstractContextManager[object] = self._write_lock if self._memory else nullcontext()
        with lock:
            conn = self._connect()
            try:
                yield conn
            except sqlite3.Error as exc:
                raise StoreError(f"{self.url}: read failed: {one_line(exc)}") from None

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        with self._write_lock:
            conn = self._connect()
            try:
                conn.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                raise StoreError(f"{self.url}: cannot start a write: {one_line(exc)}") from None
            try:
                yield conn
                conn.execute("COMMIT")
            except BaseException as exc:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                if isinstance(exc, sqlite3.Error):
                    raise StoreError(f"{self.url}: write failed: {one_line(exc)}") from None
                raise

    # ------------------------------------------------------------------ checkpoints

    def put(self, checkpoint: Checkpoint) -> Checkpoint:
        data = checkpoint.to_json()
        with self._write() as db:
            row = db.execute(
                "SELECT seq, data FROM soulkeeper_checkpoints WHERE id = ?", (checkpoint.id,)
            ).fetchone()
            if row is not None:
                return Checkpoint.from_json(row[1], seq=row[0])
            cursor = db.execute(
                "INSERT INTO soulkeeper_checkpoints (id, thread_id, known_good, created_at, data) VALUES (?, ?, ?, ?, ?)",
                (
                    checkpoint.id,
                    checkpoint.thread_id,
                    int(checkpoint.known_good),
                    checkpoint.created_at.isoformat(),
                    data,
                ),
            )
            seq = cursor.lastrowid
        return checkpoint.model_copy(update={"seq": seq})

    def _one(self, sql: str, thread_id: str) -> Checkpoint | None:
        with self._read() as db:
            row = db.execute(sql, (thread_id,)).fetchone()
        return None if row is None else Checkpoint.from_json(row[1], seq=row[0])

    def latest(self, thread_id: str) -> Checkpoint | None:
        return self._one(
            f"SELECT {_CHECKPOINT_COLUMNS} FROM soulkeeper_checkpoints WHERE thread_id = ? ORDER BY seq DESC LIMIT 1",
            thread_id,
        )

    def latest_good(self, thread_id: str) -> Checkpoint | None:
        return self._one(
            f"SELECT {_CHECKPOINT_COLUMNS} FROM soulkeeper_checkpoints WHERE thread_id = ? AND known_good = 1 "
            "ORDER BY seq DESC LIMIT 1",
            thread_id,
        )

    def list(self, thread_id: str, limit: int | None = None) -> builtins.list[Checkpoint]:
        check_limit(limit)
        with self._read() as db:
            rows = db.execute(
                f"SELECT {_CHECKPOINT_COLUMNS} FROM soulkeeper_checkpoints WHERE thread_id = ? ORDER BY seq DESC LIMIT ?",
                (thread_id, -1 if limit is None else limit),
            ).fetchall()
        return [Checkpoint.from_json(data, seq=seq) for seq, data in rows]

    def delete_thread(self, thread_id: str) -> int:
        with self._write() as db:
            count = db.execute(
                "DELETE FROM soulkeeper_checkpoints WHERE thread_id = ?", (thread_id,)
            ).rowcount
            db.execute("DELETE FROM soulkeeper_thread_state WHERE thread_id = ?", (thread_id,))
        return int(count)

    def prune(self, thread_id: str, *, keep: int) -> int:
        check_keep(keep)
        with self._write() as db:
            count = db.execute(_PRUNE.replace("%s", "?"), (thread_id, thread_id, keep, thread_id)).rowcount
        return int(count)

    # ------------------------------------------------------------------ thread state

    @staticmethod
    def _state_row(db: sqlite3.Connection, thread_id: str) -> ThreadState | None:
        row = db.execute(
            "SELECT revision, data FROM soulkeeper_thread_state WHERE thread_id = ?", (thread_id,)
        ).fetchone()
        return None if row is None else ThreadState.from_json(row[1], revision=row[0])

    @staticmethod
    def _write_state(db: sqlite3.Connection, state: ThreadState, current: ThreadState | None) -> ThreadState:
        stored = state.stamped((current.revision if current else 0) + 1)
        db.execute(
            "INSERT INTO soulkeeper_thread_state (thread_id, revision, updated_at, data) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (thread_id) DO UPDATE SET revision = excluded.revision, "
            "updated_at = excluded.updated_at, data = excluded.data",
            (stored.thread_id, stored.revision, stored.updated_at.isoformat(), stored.to_json()),
        )
        return stored

    def get_state(self, thread_id: str) -> ThreadState | None:
        with self._read() as db:
            return self._state_row(db, thread_id)

    def set_state(self, state: ThreadState) -> ThreadState:
        with self._write() as db:
            return self._write_state(db, state, self._state_row(db, state.thread_id))

    def update_state(self, thread_id: str, fn: StateUpdate) -> ThreadState:
        with self._write() as db:  # BEGIN IMMEDIATE: the read and the write hold the write lock
            current = self._state_row(db, thread_id)
            return self._write_state(db, apply_update(thread_id, current, fn), current)

    # ------------------------------------------------------------------ schema

    def applied_migrations(self) -> builtins.list[str]:
        with self._read() as db:
            exists = db.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (MIGRATIONS_TABLE,)
            ).fetchone()
            if exists is None:
                return []
            rows = db.execute(f"SELECT name FROM {MIGRATIONS_TABLE} ORDER BY rowid").fetchall()
        return [name for (name,) in rows]

    def migrate(self, *, upto: str | None = None) -> builtins.list[str]:
        check_migration_name(type(self), upto)
        if not self._pending_migrations(upto):  # up to date: no lock, no DDL (the role may lack CREATE)
            return []
        applied: builtins.list[str] = []
        with self._write() as db:  # one transaction: concurrent migrators queue, a failure applies nothing
            db.execute(
                f"CREATE TABLE IF NOT EXISTS {MIGRATIONS_TABLE} (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)"
            )
            done = {name for (name,) in db.execute(f"SELECT name FROM {MIGRATIONS_TABLE}")}
            for name, migration in MIGRATIONS:
                if name not in done:
                    migration(db)
                    db.execute(
                        f"INSERT INTO {MIGRATIONS_TABLE} (name, applied_at) VALUES (?, ?)",
                        (name, datetime.now(UTC).isoformat()),
                    )
                    applied.append(name)
                if name == upto:
                    break
        return applied

    # ------------------------------------------------------------------ lifecycle

    def close(self) -> None:
        with self._connections_lock:
            self._closed = True
            connections, self._connections = self._connections, []
        for conn in connections:
            with suppress(sqlite3.Error):
                conn.close()
        self._local = threading.local()
