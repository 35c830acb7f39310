"""Turn a model spec (``fake:drifting`` or a LangChain ``init_chat_model`` string) into a chat function."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from soulkeeper.errors import MissingExtraError
from soulkeeper.evaluate._runner import ModelCallError
from soulkeeper.spec import Soul

__all__ = ["FAKE_DRIFTING", "resolve_chat"]

FAKE_DRIFTING = "fake:drifting"

ChatFn = Callable[[list[dict[str, str]]], str]


def resolve_chat(
    spec: str, soul: Soul, *, base_url: str | None = None, seed: int = 7, **kwargs: Any
) -> Callable[[], ChatFn]:
    """A factory of chat functions for ``spec``.

    ``fake:drifting`` is :class:`soulkeeper.testing.DriftingChatModel` (offline, seeded; each call of the
    factory starts a fresh simulation). Anything else goes to ``soulkeeper_langchain.eval.chat_function``
    (LangChain's ``init_chat_model``, e.g. ``openai:gpt-4o-mini``, ``ollama:llama3.2``, or any
    OpenAI-compatible server with ``base_url``), which needs ``pip install soulkeeper-langchain``.
    """
    if spec == FAKE_DRIFTING:
        from soulkeeper.testing.drifting_model import DriftingChatModel

        def fake() -> ChatFn:
            return DriftingChatModel(soul, seed=seed).reply

        return fake
    if spec.startswith("fake:"):
        raise ValueError(f"unknown fake model {spec!r}: the offline model is {FAKE_DRIFTING!r}")
    try:
        module = importlib.import_module("soulkeeper_langchain.eval")
    except ImportError as exc:
        if exc.name is not None and not exc.name.startswith(("soulkeeper_langchain", "langchain")):
            raise
        raise MissingExtraError(
            f"soulkeeper eval --model {spec}", "openai", package="soulkeeper-langchain"
        ) from exc
    try:
        chat = module.chat_function(spec, base_url=base_url, **kwargs)
    except Exception as exc:  # a missing provider package, an unknown provider, a missing API key
        detail = " ".join(str(exc).split()) or type(exc).__name__
        raise ModelCallError(f"cannot set up the model {spec!r}: {detail}") from exc
    return lambda: chat
