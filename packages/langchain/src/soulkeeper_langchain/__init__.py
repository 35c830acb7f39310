"""soulkeeper for LangChain and LangGraph: keep an agent's persona pinned through compaction and drift.

* :class:`PersonaMiddleware` for ``langchain.agents.create_agent``;
* :func:`persona_node` / :class:`PersonaNode` and :func:`observe_node` for a LangGraph ``StateGraph``,
  :func:`pre_model_hook` for the deprecated ``langgraph.prebuilt.create_react_agent``;
* :class:`LangGraphStore`, a soulkeeper checkpoint store inside any LangGraph ``BaseStore``;
* :class:`PersonaCallbackHandler`, observe-only drift monitoring for any Runnable.

See ``docs/langchain.md``.
"""

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
