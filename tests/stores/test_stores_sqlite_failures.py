"""SQLite failure behaviour: killed writers lose no committed checkpoint, old databases migrate."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from soulkeeper.errors import StoreError
from soulkeeper.stores import Checkpoint, SQLiteStore, open_store
from soulkeeper.stores._sqlite_schema import MIGRATIONS

WRITER = Path(__file__).with_name("_stores_sqlite_writer.py")


def _wait_for_lines(path: Path, count: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists() and path.read_text(encoding="utf-8").count("\n") >= count:
            return
        time.sleep(0.02)
    raise AssertionError(f"writer reported fewer than {count} commits in {timeout}s: {path.read_text()!r}")


def test_sigkilled_writers_lose_no_committed_checkpoint(tmp_path: Path) -> None:
    """Writers killed with SIGKILL mid-loop lose nothing they reported committed, and the file stays sound."""
    url = f"sqlite:///{tmp_path / 'killed.db'}"
    open_store(url).close()
    reported: set[str] = set()
    state_reports = 0
    rng = random.Random(7)
    for round_ in range(3):
        logs = [tmp_path / f"writer-{round_}-{n}.log" for n in range(2)]
        procs = []
        for n, log in enumerate(logs):
            with log.open("w", encoding="utf-8") as out:
                procs.append(
                    subprocess.Popen(
                        [sys.executable, str(WRITER), url, f"r{round_}w{n}"], stdout=out, env=os.environ
                    )
                )
        for log in logs:
            _wait_for_lines(log, 40)
        time.sleep(rng.uniform(0.05, 0.3))
        for proc in procs:
            proc.send_signal(signal.SIGKILL)
        for proc in procs:
            assert proc.wait(timeout=10) == -signal.SIGKILL
        for log in logs:
            for line in log.read_text(encoding="utf-8").splitlines():
                kind, _, value = line.partition(" ")
                if kind == "cp":
                    reported.add(value)
                elif kind == "state":
                    state_reports += 1

        with sqlite3.connect(tmp_path / "killed.db") as raw:
            assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        with open_store(url) as store:
            stored = {cp.id for cp in store.list("killed")}
            assert reported <= stored, f"lost committed checkpoints: {sorted(reported - stored)[:5]}"
            state = store.get_state("killed")
            assert state is not None
            assert state.turn >= state_reports
            assert store.put(Checkpoint(thread_id="killed", persona="p", id=f"after-{round_}")).seq
    assert len(reported) >= 3 * 2 * 20


def test_old_database_is_migrated_on_open(tmp_path: Path) -> None:
    """A database written by an older version (only the first migration) is upgraded on open, data intact."""
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as raw:
        raw.execute("CREATE TABLE _soulkeeper_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
        name, first = MIGRATIONS[0]
        first(raw)
        raw.execute("INSERT INTO _soulkeeper_migrations VALUES (?, '2025-01-01T00:00:00+00:00')", (name,))
        old = Checkpoint(thread_id="t", persona="p", turn=3, known_good=True, exemplars=("hello",))
        raw.execute(
            "INSERT INTO soulkeeper_checkpoints (id, thread_id, known_good, created_at, data) VALUES (?, ?, 1, ?, ?)",
            (old.id, old.thread_id, old.created_at.isoformat(), old.to_json()),
        )
    raw.close()
    with open_store(f"sqlite:///{path}") as store:
        assert store.applied_migrations() == [name for name, _ in MIGRATIONS]
        found = store.latest_good("t")
        assert found is not None
        assert found.model_dump(exclude={"seq"}) == old.model_dump(exclude={"seq"})
        assert store.update_state("t", lambda s: s.model_copy(update={"turn": 4})).turn == 4
    with sqlite3.connect(path) as raw:
        names = [row[0] for row in raw.execute("SELECT name FROM _soulkeeper_migrations ORDER BY rowid")]
        assert names == [name for name, _ in MIGRATIONS]
        indexes = {row[0] for row in raw.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
        assert "soulkeeper_checkpoints_good" in indexes
    raw.close()


def test_database_runs_in_wal_mode_with_busy_timeout(tmp_path: Path) -> None:
    """A file store switches the database to WAL and sets the busy timeout from the URL."""
    with open_store(f"sqlite:///{tmp_path / 'wal.db'}?timeout=2.5&synchronous=full") as store:
        assert isinstance(store, SQLiteStore)
        conn = store._connect()
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA busy_timeout").fetchone()[0] == 2500
        assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL


def test_memory_database_url_and_relative_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """sqlite:///:memory: works across threads of one store; sqlite:///rel.db is relative to the cwd."""
    with open_store("sqlite:///:memory:") as store:
        stored = store.put(Checkpoint(thread_id="t", persona="p"))
        assert store.latest("t") == stored
    monkeypatch.chdir(tmp_path)
    with open_store("sqlite:///nested/rel.db") as store:
        store.put(Checkpoint(thread_id="t", persona="p"))
    assert (tmp_path / "nested" / "rel.db").is_file()


def test_bad_sqlite_urls_and_files_fail_clearly(tmp_path: Path) -> None:
    """A host in the URL or an unknown option is a ValueError; a file that is not SQLite is a StoreError."""
    with pytest.raises(ValueError, match="no host"):
        open_store("sqlite://host/x.db")
    with pytest.raises(ValueError, match="unknown SQLite store option"):
        open_store(f"sqlite:///{tmp_path / 'x.db'}?journal=delete")
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError, match=r"junk\.db"):
        open_store(f"sqlite:///{junk}")


def test_corrupt_rows_raise_store_error(tmp_path: Path) -> None:
    """A row whose JSON was damaged outside soulkeeper reads as a StoreError naming the problem."""
    url = f"sqlite:///{tmp_path / 'corrupt.db'}"
    with open_store(url) as store:
        store.put(Checkpoint(thread_id="t", persona="p"))
    with sqlite3.connect(tmp_path / "corrupt.db") as raw:
        raw.execute("UPDATE soulkeeper_checkpoints SET data = '{\"thread_id\": 7}'")
    raw.close()
    with open_store(url) as store, pytest.raises(StoreError, match="corrupt Checkpoint record"):
        store.latest("t")
