"""Teams: every agent keeps its own persona (own guard, own thread) in every one of its model calls."""

from __future__ import annotations

import pytest

pytest.importorskip("autogen_agentchat")
pytest.importorskip("autogen_ext")

from collections.abc import Sequence

from _autogen_support import (
    HANEUL,
    RecordingReplayClient,
    assert_pinned,
    calls_of,
    guard,
    haneul_replies,
    make_agent,
    mati_replies,
)
from autogen_agentchat.base import TaskResult
from autogen_agentchat.conditions import MaxMessageTermination
from autogen_agentchat.messages import BaseAgentEvent, BaseChatMessage, TextMessage
from autogen_agentchat.teams import RoundRobinGroupChat, SelectorGroupChat
from autogen_core.model_context import BufferedChatCompletionContext
from autogen_ext.models.replay import ReplayChatCompletionClient
from soulkeeper_autogen import PersonaChatCompletionContext

ROUNDS = 6


def _alternate(messages: Sequence[BaseAgentEvent | BaseChatMessage]) -> str | None:
    last = messages[-1].source if messages else "user"
    return "haneul" if last == "mati" else "mati"


@pytest.mark.parametrize("team_kind", ["round_robin", "selector"])
async def test_two_personas_in_one_team_keep_their_own_persona(team_kind: str) -> None:
    """mati and haneul alternate for 12 replies; each model call starts with that agent's persona only."""
    mati_guard, haneul_guard = guard(), guard(HANEUL)
    mati_client = RecordingReplayClient(mati_replies(ROUNDS))
    haneul_client = RecordingReplayClient(haneul_replies(ROUNDS))
    mati_context = PersonaChatCompletionContext(mati_guard, BufferedChatCompletionContext(buffer_size=5))
    haneul_context = PersonaChatCompletionContext(haneul_guard, BufferedChatCompletionContext(buffer_size=5))
    mati = make_agent("mati", mati_client, mati_context)
    haneul = make_agent("haneul", haneul_client, haneul_context)
    stop = MaxMessageTermination(2 * ROUNDS + 1)
    if team_kind == "round_robin":
        team: RoundRobinGroupChat | SelectorGroupChat = RoundRobinGroupChat(
            [mati, haneul], termination_condition=stop
        )
    else:
        selector = ReplayChatCompletionClient([])  # never called: the selector function decides
        team = SelectorGroupChat(
            [mati, haneul], selector, termination_condition=stop, selector_func=_alternate
        )
    result = await team.run(task="Review the release together.")
    assert isinstance(result, TaskResult)
    speakers = [m.source for m in result.messages if isinstance(m, TextMessage)]
    assert speakers == ["user", *(["mati", "haneul"] * ROUNDS)]

    mati_persona, haneul_persona = mati_guard.packed().text, haneul_guard.packed().text
    assert len(calls_of(mati_client)) == len(calls_of(haneul_client)) == ROUNDS
    assert_pinned(calls_of(mati_client), mati_persona, absent=[haneul_persona])
    assert_pinned(calls_of(haneul_client), haneul_persona, absent=[mati_persona])
    assert mati_context.thread_id != haneul_context.thread_id
    for g, context in ((mati_guard, mati_context), (haneul_guard, haneul_context)):
        state = g.state(context.thread_id)
        assert state is not None
        assert state.turn == ROUNDS
        assert not state.pending_reanchor, "a clean in-persona conversation must not be flagged"
