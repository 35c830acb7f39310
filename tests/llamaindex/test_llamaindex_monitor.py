"""PersonaMonitor: observe-only drift monitoring through LlamaIndex instrumentation, once per reply."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

pytest.importorskip("llama_index.core")

from _llamaindex_support import CLEAN, DRIFTED, MATI, ScriptedLLM
from llama_index.core.llms import ChatMessage
from soulkeeper import Decision, PersonaGuard
from soulkeeper_llamaindex import PersonaMonitor, attach_monitor, detach_monitor


@pytest.fixture
def monitored() -> Iterator[tuple[PersonaGuard, PersonaMonitor, list[Decision]]]:
    """A guard and a monitor on the root dispatcher, removed afterwards."""
    guard = PersonaGuard(MATI, store="memory://")
    decisions: list[Decision] = []
    monitor = attach_monitor(guard, thread_id="watched", on_decision=decisions.append)
    try:
        yield guard, monitor, decisions
    finally:
        detach_monitor(monitor)


async def test_nested_instrumented_calls_are_observed_once(
    monitored: tuple[PersonaGuard, PersonaMonitor, list[Decision]],
) -> None:
    """MockFunctionCallingLLM.achat calls chat (two end events, nested spans): one observation."""
    guard, monitor, decisions = monitored
    llm = ScriptedLLM(lambda i, messages, kwargs: DRIFTED if i == 2 else CLEAN)
    question = [ChatMessage(role="user", content="Status?")]
    await llm.achat(question)
    llm.chat(question)
    list(llm.stream_chat(question))
    chunks = [c async for c in await llm.astream_chat(question)]
    assert chunks
    assert monitor.observed == 4
    assert [d.action for d in decisions][:2] == ["ok", "ok"]
    assert decisions[2].action in ("reinject", "restore")
    assert monitor.last_decision is decisions[-1]
    state = guard.state("watched")
    assert state is not None
    assert state.turn == 4


def test_monitor_changes_nothing_and_detaches(
    monitored: tuple[PersonaGuard, PersonaMonitor, list[Decision]],
) -> None:
    """The monitor only observes (the model input is untouched) and stops after detach_monitor."""
    _, monitor, _ = monitored
    llm = ScriptedLLM()
    llm.chat([ChatMessage(role="user", content="hi")])
    assert [m.content for m in llm.calls[0]] == ["hi"]
    assert monitor.observed == 1
    detach_monitor(monitor)
    llm.chat([ChatMessage(role="user", content="hi")])
    assert monitor.observed == 1
