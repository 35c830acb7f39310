"""Pack latency: a five-file Korean/English persona of about 7k tokens into a 4,096-token window.

    uv run python bench/pack_latency.py [--rounds 200] [--warm 20000]

Cold: every cache cleared before each call, so every section, marker and the final text are counted.
New budget: the per-section counts are cached (same persona, same tokenizer) but the budget changes
on every call. Warm: the same call again (the result cache). Medians, with the fastest run beside them.
Targets: cold under 5 ms with tiktoken, warm under 20 µs.
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import sys
import time
from collections.abc import Callable, Iterator

from _shared import DATA, ROOT

os.environ.setdefault("TIKTOKEN_CACHE_DIR", str(DATA / "tokenizers" / "tiktoken-cache"))

from soulkeeper.pack import clear_cache, pack
from soulkeeper.spec import load_soul
from soulkeeper.tokens import get_tokenizer

PERSONA = ROOT / "tests" / "pack" / "fixtures" / "dal"
TOKENIZERS = {
    "tiktoken:o200k_base": DATA / "tokenizers" / "tiktoken-cache",
    "estimate": None,
    f"hf:{DATA / 'tokenizers' / 'hf' / 'qwen2_5'}": DATA / "tokenizers" / "hf" / "qwen2_5",
}


def _times(call: Callable[[], object], rounds: int, before: Callable[[], None] | None = None) -> list[float]:
    out: list[float] = []
    for _ in range(rounds):
        if before is not None:
            before()
        start = time.perf_counter_ns()
        call()
        out.append((time.perf_counter_ns() - start) / 1e3)  # µs
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200, help="cold and new-budget calls per tokenizer")
    parser.add_argument("--warm", type=int, default=20000, help="warm calls per tokenizer")
    args = parser.parse_args()
    logging.getLogger("soulkeeper.pack").addHandler(logging.NullHandler())  # degraded on purpose
    soul = load_soul(PERSONA)
    print(f"persona: {PERSONA.relative_to(ROOT)} ({len(soul.files)} files), context 4096, reserves 3 x 512\n")
    print(
        "| tokenizer | persona tokens | packed / budget | cold median (min) | new budget median (min) | warm median (min) |"
    )
    print("|---|---|---|---|---|---|")
    for spec, needs in TOKENIZERS.items():
        if needs is not None and not needs.exists():
            print(f"| {spec} | skipped: {needs} is absent | | | | |")
            continue
        tok = get_tokenizer(spec)
        total = sum(tok.count(f.text) for f in soul.files.values())
        result = pack(soul, context_window=4096, tokenizer=spec)

        def cold(spec: str = spec) -> object:
            return pack(soul, context_window=4096, tokenizer=spec)

        cold_us = _times(cold, args.rounds, before=clear_cache)
        budgets = iter(range(2000, 2000 + args.rounds))

        def new_budget(spec: str = spec, budgets: Iterator[int] = budgets) -> object:
            return pack(soul, budget=next(budgets), tokenizer=spec)

        pack(soul, budget=1999, tokenizer=spec)  # per-section counts cached
        new_us = _times(new_budget, args.rounds)
        cold()
        warm_us = _times(cold, args.warm)
        name = "hf:…/qwen2_5" if spec.startswith("hf:") else spec
        print(
            f"| {name} | {total:,} | {result.tokens:,} / {result.budget:,} "
            f"| {statistics.median(cold_us) / 1e3:.2f} ms ({min(cold_us) / 1e3:.2f}) "
            f"| {statistics.median(new_us) / 1e3:.2f} ms ({min(new_us) / 1e3:.2f}) "
            f"| {statistics.median(warm_us):.1f} µs ({min(warm_us):.1f}) |"
        )
    print(f"\npython {sys.version.split()[0]}, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
