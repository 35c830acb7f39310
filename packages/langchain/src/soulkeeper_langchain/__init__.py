"""soulkeeper for LangChain and LangGraph: keep an agent's persona pinned through compaction and drift.

* :class:`PersonaMiddleware` for ``langchain.agents.create_agent``;
* :func:`persona_node` / :class:`PersonaNode` and :func:`observe_node` for a LangGraph ``StateGraph``,
  :func:`pre_model_hook` for the deprecated ``langgraph.prebuilt.create_react_agent``;
* :class:`LangGraphStore`, a soulkeeper checkpoint store inside any LangGraph ``BaseStore``;
* :class:`PersonaCallbackHandler`, observe-only drift monitoring for any Runnable.

See ``docs/langchain.md``.
"""

# Imported lazily (PEP 562): soulkeeper loads this package's plugin entry point in every process, and
# LangChain takes about a second to import. Only code that uses a name below pays for it.
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from soulkeeper_langchain._probe import PersonaReplacedError
    from soulkeeper_langchain.callbacks import PersonaCallbackHandler
    from soulkeeper_langchain.graph import (
        PersonaGraphState,
        PersonaNode,
        SoulkeeperRecords,
        persona_node,
        pre_model_hook,
    )
    from soulkeeper_langchain.middleware import STATE_KEY, PersonaMiddleware, PersonaState
    from soulkeeper_langchain.store import LangGraphStore, register_base_store, unregister_base_store

_LAZY: dict[str, str] = {
    "LangGraphStore": "soulkeeper_langchain.store",
    "PersonaCallbackHandler": "soulkeeper_langchain.callbacks",
    "PersonaGraphState": "soulkeeper_langchain.graph",
    "PersonaMiddleware": "soulkeeper_langchain.middleware",
    "PersonaNode": "soulkeeper_langchain.graph",
    "PersonaReplacedError": "soulkeeper_langchain._probe",
    "PersonaState": "soulkeeper_langchain.middleware",
    "STATE_KEY": "soulkeeper_langchain.middleware",
    "SoulkeeperRecords": "soulkeeper_langchain.graph",
    "persona_node": "soulkeeper_langchain.graph",
    "pre_model_hook": "soulkeeper_langchain.graph",
    "register_base_store": "soulkeeper_langchain.store",
    "unregister_base_store": "soulkeeper_langchain.store",
}

__all__ = [
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


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'soulkeeper_langchain' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
