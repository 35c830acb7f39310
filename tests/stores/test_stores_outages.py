"""PostgreSQL and Redis going away mid-use: one-line StoreErrors without secrets, then recovery."""

from __future__ import annotations

import asyncio
import os
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlsplit

import pytest
from _stores_outage import RedisServer, TcpProxy, free_port
from soulkeeper.errors import StoreError
from soulkeeper.stores import Checkpoint, CheckpointStore, ThreadState, open_store

T = TypeVar("T")
POSTGRES_URL = os.environ.get("SOULKEEPER_TEST_POSTGRES_URL", "")


def _bump(state: ThreadState) -> ThreadState:
    return state.model_copy(update={"turn": state.turn + 1})


def _eventually(action: Callable[[], T], *, within: float = 20.0) -> T:
    """Retry an action that raises StoreError until it succeeds (the service is coming back)."""
    deadline = time.monotonic() + within
    while True:
        try:
            return action()
        except StoreError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def _assert_store_down(store: CheckpointStore, secret: str) -> None:
    for action in (
        lambda: store.put(Checkpoint(thread_id="t", persona="p")),
        lambda: store.latest("t"),
        lambda: store.update_state("t", _bump),
    ):
        with pytest.raises(StoreError) as info:
            action()
        message = str(info.value)
        assert "\n" not in message
        assert secret not in message
        assert store.url in message


# ------------------------------------------------------------------ Redis


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    """A private redis-server (password-protected, append-only file) on a free loopback port."""
    pytest.importorskip("redis")
    server = RedisServer(tmp_path, password="s3cret-pw")
    server.start()
    yield server
    server.stop()


def test_redis_outage_raises_store_error_then_recovers(redis_server: RedisServer) -> None:
    """With Redis down every operation raises a one-line StoreError; when it returns, the store works on
    and the checkpoints written before the outage are still there."""
    url = f"redis://:s3cret-pw@127.0.0.1:{redis_server.port}/0?timeout=1"
    with open_store(url) as store:
        before = store.put(Checkpoint(thread_id="t", persona="p", known_good=True))
        store.update_state("t", _bump)
        redis_server.stop()
        started = time.monotonic()
        _assert_store_down(store, "s3cret-pw")
        assert time.monotonic() - started < 15
        redis_server.start()
        after = _eventually(lambda: store.put(Checkpoint(thread_id="t", persona="p")))
        assert store.list("t") == [after, before]
        state = store.update_state("t", _bump)
        assert state.turn == 2


def test_redis_async_outage_raises_store_error_then_recovers(redis_server: RedisServer) -> None:
    """The async twins raise StoreError while Redis is down and work again once it is back."""
    url = f"redis://:s3cret-pw@127.0.0.1:{redis_server.port}/0?timeout=1"

    async def scenario() -> None:
        async with open_store(url) as store:
            await store.aput(Checkpoint(thread_id="t", persona="p"))
            redis_server.stop()
            with pytest.raises(StoreError, match="put failed"):
                await store.aput(Checkpoint(thread_id="t", persona="p"))
            with pytest.raises(StoreError):
                await store.aupdate_state("t", _bump)
            redis_server.start()
            for _ in range(100):
                try:
                    await store.aput(Checkpoint(thread_id="t", persona="p"))
                    break
                except StoreError:
                    await asyncio.sleep(0.2)
            assert len(await store.alist("t")) == 2

    asyncio.run(scenario())


def test_redis_wrong_password_or_no_server_is_a_store_error(redis_server: RedisServer) -> None:
    """A wrong password or a port without a server fails at open with a StoreError hiding the password."""
    with pytest.raises(StoreError) as info:
        open_store(f"redis://:wrong-pw@127.0.0.1:{redis_server.port}/0")
    assert "wrong-pw" not in str(info.value)
    assert "***" in str(info.value)
    with pytest.raises(StoreError, match="connect failed"):
        open_store(f"redis://:wrong-pw@127.0.0.1:{free_port()}/0?timeout=1")


