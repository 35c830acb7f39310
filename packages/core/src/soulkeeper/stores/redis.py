"""``redis://``: checkpoints and state in Redis (redis-py, sync and ``redis.asyncio``).

Needs the ``redis`` extra: ``pip install "soulkeeper[redis]"``.
"""

from __future__ import annotations

import asyncio
import builtins
import random
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import redis as redis_sync
import redis.asyncio as redis_async
from redis.backoff import ExponentialBackoff
from redis.retry import Retry

from soulkeeper.errors import StoreError
from soulkeeper.stores import _redis_scripts as lua
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
from soulkeeper.stores._url import float_option, int_option, split_options

__all__ = ["RedisStore"]

OPTIONS = frozenset({"prefix", "timeout", "ttl"})
MIGRATIONS = ("m001_key_layout",)
"""Redis has no schema; migrations record (and, when it changes, convert) the key layout."""
MAX_ATTEMPTS = 1000


def _decode(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def _pairs(flat: builtins.list[Any]) -> builtins.list[Checkpoint]:
    return [
        Checkpoint.from_json(flat[i + 1], seq=int(float(_decode(flat[i])))) for i in range(0, len(flat), 2)
    ]


def _state(raw: builtins.list[Any]) -> ThreadState | None:
    revision, data = raw
    if revision is None or data is None:
        return None
    return ThreadState.from_json(data, revision=int(revision))


class RedisStore(CheckpointStore):
    """Checkpoints and state in Redis keys under a prefix, shared by every app process.

    Each thread has a hash of checkpoint JSON by id, sorted sets ordering all and known-good
    checkpoints by a per-thread sequence, a sequence counter and a state hash. Every write is one Lua
    script, so it is atomic; ``update_state`` is optimistic (compare-and-set on the state's revision,
    retried on conflict). Keys of one thread are never touched by another thread's operations.

    URL options (removed before connecting): ``prefix`` (default ``soulkeeper``), ``timeout`` (socket
    and connect timeout in seconds, default 5) and ``ttl`` (seconds; when above 0 every write refreshes
    the expiry of all the thread's keys, so idle threads vanish whole; default 0, never). Other options
    go to redis-py.
    """

    scheme = "redis"
    migrations = MIGRATIONS

    def __init__(self, url: str, *, prefix: str = "soulkeeper", timeout: float = 5.0, ttl: int = 0) -> None:
        self.url = redact_url(url)
        self._secrets = split_options(url, frozenset())[2]
        if not prefix or any(ch.isspace() for ch in prefix):
            raise ValueError(f"prefix must be a non-empty word without spaces, got {prefix!r}")
        self.prefix = prefix
        if ttl < 0:
            raise ValueError(f"ttl must be >= 0 seconds (0: keys never expire), got {ttl}")
        self.ttl = ttl
        self._redis_url = url
        self._client_args: dict[str, Any] = {
            "socket_timeout": timeout,
            "socket_connect_timeout": timeout,
        }
        self._closed = False
        self._async: tuple[asyncio.AbstractEventLoop, Any, dict[str, Any]] | None = None
        try:
            self._client = redis_sync.Redis.from_url(
                url, retry=Retry(ExponentialBackoff(cap=0.5, base=0.05), 2), **self._client_args
            )
        except ValueError as exc:
            raise ValueError(f"{self.url}: {one_line(exc, secrets=self._secrets)}") from None
        self._scripts = {
            name: self._client.register_script(getattr(lua, name))
            for name in ("PUT", "READ", "DELETE", "PRUNE", "SET_STATE", "CAS_STATE")
        }
        with self._errors("connect"):
            self._client.ping()

    @classmethod
    def from_url(cls, url: str) -> RedisStore:
        """Open ``redis://[:password@]host:port/db?prefix=…`` (or ``rediss://`` for TLS)."""
        clean, options, _ = split_options(url, OPTIONS)
        return cls(
            clean,
            prefix=options.get("prefix", "soulkeeper"),
            timeout=float_option(options, "timeout", 5.0),
            ttl=int_option(options, "ttl", 0),
        )

    # ------------------------------------------------------------------ keys and errors

    def _keys(self, thread_id: str, *kinds: str) -> builtins.list[str]:
        return [f"{self.prefix}:thread:{thread_id}:{kind}" for kind in kinds]

    def _all_keys(self, thread_id: str) -> builtins.list[str]:
        return self._keys(thread_id, "checkpoints", "order", "good", "seq", "state")

    @contextmanager
    def _errors(self, action: str) -> Iterator[None]:
        if self._closed:
            raise closed_error(self)
        try:
            yield
        except redis_sync.RedisError as exc:
            raise StoreError(f"{self.url}: {action} failed: {one_line(exc, secrets=self._secrets)}") from None

    # ------------------------------------------------------------------ checkpoints

    def put(self, checkpoint: Checkpoint) -> Checkpoint:
        keys = self._all_keys(checkpoint.thread_id)
        with self._errors("put"):
            seq, data = self._scripts["PUT"](keys=keys, args=[*_put_args(checkpoint), self.ttl])
        return Checkpoint.from_json(data, seq=int(seq))

    def _read(self, action: str, thread_id: str, kind: str, limit: int | None) -> builtins.list[Checkpoint]:
        check_limit(limit)
        if limit == 0:
            return []
        keys = self._keys(thread_id, kind, "checkpoints")
        with self._errors(action):
            flat = self._scripts["READ"](keys=keys, args=[-1 if limit is None else limit - 1])
        return _pairs(flat)

    def latest(self, thread_id: str) -> Checkpoint | None:
        found = self._read("latest", thread_id, "order", 1)
        return found[0] if found else None

    def latest_good(self, thread_id: str) -> Checkpoint | None:
        found = self._read("latest_good", thread_id, "good", 1)
        return found[0] if found else None

    def list(self, thread_id: str, limit: int | None = None) -> builtins.list[Checkpoint]:
        return self._read("list", thread_id, "order", limit)

    def delete_thread(self, thread_id: str) -> int:
        with self._errors("delete_thread"):
            return int(self._scripts["DELETE"](keys=self._all_keys(thread_id)))

    def prune(self, thread_id: str, *, keep: int) -> int:
        check_keep(keep)
        with self._errors("prune"):
            return int(
                self._scripts["PRUNE"](
                    keys=self._keys(thread_id, "checkpoints", "order", "good"), args=[keep]
                )
            )

    # ------------------------------------------------------------------ thread state

    def get_state(self, thread_id: str) -> ThreadState | None:
        with self._errors("get_state"):
            return _state(self._client.hmget(self._keys(thread_id, "state")[0], ["revision", "data"]))

    def set_state(self, state: ThreadState) -> ThreadState:
        stamped = state.stamped(0)
        with self._errors("set_state"):
            revision = self._scripts["SET_STATE"](
                keys=self._all_keys(state.thread_id), args=[stamped.to_json(), self.ttl]
            )
        return stamped.model_copy(update={"revision": int(revision)})

    def update_state(self, thread_id: str, fn: StateUpdate) -> ThreadState:
        keys = self._all_keys(thread_id)
        for attempt in range(MAX_ATTEMPTS):
            with self._errors("update_state"):
                current = _state(self._client.hmget(keys[4], ["revision", "data"]))
            expected = current.revision if current else 0
            stored = apply_update(thread_id, current, fn).stamped(expected + 1)
            with self._errors("update_state"):
                revision = self._scripts["CAS_STATE"](keys=keys, args=[expected, stored.to_json(), self.ttl])
            if int(revision) >= 0:
                return stored
            if attempt >= 3:
                time.sleep(random.uniform(0, 0.002 * min(attempt, 20)))
        raise StoreError(f"{self.url}: update_state gave up after {MAX_ATTEMPTS} conflicting writes")

    # ------------------------------------------------------------------ schema

    def _migrations_key(self) -> str:
        return f"{self.prefix}:migrations"

    def applied_migrations(self) -> builtins.list[str]:
        with self._errors("applied_migrations"):
            names = {_decode(name) for name in self._client.hkeys(self._migrations_key())}
        return [name for name in MIGRATIONS if name in names] + sorted(names - set(MIGRATIONS))

    def migrate(self, *, upto: str | None = None) -> builtins.list[str]:
        check_migration_name(type(self), upto)
        applied: builtins.list[str] = []
        for name in MIGRATIONS:  # m001_key_layout: the layout documented above; nothing to convert
            with self._errors("migrate"):
                if self._client.hsetnx(self._migrations_key(), name, datetime.now(UTC).isoformat()):
                    applied.append(name)
            if name == upto:
                break
        return applied

    # ------------------------------------------------------------------ async

    def _aclient(self) -> tuple[Any, dict[str, Any]]:
        # Any: the types-redis stubs predate redis.asyncio's aclose() and generic clients
        if self._closed:
            raise closed_error(self)
        loop = asyncio.get_running_loop()
        if self._async is None or self._async[0] is not loop:
            client = redis_async.Redis.from_url(
                self._redis_url,
                retry=redis_async.retry.Retry(ExponentialBackoff(cap=0.5, base=0.05), 2),
                **self._client_args,
            )
            scripts = {name: client.register_script(getattr(lua, name)) for name in self._scripts}
            self._async = (loop, client, scripts)
        return self._async[1], self._async[2]

    async def aput(self, checkpoint: Checkpoint) -> Checkpoint:
        _, scripts = self._aclient()
        keys = self._all_keys(checkpoint.thread_id)
        with self._errors("put"):
            seq, data = await scripts["PUT"](keys=keys, args=[*_put_args(checkpoint), self.ttl])
        return Checkpoint.from_json(data, seq=int(seq))

    async def _aread(
        self, action: str, thread_id: str, kind: str, limit: int | None
    ) -> builtins.list[Checkpoint]:
        check_limit(limit)
        if limit == 0:
            return []
        _, scripts = self._aclient()
        with self._errors(action):
            flat = await scripts["READ"](
                keys=self._keys(thread_id, kind, "checkpoints"), args=[-1 if limit is None else limit - 1]
            )
        return _pairs(flat)

    async def alatest(self, thread_id: str) -> Checkpoint | None:
        found = await self._aread("latest", thread_id, "order", 1)
        return found[0] if found else None

    async def alatest_good(self, thread_id: str) -> Checkpoint | None:
        found = await self._aread("latest_good", thread_id, "good", 1)
        return found[0] if found else None

    async def alist(self, thread_id: str, limit: int | None = None) -> builtins.list[Checkpoint]:
        return await self._aread("list", thread_id, "order", limit)

    async def adelete_thread(self, thread_id: str) -> int:
        _, scripts = self._aclient()
        with self._errors("delete_thread"):
            return int(await scripts["DELETE"](keys=self._all_keys(thread_id)))

    async def aprune(self, thread_id: str, *, keep: int) -> int:
        check_keep(keep)
        _, scripts = self._aclient()
        with self._errors("prune"):
            keys = self._keys(thread_id, "checkpoints", "order", "good")
            return int(await scripts["PRUNE"](keys=keys, args=[keep]))

    async def aget_state(self, thread_id: str) -> ThreadState | None:
        client, _ = self._aclient()
        with self._errors("get_state"):
            return _state(await client.hmget(self._keys(thread_id, "state")[0], ["revision", "data"]))

    async def aset_state(self, state: ThreadState) -> ThreadState:
        _, scripts = self._aclient()
        stamped = state.stamped(0)
        with self._errors("set_state"):
            revision = await scripts["SET_STATE"](
                keys=self._all_keys(state.thread_id), args=[stamped.to_json(), self.ttl]
            )
        return stamped.model_copy(update={"revision": int(revision)})

    async def aupdate_state(self, thread_id: str, fn: StateUpdate) -> ThreadState:
        client, scripts = self._aclient()
        keys = self._all_keys(thread_id)
        for attempt in range(MAX_ATTEMPTS):
            with self._errors("update_state"):
                current = _state(await client.hmget(keys[4], ["revision", "data"]))
            expected = current.revision if current else 0
            stored = apply_update(thread_id, current, fn).stamped(expected + 1)
            with self._errors("update_state"):
                revision = await scripts["CAS_STATE"](keys=keys, args=[expected, stored.to_json(), self.ttl])
            if int(revision) >= 0:
                return stored
            if attempt >= 3:
                await asyncio.sleep(random.uniform(0, 0.002 * min(attempt, 20)))
        raise StoreError(f"{self.url}: update_state gave up after {MAX_ATTEMPTS} conflicting writes")

    # ------------------------------------------------------------------ lifecycle

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._client.close()
        self._async = None  # an async client is closed by aclose(); its connections die with its loop

    async def aclose(self) -> None:
        current = self._async
        if current is not None and current[0] is asyncio.get_running_loop():
            await current[1].aclose()
        self.close()


def _put_args(checkpoint: Checkpoint) -> builtins.list[str]:
    return [checkpoint.id, checkpoint.to_json(), "1" if checkpoint.known_good else "0"]
