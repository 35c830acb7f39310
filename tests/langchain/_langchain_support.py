"""Shared helpers for the LangChain adapter tests: a recording fake chat model and assertions."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from conftest import ROOT
from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage, SystemMessage, ToolMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from pydantic import Field
from soulkeeper.guard import text_of

SOULS = ROOT / "examples" / "souls"
MATI = SOULS / "mati"
YUKI = SOULS / "yuki"

Reply = str | AIMessage | Callable[[list[BaseMessage]], "str | AIMessage"]
DRIFTED = "Hey there!! 😀 I'm Gemma, an AI assistant made by Google! Happy to help!"
CLEAN = "Understood. The deployment is consistent with the documented configuration."


class RecordingChatModel(BaseChatModel):
    """A LangChain chat model that records every input and answers from a script.

    Each script item is a reply text, an ``AIMessage``, or a function of the input messages; after the
    script runs out, ``default`` answers. Streaming splits the reply into word chunks.
    """

    script: list[Any] = Field(default_factory=list)
    default: Any = CLEAN
    calls: list[list[BaseMessage]] = Field(default_factory=list)

    @property
    def _llm_type(self) -> str:
        return "recording-fake"

    def bind_tools(self, tools: Sequence[Any], **kwargs: Any) -> RecordingChatModel:  # type: ignore[override]
        """Tools are accepted and ignored (the script decides when to call them)."""
        return self

    def get_num_tokens(self, text: str) -> int:
        """Words, so no tokenizer download is ever needed."""
        return len(text.split())

    def _reply(self, messages: list[BaseMessage]) -> AIMessage:
        self.calls.append(list(messages))
        item = self.script.pop(0) if self.script else self.default
        if callable(item):
            item = item(list(messages))
        return item if isinstance(item, AIMessage) else AIMessage(content=item)

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        return ChatResult(generations=[ChatGeneration(message=self._reply(messages))])

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        reply = self._reply(messages)
        if reply.tool_calls:
            chunk = AIMessageChunk(
                content=reply.content,
                id=reply.id,
                tool_call_chunks=[
                    {"name": c["name"], "args": json.dumps(c["args"]), "id": c["id"], "index": i}
                    for i, c in enumerate(reply.tool_calls)
                ],
            )
            yield ChatGenerationChunk(message=chunk)
            return
        words = text_of(reply.content).split(" ")
        for i, word in enumerate(words):
            token = word if i == len(words) - 1 else word + " "
            chunk = ChatGenerationChunk(message=AIMessageChunk(content=token, id=reply.id))
            if run_manager is not None:
                run_manager.on_llm_new_token(token, chunk=chunk)
            yield chunk


def system_text(call: Sequence[BaseMessage]) -> str:
    """The text of a call's first message (asserting it is a system message)."""
    assert isinstance(call[0], SystemMessage), f"first message is {type(call[0]).__name__}"
    return text_of(call[0].content)


def assert_persona_first(calls: Sequence[Sequence[BaseMessage]], persona: str) -> None:
    """Every call: exactly one system message, at index 0, starting with the persona verbatim."""
    assert calls, "the model was never called"
    for n, call in enumerate(calls):
        assert system_text(call).startswith(persona), f"call {n}: persona not first"
        assert sum(isinstance(m, SystemMessage) for m in call) == 1, f"call {n}: more than one system message"


def assert_tool_pairs_intact(call: Sequence[BaseMessage]) -> None:
    """Every AIMessage with tool calls is followed directly by one ToolMessage per call."""
    for i, message in enumerate(call):
        if isinstance(message, AIMessage) and message.tool_calls:
            ids = {c["id"] for c in message.tool_calls}
            following = call[i + 1 : i + 1 + len(ids)]
            assert all(isinstance(m, ToolMessage) for m in following), "tool exchange split"
            assert {m.tool_call_id for m in following if isinstance(m, ToolMessage)} == ids
