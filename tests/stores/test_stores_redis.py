"""The conformance suites run against Redis (SOULKEEPER_TEST_REDIS_URL), one key prefix per test."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from soulkeeper.testing.store_suite import AsyncCheckpointStoreSuite, CheckpointStoreSuite

redis = pytest.importorskip("redis")

REDIS_URL = os.environ.get("SOULKEEPER_TEST_REDIS_URL", "")


@pytest.fixture
def redis_url() -> Iterator[str]:
    """A store URL with a key prefix of its own, whose keys are deleted after the test."""
    if not REDIS_URL:
        pytest.skip("set SOULKEEPER_TEST_REDIS_URL (e.g. redis://127.0.0.1:6379/15)")
    prefix = f"sk-test-{uuid.uuid4().hex[:12]}"
    separator = "&" if "?" in REDIS_URL else "?"
    yield f"{REDIS_URL}{separator}prefix={prefix}"
    client = redis.Redis.from_url(REDIS_URL)
    try:
        keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
        if keys:
            client.delete(*keys)
    finally:
        client.close()


class TestRedisStore(CheckpointStoreSuite):
    """Redis passes the sync suite, across threads and processes."""

    @pytest.fixture
    def store_url(self, redis_url: str) -> str:
        """A fresh key prefix per test."""
        return redis_url


class TestRedisStoreAsync(AsyncCheckpointStoreSuite):
    """Redis passes the async suite (redis.asyncio)."""

    @pytest.fixture
    def store_url(self, redis_url: str) -> str:
        """A fresh key prefix per test."""
        return redis_url
