"""Run the probe conversation against a chat function, bare and through PersonaGuard, and score it."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any, Literal

from soulkeeper.drift import DriftReport, available_detectors, update_score
from soulkeeper.errors import SoulkeeperError
from soulkeeper.evaluate._probes import BUNDLED as _BUNDLED
from soulkeeper.evaluate._probes import Probe, ProbeSet, build_script, default_probes
from soulkeeper.evaluate._report import EvalReport, RunRecord, TurnRecord
from soulkeeper.guard import Message, PersonaGuard, Policy
from soulkeeper.pack import Reserve
from soulkeeper.spec import Soul

__all__ = ["ChatFn", "Mode", "ModelCallError", "run_eval"]

ChatFn = Callable[[list[dict[str, str]]], str]
"""Any chat model as a function: OpenAI-style ``[{"role", "content"}, ...]`` in, the reply text out.
A function with a ``last_usage`` attribute (``{"input_tokens": n, "output_tokens": m}`` after each call)
has the model's own token counts recorded beside soulkeeper's."""

Mode = Literal["bare", "guarded", "compare"]

_THREAD = "soulkeeper-eval"


class ModelCallError(SoulkeeperError, RuntimeError):
    """The model failed to answer (server down, bad key, unknown model): names the run and the turn."""


def _usage(chat: ChatFn) -> dict[str, int] | None:
    usage = getattr(chat, "last_usage", None)
    if not isinstance(usage, dict):
        return None
    return {k: int(v) for k, v in usage.items() if isinstance(v, int)}


def _call(chat: ChatFn, messages: Sequence[Message], run: str, turn: int) -> tuple[str, float]:
    started = time.perf_counter()
    try:
        reply = chat(_dicts(messages))
    except Exception as exc:
        detail = " ".join(str(exc).split()) or "no detail"
        raise ModelCallError(
            f"the model failed on the {run} run, turn {turn}: {type(exc).__name__}: {detail}"
        ) from exc
    if not isinstance(reply, str):
        raise ModelCallError(
            f"the model returned {type(reply).__name__} on the {run} run, turn {turn}, not text"
        )
    return reply, time.perf_counter() - started


def _dicts(messages: Sequence[Message]) -> list[dict[str, str]]:
    return [{"role": m.role, "content": m.content} for m in messages]


def _turn(
    probe: Probe, i: int, reply: str, report: DriftReport, score: float, action: str, tokens: tuple[int, int]
) -> TurnRecord:
    return TurnRecord(
        turn=i,
        kind=probe.kind,
        user=probe.text,
        reply=reply,
        violations=[v.to_dict() for v in report.violations],
        input_events=[e.to_dict() for e in report.input_events],
        turn_score=round(report.score, 4),
        drift_score=round(score, 4),
        action=action,
        input_tokens=tokens[0],
        output_tokens=tokens[1],
    )


def _run_bare(
    guard: PersonaGuard, chat: ChatFn, script: list[Probe], limit: int | None, tick: Callable[[], None]
) -> RunRecord:
    """The persona as the system prompt (index 0, kept); the conversation trimmed oldest-first to fit."""
    run = RunRecord("bare")
    system = Message(role="system", content=guard.packed().text)
    history: list[Message] = []
    score = 0.0
    count = guard.count_messages
    for i, probe in enumerate(script, 1):
        history.append(Message(role="user", content=probe.text))
        while limit is not None and len(history) > 1 and count([system, *history]) > limit:
            history = history[1:]
            while history and history[0].role != "user":
                history = history[1:]
        messages = [system, *history]
        reply, seconds = _call(chat, messages, "bare", i)
        report = guard.detector.check(reply, user_text=probe.text, turn=i)
        score = update_score(score, report, guard.policy.drift)
        tokens = (count(messages), guard.count_message(Message(role="assistant", content=reply)))
        record = _turn(probe, i, reply, report, score, "-", tokens)
        record.seconds = round(seconds, 4)
        record.model_usage = _usage(chat)
        run.turns.append(record)
        history.append(Message(role="assistant", content=reply))
        tick()
    return run


def _run_guarded(
    guard: PersonaGuard, chat: ChatFn, script: list[Probe], budget: int | None, tick: Callable[[], None]
) -> RunRecord:
    """PersonaGuard around every call: prepare, call, observe; the history compacted by the guard."""
    run = RunRecord("guarded")
    history: list[Message] = []
    count = guard.count_messages
    for i, probe in enumerate(script, 1):
        history.append(Message(role="user", content=probe.text))
        if budget is not None and count(history) > budget:
            history = guard.compact(history, budget=budget)
        messages = guard.prepare(_THREAD, history)
        reply, seconds = _call(chat, messages, "guarded", i)
        decision = guard.observe(_THREAD, reply, user_text=probe.text)
        tokens = (count(messages), guard.count_message(Message(role="assistant", content=reply)))
        record = _turn(probe, i, reply, decision.report, decision.score, decision.action, tokens)
        record.seconds = round(seconds, 4)
        record.model_usage = _usage(chat)
        run.turns.append(record)
        run.checkpoints += decision.checkpoint is not None
        run.store_errors += decision.store_error is not None
        history.append(Message(role="assistant", content=reply))
        tick()
    return run


def run_eval(
    soul: Soul,
    chat: ChatFn,
    *,
    turns: int = 40,
    probes: ProbeSet | None = None,
    mode: Mode = "compare",
    context_window: int | None = 8192,
    tokenizer: str = "estimate",
    policy: Policy | None = None,
    store: str = "memory://",
    model_name: str = "",
    chat_factory: Callable[[], ChatFn] | None = None,
    progress: Callable[[str], None] | None = None,
) -> EvalReport:
    """Play the probe conversation against ``chat`` and score every reply with the persona's detectors.

    :param chat: the model, ``messages -> reply text``; see :data:`ChatFn`.
    :param turns: user turns per run.
    :param probes: the probe set (default: the project's set for the persona's language).
    :param mode: ``bare`` (the persona as a plain system prompt), ``guarded`` (through
        :class:`~soulkeeper.PersonaGuard`) or ``compare`` (both, same script).
    :param context_window: the model's context window in tokens: the bare history is trimmed and the
        guarded history compacted to fit it (``None``: never trimmed).
    :param chat_factory: when given, each run gets a fresh chat function from it (for stateful
        simulations), else both runs share ``chat``.
    :param progress: called with the run's name after every turn.
    """
    if turns < 1:
        raise ValueError(f"turns must be at least 1, got {turns}")
    started_at = datetime.now(UTC).isoformat(timespec="seconds")
    started = time.perf_counter()
    probe_set = probes or default_probes(soul.rules.voice.language)
    script = build_script(soul, probe_set, turns)
    reserve = Reserve()
    policy = policy or Policy(integrity_check_interval=None)
    runs: dict[str, RunRecord] = {}
    with PersonaGuard(
        soul, store=store, tokenizer=tokenizer, context_window=context_window, reserve=reserve, policy=policy
    ) as guard:
        guard.forget(_THREAD)
        packed = guard.packed()
        persona_tokens = guard.count_messages([Message(role="system", content=packed.text)])
        limit = context_window - reserve.generation if context_window is not None else None
        budget = (
            max(256, context_window - reserve.generation - persona_tokens - 256)
            if context_window is not None
            else None
        )
        names = ["bare", "guarded"] if mode == "compare" else [mode]
        for name in names:
            fn = chat_factory() if chat_factory is not None else chat

            def tick(name: str = name) -> None:
                if progress is not None:
                    progress(name)

            if name == "bare":
                runs[name] = _run_bare(guard, fn, script, limit, tick)
            else:
                runs[name] = _run_guarded(guard, fn, script, budget, tick)
        detectors = list(guard.detector.detectors)
        classes: dict[str, Any] = available_detectors()
        rules = {d: list(getattr(classes.get(d), "rules_served", ())) for d in detectors}
        pack = packed.to_dict()
        pack.pop("text", None)
        pack["system_message_tokens"] = persona_tokens
    return EvalReport(
        persona=soul.display_name or soul.name,
        soul=str(soul.root) if soul.root is not None else "(in memory)",
        digest=soul.digest,
        model=model_name,
        probes=probe_set.name if probe_set.source.startswith(str(_BUNDLED)) else probe_set.source,
        language=probe_set.language,
        context_window=context_window,
        detectors=detectors,
        rules=rules,
        pack=pack,
        runs=runs,
        started=started_at,
        seconds=time.perf_counter() - started,
    )