# ------------------------------------------------------------------ PostgreSQL


@pytest.fixture
def postgres_parts() -> Iterator[tuple[str, str]]:
    """The test server's URL and a fresh schema name (dropped afterwards)."""
    psycopg = pytest.importorskip("psycopg")
    if not POSTGRES_URL:
        pytest.skip("set SOULKEEPER_TEST_POSTGRES_URL (e.g. postgresql://postgres@127.0.0.1:5432/test)")
    schema = f"sk_outage_{uuid.uuid4().hex[:12]}"
    yield POSTGRES_URL, schema
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def _with_query(url: str, query: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}{query}"


def test_postgres_pool_recovers_from_terminated_backends(postgres_parts: tuple[str, str]) -> None:
    """When the server terminates the store's connections (pg_terminate_backend), the next calls reconnect."""
    import psycopg

    base, schema = postgres_parts
    app = f"sk-test-{uuid.uuid4().hex[:8]}"
    url = _with_query(base, f"schema={schema}&application_name={app}&pool_min=2")

    def terminate() -> int:
        with psycopg.connect(base, autocommit=True) as admin:
            rows = admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = %s", (app,)
            ).fetchall()
        return len(rows)

    with open_store(url) as store:
        first = store.put(Checkpoint(thread_id="t", persona="p"))
        assert terminate() >= 1
        second = store.put(Checkpoint(thread_id="t", persona="p"))
        assert store.list("t") == [second, first]
        assert store.update_state("t", _bump).turn == 1

        async def async_side() -> None:
            await store.aput(Checkpoint(thread_id="t", persona="p"))
            assert terminate() >= 1
            await store.aput(Checkpoint(thread_id="t", persona="p"))
            assert len(await store.alist("t")) == 4
            await store.aclose()

        asyncio.run(async_side())


def test_postgres_outage_raises_store_error_then_recovers(postgres_parts: tuple[str, str]) -> None:
    """With the server unreachable operations raise a one-line StoreError within the pool timeout; once
    it is reachable again the same store works on with its data."""
    base, schema = postgres_parts
    parts = urlsplit(base)
    proxy = TcpProxy(parts.hostname or "127.0.0.1", parts.port or 5432)
    proxy.start()
    user = parts.username or "postgres"
    url = f"postgresql://{user}:s3cret-pw@127.0.0.1:{proxy.port}{parts.path}?schema={schema}&pool_timeout=1"
    try:
        with open_store(url) as store:
            before = store.put(Checkpoint(thread_id="t", persona="p", known_good=True))
            proxy.cut()
            started = time.monotonic()
            _assert_store_down(store, "s3cret-pw")
            assert time.monotonic() - started < 20
            proxy.start()
            after = _eventually(lambda: store.put(Checkpoint(thread_id="t", persona="p")))
            assert store.list("t") == [after, before]
            assert store.latest_good("t") == before
    finally:
        proxy.cut()


def test_postgres_unreachable_at_open_is_a_store_error() -> None:
    """Opening a PostgreSQL store on a port without a server fails fast with a StoreError hiding the password."""
    pytest.importorskip("psycopg")
    started = time.monotonic()
    with pytest.raises(StoreError, match="cannot connect") as info:
        open_store(f"postgresql://postgres:s3cret-pw@127.0.0.1:{free_port()}/test?pool_timeout=2")
    assert "s3cret-pw" not in str(info.value)
    assert "\n" not in str(info.value)
    assert time.monotonic() - started < 10


