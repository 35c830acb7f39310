"""PersonaGuard per-turn cost (prepare + observe) with every checkpoint store, and memory per thread.

    uv run python bench/guard_turn.py [--turns 300] [--threads 1000]

Persona: examples/souls/mati, context window 8192, the default ``estimate`` tokenizer. Each turn prepares a
20-message history and observes a reply (one in ten drifted, so re-anchors and restores are exercised).
Columns are medians in microseconds; "detector" is ``DriftDetector.check`` alone on the same replies, so
"observe - detector" is the guard's own bookkeeping plus the store round trips. Memory is what the guard
process holds per active thread (tracemalloc, after every thread took three turns). PostgreSQL and Redis
come from SOULKEEPER_TEST_POSTGRES_URL / SOULKEEPER_TEST_REDIS_URL (defaults: the local test servers); a
backend that cannot be reached is reported and left out.
"""

from __future__ import annotations

import argparse
import gc
import logging
import os
import statistics
import sys
import tempfile
import time
import tracemalloc
import uuid
from pathlib import Path

from _shared import ROOT, TIKTOKEN_CACHE

os.environ.setdefault("TIKTOKEN_CACHE_DIR", str(TIKTOKEN_CACHE))

from _store_backends import backend
from soulkeeper.errors import SoulkeeperError
from soulkeeper.guard import Message, PersonaGuard, Policy
from soulkeeper.spec import load_soul

CLEAN = (
    "Regarding the deployment, the recommended procedure is to verify the current state and then to apply "
    "the change in small, reversible increments. Further detail can be provided upon request."
)
DRIFTED = "Hey! 🎉 Deployment's done — super easy, no worries!"


def history() -> list[Message]:
    msgs: list[Message] = []
    for i in range(10):
        msgs.append(Message(role="user", content=f"Question {i}: what is the state of the rollout?"))
        msgs.append(Message(role="assistant", content=CLEAN))
    return msgs


def per_turn(guard: PersonaGuard, turns: int) -> dict[str, float]:
    msgs = history()
    prep, obs, det = [], [], []
    thread = f"bench-{uuid.uuid4().hex[:8]}"
    for i in range(turns):
        reply = DRIFTED if i % 10 == 9 else CLEAN
        t0 = time.perf_counter()
        guard.prepare(thread, msgs)
        t1 = time.perf_counter()
        guard.observe(thread, reply, user_text="status?")
        t2 = time.perf_counter()
        guard.detector.check(reply, user_text="status?", turn=i + 1)
        t3 = time.perf_counter()
        prep.append((t1 - t0) * 1e6)
        obs.append((t2 - t1) * 1e6)
        det.append((t3 - t2) * 1e6)
    turn = [p + o for p, o in zip(prep, obs, strict=True)]
    return {
        "prepare": statistics.median(prep),
        "observe": statistics.median(obs),
        "detector": statistics.median(det),
        "turn": statistics.median(turn),
    }


def memory_per_thread(guard: PersonaGuard, threads: int) -> float:
    """Bytes the guard process holds per active thread (three turns each), via tracemalloc."""
    msgs = history()
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.take_snapshot()
    for t in range(threads):
        for i in range(3):
            guard.prepare(f"mem-{t}", msgs)
            guard.observe(f"mem-{t}", CLEAN if i else f"{CLEAN} ({t})")
    gc.collect()
    after = tracemalloc.take_snapshot()
    tracemalloc.stop()
    grown = sum(stat.size_diff for stat in after.compare_to(before, "filename"))
    return grown / threads


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--turns", type=int, default=300)
    parser.add_argument("--threads", type=int, default=1000)
    args = parser.parse_args()
    logging.getLogger("soulkeeper").addHandler(logging.NullHandler())
    soul = load_soul(ROOT / "examples" / "souls" / "mati")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in ("memory", "sqlite", "postgresql", "redis"):
            try:
                with backend(name, Path(tmp), tag="guard") as url:
                    guard = PersonaGuard(soul, store=url, context_window=8192, policy=Policy())
                    try:
                        per_turn(guard, 30)  # warm up: detector models, pack cache, connections
                        result = per_turn(guard, args.turns)
                        memory = memory_per_thread(guard, args.threads) if name != "memory" else None
                    finally:
                        guard.close()
            except (SoulkeeperError, ImportError, OSError) as exc:
                print(f"{name}: skipped ({' '.join(str(exc).split())[:120]})", file=sys.stderr)
                continue
            rows.append((name, result, memory))
    print(f"PersonaGuard per turn, {args.turns} turns, medians in µs (persona mati, context 8192)\n")
    print("| store | prepare | observe | prepare + observe | detector alone | memory per thread |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, r, memory in rows:
        mem = f"{memory / 1024:.1f} KB" if memory is not None else "n/a (state in process)"
        print(
            f"| {name} | {r['prepare']:.0f} | {r['observe']:.0f} | {r['turn']:.0f} | {r['detector']:.0f} | {mem} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
