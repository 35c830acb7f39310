"""Shared helpers for the LlamaIndex adapter tests: recording fake models, replies, a recording memory block."""

from __future__ import annotations

import asyncio
import copy
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from llama_index.core.base.llms.types import (
    ChatMessage,
    ChatResponse,
    ChatResponseGen,
    CompletionResponse,
    CompletionResponseGen,
    LLMMetadata,
    MessageRole,
    ToolCallBlock,
)
from llama_index.core.llms.callbacks import llm_chat_callback, llm_completion_callback
from llama_index.core.llms.custom import CustomLLM
from llama_index.core.llms.mock import MockFunctionCallingLLM
from llama_index.core.memory import BaseMemoryBlock, Memory
from pydantic import PrivateAttr
from soulkeeper import PersonaGuard
from soulkeeper.testing import DriftingChatModel
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

ROOT = Path(__file__).resolve().parents[2]
MATI = ROOT / "examples" / "souls" / "mati"

CLEAN = (
    "Hello, this is Mati. Regarding the deployment, the recommended procedure is to verify the current "
    "state and then to apply the change in small, reversible increments."
)
FIXED = "Hello, this is Mati. The deployment has been verified; the logs show no errors."
DRIFTED = "Hey! 🎉 I'm Gemma, an AI assistant developed by Google. Deployment's done — super easy!"

Reply = Callable[[int, list[ChatMessage], dict[str, Any]], ChatMessage | str]


class ScriptedLLM(MockFunctionCallingLLM):
    """A function-calling mock that records every call's messages and answers from a script.

    ``reply(call_index, messages, kwargs)`` returns the reply text or a ``ChatMessage`` (tool calls).
    """

    _reply: Reply = PrivateAttr()
    _calls: list[list[ChatMessage]] = PrivateAttr(default_factory=list)

    def __init__(self, reply: Reply | None = None) -> None:
        super().__init__(response_generator=self._generate, is_chat_model=True)
        self._reply = reply or (lambda i, messages, kwargs: CLEAN)

    @property
    def calls(self) -> list[list[ChatMessage]]:
        """The messages of every model call, in order (deep copies)."""
        return self._calls

    def _generate(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatMessage:
        self._calls.append(copy.deepcopy(list(messages)))
        out = self._reply(len(self._calls) - 1, list(messages), kwargs)
        return out if isinstance(out, ChatMessage) else ChatMessage(role="assistant", content=out)


class DriftingLLM(CustomLLM):
    """``soulkeeper.testing.DriftingChatModel`` behind a LlamaIndex chat model, recording every call."""

    _model: DriftingChatModel = PrivateAttr()
    _calls: list[list[ChatMessage]] = PrivateAttr(default_factory=list)

    def __init__(self, model: DriftingChatModel) -> None:
        super().__init__()
        self._model = model

    @property
    def calls(self) -> list[list[ChatMessage]]:
        """The messages of every model call, in order."""
        return self._calls

    @property
    def metadata(self) -> LLMMetadata:
        return LLMMetadata(is_chat_model=True, context_window=32768)

    @llm_chat_callback()
    def chat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponse:
        self._calls.append(copy.deepcopy(list(messages)))
        return ChatResponse(message=ChatMessage(role="assistant", content=self._model.reply(list(messages))))

    @llm_chat_callback()
    def stream_chat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponseGen:
        text = self.chat(messages).message.content or ""

        def gen() -> ChatResponseGen:
            acc = ""
            for word in text.split(" "):
                delta = word if not acc else " " + word
                acc += delta
                yield ChatResponse(message=ChatMessage(role="assistant", content=acc), delta=delta)

        return gen()

    @llm_completion_callback()
    def complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponse:
        return CompletionResponse(text=prompt)

    @llm_completion_callback()
    def stream_complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponseGen:
        def gen() -> CompletionResponseGen:
            yield CompletionResponse(text=prompt, delta=prompt)

        return gen()


class RecordingBlock(BaseMemoryBlock[str]):
    """A memory block that records every message the memory archives into it (what it would summarize)."""

    _seen: list[ChatMessage] = PrivateAttr(default_factory=list)

    @property
    def seen(self) -> list[ChatMessage]:
        """Every message the memory flushed into this block."""
        return self._seen

    async def _aget(self, messages: list[ChatMessage] | None = None, **block_kwargs: Any) -> str:
        return f"{len(self._seen)} older messages archived."

    async def _aput(self, messages: list[ChatMessage]) -> None:
        self._seen.extend(messages)


def tool_call(name: str, call_id: str = "call-1") -> ChatMessage:
    """An assistant message asking for one tool call."""
    return ChatMessage(
        role="assistant", blocks=[ToolCallBlock(tool_call_id=call_id, tool_name=name, tool_kwargs={})]
    )


def persona_text(guard: PersonaGuard) -> str:
    """The packed persona every call must start with."""
    return guard.packed().text.strip()


def assert_pinned(calls: Sequence[Sequence[ChatMessage]], guard: PersonaGuard) -> None:
    """Every call has exactly one system message, at index 0, starting with the persona verbatim."""
    persona = persona_text(guard)
    assert calls, "the model was never called"
    for i, messages in enumerate(calls):
        roles = [m.role for m in messages]
        assert roles[0] == MessageRole.SYSTEM, f"call {i}: first message is {roles[0]}"
        assert roles.count(MessageRole.SYSTEM) == 1, (
            f"call {i}: {roles.count(MessageRole.SYSTEM)} system messages"
        )
        assert (messages[0].content or "").startswith(persona), f"call {i}: persona not verbatim first"


def has_reminder(messages: Sequence[ChatMessage]) -> bool:
    """Whether a call carried a re-anchor reminder."""
    return any("<persona-reminder>" in (m.content or "") for m in messages)


def sqlite_memory(path: Path, session_id: str, **options: Any) -> Memory:
    """A ``Memory`` persisted in an SQLite file (``sqlite+aiosqlite``), no pooled connections left open."""
    engine = create_async_engine(f"sqlite+aiosqlite:///{path}", poolclass=NullPool)
    return Memory.from_defaults(session_id=session_id, async_engine=engine, **options)


@pytest.fixture
def sync_loop() -> Iterator[asyncio.AbstractEventLoop]:
    """An event loop for sync tests, closed afterwards.

    LlamaIndex's sync ``Memory`` methods call ``asyncio.get_event_loop()``, which creates a loop that
    nobody closes; under ``filterwarnings=error`` the unclosed loop fails a later test.
    """
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    yield loop
    loop.close()
    asyncio.set_event_loop(None)
