"""check="background": the reply goes back before the check, the next call waits for it, a restart catches up."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

pytest.importorskip("langchain")

from _langchain_support import CLEAN, DRIFTED, MATI, RecordingChatModel, system_text
from _slowcheck import SlowChecks
from langchain.agents import create_agent
from langchain.agents.middleware import AgentMiddleware, ModelRequest, dynamic_prompt
from langchain_core.messages import AIMessage, ChatMessage, HumanMessage, SystemMessage, ToolMessage
from langgraph.checkpoint.memory import InMemorySaver
from soulkeeper import Policy
from soulkeeper.guard import MARK, Decision, text_of
from soulkeeper.messages import passes_through as core_passes_through
from soulkeeper_langchain import STATE_KEY, PersonaMiddleware
from soulkeeper_langchain._convert import passes_through
from soulkeeper_langchain.middleware import override

REMINDER = "<persona-reminder>"


def _agent(middleware: Any, model: RecordingChatModel, saver: InMemorySaver | None = None) -> Any:
    middlewares = middleware if isinstance(middleware, list) else [middleware]
    return create_agent(model, [], system_prompt="App prompt.", middleware=middlewares, checkpointer=saver)


def _ask(agent: Any, n: int, thread: str = "t1") -> None:
    agent.invoke({"messages": [HumanMessage(f"Question {n}?")]}, {"configurable": {"thread_id": thread}})


def test_auto_is_background_unless_the_verdict_is_needed_before_the_reply() -> None:
    """auto picks background for live streaming; inline for buffered streaming or a retry policy; an
    explicit background that cannot work is refused."""
    assert PersonaMiddleware(MATI, store="memory://").check == "background"
    assert PersonaMiddleware(MATI, store="memory://", stream="buffer").check == "inline"
    assert PersonaMiddleware(MATI, store="memory://", policy=Policy(allow_retry=True)).check == "inline"
    assert PersonaMiddleware(MATI, store="memory://", check="inline").check == "inline"
    with pytest.raises(ValueError, match="cannot serve"):
        PersonaMiddleware(MATI, store="memory://", check="background", stream="buffer")
    with pytest.raises(ValueError, match="check must be"):
        PersonaMiddleware(MATI, store="memory://", check="later")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="probe_every"):
        PersonaMiddleware(MATI, store="memory://", probe_every=0)


def test_the_reply_returns_before_the_check_and_the_next_call_waits_for_it() -> None:
    """A 0.4 s check does not delay the drifted turn; the next turn, arriving before the worker started
    the check, runs it itself and is re-anchored."""
    threads: list[str] = []
    middleware = PersonaMiddleware(
        MATI, store="memory://", on_decision=lambda d: threads.append(threading.current_thread().name)
    )
    middleware.guard._later.settle = 30.0
    SlowChecks(middleware.guard, delay=0.4)
    model = RecordingChatModel(script=[DRIFTED, CLEAN])
    agent = _agent(middleware, model)
    started = time.monotonic()
    _ask(agent, 0)
    assert time.monotonic() - started < 0.35
    _ask(agent, 1)
    assert time.monotonic() - started >= 0.4
    assert REMINDER in system_text(model.calls[1])
    assert threads[0] == "MainThread"


@pytest.mark.parametrize("first_reply", [DRIFTED, CLEAN])
def test_a_restart_right_after_the_first_reply_checks_it(first_reply: str) -> None:
    """The state holds no record of the only reply (its record would come with the next call): the
    restarted process checks it before its first call, and re-anchors exactly when it drifted."""
    saver = InMemorySaver()
    first = PersonaMiddleware(MATI, store="memory://")
    _ask(_agent(first, RecordingChatModel(script=[first_reply]), saver), 0)
    decisions: list[Decision] = []
    restarted = PersonaMiddleware(MATI, store="memory://", on_decision=decisions.append)
    model = RecordingChatModel()
    _ask(_agent(restarted, model, saver), 1)
    assert (REMINDER in system_text(model.calls[0])) == (first_reply == DRIFTED)
    restarted.guard.wait_for_checks()
    assert len(decisions) == 2  # the caught-up reply, then the new one
    assert decisions[0].turn == 1


def test_a_restart_does_not_check_a_reply_twice() -> None:
    """When the state's record already covers the latest reply, the restarted process checks nothing old."""
    saver = InMemorySaver()
    inline = PersonaMiddleware(MATI, store="memory://", check="inline")
    agent = _agent(inline, RecordingChatModel(script=[CLEAN, CLEAN]), saver)
    for n in range(2):
        _ask(agent, n)
    decisions: list[Decision] = []
    restarted = PersonaMiddleware(MATI, store="memory://", on_decision=decisions.append)
    _ask(_agent(restarted, RecordingChatModel(), saver), 2)
    restarted.guard.wait_for_checks()
    assert [d.turn for d in decisions] == [3]


