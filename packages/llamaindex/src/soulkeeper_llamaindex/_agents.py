"""``PersonaFunctionAgent`` and ``PersonaReActAgent``: workflow agents with the persona pinned per step.

Every model call of the agent gets exactly one leading system message: the persona first, then the
agent's ``system_prompt`` (or the ReAct header that carries it), then any system content of the memory
(memory blocks), merged. After each step with text the user can see, the reply is observed; a ``retry``
decision removes the drifted message from the agent's scratchpad (``ctx.store``) and takes the step again,
re-anchored. ``stream_mode="buffered"`` holds a step's output back until it has been checked, so a drifted
answer never reaches the event stream; the default streams tokens as they come and re-anchors the next step.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from llama_index.core.agent.react.types import ResponseReasoningStep
from llama_index.core.agent.workflow import AgentOutput, AgentStream, FunctionAgent, ReActAgent
from llama_index.core.agent.workflow.agent_context import AgentContext
from llama_index.core.base.llms.types import ChatMessage, ChatResponse
from llama_index.core.bridge.pydantic import Field
from llama_index.core.llms.llm import LLM
from llama_index.core.memory import BaseMemory
from llama_index.core.tools import AsyncBaseTool
from llama_index.core.workflow import Context
from soulkeeper.guard import Decision, SoulOrGuard, as_guard

from soulkeeper_llamaindex._convert import session_of
from soulkeeper_llamaindex._pin import Pinned, StreamMode, apin

__all__ = ["PersonaFunctionAgent", "PersonaReActAgent"]


_STEP_THREAD: ContextVar[str | None] = ContextVar("soulkeeper_llamaindex_step_thread", default=None)
"""The thread of the step being taken (set by ``take_step``, read by the model-call hooks)."""


class _Guarded(Pinned):
    """The fields, constructor and step logic both agents share (placed before the LlamaIndex agent class)."""

    thread_id: str | None = Field(
        default=None, description="The soulkeeper thread id (default: the memory's)."
    )

    if TYPE_CHECKING:  # fields of the LlamaIndex agent class this is mixed into
        name: str
        streaming: bool

    def __init__(
        self,
        soul_or_guard: SoulOrGuard,
        *,
        thread_id: str | None = None,
        stream_mode: StreamMode = "stream",
        on_decision: Callable[[Decision], Any] | None = None,
        guard_options: Mapping[str, Any] | None = None,
        **agent_options: Any,
    ) -> None:
        if stream_mode not in ("stream", "buffered"):
            raise ValueError(f'stream_mode must be "stream" or "buffered", got {stream_mode!r}')
        super().__init__(  # type: ignore[call-arg]  # the agent class (next in the MRO) takes these
            thread_id=thread_id, stream_mode=stream_mode, **agent_options
        )
        self._guard = as_guard(soul_or_guard, **dict(guard_options or {}))
        self._on_decision = on_decision

    def _thread_for(self, memory: object) -> str:
        """``thread_id`` if set, else the memory's session id, else ``"default"``."""
        return self.thread_id or session_of(memory) or "default"

    async def _apin(self, messages: Sequence[ChatMessage], thread: str | None = None) -> list[ChatMessage]:
        thread = thread or _STEP_THREAD.get() or self.thread_id or "default"
        return await apin(self._guard, thread, messages)

    async def _apin_in(self, ctx: Context, messages: Sequence[ChatMessage]) -> list[ChatMessage]:
        """Pin a call made outside ``take_step`` (early stopping): the thread comes from the run's memory."""
        memory = await ctx.store.get("memory", default=None)
        return await self._apin(messages, _STEP_THREAD.get() or self._thread_for(memory))

    async def _visible_text(self, ctx: AgentContext, output: AgentOutput) -> str:
        """The text of this step the user would see ("" for tool calls and parse retries)."""
        return "" if output.retry_messages else output.response.content or ""

    def _steps_key(self) -> str:
        """The ``ctx.store`` key of the agent's scratchpad (its steps so far)."""
        raise NotImplementedError

    async def _discard(self, ctx: AgentContext) -> None:
        """Remove the drifted step's message from the scratchpad."""
        key = self._steps_key()
        steps: list[Any] = await ctx.store.get(key, default=[])
        if steps:
            steps.pop()
            await ctx.store.set(key, steps)

    async def take_step(
        self,
        ctx: AgentContext,
        llm_input: list[ChatMessage],
        tools: Sequence[AsyncBaseTool],
        memory: BaseMemory,
    ) -> AgentOutput:
        """One guarded step: its visible text observed, and the step retried without the drifted message
        when the policy allows."""
        thread = self._thread_for(memory)
        token = _STEP_THREAD.set(thread)
        take = super().take_step  # type: ignore[misc]  # the LlamaIndex agent class, next in the MRO
        try:
            return await self._guarded_attempts(ctx, thread, lambda: take(ctx, llm_input, tools, memory))
        finally:
            _STEP_THREAD.reset(token)

    async def _guarded_attempts(self, ctx: AgentContext, thread: str, take: Callable[[], Any]) -> AgentOutput:
        attempt = 0
        while True:
            output: AgentOutput = await take()
            text = await self._visible_text(ctx, output)
            if text.strip():
                user = await ctx.store.get("user_msg_str", default=None)
                decision = await self._guard.aobserve(
                    thread, text, user_text=user if isinstance(user, str) else None, attempt=attempt
                )
                if self._decided(decision).action == "retry":
                    await self._discard(ctx)
                    attempt += 1
                    continue
            if self.stream_mode == "buffered" and self.streaming:
                content = output.response.content or ""
                ctx.write_event_to_stream(
                    AgentStream(
                        delta=content,
                        response=content,
                        tool_calls=output.tool_calls,
                        raw=output.raw,
                        current_agent_name=self.name,
                    )
                )
            return output


