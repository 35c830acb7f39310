"""The guard calls every LangChain/LangGraph entry point shares: prepare a model input, persist a decision.

``prepare`` turns ``(app system message, conversation)`` into ``(one SystemMessage, conversation)``; the
persona never enters the conversation. ``record``/``adopt`` carry the guard's thread state through
LangGraph's own state, so a checkpointer restores a pending re-anchor after a restart even when the
guard's checkpoint store did not survive (``memory://``).
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from typing import Any

from langchain_core.messages import BaseMessage, SystemMessage
from soulkeeper.guard import MARK, Decision, PersonaGuard, text_of
from soulkeeper.messages import TextCache
from soulkeeper.stores import ThreadState

from soulkeeper_langchain._convert import (
    Converter,
    passes_through,
    persona_system,
    system_message,
    to_langchain,
)

__all__ = ["Prepared", "StateBridge", "merge_records", "reply_digest"]

Prepared = tuple[SystemMessage, list[BaseMessage]]
_MAX_THREADS = 10_000


def merge_records(left: Mapping[str, Any] | None, right: Mapping[str, Any] | None) -> dict[str, Any]:
    """LangGraph reducer of the private ``soulkeeper`` state key: one record per persona name."""
    return {**(left or {}), **(right or {})}


class StateBridge:
    """Prepares model input with the guard and mirrors its thread state into LangGraph state."""

    def __init__(self, guard: PersonaGuard) -> None:
        self.guard = guard
        self._known: OrderedDict[str, int] = OrderedDict()
        self._lock = threading.Lock()
        self._convert = Converter()
        self._systems = TextCache(persona_system, _holds)

    def _split(self, messages: Sequence[BaseMessage], app: SystemMessage | None) -> tuple[Any, ...]:
        converted, origin = self._convert(messages)
        sources = [app, *(m for m in messages if isinstance(m, SystemMessage))]
        system = text_of(app.content) if app is not None else None
        return converted, origin, sources, system

    def _finish(
        self, prepared: Sequence[Any], origin: Mapping[int, BaseMessage], sources: Sequence[Any]
    ) -> Prepared:
        return self._system(prepared[0], sources), to_langchain(prepared[1:], origin)

    def _system(self, prepared: Any, sources: Sequence[Any]) -> SystemMessage:
        """The system message; the plain-text one is cached per text (it is the same on most calls)."""
        if any(s is not None and isinstance(s.content, list) for s in sources):
            return system_message(prepared, sources)
        return self._systems(prepared.content)

    # ------------------------------------------------------------------ prepare

    def prepare(
        self, thread_id: str, messages: Sequence[BaseMessage], app: SystemMessage | None, record: Any = None
    ) -> Prepared:
        """One system message (persona, app text, state system content, reminder) and the conversation."""
        self.adopt(thread_id, record)
        if _plain(app) and passes_through(messages):
            pinned = self.guard.pinned(thread_id, system=text_of(app.content) if app is not None else None)
            if pinned is not None:
                return self._systems(pinned.content), list(messages)
        converted, origin, sources, system = self._split(messages, app)
        return self._finish(self.guard.prepare(thread_id, converted, system=system), origin, sources)

    async def aprepare(
        self, thread_id: str, messages: Sequence[BaseMessage], app: SystemMessage | None, record: Any = None
    ) -> Prepared:
        """Async :meth:`prepare`."""
        await self.aadopt(thread_id, record)
        if _plain(app) and passes_through(messages):
            pinned = await self.guard.apinned(
                thread_id, system=text_of(app.content) if app is not None else None
            )
            if pinned is not None:
                return self._systems(pinned.content), list(messages)
        converted, origin, sources, system = self._split(messages, app)
        return self._finish(await self.guard.aprepare(thread_id, converted, system=system), origin, sources)

    # ------------------------------------------------------------------ persistence through LangGraph state

    def record(self, decision: Decision, reply: str | None = None) -> dict[str, Any]:
        """The JSON-ready record of a decision (on ``reply``) that goes into the private state key."""
        state = self.guard.state(decision.thread_id) if decision.reminder is not None else None
        return self._record(decision, state, reply)

    async def arecord(self, decision: Decision, reply: str | None = None) -> dict[str, Any]:
        """Async :meth:`record`."""
        state = None
        if decision.reminder is not None:
            try:
                state = await self.guard.store.aget_state(decision.thread_id)
            except Exception:  # a failing store: fall back to what the decision says
                state = None
        return self._record(decision, state, reply)

    def _record(self, decision: Decision, state: ThreadState | None, reply: str | None) -> dict[str, Any]:
        self._remember(decision.thread_id, decision.turn)
        pending = decision.reminder is not None
        if state is not None and state.turn == decision.turn:
            level, violated = state.level, list(state.violated_rules)
        else:
            level, violated = decision.level, list(decision.report.rule_ids) if pending else []
        return {
            "action": decision.action,
            "turn": decision.turn,
            "drift_score": decision.score,
            "level": level,
            "pending_reanchor": pending,
            "violated_rules": violated,
            "persona": self.guard.soul.name,
            "digest": self.guard.soul.digest,
            "reply": reply_digest(reply) if reply is not None else None,
        }

    def adopt(self, thread_id: str, record: Any) -> None:
        """Seed the guard's store from a record LangGraph restored, when it is newer than what the store has."""
        wanted = self._wanted(thread_id, record)
        if wanted is None:
            return
        try:
            self.guard.store.update_state(thread_id, wanted.merged_into)
        except Exception:  # a failing store: the guard reports it on the next observe
            return
        self._remember(thread_id, wanted.turn)

    async def aadopt(self, thread_id: str, record: Any) -> None:
        """Async :meth:`adopt`."""
        wanted = self._wanted(thread_id, record)
        if wanted is None:
            return
        try:
            await self.guard.store.aupdate_state(thread_id, wanted.merged_into)
        except Exception:
            return
        self._remember(thread_id, wanted.turn)

    def _wanted(self, thread_id: str, record: Any) -> ThreadState | None:
        if not isinstance(record, Mapping) or record.get("persona") != self.guard.soul.name:
            return None
        turn = record.get("turn")
        if not isinstance(turn, int) or turn <= self._known.get(thread_id, -1):
            return None
        try:
            return ThreadState.from_portable(thread_id, record)
        except ValueError:
            return None

    def _remember(self, thread_id: str, turn: int) -> None:
        with self._lock:
            self._known[thread_id] = max(turn, self._known.get(thread_id, -1))
            self._known.move_to_end(thread_id)
            while len(self._known) > _MAX_THREADS:
                self._known.popitem(last=False)


def reply_digest(text: str) -> str:
    """A short digest of a checked reply, kept in its record (tells whether a reply was checked)."""
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()


def _plain(app: SystemMessage | None) -> bool:
    """An app system message the fast path can pass on as text (no content blocks to splice back)."""
    return app is None or isinstance(app.content, str)


def _holds(message: SystemMessage, text: str) -> bool:
    return message.content == text and message.additional_kwargs == {MARK: "persona"}
