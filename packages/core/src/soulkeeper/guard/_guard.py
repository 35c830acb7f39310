"""PersonaGuard: pin the persona at the model-call boundary, watch every response, checkpoint the thread.

The sync and async methods share one flow per operation, written as a generator that yields the store
and detector calls it needs (``("get_state", thread_id)``, ``("check", text, …)``); a sync and an async
driver carry them out. So the logic exists once and both paths behave the same.
"""

from __future__ import annotations

import asyncio
import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from typing import Any

import pluggy

from soulkeeper._closing import Closeable
from soulkeeper.drift import DriftDetector, DriftReport
from soulkeeper.errors import IntegrityError
from soulkeeper.guard._blocks import examples_block, reminder_block
from soulkeeper.guard._compact import (
    Summarizer,
    apply_plan,
    arun_summarizer,
    plan_compaction,
    run_summarizer,
    summarizer_input,
)
from soulkeeper.guard._compose import compose, split_history
from soulkeeper.guard._decision import Decision
from soulkeeper.guard._defaults import default_store_url
from soulkeeper.guard._events import Events, logger
from soulkeeper.guard._flow import Flow, adrive, drive, flush_flow
from soulkeeper.guard._integrity_watch import IntegrityWatch
from soulkeeper.guard._later import Later
from soulkeeper.guard._message import Message, coerce_message, coerce_messages, text_of
from soulkeeper.guard._plan import TurnPlan, plan_turn
from soulkeeper.guard._policy import Policy
from soulkeeper.guard._storelink import Failure, StoreLink
from soulkeeper.guard._threads import ThreadLocal, ThreadTable
from soulkeeper.pack import PackResult, Reserve, pack
from soulkeeper.spec import Soul, load_soul
from soulkeeper.stores import Checkpoint, CheckpointStore, ThreadState, open_store, trim_exemplars
from soulkeeper.tokens import Tokenizer, get_tokenizer

__all__ = ["PersonaGuard"]
MAX_THREADS = 10_000
"""Threads whose in-process data the guard keeps (an LRU; state itself lives in the store)."""
_UNBOUNDED_BUDGET = 1_000_000
_COUNT_CACHE = 4096
_MAX_PERSONA_TEXTS = 64
_MAX_FULL_PACKS = 32
_MAX_PINS = 64


def _check_thread_id(thread_id: str) -> str:
    if not isinstance(thread_id, str) or not thread_id or len(thread_id) > 512 or "\x00" in thread_id:
        raise ValueError(f"thread_id must be a non-empty string of at most 512 characters, got {thread_id!r}")
    return thread_id


def _response_text(response: Any) -> str:
    if isinstance(response, str):
        return response
    msg = coerce_message(response)
    return msg.content if msg is not None else text_of(response)


