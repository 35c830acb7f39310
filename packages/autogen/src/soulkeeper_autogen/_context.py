"""``PersonaChatCompletionContext``: an AutoGen model context that always starts with the persona.

::

    agent = AssistantAgent(
        "mati", model_client=PersonaModelClient(client, context),
        system_message=None,                    # the context carries the persona
        model_context=context,                  # context = PersonaChatCompletionContext("souls/mati", inner)
    )

The persona never enters the inner context's history, so Buffered, TokenLimited and HeadAndTail
compaction cannot drop it; ``get_messages()`` asks the guard for the model input each time.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any, Self

from autogen_core import Component, ComponentModel
from autogen_core.model_context import ChatCompletionContext, UnboundedChatCompletionContext
from autogen_core.models import LLMMessage
from pydantic import BaseModel, ValidationError
from soulkeeper.errors import StoreError
from soulkeeper.guard import PersonaGuard, SoulOrGuard
from soulkeeper.stores import ThreadState

from soulkeeper_autogen._config import (
    GuardConfig,
    PersonaStateError,
    build_guard,
    check_persona,
    default_thread_id,
    guard_config,
    persona_record,
    resolve,
)
from soulkeeper_autogen._convert import Converter, from_guard, to_guard

__all__ = ["PersonaChatCompletionContext", "PersonaChatCompletionContextConfig"]

logger = logging.getLogger("soulkeeper.autogen")


class PersonaChatCompletionContextConfig(BaseModel):
    """Declarative config of :class:`PersonaChatCompletionContext`."""

    guard: GuardConfig
    inner: ComponentModel | None = None
    thread_id: str
    system: str | None = None


class PersonaChatCompletionContext(ChatCompletionContext, Component[PersonaChatCompletionContextConfig]):
    """A chat completion context whose messages always start with exactly one system message: the persona.

    ``get_messages()`` returns ``[SystemMessage(persona + other system content), *conversation]``: the
    packed persona from :meth:`soulkeeper.PersonaGuard.prepare`, followed by the app's ``system`` text and
    any system messages found in the inner context (``ListMemory`` appends one per turn), merged into the
    one system message; then the inner context's other messages, compacted however the inner context
    compacts them. A re-anchor the guard scheduled after a drifted reply is carried out here.

    :param soul_or_guard: a :class:`~soulkeeper.PersonaGuard`, a :class:`~soulkeeper.Soul` or the path of
        a persona package (then ``guard_options`` build the guard, e.g. ``store=``, ``context_window=``).
    :param inner: the context that stores and compacts the conversation (default: unbounded).
    :param thread_id: the conversation's id in the guard's store (default ``autogen:<persona name>``);
        give the :class:`PersonaModelClient` the same one (or the context itself).
    :param system: the app's own system text, placed after the persona.

    A guard built here from a soul is closed by :meth:`PersonaModelClient.close` of a client sharing it
    (AutoGen contexts have no close of their own), or by ``context.guard.close()``.
    """

    component_config_schema = PersonaChatCompletionContextConfig
    component_provider_override = "soulkeeper_autogen.PersonaChatCompletionContext"

    def __init__(
        self,
        soul_or_guard: SoulOrGuard,
        inner: ChatCompletionContext | None = None,
        *,
        thread_id: str | None = None,
        system: str | None = None,
        **guard_options: Any,
    ) -> None:
        super().__init__()
        self.guard, self._store_url = resolve(soul_or_guard, guard_options)
        self._owns_guard = not isinstance(soul_or_guard, PersonaGuard)
        self.inner: ChatCompletionContext = inner if inner is not None else UnboundedChatCompletionContext()
        self.thread_id = thread_id or default_thread_id(self.guard)
        self.system = system
        self._convert = Converter()
        self._last_output: tuple[str, tuple[LLMMessage, ...]] | None = None

    # ------------------------------------------------------------------ ChatCompletionContext

    async def add_message(self, message: LLMMessage) -> None:
        """Add a message to the inner context."""
        await self.inner.add_message(message)

    async def get_messages(self) -> list[LLMMessage]:
        """One system message (persona first, other system content merged in), then the conversation."""
        converted, origin = to_guard(await self.inner.get_messages(), self._convert)
        prepared = await self.guard.aprepare(self.thread_id, converted, system=self.system)
        out = from_guard(prepared, origin, self._convert)
        self._last_output = (self.thread_id, tuple(out))
        return out

    def prepared_here(self, messages: Sequence[LLMMessage], thread_id: str) -> bool:
        """Whether ``messages`` are exactly (the same objects as) what :meth:`get_messages` last returned
        for ``thread_id``; a :class:`PersonaModelClient` then need not prepare them again."""
        last = self._last_output
        if last is None or last[0] != thread_id or len(last[1]) != len(messages):
            return False
        return all(a is b for a, b in zip(last[1], messages, strict=True))

    async def clear(self) -> None:
        """Clear the inner context (the persona is not part of it)."""
        await self.inner.clear()

    async def save_state(self) -> Mapping[str, Any]:
        """The inner context's state plus the persona record and the thread's drift state."""
        thread = await self.guard.astate(self.thread_id)
        return {
            "inner": dict(await self.inner.save_state()),
            "soulkeeper": {
                "persona": persona_record(self.guard),
                "thread": thread.portable() if thread is not None else None,
            },
        }

    async def load_state(self, state: Mapping[str, Any]) -> None:
        """Load state saved by :meth:`save_state` for the same persona (name, version and digest).

        The thread's drift state (a pending re-anchor, say) is adopted when the store has nothing newer.

        :raises PersonaStateError: the state was saved for another persona or version, or the persona's
            files changed since (its digest differs), or it was not saved by a persona context.
        """
        record = state.get("soulkeeper") if isinstance(state, Mapping) else None
        if not isinstance(record, Mapping):
            record = {}
        check_persona(self.guard, record.get("persona"))
        inner = state.get("inner")
        if not isinstance(inner, Mapping):
            raise PersonaStateError("state has a persona record but no inner context state")
        await self.inner.load_state(inner)
        thread = record.get("thread")
        if isinstance(thread, Mapping):
            await self._adopt(thread)

    async def _adopt(self, saved: Mapping[str, Any]) -> None:
        try:
            wanted = ThreadState.from_portable(self.thread_id, saved)
        except ValidationError as exc:
            raise PersonaStateError(f"saved thread state is malformed: {exc.errors()[0]['msg']}") from None
        try:
            await self.guard.store.aupdate_state(self.thread_id, wanted.merged_into)
        except StoreError as exc:  # the persona stays pinned; the drift state is lost like any outage's
            if self.guard.policy.fail_closed_store:
                raise
            logger.warning("%s: could not restore the thread's drift state: %s", self.thread_id, exc)

    # ------------------------------------------------------------------ component config

    def _to_config(self) -> PersonaChatCompletionContextConfig:
        return PersonaChatCompletionContextConfig(
            guard=guard_config(self.guard, store=self._store_url),
            inner=self.inner.dump_component(),
            thread_id=self.thread_id,
            system=self.system,
        )

    @classmethod
    def _from_config(cls, config: PersonaChatCompletionContextConfig) -> Self:
        inner = ChatCompletionContext.load_component(config.inner) if config.inner is not None else None
        context = cls(build_guard(config.guard), inner, thread_id=config.thread_id, system=config.system)
        context._owns_guard, context._store_url = True, config.guard.store
        return context
