"""The public surface of soulkeeper_langchain."""

from __future__ import annotations

import pytest

pytest.importorskip("langchain")

import soulkeeper_langchain


def test_public_names_are_pinned() -> None:
    """__all__ lists exactly the documented public names, sorted, and each one imports."""
    expected = [
        "STATE_KEY",
        "LangGraphStore",
        "PersonaCallbackHandler",
        "PersonaGraphState",
        "PersonaMiddleware",
        "PersonaNode",
        "PersonaReplacedError",
        "PersonaState",
        "SoulkeeperRecords",
        "persona_node",
        "pre_model_hook",
        "register_base_store",
        "unregister_base_store",
    ]
    assert soulkeeper_langchain.__all__ == expected
    for name in expected:
        assert getattr(soulkeeper_langchain, name) is not None


def test_persona_replaced_error_is_a_soulkeeper_and_runtime_error() -> None:
    """PersonaReplacedError can be caught as SoulkeeperError or RuntimeError."""
    from soulkeeper.errors import SoulkeeperError

    assert issubclass(soulkeeper_langchain.PersonaReplacedError, SoulkeeperError)
    assert issubclass(soulkeeper_langchain.PersonaReplacedError, RuntimeError)
