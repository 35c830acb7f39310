"""pinned(): the system message prepare() would place, or None whenever the call needs more than that."""

from __future__ import annotations

import asyncio
from typing import Any

from _guard_support import CLEAN, DRIFTED, mati
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from soulkeeper.errors import StoreError
from soulkeeper.guard import Message, PersonaGuard, Policy
from soulkeeper.messages import passes_through
from soulkeeper.stores import MemoryStore

_history = st.lists(
    st.builds(
        Message,
        role=st.sampled_from(["user", "assistant", "tool", "system"]),
        content=st.one_of(
            st.text(max_size=30), st.just("<persona-reminder>\nBe formal.\n</persona-reminder>")
        ),
    ),
    max_size=8,
)


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(history=_history, system=st.one_of(st.none(), st.text(max_size=30)), drifted=st.booleans())
def test_pinned_plus_the_history_is_exactly_what_prepare_gives(
    history: list[Message], system: str | None, drifted: bool
) -> None:
    """Whenever every message passes through and pinned() answers, prepare() gives that system message
    followed by the very same history objects."""
    with PersonaGuard(mati(), store="memory://", context_window=8192) as guard:
        guard.observe("t", DRIFTED if drifted else CLEAN)
        pinned = guard.pinned("t", system=system)
        prepared = guard.prepare("t", history, system=system)
        if drifted:
            assert pinned is None
        if pinned is not None and all(passes_through(m.role, m.content) for m in history):
            assert prepared[0] == pinned
            assert len(prepared) == len(history) + 1
            assert all(a is b for a, b in zip(prepared[1:], history, strict=True))


def test_pinned_is_the_same_object_on_every_call() -> None:
    """Outside a re-anchor the system message is cached: the same object, call after call."""
    with PersonaGuard(mati(), store="memory://", context_window=8192) as guard:
        first = guard.pinned("t", system="App prompt.")
        assert first is not None
        assert first.content.endswith("App prompt.")
        assert first.content.startswith(guard.packed().text.strip())
        assert guard.pinned("t", system="App prompt.") is first
        assert guard.pinned("other", system="App prompt.") is first


def test_pinned_declines_during_a_reanchor_and_answers_again_after_recovery() -> None:
    """A drifted reply makes pinned() None (prepare() adds the reminder); clean replies bring it back."""
    with PersonaGuard(mati(), store="memory://", context_window=8192) as guard:
        guard.observe("t", DRIFTED)
        assert guard.pinned("t") is None
        for _ in range(12):
            if guard.pinned("t") is not None:
                break
            guard.observe("t", CLEAN)
        assert guard.pinned("t") is not None
        assert "<persona-reminder>" not in guard.prepare("t", [])[0].content


class FlakyStore(MemoryStore):
    """A memory store whose writes fail while ``down`` is set."""

    down = False

    def update_state(self, thread_id: str, fn: Any) -> Any:
        if self.down:
            raise StoreError("store down")
        return super().update_state(thread_id, fn)


def test_pinned_declines_while_writes_are_held_back_by_a_store_outage() -> None:
    """Writes the store never received must be flushed by prepare(): pinned() leaves the call to it."""
    store = FlakyStore()
    guard = PersonaGuard(mati(), store=store, context_window=8192, policy=Policy(store_retry_after=0))
    store.down = True
    decision = guard.observe("t", CLEAN)
    assert decision.store_error is not None
    assert guard.pinned("t") is None
    store.down = False
    guard.prepare("t", [])  # flushes the held-back state
    assert guard.pinned("t") is not None
    assert store.get_state("t").turn == 1  # type: ignore[union-attr]


def test_pinned_declines_an_unknown_copy_of_the_persona_in_the_app_text() -> None:
    """An app system text holding a persona copy the guard does not know is left to prepare()."""
    with PersonaGuard(mati(), store="memory://", context_window=8192) as guard:
        copy = guard.packed().text[:300] + "\n\nsomething the guard never packed"
        assert guard.pinned("t", system=copy) is None
        assert guard.pinned("t", system="App prompt.") is not None


def test_apinned_matches_pinned() -> None:
    """The async twin answers the same message and declines in the same cases."""
    with PersonaGuard(mati(), store="memory://", context_window=8192) as guard:
        assert asyncio.run(guard.apinned("t", system="A.")) is guard.pinned("t", system="A.")
        guard.observe("t", DRIFTED)
        assert asyncio.run(guard.apinned("t", system="A.")) is None


def test_passes_through_names_what_prepare_would_change() -> None:
    """System messages, marked messages and bare reminders do not pass through; ordinary turns do."""
    assert passes_through("user", "hello")
    assert passes_through("assistant", "<persona-reminder>quoted</persona-reminder> and more")
    assert passes_through("tool", "{}")
    assert not passes_through("system", "app text")
    assert not passes_through("user", "hi", "summary")
    assert not passes_through("user", "\n<persona-reminder>\nBe formal.\n</persona-reminder>\n")
