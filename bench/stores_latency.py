"""Checkpoint store latency, throughput and memory per thread, every backend side by side in one run.

    uv run python bench/stores_latency.py [--n 300] [--threads 500]

PostgreSQL and Redis come from SOULKEEPER_TEST_POSTGRES_URL / SOULKEEPER_TEST_REDIS_URL (defaults: the
local test servers); each run uses a schema / key prefix of its own and removes it afterwards. A backend
that cannot be reached is reported and left out.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import statistics
import sys
import tempfile
import threading
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

from _store_backends import backend
from soulkeeper.errors import StoreError
from soulkeeper.stores import Checkpoint, CheckpointStore, ThreadState, open_store

WRITERS = 8
EXEMPLAR = "I'd be glad to help with that — here is what I found, step by step. " * 6  # ~430 chars


def checkpoint(thread: str, turn: int) -> Checkpoint:
    """A realistic checkpoint: four distinct exemplars of about 450 characters."""
    return Checkpoint(
        thread_id=thread,
        persona="aria",
        version="1.2.0",
        digest="sha256:" + "ab" * 32,
        turn=turn,
        drift_score=0.12,
        level="ok",
        known_good=turn % 2 == 0,
        exemplars=tuple(f"{EXEMPLAR} ({thread}, turn {turn}, #{k})" for k in range(4)),
    )


def bump(state: ThreadState) -> ThreadState:
    """One turn later."""
    return state.model_copy(update={"turn": state.turn + 1, "drift_score": state.drift_score * 0.9})


def timed(action: Callable[[int], object], n: int) -> list[float]:
    """Per-call latencies in microseconds."""
    out = []
    for i in range(n):
        start = time.perf_counter()
        action(i)
        out.append((time.perf_counter() - start) * 1e6)
    return out


def concurrent_puts(store: CheckpointStore, per_writer: int) -> tuple[float, float]:
    """Eight threads putting into one conversation thread: total puts/s and median latency (µs)."""
    latencies: list[list[float]] = [[] for _ in range(WRITERS)]
    barrier = threading.Barrier(WRITERS + 1)

    def run(worker: int) -> None:
        barrier.wait()
        latencies[worker] = timed(lambda i: store.put(checkpoint("shared", i)), per_writer)

    threads = [threading.Thread(target=run, args=(w,)) for w in range(WRITERS)]
    for thread in threads:
        thread.start()
    barrier.wait()
    start = time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    flat = [x for part in latencies for x in part]
    return WRITERS * per_writer / elapsed, statistics.median(flat)


def memory_per_thread(store: CheckpointStore, threads: int) -> float:
    """Bytes of Python memory the process holds per conversation thread (tracemalloc) after each
    thread has two checkpoints and a state."""
    for i in range(3):  # warm up pools, prepared statements, script caches
        store.put(checkpoint("warm", i))
        store.update_state("warm", bump)
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.take_snapshot()
    for t in range(threads):
        thread = f"conversation-{t}"
        store.put(checkpoint(thread, 0))
        store.put(checkpoint(thread, 1))
        store.update_state(thread, bump)
    gc.collect()
    after = tracemalloc.take_snapshot()
    tracemalloc.stop()
    grown = sum(stat.size_diff for stat in after.compare_to(before, "filename"))
    return grown / threads


async def async_puts(store: CheckpointStore, per_task: int) -> float:
    """Eight asyncio tasks putting into one conversation thread with aput: total puts/s. Closes the store."""

    async def run(task: int) -> None:
        for i in range(per_task):
            await store.aput(checkpoint("async", i))

    try:
        await store.aput(checkpoint("async-warm", 0))
        start = time.perf_counter()
        await asyncio.gather(*(run(task) for task in range(WRITERS)))
        return WRITERS * per_task / (time.perf_counter() - start)
    finally:
        await store.aclose()


def measure(name: str, url: str, n: int, threads: int) -> dict[str, float]:
    """Every number for one backend."""
    store = open_store(url)
    try:
        for i in range(20):  # warm-up
            store.put(checkpoint("warm", i))
        start = time.perf_counter()
        put = timed(lambda i: store.put(checkpoint("t", i)), n)
        put_rate = n / (time.perf_counter() - start)
        latest = timed(lambda i: store.latest("t"), n)
        good = timed(lambda i: store.latest_good("t"), n)
        update = timed(lambda i: store.update_state("t", bump), n)
        conc_rate, conc_median = concurrent_puts(store, max(n // 4, 10))
        per_thread = memory_per_thread(store, threads)
    except BaseException:
        store.close()
        raise
    async_rate = asyncio.run(async_puts(store, max(n // 4, 10)))
    return {
        "put": statistics.median(put),
        "put_p99": statistics.quantiles(put, n=100)[98],
        "latest": statistics.median(latest),
        "latest_good": statistics.median(good),
        "update": statistics.median(update),
        "put_rate": put_rate,
        "conc_rate": conc_rate,
        "conc_median": conc_median,
        "per_thread": per_thread,
        "async_rate": async_rate,
    }


def main() -> None:
    """Run every backend and print one markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=300, help="sequential operations per measurement")
    parser.add_argument("--threads", type=int, default=500, help="conversation threads for the memory figure")
    args = parser.parse_args()
    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name in ("memory", "sqlite", "postgresql", "redis"):
            try:
                with backend(name, Path(tmp), tag="bench", postgres_options=f"&pool_max={WRITERS}") as url:
                    results[name] = measure(name, url, args.n, args.threads)
            except (StoreError, ImportError, OSError) as exc:
                print(f"{name}: left out ({exc})", file=sys.stderr)
    print(
        f"n={args.n} sequential ops, {WRITERS} writer threads x {max(args.n // 4, 10)} puts, "
        f"{args.threads} threads for memory; Python {sys.version.split()[0]}, {os.cpu_count()} CPUs\n"
    )
    print(
        "| backend | put µs | put p99 µs | latest µs | latest_good (restore) µs | update_state µs | puts/s (1 writer) "
        "| puts/s (8 threads) | put µs (8 threads) | puts/s (8 async tasks) | memory held / thread |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name, r in results.items():
        print(
            f"| {name} | {r['put']:.0f} | {r['put_p99']:.0f} | {r['latest']:.0f} | {r['latest_good']:.0f} | {r['update']:.0f} "
            f"| {r['put_rate']:,.0f} | {r['conc_rate']:,.0f} | {r['conc_median']:.0f} | {r['async_rate']:,.0f} "
            f"| {r['per_thread'] / 1024:.2f} KB |"
        )


if __name__ == "__main__":
    main()
