"""Conformance suites for checkpoint store backends (this module imports pytest).

Subclass a suite in a test module and provide a ``store_url`` fixture that names a *fresh, empty*
location for each test (a new SQLite file, a new PostgreSQL schema, a new Redis key prefix)::

    class TestMyStore(CheckpointStoreSuite):
        @pytest.fixture
        def store_url(self, tmp_path):
            return f"mystore://{tmp_path}"

Set ``shared_across_processes = False`` for backends whose data lives in one process (``memory://``).
The async suite needs pytest-asyncio.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any, ClassVar

import pytest

from soulkeeper.stores import (
    MAX_EXEMPLAR_CHARS,
    MAX_EXEMPLARS,
    Checkpoint,
    CheckpointStore,
    ThreadState,
    open_store,
)

__all__ = ["AsyncCheckpointStoreSuite", "CheckpointStoreSuite", "make_checkpoint"]

WRITERS = 8
PER_WRITER = 25
PROCESSES = 3
PER_PROCESS = 40


def make_checkpoint(thread_id: str, turn: int, *, known_good: bool = False, **fields: object) -> Checkpoint:
    """A small valid checkpoint for tests."""
    values: dict[str, object] = {
        "thread_id": thread_id,
        "persona": "tester",
        "version": "1.0.0",
        "digest": "sha256:" + "0" * 64,
        "turn": turn,
        "drift_score": turn / 100,
        "level": "ok" if known_good else "warn",
        "known_good": known_good,
        "exemplars": (f"reply {turn}",) if known_good else (),
    }
    values.update(fields)
    return Checkpoint.model_validate(values)


def _bump(state: ThreadState) -> ThreadState:
    return state.model_copy(update={"turn": state.turn + 1, "drift_score": state.drift_score + 0.5})


def _process_writer(url: str, worker: int, count: int) -> None:
    """Run in a spawned process: put ``count`` checkpoints and bump the shared state ``count`` times."""
    store = open_store(url)
    try:
        for i in range(count):
            store.put(make_checkpoint("shared", i, id=f"p{worker}-{i}", known_good=i % 2 == 0))
            store.update_state("shared", _bump)
    finally:
        store.close()


def _process_context() -> Any:  # ForkServerContext | SpawnContext (the former is POSIX-only)
    """Forkserver where available (children fork from a process that imported soulkeeper once, and never
    from the test process with its pool threads), else spawn."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload([__name__])
        return context
    return multiprocessing.get_context("spawn")


def _run_threads(target: Callable[[int], None], count: int) -> None:
    errors: list[BaseException] = []

    def run(index: int) -> None:
        try:
            target(index)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]


