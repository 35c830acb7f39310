"""PersonaLLM(check="background"): the reply returns before the check; the next call and readers wait."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

pytest.importorskip("llama_index.core")

from _llamaindex_support import CLEAN, DRIFTED, MATI, ScriptedLLM, has_reminder
from _slowcheck import SlowChecks
from llama_index.core.llms import ChatMessage
from soulkeeper import Decision, PersonaGuard, Policy
from soulkeeper_llamaindex import PersonaFunctionAgent, PersonaLLM


def _guard(**policy: Any) -> PersonaGuard:
    return PersonaGuard(MATI, store="memory://", context_window=8192, policy=Policy(**policy))


# Building a workflow agent reads every attribute of the instance, pydantic's deprecated ones included
# (see test_llamaindex_agents.py).
@pytest.mark.filterwarnings("ignore::pydantic.warnings.PydanticDeprecatedSince20")
@pytest.mark.filterwarnings("ignore::pydantic.warnings.PydanticDeprecatedSince211")
def test_auto_by_default_is_background_unless_the_verdict_is_needed_first() -> None:
    """The default auto picks background for streamed replies and inline for buffered ones or a retry
    policy; agents check inline (their step retry needs the verdict)."""
    llm = ScriptedLLM()
    assert PersonaLLM(llm, _guard()).check == "background"
    assert PersonaLLM(llm, _guard(), check="inline").check == "inline"
    assert PersonaLLM(llm, _guard(), check="auto", stream_mode="buffered").check == "inline"
    assert PersonaLLM(llm, _guard(allow_retry=True), check="auto").check == "inline"
    assert PersonaFunctionAgent(_guard(), thread_id="a", llm=llm).check == "inline"
    with pytest.raises(ValueError, match="cannot serve"):
        PersonaLLM(llm, _guard(), check="background", stream_mode="buffered")
    with pytest.raises(ValueError, match="check must be"):
        PersonaLLM(llm, _guard(), check="whenever")  # type: ignore[arg-type]


def test_the_reply_returns_before_the_check_and_the_next_call_waits() -> None:
    """A 0.4 s check does not delay chat(); last_decision and the next chat wait for it."""
    guard = _guard()
    SlowChecks(guard, 0.4)
    llm = ScriptedLLM(lambda i, messages, kwargs: DRIFTED if i == 0 else CLEAN)
    threads: list[str] = []

    def record(decision: Decision) -> None:
        threads.append(threading.current_thread().name)

    wrapped = PersonaLLM(llm, guard, thread_id="t", on_decision=record, check="background")
    started = time.monotonic()
    wrapped.chat([ChatMessage(role="user", content="Question 0?")])
    assert time.monotonic() - started < 0.35
    decision = wrapped.last_decision
    assert decision is not None
    assert decision.action in ("reinject", "restore")
    wrapped.chat([ChatMessage(role="user", content="Question 1?")])
    assert has_reminder(llm.calls[1])
    assert wrapped.last_decision is not None
    assert threads == ["soulkeeper-check-mati", "soulkeeper-check-mati"]
