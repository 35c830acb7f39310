"""The public surface of soulkeeper_llamaindex and PersonaLLM's behaviour with completion-only models."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("llama_index.core")

import soulkeeper_llamaindex
from _llamaindex_support import MATI, persona_text, sqlite_memory
from llama_index.core.base.base_retriever import BaseRetriever
from llama_index.core.base.llms.types import CompletionResponse
from llama_index.core.chat_engine import ContextChatEngine
from llama_index.core.llms.mock import MockLLM
from llama_index.core.schema import NodeWithScore, QueryBundle, TextNode
from pydantic import PrivateAttr
from soulkeeper import PersonaGuard
from soulkeeper_llamaindex import PersonaLLM, guard_chat_engine


class RecordingMockLLM(MockLLM):
    """LlamaIndex's completion-only MockLLM, recording every prompt it completes."""

    _prompts: list[str] = PrivateAttr(default_factory=list)

    def complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponse:
        self._prompts.append(prompt)
        return CompletionResponse(text="Hello, this is Mati. The staging cluster is healthy.")


class OneNode(BaseRetriever):
    """Returns one fixed node."""

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        return [NodeWithScore(node=TextNode(text="Staging runs Kubernetes 1.31."), score=1.0)]


def test_public_names() -> None:
    """The package exports exactly its documented names."""
    assert soulkeeper_llamaindex.__all__ == [
        "CheckMode",
        "PersonaFunctionAgent",
        "PersonaLLM",
        "PersonaMemory",
        "PersonaMonitor",
        "PersonaReActAgent",
        "StreamMode",
        "attach_monitor",
        "detach_monitor",
        "guard_chat_engine",
    ]


async def test_completion_only_model_still_gets_the_persona_first(tmp_path: Path) -> None:
    """A completion-only MockLLM behind a ContextChatEngine receives a prompt that starts with the persona."""
    guard = PersonaGuard(MATI, store="memory://")
    llm = RecordingMockLLM()
    engine = ContextChatEngine.from_defaults(
        retriever=OneNode(), llm=llm, memory=sqlite_memory(tmp_path / "c.db", "completion")
    )
    guard_chat_engine(engine, guard, thread_id="completion")
    assert (await engine.achat("Which version?")).response.startswith("Hello, this is Mati.")
    assert len(llm._prompts) == 1
    prompt = llm._prompts[0]
    assert prompt.startswith("system: " + persona_text(guard))
    assert prompt.count("system: ") == 1
    assert "Staging runs Kubernetes 1.31." in prompt


def test_persona_llm_options_and_passthrough() -> None:
    """An unknown stream mode is refused; complete() passes through unpinned; metadata says chat model."""
    guard = PersonaGuard(MATI, store="memory://")
    with pytest.raises(ValueError, match="buffered"):
        PersonaLLM(MockLLM(), guard, stream_mode="later")  # type: ignore[arg-type]
    wrapped = PersonaLLM(MockLLM(), guard)
    assert wrapped.complete("plain prompt").text == "plain prompt"
    assert wrapped.metadata.is_chat_model
    assert wrapped.guard is guard
    assert wrapped.last_decision is None