class CheckpointStoreSuite:
    """Behaviour every checkpoint store must have, through its sync methods."""

    shared_across_processes: ClassVar[bool] = True

    @pytest.fixture
    def store_url(self) -> str:
        """A URL naming a fresh, empty store location (override in the backend's test class)."""
        raise NotImplementedError("a CheckpointStoreSuite subclass must provide a store_url fixture")

    @pytest.fixture
    def store(self, store_url: str) -> Iterator[CheckpointStore]:
        """The store under test, opened (and migrated) with ``open_store``."""
        store = open_store(store_url)
        yield store
        store.close()

    # ------------------------------------------------------------------ checkpoints

    def test_empty_thread_has_nothing(self, store: CheckpointStore) -> None:
        """A thread never written has no checkpoints, no known-good checkpoint and no state."""
        assert store.latest("nobody") is None
        assert store.latest_good("nobody") is None
        assert store.list("nobody") == []
        assert store.get_state("nobody") is None

    def test_put_returns_the_stored_checkpoint(self, store: CheckpointStore) -> None:
        """put returns the checkpoint with a store-assigned seq, equal to what latest reads back."""
        stored = store.put(make_checkpoint("t1", 1))
        assert stored.seq is not None
        assert store.latest("t1") == stored

    def test_latest_is_the_newest_put(self, store: CheckpointStore) -> None:
        """latest returns the most recently put checkpoint, whatever its turn number."""
        for turn in (5, 3, 9, 1):
            last = store.put(make_checkpoint("t1", turn))
        assert store.latest("t1") == last

    def test_latest_good_skips_checkpoints_not_known_good(self, store: CheckpointStore) -> None:
        """latest_good returns the newest known-good checkpoint, even when newer ones are not good."""
        store.put(make_checkpoint("t1", 1, known_good=True))
        good = store.put(make_checkpoint("t1", 2, known_good=True))
        store.put(make_checkpoint("t1", 3))
        store.put(make_checkpoint("t1", 4))
        assert store.latest_good("t1") == good
        store.put(make_checkpoint("t2", 1))
        assert store.latest_good("t2") is None

    def test_list_is_newest_first_and_honours_limit(self, store: CheckpointStore) -> None:
        """list returns every checkpoint of the thread newest first; limit keeps the newest ones."""
        stored = [store.put(make_checkpoint("t1", turn, known_good=turn % 3 == 0)) for turn in range(12)]
        newest_first = stored[::-1]
        assert store.list("t1") == newest_first
        assert store.list("t1", limit=5) == newest_first[:5]
        assert store.list("t1", limit=0) == []
        assert store.list("t1", limit=100) == newest_first
        seqs = [cp.seq for cp in store.list("t1")]
        assert seqs == sorted(seqs, reverse=True)  # type: ignore[type-var]
        with pytest.raises(ValueError, match="limit"):
            store.list("t1", limit=-1)

    def test_put_is_idempotent_by_id(self, store: CheckpointStore) -> None:
        """Putting a checkpoint id twice keeps one copy (the first), so retries never duplicate."""
        first = store.put(make_checkpoint("t1", 1, id="same-id"))
        again = store.put(make_checkpoint("t1", 2, id="same-id"))
        assert again == first
        assert store.list("t1") == [first]

    def test_threads_are_isolated(self, store: CheckpointStore) -> None:
        """Checkpoints and state of one thread never show up in another, even with look-alike ids."""
        ids = ["a", "a:b", "a:all", "a:good", "a*", "b"]
        for number, thread in enumerate(ids):
            store.put(make_checkpoint(thread, number, known_good=True))
            store.set_state(ThreadState(thread_id=thread, turn=number))
        for number, thread in enumerate(ids):
            items = store.list(thread)
            assert [cp.turn for cp in items] == [number]
            assert all(cp.thread_id == thread for cp in items)
            state = store.get_state(thread)
            assert state is not None
            assert state.turn == number

    def test_delete_thread_removes_only_that_thread(self, store: CheckpointStore) -> None:
        """delete_thread drops the thread's checkpoints and state, reports the count, and spares others."""
        for turn in range(3):
            store.put(make_checkpoint("gone", turn, known_good=True))
        kept = store.put(make_checkpoint("kept", 1, known_good=True))
        store.set_state(ThreadState(thread_id="gone", turn=3))
        store.set_state(ThreadState(thread_id="kept", turn=1))
        assert store.delete_thread("gone") == 3
        assert store.list("gone") == []
        assert store.latest("gone") is None
        assert store.latest_good("gone") is None
        assert store.get_state("gone") is None
        assert store.list("kept") == [kept]
        assert store.get_state("kept") is not None
        assert store.delete_thread("gone") == 0
        again = store.put(make_checkpoint("gone", 7))
        assert store.list("gone") == [again]

    def test_prune_keeps_the_newest_and_the_restore_point(self, store: CheckpointStore) -> None:
        """prune keeps the newest `keep` checkpoints plus the newest known-good one, and nothing else."""
        stored = [store.put(make_checkpoint("t1", turn, known_good=turn in (1, 3))) for turn in range(10)]
        other = store.put(make_checkpoint("t2", 0))
        assert store.prune("t1", keep=4) == 5  # turns 0, 1, 2, 4, 5 go; 3 is the restore point
        assert store.list("t1") == [*stored[6:][::-1], stored[3]]
        assert store.latest_good("t1") == stored[3]
        assert store.prune("t1", keep=4) == 0
        assert store.prune("t1", keep=0) == 4
        assert store.list("t1") == [stored[3]]
        assert store.prune("nobody", keep=1) == 0
        assert store.list("t2") == [other]
        with pytest.raises(ValueError, match="keep"):
            store.prune("t1", keep=-1)

    def test_round_trip_keeps_every_field(self, store: CheckpointStore) -> None:
        """Unicode, control characters, large exemplars, exact floats and timestamps read back unchanged."""
        exemplars = (
            "안녕하세요, 무엇을 도와드릴까요? 😀",
            "こんにちは。ご用件をどうぞ。",
            "مرحبا بك — שלום",
            "e\u0301 \u200d👩‍👩‍👧 \ufeff zero-width",
            "quotes \" ' \\ backslash \x00 nul \x1b esc",
            "line\nbreak\ttab\r\n",
            "가" * MAX_EXEMPLAR_CHARS,
            "x" * (MAX_EXEMPLAR_CHARS - 1),
        )
        assert len(exemplars) == MAX_EXEMPLARS
        checkpoint = make_checkpoint(
            "スレッド/1:α β",
            10**9,
            known_good=True,
            persona="Ünïcødé persona 名前",
            version="2.0.0-rc.1+build.7",
            drift_score=0.1 + 0.2,
            level="restore",
            exemplars=exemplars,
            created_at=datetime(2031, 2, 3, 4, 5, 6, 789012, tzinfo=UTC),
        )
        stored = store.put(checkpoint)
        for read in (store.latest(checkpoint.thread_id), store.latest_good(checkpoint.thread_id)):
            assert read == stored
            assert read is not None
            assert read.model_dump(exclude={"seq"}) == checkpoint.model_dump(exclude={"seq"})

    # ------------------------------------------------------------------ thread state

    def test_set_state_bumps_revision_and_stamps_time(self, store: CheckpointStore) -> None:
        """set_state stores the state with revision 1, 2, … and a fresh updated_at; get_state reads it."""
        before = datetime.now(UTC)
        first = store.set_state(
            ThreadState(thread_id="t1", turn=4, drift_score=1.25, level="warn", violated_rules=("no-emoji",))
        )
        assert first.revision == 1
        assert first.updated_at >= before
        assert store.get_state("t1") == first
        second = store.set_state(first.model_copy(update={"pending_reanchor": True}))
        assert second.revision == 2
        read = store.get_state("t1")
        assert read == second
        assert read is not None
        assert read.pending_reanchor
        assert read.violated_rules == ("no-emoji",)

    def test_update_state_starts_from_a_default_state(self, store: CheckpointStore) -> None:
        """update_state hands fn a default state for a new thread and returns what it stored."""
        seen: list[ThreadState] = []

        def fn(state: ThreadState) -> ThreadState:
            seen.append(state)
            return state.model_copy(update={"turn": 1, "pending_reanchor": True})

        stored = store.update_state("fresh", fn)
        assert seen[0].thread_id == "fresh"
        assert seen[0].turn == 0
        assert stored.turn == 1
        assert stored.revision == 1
        assert store.get_state("fresh") == stored

    def test_update_state_that_raises_writes_nothing(self, store: CheckpointStore) -> None:
        """When fn raises, its error propagates and the stored state stays as it was."""
        stored = store.set_state(ThreadState(thread_id="t1", turn=2))

        def boom(state: ThreadState) -> ThreadState:
            raise RuntimeError("boom")

        with pytest.raises(RuntimeError, match="boom"):
            store.update_state("t1", boom)
        with pytest.raises(RuntimeError, match="boom"):
            store.update_state("never", boom)
        assert store.get_state("t1") == stored
        assert store.get_state("never") is None

    def test_update_state_rejects_a_state_for_another_thread(self, store: CheckpointStore) -> None:
        """fn must return a state of the same thread; anything else is refused and nothing is written."""
        with pytest.raises(ValueError, match="thread"):
            store.update_state("t1", lambda state: ThreadState(thread_id="other"))
        assert store.get_state("t1") is None
        assert store.get_state("other") is None

    # ------------------------------------------------------------------ concurrency

    def test_concurrent_writers_lose_nothing(self, store: CheckpointStore) -> None:
        """Eight threads putting checkpoints into one thread at once: every checkpoint is kept, in order."""

        def write(worker: int) -> None:
            for i in range(PER_WRITER):
                store.put(make_checkpoint("shared", i, id=f"w{worker}-{i}", known_good=i % 2 == 0))
                store.put(make_checkpoint(f"own-{worker}", i))
                store.latest("shared")

        _run_threads(write, WRITERS)
        items = store.list("shared")
        assert len(items) == WRITERS * PER_WRITER
        assert {cp.id for cp in items} == {f"w{w}-{i}" for w in range(WRITERS) for i in range(PER_WRITER)}
        assert len({cp.seq for cp in items}) == len(items)
        for worker in range(WRITERS):
            mine = [int(cp.id.split("-")[1]) for cp in reversed(items) if cp.id.startswith(f"w{worker}-")]
            assert mine == list(range(PER_WRITER))  # each writer's puts keep their order
            assert len(store.list(f"own-{worker}")) == PER_WRITER

    def test_concurrent_state_updates_lose_nothing(self, store: CheckpointStore) -> None:
        """Eight threads updating one thread's state at once: no update is lost."""

        def update(worker: int) -> None:
            for _ in range(PER_WRITER):
                store.update_state("shared", _bump)

        _run_threads(update, WRITERS)
        state = store.get_state("shared")
        assert state is not None
        assert state.turn == WRITERS * PER_WRITER
        assert state.drift_score == WRITERS * PER_WRITER * 0.5
        assert state.revision == WRITERS * PER_WRITER

    def test_several_processes_lose_nothing(self, store: CheckpointStore, store_url: str) -> None:
        """Processes sharing the store lose no checkpoint and no state update (process-local stores share
        nothing, by design)."""
        if not self.shared_across_processes:
            store.put(make_checkpoint("shared", 1))
            with open_store(store_url) as other:
                assert other.list("shared") == []
            return
        context = _process_context()
        processes = [
            context.Process(target=_process_writer, args=(store_url, worker, PER_PROCESS))
            for worker in range(PROCESSES)
        ]
        for process in processes:
            process.start()
        for process in processes:
            process.join(timeout=120)
        assert [process.exitcode for process in processes] == [0] * PROCESSES
        items = store.list("shared")
        assert {cp.id for cp in items} == {f"p{w}-{i}" for w in range(PROCESSES) for i in range(PER_PROCESS)}
        assert len(items) == PROCESSES * PER_PROCESS
        state = store.get_state("shared")
        assert state is not None
        assert state.turn == PROCESSES * PER_PROCESS

    # ------------------------------------------------------------------ schema

    def test_migrations_upgrade_an_old_schema_once(self, store_url: str) -> None:
        """Opening a store at an older schema applies the missing migrations, records each once, and
        keeps the data; migrating again does nothing."""
        old = open_store(store_url, migrate=False)
        names = list(type(old).migrations)
        try:
            assert old.applied_migrations() == []
            if not names:  # a backend without a schema
                assert old.migrate() == []
                return
            assert old.migrate(upto=names[0]) == names[:1]
            assert old.applied_migrations() == names[:1]
            written = old.put(make_checkpoint("old", 1, known_good=True))
            with pytest.raises(ValueError, match="unknown migration"):
                old.migrate(upto="m999_nope")
        finally:
            old.close()
        with open_store(store_url) as store:
            assert store.applied_migrations() == names
            assert store.latest_good("old") == written
            assert store.migrate() == []
            assert store.applied_migrations() == names
            assert store.update_state("old", _bump).turn == 1
        with open_store(store_url) as again:
            assert again.applied_migrations() == names

    def test_concurrent_first_opens_migrate_once(self, store_url: str) -> None:
        """Several stores opening one fresh location at once all succeed and record each migration once."""
        stores: list[CheckpointStore] = []
        lock = threading.Lock()

        def open_one(index: int) -> None:
            opened = open_store(store_url)
            with lock:
                stores.append(opened)

        try:
            _run_threads(open_one, 4)
            names = list(type(stores[0]).migrations)
            for opened in stores:
                assert opened.applied_migrations() == names
        finally:
            for opened in stores:
                opened.close()

    def test_closed_store_refuses_use(self, store_url: str) -> None:
        """A closed store raises StoreError instead of touching its backend; closing twice is harmless."""
        from soulkeeper.errors import StoreError

        with open_store(store_url) as store:
            store.put(make_checkpoint("t1", 1))
        store.close()
        with pytest.raises(StoreError, match="closed"):
            store.latest("t1")
        with pytest.raises(StoreError, match="closed"):
            store.put(make_checkpoint("t1", 2))


