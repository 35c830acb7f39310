"""LangGraphStore passes soulkeeper's checkpoint store conformance suites on a LangGraph InMemoryStore."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

pytest.importorskip("langgraph")

from conftest import ROOT
from langgraph.store.memory import InMemoryStore
from soulkeeper import PersonaGuard
from soulkeeper.stores import open_store
from soulkeeper.testing.store_suite import AsyncCheckpointStoreSuite, CheckpointStoreSuite, make_checkpoint
from soulkeeper_langchain import LangGraphStore, register_base_store, unregister_base_store


@pytest.fixture
def lg_url() -> Iterator[str]:
    """A fresh InMemoryStore registered under a unique name."""
    name = f"t{uuid.uuid4().hex}"
    yield register_base_store(name, InMemoryStore())
    unregister_base_store(name)


class TestLangGraphStore(CheckpointStoreSuite):
    """The sync suite, through ``langgraph://<name>`` URLs."""

    shared_across_processes = False

    @pytest.fixture
    def store_url(self, lg_url: str) -> str:
        """A fresh InMemoryStore per test."""
        return lg_url

    def test_several_processes_lose_nothing(self, store, store_url: str) -> None:  # type: ignore[no-untyped-def]
        """An InMemoryStore lives in one process: two opens of one name share its data (not a new store,
        unlike memory://), and a second name sees nothing."""
        store.put(make_checkpoint("shared", 1))
        with open_store(store_url) as same:
            assert [cp.turn for cp in same.list("shared")] == [1]
        other = register_base_store(f"o{uuid.uuid4().hex}", InMemoryStore())
        with open_store(other) as fresh:
            assert fresh.list("shared") == []


class TestLangGraphStoreAsync(AsyncCheckpointStoreSuite):
    """The async suite, through ``langgraph://<name>`` URLs."""

    @pytest.fixture
    def store_url(self, lg_url: str) -> str:
        """A fresh InMemoryStore per test."""
        return lg_url


def test_langgraph_store_keeps_guard_state_in_the_langgraph_store() -> None:
    """A guard on LangGraphStore writes its thread state and checkpoints as items of the BaseStore."""
    base = InMemoryStore()
    guard = PersonaGuard(ROOT / "examples" / "souls" / "mati", store=LangGraphStore(base))
    guard.observe("t1", "Hello, this is Mati. The deployment is consistent with the documentation.")
    assert base.get(("soulkeeper", "state"), "t1") is not None
    assert base.search(("soulkeeper", "checkpoints"), filter={"thread_id": "t1"})
    assert guard.state("t1") is not None


def test_unknown_langgraph_name_is_one_clear_error() -> None:
    """Opening a name nobody registered says which names are known."""
    with pytest.raises(ValueError, match="no LangGraph store registered"):
        open_store("langgraph://nobody-here")