class PersonaFunctionAgent(_Guarded, FunctionAgent):
    """A ``FunctionAgent`` with the persona pinned on every step (needs a function-calling LLM).

    :param soul_or_guard: a :class:`soulkeeper.PersonaGuard`, a ``Soul`` or a persona package path.
    :param thread_id: the soulkeeper thread; default: the ``session_id`` of the memory each run uses (so
        one agent serves many conversations, one ``Memory(session_id=...)`` each), else ``"default"``.
    :param stream_mode: ``"stream"`` (default) or ``"buffered"`` (each step checked before it is
        written to the event stream as one ``AgentStream`` event).
    :param on_decision: called with every :class:`~soulkeeper.Decision`.
    :param guard_options: passed to :class:`~soulkeeper.PersonaGuard` when given a soul.
    :param agent_options: everything ``FunctionAgent`` takes (``tools``, ``llm``, ``system_prompt``, ...).
    """

    def _steps_key(self) -> str:
        return self.scratchpad_key

    async def _get_response(
        self, current_llm_input: list[ChatMessage], tools: Sequence[AsyncBaseTool]
    ) -> ChatResponse:
        return await super()._get_response(await self._apin(current_llm_input), tools)

    async def _get_streaming_response(
        self, ctx: AgentContext, current_llm_input: list[ChatMessage], tools: Sequence[AsyncBaseTool]
    ) -> ChatResponse:
        if self.stream_mode == "buffered":
            return await self._get_response(current_llm_input, tools)
        return await super()._get_streaming_response(ctx, await self._apin(current_llm_input), tools)

    async def _get_llm_response(
        self, ctx: Context, llm_input: list[ChatMessage], llm: LLM | None = None
    ) -> ChatResponse:
        return await super()._get_llm_response(ctx, await self._apin_in(ctx, llm_input), llm)


class PersonaReActAgent(_Guarded, ReActAgent):
    """A ``ReActAgent`` with the persona pinned (before the ReAct header) on every step.

    Parameters as :class:`PersonaFunctionAgent`; only final answers are observed (thoughts and tool
    actions are not shown to the user).
    """

    async def _visible_text(self, ctx: AgentContext, output: AgentOutput) -> str:
        if output.retry_messages:
            return ""
        reasoning = await ctx.store.get(self.reasoning_key, default=[])
        last = reasoning[-1] if reasoning else None
        return last.response if isinstance(last, ResponseReasoningStep) else ""

    def _steps_key(self) -> str:
        return self.reasoning_key

    async def _get_response(self, current_llm_input: list[ChatMessage]) -> ChatResponse:
        return await super()._get_response(await self._apin(current_llm_input))

    async def _get_streaming_response(
        self, ctx: AgentContext, current_llm_input: list[ChatMessage]
    ) -> ChatResponse:
        if self.stream_mode == "buffered":
            return await self._get_response(current_llm_input)
        return await super()._get_streaming_response(ctx, await self._apin(current_llm_input))

    async def _get_llm_response(
        self, ctx: Context, llm_input: list[ChatMessage], llm: LLM | None = None
    ) -> ChatResponse:
        return await super()._get_llm_response(ctx, await self._apin_in(ctx, llm_input), llm)