def test_later_calls_of_a_known_thread_never_catch_up() -> None:
    """Only a thread's first call in a process looks for an unchecked reply: one decision per reply."""
    decisions: list[Decision] = []
    middleware = PersonaMiddleware(MATI, store="memory://", on_decision=decisions.append)
    agent = _agent(middleware, RecordingChatModel(), InMemorySaver())
    for n in range(5):
        _ask(agent, n)
    middleware.guard.wait_for_checks()
    assert [d.turn for d in decisions] == [1, 2, 3, 4, 5]
    record = agent.get_state({"configurable": {"thread_id": "t1"}}).values[STATE_KEY]["soulkeeper_mati"]
    assert record["turn"] == 4
    assert record["reply"]


class _StateSpy(AgentMiddleware[Any, Any]):
    """Records the private decision records the graph state holds after each model call."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[Any] = []

    def after_model(self, state: Any, runtime: Any) -> None:
        self.seen.append((state.get(STATE_KEY) or {}).get("soulkeeper_mati"))


@pytest.mark.parametrize("check", ["background", "inline"])
@pytest.mark.parametrize("checkpointed", [True, False])
def test_decision_records_are_written_only_when_a_checkpointer_keeps_the_state(
    check: str, checkpointed: bool
) -> None:
    """With a checkpointer each decision reaches the state (a background one with the next call); without
    one the state ends with the run, nothing is written, and a drifted reply still re-anchors the next call."""
    spy = _StateSpy()
    middleware = PersonaMiddleware(MATI, store="memory://", check=check)  # type: ignore[arg-type]
    model = RecordingChatModel(script=[DRIFTED, CLEAN, CLEAN])
    agent = _agent([spy, middleware], model, InMemorySaver() if checkpointed else None)
    for n in range(3):
        _ask(agent, n)
        middleware.guard.wait_for_checks()
    assert REMINDER in system_text(model.calls[1])
    turns = [record["turn"] if record else None for record in spy.seen]
    if not checkpointed:
        assert turns == [None, None, None]
    elif check == "inline":
        assert turns == [1, 2, 3]
    else:
        assert turns == [None, 1, 2]


def test_a_replacing_middleware_is_caught_within_the_first_calls_then_sampled() -> None:
    """The probe checks the first 8 calls and then one in probe_every; probe_every=1 checks them all."""

    @dynamic_prompt
    def other_prompt(request: ModelRequest[Any]) -> str:
        return "Something else entirely."

    for every, expected in ((16, 8 + 2), (1, 40)):  # calls 16 and 32 after the first eight
        middleware = PersonaMiddleware(MATI, store="memory://", probe_every=every)
        agent = _agent([middleware, other_prompt], RecordingChatModel())
        for n in range(40):
            _ask(agent, n, thread=f"t{n}")
        assert middleware.replaced_calls == expected


def test_override_builds_the_same_request_as_model_request_override() -> None:
    """The fast override gives a request whose every field equals ModelRequest.override's."""
    model = RecordingChatModel()
    request = ModelRequest(
        model=model,
        messages=[HumanMessage("hi")],
        system_message=SystemMessage("app"),
        tools=[],
        state={"messages": []},
        model_settings={"temperature": 0},
    )
    system = SystemMessage("persona")
    fast = override(request, system_message=system, messages=[HumanMessage("x")])
    slow = request.override(system_message=system, messages=[HumanMessage("x")])
    assert type(fast) is type(slow)
    assert vars(fast) == vars(slow)
    assert request.system_message is not None
    assert request.system_message.content == "app"

    class Custom(ModelRequest):  # type: ignore[type-arg]
        pass

    custom = Custom(model=model, messages=[], system_message=None)
    assert type(override(custom, system_message=system)) is Custom


def test_passes_through_lets_only_plain_turns_skip_conversion() -> None:
    """Human, AI and tool turns pass; system, free-form roles, marked messages and bare reminders do not."""
    plain = [HumanMessage("hi"), AIMessage("hello"), ToolMessage("{}", tool_call_id="c1")]
    assert passes_through(plain)
    assert not passes_through([*plain, SystemMessage("stray")])
    assert not passes_through([*plain, ChatMessage(role="system", content="x")])
    assert not passes_through([*plain, HumanMessage("s", additional_kwargs={MARK: "summary"})])
    assert not passes_through([HumanMessage(f"{REMINDER}\nBe formal.\n</persona-reminder>")])
    assert passes_through([HumanMessage(f"Why do I see {REMINDER}?")])
    assert passes_through([])


_PIECES = st.sampled_from(
    ["<persona-reminder>", "</persona-reminder>", "Be formal.", "<", "\x00", " ", "\n", "hi"]
)


@given(pieces=st.lists(_PIECES, max_size=8), blocks=st.booleans())
def test_passes_through_agrees_with_core_on_any_human_text(pieces: list[str], blocks: bool) -> None:
    """The adapter's quick scan (a plain string without "<" passes at once) decides every human message as
    core's ``passes_through`` does on its text, for strings and content blocks alike."""
    text = "".join(pieces)
    content: Any = [{"type": "text", "text": text}] if blocks else text
    assert passes_through([HumanMessage(content)]) == core_passes_through("user", text_of(content))
