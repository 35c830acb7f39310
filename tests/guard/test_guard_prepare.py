"""prepare(): exactly one system message at index 0, persona verbatim, no duplicates, tool pairs intact."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from _guard_support import DRIFTED, mati
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from soulkeeper.guard import Message, PersonaGuard, Policy, ToolCall


@cache
def _guard(placement: str = "system") -> PersonaGuard:
    return PersonaGuard(mati(), store="memory://", context_window=8192, policy=Policy(placement=placement))  # type: ignore[arg-type]


def _persona() -> str:
    return _guard().packed().text


_text = st.text(max_size=40)
_plain = st.builds(
    lambda role, content: {"role": role, "content": content},
    st.sampled_from(["system", "user", "assistant", "tool", "human", "bogus"]),
    _text,
)
_tool_pair = st.builds(
    lambda i, n: [
        Message(
            role="assistant",
            content="",
            tool_calls=tuple(ToolCall(id=f"c{i}-{k}", name="f") for k in range(n)),
        ),
        *[Message(role="tool", content=f"r{k}", tool_call_id=f"c{i}-{k}") for k in range(n)],
    ],
    st.integers(0, 10_000),
    st.integers(1, 3),
)
_hostile = st.sampled_from([None, 7, b"\xff\x00", {"role": "system", "content": None}, {"content": "x"}])
_persona_copy = st.just("PERSONA")  # replaced by the real persona text in the test
_item = st.one_of(_plain, _tool_pair, _hostile, _persona_copy)


def _materialise(items: list[Any]) -> list[Any]:
    out: list[Any] = []
    for item in items:
        if item == "PERSONA":
            out.append({"role": "system", "content": _persona()})
        elif isinstance(item, list):
            out.extend(item)
        else:
            out.append(item)
    return out


def _check_layout(out: list[Message], persona: str | None = None) -> None:
    persona = persona or _persona()
    assert out[0].role == "system"
    assert all(m.role != "system" for m in out[1:])
    assert out[0].content.startswith(persona)
    assert out[0].content.count(persona) == 1


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(items=st.lists(_item, max_size=12), system=st.one_of(st.none(), _text))
def test_one_system_message_persona_first(items: list[Any], system: str | None) -> None:
    """For any message list, the output has one system message at index 0 starting with the persona."""
    guard = _guard()
    out = guard.prepare("hypo", _materialise(items), system=system)
    _check_layout(out)
    again = guard.prepare("hypo", out, system=system)
    _check_layout(again)
    assert [m.content for m in again] == [m.content for m in out]  # idempotent: nothing duplicated


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(items=st.lists(_item, max_size=12))
def test_tail_reminder_never_splits_tool_pairs(items: list[Any]) -> None:
    """With a pending re-anchor and tail placement, the reminder never sits inside a tool exchange."""
    guard = _guard("tail")
    thread = "tail-hypo"
    guard.forget(thread)
    guard.observe(thread, DRIFTED)
    out = guard.prepare(thread, [*_materialise(items), {"role": "user", "content": "last"}])
    identity = guard.soul.file("identity")
    assert identity is not None
    _check_layout(out, identity.text)  # re-anchoring packs at full fidelity: a longer persona text
    reminders = [i for i, m in enumerate(out) if m.metadata.get("soulkeeper") == "reminder"]
    assert len(reminders) == 1
    r = reminders[0]
    assert out[r + 1 :][-1].content == "last" or out[-1].content == "last"
    open_calls = {c.id for m in out[:r] for c in m.tool_calls}
    answered_later = {m.tool_call_id for m in out[r:] if m.role == "tool"}
    assert not (open_calls & answered_later)
    again = guard.prepare(thread, out)
    assert sum(1 for m in again if m.metadata.get("soulkeeper") == "reminder") == 1


def test_app_system_text_and_stray_system_messages_are_merged_in_order() -> None:
    """The app's system text follows the persona; stray system messages are merged once, in order."""
    guard = _guard()
    history = [
        {"role": "system", "content": _persona()},
        {"role": "user", "content": "hi"},
        {"role": "system", "content": "Memory: the user likes tea."},
        {"role": "assistant", "content": "Noted."},
        {"role": "system", "content": "Memory: the user likes tea."},
    ]
    out = guard.prepare("merge", history, system="Base instructions.")
    body = out[0].content[len(_persona()) :]
    assert body.strip() == "Base instructions.\n\nMemory: the user likes tea."
    assert [m.role for m in out] == ["system", "user", "assistant"]


def test_pending_reanchor_adds_reminder_and_full_fidelity() -> None:
    """After a drifted reply, the next prepare carries a reminder and at least the normal persona."""
    guard = _guard()
    guard.forget("re")
    decision = guard.observe("re", DRIFTED)
    assert decision.action in ("reinject", "restore")
    out = guard.prepare("re", [{"role": "user", "content": "next"}])
    assert "<persona-reminder>" in out[0].content
    assert "Do not use emoji." in out[0].content
    assert len(out[0].content) > len(guard.packed().text)  # full fidelity: at least the normal persona


def test_prepare_async_matches_sync() -> None:
    """aprepare returns the same messages as prepare."""
    import asyncio

    guard = _guard()
    history = [{"role": "user", "content": "hello"}]
    assert asyncio.run(guard.aprepare("a", history)) == guard.prepare("a", history)


def test_full_fidelity_copy_from_another_process_is_recognised(tmp_path: Path) -> None:
    """A re-anchored (full-fidelity) persona prepared by one process and fed back as history to another
    process is recognised there too: the output carries the persona once."""
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    a = PersonaGuard(mati(), store=url, context_window=8192)
    b = PersonaGuard(mati(), store=url, context_window=8192)
    try:
        a.observe("x", DRIFTED)
        from_a = a.prepare("x", [{"role": "user", "content": "hi"}], system="App text.")
        assert from_a[0].content != a.packed().text  # re-anchoring: a longer persona plus a reminder
        from_b = b.prepare("x", from_a, system="App text.")
        identity = b.soul.file("identity")
        assert identity is not None
        assert from_b[0].content.count(identity.text) == 1
        assert from_b[0].content.count("App text.") == 1
        assert from_b[0].content.count("<persona-reminder>") == 1
    finally:
        a.close()
        b.close()
