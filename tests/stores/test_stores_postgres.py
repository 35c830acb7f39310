"""The conformance suites run against PostgreSQL (SOULKEEPER_TEST_POSTGRES_URL), one schema per test."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from soulkeeper.testing.store_suite import AsyncCheckpointStoreSuite, CheckpointStoreSuite

psycopg = pytest.importorskip("psycopg")
pytest.importorskip("psycopg_pool")

POSTGRES_URL = os.environ.get("SOULKEEPER_TEST_POSTGRES_URL", "")


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A store URL with a schema of its own, dropped after the test."""
    if not POSTGRES_URL:
        pytest.skip("set SOULKEEPER_TEST_POSTGRES_URL (e.g. postgresql://postgres@127.0.0.1:5432/test)")
    schema = f"sk_test_{uuid.uuid4().hex[:12]}"
    separator = "&" if "?" in POSTGRES_URL else "?"
    yield f"{POSTGRES_URL}{separator}schema={schema}"
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


class TestPostgresStore(CheckpointStoreSuite):
    """PostgreSQL passes the sync suite, across threads and processes."""

    @pytest.fixture
    def store_url(self, postgres_url: str) -> str:
        """A fresh schema per test."""
        return postgres_url


class TestPostgresStoreAsync(AsyncCheckpointStoreSuite):
    """PostgreSQL passes the async suite (native async pool)."""

    @pytest.fixture
    def store_url(self, postgres_url: str) -> str:
        """A fresh schema per test."""
        return postgres_url
