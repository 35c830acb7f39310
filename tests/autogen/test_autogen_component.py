"""The persona context and model client are AutoGen components: their config (plain data: persona path,
store URL, policy) round-trips through dump_component/load_component."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest.importorskip("autogen_agentchat")
pytest.importorskip("autogen_ext")

from _autogen_support import (
    MATI,
    MATI_DRIFTED,
    RecordingReplayClient,
    assert_pinned,
    calls_of,
    chat,
    make_agent,
    mati_replies,
    system_text,
)
from autogen_agentchat.agents import AssistantAgent
from autogen_core import ComponentModel
from autogen_core.model_context import BufferedChatCompletionContext, ChatCompletionContext
from autogen_ext.models.replay import ReplayChatCompletionClient
from soulkeeper import PersonaGuard, Policy, Reserve, Soul
from soulkeeper.drift import DriftPolicy
from soulkeeper.errors import StoreError
from soulkeeper_autogen import PersonaChatCompletionContext, PersonaModelClient


def _through_json(model: ComponentModel) -> ComponentModel:
    return ComponentModel.model_validate(json.loads(model.model_dump_json()))


async def test_context_config_round_trip(tmp_path: Path) -> None:
    """A dumped context is plain JSON naming the soul path, store URL and policy, and loads back working."""
    store = f"sqlite:///{tmp_path / 'state.db'}"
    policy = Policy(allow_retry=True, checkpoint_every=4, drift=DriftPolicy(reinject=0.2))
    context = PersonaChatCompletionContext(
        MATI,
        BufferedChatCompletionContext(buffer_size=5),
        thread_id="support-42",
        system="App text.",
        store=store,
        policy=policy,
        context_window=32_000,
        reserve=Reserve(generation=2048),
    )
    dumped = context.dump_component()
    assert dumped.provider == "soulkeeper_autogen.PersonaChatCompletionContext"
    config = dumped.config
    assert config["guard"]["soul"] == str(MATI)
    assert config["guard"]["store"] == store
    assert config["guard"]["policy"]["drift"]["reinject"] == 0.2
    assert config["inner"]["config"]["buffer_size"] == 5

    loaded = ChatCompletionContext.load_component(_through_json(dumped))
    assert isinstance(loaded, PersonaChatCompletionContext)
    assert loaded.guard is not context.guard
    assert loaded.guard.policy == policy
    assert loaded.guard.context_window == 32_000
    assert loaded.guard.reserve == Reserve(generation=2048)
    assert loaded.guard.store.url == context.guard.store.url
    assert loaded.thread_id == "support-42"
    assert loaded.system == "App text."
    assert isinstance(loaded.inner, BufferedChatCompletionContext)
    assert loaded.dump_component() == dumped

    client = RecordingReplayClient(mati_replies(7))
    agent = make_agent("mati", client, loaded)
    for i in range(7):
        await chat(agent, f"Question {i}")
    assert_pinned(calls_of(client), loaded.guard.packed().text)
    context.guard.close()
    loaded.guard.close()


async def test_agent_config_round_trip_keeps_the_persona_setup() -> None:
    """An AssistantAgent dumped with the persona context and client loads back with both in place."""
    context = PersonaChatCompletionContext(MATI, store="memory://")
    client = PersonaModelClient(RecordingReplayClient(mati_replies(2)), context, stream="buffer")
    agent = AssistantAgent("mati", model_client=client, model_context=context, system_message=None)
    loaded = AssistantAgent.load_component(_through_json(agent.dump_component()))
    assert isinstance(loaded.model_context, PersonaChatCompletionContext)
    wrapper = loaded._model_client  # no public accessor in AutoGen 0.7
    assert isinstance(wrapper, PersonaModelClient)
    assert wrapper.stream == "buffer"
    assert wrapper.thread_id == loaded.model_context.thread_id == "autogen:mati"
    assert isinstance(wrapper.client, ReplayChatCompletionClient)
    assert await chat(loaded, "Hello") == mati_replies(1)[0]


def test_a_persona_built_in_memory_cannot_be_dumped() -> None:
    """Only a persona loaded from a package path can go into a config; the error says so."""
    files = {p.relative_to(MATI).as_posix(): p.read_bytes() for p in MATI.rglob("*") if p.is_file()}
    in_memory = Soul.from_files(files)
    context = PersonaChatCompletionContext(PersonaGuard(in_memory, store="memory://"))
    with pytest.raises(ValueError, match="package path"):
        context.dump_component()


async def test_a_loaded_agent_re_anchors_after_drift_even_with_a_memory_store() -> None:
    """Loaded context and client have separate memory:// stores; the client's pinning still re-anchors."""
    context = PersonaChatCompletionContext(MATI, store="memory://")
    client = PersonaModelClient(
        RecordingReplayClient([*mati_replies(1), MATI_DRIFTED, *mati_replies(3)[1:]]), context
    )
    agent = AssistantAgent("mati", model_client=client, model_context=context, system_message=None)
    loaded = AssistantAgent.load_component(_through_json(agent.dump_component()))
    wrapper = loaded._model_client
    assert isinstance(wrapper, PersonaModelClient)
    replay = wrapper.client
    assert isinstance(replay, ReplayChatCompletionClient)  # the subclass loads as its provider
    for i in range(3):
        await chat(loaded, f"Question {i}")
    calls = calls_of(replay)
    assert_pinned(calls, wrapper.guard.packed().text)
    assert "<persona-reminder>" in system_text(calls[2])
    await wrapper.close()
    await client.close()


async def test_close_closes_only_guards_built_from_a_soul(tmp_path: Path) -> None:
    """A guard built from a soul path is closed with the client; a guard passed in stays open."""
    store = f"sqlite:///{tmp_path / 'state.db'}"
    built = PersonaModelClient(RecordingReplayClient(mati_replies(1)), MATI, store=store)
    await built.close()
    with pytest.raises(StoreError):
        built.guard.store.get_state("t")

    given = PersonaGuard(MATI, store=store)
    wrapper = PersonaModelClient(RecordingReplayClient(mati_replies(1)), given)
    await wrapper.close()
    assert given.store.get_state("t") is None
    given.close()
