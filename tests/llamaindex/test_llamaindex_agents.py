"""Workflow agents: one leading system message with the persona on every step, drift observed and retried."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("llama_index.core")

from _llamaindex_support import (
    CLEAN,
    DRIFTED,
    FIXED,
    MATI,
    RecordingBlock,
    ScriptedLLM,
    assert_pinned,
    has_reminder,
    persona_text,
    sqlite_memory,
    tool_call,
)
from llama_index.core.agent.workflow import AgentStream
from llama_index.core.base.llms.types import MessageRole
from llama_index.core.llms import ChatMessage
from llama_index.core.memory import StaticMemoryBlock
from soulkeeper import Decision, PersonaGuard, Policy
from soulkeeper_llamaindex import PersonaFunctionAgent, PersonaReActAgent

# llama-index-workflows scans the agent with inspect.getmembers, which reads pydantic's deprecated instance
# attributes (``__fields__``, ``__fields_set__``, ``model_computed_fields``...); a plain FunctionAgent warns
# the same way (llama-index-core 0.14.25, pydantic 2.13). Only pydantic's deprecation categories are ignored.
pytestmark = [
    pytest.mark.filterwarnings("ignore::pydantic.warnings.PydanticDeprecatedSince20"),
    pytest.mark.filterwarnings("ignore::pydantic.warnings.PydanticDeprecatedSince211"),
]

TOOL_ANSWER = "Hello, this is Mati. The status check reports that every service is healthy."


def deploy_status() -> str:
    """Report the deployment status."""
    return "all services healthy"


def _tool_script(*, drift_at: int | None = None) -> ScriptedLLM:
    """Every third question calls the status tool first; call ``drift_at`` drifts."""
    questions = 0

    def reply(i: int, messages: list[ChatMessage], kwargs: dict[str, object]) -> ChatMessage | str:
        nonlocal questions
        if i == drift_at:
            return DRIFTED
        if messages[-1].role == MessageRole.TOOL:
            return TOOL_ANSWER
        if messages[-1].role == MessageRole.USER and not has_reminder(messages):
            questions += 1
            if questions % 3 == 0:
                return tool_call("deploy_status", f"call-{i}")
        return FIXED if has_reminder(messages) else CLEAN

    return ScriptedLLM(reply)


async def test_function_agent_sixty_turns_with_tools(tmp_path: Path) -> None:
    """60 runs of a FunctionAgent with a tool, a small Memory and a memory block: one system message, persona first."""
    guard = PersonaGuard(MATI, store="memory://")
    llm = _tool_script()
    archive = RecordingBlock(name="archive", priority=1)
    facts = StaticMemoryBlock(name="facts", static_content="The user is on call this week.", priority=0)
    memory = sqlite_memory(
        tmp_path / "agent.db",
        "agent60",
        token_limit=800,
        token_flush_size=100,
        memory_blocks=[facts, archive],
    )
    decisions: list[Decision] = []
    agent = PersonaFunctionAgent(
        guard,
        thread_id="agent60",
        on_decision=decisions.append,
        tools=[deploy_status],
        llm=llm,
        system_prompt="You can check the deployment status with a tool.",
    )
    for turn in range(60):
        result = await agent.run(user_msg=f"Turn {turn}: is the deployment healthy?", memory=memory)
        assert str(result) in (CLEAN, TOOL_ANSWER)
    assert len(llm.calls) == 80  # 60 answers + 20 tool calls
    assert_pinned(llm.calls, guard)
    for call in llm.calls:
        system = call[0].content or ""
        assert "You can check the deployment status with a tool." in system
        assert "The user is on call this week." in system
    assert any(m.role == MessageRole.TOOL for call in llm.calls for m in call)
    assert len(decisions) == 60  # tool-call steps have no text to judge
    assert archive.seen
    first_line = persona_text(guard).splitlines()[0]
    assert not any(first_line in (m.content or "") for m in archive.seen)
    assert not any(first_line in (m.content or "") for m in await memory.aget_all())


@pytest.mark.parametrize("stream_mode", ["stream", "buffered"])
async def test_function_agent_retry_removes_the_drifted_step(tmp_path: Path, stream_mode: str) -> None:
    """A drifted step is retried re-anchored; the user gets the fixed answer and memory keeps only that one."""
    guard = PersonaGuard(MATI, store="memory://", policy=Policy(allow_retry=True))
    llm = _tool_script(drift_at=0)
    memory = sqlite_memory(tmp_path / "agent.db", "retry")
    agent = PersonaFunctionAgent(
        guard,
        thread_id="retry",
        stream_mode=stream_mode,
        tools=[deploy_status],
        llm=llm,  # type: ignore[arg-type]
    )
    handler = agent.run(user_msg="Is the deployment healthy?", memory=memory)
    deltas = [ev.delta async for ev in handler.stream_events() if isinstance(ev, AgentStream)]
    result = await handler
    assert str(result) == FIXED
    assert agent.last_decision is not None
    assert agent.last_decision.action == "ok"
    assert len(llm.calls) == 2
    assert has_reminder(llm.calls[1])
    assert DRIFTED not in llm.calls[1][-1].content  # type: ignore[operator]
    stored = [m.content for m in await memory.aget_all()]
    assert stored == ["Is the deployment healthy?", FIXED]
    streamed = "".join(deltas)
    if stream_mode == "buffered":
        assert streamed == FIXED
    else:
        assert DRIFTED in streamed  # default streaming: tokens reach the stream before the check
    assert_pinned(llm.calls, guard)


async def test_function_agent_without_retry_reanchors_next_run(tmp_path: Path) -> None:
    """Without retry the drifted answer stands and the next step carries the reminder."""
    guard = PersonaGuard(MATI, store="memory://")
    llm = _tool_script(drift_at=0)
    memory = sqlite_memory(tmp_path / "agent.db", "next")
    agent = PersonaFunctionAgent(guard, thread_id="next", llm=llm, streaming=False)
    assert str(await agent.run(user_msg="Hi?", memory=memory)) == DRIFTED
    assert str(await agent.run(user_msg="Status?", memory=memory)) == FIXED
    assert has_reminder(llm.calls[1])
    assert_pinned(llm.calls, guard)


# ReActAgent's own streaming code asks ``ctx.is_running`` inside its step, which llama-index-workflows
# deprecates; a plain ReActAgent warns the same way.
@pytest.mark.filterwarnings("ignore:is_running called from within a step:DeprecationWarning")
@pytest.mark.parametrize("stream_mode", ["stream", "buffered"])
async def test_react_agent_persona_before_react_header(tmp_path: Path, stream_mode: str) -> None:
    """ReActAgent: one system message, persona first, the ReAct header and system prompt after it; retry works."""
    guard = PersonaGuard(MATI, store="memory://", policy=Policy(allow_retry=True))

    def reply(i: int, messages: list[ChatMessage], kwargs: dict[str, object]) -> str:
        if i == 1:
            return f"Thought: I can answer without tools.\nAnswer: {DRIFTED}"
        answer = FIXED if has_reminder(messages) else CLEAN
        return f"Thought: I can answer without tools.\nAnswer: {answer}"

    llm = ScriptedLLM(reply)
    memory = sqlite_memory(tmp_path / "react.db", "react")
    agent = PersonaReActAgent(
        guard,
        thread_id="react",
        stream_mode=stream_mode,  # type: ignore[arg-type]
        llm=llm,
        tools=[deploy_status],
        system_prompt="Prefer the status tool.",
    )
    assert str(await agent.run(user_msg="First?", memory=memory)) == CLEAN
    assert str(await agent.run(user_msg="Second?", memory=memory)) == FIXED
    assert len(llm.calls) == 3
    assert_pinned(llm.calls, guard)
    for call in llm.calls:
        system = call[0].content or ""
        assert "deploy_status" in system  # the ReAct tool header
        assert "Prefer the status tool." in system
    assert DRIFTED not in " ".join(m.content or "" for m in await memory.aget_all())


async def test_one_agent_serves_threads_by_memory_session(tmp_path: Path) -> None:
    """Without thread_id, each run's Memory session is its own soulkeeper thread (drift in one spares the other)."""
    guard = PersonaGuard(MATI, store="memory://")
    llm = _tool_script(drift_at=0)
    agent = PersonaFunctionAgent(guard, llm=llm, streaming=False)
    alice = sqlite_memory(tmp_path / "a.db", "alice")
    bob = sqlite_memory(tmp_path / "b.db", "bob")
    assert str(await agent.run(user_msg="Hi?", memory=alice)) == DRIFTED
    assert str(await agent.run(user_msg="Hi?", memory=bob)) == CLEAN
    assert not has_reminder(llm.calls[1])  # bob's thread is not re-anchored for alice's drift
    assert str(await agent.run(user_msg="Again?", memory=alice)) == FIXED
    alice_state, bob_state = guard.state("alice"), guard.state("bob")
    assert alice_state is not None
    assert bob_state is not None
    assert (alice_state.turn, bob_state.turn) == (2, 1)
    assert guard.state("default") is None


async def test_early_stopping_call_is_pinned_with_its_prompt_merged(tmp_path: Path) -> None:
    """The early-stopping answer call also gets one system message: persona first, the stop prompt merged."""
    guard = PersonaGuard(MATI, store="memory://")

    def reply(i: int, messages: list[ChatMessage], kwargs: dict[str, object]) -> ChatMessage | str:
        return tool_call("deploy_status", f"call-{i}") if kwargs.get("tools") else CLEAN

    llm = ScriptedLLM(reply)
    agent = PersonaFunctionAgent(guard, llm=llm, tools=[deploy_status], streaming=False)
    memory = sqlite_memory(tmp_path / "stop.db", "stop")
    result = await agent.run(
        user_msg="Keep checking.", memory=memory, max_iterations=2, early_stopping_method="generate"
    )
    assert str(result) == CLEAN
    assert_pinned(llm.calls, guard)
    system = llm.calls[-1][0].content or ""
    assert system.index("You have reached the maximum number of iterations (2).") > len(persona_text(guard))
