"""The conformance suites run against the memory and SQLite stores."""

from __future__ import annotations

from pathlib import Path

import pytest
from soulkeeper.testing.store_suite import AsyncCheckpointStoreSuite, CheckpointStoreSuite


class TestMemoryStore(CheckpointStoreSuite):
    """memory:// passes the sync suite (it is process-local)."""

    shared_across_processes = False

    @pytest.fixture
    def store_url(self) -> str:
        """Every memory:// URL is a new store."""
        return "memory://"


class TestMemoryStoreAsync(AsyncCheckpointStoreSuite):
    """memory:// passes the async suite."""

    @pytest.fixture
    def store_url(self) -> str:
        """Every memory:// URL is a new store."""
        return "memory://"


class TestSQLiteStore(CheckpointStoreSuite):
    """A SQLite file passes the sync suite, across threads and processes."""

    @pytest.fixture
    def store_url(self, tmp_path: Path) -> str:
        """A fresh database file per test."""
        return f"sqlite:///{tmp_path / 'checkpoints.db'}"


class TestSQLiteStoreAsync(AsyncCheckpointStoreSuite):
    """A SQLite file passes the async suite."""

    @pytest.fixture
    def store_url(self, tmp_path: Path) -> str:
        """A fresh database file per test."""
        return f"sqlite:///{tmp_path / 'checkpoints.db'}"