def test_redis_ttl_expires_idle_threads_whole(redis_server: RedisServer) -> None:
    """With ?ttl= every write refreshes the expiry of all of a thread's keys; an idle thread vanishes whole."""
    import redis

    url = f"redis://:s3cret-pw@127.0.0.1:{redis_server.port}/0?ttl=2&prefix=ttl"
    with open_store(url) as store:
        store.put(Checkpoint(thread_id="idle", persona="p", known_good=True))
        store.update_state("idle", _bump)
        client = redis.Redis(port=redis_server.port, password="s3cret-pw")
        keys = list(client.scan_iter(match="ttl:thread:idle:*"))
        assert len(keys) == 5
        assert all(0 < client.ttl(key) <= 2 for key in keys)
        time.sleep(1.2)
        store.set_state(ThreadState(thread_id="idle", turn=5))  # a write refreshes every key
        assert all(client.ttl(key) > 1 for key in keys)
        deadline = time.monotonic() + 10
        while list(client.scan_iter(match="ttl:thread:idle:*")) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert list(client.scan_iter(match="ttl:thread:idle:*")) == []
        assert store.latest("idle") is None
        assert store.get_state("idle") is None
        client.close()


def test_postgres_keyword_conninfo_hides_the_password() -> None:
    """A libpq keyword conninfo works too, and its password never reaches url or error messages."""
    pytest.importorskip("psycopg")
    from soulkeeper.stores import PostgresStore

    with pytest.raises(StoreError) as info:
        PostgresStore(f"host=127.0.0.1 port={free_port()} dbname=test password=kw-s3cret", pool_timeout=2)
    assert "kw-s3cret" not in str(info.value)
    assert "password=***" in str(info.value)


def test_postgres_role_without_create_opens_a_migrated_store(postgres_parts: tuple[str, str]) -> None:
    """Once migrated, a store opens (and works) for a role that may only read and write its tables."""
    import psycopg

    base, schema = postgres_parts
    with open_store(_with_query(base, f"schema={schema}")) as store:
        store.put(Checkpoint(thread_id="t", persona="p"))
    role = f"sk_app_{uuid.uuid4().hex[:8]}"
    parts = urlsplit(base)
    with psycopg.connect(base, autocommit=True) as admin:
        admin.execute(f'CREATE ROLE "{role}" LOGIN')
        admin.execute(f'GRANT USAGE ON SCHEMA "{schema}" TO "{role}"')
        admin.execute(f'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA "{schema}" TO "{role}"')
    try:
        url = f"postgresql://{role}@{parts.hostname}:{parts.port or 5432}{parts.path}?schema={schema}"
        with open_store(url) as store:
            assert store.migrate() == []
            store.put(Checkpoint(thread_id="t", persona="p"))
            assert len(store.list("t")) == 2
            assert store.update_state("t", _bump).turn == 1
    finally:
        with psycopg.connect(base, autocommit=True) as admin:
            admin.execute(f'DROP OWNED BY "{role}"')
            admin.execute(f'DROP ROLE "{role}"')


def test_postgres_async_outage_raises_store_error_then_recovers(postgres_parts: tuple[str, str]) -> None:
    """The async pool raises StoreError while the server is unreachable and works again once it is back."""
    base, schema = postgres_parts
    parts = urlsplit(base)
    proxy = TcpProxy(parts.hostname or "127.0.0.1", parts.port or 5432)
    proxy.start()
    user = parts.username or "postgres"
    url = f"postgresql://{user}:s3cret-pw@127.0.0.1:{proxy.port}{parts.path}?schema={schema}&pool_timeout=1"

    async def scenario() -> None:
        async with open_store(url) as store:
            before = await store.aput(Checkpoint(thread_id="t", persona="p"))
            proxy.cut()
            with pytest.raises(StoreError, match="put failed") as info:
                await store.aput(Checkpoint(thread_id="t", persona="p"))
            assert "s3cret-pw" not in str(info.value)
            with pytest.raises(StoreError):
                await store.aupdate_state("t", _bump)
            proxy.start()
            for _ in range(100):
                try:
                    after = await store.aput(Checkpoint(thread_id="t", persona="p"))
                    break
                except StoreError:
                    await asyncio.sleep(0.2)
            assert await store.alist("t") == [after, before]

    try:
        asyncio.run(scenario())
    finally:
        proxy.cut()
