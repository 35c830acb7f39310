"""Chat models for ``soulkeeper eval``: any LangChain ``init_chat_model`` spec as a plain function.

``soulkeeper eval --model SPEC`` calls :func:`chat_function` for every spec other than ``fake:drifting``.
``openai:gpt-4o-mini``, ``anthropic:claude-...``, ``ollama:llama3.2`` work as in LangChain (each needs its
provider package, e.g. ``pip install "soulkeeper-langchain[openai]"``). With ``base_url`` the model is
served by any OpenAI-compatible server (vLLM, llama.cpp server, LM Studio, Ollama's ``/v1``); a spec
without a provider prefix then means ``openai:``, and without ``OPENAI_API_KEY`` the key sent is ``EMPTY``.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from langchain.chat_models import init_chat_model
from langchain_core.language_models import BaseChatModel

__all__ = ["chat_function", "init_model"]


def init_model(spec: str, *, base_url: str | None = None, **kwargs: Any) -> BaseChatModel:
    """The LangChain chat model for ``spec`` (``provider:model``), pointed at ``base_url`` when given."""
    if base_url is not None:
        if ":" not in spec:
            spec = f"openai:{spec}"
        kwargs["base_url"] = base_url
        if spec.startswith("openai:") and not os.environ.get("OPENAI_API_KEY"):
            kwargs.setdefault("api_key", "EMPTY")  # local servers (vLLM, llama.cpp, Ollama) ignore it
    model = init_chat_model(spec, **kwargs)
    if not isinstance(model, BaseChatModel):  # a configurable model only when no model name was given
        raise ValueError(f"model spec {spec!r} names no model (expected provider:model)")
    return model


class _Chat:
    """A LangChain chat model as ``messages -> text``; ``last_usage`` is the model's own token count."""

    def __init__(self, model: BaseChatModel) -> None:
        self.model = model
        self.last_usage: dict[str, int] | None = None

    def __call__(self, messages: list[dict[str, str]]) -> str:
        reply = self.model.invoke(messages)
        usage = getattr(reply, "usage_metadata", None)
        self.last_usage = (
            {"input_tokens": int(usage["input_tokens"]), "output_tokens": int(usage["output_tokens"])}
            if usage
            else None
        )
        return str(reply.text)


def chat_function(
    spec: str, *, base_url: str | None = None, **kwargs: Any
) -> Callable[[list[dict[str, str]]], str]:
    """``messages -> reply text`` for ``spec``: role/content dicts in, the reply's text out.

    After each call the function's ``last_usage`` holds the token counts the provider reported
    (``{"input_tokens", "output_tokens"}``), or ``None``; ``soulkeeper eval`` reports them beside its own
    counts.
    """
    return _Chat(init_model(spec, base_url=base_url, **kwargs))
