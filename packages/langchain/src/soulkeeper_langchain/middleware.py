"""``PersonaMiddleware``: pin a persona in every model call of a LangChain ``create_agent`` agent.

::

    agent = create_agent(
        model, tools, system_prompt="You can call the deploy tool.",
        middleware=[SummarizationMiddleware(model, trigger=("messages", 40)), PersonaMiddleware("souls/mati")],
        checkpointer=InMemorySaver(),
    )

The persona lives only in the model request, never in the agent state, so summarisation, context editing
and trimming cannot touch it. Each reply is checked by the guard: by default on the guard's worker thread
after the reply is returned (the thread's next model call waits for the check, so a re-anchor is never
missed). With a LangGraph checkpointer, decisions are also stored in a private state key, so the
checkpointer carries a pending re-anchor across restarts (without one the state ends with the run, and
nothing is written).
"""

from __future__ import annotations

import inspect
import itertools
import logging
import threading
from collections.abc import Awaitable, Callable, Mapping
from typing import Annotated, Any, Literal, NotRequired, cast

from langchain.agents.middleware import (
    AgentMiddleware,
    AgentState,
    ExtendedModelResponse,
    ModelRequest,
    ModelResponse,
)
from langchain.agents.middleware.types import ModelRequest as _ModelRequest
from langchain.agents.middleware.types import PrivateStateAttr
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AnyMessage, BaseMessage
from langgraph.config import get_config
from langgraph.constants import CONFIG_KEY_CHECKPOINTER
from langgraph.types import Command
from soulkeeper.guard import Decision, SoulOrGuard, as_guard, text_of
from soulkeeper.guard._policy import CheckMode, check_mode

from soulkeeper_langchain._bridge import StateBridge, merge_records, reply_digest
from soulkeeper_langchain._convert import last_exchange, last_user_text, thread_id_from_config
from soulkeeper_langchain._probe import EXPECTED, Expectation, Instrumenter, SystemProbe

__all__ = ["STATE_KEY", "PersonaMiddleware", "PersonaState"]

logger = logging.getLogger("soulkeeper.langchain")

STATE_KEY = "soulkeeper"
"""The private state key holding one decision record per persona (keyed by the middleware's name)."""

StreamMode = Literal["live", "buffer"]
OnReplaced = Literal["warn", "raise", "ignore"]
_MAX_RECORDS = 10_000


class PersonaState(AgentState[Any]):
    """``AgentState`` plus the private decision records (not part of the agent's input or output)."""

    soulkeeper: NotRequired[Annotated[dict[str, dict[str, Any]], PrivateStateAttr, merge_records]]


def _put_bounded(items: dict[str, Any], key: str, value: Any, lock: threading.Lock) -> None:
    """``items[key] = value`` as the newest entry, dropping the oldest beyond ``_MAX_RECORDS``."""
    with lock:
        items.pop(key, None)
        items[key] = value
        while len(items) > _MAX_RECORDS:
            del items[next(iter(items))]


def override(request: ModelRequest[Any], **changes: Any) -> ModelRequest[Any]:
    """``request.override(**changes)``, without its cost on every model call.

    ``ModelRequest.override`` runs ``dataclasses.replace``, whose ``__init__`` sets each field through a
    ``__setattr__`` that raises and silences a deprecation warning per field (≈ 25 µs per call). The
    result here has the same fields, built directly; a subclass of ``ModelRequest`` gets the real call.
    """
    if type(request) is not _ModelRequest:
        return request.override(**changes)
    new = object.__new__(_ModelRequest)
    fields = new.__dict__
    fields.update(request.__dict__)
    fields.update(changes)
    return new


def reply_of(response: ModelResponse) -> AIMessage | None:
    """The model's reply in a ``ModelResponse`` (the last AI message), if any."""
    for message in reversed(response.result):
        if isinstance(message, AIMessage):
            return message
    return None


def should_observe(reply: AIMessage | None) -> bool:
    """A reply worth checking: it has text (a bare tool call says nothing about the persona)."""
    return bool(reply_text(reply).strip())


def reply_text(reply: AIMessage | None) -> str:
    """The text of a reply as the guard reads it (``""`` without a reply)."""
    return text_of(reply.content) if reply is not None else ""


