"""observe(): decisions, re-anchors, restores with exemplars, checkpoints, state shared through SQLite."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from _guard_support import CLEAN, DRIFTED, LOW, mati
from soulkeeper.guard import PersonaGuard, Policy


@pytest.fixture
def guard() -> PersonaGuard:
    return PersonaGuard(mati(), store="memory://", context_window=8192, policy=Policy(checkpoint_every=5))


def test_clean_reply_is_ok_and_writes_first_known_good_checkpoint(guard: PersonaGuard) -> None:
    """A clean first reply is ok and leaves a known-good checkpoint holding it as an exemplar."""
    decision = guard.observe("t", CLEAN)
    assert decision.action == "ok"
    assert decision.report.ok
    assert decision.checkpoint is not None
    assert decision.checkpoint.known_good
    assert decision.checkpoint.exemplars == (CLEAN,)
    assert decision.checkpoint.digest == guard.soul.digest


def test_low_violation_warns(guard: PersonaGuard) -> None:
    """A single minor slip (one emoji) warns or re-anchors but never restores."""
    guard.observe("t", CLEAN)
    decision = guard.observe("t", LOW)
    assert decision.action in ("warn", "reinject")
    assert "voice.prohibited.emoji" in decision.report.rule_ids


def test_drift_then_reminder_then_restore_with_exemplars(guard: PersonaGuard) -> None:
    """Drift schedules a re-anchor carried by the next prepare; drifting again restores with exemplars."""
    for _ in range(3):
        assert guard.observe("t", CLEAN).action == "ok"
    first = guard.observe("t", DRIFTED)
    assert first.action == "reinject"
    assert first.reminder is not None
    assert "Do not use emoji." in first.reminder
    state = guard.state("t")
    assert state is not None
    assert state.pending_reanchor
    prepared = guard.prepare("t", [{"role": "user", "content": "go on"}])
    assert first.reminder in prepared[0].content
    second = guard.observe("t", DRIFTED)
    assert second.action == "restore"
    assert second.restored_from is not None
    assert second.restored_from.known_good
    assert CLEAN in second.restored_from.exemplars
    prepared = guard.prepare("t", [{"role": "user", "content": "go on"}])
    assert "<persona-examples>" in prepared[0].content
    assert CLEAN in prepared[0].content
    # Clean replies settle the score; the re-anchor is lifted and a recovery checkpoint is written.
    decisions = [guard.observe("t", CLEAN) for _ in range(6)]
    assert decisions[-1].action == "ok"
    assert decisions[-1].level == "ok"
    assert any(d.checkpoint is not None and d.checkpoint.known_good for d in decisions)
    final = guard.prepare("t", [{"role": "user", "content": "go on"}])
    assert "<persona-reminder>" not in final[0].content
    assert "<persona-examples>" not in final[0].content


def test_checkpoint_every_n_turns(guard: PersonaGuard) -> None:
    """With checkpoint_every=5, turns 5 and 10 write checkpoints (besides the first known-good one)."""
    turns = [guard.observe("t", f"{CLEAN} Step {i}.") for i in range(10)]
    written = [d.turn for d in turns if d.checkpoint is not None]
    assert written == [1, 5, 10]
    assert turns[-1].checkpoint.exemplars == tuple(f"{CLEAN} Step {i}." for i in (7, 8, 9))  # type: ignore[union-attr]


def test_retry_only_when_policy_allows() -> None:
    """allow_retry turns a re-anchor into retry for the first attempt only; retries keep the turn."""
    guard = PersonaGuard(mati(), store="memory://", policy=Policy(allow_retry=True, max_retries=1))
    first = guard.observe("t", DRIFTED)
    assert first.action == "retry"
    again = guard.observe("t", DRIFTED, attempt=1)
    assert again.action in ("reinject", "restore")
    assert again.turn == first.turn


def test_tool_call_only_response_and_hostile_responses(guard: PersonaGuard) -> None:
    """Empty, None, binary and mapping responses are observed without raising."""
    for response in (None, "", b"\xff\xfe", {"role": "assistant", "content": None, "tool_calls": []}, 12):
        decision = guard.observe("t", response)
        assert decision.action in ("ok", "warn", "reinject", "restore")


def test_bad_thread_id_is_a_value_error(guard: PersonaGuard) -> None:
    """An empty thread id is misuse of the API: ValueError."""
    with pytest.raises(ValueError, match="thread_id"):
        guard.observe("", CLEAN)


def test_two_guards_share_one_sqlite_file(tmp_path: Path) -> None:
    """Two guard instances (two app processes) on one SQLite file serve one conversation consistently."""
    url = f"sqlite:///{tmp_path / 'state.db'}"
    soul = mati()
    a = PersonaGuard(soul, store=url, context_window=8192)
    b = PersonaGuard(soul, store=url, context_window=8192)
    try:
        a.observe("shared", CLEAN)
        b.observe("shared", CLEAN)
        decision = a.observe("shared", DRIFTED)
        assert decision.turn == 3
        assert decision.action == "reinject"
        prepared = b.prepare("shared", [{"role": "user", "content": "next"}])
        assert "<persona-reminder>" in prepared[0].content  # b sees a's pending re-anchor
        second = b.observe("shared", DRIFTED)
        assert second.turn == 4
        assert second.action == "restore"
        assert second.restored_from is not None
        state_a, state_b = a.state("shared"), b.state("shared")
        assert state_a == state_b
    finally:
        a.close()
        b.close()


async def test_async_observe_and_prepare(tmp_path: Path) -> None:
    """aobserve/aprepare follow the same flow as the sync methods."""
    async with PersonaGuard(mati(), store=f"sqlite:///{tmp_path / 's.db'}", context_window=8192) as guard:
        assert (await guard.aobserve("t", CLEAN)).action == "ok"
        decision = await guard.aobserve("t", DRIFTED)
        assert decision.action == "reinject"
        prepared = await guard.aprepare("t", [{"role": "user", "content": "x"}])
        assert "<persona-reminder>" in prepared[0].content
        results = await asyncio.gather(*(guard.aobserve(f"c{i}", CLEAN) for i in range(5)))
        assert all(r.action == "ok" for r in results)


def test_concurrent_threads_lose_no_turn(tmp_path: Path) -> None:
    """Eight OS threads observing one conversation through one guard count every turn exactly once."""
    from concurrent.futures import ThreadPoolExecutor

    with PersonaGuard(mati(), store=f"sqlite:///{tmp_path / 'c.db'}") as guard:
        with ThreadPoolExecutor(8) as pool:
            decisions = list(
                pool.map(lambda i: guard.observe("busy", CLEAN if i % 5 else DRIFTED), range(80))
            )
        assert sorted(d.turn for d in decisions) == list(range(1, 81))
        state = guard.state("busy")
        assert state is not None
        assert state.turn == 80


def test_default_store_lives_in_the_user_data_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without store=, the state goes to $SOULKEEPER_STORE or the user data folder, never the package."""
    import sys

    from soulkeeper.guard import default_store_url

    monkeypatch.setenv("SOULKEEPER_STORE", "memory://")
    assert default_store_url() == "memory://"
    monkeypatch.delenv("SOULKEEPER_STORE")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("LOCALAPPDATA", str(tmp_path / "data"))
    url = default_store_url()
    assert url.endswith("soulkeeper/state.db")
    if sys.platform != "darwin":
        with PersonaGuard(mati()) as guard:
            guard.observe("t", CLEAN)
        assert (tmp_path / "data" / "soulkeeper" / "state.db").exists()
    assert "examples" not in url


