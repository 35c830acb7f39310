"""What soulkeeper adds to one agent turn, per framework adapter, with a zero-latency fake model.

    uv run python bench/overhead_adapters.py [--rounds 600] [--breakdown 200] [--instances 3]
        [--only langchain] [--model-latency MS]

For each adapter one agent turn is timed bare and with soulkeeper (``memory://`` store and an SQLite
file), side by side in the same run: every round runs one turn of each variant, in rotating order, and the
table reports medians and the ratio to the bare turn. Each variant is built ``--instances`` times (its own
agent, model and guard) and the rounds rotate over them: two identically built bare agents differ by up to
±6 % on this machine (memory layout), so one instance per variant would measure that, not soulkeeper.

Between two timed turns, untimed, every guard finishes its background checks (``wait_for_checks``): in a
real conversation the check (≈ 0.2 ms) is done long before the next model call, and this keeps one
variant's worker from running inside another variant's timed turn. Three figures per turn: the wall-clock
latency of the turn (what the user waits for), the CPU time of the calling thread during the turn, and the
CPU time of the whole process over the turn plus its background check (what the machine pays).

* LangChain: ``create_agent`` with a fixed-reply chat model, with and without ``PersonaMiddleware``.
* LlamaIndex: ``SimpleChatEngine`` with ``MockLLM`` (answering a fixed reply), bare and through
  ``guard_chat_engine``.
* AutoGen: ``AssistantAgent`` with ``ReplayChatCompletionClient``, bare (the app's system message) and with
  ``PersonaChatCompletionContext`` + ``PersonaModelClient``.

Persona examples/souls/mati, context window 8192, the default ``estimate`` tokenizer. The conversation
starts as a 20-message history and grows by one question and one in-persona reply per turn up to 40
messages, then starts again; every reply is distinct (so no cache keyed on reply text helps).

``--breakdown`` turns per adapter are then run with timers around the guard's stages: the adapter's
prepare (conversion + ``PersonaGuard.prepare``), the model call (the framework's call into the model), the
adapter's observe (``PersonaGuard.observe``), and inside those the drift detector and the store calls.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import gc
import logging
import os
import queue
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from _shared import ROOT, TIKTOKEN_CACHE

os.environ.setdefault("TIKTOKEN_CACHE_DIR", str(TIKTOKEN_CACHE))

from soulkeeper.guard import PersonaGuard
from soulkeeper.spec import Soul, load_soul

CONTEXT_WINDOW = 8192
APP_SYSTEM = "You help the platform team with deployments and incidents."
QUESTIONS = (
    "What is the state of the rollout in the staging cluster?",
    "Can we roll back the payments service without downtime?",
    "Which alerts fired during the night, and do any of them need follow-up?",
    "How should we rotate the database credentials this week?",
    "Is the new ingress controller ready for production traffic?",
)
REPLIES = (
    "The rollout in staging is complete: all three nodes report healthy and the latency is unchanged. "
    "I recommend that we watch the latency dashboard for another hour before promoting the build.",
    "Yes. The previous release is still in the registry, so a rollback is a single deploy of that tag; "
    "the load balancer drains each node before it restarts, which keeps the service available.",
    "Two alerts fired: disk usage on the log volume and a slow health check on the queue workers. The "
    "first needs a retention change; the second recovered on its own and needs no action.",
    "Please rotate them through the secrets manager in two steps: issue the new credentials, deploy, and "
    "revoke the old ones only after every service has confirmed the new connection.",
    "Not yet. The controller passes the functional tests, but the load test at peak traffic has not "
    "run; I would schedule it for Thursday and decide afterwards.",
)
START, LIMIT = 20, 40
logging.getLogger("soulkeeper").addHandler(logging.NullHandler())


def question(n: int) -> str:
    return QUESTIONS[n % len(QUESTIONS)]


def reply(n: int) -> str:
    return f"{REPLIES[n % len(REPLIES)]} This is note {n} of the review."


# ---------------------------------------------------------------------------------------------- LangChain


@functools.cache
def fixed_model() -> type[Any]:
    """The LangChain fake model of these benchmarks (a class, made once: LangChain is imported lazily)."""
    from langchain_core.language_models import BaseChatModel
    from langchain_core.messages import AIMessage, BaseMessage
    from langchain_core.outputs import ChatGeneration, ChatResult

    class FixedModel(BaseChatModel):
        """Answers with the next in-persona reply, instantly or after ``MODEL_LATENCY`` seconds (a sleep,
        which releases the GIL as waiting on a network reply does)."""

        n: int = 0

        @property
        def _llm_type(self) -> str:
            return "fixed"

        def _generate(  # type: ignore[override]  # the fake needs no run manager
            self, messages: list[BaseMessage], stop: Any = None, **kwargs: Any
        ) -> ChatResult:
            self.n += 1
            if MODEL_LATENCY:
                time.sleep(MODEL_LATENCY)
            return ChatResult(generations=[ChatGeneration(message=AIMessage(content=reply(self.n)))])

    return FixedModel


def langchain_start() -> list[Any]:
    """The LangChain conversation every benchmark turn starts from (``START`` messages, question first)."""
    from langchain_core.messages import AIMessage, HumanMessage

    out: list[Any] = []
    for i in range(START // 2):
        out += [HumanMessage(content=question(i)), AIMessage(content=reply(i))]
    return out


def langchain_variants(soul: Soul, stores: dict[str, str]) -> dict[str, Callable[[], None]]:
    from langchain.agents import create_agent
    from langchain.agents.middleware import AgentMiddleware, ExtendedModelResponse
    from langchain_core.messages import HumanMessage, SystemMessage
    from langgraph.types import Command
    from soulkeeper_langchain import PersonaMiddleware
    from soulkeeper_langchain.middleware import STATE_KEY, PersonaState, override

    FixedModel = fixed_model()  # a class
    start = langchain_start

    def variant(
        guard: PersonaGuard | None, extra: list[Any] | None = None, **options: Any
    ) -> Callable[[], None]:
        middleware = [PersonaMiddleware(guard, **options)] if guard is not None else list(extra or [])
        agent = create_agent(FixedModel(), [], system_prompt=APP_SYSTEM, middleware=middleware)
        thread = f"lc-{uuid.uuid4().hex[:8]}"
        config: Any = {"configurable": {"thread_id": thread}}
        history = start()
        n = 0

        def turn() -> None:
            nonlocal history, n
            n += 1
            state: Any = {"messages": [*history, HumanMessage(content=question(n))]}
            result = agent.invoke(state, config)
            history = result["messages"]
            if len(history) >= LIMIT:
                history = start()

        return turn

    class Passthrough(AgentMiddleware[Any, Any]):
        """A middleware whose ``wrap_model_call`` only calls the model: LangChain's cost of any such hook."""

        def wrap_model_call(self, request: Any, handler: Callable[[Any], Any]) -> Any:
            return handler(request)

    class Pin(AgentMiddleware[Any, Any]):
        """Swaps in a fixed system message (the cheapest way to pin anything), optionally waking a worker
        thread after the call as a background check does: the floor of any pinning middleware."""

        def __init__(self, jobs: queue.SimpleQueue[Any] | None = None) -> None:
            super().__init__()
            self.jobs = jobs
            self.system = SystemMessage(content=soul.name * 500)

        def wrap_model_call(self, request: Any, handler: Callable[[Any], Any]) -> Any:
            response = handler(override(request, system_message=self.system))
            if self.jobs is not None:
                self.jobs.put(None)
            return response

    class PassthroughState(AgentMiddleware[Any, Any]):
        """Passthrough plus a private state key updated on every call, as PersonaMiddleware does."""

        state_schema = PersonaState

        def wrap_model_call(self, request: Any, handler: Callable[[Any], Any]) -> Any:
            record = {"action": "ok", "turn": len(request.messages), "level": "ok"}
            return ExtendedModelResponse(
                model_response=handler(request), command=Command(update={STATE_KEY: {"x": record}})
            )

    out = {"bare": variant(None)}
    if stores:
        out["passthrough middleware"] = variant(None, [Passthrough()])
        out["passthrough + private state key"] = variant(None, [PassthroughState()])
        out["fixed system message"] = variant(None, [Pin()])
        out["fixed system message + worker wake-up"] = variant(None, [Pin(idle_worker())])
    for name, url in stores.items():
        out[name] = variant(guard_for(soul, url))
    if "memory" in stores:
        out["memory, check inline"] = variant(guard_for(soul, stores["memory"]), check="inline")
    return out