class PersonaMiddleware(AgentMiddleware[PersonaState, Any]):
    """Keeps a persona pinned, first and verbatim, in every model call of a ``create_agent`` agent.

    :param soul_or_guard: a :class:`soulkeeper.PersonaGuard`, a :class:`soulkeeper.Soul` or the path of a
        persona package (then ``guard_options`` build the guard, e.g. ``store=``, ``context_window=``).
    :param name: the middleware name; default ``soulkeeper_<persona>``, unique per persona so several
        personas can serve in one multi-agent setup.
    :param thread_id: the thread used when the run config has no ``configurable.thread_id``.
    :param stream: ``"live"`` streams replies as usual (a drifted reply is re-anchored on the next call);
        ``"buffer"`` hides the model's tokens from ``stream_mode="messages"`` until the reply was checked,
        so a retried drift never reaches the user (the checked reply is emitted whole).
    :param check: when each reply is checked. ``"background"``: the reply goes back at once and the
        guard's worker thread checks it (:meth:`soulkeeper.PersonaGuard.observe_later`); the thread's next
        model call settles that check first (running it itself if the worker has not started it), so its
        verdict is acted on exactly as an inline check's would be, and with a checkpointer the decision
        reaches the private state key with that next call. A thread's first call in a
        process checks the latest reply when the state shows it unchecked (a restart right after a reply). ``"inline"``: checked
        before the reply goes back, the decision stored in the same step. ``"auto"`` (default) is
        ``"background"`` unless ``stream="buffer"`` or the guard's policy allows retries (both need the
        verdict before the reply is released).
    :param on_replaced: what to do when a middleware listed later replaced the pinned system message:
        ``"warn"`` (log a warning), ``"raise"`` (:class:`PersonaReplacedError`) or ``"ignore"``.
    :param probe_every: how often that is checked: the first 8 model calls, then one call in
        ``probe_every`` (``1``: every call). The check is a callback on the model, which makes LangChain
        start a callback run per call; the middleware order it guards against does not change between
        calls.
    :param tokenizer: count tokens with this (a chat model's ``get_num_tokens`` when given a chat model);
        only when building the guard from a soul.
    :param on_decision: called with every :class:`soulkeeper.Decision` (metrics, events).
    """

    state_schema = PersonaState

    def __init__(
        self,
        soul_or_guard: SoulOrGuard,
        *,
        name: str | None = None,
        thread_id: str = "default",
        stream: StreamMode = "live",
        check: CheckMode = "auto",
        on_replaced: OnReplaced = "warn",
        probe_every: int = 16,
        tokenizer: Any = None,
        on_decision: Callable[[Decision], None] | None = None,
        **guard_options: Any,
    ) -> None:
        super().__init__()
        if stream not in ("live", "buffer"):
            raise ValueError(f'PersonaMiddleware: stream must be "live" or "buffer", got {stream!r}')
        if on_replaced not in ("warn", "raise", "ignore"):
            raise ValueError(
                f'PersonaMiddleware: on_replaced must be "warn", "raise" or "ignore", got {on_replaced!r}'
            )
        if not isinstance(probe_every, int) or probe_every < 1:
            raise ValueError(
                f"PersonaMiddleware: probe_every must be a positive integer, got {probe_every!r}"
            )
        if tokenizer is not None:
            guard_options["tokenizer"] = (
                tokenizer.get_num_tokens if isinstance(tokenizer, BaseChatModel) else tokenizer
            )
        self.guard = as_guard(soul_or_guard, **guard_options)
        self._name = name or f"soulkeeper_{self.guard.soul.name}"
        self.default_thread_id = thread_id
        self.stream = stream
        self.on_replaced = on_replaced
        self.on_decision = on_decision
        self.replaced_calls = 0
        """How many model calls received something other than the pinned persona."""
        self.check = check_mode(
            check,
            self.guard.policy,
            buffered=stream == "buffer",
            where="PersonaMiddleware: ",
            buffer_option='stream="buffer"',
        )
        self.probe_every = probe_every
        self._calls = itertools.count()
        self._records: dict[str, dict[str, Any]] = {}
        """Records of checks done in the background, written to the state with the thread's next call."""
        self._seen: dict[str, None] = {}
        """Threads served in this process (their first call checks a reply left unchecked by a restart)."""
        self._lock = threading.Lock()
        self._bridge = StateBridge(self.guard)
        self._probe = None if on_replaced == "ignore" else SystemProbe(raise_error=on_replaced == "raise")
        self._instrument = Instrumenter(self._probe, buffer=stream == "buffer")
        self._warned = False

    @property
    def name(self) -> str:
        """The middleware name (unique per persona)."""
        return self._name

    def token_counter(self, messages: list[BaseMessage]) -> int:
        """Tokens of LangChain messages with the guard's tokenizer (e.g. for ``SummarizationMiddleware``)."""
        from soulkeeper_langchain._convert import from_langchain

        converted, _ = from_langchain(messages)
        return self.guard.count_messages(converted)

    # ------------------------------------------------------------------ the hook

    def wrap_model_call(
        self,
        request: ModelRequest[Any],
        handler: Callable[[ModelRequest[Any]], ModelResponse[Any]],
    ) -> ModelResponse[Any] | ExtendedModelResponse[Any]:
        """Pin the persona, call the model, check the reply (retrying when the policy allows)."""
        thread_id, kept = self._run()
        record = self._record_of(request)
        if self.check == "background":
            if thread_id not in self._seen:
                self._catch_up(thread_id, request, record)
            system, messages = self._bridge.prepare(
                thread_id, request.messages, request.system_message, record
            )
            response = self._call(handler, request, system, messages)
            self._check_later(thread_id, request, response)
            record = self._take(thread_id)  # taken either way, so records do not pile up
            return self._extended(response, record if kept else None)
        attempt = 0
        while True:
            system, messages = self._bridge.prepare(
                thread_id, request.messages, request.system_message, record
            )
            response = self._call(handler, request, system, messages)
            text = reply_text(reply_of(response))
            if not text.strip():  # a bare tool call says nothing about the persona
                return ExtendedModelResponse(model_response=response)
            decision = self.guard.observe(
                thread_id, text, user_text=last_user_text(request.messages), attempt=attempt
            )
            self._emit(decision)
            if decision.action != "retry":
                return self._extended(response, self._bridge.record(decision, text) if kept else None)
            attempt, record = attempt + 1, None

    async def awrap_model_call(
        self,
        request: ModelRequest[Any],
        handler: Callable[[ModelRequest[Any]], Awaitable[ModelResponse[Any]]],
    ) -> ModelResponse[Any] | ExtendedModelResponse[Any]:
        """Async :meth:`wrap_model_call`."""
        thread_id, kept = self._run()
        record = self._record_of(request)
        if self.check == "background":
            if thread_id not in self._seen:
                await self._acatch_up(thread_id, request, record)
            system, messages = await self._bridge.aprepare(
                thread_id, request.messages, request.system_message, record
            )
            response = await self._acall(handler, request, system, messages)
            self._check_later(thread_id, request, response)
            record = self._take(thread_id)  # taken either way, so records do not pile up
            return self._extended(response, record if kept else None)
        attempt = 0
        while True:
            system, messages = await self._bridge.aprepare(
                thread_id, request.messages, request.system_message, record
            )
            response = await self._acall(handler, request, system, messages)
            text = reply_text(reply_of(response))
            if not text.strip():  # a bare tool call says nothing about the persona
                return ExtendedModelResponse(model_response=response)
            decision = await self.guard.aobserve(
                thread_id, text, user_text=last_user_text(request.messages), attempt=attempt
            )
            self._emit(decision)
            if decision.action != "retry":
                record = await self._bridge.arecord(decision, text) if kept else None
                return self._extended(response, record)
            attempt, record = attempt + 1, None

    # ------------------------------------------------------------------ machinery

    def _run(self) -> tuple[str, bool]:
        """The thread of this call, and whether LangGraph keeps its state (a checkpointer is configured).

        Decision records are written to the state only when it is kept: without a checkpointer the
        state ends with the run, and the guard itself already knows everything a record would tell it.
        """
        try:
            config = get_config()
        except RuntimeError:  # called outside a runnable context: write records, as nothing says otherwise
            return self.default_thread_id, True
        configurable = config.get("configurable")
        kept = not isinstance(configurable, Mapping) or configurable.get(CONFIG_KEY_CHECKPOINTER) is not None
        return thread_id_from_config(config, self.default_thread_id), kept

    def _record_of(self, request: ModelRequest[Any]) -> Any:
        state: Any = request.state
        records = state.get(STATE_KEY) if isinstance(state, Mapping) else None
        return records.get(self._name) if isinstance(records, Mapping) else None

    def _call(
        self,
        handler: Callable[[ModelRequest[Any]], ModelResponse[Any]],
        request: ModelRequest[Any],
        system: Any,
        messages: list[BaseMessage],
    ) -> ModelResponse[Any]:
        expected, token = self._expect(system)
        try:
            return handler(self._request(request, system, messages, expected))
        finally:
            self._settle(expected, token)

    async def _acall(
        self,
        handler: Callable[[ModelRequest[Any]], Awaitable[ModelResponse[Any]]],
        request: ModelRequest[Any],
        system: Any,
        messages: list[BaseMessage],
    ) -> ModelResponse[Any]:
        expected, token = self._expect(system)
        try:
            return await handler(self._request(request, system, messages, expected))
        finally:
            self._settle(expected, token)

    def _check_later(self, thread_id: str, request: ModelRequest[Any], response: ModelResponse[Any]) -> None:
        text = reply_text(reply_of(response))
        if text.strip():  # a bare tool call says nothing about the persona
            user_text = last_user_text(request.messages)
            self.guard.observe_later(
                thread_id, text, user_text=user_text, then=lambda decision: self._checked(decision, text)
            )

    def _checked(self, decision: Decision, reply: str) -> None:
        """A background check is done (on the guard's worker): report it, keep its record for the state."""
        self._emit(decision)
        self._keep(decision.thread_id, self._bridge.record(decision, reply))

    def _take(self, thread_id: str) -> dict[str, Any] | None:
        with self._lock:
            return self._records.pop(thread_id, None)

    def _keep(self, thread_id: str, record: dict[str, Any]) -> None:
        _put_bounded(self._records, thread_id, record, self._lock)  # threads that never came back age out

    def _unchecked(
        self, thread_id: str, request: ModelRequest[Any], record: Any
    ) -> tuple[str, str | None] | None:
        """On a thread's first call in this process: its latest reply, if the state shows no check of it.

        A background check's record reaches the state with the thread's next call, so a process that
        stopped right after a reply leaves that reply unchecked (with ``memory://``, its verdict is gone).
        """
        _put_bounded(self._seen, thread_id, None, self._lock)
        reply, user_text = last_exchange(request.messages)
        if reply is None:
            return None
        if isinstance(record, Mapping) and record.get("reply") == reply_digest(reply):
            return None
        return reply, user_text

    def _catch_up(self, thread_id: str, request: ModelRequest[Any], record: Any) -> None:
        unchecked = self._unchecked(thread_id, request, record)
        if unchecked is not None:
            self._bridge.adopt(thread_id, record)
            decision = self.guard.observe(thread_id, unchecked[0], user_text=unchecked[1])
            self._emit(decision)
            self._keep(thread_id, self._bridge.record(decision, unchecked[0]))

    async def _acatch_up(self, thread_id: str, request: ModelRequest[Any], record: Any) -> None:
        unchecked = self._unchecked(thread_id, request, record)
        if unchecked is not None:
            await self._bridge.aadopt(thread_id, record)
            decision = await self.guard.aobserve(thread_id, unchecked[0], user_text=unchecked[1])
            self._emit(decision)
            self._keep(thread_id, await self._bridge.arecord(decision, unchecked[0]))

    def _expect(self, system: Any) -> tuple[Expectation | None, Any]:
        if self._probe is None:
            return None, None
        n = next(self._calls)
        if n >= 8 and n % self.probe_every:
            return None, None
        expected = Expectation(text_of(system.content), self._name)
        return expected, EXPECTED.set({**(EXPECTED.get() or {}), id(self._probe): expected})

    def _request(
        self,
        request: ModelRequest[Any],
        system: Any,
        messages: list[BaseMessage],
        expected: Expectation | None,
    ) -> ModelRequest[Any]:
        changes: dict[str, Any] = {"system_message": system, "messages": cast("list[AnyMessage]", messages)}
        if expected is not None or self.stream == "buffer":
            changes["model"] = self._instrument(request.model)
        return override(request, **changes)

    def _settle(self, expected: Expectation | None, token: Any) -> None:
        if token is not None:
            EXPECTED.reset(token)
        if expected is None or expected.problem is None:
            return
        self.replaced_calls += 1
        if not self._warned:
            self._warned = True
            logger.warning("%s", expected.problem)

    def _emit(self, decision: Decision) -> None:
        if self.on_decision is not None:
            try:
                self.on_decision(decision)
            except Exception:  # a metrics hook must never break the agent
                logger.exception("%s: on_decision raised", self._name)

    def _extended(
        self, response: ModelResponse[Any], record: dict[str, Any] | None
    ) -> ExtendedModelResponse[Any] | ModelResponse[Any]:
        if record is None:
            return response  # create_agent takes either
        return ExtendedModelResponse(
            model_response=response, command=Command(update={STATE_KEY: {self._name: record}})
        )


# LangChain wraps every ``wrap_model_call`` in a LangSmith ``traceable`` that calls ``inspect.signature`` on
# the hook on every model call; a precomputed signature makes that a lookup.
for _hook in ("wrap_model_call", "awrap_model_call"):
    _function: Any = getattr(PersonaMiddleware, _hook)
    _function.__signature__ = inspect.signature(_function)