class AsyncCheckpointStoreSuite:
    """Behaviour every checkpoint store must have, through its async twins (needs pytest-asyncio)."""

    @pytest.fixture
    def store_url(self) -> str:
        """A URL naming a fresh, empty store location (override in the backend's test class)."""
        raise NotImplementedError("an AsyncCheckpointStoreSuite subclass must provide a store_url fixture")

    @pytest.mark.asyncio
    async def test_async_checkpoints(self, store_url: str) -> None:
        """aput, alatest, alatest_good, alist and adelete_thread behave like their sync twins."""
        async with open_store(store_url) as store:
            assert await store.alatest("t1") is None
            good = await store.aput(make_checkpoint("t1", 1, known_good=True))
            newest = await store.aput(make_checkpoint("t1", 2))
            assert await store.alatest("t1") == newest
            assert await store.alatest_good("t1") == good
            assert await store.alist("t1") == [newest, good]
            assert await store.alist("t1", limit=1) == [newest]
            assert store.list("t1") == [newest, good]  # the sync view agrees
            assert await store.aput(make_checkpoint("t1", 9, id=newest.id)) == newest
            assert await store.aprune("t1", keep=5) == 0
            assert await store.adelete_thread("t1") == 2
            assert await store.alist("t1") == []

    @pytest.mark.asyncio
    async def test_async_state(self, store_url: str) -> None:
        """aget_state, aset_state and aupdate_state read and write the same state as the sync methods."""
        async with open_store(store_url) as store:
            assert await store.aget_state("t1") is None
            stored = await store.aset_state(ThreadState(thread_id="t1", turn=3, pending_reanchor=True))
            assert stored.revision == 1
            assert await store.aget_state("t1") == stored
            updated = await store.aupdate_state("t1", _bump)
            assert updated.turn == 4
            assert updated.revision == 2
            assert store.get_state("t1") == updated

    @pytest.mark.asyncio
    async def test_async_concurrent_writers_lose_nothing(self, store_url: str) -> None:
        """Eight concurrent tasks putting checkpoints and updating state lose nothing."""
        async with open_store(store_url) as store:

            async def write(worker: int) -> None:
                for i in range(PER_WRITER):
                    await store.aput(make_checkpoint("shared", i, id=f"a{worker}-{i}"))
                    await store.aupdate_state("shared", _bump)

            await asyncio.gather(*(write(worker) for worker in range(WRITERS)))
            items = await store.alist("shared")
            assert len(items) == WRITERS * PER_WRITER
            assert len({cp.id for cp in items}) == WRITERS * PER_WRITER
            state = await store.aget_state("shared")
            assert state is not None
            assert state.turn == WRITERS * PER_WRITER