def idle_worker() -> queue.SimpleQueue[Any]:
    """A queue served by a thread that sleeps until something arrives (as the guard's worker does)."""
    jobs: queue.SimpleQueue[Any] = queue.SimpleQueue()

    def serve() -> None:
        while True:
            jobs.get()

    threading.Thread(target=serve, daemon=True, name="bench-idle-worker").start()
    return jobs


# ---------------------------------------------------------------------------------------------- LlamaIndex


def llamaindex_variants(soul: Soul, stores: dict[str, str]) -> dict[str, Callable[[], None]]:
    from llama_index.core.base.llms.types import ChatMessage, MessageRole
    from llama_index.core.chat_engine import SimpleChatEngine
    from llama_index.core.llms import MockLLM
    from pydantic import PrivateAttr
    from soulkeeper_llamaindex import guard_chat_engine

    class ReplyLLM(MockLLM):
        """``MockLLM`` answering the next in-persona reply instead of echoing the prompt."""

        _n: int = PrivateAttr(default=0)

        def _generate_text(self, length: int) -> str:
            self._n += 1
            return reply(self._n)

    def start() -> list[ChatMessage]:
        out: list[ChatMessage] = []
        for i in range(START // 2):
            out += [
                ChatMessage(role=MessageRole.USER, content=question(i)),
                ChatMessage(role=MessageRole.ASSISTANT, content=reply(i)),
            ]
        return out

    def variant(guard: PersonaGuard | None, check: Any = "auto") -> Callable[[], None]:
        engine = SimpleChatEngine.from_defaults(llm=ReplyLLM(max_tokens=1), system_prompt=APP_SYSTEM)
        if guard is not None:
            engine = guard_chat_engine(engine, guard, thread_id=f"li-{uuid.uuid4().hex[:8]}", check=check)
        engine._memory.set(start())
        n = grown = 0

        def turn() -> None:
            nonlocal n, grown
            n += 1
            grown += 2
            engine.chat(question(n))
            if START + grown >= LIMIT:  # counted here: reading engine.chat_history costs a memory query
                engine._memory.set(start())
                grown = 0

        return turn

    out = {"bare": variant(None)}
    for name, url in stores.items():
        out[name] = variant(guard_for(soul, url))
    if "memory" in stores:
        out["memory, check inline"] = variant(guard_for(soul, stores["memory"]), check="inline")
    return out


# ---------------------------------------------------------------------------------------------- AutoGen


def autogen_variants(
    soul: Soul, stores: dict[str, str], loop: asyncio.AbstractEventLoop
) -> dict[str, Callable[[], None]]:
    from autogen_agentchat.agents import AssistantAgent
    from autogen_agentchat.messages import TextMessage
    from autogen_core import CancellationToken
    from autogen_core.model_context import UnboundedChatCompletionContext
    from autogen_core.models import AssistantMessage, LLMMessage, UserMessage
    from autogen_ext.models.replay import ReplayChatCompletionClient
    from soulkeeper_autogen import PersonaChatCompletionContext, PersonaModelClient

    def start() -> list[LLMMessage]:
        out: list[LLMMessage] = []
        for i in range(START // 2):
            out += [
                UserMessage(content=question(i), source="user"),
                AssistantMessage(content=reply(i), source="mati"),
            ]
        return out

    served = [0]

    def build(guard: PersonaGuard | None, thread: str, check: Any) -> Any:
        served[0] += LIMIT
        client = ReplayChatCompletionClient([reply(served[0] + i) for i in range(LIMIT)])
        inner = UnboundedChatCompletionContext(initial_messages=start())
        if guard is None:
            return AssistantAgent("mati", model_client=client, model_context=inner, system_message=APP_SYSTEM)
        context = PersonaChatCompletionContext(guard, inner, thread_id=thread, system=APP_SYSTEM)
        return AssistantAgent(
            "mati",
            model_client=PersonaModelClient(client, context, check=check),
            model_context=context,
            system_message=None,
        )

    def variant(guard: PersonaGuard | None, check: Any = "auto") -> Callable[[], None]:
        thread = f"ag-{uuid.uuid4().hex[:8]}"
        agent = build(guard, thread, check)
        n = grown = 0
        token = CancellationToken()

        def turn() -> None:
            nonlocal agent, n, grown
            n += 1
            grown += 2
            message = TextMessage(content=question(n), source="user")
            loop.run_until_complete(agent.on_messages([message], token))
            if START + grown >= LIMIT:
                agent, grown = build(guard, thread, check), 0

        return turn

    out = {"bare": variant(None)}
    for name, url in stores.items():
        out[name] = variant(guard_for(soul, url))
    if "memory" in stores:
        out["memory, check inline"] = variant(guard_for(soul, stores["memory"]), check="inline")
    return out


# ---------------------------------------------------------------------------------------------- running


GUARDS: list[PersonaGuard] = []
MODEL_LATENCY = 0.0
"""Seconds the LangChain fake model takes to answer (``--model-latency``)."""


def guard_for(soul: Soul, url: str) -> PersonaGuard:
    guard = PersonaGuard(soul, store=url, context_window=CONTEXT_WINDOW)
    GUARDS.append(guard)
    return guard


def settle() -> None:
    """Let every guard finish its background checks (untimed, between two turns)."""
    for guard in GUARDS:
        guard.wait_for_checks()


Figures = tuple[float, float, float]
"""Median milliseconds per turn: wall clock, calling thread's CPU, process CPU including the check."""


def interleaved(variants: dict[str, list[Callable[[], None]]], rounds: int) -> dict[str, Figures]:
    """Median figures per turn of each variant: each round runs one turn of every variant (the next of
    its instances), in rotating order.

    CPU time leaves out the time the process waited for a core, so it is the steadier figure on a shared
    machine; the wall clock is what a user waits for.
    """
    names = list(variants)
    samples: dict[str, list[Figures]] = {name: [] for name in names}
    for _ in range(30):  # warm up: imports, compiled graphs, detector models, pack cache
        for name in names:
            for instance in variants[name]:
                instance()
                settle()
    gc.collect()
    gc.freeze()
    for r in range(rounds):
        order = names[r % len(names) :] + names[: r % len(names)]
        for name in order:
            instances = variants[name]
            p0, c0, t0 = time.process_time(), time.thread_time(), time.perf_counter()
            instances[r % len(instances)]()
            wall, thread = time.perf_counter() - t0, time.thread_time() - c0
            settle()
            samples[name].append((wall * 1e3, thread * 1e3, (time.process_time() - p0) * 1e3))
    gc.unfreeze()
    return {
        name: (
            statistics.median(s[0] for s in rows),
            statistics.median(s[1] for s in rows),
            statistics.median(s[2] for s in rows),
        )
        for name, rows in samples.items()
    }


class Stages:
    """Timers patched around one guard's stages (on the instances, so only this guard is affected)."""

    def __init__(self) -> None:
        self.times: dict[str, list[float]] = defaultdict(list)
        self._turn: dict[str, float] = defaultdict(float)

    def wrap(self, obj: Any, attr: str, stage: str) -> None:
        original = getattr(obj, attr)
        if asyncio.iscoroutinefunction(original):

            @functools.wraps(original)
            async def atimed(*args: Any, **kwargs: Any) -> Any:
                t0 = time.perf_counter()
                try:
                    return await original(*args, **kwargs)
                finally:
                    self._turn[stage] += time.perf_counter() - t0

            setattr(obj, attr, atimed)
        else:

            @functools.wraps(original)
            def timed(*args: Any, **kwargs: Any) -> Any:
                t0 = time.perf_counter()
                try:
                    return original(*args, **kwargs)
                finally:
                    self._turn[stage] += time.perf_counter() - t0

            setattr(obj, attr, timed)

    def guard(self, guard: PersonaGuard) -> None:
        for attr in ("prepare", "aprepare", "pinned", "apinned"):
            self.wrap(guard, attr, "guard.prepare")
        for attr in ("observe", "aobserve"):
            self.wrap(guard, attr, "guard.observe")
        # The async twins of the detector and the stores call these sync methods (inline or in a worker
        # thread), so timing the sync ones counts each call once.
        self.wrap(guard.detector, "check", "detector")
        for op in ("get_state", "update_state", "put", "latest", "latest_good"):
            self.wrap(guard.store, op, "store")

    def end_turn(self, total: float) -> None:
        self._turn["turn"] = total
        for stage, seconds in self._turn.items():
            self.times[stage].append(seconds * 1e6)
        self._turn.clear()

    def medians(self) -> dict[str, float]:
        return {stage: statistics.median(values) for stage, values in self.times.items()}


def breakdown(
    make: Callable[[dict[str, str]], dict[str, Callable[[], None]]], url: str, turns: int, hooks: Any
) -> dict[str, float]:
    """Per-stage medians (µs) of the guarded turn with ``url`` as the store."""
    turn = make({"guarded": url})["guarded"]
    stages = Stages()
    stages.guard(GUARDS[-1])
    hooks(stages)
    for _ in range(30):
        turn()
    stages.times.clear()
    for _ in range(turns):
        t0 = time.perf_counter()
        turn()
        elapsed = time.perf_counter() - t0
        settle()  # a background check's stages count for the turn that submitted it
        stages.end_turn(elapsed)
    return stages.medians()


@contextmanager
def store_urls() -> Iterator[dict[str, str]]:
    with tempfile.TemporaryDirectory() as tmp:
        yield {"memory": "memory://", "sqlite": f"sqlite:///{Path(tmp) / 'overhead.db'}"}


def model_hooks(adapter: str) -> Callable[[Stages], None]:
    """Timers on the framework's model call, per adapter (patched on the class: the fake model)."""

    def hooks(stages: Stages) -> None:
        if adapter == "langchain":
            from langchain_core.language_models import BaseChatModel

            patch_class(stages, BaseChatModel, "_generate_with_cache", "model call")
        elif adapter == "llamaindex":
            from llama_index.core.llms import MockLLM

            patch_class(stages, MockLLM, "complete", "model call")
        else:
            from autogen_ext.models.replay import ReplayChatCompletionClient

            patch_class(stages, ReplayChatCompletionClient, "create", "model call")

    return hooks


_PATCHED: list[tuple[type, str, Any]] = []


def patch_class(stages: Stages, cls: type, attr: str, stage: str) -> None:
    original = cls.__dict__[attr]
    _PATCHED.append((cls, attr, original))
    holder = type("holder", (), {})()
    holder.call = original  # a plain attribute: stays unbound
    stages.wrap(holder, "call", stage)
    wrapped = holder.call
    if asyncio.iscoroutinefunction(original):

        async def ameth(self: Any, *args: Any, **kwargs: Any) -> Any:
            return await wrapped(self, *args, **kwargs)

        setattr(cls, attr, functools.wraps(original)(ameth))
    else:

        def meth(self: Any, *args: Any, **kwargs: Any) -> Any:
            return wrapped(self, *args, **kwargs)

        setattr(cls, attr, functools.wraps(original)(meth))


def unpatch() -> None:
    while _PATCHED:
        cls, attr, original = _PATCHED.pop()
        setattr(cls, attr, original)


def fmt(value: float | None, unit: float = 1.0) -> str:
    return "–" if value is None else f"{value / unit:.2f}"


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=600)
    parser.add_argument("--breakdown", type=int, default=200)
    parser.add_argument("--instances", type=int, default=3, help="agents built per variant")
    parser.add_argument("--only", choices=("langchain", "llamaindex", "autogen"), action="append")
    parser.add_argument(
        "--model-latency", type=float, default=0.0, help="milliseconds the LangChain fake model takes"
    )
    args = parser.parse_args()
    global MODEL_LATENCY
    MODEL_LATENCY = args.model_latency / 1e3
    soul = load_soul(ROOT / "examples" / "souls" / "mati")
    loop = asyncio.new_event_loop()
    makers: dict[str, Callable[[dict[str, str]], dict[str, Callable[[], None]]]] = {
        "langchain": lambda s: langchain_variants(soul, s),
        "llamaindex": lambda s: llamaindex_variants(soul, s),
        "autogen": lambda s: autogen_variants(soul, s, loop),
    }
    adapters = args.only or list(makers)
    rows, stage_rows = [], []
    with store_urls() as urls:
        for adapter in adapters:
            try:
                builds = [makers[adapter](urls) for _ in range(args.instances)]
                pooled = {name: [build[name] for build in builds] for name in builds[0]}
                medians = interleaved(pooled, args.rounds)
            except ImportError as exc:
                print(f"{adapter}: skipped ({exc})", file=sys.stderr)
                continue
            for name in medians:
                if name != "bare":
                    rows.append((adapter, name, medians["bare"], medians[name]))
            if args.breakdown:
                for name in ("memory", "sqlite"):
                    stage = breakdown(makers[adapter], urls[name], args.breakdown, model_hooks(adapter))
                    unpatch()
                    stage_rows.append((adapter, name, stage))
        for guard in GUARDS:
            guard.close()
    loop.run_until_complete(loop.shutdown_asyncgens())
    loop.close()

    print(
        f"Agent turn, median of {args.rounds} interleaved rounds, {args.instances} instances per variant:\n"
    )
    print(
        "| adapter | variant | bare latency (ms) | latency | ratio | calling-thread CPU ratio "
        "| process CPU ratio (incl. check) |"
    )
    print("|---|---|---:|---:|---:|---:|---:|")
    for adapter, name, bare, guarded in rows:
        print(
            f"| {adapter} | {name} | {bare[0]:.3f} | {guarded[0]:.3f} | {guarded[0] / bare[0]:.3f} "
            f"({(guarded[0] - bare[0]) * 1e3:+.0f} µs) | {guarded[1] / bare[1]:.3f} | {guarded[2] / bare[2]:.3f} "
            f"({(guarded[2] - bare[2]) * 1e3:+.0f} µs) |"
        )
    if stage_rows:
        print(f"\nGuarded turn by stage, median of {args.breakdown} turns (µs, wall clock):\n")
        print("| adapter | store | turn | model call | guard.prepare | guard.observe | detector | store |")
        print("|---|---|---:|---:|---:|---:|---:|---:|")
        for adapter, name, stage in stage_rows:
            cells = [stage.get(k) for k in ("turn", "model call", "guard.prepare", "guard.observe")]
            cells += [stage.get("detector"), stage.get("store")]
            print(
                f"| {adapter} | {name} | "
                + " | ".join(fmt(c) if c is None else f"{c:.0f}" for c in cells)
                + " |"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
