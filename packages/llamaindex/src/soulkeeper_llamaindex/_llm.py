"""``PersonaLLM``: an LLM wrapper that pins the persona on every chat call and watches every reply.

This is how the chat engines are guarded: ``SimpleChatEngine``, ``ContextChatEngine`` and
``CondensePlusContextChatEngine`` all build their message list (prefix messages, retrieved context,
memory) and hand it to ``engine._llm``; the wrapper turns that list into the guard's model input (one
system message, persona first, the engine's system text merged after it), calls the real LLM, and
observes the reply. A ``retry`` decision is carried out here, before the engine sees the reply, so the
drifted answer never reaches the user or the memory.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Callable, Sequence
from typing import Any

from llama_index.core.base.llms.types import (
    ChatMessage,
    ChatResponse,
    ChatResponseAsyncGen,
    ChatResponseGen,
    CompletionResponse,
    CompletionResponseAsyncGen,
    CompletionResponseGen,
    LLMMetadata,
)
from llama_index.core.bridge.pydantic import Field, SerializeAsAny
from llama_index.core.llms.llm import LLM
from soulkeeper.guard import Decision, SoulOrGuard, as_guard
from soulkeeper.guard._policy import CheckMode

from soulkeeper_llamaindex._convert import last_user_text
from soulkeeper_llamaindex._pin import Pinned, StreamMode, apin, pin

__all__ = ["PersonaLLM", "StreamMode"]


class PersonaLLM(Pinned, LLM):
    """Wrap ``llm`` so every chat call carries the persona first and every reply is observed.

    :param llm: the real model.
    :param soul_or_guard: a :class:`soulkeeper.PersonaGuard`, a ``Soul`` or a persona package path.
    :param thread_id: the soulkeeper thread this conversation belongs to.
    :param stream_mode: ``"stream"`` (default: tokens go to the caller as they come, the full reply is
        observed at the end and a drift re-anchors the next call) or ``"buffered"`` (the reply is
        collected and checked before the first token is yielded, and retried when the policy allows).
    :param check: ``"background"``: the reply goes back at once and the guard's worker checks it once the
        engine has finished its turn (the thread's next call settles the check first, so its verdict is
        acted on exactly as an inline check's; :attr:`last_decision` waits for it too). ``"inline"``:
        checked before the reply is returned. ``"auto"`` (default) is ``"background"`` unless
        ``stream_mode="buffered"`` or the guard's policy allows retries.
    :param on_decision: called with every :class:`~soulkeeper.Decision` (when checking in the background,
        on the thread that ran the check: the worker, or the next call's thread when it got there first).

    Chat calls are pinned; completion calls (``complete``, e.g. the question rewriting of
    ``CondensePlusContextChatEngine``) pass through unchanged. ``metadata.is_chat_model`` is reported as
    true so that ``predict`` on the wrapper always goes through ``chat``.
    """

    llm: SerializeAsAny[LLM] = Field(description="The wrapped model.")
    thread_id: str = Field(default="default", description="The soulkeeper thread id.")

    def __init__(
        self,
        llm: LLM,
        soul_or_guard: SoulOrGuard,
        *,
        thread_id: str = "default",
        stream_mode: StreamMode = "stream",
        check: CheckMode = "auto",
        on_decision: Callable[[Decision], Any] | None = None,
        **guard_options: Any,
    ) -> None:
        if stream_mode not in ("stream", "buffered"):
            raise ValueError(f'stream must be "stream" or "buffered", got {stream_mode!r}')
        super().__init__(  # type: ignore[call-arg]  # pydantic fields of this subclass
            llm=llm, thread_id=thread_id, stream_mode=stream_mode, callback_manager=llm.callback_manager
        )
        self._guard = as_guard(soul_or_guard, **guard_options)
        self._on_decision = on_decision
        self._set_check(check, buffered=stream_mode == "buffered")

    @classmethod
    def class_name(cls) -> str:
        """Class name."""
        return "PersonaLLM"

    @property
    def metadata(self) -> LLMMetadata:
        """The wrapped model's metadata, as a chat model."""
        return self.llm.metadata.model_copy(update={"is_chat_model": True})

    # ------------------------------------------------------------------ decisions

    def _observe(self, reply: ChatResponse | None, user: str | None, attempt: int) -> str:
        """Check the reply (now, or on the guard's worker); the action to take now (``retry`` or not)."""
        text = (reply.message.content if reply is not None else "") or ""
        if self._background:
            self._guard.observe_later(self.thread_id, text, user_text=user, then=self._decided)
            return "ok"
        return self._decided(
            self._guard.observe(self.thread_id, text, user_text=user, attempt=attempt)
        ).action

    async def _aobserve(self, reply: ChatResponse | None, user: str | None, attempt: int) -> str:
        """Async :meth:`_observe`."""
        text = (reply.message.content if reply is not None else "") or ""
        if self._background:
            self._guard.observe_later(self.thread_id, text, user_text=user, then=self._decided)
            return "ok"
        decision = await self._guard.aobserve(self.thread_id, text, user_text=user, attempt=attempt)
        return self._decided(decision).action

    # ------------------------------------------------------------------ chat

    def chat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponse:
        """Pinned chat; a ``retry`` decision calls the model again, re-anchored, before returning."""
        user = last_user_text(messages)
        attempt = 0
        while True:
            reply = self.llm.chat(self._pin(messages), **kwargs)
            if self._observe(reply, user, attempt) != "retry":
                return reply
            attempt += 1

    async def achat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponse:
        """Async :meth:`chat`."""
        user = last_user_text(messages)
        attempt = 0
        while True:
            reply = await self.llm.achat(await self._apin(messages), **kwargs)
            if await self._aobserve(reply, user, attempt) != "retry":
                return reply
            attempt += 1

    def stream_chat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponseGen:
        """Pinned streaming chat (see ``stream_mode`` for when the reply is checked)."""
        user = last_user_text(messages)
        if self.stream_mode == "buffered":
            return self._buffered(messages, user, kwargs)
        return self._streamed(self.llm.stream_chat(self._pin(messages), **kwargs), user)

    def _streamed(self, chunks: ChatResponseGen, user: str | None) -> ChatResponseGen:
        last = None
        for last in chunks:
            yield last
        self._observe(last, user, 0)

    def _buffered(self, messages: Sequence[ChatMessage], user: str | None, kwargs: Any) -> ChatResponseGen:
        attempt = 0
        while True:
            chunks = list(self.llm.stream_chat(self._pin(messages), **kwargs))
            if self._observe(chunks[-1] if chunks else None, user, attempt) != "retry":
                break
            attempt += 1
        yield from chunks

    async def astream_chat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponseAsyncGen:
        """Async :meth:`stream_chat`."""
        user = last_user_text(messages)
        if self.stream_mode == "buffered":
            return self._abuffered(messages, user, kwargs)
        return self._astreamed(await self.llm.astream_chat(await self._apin(messages), **kwargs), user)

    async def _astreamed(
        self, chunks: ChatResponseAsyncGen, user: str | None
    ) -> AsyncGenerator[ChatResponse]:
        last = None
        async for last in chunks:
            yield last
        await self._aobserve(last, user, 0)

    async def _abuffered(
        self, messages: Sequence[ChatMessage], user: str | None, kwargs: Any
    ) -> AsyncGenerator[ChatResponse]:
        attempt = 0
        while True:
            chunks = [c async for c in await self.llm.astream_chat(await self._apin(messages), **kwargs)]
            if await self._aobserve(chunks[-1] if chunks else None, user, attempt) != "retry":
                break
            attempt += 1
        for chunk in chunks:
            yield chunk

    def _pin(self, messages: Sequence[ChatMessage]) -> list[ChatMessage]:
        return pin(self._guard, self.thread_id, messages, system_role=self.llm.metadata.system_role)

    async def _apin(self, messages: Sequence[ChatMessage]) -> list[ChatMessage]:
        return await apin(self._guard, self.thread_id, messages, system_role=self.llm.metadata.system_role)

    # ------------------------------------------------------------------ completion: passed through

    def complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponse:
        """The wrapped model's ``complete`` (not pinned, not observed)."""
        return self.llm.complete(prompt, formatted=formatted, **kwargs)

    async def acomplete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponse:
        """The wrapped model's ``acomplete`` (not pinned, not observed)."""
        return await self.llm.acomplete(prompt, formatted=formatted, **kwargs)

    def stream_complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponseGen:
        """The wrapped model's ``stream_complete`` (not pinned, not observed)."""
        return self.llm.stream_complete(prompt, formatted=formatted, **kwargs)

    async def astream_complete(
        self, prompt: str, formatted: bool = False, **kwargs: Any
    ) -> CompletionResponseAsyncGen:
        """The wrapped model's ``astream_complete`` (not pinned, not observed)."""
        return await self.llm.astream_complete(prompt, formatted=formatted, **kwargs)
