"""The simulated drift-prone model: seeded, base identity without the persona, drift grows with distance."""

from __future__ import annotations

from _guard_support import EXAMPLES, mati
from soulkeeper.drift import DriftDetector
from soulkeeper.spec import load_soul
from soulkeeper.testing import DriftingChatModel


def _persona_msg() -> dict[str, str]:
    identity = mati().file("identity")
    assert identity is not None
    return {"role": "system", "content": identity.text}


def test_same_seed_same_replies() -> None:
    """Two models with the same seed reply identically to the same inputs."""
    a, b = DriftingChatModel(mati(), seed=3), DriftingChatModel(mati(), seed=3)
    msgs = [_persona_msg(), {"role": "user", "content": "hi"}]
    assert [a.reply(msgs) for _ in range(20)] == [b.reply(msgs) for _ in range(20)]


def test_base_identity_without_persona() -> None:
    """Without the persona in its input the model answers as the base model."""
    model = DriftingChatModel(mati(), seed=1)
    reply = model.reply([{"role": "user", "content": "Who are you?"}])
    assert "I'm Gemma" in reply
    assert model.last is not None
    assert not model.last.persona_present


def test_in_persona_replies_pass_the_detector() -> None:
    """Next to the persona the model's replies are clean for the English, Korean and Japanese examples."""
    for name in ("mati", "haneul", "yuki"):
        soul = load_soul(EXAMPLES / name)
        detector = DriftDetector.from_soul(soul)
        model = DriftingChatModel(soul, seed=0, base_rate=0.0)
        identity = soul.file("identity")
        assert identity is not None
        msgs = [{"role": "system", "content": identity.text}, {"role": "user", "content": "질문 / question"}]
        for turn in range(2, 8):
            reply = model.reply(msgs)
            report = detector.check(reply, turn=turn)
            assert report.ok, (name, reply, report.violations)


def test_drift_grows_as_the_persona_recedes() -> None:
    """Far from the persona the model breaks rules much more often than right next to it."""
    soul = mati()
    detector = DriftDetector.from_soul(soul)

    def drift_rate(filler_turns: int) -> float:
        model = DriftingChatModel(soul, seed=11)
        filler = [
            {"role": "user" if i % 2 == 0 else "assistant", "content": "Routine status update. " * 20}
            for i in range(filler_turns)
        ]
        msgs = [_persona_msg(), *filler, {"role": "user", "content": "Next?"}]
        return sum(not detector.check(model.reply(msgs), turn=5).ok for _ in range(200)) / 200

    near, far = drift_rate(0), drift_rate(120)
    assert near < 0.1
    assert far > near + 0.2


def test_reminder_cuts_drift() -> None:
    """A reminder block in the input makes rule breaks rarer (what re-anchoring does)."""
    soul = mati()
    filler = [{"role": "user", "content": "Routine status update. " * 20} for _ in range(120)]
    plain = [_persona_msg(), *filler]
    reminded = [
        _persona_msg(),
        *filler,
        {"role": "user", "content": "<persona-reminder>\nStay.\n</persona-reminder>"},
    ]
    a, b = DriftingChatModel(soul, seed=5), DriftingChatModel(soul, seed=5)
    broke_plain = sum(bool(a.reply(plain) and a.last and a.last.broken) for _ in range(200))
    broke_reminded = sum(bool(b.reply(reminded) and b.last and b.last.broken) for _ in range(200))
    assert broke_reminded < broke_plain / 2
