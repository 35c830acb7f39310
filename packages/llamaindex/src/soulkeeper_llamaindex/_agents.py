"""``PersonaFunctionAgent`` and ``PersonaReActAgent``: workflow agents with the persona pinned per step.

Every model call of the agent gets exactly one leading system message: the persona first, then the
agent's ``system_prompt`` (or the ReAct header that carries it), then any system content of the memory
(memory blocks), merged. After each step with text the user can see, the reply is observed; a ``retry``
decision removes the drifted message from the agent's scratchpad (``ctx.store``) and takes the step again,
re-anchored. ``stream_mode="buffered"`` holds a step's output back until it has been checked, so a drifted
answer never reaches the event stream; the default streams tokens as they come and re-anchors the next step.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from llama_index.core.agent.react.types import ResponseReasoningStep
from llama_index.core.agent.workflow import AgentOutput, AgentStream, FunctionAgent, ReActAgent
from llama_index.core.agent.workflow.agent_context import AgentContext
from llama_index.core.base.llms.types import ChatMessage, ChatResponse
from llama_index.core.bridge.pydantic import Field, PrivateAttr
from llama_index.core.llms.llm import LLM
from llama_index.core.memory import BaseMemory
from llama_index.core.tools import AsyncBaseTool
from llama_index.core.workflow import Context
from soulkeeper.guard import Decision, PersonaGuard, as_guard
from soulkeeper.spec import Soul

from soulkeeper_llamaindex._llm import StreamMode
from soulkeeper_llamaindex._pin import apin

__all__ = ["PersonaFunctionAgent", "PersonaReActAgent"]

SoulOrGuard = PersonaGuard | Soul | str | os.PathLike[str]


class _Guarded:
    """The step logic both agents share (a mixin placed before the LlamaIndex agent class)."""

    thread_id: str
    stream_mode: StreamMode
    name: str
    streaming: bool
    _guard: PersonaGuard
    _on_decision: Callable[[Decision], Any] | None
    _last: Decision | None

    def _attach(
        self,
        soul_or_guard: SoulOrGuard,
        on_decision: Callable[[Decision], Any] | None,
        guard_options: Mapping[str, Any] | None,
    ) -> None:
        if self.stream_mode not in ("stream", "buffered"):
            raise ValueError(f'stream_mode must be "stream" or "buffered", got {self.stream_mode!r}')
        self._guard = as_guard(soul_or_guard, **dict(guard_options or {}))
        self._on_decision = on_decision

    @property
    def guard(self) -> PersonaGuard:
        """The guard pinning the persona."""
        return self._guard

    @property
    def last_decision(self) -> Decision | None:
        """The decision about the latest observed step (``None`` before the first one)."""
        return self._last

    async def _apin(self, messages: Sequence[ChatMessage]) -> list[ChatMessage]:
        return await apin(self._guard, self.thread_id, messages)

    async def _visible_text(self, ctx: AgentContext, output: AgentOutput) -> str:
        """The text of this step the user would see ("" for tool calls and parse retries)."""
        return "" if output.retry_messages else output.response.content or ""

    async def _discard(self, ctx: AgentContext) -> None:
        """Remove the drifted step's message from the scratchpad."""
        raise NotImplementedError

    async def _guarded_step(self, ctx: AgentContext, take: Callable[[], Any]) -> AgentOutput:
        attempt = 0
        while True:
            output: AgentOutput = await take()
            text = await self._visible_text(ctx, output)
            if text.strip():
                user = await ctx.store.get("user_msg_str", default=None)
                decision = await self._guard.aobserve(
                    self.thread_id, text, user_text=user if isinstance(user, str) else None, attempt=attempt
                )
                self._last = decision
                if self._on_decision is not None:
                    self._on_decision(decision)
                if decision.action == "retry":
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
    :param thread_id: the soulkeeper thread (one conversation).
    :param stream_mode: ``"stream"`` (default) or ``"buffered"`` (each step checked before it is
        written to the event stream as one ``AgentStream`` event).
    :param on_decision: called with every :class:`~soulkeeper.Decision`.
    :param guard_options: passed to :class:`~soulkeeper.PersonaGuard` when given a soul.
    :param agent_options: everything ``FunctionAgent`` takes (``tools``, ``llm``, ``system_prompt``, ...).
    """

    thread_id: str = Field(default="default", description="The soulkeeper thread id.")
    stream_mode: StreamMode = Field(default="stream", description="'stream' or 'buffered'.")
    _guard: PersonaGuard = PrivateAttr()
    _on_decision: Callable[[Decision], Any] | None = PrivateAttr(default=None)
    _last: Decision | None = PrivateAttr(default=None)

    def __init__(
        self,
        soul_or_guard: SoulOrGuard,
        *,
        thread_id: str = "default",
        stream_mode: StreamMode = "stream",
        on_decision: Callable[[Decision], Any] | None = None,
        guard_options: Mapping[str, Any] | None = None,
        **agent_options: Any,
    ) -> None:
        super().__init__(thread_id=thread_id, stream_mode=stream_mode, **agent_options)
        self._attach(soul_or_guard, on_decision, guard_options)

    async def take_step(
        self,
        ctx: AgentContext,
        llm_input: list[ChatMessage],
        tools: Sequence[AsyncBaseTool],
        memory: BaseMemory,
    ) -> AgentOutput:
        """One guarded step: observed, and retried without the drifted message when the policy allows."""
        return await self._guarded_step(
            ctx, lambda: FunctionAgent.take_step(self, ctx, llm_input, tools, memory)
        )

    async def _discard(self, ctx: AgentContext) -> None:
        scratchpad: list[ChatMessage] = await ctx.store.get(self.scratchpad_key, default=[])
        if scratchpad:
            scratchpad.pop()
            await ctx.store.set(self.scratchpad_key, scratchpad)

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
        return await super()._get_llm_response(ctx, await self._apin(llm_input), llm)


class PersonaReActAgent(_Guarded, ReActAgent):
    """A ``ReActAgent`` with the persona pinned (before the ReAct header) on every step.

    Parameters as :class:`PersonaFunctionAgent`; only final answers are observed (thoughts and tool
    actions are not shown to the user).
    """

    thread_id: str = Field(default="default", description="The soulkeeper thread id.")
    stream_mode: StreamMode = Field(default="stream", description="'stream' or 'buffered'.")
    _guard: PersonaGuard = PrivateAttr()
    _on_decision: Callable[[Decision], Any] | None = PrivateAttr(default=None)
    _last: Decision | None = PrivateAttr(default=None)

    def __init__(
        self,
        soul_or_guard: SoulOrGuard,
        *,
        thread_id: str = "default",
        stream_mode: StreamMode = "stream",
        on_decision: Callable[[Decision], Any] | None = None,
        guard_options: Mapping[str, Any] | None = None,
        **agent_options: Any,
    ) -> None:
        super().__init__(thread_id=thread_id, stream_mode=stream_mode, **agent_options)
        self._attach(soul_or_guard, on_decision, guard_options)

    async def take_step(
        self,
        ctx: AgentContext,
        llm_input: list[ChatMessage],
        tools: Sequence[AsyncBaseTool],
        memory: BaseMemory,
    ) -> AgentOutput:
        """One guarded step: final answers observed, and retried when the policy allows."""
        return await self._guarded_step(
            ctx, lambda: ReActAgent.take_step(self, ctx, llm_input, tools, memory)
        )

    async def _visible_text(self, ctx: AgentContext, output: AgentOutput) -> str:
        if output.retry_messages:
            return ""
        reasoning = await ctx.store.get(self.reasoning_key, default=[])
        last = reasoning[-1] if reasoning else None
        return last.response if isinstance(last, ResponseReasoningStep) else ""

    async def _discard(self, ctx: AgentContext) -> None:
        reasoning: list[Any] = await ctx.store.get(self.reasoning_key, default=[])
        if reasoning:
            reasoning.pop()
            await ctx.store.set(self.reasoning_key, reasoning)

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
        return await super()._get_llm_response(ctx, await self._apin(llm_input), llm)
