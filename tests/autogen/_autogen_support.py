"""Shared helpers of the AutoGen adapter tests: souls, a recording replay client, pinning assertions."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Mapping, Sequence
from pathlib import Path
from typing import Any

from autogen_agentchat.agents import AssistantAgent
from autogen_agentchat.messages import TextMessage
from autogen_core import CancellationToken
from autogen_core.model_context import ChatCompletionContext
from autogen_core.models import ChatCompletionClient, CreateResult, LLMMessage, SystemMessage
from autogen_ext.models.replay import ReplayChatCompletionClient
from soulkeeper import PersonaGuard, Policy
from soulkeeper_autogen import PersonaChatCompletionContext, PersonaModelClient

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "souls"
MATI = EXAMPLES / "mati"
HANEUL = EXAMPLES / "haneul"

MATI_GREETING = (
    "Hello, this is Mati. The deployment can be reviewed now; the current state will be checked first."
)
MATI_CLEAN = (
    "Understood. Regarding item {i}, the recent changes should be examined first and compared against the "
    "documented behaviour; a written summary will follow."
)
MATI_DRIFTED = "Hey there!!! 😀 I'm Gemma, an AI assistant developed by Google. Awesome question, lol."
HANEUL_GREETING = "안녕! 나 하늘이야. 배포 얘기지? 먼저 지금 상태부터 확인해 보자."
HANEUL_CLEAN = "알겠어. {i}번 얘기지? 최근 변경부터 보면 돼. 내가 정리해서 다시 말해 줄게."


def mati_replies(n: int) -> list[str]:
    """``n`` in-persona Mati replies: the greeting, then clean formal answers."""
    return [MATI_GREETING, *(MATI_CLEAN.format(i=i) for i in range(1, n))]


def haneul_replies(n: int) -> list[str]:
    """``n`` in-persona Haneul replies (Korean, casual speech level)."""
    return [HANEUL_GREETING, *(HANEUL_CLEAN.format(i=i) for i in range(1, n))]


def guard(soul: Path = MATI, *, store: str = "memory://", **policy: Any) -> PersonaGuard:
    """A guard on an example soul (memory store unless told otherwise)."""
    return PersonaGuard(soul, store=store, policy=Policy(**policy))


class RecordingReplayClient(ReplayChatCompletionClient):
    """The replay client, also recording the messages of ``create_stream`` calls in ``create_calls``."""

    async def create_stream(
        self, messages: Sequence[LLMMessage], **kwargs: Any
    ) -> AsyncGenerator[str | CreateResult, None]:
        self.create_calls.append({"messages": messages, **kwargs})
        async for item in super().create_stream(messages, **kwargs):
            yield item


def calls_of(client: ReplayChatCompletionClient) -> list[list[LLMMessage]]:
    """The messages of every model call the client recorded."""
    return [list(call["messages"]) for call in client.create_calls]


def assert_pinned(calls: Sequence[Sequence[LLMMessage]], persona: str, *, absent: Sequence[str] = ()) -> None:
    """Every call starts with one system message holding ``persona`` verbatim at its start, and only one."""
    assert calls, "no model call was recorded"
    for n, messages in enumerate(calls):
        first = messages[0]
        assert isinstance(first, SystemMessage), f"call {n}: first message is {type(first).__name__}"
        assert first.content.startswith(persona), f"call {n}: the persona is not verbatim at the start"
        systems = sum(isinstance(m, SystemMessage) for m in messages)
        assert systems == 1, f"call {n}: {systems} system messages"
        for other in absent:
            assert other not in first.content, f"call {n}: another persona leaked into the system message"


def make_agent(
    name: str,
    client: ChatCompletionClient,
    context: PersonaChatCompletionContext,
    *,
    wrap: bool = True,
    **options: Any,
) -> AssistantAgent:
    """An ``AssistantAgent`` carrying the persona in its context (and the guard around its client)."""
    model_client = PersonaModelClient(client, context) if wrap else client
    return AssistantAgent(
        name, model_client=model_client, model_context=context, system_message=None, **options
    )


async def chat(agent: AssistantAgent, text: str) -> str:
    """One user turn; the agent's reply text."""
    response = await agent.on_messages([TextMessage(content=text, source="user")], CancellationToken())
    message = response.chat_message
    assert isinstance(message, TextMessage)
    return message.content


def inner_of(context: ChatCompletionContext) -> ChatCompletionContext:
    """The inner context of a persona context."""
    assert isinstance(context, PersonaChatCompletionContext)
    return context.inner


def system_text(messages: Sequence[LLMMessage]) -> str:
    """The first message's content (the one system message)."""
    first = messages[0]
    assert isinstance(first, SystemMessage)
    return first.content


def as_mapping(state: Mapping[str, Any]) -> dict[str, Any]:
    """A deep-ish copy of saved state through JSON (what an app would persist)."""
    import json

    return dict(json.loads(json.dumps(state)))
