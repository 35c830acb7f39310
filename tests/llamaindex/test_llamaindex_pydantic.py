"""Why soulkeeper-llamaindex pins ``pydantic<2.14``: LlamaIndex chat-store serialization round-trips below it."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("llama_index.core")

import pydantic
from llama_index.core.llms import ChatMessage
from llama_index.core.storage.chat_store import SimpleChatStore


def test_installed_pydantic_is_below_the_break() -> None:
    """The environment honours the pin (pydantic 2.14 rejects SimpleChatStore's serializer call)."""
    major, minor = (int(p) for p in pydantic.VERSION.split(".")[:2])
    assert (major, minor) < (2, 14)


def test_simple_chat_store_persistence_round_trips(tmp_path: Path) -> None:
    """SimpleChatStore.persist / from_persist_path keep every message (this raises under pydantic 2.14)."""
    store = SimpleChatStore()
    messages = [
        ChatMessage(role="user", content="Is the deployment healthy?"),
        ChatMessage(role="assistant", content="Hello, this is Mati. Every service is healthy."),
    ]
    store.set_messages("user-42", messages)
    path = tmp_path / "chat_store.json"
    store.persist(str(path))
    restored = SimpleChatStore.from_persist_path(str(path))
    assert [(m.role, m.content) for m in restored.get_messages("user-42")] == [
        (m.role, m.content) for m in messages
    ]
    assert store.model_dump_json()
