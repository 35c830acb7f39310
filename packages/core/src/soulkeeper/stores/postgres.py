"""``postgresql://``: checkpoints and state in PostgreSQL (psycopg 3 with connection pools).

Needs the ``postgres`` extra: ``pip install "soulkeeper[postgres]"``.
"""

from __future__ import annotations

import asyncio
import builtins
import re
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any

import psycopg
from psycopg import sql
from psycopg_pool import AsyncConnectionPool, ConnectionPool

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
    redact_url,
)
from soulkeeper.stores._models import Checkpoint, ThreadState
from soulkeeper.stores._postgres_schema import MIGRATIONS, MIGRATIONS_TABLE
from soulkeeper.stores._url import float_option, int_option, split_options

__all__ = ["PostgresStore"]

OPTIONS = frozenset({"schema", "pool_min", "pool_max", "pool_timeout"})
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")
_KEYWORD_PASSWORD = re.compile(r"password\s*=\s*('[^']*'|\S+)")


class _SQL:
    """Every statement the store runs, built once for its schema."""

    def __init__(self, schema: str) -> None:
        cps = sql.Identifier(schema, "soulkeeper_checkpoints")
        state = sql.Identifier(schema, "soulkeeper_thread_state")
        migrations = sql.Identifier(schema, MIGRATIONS_TABLE)
        f = sql.SQL
        self.insert = f(
            "INSERT INTO {} (id, thread_id, known_good, created_at, data) VALUES (%s, %s, %s, %s, %s) "
            "ON CONFLICT (id) DO NOTHING RETURNING seq"
        ).format(cps)
        self.by_id = f("SELECT seq, data FROM {} WHERE id = %s").format(cps)
        self.newest = f("SELECT seq, data FROM {} WHERE thread_id = %s ORDER BY seq DESC LIMIT %s").format(
            cps
        )
        self.newest_good = f(
            "SELECT seq, data FROM {} WHERE thread_id = %s AND known_good ORDER BY seq DESC LIMIT 1"
        ).format(cps)
        self.prune = f(
            "DELETE FROM {0} WHERE thread_id = %s "
            "AND seq NOT IN (SELECT seq FROM {0} WHERE thread_id = %s ORDER BY seq DESC LIMIT %s) "
            "AND seq <> COALESCE((SELECT MAX(seq) FROM {0} WHERE thread_id = %s AND known_good), -1)"
        ).format(cps)
        self.delete_cps = f("DELETE FROM {} WHERE thread_id = %s").format(cps)
        self.delete_state = f("DELETE FROM {} WHERE thread_id = %s").format(state)
        self.get_state = f("SELECT revision, data FROM {} WHERE thread_id = %s").format(state)
        self.set_state = f(
            "INSERT INTO {0} AS s (thread_id, revision, updated_at, data) VALUES (%s, 1, %s, %s) "
            "ON CONFLICT (thread_id) DO UPDATE SET revision = s.revision + 1, "
            "updated_at = excluded.updated_at, data = excluded.data RETURNING revision"
        ).format(state)
        self.placeholder = f(
            "INSERT INTO {} (thread_id, revision, updated_at, data) VALUES (%s, 0, now(), '') "
            "ON CONFLICT (thread_id) DO NOTHING"
        ).format(state)
        self.lock_state = f("SELECT revision, data FROM {} WHERE thread_id = %s FOR UPDATE").format(state)
        self.write_state = f(
            "UPDATE {} SET revision = %s, updated_at = %s, data = %s WHERE thread_id = %s"
        ).format(state)
        self.migration_lock = f("SELECT pg_advisory_xact_lock(hashtext(%s))")
        self.schema_exists = f("SELECT 1 FROM pg_namespace WHERE nspname = %s")
        self.create_schema = f("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(schema))
        self.create_migrations = f(
            "CREATE TABLE IF NOT EXISTS {} (id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, "
            "name TEXT NOT NULL UNIQUE, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())"
        ).format(migrations)
        self.migrations_exist = f("SELECT to_regclass(%s) IS NOT NULL")
        self.applied = f("SELECT name FROM {} ORDER BY id").format(migrations)
        self.record = f("INSERT INTO {} (name) VALUES (%s)").format(migrations)


def _checkpoint(row: tuple[Any, ...] | None) -> Checkpoint | None:
    return None if row is None else Checkpoint.from_json(row[1], seq=row[0])


def _state(row: tuple[Any, ...] | None) -> ThreadState | None:
    if row is None or row[0] == 0:  # revision 0: an update's placeholder row
        return None
    return ThreadState.from_json(row[1], revision=row[0])


class PostgresStore(CheckpointStore):
    """Checkpoints and state in PostgreSQL tables, shared by every app process.

    Connections come from a psycopg pool that checks each connection before handing it out, so a
    server restart or terminated backend costs one reconnect, not an error. When the server cannot be
    reached within ``pool_timeout`` seconds, operations raise :class:`StoreError`. The async methods use
    an :class:`AsyncConnectionPool` bound to the running event loop; close with :meth:`aclose`.

    URL options (removed before connecting): ``schema`` (default ``public``), ``pool_min`` (1),
    ``pool_max`` (10), ``pool_timeout`` (seconds, 5). Other query parameters go to libpq.
    """

    scheme = "postgresql"
    migrations = tuple(name for name, _ in MIGRATIONS)

    def __init__(
        self,
        conninfo: str,
        *,
        schema: str = "public",
        pool_min: int = 1,
        pool_max: int = 10,
        pool_timeout: float = 5.0,
    ) -> None:
        if "://" in conninfo:
            clean, _, secrets = split_options(conninfo, frozenset())
            self.url = redact_url(clean)
        else:  # a libpq keyword string: host=… dbname=… password=…
            clean = conninfo
            secrets = tuple(m.group(1) for m in _KEYWORD_PASSWORD.finditer(conninfo))
            self.url = _KEYWORD_PASSWORD.sub("password=***", conninfo)
        self._secrets = secrets
        if not _IDENTIFIER.match(schema):
            raise ValueError(f"schema must be a plain identifier (letters, digits, _), got {schema!r}")
        self.schema = schema
        self._sql = _SQL(schema)
        self._conninfo = clean
        self._pool_args: dict[str, Any] = {
            "min_size": pool_min,
            "max_size": pool_max,
            "timeout": pool_timeout,
            "name": "soulkeeper",
            "kwargs": self._connect_kwargs(clean, pool_timeout),
        }
        self._timeout = pool_timeout
        self._closed = False
        self._async_pool: tuple[asyncio.AbstractEventLoop, AsyncConnectionPool[Any]] | None = None
        self._async_lock: tuple[asyncio.AbstractEventLoop, asyncio.Lock] | None = None
        self._pending: set[asyncio.Task[None]] = set()
        self._check_reachable()
        self._pool: ConnectionPool[Any] = ConnectionPool(
            clean, open=False, check=ConnectionPool.check_connection, **self._pool_args
        )
        try:
            self._pool.open(wait=True, timeout=pool_timeout)
        except psycopg.Error as exc:
            self._pool.close()
            raise StoreError(f"{self.url}: cannot open a connection pool: {self._line(exc)}") from None

    @classmethod
    def from_url(cls, url: str) -> PostgresStore:
        """Open ``postgresql://user:password@host:port/db?schema=…&pool_max=…``."""
        clean, options, _ = split_options(url, OPTIONS)
        if clean.startswith("postgres://"):
            clean = "postgresql://" + clean.removeprefix("postgres://")
        return cls(
            clean,
            schema=options.get("schema", "public"),
            pool_min=int_option(options, "pool_min", 1),
            pool_max=int_option(options, "pool_max", 10),
            pool_timeout=float_option(options, "pool_timeout", 5.0),
        )

    @staticmethod
    def _connect_kwargs(conninfo: str, timeout: float) -> dict[str, Any]:
        kwargs: dict[str, Any] = {"autocommit": True}
        if "connect_timeout" not in conninfo:
            kwargs["connect_timeout"] = max(1, round(timeout))
        if "application_name" not in conninfo:
            kwargs["application_name"] = "soulkeeper"
        return kwargs

    def _line(self, exc: BaseException) -> str:
        return one_line(exc, secrets=self._secrets)

    def _check_reachable(self) -> None:
        """Connect once, so a wrong host or password fails now with the server's own reason."""
        try:
            psycopg.connect(self._conninfo, **self._pool_args["kwargs"]).close()
        except psycopg.Error as exc:
            raise StoreError(f"{self.url}: cannot connect: {self._line(exc)}") from None

    # ------------------------------------------------------------------ sync plumbing

    @contextmanager
    def _conn(self, action: str, *, transaction: bool = False) -> Iterator[psycopg.Connection[Any]]:
        if self._closed:
            raise closed_error(self)
        try:
            with self._pool.connection() as conn:
                if transaction:
                    with conn.transaction():
                        yield conn
                else:
                    yield conn
        except psycopg.Error as exc:
            raise StoreError(f"{self.url}: {action} failed: {self._line(exc)}") from None

    def put(self, checkpoint: Checkpoint) -> Checkpoint:
        q = self._sql
        with self._conn("put") as db:
            row = db.execute(q.insert, _insert_args(checkpoint)).fetchone()
            if row is None:
                return _checkpoint(db.execute(q.by_id, (checkpoint.id,)).fetchone()) or checkpoint
        return checkpoint.model_copy(update={"seq": row[0]})

    def latest(self, thread_id: str) -> Checkpoint | None:
        with self._conn("latest") as db:
            return _checkpoint(db.execute(self._sql.newest, (thread_id, 1)).fetchone())

    def latest_good(self, thread_id: str) -> Checkpoint | None:
        with self._conn("latest_good") as db:
            return _checkpoint(db.execute(self._sql.newest_good, (thread_id,)).fetchone())

    def list(self, thread_id: str, limit: int | None = None) -> builtins.list[Checkpoint]:
        check_limit(limit)
        with self._conn("list") as db:
            rows = db.execute(self._sql.newest, (thread_id, limit)).fetchall()
        return [Checkpoint.from_json(data, seq=seq) for seq, data in rows]

    def delete_thread(self, thread_id: str) -> int:
        with self._conn("delete_thread", transaction=True) as db:
            count = db.execute(self._sql.delete_cps, (thread_id,)).rowcount
            db.execute(self._sql.delete_state, (thread_id,))
        return count

    def prune(self, thread_id: str, *, keep: int) -> int:
        check_keep(keep)
        with self._conn("prune") as db:
            return db.execute(self._sql.prune, (thread_id, thread_id, keep, thread_id)).rowcount

    def get_state(self, thread_id: str) -> ThreadState | None:
        with self._conn("get_state") as db:
            return _state(db.execute(self._sql.get_state, (thread_id,)).fetchone())

    def set_state(self, state: ThreadState) -> ThreadState:
        stamped = state.stamped(0)
        with self._conn("set_state") as db:
            row = db.execute(self._sql.set_state, _state_args(stamped)).fetchone()
        assert row is not None
        return stamped.model_copy(update={"revision": row[0]})

    def update_state(self, thread_id: str, fn: StateUpdate) -> ThreadState:
        q = self._sql
        with self._conn("update_state", transaction=True) as db:
            db.execute(q.placeholder, (thread_id,))
            current = _state(db.execute(q.lock_state, (thread_id,)).fetchone())
            stored = apply_update(thread_id, current, fn).stamped((current.revision if current else 0) + 1)
            db.execute(q.write_state, _write_args(stored))
        return stored

    # ------------------------------------------------------------------ schema

    def applied_migrations(self) -> builtins.list[str]:
        with self._conn("applied_migrations") as db:
            row = db.execute(self._sql.migrations_exist, (f'"{self.schema}".{MIGRATIONS_TABLE}',)).fetchone()
            if not row or not row[0]:
                return []
            return [name for (name,) in db.execute(self._sql.applied).fetchall()]

    def migrate(self, *, upto: str | None = None) -> builtins.list[str]:
        check_migration_name(type(self), upto)
        if not self._pending_migrations(upto):  # up to date: no lock, no DDL (the role may lack CREATE)
            return []
        q = self._sql
        applied: builtins.list[str] = []
        with self._conn("migrate", transaction=True) as db:
            db.execute(q.migration_lock, (f"soulkeeper-migrate:{self.schema}",))
            if db.execute(q.schema_exists, (self.schema,)).fetchone() is None:
                db.execute(q.create_schema)
            db.execute(q.create_migrations)
            done = {name for (name,) in db.execute(q.applied).fetchall()}
            for name, migration in MIGRATIONS:
                if name not in done:
                    migration(db, self.schema)
                    db.execute(q.record, (name,))
                    applied.append(name)
                if name == upto:
                    break
        return applied

    # ------------------------------------------------------------------ async plumbing

    async def _apool(self) -> AsyncConnectionPool[Any]:
        loop = asyncio.get_running_loop()
        current = self._async_pool
        if current is not None and current[0] is loop:
            return current[1]
        if self._async_lock is None or self._async_lock[0] is not loop:
            self._async_lock = (loop, asyncio.Lock())
        async with self._async_lock[1]:
            current = self._async_pool
            if current is not None and current[0] is loop:
                return current[1]
            pool: AsyncConnectionPool[Any] = AsyncConnectionPool(
                self._conninfo, open=False, check=AsyncConnectionPool.check_connection, **self._pool_args
            )
            try:
                await pool.open(wait=True, timeout=self._timeout)
            except psycopg.Error as exc:
                await pool.close()
                raise StoreError(f"{self.url}: cannot open a connection pool: {self._line(exc)}") from None
            self._async_pool = (loop, pool)
            return pool

    @asynccontextmanager
    async def _aconn(
        self, action: str, *, transaction: bool = False
    ) -> AsyncIterator[psycopg.AsyncConnection[Any]]:
        if self._closed:
            raise closed_error(self)
        pool = await self._apool()
        try:
            async with pool.connection() as conn:
                if transaction:
                    async with conn.transaction():
                        yield conn
                else:
                    yield conn
        except psycopg.Error as exc:
            raise StoreError(f"{self.url}: {action} failed: {self._line(exc)}") from None

    async def aput(self, checkpoint: Checkpoint) -> Checkpoint:
        q = self._sql
        async with self._aconn("put") as db:
            row = await (await db.execute(q.insert, _insert_args(checkpoint))).fetchone()
            if row is None:
                existing = await (await db.execute(q.by_id, (checkpoint.id,))).fetchone()
                return _checkpoint(existing) or checkpoint
        return checkpoint.model_copy(update={"seq": row[0]})

    async def alatest(self, thread_id: str) -> Checkpoint | None:
        async with self._aconn("latest") as db:
            return _checkpoint(await (await db.execute(self._sql.newest, (thread_id, 1))).fetchone())

    async def alatest_good(self, thread_id: str) -> Checkpoint | None:
        async with self._aconn("latest_good") as db:
            return _checkpoint(await (await db.execute(self._sql.newest_good, (thread_id,))).fetchone())

    async def alist(self, thread_id: str, limit: int | None = None) -> builtins.list[Checkpoint]:
        check_limit(limit)
        async with self._aconn("list") as db:
            rows = await (await db.execute(self._sql.newest, (thread_id, limit))).fetchall()
        return [Checkpoint.from_json(data, seq=seq) for seq, data in rows]

    async def adelete_thread(self, thread_id: str) -> int:
        async with self._aconn("delete_thread", transaction=True) as db:
            count = (await db.execute(self._sql.delete_cps, (thread_id,))).rowcount
            await db.execute(self._sql.delete_state, (thread_id,))
        return count

    async def aprune(self, thread_id: str, *, keep: int) -> int:
        check_keep(keep)
        async with self._aconn("prune") as db:
            return (await db.execute(self._sql.prune, (thread_id, thread_id, keep, thread_id))).rowcount

    async def aget_state(self, thread_id: str) -> ThreadState | None:
        async with self._aconn("get_state") as db:
            return _state(await (await db.execute(self._sql.get_state, (thread_id,))).fetchone())

    async def aset_state(self, state: ThreadState) -> ThreadState:
        stamped = state.stamped(0)
        async with self._aconn("set_state") as db:
            row = await (await db.execute(self._sql.set_state, _state_args(stamped))).fetchone()
        assert row is not None
        return stamped.model_copy(update={"revision": row[0]})

    async def aupdate_state(self, thread_id: str, fn: StateUpdate) -> ThreadState:
        q = self._sql
        async with self._aconn("update_state", transaction=True) as db:
            await db.execute(q.placeholder, (thread_id,))
            current = _state(await (await db.execute(q.lock_state, (thread_id,))).fetchone())
            stored = apply_update(thread_id, current, fn).stamped((current.revision if current else 0) + 1)
            await db.execute(q.write_state, _write_args(stored))
        return stored

    # ------------------------------------------------------------------ lifecycle

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._pool.close()
        current, self._async_pool = self._async_pool, None
        if current is None:
            return
        loop, pool = current
        if loop.is_closed():
            return
        if loop.is_running():  # called from async code: close on the pool's own loop
            task = loop.create_task(pool.close())
            self._pending.add(task)
            task.add_done_callback(self._pending.discard)
        else:
            loop.run_until_complete(pool.close())

    async def aclose(self) -> None:
        if self._closed:
            return
        current, self._async_pool = self._async_pool, None
        if current is not None and current[0] is asyncio.get_running_loop():
            await current[1].close()
        await asyncio.to_thread(self.close)


def _insert_args(checkpoint: Checkpoint) -> tuple[Any, ...]:
    return (
        checkpoint.id,
        checkpoint.thread_id,
        checkpoint.known_good,
        checkpoint.created_at,
        checkpoint.to_json(),
    )


def _state_args(state: ThreadState) -> tuple[Any, ...]:
    return (state.thread_id, state.updated_at, state.to_json())


def _write_args(state: ThreadState) -> tuple[Any, ...]:
    return (state.revision, state.updated_at, state.to_json(), state.thread_id)