class PersonaGuard(Closeable):
    """Keeps one persona pinned and in character across every conversation thread it serves.

    :param soul: a loaded :class:`~soulkeeper.Soul`, or the path of a persona package.
    :param store: a checkpoint store or its URL (``memory://``, ``sqlite:///path.db``, ``postgresql://…``,
        ``redis://…``); default :func:`default_store_url`. A store given as an object is not closed by
        :meth:`close`.
    :param tokenizer: a tokenizer spec (``"tiktoken:o200k_base"``, ``"estimate:qwen2"``…), a
        :class:`~soulkeeper.tokens.Tokenizer` or a ``str -> int`` callable.
    :param context_window: the model's context window in tokens; ``None`` packs the whole persona.
    :param reserve: tokens kept free for the app's system text, the history and the answer.
    :param policy: what to do about drift, checkpoints, store failures and integrity.
    :param detector: a :class:`~soulkeeper.drift.DriftDetector` (default: built from the soul's rules).
    :param plugin_manager: where ``on_drift``/``on_reinject``/``on_restore``/``on_pack_degraded`` go.
    :param expect_digest: pin the persona's digest (``"sha256:…"``); checked now and on every change.
    :param verify_key: an Ed25519 public key the package's ``soul.sig`` must verify against.
    :param fallback: pack a one-line identity when tier 1 alone does not fit (else
        :class:`~soulkeeper.BudgetExceededError`).
    :raises IntegrityError: the persona does not match ``expect_digest`` / ``verify_key``.
    """

    def __init__(
        self,
        soul: Soul | str | os.PathLike[str],
        *,
        store: str | CheckpointStore | None = None,
        tokenizer: str | Tokenizer | Callable[[str], int] = "estimate",
        context_window: int | None = None,
        reserve: Reserve | None = None,
        policy: Policy | None = None,
        detector: DriftDetector | None = None,
        plugin_manager: pluggy.PluginManager | None = None,
        expect_digest: str | None = None,
        verify_key: Any = None,
        fallback: bool = False,
    ) -> None:
        if not isinstance(soul, Soul):
            soul = load_soul(soul, expect_digest=expect_digest, verify_key=verify_key)
        elif expect_digest is not None or verify_key is not None:
            if soul.root is None:
                if expect_digest is not None and soul.digest != expect_digest:
                    raise IntegrityError(
                        f"persona {soul.name}: digest {soul.digest} != expected {expect_digest}"
                    )
            else:
                checked = load_soul(soul.root, expect_digest=expect_digest, verify_key=verify_key)
                if checked.digest != soul.digest:
                    raise IntegrityError(f"{soul.root}: the files on disk differ from the loaded persona")
        if context_window is not None and context_window <= 0:
            raise ValueError(f"context_window must be a positive number of tokens, got {context_window!r}")
        self.policy = policy or Policy()
        self.context_window = context_window
        self.reserve = reserve or Reserve()
        self.tokenizer: Tokenizer = get_tokenizer(tokenizer)
        self.fallback = fallback
        self._watch = IntegrityWatch(
            soul,
            interval=self.policy.integrity_check_interval,
            mode=self.policy.on_integrity,
            expect_digest=expect_digest,
            verify_key=verify_key,
        )
        self._soul = soul
        self._detector = detector
        self._custom_detector = detector is not None
        self._events = Events(plugin_manager)
        self._threads = ThreadTable(max_threads=MAX_THREADS, exemplars=self.policy.exemplars)
        self._packs: OrderedDict[tuple[str, int | None], PackResult] = OrderedDict()
        self._persona_texts: tuple[str, ...] = ()  # replaced whole, never mutated: safe to read unlocked
        self._counts: dict[tuple[str, int, int], int] = {}
        self._pins: dict[tuple[str, str | None, tuple[str, ...]], Message] = {}
        self._cache_lock = threading.Lock()
        self._learned: str | None = None
        self._pack(soul, None)  # fail fast, before opening anything: tier 1 must fit the budget
        self._owns_store = not isinstance(store, CheckpointStore)
        self.store: CheckpointStore = open_store(store if store is not None else default_store_url())
        self._link = StoreLink(
            self.store, fail_closed=self.policy.fail_closed_store, retry_after=self.policy.store_retry_after
        )
        self._later = Later(soul.name)

    # ------------------------------------------------------------------ public properties

    @property
    def soul(self) -> Soul:
        """The persona being served (the last trusted version)."""
        return self._soul

    @property
    def detector(self) -> DriftDetector:
        """The drift detector (built from the soul's rules on first use)."""
        return self._get_detector()

    def _get_detector(self) -> DriftDetector:
        detector = self._detector
        if detector is None:
            detector = self._detector = DriftDetector.from_soul(self._soul)
        return detector

    def packed(self) -> PackResult:
        """The persona as packed for ordinary calls (cached): text, tokens and what was left out."""
        soul, _ = self._serve()
        return self._pack(soul, None)

    @property
    def store_error(self) -> str | None:
        """The last store failure while the store is still failing, else ``None``."""
        return self._link.error

    # ------------------------------------------------------------------ prepare

    def prepare(self, thread_id: str, messages: Sequence[Any], *, system: str | None = None) -> list[Message]:
        """The model input for this call: one system message at index 0 (packed persona, then the app's
        own system text), the conversation without stale persona copies, and a re-anchor when pending.

        :param thread_id: the conversation.
        :param messages: the conversation so far (``Message`` objects or role/content mappings); stray
            system messages are merged into the one system message, earlier persona copies removed.
        :param system: the app's own system text, placed after the persona.
        """
        self._later.wait(_check_thread_id(thread_id))
        return drive(self._prepare_flow(thread_id, messages, system), self._link, self._get_detector)

    async def aprepare(
        self, thread_id: str, messages: Sequence[Any], *, system: str | None = None
    ) -> list[Message]:
        """Async :meth:`prepare`."""
        await self._later.await_thread(_check_thread_id(thread_id))
        return await adrive(self._prepare_flow(thread_id, messages, system), self._link, self._get_detector)

    def pinned(self, thread_id: str, *, system: str | None = None) -> Message | None:
        """The system message :meth:`prepare` would place, when that is all this call needs.

        The fast path for adapters, whose agents send the same growing conversation on every call: when
        the history holds nothing :meth:`prepare` would change (see
        :func:`soulkeeper.messages.passes_through`) and the thread needs no re-anchor (and no store
        outage held writes back), the model input is this system message followed by the history as it
        is, and the history need not be converted at all. Returns ``None`` when the thread needs more:
        then call :meth:`prepare`.

        :param thread_id: the conversation.
        :param system: the app's own system text, placed after the persona.
        """
        self._later.wait(_check_thread_id(thread_id))
        local = self._threads.get(thread_id)
        if local.has_pending:  # writes held back by a store outage: prepare() flushes them
            return None
        return self._pinned(thread_id, local, self._link.call("get_state", thread_id), system)

    async def apinned(self, thread_id: str, *, system: str | None = None) -> Message | None:
        """Async :meth:`pinned`."""
        await self._later.await_thread(_check_thread_id(thread_id))
        local = self._threads.get(thread_id)
        if local.has_pending:
            return None
        return self._pinned(thread_id, local, await self._link.acall("get_state", thread_id), system)

    def _pinned(self, thread_id: str, local: ThreadLocal, fetched: Any, system: str | None) -> Message | None:
        soul, _ = self._serve()
        state = local.state if isinstance(fetched, Failure) else fetched
        if state is not None:
            local.state = state
            if state.pending_reanchor:
                return None
        result = self._pack(soul, None)
        key = (soul.digest, system, self._persona_texts)
        message = self._pins.get(key)
        if message is None:
            app_pieces, _ = split_history((), self._persona_texts, text_of(system) if system else None)
            if self._unrecognised_copy(soul, app_pieces):
                return None  # prepare() learns the copy's text
            message = compose(
                persona=result.text,
                app_pieces=app_pieces,
                history=(),
                reminder=None,
                examples=None,
                placement=self.policy.placement,
                digest=soul.digest,
            )[0]
            with self._cache_lock:
                self._pins[key] = message
                while len(self._pins) > _MAX_PINS:
                    self._pins.pop(next(iter(self._pins)))
        if result.degraded:
            self._report_degraded(thread_id, local, result)
        local.anchor = None
        return message

    def _prepare_flow(
        self, thread_id: str, messages: Sequence[Any], system: str | None
    ) -> Flow[list[Message]]:
        soul, _ = self._serve()
        local = self._threads.get(thread_id)
        yield from flush_flow(thread_id, local)
        fetched = yield ("get_state", thread_id)
        state: ThreadState | None
        if isinstance(fetched, Failure):
            state = local.pending_state or local.state
        else:
            state = fetched
            if state is not None:
                local.state = state
        app_system = text_of(system) if system is not None else None
        converted = coerce_messages(messages)
        app_pieces, history = split_history(converted, self._persona_texts, app_system)
        if self._unrecognised_copy(soul, app_pieces) and self._learn_full_packs(soul):
            app_pieces, history = split_history(converted, self._persona_texts, app_system)
        pending = state is not None and state.pending_reanchor
        result = self._full_pack(soul, history, app_pieces) if pending else self._pack(soul, None)
        self._report_degraded(thread_id, local, result)
        reminder = examples = None
        if pending and state is not None:
            reminder = reminder_block(state.violated_rules, soul.rules, name=soul.display_name)
            if state.level == "restore":
                if local.anchor is None:
                    good = yield ("latest_good", thread_id)
                    local.anchor = self._anchor_from(soul, good, local)
                if local.anchor:
                    examples = examples_block(local.anchor, name=soul.display_name)
        else:
            local.anchor = None
        return compose(
            persona=result.text,
            app_pieces=app_pieces,
            history=history,
            reminder=reminder,
            examples=examples,
            placement=self.policy.placement,
            digest=soul.digest,
        )

    # ------------------------------------------------------------------ observe

    def observe(
        self, thread_id: str, response: Any, *, user_text: str | None = None, attempt: int = 0
    ) -> Decision:
        """Check a model response, update the thread's drift score and checkpoints, and decide.

        :param thread_id: the conversation.
        :param response: the model's reply (text, a ``Message`` or a role/content mapping).
        :param user_text: the user message it answers (lets detectors see identity-override attempts).
        :param attempt: ``0`` for the first model call of a turn, ``n`` for the n-th retry after a
            ``retry`` decision (retries do not advance the turn).
        """
        self._later.wait(_check_thread_id(thread_id))
        with self._events.span("soulkeeper.observe", {"soulkeeper.thread_id": thread_id}) as span:
            flow = self._observe_flow(thread_id, response, user_text, attempt)
            decision = drive(flow, self._link, self._get_detector)
            self._events.announce(decision, span)
            return decision

    async def aobserve(
        self, thread_id: str, response: Any, *, user_text: str | None = None, attempt: int = 0
    ) -> Decision:
        """Async :meth:`observe`."""
        await self._later.await_thread(_check_thread_id(thread_id))
        with self._events.span("soulkeeper.observe", {"soulkeeper.thread_id": thread_id}) as span:
            flow = self._observe_flow(thread_id, response, user_text, attempt)
            decision = await adrive(flow, self._link, self._get_detector)
            self._events.announce(decision, span)
            return decision

    def observe_later(
        self,
        thread_id: str,
        response: Any,
        *,
        user_text: str | None = None,
        then: Callable[[Decision], object] | None = None,
    ) -> Future[Decision]:
        """:meth:`observe` after the reply went back: on the guard's worker thread, or by the next reader.

        With a policy that never retries, a verdict only matters to the thread's next model call. The
        worker starts the check 20 ms after submission, once the framework has finished the turn, and
        every call that reads the thread (:meth:`prepare`, :meth:`pinned`, :meth:`observe`,
        :meth:`state`, :meth:`forget`) first settles its outstanding checks: it runs one the worker has
        not started (async readers have the worker start it at once) and waits for one it has. The result is exactly that of an inline :meth:`observe`, only later. A
        thread's checks run one at a time, in submission order.

        :param then: called with the decision on the thread that ran the check, before anything waiting
            on the check resumes (an exception it raises is logged).
        :returns: a future of the :class:`Decision` (a check that raised is logged; the future holds the
            exception).
        :raises ValueError: the policy allows retries (a ``retry`` verdict must be acted on now).
        """
        if self.policy.allow_retry:
            raise ValueError("observe_later: the policy allows retries; call observe() and act on retry")
        _check_thread_id(thread_id)

        def check() -> Decision:
            decision = self.observe(thread_id, response, user_text=user_text)
            if then is not None:
                try:
                    then(decision)
                except Exception:  # a metrics hook must never lose the check
                    logger.exception("observe_later: the callback for thread %s raised", thread_id)
            return decision

        return self._later.submit(thread_id, check)

    def wait_for_checks(self, timeout: float | None = None, *, thread_id: str | None = None) -> bool:
        """Wait until every :meth:`observe_later` check submitted so far (of ``thread_id`` only, when
        given) is done.

        :returns: ``False`` when ``timeout`` seconds passed first.
        """
        return self._later.flush(timeout, thread_id=thread_id)

    def _observe_flow(
        self, thread_id: str, response: Any, user_text: str | None, attempt: int
    ) -> Flow[Decision]:
        soul, integrity_error = self._serve()
        policy = self.policy
        local = self._threads.get(thread_id)
        errors: list[str] = []
        flushed = yield from flush_flow(thread_id, local)
        if flushed:
            errors.append(flushed)
        text = _response_text(response)
        if local.state is None and local.pending_state is None:
            known = yield ("get_state", thread_id)
            if isinstance(known, ThreadState):
                local.state = known
        base = local.pending_state or local.state
        turn_hint = (base.turn if base is not None else 0) + (0 if attempt else 1)
        report: DriftReport = yield ("check", text, text_of(user_text) if user_text else None, turn_hint)
        plans: list[TurnPlan] = []

        def update(current: ThreadState) -> ThreadState:
            plan = plan_turn(current, report, attempt, self.policy)
            plans.append(plan)
            return plan.state

        stored = yield ("update_state", thread_id, update)
        if isinstance(stored, Failure):
            errors.append(stored.error)
            stored = update(local.pending_state or local.state or ThreadState(thread_id=thread_id))
            local.pending_state = stored
        local.state = stored
        plan = plans[-1]
        exemplar = text.strip()[: policy.exemplar_chars]
        if report.ok and exemplar and exemplar not in local.exemplars:
            local.exemplars.append(exemplar)

        checkpoint = None
        if plan.checkpoint_due:
            if not local.seeded and len(local.exemplars) < policy.exemplars:
                local.seeded = True
                previous = yield ("latest", thread_id)
                if isinstance(previous, Checkpoint) and previous.persona == soul.name:
                    ours = tuple(local.exemplars)  # tuple() of a deque is atomic under the GIL
                    local.exemplars.clear()
                    local.exemplars.extend([*previous.exemplars, *ours])
            checkpoint = Checkpoint(
                thread_id=thread_id,
                persona=soul.name,
                version=soul.version,
                digest=soul.digest,
                turn=stored.turn,
                drift_score=stored.drift_score,
                level=plan.level,
                known_good=plan.known_good,
                exemplars=trim_exemplars(tuple(local.exemplars)) if policy.exemplars else (),
            )
            written = yield ("put", checkpoint)
            if isinstance(written, Failure):
                errors.append(written.error)
                local.pending_checkpoints.append(checkpoint)
            else:
                checkpoint = written

        restored_from = None
        if plan.level == "restore" and plan.action in ("restore", "retry"):
            good = yield ("latest_good", thread_id)
            if isinstance(good, Failure):
                errors.append(good.error)
            elif isinstance(good, Checkpoint) and good.persona == soul.name:
                restored_from = good
            local.anchor = self._anchor_from(soul, good, local)
        elif not stored.pending_reanchor:
            local.anchor = None
        reminder = (
            reminder_block(stored.violated_rules, soul.rules, name=soul.display_name)
            if stored.pending_reanchor
            else None
        )
        return Decision(
            action=plan.action,
            thread_id=thread_id,
            turn=stored.turn,
            report=report,
            score=stored.drift_score,
            level=plan.level,
            checkpoint=checkpoint,
            restored_from=restored_from,
            reminder=reminder,
            store_error=next(iter(dict.fromkeys(errors)), None),
            integrity_error=integrity_error,
            attempt=attempt,
            state=stored,
        )

    # ------------------------------------------------------------------ compaction

    def compact(
        self, messages: Sequence[Any], *, budget: int, summarize: Summarizer | None = None
    ) -> list[Message]:
        """Fit ``messages`` into ``budget`` tokens without harming the persona.

        System content (the persona and the app's own system text) is kept verbatim and never handed to
        ``summarize``; the most recent turns are kept verbatim, a tool call always with its results; the
        older messages go to ``summarize(messages) -> str`` (persona text scrubbed from them), whose
        summary joins the system message, or are dropped when no summariser is given.
        """
        plan = plan_compaction(
            coerce_messages(messages),
            budget=budget,
            count=self.count_message,
            persona_texts=self._persona_texts,
        )
        summary = None
        if summarize is not None and plan.dropped:
            summary = run_summarizer(summarize, summarizer_input(plan, self._persona_texts))
        return apply_plan(plan, summary)

    async def acompact(
        self, messages: Sequence[Any], *, budget: int, summarize: Summarizer | None = None
    ) -> list[Message]:
        """Async :meth:`compact` (``summarize`` may be a coroutine function)."""
        plan = plan_compaction(
            coerce_messages(messages),
            budget=budget,
            count=self.count_message,
            persona_texts=self._persona_texts,
        )
        summary = None
        if summarize is not None and plan.dropped:
            summary = await arun_summarizer(summarize, summarizer_input(plan, self._persona_texts))
        return apply_plan(plan, summary)

    def count_message(self, message: Message) -> int:
        """Tokens of one message with the guard's tokenizer, template overhead and tool calls included."""
        content = message.content
        if message.tool_calls:
            content += "".join(f"\n{c.name}({c.arguments})" for c in message.tool_calls)
        key = (message.role, len(content), hash(content))  # str hashes are cached on the object
        cached = self._counts.get(key)
        if cached is None:
            cached = self.tokenizer.count_messages([{"role": message.role, "content": content}])
            with self._cache_lock:
                self._counts[key] = cached
                while len(self._counts) > _COUNT_CACHE:
                    self._counts.pop(next(iter(self._counts)))
        return cached

    def count_messages(self, messages: Sequence[Message]) -> int:
        """Tokens of a message list (what :meth:`prepare` returns) with the guard's tokenizer."""
        return sum(self.count_message(m) for m in messages)

    # ------------------------------------------------------------------ threads and lifecycle

    def state(self, thread_id: str) -> ThreadState | None:
        """The thread's state as the store has it (or as this process last knew it during an outage)."""
        self._later.wait(_check_thread_id(thread_id))
        local = self._threads.get(thread_id)
        fetched = self._link.call("get_state", thread_id)
        if isinstance(fetched, Failure):
            return local.pending_state or local.state
        return fetched  # type: ignore[no-any-return]

    async def astate(self, thread_id: str) -> ThreadState | None:
        """Async :meth:`state`."""
        await self._later.await_thread(_check_thread_id(thread_id))
        local = self._threads.get(thread_id)
        fetched = await self._link.acall("get_state", thread_id)
        if isinstance(fetched, Failure):
            return local.pending_state or local.state
        return fetched  # type: ignore[no-any-return]

    def forget(self, thread_id: str) -> None:
        """Delete a thread: its checkpoints and state in the store and its in-process data."""
        self._later.wait(_check_thread_id(thread_id))
        self._threads.drop(thread_id)
        self._link.call("delete_thread", thread_id)

    async def aforget(self, thread_id: str) -> None:
        """Async :meth:`forget`."""
        await self._later.await_thread(_check_thread_id(thread_id))
        self._threads.drop(thread_id)
        await self._link.acall("delete_thread", thread_id)

    def close(self) -> None:
        """Finish the deferred checks, then close the store if the guard opened it."""
        self._later.close()
        if self._owns_store:
            self.store.close()

    async def aclose(self) -> None:
        """Async :meth:`close`."""
        await asyncio.to_thread(self._later.close)
        if self._owns_store:
            await self.store.aclose()

    def __repr__(self) -> str:
        return f"PersonaGuard({self._soul.name!r} {self._soul.version}, store={self.store.url!r})"

    # ------------------------------------------------------------------ machinery

    def _serve(self) -> tuple[Soul, str | None]:
        soul, error, changed = self._watch.check()
        if changed:
            self._soul = soul
            if not self._custom_detector:
                self._detector = None
            self._packs.clear()
        return self._soul, error

    def _pack(self, soul: Soul, budget: int | None) -> PackResult:
        key = (soul.digest, budget)
        result = self._packs.get(key)
        if result is not None:
            return result
        if budget is not None:
            result = pack(soul, budget=budget, tokenizer=self.tokenizer, fallback=self.fallback)
        elif self.context_window is not None:
            result = pack(
                soul,
                context_window=self.context_window,
                reserve=self.reserve,
                tokenizer=self.tokenizer,
                fallback=self.fallback,
            )
        else:
            result = pack(soul, budget=_UNBOUNDED_BUDGET, tokenizer=self.tokenizer, fallback=self.fallback)
        with self._cache_lock:
            self._packs[key] = result
            while len(self._packs) > 16:
                self._packs.popitem(last=False)
            if result.text not in self._persona_texts:
                self._remember_texts((result.text,))
        return result

    def _remember_texts(self, texts: Sequence[str]) -> None:
        """Add persona texts to recognise (longest first, so no text is mistaken for a shorter one)."""
        merged = dict.fromkeys((*texts, *self._persona_texts))
        self._persona_texts = tuple(sorted(merged, key=len, reverse=True))[:_MAX_PERSONA_TEXTS]

    def _unrecognised_copy(self, soul: Soul, app_pieces: Sequence[str]) -> bool:
        """Whether some system text starts like this persona's pack but is none of the known texts."""
        prefix = self._pack(soul, None).text[:200]
        return bool(prefix) and any(piece.startswith(prefix) for piece in app_pieces)

    def _learn_full_packs(self, soul: Soul) -> bool:
        """Pack at every budget a re-anchor could have used, in any process, so those copies are known.

        Full-fidelity budgets are multiples of 256 between the ordinary budget and the window, so this is
        a short, deterministic list; it runs once per persona version, only when an unknown copy shows up.
        """
        if self._learned == soul.digest:
            return False
        self._learned = soul.digest
        normal = self._pack(soul, None)
        if self.context_window is None or not normal.degraded:
            return False
        top = (self.context_window - self.reserve.generation - 256) // 256 * 256
        budgets = list(range(top, normal.budget, -256))[:_MAX_FULL_PACKS]
        texts = [pack(soul, budget=b, tokenizer=self.tokenizer, fallback=self.fallback).text for b in budgets]
        with self._cache_lock:
            self._remember_texts(texts)
        return bool(texts)

    def _full_pack(self, soul: Soul, history: Sequence[Message], app_pieces: Sequence[str]) -> PackResult:
        """The persona at full fidelity for the budget this call really has left."""
        normal = self._pack(soul, None)
        if self.context_window is None or not normal.degraded:
            return normal
        used = self.count_messages(history) + sum(self.tokenizer.count(p) for p in app_pieces)
        available = self.context_window - self.reserve.generation - used - 256
        budget = available // 256 * 256
        if budget <= normal.budget:
            return normal
        return self._pack(soul, budget)

    def _report_degraded(self, thread_id: str, local: ThreadLocal, result: PackResult) -> None:
        if not result.degraded:
            return
        tag = f"{result.budget}:{hash(result.text)}"
        if local.degraded_reported != tag:
            local.degraded_reported = tag
            self._events.emit("on_pack_degraded", thread_id=thread_id, result=result)

    def _anchor_from(self, soul: Soul, good: Any, local: ThreadLocal) -> tuple[str, ...]:
        if isinstance(good, Checkpoint) and good.persona == soul.name and good.exemplars:
            return good.exemplars[-max(1, self.policy.exemplars) :]
        return tuple(local.exemplars)
