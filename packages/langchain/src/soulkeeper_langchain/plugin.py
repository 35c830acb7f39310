"""soulkeeper plugin (entry point ``soulkeeper``): the ``langgraph://<name>`` checkpoint store scheme.

Kept free of LangChain imports so loading soulkeeper's plugins stays cheap; the store module is imported
only when a ``langgraph://`` URL is opened.
"""

from __future__ import annotations

from collections.abc import Callable

from soulkeeper.plugins import hookimpl
from soulkeeper.stores import CheckpointStore


def _langgraph(url: str) -> CheckpointStore:
    from soulkeeper_langchain.store import LangGraphStore

    return LangGraphStore.from_url(url)


@hookimpl
def register_stores(register: Callable[..., None]) -> None:
    """Register ``langgraph://`` (a LangGraph ``BaseStore`` named with ``register_base_store``)."""
    register("langgraph", _langgraph)
