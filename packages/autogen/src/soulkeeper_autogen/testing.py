"""``DriftingChatCompletionClient``: soulkeeper's drifting-model SIMULATION as an AutoGen model client.

For trying a guarded AutoGen setup offline. It wraps :class:`soulkeeper.testing.DriftingChatModel`, a
seeded simulation (not a language model) whose persona adherence decays with distance from the persona
and recovers after a re-anchor; its numbers say nothing about any real model. Every call's messages are
recorded in :attr:`DriftingChatCompletionClient.calls`.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Mapping, Sequence
from typing import Any, Literal

from autogen_core import CancellationToken
from autogen_core.models import (
    AssistantMessage,
    ChatCompletionClient,
    CreateResult,
    FunctionExecutionResultMessage,
    LLMMessage,
    ModelCapabilities,
    ModelFamily,
    ModelInfo,
    RequestUsage,
    SystemMessage,
)
from autogen_core.tools import Tool, ToolSchema
from pydantic import BaseModel
from soulkeeper.spec import Soul
from soulkeeper.testing import DriftingChatModel

__all__ = ["DriftingChatCompletionClient"]

_ROLES = {SystemMessage: "system", AssistantMessage: "assistant", FunctionExecutionResultMessage: "tool"}


def _as_dict(message: LLMMessage) -> dict[str, Any]:
    content = message.content
    if isinstance(content, list):
        content = "\n".join(part for part in content if isinstance(part, str))
    return {"role": _ROLES.get(type(message), "user"), "content": content}


class DriftingChatCompletionClient(ChatCompletionClient):
    """An AutoGen model client answering with the drifting-persona simulation (see the module docstring).

    :param soul: the persona the simulated model is meant to play.
    :param options: passed to :class:`~soulkeeper.testing.DriftingChatModel` (``seed``, ``recede_tokens``…).
    """

    def __init__(self, soul: Soul, **options: Any) -> None:
        self.model = DriftingChatModel(soul, **options)
        self.calls: list[list[LLMMessage]] = []
        self._last = RequestUsage(prompt_tokens=0, completion_tokens=0)
        self._total = RequestUsage(prompt_tokens=0, completion_tokens=0)
        self._info = ModelInfo(
            vision=False,
            function_calling=False,
            json_output=False,
            family=ModelFamily.UNKNOWN,
            structured_output=False,
        )

    async def create(
        self,
        messages: Sequence[LLMMessage],
        *,
        tools: Sequence[Tool | ToolSchema] = [],
        tool_choice: Tool | Literal["auto", "required", "none"] = "auto",
        json_output: bool | type[BaseModel] | None = None,
        extra_create_args: Mapping[str, Any] = {},
        cancellation_token: CancellationToken | None = None,
    ) -> CreateResult:
        """The simulation's reply to ``messages``."""
        self.calls.append(list(messages))
        text = self.model.reply([_as_dict(m) for m in messages])
        self._last = RequestUsage(
            prompt_tokens=self.count_tokens(messages), completion_tokens=len(text.split())
        )
        self._total = RequestUsage(
            prompt_tokens=self._total.prompt_tokens + self._last.prompt_tokens,
            completion_tokens=self._total.completion_tokens + self._last.completion_tokens,
        )
        return CreateResult(finish_reason="stop", content=text, usage=self._last, cached=False)

    async def create_stream(
        self,
        messages: Sequence[LLMMessage],
        *,
        tools: Sequence[Tool | ToolSchema] = [],
        tool_choice: Tool | Literal["auto", "required", "none"] = "auto",
        json_output: bool | type[BaseModel] | None = None,
        extra_create_args: Mapping[str, Any] = {},
        cancellation_token: CancellationToken | None = None,
    ) -> AsyncGenerator[str | CreateResult, None]:
        """The reply word by word, then the :class:`CreateResult`."""
        result = await self.create(messages)
        assert isinstance(result.content, str)
        for word in result.content.split(" "):
            yield word + " "
        yield result

    async def close(self) -> None:
        """Nothing to close."""

    def actual_usage(self) -> RequestUsage:
        """Usage of the last call (words)."""
        return self._last

    def total_usage(self) -> RequestUsage:
        """Usage of every call (words)."""
        return self._total

    def count_tokens(self, messages: Sequence[LLMMessage], *, tools: Sequence[Tool | ToolSchema] = []) -> int:
        """Whitespace-separated words, a rough stand-in for tokens."""
        return sum(len(str(_as_dict(m)["content"]).split()) for m in messages)

    def remaining_tokens(
        self, messages: Sequence[LLMMessage], *, tools: Sequence[Tool | ToolSchema] = []
    ) -> int:
        """A 128k-word window minus the input."""
        return 128_000 - self.count_tokens(messages)

    @property
    def capabilities(self) -> ModelCapabilities:
        """Deprecated in AutoGen: the model info."""
        capabilities: ModelCapabilities = {"vision": False, "function_calling": False, "json_output": False}
        return capabilities

    @property
    def model_info(self) -> ModelInfo:
        """No vision, no tools, no JSON mode."""
        return self._info
