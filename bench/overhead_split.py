"""Where a guarded LangChain turn's extra time goes: LangChain's cost of any middleware, and soulkeeper's hook.

    uv run python bench/overhead_split.py [--rounds 600] [--checkpointer]

Three ``create_agent`` agents side by side, 3 instances each, turns interleaved in rotating order (the
conversation and fake model of ``overhead_adapters.py``, no checkpointer, ``memory://`` store):

* **bare**: no middleware;
* **passthrough**: a middleware whose ``wrap_model_call`` only calls the model. What it adds is what
  LangChain charges for any such hook (the LangSmith ``traceable`` wrapper, the handler chain);
* **PersonaMiddleware** at its defaults (background check), with a timer around its hook and another
  around the model call inside it: the hook's own time is the first minus the second.

Between two timed turns every guard finishes its background check (untimed). Prints the medians and what
each share is of the bare turn. ``--checkpointer``: every agent keeps its conversation in an
``InMemorySaver`` (as the LangChain guide's agent does) and each turn sends only the new question; a
thread that reached 40 messages is replaced by a fresh one seeded with the 20-message start.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

from _shared import ROOT
from overhead_adapters import APP_SYSTEM, LIMIT, fixed_model, langchain_start, question
from soulkeeper.guard import PersonaGuard
from soulkeeper.spec import load_soul


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=600)
    parser.add_argument("--checkpointer", action="store_true", help="agents keep state in an InMemorySaver")
    args = parser.parse_args()

    from langchain.agents import create_agent
    from langchain.agents.middleware import AgentMiddleware
    from langchain_core.messages import HumanMessage
    from langgraph.checkpoint.memory import InMemorySaver
    from soulkeeper_langchain import PersonaMiddleware

    soul = load_soul(ROOT / "examples" / "souls" / "mati")
    guards: list[PersonaGuard] = []
    hook: list[float] = []
    model_call: list[float] = []

    class Passthrough(AgentMiddleware[Any, Any]):
        def wrap_model_call(self, request: Any, handler: Callable[[Any], Any]) -> Any:
            return handler(request)

    class Timed(PersonaMiddleware):
        def wrap_model_call(self, request: Any, handler: Callable[[Any], Any]) -> Any:
            inner = 0.0

            def timed_handler(request: Any) -> Any:
                nonlocal inner
                started = time.perf_counter()
                try:
                    return handler(request)
                finally:
                    inner += time.perf_counter() - started

            started = time.perf_counter()
            result = super().wrap_model_call(request, timed_handler)
            hook.append(time.perf_counter() - started - inner)
            model_call.append(inner)
            return result

    start = langchain_start

    def variant(middleware: list[Any]) -> Callable[[], None]:
        saver = InMemorySaver() if args.checkpointer else None
        agent = create_agent(
            fixed_model()(), [], system_prompt=APP_SYSTEM, middleware=middleware, checkpointer=saver
        )
        threads = 0
        config: Any = {"configurable": {"thread_id": "split-0"}}
        history = start()
        n = 0

        def turn() -> None:
            nonlocal history, n, threads, config
            n += 1
            new = [HumanMessage(content=question(n))]
            sent = [*history, *new] if saver is None or history else new
            result = agent.invoke({"messages": sent}, config)
            history = [] if saver is not None else result["messages"]
            if len(result["messages"]) >= LIMIT:
                history = start()
                threads += 1
                config = {"configurable": {"thread_id": f"split-{threads}"}}

        return turn

    def guarded() -> Callable[[], None]:
        guard = PersonaGuard(soul, store="memory://", context_window=8192)
        guards.append(guard)
        return variant([Timed(guard)])

    variants = {
        "bare": [variant([]) for _ in range(3)],
        "passthrough": [variant([Passthrough()]) for _ in range(3)],
        "PersonaMiddleware": [guarded() for _ in range(3)],
    }

    def settle() -> None:
        for guard in guards:
            guard.wait_for_checks()

    names = list(variants)
    for _ in range(30):
        for instances in variants.values():
            for turn in instances:
                turn()
                settle()
    del hook[:], model_call[:]
    wall: dict[str, list[float]] = {name: [] for name in names}
    gc.collect()
    gc.freeze()
    for r in range(args.rounds):
        for name in names[r % 3 :] + names[: r % 3]:
            started = time.perf_counter()
            variants[name][r % 3]()
            wall[name].append(time.perf_counter() - started)
            settle()
    bare = statistics.median(wall["bare"])
    setup = "InMemorySaver checkpointer" if args.checkpointer else "no checkpointer"
    print(f"bare turn ({setup}): {bare * 1e3:.3f} ms (median of {args.rounds})")
    for name in names[1:]:
        median = statistics.median(wall[name])
        print(f"{name}: {median * 1e3:.3f} ms, ratio {median / bare:.3f} (+{(median - bare) * 1e6:.0f} µs)")
    own = statistics.median(hook)
    print(
        f"PersonaMiddleware's hook, without the model call: {own * 1e6:.0f} µs ({own / bare:.1%} of the bare turn)"
    )
    print(f"the model call inside it: {statistics.median(model_call) * 1e6:.0f} µs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
