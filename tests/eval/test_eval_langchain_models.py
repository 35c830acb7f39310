"""soulkeeper_langchain.eval: LangChain specs and OpenAI-compatible base URLs as eval chat functions."""

from __future__ import annotations

import pytest

pytest.importorskip("langchain_openai")

from langchain_openai import ChatOpenAI
from soulkeeper_langchain.eval import chat_function, init_model


def test_base_url_without_provider_means_openai(monkeypatch: pytest.MonkeyPatch) -> None:
    """A bare model name with --base-url is an OpenAI-compatible ChatOpenAI on that URL, with a placeholder key when none is set."""
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    model = init_model("Qwen/Qwen2.5-7B-Instruct", base_url="http://127.0.0.1:8000/v1")
    assert isinstance(model, ChatOpenAI)
    assert model.model_name == "Qwen/Qwen2.5-7B-Instruct"
    assert model.openai_api_base == "http://127.0.0.1:8000/v1"
    assert model.openai_api_key is not None
    assert model.openai_api_key.get_secret_value() == "EMPTY"


def test_an_explicit_key_is_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    """With OPENAI_API_KEY set, that key is used, not the placeholder."""
    monkeypatch.setenv("OPENAI_API_KEY", "sk-from-env")
    model = init_model("openai:gpt-4o-mini", base_url="http://127.0.0.1:8000/v1")
    assert isinstance(model, ChatOpenAI)
    assert model.openai_api_key is not None
    assert model.openai_api_key.get_secret_value() == "sk-from-env"


def test_chat_function_starts_without_usage(monkeypatch: pytest.MonkeyPatch) -> None:
    """The chat function is callable and has no usage until it has been called."""
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    chat = chat_function("openai:gpt-4o-mini")
    assert callable(chat)
    assert getattr(chat, "last_usage", "missing") is None