async def test_decision_carries_the_new_state() -> None:
    """Decision.state is the thread state after the response, equal to what the store holds."""
    guard = PersonaGuard(mati(), store="memory://")
    decision = await guard.aobserve("s", DRIFTED)
    assert decision.state is not None
    assert decision.state.pending_reanchor
    assert decision.state.violated_rules == decision.report.rule_ids[: len(decision.state.violated_rules)]
    assert await guard.astate("s") == decision.state
    assert decision.to_dict()["pending_reanchor"] is True
    await guard.aforget("s")
    assert await guard.astate("s") is None


def test_tier_one_must_fit_before_anything_is_opened(tmp_path: Path) -> None:
    """A context window too small for identity and hard rules fails loudly before the store is created;
    with fallback=True the guard serves the one-line identity instead."""
    from soulkeeper.errors import BudgetExceededError

    db = tmp_path / "never.db"
    with pytest.raises(BudgetExceededError):
        PersonaGuard(mati(), store=f"sqlite:///{db}", context_window=1700)
    assert not db.exists()
    guard = PersonaGuard(mati(), store="memory://", context_window=1700, fallback=True)
    out = guard.prepare("t", [{"role": "user", "content": "hi"}])
    assert "Mati" in out[0].content
    assert guard.packed().fallback
