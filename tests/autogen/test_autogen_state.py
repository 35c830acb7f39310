"""save_state/load_state carry the conversation, the persona's identity and the thread's drift state, and
refuse state saved for another or a changed persona."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("autogen_agentchat")
pytest.importorskip("autogen_ext")

from _autogen_support import (
    HANEUL,
    MATI,
    MATI_DRIFTED,
    RecordingReplayClient,
    as_mapping,
    calls_of,
    chat,
    guard,
    make_agent,
    mati_replies,
    system_text,
)
from autogen_core.model_context import BufferedChatCompletionContext, UnboundedChatCompletionContext
from autogen_core.models import UserMessage
from soulkeeper import PersonaGuard
from soulkeeper_autogen import PersonaChatCompletionContext, PersonaStateError


async def _saved_agent_state(g: PersonaGuard, turns: int = 3) -> dict[str, Any]:
    client = RecordingReplayClient(mati_replies(turns))
    context = PersonaChatCompletionContext(g, BufferedChatCompletionContext(buffer_size=5))
    agent = make_agent("mati", client, context)
    for i in range(turns):
        await chat(agent, f"Question {i}")
    return as_mapping(await agent.save_state())


async def test_state_round_trip_through_json() -> None:
    """An agent's saved state (as JSON) loads into a new agent: same conversation, persona still first."""
    g = guard()
    state = await _saved_agent_state(g)
    record = state["llm_context"]["soulkeeper"]["persona"]
    assert record == {"name": "mati", "version": g.soul.version, "digest": g.soul.digest}
    assert g.packed().text not in json.dumps(state), "the persona itself must not be stored in the state"

    fresh = PersonaChatCompletionContext(guard(), BufferedChatCompletionContext(buffer_size=5))
    client = RecordingReplayClient(mati_replies(2)[1:])
    agent = make_agent("mati", client, fresh)
    await agent.load_state(state)
    history = await fresh.inner.get_messages()
    assert [m.content for m in history][-1] == mati_replies(3)[2]
    await chat(agent, "One more question")
    sent = calls_of(client)[0]
    assert system_text(sent).startswith(g.packed().text)
    assert "Question 2" in [m.content for m in sent if isinstance(m, UserMessage)]


async def test_a_pending_re_anchor_survives_save_and_load_into_a_fresh_store() -> None:
    """The thread's drift state travels with the saved state, so a new process re-anchors the next call."""
    g = guard()
    client = RecordingReplayClient([*mati_replies(1), MATI_DRIFTED])
    context = PersonaChatCompletionContext(g)
    agent = make_agent("mati", client, context)
    await chat(agent, "Hello")
    await chat(agent, "Status?")
    state = as_mapping(await agent.save_state())

    fresh_guard = guard()  # another memory:// store: it knows nothing about the thread
    fresh = PersonaChatCompletionContext(fresh_guard)
    await fresh.load_state(state["llm_context"])
    restored = fresh_guard.state(fresh.thread_id)
    assert restored is not None
    assert restored.pending_reanchor
    assert "<persona-reminder>" in system_text(await fresh.get_messages())


async def test_loading_state_of_another_persona_is_refused() -> None:
    """State saved for mati does not load into a context serving haneul."""
    state = await _saved_agent_state(guard())
    other = PersonaChatCompletionContext(guard(HANEUL))
    with pytest.raises(PersonaStateError, match="'mati', not 'haneul'"):
        await other.load_state(state["llm_context"])
    assert await other.inner.get_messages() == []


async def test_a_tampered_digest_in_the_state_is_refused() -> None:
    """A persona record whose digest was edited does not load."""
    state = await _saved_agent_state(guard())
    state["llm_context"]["soulkeeper"]["persona"]["digest"] = "sha256:" + "0" * 64
    context = PersonaChatCompletionContext(guard())
    with pytest.raises(PersonaStateError, match="changed or the state was tampered with"):
        await context.load_state(state["llm_context"])


async def test_state_saved_before_the_persona_files_changed_is_refused(tmp_path: Path) -> None:
    """After the persona package is edited (new digest), state saved for the old files does not load."""
    package = tmp_path / "mati"
    shutil.copytree(MATI, package)
    state = await _saved_agent_state(guard(package))
    soul_md = package / "SOUL.md"
    soul_md.write_text(soul_md.read_text(encoding="utf-8") + "\nAn edit.\n", encoding="utf-8")
    context = PersonaChatCompletionContext(guard(package))
    with pytest.raises(PersonaStateError, match="refusing"):
        await context.load_state(state["llm_context"])


async def test_state_without_a_persona_record_is_refused() -> None:
    """A plain context's state (no persona record) is refused with a hint how to migrate it."""
    plain = UnboundedChatCompletionContext()
    await plain.add_message(UserMessage(content="Hello", source="user"))
    context = PersonaChatCompletionContext(guard())
    with pytest.raises(PersonaStateError, match="no soulkeeper persona record"):
        await context.load_state(await plain.save_state())
    await context.inner.load_state(await plain.save_state())  # the documented migration path
    assert len(await context.get_messages()) == 2
