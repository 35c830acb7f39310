"""``PersonaModelClient``: a ``ChatCompletionClient`` wrapper that checks every reply for persona drift.

Every ``create``/``create_stream`` result is checked by the guard: by default on the guard's worker
thread after the result is returned (:meth:`soulkeeper.PersonaGuard.observe_later`), so the agent never
waits for the detectors; the thread's next ``prepare`` waits for the check. The decision is recorded
(``last_decision``, ``on_decision``); a re-anchor lands in the guard's thread state, which the next
``prepare`` (the persona context, or this client) carries out; a ``retry`` decision (only with
``Policy(allow_retry=True)``, which checks inline) calls the model again right away with the re-anchored
input, and the agent only ever sees the accepted reply.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncGenerator, Callable, Mapping, Sequence
from typing import Any, Literal, Self

from autogen_core import CancellationToken, Component, ComponentModel
from autogen_core.models import (
    ChatCompletionClient,
    CreateResult,
    LLMMessage,
    ModelCapabilities,
    ModelInfo,
    RequestUsage,
)
from autogen_core.tools import Tool, ToolSchema
from pydantic import BaseModel
from soulkeeper.guard import Decision, PersonaGuard, SoulOrGuard
from soulkeeper.guard._policy import CheckMode, check_mode

from soulkeeper_autogen._config import (
    GuardConfig,
    build_guard,
    default_thread_id,
    guard_config,
    resolve,
)
from soulkeeper_autogen._context import PersonaChatCompletionContext
from soulkeeper_autogen._convert import Converter, from_guard, last_user_text, to_guard

__all__ = ["PersonaModelClient", "PersonaModelClientConfig", "StreamMode"]

logger = logging.getLogger("soulkeeper.autogen")

StreamMode = Literal["live", "buffer"]
ToolChoice = Tool | Literal["auto", "required", "none"]


class PersonaModelClientConfig(BaseModel):
    """Declarative config of :class:`PersonaModelClient`."""

    client: ComponentModel
    guard: GuardConfig
    thread_id: str
    stream: StreamMode = "live"
    pin: bool = True
    check: CheckMode = "auto"


class PersonaModelClient(ChatCompletionClient, Component[PersonaModelClientConfig]):
    """Wraps a model client: pins the persona in every call, observes every reply, retries drifted ones.

    :param client: the real model client (OpenAI, Anthropic, Ollama, a replay client…).
    :param soul_or_guard: a :class:`PersonaChatCompletionContext` (its guard and thread id are shared), a
        :class:`~soulkeeper.PersonaGuard`, a :class:`~soulkeeper.Soul` or a persona package path (then
        ``guard_options`` build the guard).
    :param thread_id: the conversation's id in the guard's store (default: the context's, else
        ``autogen:<persona name>``).
    :param stream: ``"live"`` passes ``create_stream`` chunks through as they come and checks the reply
        at the end (a retried reply replaces the final result, but the drifted chunks were already
        shown); ``"buffer"`` holds the chunks until the reply is checked and streams only the accepted one.
    :param check: ``"background"``: the result goes back at once and the guard's worker checks it (the
        thread's next ``prepare`` waits for the check, so its verdict is acted on exactly as an inline
        check's; :attr:`last_decision` waits for it too); ``"inline"``: checked before the result is
        returned. ``"auto"`` (default) is ``"background"`` unless ``stream="buffer"`` or the guard's
        policy allows retries (both act on the verdict before the reply is released).
    :param pin: also run every input through the guard (one system message, persona first), so calls
        that bypass the persona context (another context, the reflection step) are pinned too. The
        guard's own output passes through unchanged.
    :param on_decision: called with every :class:`~soulkeeper.guard.Decision`.

    Replies made only of function calls, and replies to ``json_output`` requests (structured output),
    are not checked: they are not the persona's prose.
    """

    component_type = "model"
    component_config_schema = PersonaModelClientConfig
    component_provider_override = "soulkeeper_autogen.PersonaModelClient"

    def __init__(
        self,
        client: ChatCompletionClient,
        soul_or_guard: SoulOrGuard | PersonaChatCompletionContext,
        *,
        thread_id: str | None = None,
        stream: StreamMode = "live",
        pin: bool = True,
        check: CheckMode = "auto",
        on_decision: Callable[[Decision], None] | None = None,
        **guard_options: Any,
    ) -> None:
        if stream not in ("live", "buffer"):
            raise ValueError(f'stream must be "live" or "buffer", got {stream!r}')
        if isinstance(soul_or_guard, PersonaChatCompletionContext):
            if guard_options:
                raise TypeError("guard options apply only when building a guard, not to a persona context")
            self.guard, self._store_url = soul_or_guard.guard, soul_or_guard._store_url
            self._owns_guard = soul_or_guard._owns_guard
            thread_id = thread_id or soul_or_guard.thread_id
        else:
            self.guard, self._store_url = resolve(soul_or_guard, guard_options)
            self._owns_guard = not isinstance(soul_or_guard, PersonaGuard)
        self.client = client
        self._context = soul_or_guard if isinstance(soul_or_guard, PersonaChatCompletionContext) else None
        self._convert = Converter()
        self.thread_id = thread_id or default_thread_id(self.guard)
        if isinstance(client, PersonaModelClient) and client.thread_id == self.thread_id:
            raise ValueError(
                f"{self.thread_id}: the client is already a PersonaModelClient for this thread; wrapping it "
                "again would check every reply twice"
            )
        self.stream = stream
        self.pin = pin
        self.on_decision = on_decision
        self.check = check_mode(
            check, self.guard.policy, buffered=stream == "buffer", where="", buffer_option='stream="buffer"'
        )
        self._check_option: CheckMode = check
        self._last: Decision | None = None

    @property
    def last_decision(self) -> Decision | None:
        """The decision about the latest checked reply (waits for a background check still running)."""
        self.guard.wait_for_checks(thread_id=self.thread_id)
        return self._last

    # ------------------------------------------------------------------ the guard around each call

    async def _prepare(self, messages: Sequence[LLMMessage], attempt: int) -> Sequence[LLMMessage]:
        if not self.pin and attempt == 0:
            return messages
        context = self._context
        if attempt == 0 and context is not None and context.prepared_here(messages, self.thread_id):
            return messages  # the persona context prepared exactly these just now: preparing is idempotent
        converted, origin = to_guard(messages, self._convert)
        return from_guard(await self.guard.aprepare(self.thread_id, converted), origin, self._convert)

    async def _observe(
        self, result: CreateResult, user_text: str | None, attempt: int, json_output: object
    ) -> Decision | None:
        if not isinstance(result.content, str) or json_output:  # function calls, JSON: not persona prose
            return None
        if self.check == "background":
            self.guard.observe_later(self.thread_id, result.content, user_text=user_text, then=self._decided)
            return None
        decision = await self.guard.aobserve(
            self.thread_id, result.content, user_text=user_text, attempt=attempt
        )
        self._decided(decision)
        return decision

    def _decided(self, decision: Decision) -> None:
        self._last = decision
        if decision.action != "ok":
            logger.info("%s turn %d: %s (%s)", self.thread_id, decision.turn, decision.action, decision.level)
        if self.on_decision is not None:
            self.on_decision(decision)

    @staticmethod
    def _again(decision: Decision | None) -> bool:
        """The guard says ``retry`` only while ``attempt < policy.max_retries``: no second cap here."""
        return decision is not None and decision.action == "retry"

    async def create(
        self,
        messages: Sequence[LLMMessage],
        *,
        tools: Sequence[Tool | ToolSchema] = [],
        tool_choice: ToolChoice = "auto",
        json_output: bool | type[BaseModel] | None = None,
        extra_create_args: Mapping[str, Any] = {},
        cancellation_token: CancellationToken | None = None,
    ) -> CreateResult:
        """Call the model with the persona pinned, check the reply, and retry when the guard says so."""
        user_text = last_user_text(messages)
        attempt = 0
        while True:
            result = await self.client.create(
                await self._prepare(messages, attempt),
                tools=tools,
                tool_choice=tool_choice,
                json_output=json_output,
                extra_create_args=extra_create_args,
                cancellation_token=cancellation_token,
            )
            decision = await self._observe(result, user_text, attempt, json_output)
            if not self._again(decision):
                return result
            attempt += 1

    async def create_stream(
        self,
        messages: Sequence[LLMMessage],
        *,
        tools: Sequence[Tool | ToolSchema] = [],
        tool_choice: ToolChoice = "auto",
        json_output: bool | type[BaseModel] | None = None,
        extra_create_args: Mapping[str, Any] = {},
        cancellation_token: CancellationToken | None = None,
    ) -> AsyncGenerator[str | CreateResult, None]:
        """Stream the reply (``"live"``) or hold it until checked (``"buffer"``), then the final result."""
        user_text = last_user_text(messages)
        attempt = 0
        while True:
            chunks: list[str] = []
            result: CreateResult | None = None
            async for item in self.client.create_stream(
                await self._prepare(messages, attempt),
                tools=tools,
                tool_choice=tool_choice,
                json_output=json_output,
                extra_create_args=extra_create_args,
                cancellation_token=cancellation_token,
            ):
                if isinstance(item, CreateResult):
                    result = item
                elif self.stream == "live" and attempt == 0:
                    yield item
                else:
                    chunks.append(item)
            if result is None:
                raise RuntimeError("the wrapped model client's stream ended without a CreateResult")
            decision = await self._observe(result, user_text, attempt, json_output)
            if not self._again(decision):
                break
            attempt += 1
        if self.stream == "buffer":
            for chunk in chunks:
                yield chunk
        yield result

    # ------------------------------------------------------------------ pass-through

    async def close(self) -> None:
        """Close the wrapped client, and the guard when it was built from a soul (here or by the context).

        A guard passed in ready-made is left open: whoever created it closes it.
        """
        await self.client.close()
        if self._owns_guard:
            await self.guard.aclose()

    def actual_usage(self) -> RequestUsage:
        """The wrapped client's usage of its last call (a retry is a call of its own)."""
        return self.client.actual_usage()

    def total_usage(self) -> RequestUsage:
        """The wrapped client's total usage, retries included."""
        return self.client.total_usage()

    def count_tokens(self, messages: Sequence[LLMMessage], *, tools: Sequence[Tool | ToolSchema] = []) -> int:
        """Token count by the wrapped client."""
        return self.client.count_tokens(messages, tools=tools)

    def remaining_tokens(
        self, messages: Sequence[LLMMessage], *, tools: Sequence[Tool | ToolSchema] = []
    ) -> int:
        """Remaining tokens by the wrapped client."""
        return self.client.remaining_tokens(messages, tools=tools)

    @property
    def capabilities(self) -> ModelCapabilities:
        """The wrapped client's capabilities (deprecated in AutoGen; use :attr:`model_info`)."""
        return self.client.capabilities

    @property
    def model_info(self) -> ModelInfo:
        """The wrapped client's model info."""
        return self.client.model_info

    # ------------------------------------------------------------------ component config

    def _to_config(self) -> PersonaModelClientConfig:
        return PersonaModelClientConfig(
            client=self.client.dump_component(),
            guard=guard_config(self.guard, store=self._store_url),
            thread_id=self.thread_id,
            stream=self.stream,
            pin=self.pin,
            check=self._check_option,
        )

    @classmethod
    def _from_config(cls, config: PersonaModelClientConfig) -> Self:
        client = cls(
            ChatCompletionClient.load_component(config.client),
            build_guard(config.guard),
            thread_id=config.thread_id,
            stream=config.stream,
            pin=config.pin,
            check=config.check,
        )
        client._owns_guard, client._store_url = True, config.guard.store
        return client
