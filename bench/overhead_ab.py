"""Before/after: the LangChain turn overhead of this tree against another checkout, side by side.

    git worktree add ../soulkeeper-old <commit>
    uv run python bench/overhead_ab.py --old ../soulkeeper-old [--rounds 600] [--repeat 2]

Each measurement runs in a child process that imports soulkeeper and soulkeeper-langchain either from the
other checkout (``PYTHONPATH`` ahead of this environment's editable installs) or from this tree; the two
alternate, ``--repeat`` times each. A child builds 3 bare ``create_agent`` agents and 3 with
``PersonaMiddleware`` at its defaults (``memory://`` store, persona examples/souls/mati), runs
``--rounds`` interleaved turns (the conversation of ``overhead_adapters.py``), lets background checks finish
between turns (untimed, when the guard has them), and prints the median latency ratio and the ratio of
process CPU (turn plus its background check).
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def child(rounds: int) -> None:
    sys.path.insert(0, str(HERE))
    import soulkeeper
    from langchain.agents import create_agent
    from langchain_core.messages import HumanMessage
    from overhead_adapters import (  # type: ignore[import-not-found]  # a sibling script
        APP_SYSTEM,
        LIMIT,
        fixed_model,
        langchain_start,
        question,
    )
    from soulkeeper.guard import PersonaGuard
    from soulkeeper.spec import load_soul
    from soulkeeper_langchain import PersonaMiddleware

    soul = load_soul(ROOT / "examples" / "souls" / "mati")
    guards: list[Any] = []

    FixedModel = fixed_model()  # a class
    start = langchain_start

    def variant(guarded: bool) -> Any:
        middleware = []
        if guarded:
            guard = PersonaGuard(soul, store="memory://", context_window=8192)
            guards.append(guard)
            middleware = [PersonaMiddleware(guard)]
        agent = create_agent(FixedModel(), [], system_prompt=APP_SYSTEM, middleware=middleware)
        config: Any = {"configurable": {"thread_id": "ab"}}
        history = [start()]
        n = [0]

        def turn() -> None:
            n[0] += 1
            state: Any = {"messages": [*history[0], HumanMessage(content=question(n[0]))]}
            result = agent.invoke(state, config)
            history[0] = result["messages"] if len(result["messages"]) < LIMIT else start()

        return turn

    def settle() -> None:
        for guard in guards:
            if hasattr(guard, "wait_for_checks"):  # older trees check inline
                guard.wait_for_checks()

    variants = {"bare": [variant(False) for _ in range(3)], "guarded": [variant(True) for _ in range(3)]}
    for _ in range(30):
        for instances in variants.values():
            for turn in instances:
                turn()
                settle()
    wall: dict[str, list[float]] = {name: [] for name in variants}
    cpu: dict[str, list[float]] = {name: [] for name in variants}
    gc.collect()
    gc.freeze()
    for r in range(rounds):
        for name in list(variants) if r % 2 else list(variants)[::-1]:
            t0, c0 = time.perf_counter(), time.process_time()
            variants[name][r % 3]()
            wall[name].append(time.perf_counter() - t0)
            settle()
            cpu[name].append(time.process_time() - c0)
    bare, guarded = statistics.median(wall["bare"]), statistics.median(wall["guarded"])
    ratio_cpu = statistics.median(cpu["guarded"]) / statistics.median(cpu["bare"])
    origin = Path(soulkeeper.__file__).resolve().parents[3]
    print(
        f"{origin}: bare {bare * 1e3:.3f} ms, guarded {guarded * 1e3:.3f} ms, latency ratio "
        f"{guarded / bare:.3f} (+{(guarded - bare) * 1e6:.0f} µs), process CPU ratio {ratio_cpu:.3f}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--old", type=Path, help="another checkout of this repository")
    parser.add_argument("--rounds", type=int, default=600)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.rounds)
        return 0
    if args.old is None or not (args.old / "packages" / "core" / "src").is_dir():
        parser.error("--old must name another checkout of this repository (git worktree add …)")
    old_path = os.pathsep.join(
        str(args.old.resolve() / "packages" / p / "src") for p in ("core", "langchain")
    )
    for _ in range(args.repeat):
        for pythonpath in (old_path, None):
            env = dict(os.environ)
            if pythonpath:
                env["PYTHONPATH"] = pythonpath
            command = [sys.executable, __file__, "--child", "--rounds", str(args.rounds)]
            subprocess.run(command, env=env, check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
