"""soulkeeper.messages: the identity-mapped translation every adapter shares."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

import soulkeeper.messages
from conftest import EXAMPLES
from soulkeeper.guard import Message, PersonaGuard
from soulkeeper.messages import MessageCache, TextCache, from_guard, role_of, to_guard
from soulkeeper.spec import load_soul


@dataclass(eq=False)
class Framework:
    """A mutable framework message, as LangChain, LlamaIndex and AutoGen messages are."""

    kind: str
    text: str
    extra: list[str] = field(default_factory=list)


def convert(message: Framework) -> Message | None:
    return None if message.kind == "event" else Message(role=role_of(message.kind), content=message.text)


def make(message: Message) -> Framework:
    return Framework("made-" + message.role, message.content)


def test_public_names_are_pinned() -> None:
    """The module exports exactly its six names, sorted."""
    assert soulkeeper.messages.__all__ == [
        "MessageCache",
        "TextCache",
        "from_guard",
        "passes_through",
        "role_of",
        "to_guard",
    ]


def test_role_of_maps_framework_names_and_enums() -> None:
    """Framework role and type names, and enums by value, map onto the guard's four roles."""

    class Role(enum.Enum):
        AI = "ai"

    assert [role_of(k) for k in ("human", "AI", "developer", "function", Role.AI)] == [
        "user",
        "assistant",
        "system",
        "tool",
        "assistant",
    ]
    assert role_of("narrator") == "user"
    assert role_of("narrator", default="system") == "system"


def test_round_trip_through_a_real_guard_keeps_originals_by_identity() -> None:
    """History messages come back as the very objects given; only the guard's system message is made."""
    guard = PersonaGuard(load_soul(EXAMPLES / "mati"), store="memory://")
    history = [
        Framework("system", "Answer briefly."),
        Framework("human", "What is the state of the rollout?"),
        Framework("event", "(typing)"),
        Framework("ai", "The rollout is complete."),
        Framework("human", "Thank you."),
    ]
    converted, origin = to_guard(history, convert)
    assert len(converted) == 4  # the event has no place in the guard's view
    out = from_guard(guard.prepare("t1", converted), origin, make)
    assert out[0].kind == "made-system"
    assert "Answer briefly." in out[0].text
    assert out[1:] == [history[1], history[3], history[4]]
    assert all(a is b for a, b in zip(out[1:], [history[1], history[3], history[4]], strict=True))
    guard.close()


def test_cache_converts_only_new_or_changed_messages() -> None:
    """A message seen before is not converted again until its fingerprint changes."""
    calls: list[str] = []

    def counting(message: Framework) -> Message:
        calls.append(message.text)
        return Message(role=role_of(message.kind), content=message.text)

    cache = MessageCache(counting, lambda m: (m.text, m.extra))
    first, second = Framework("human", "one"), Framework("ai", "two")
    converted, origin = cache([first])
    assert calls == ["one"]
    assert origin[id(converted[0])] is first
    again, _ = cache([first, second])
    assert calls == ["one", "two"]
    assert again[0] is converted[0]
    first.text = "one, edited"
    edited, _ = cache([first, second])
    assert calls == ["one", "two", "one, edited"]
    assert edited[0].content == "one, edited"


def test_cache_is_bounded_least_recently_used_first_out() -> None:
    """Beyond ``size`` messages the least recently used is converted again when it comes back."""
    calls: list[str] = []

    def counting(message: Framework) -> Message:
        calls.append(message.text)
        return Message(role="user", content=message.text)

    cache = MessageCache(counting, lambda m: m.text, size=2)
    a, b, c = Framework("human", "a"), Framework("human", "b"), Framework("human", "c")
    cache([a, b])
    cache([a])  # a is now the most recently used
    cache([c])  # evicts b
    calls.clear()
    cache([a, b])
    assert calls == ["b"]


def test_text_cache_hands_out_one_object_per_text_until_it_changes() -> None:
    """The same message comes back for the same text; a changed one, or an evicted text, is made again."""
    cache = TextCache(lambda text: Framework("system", text), lambda m, text: m.text == text, size=2)
    first = cache("persona A")
    assert cache("persona A") is first
    first.text = "changed by a caller"
    remade = cache("persona A")
    assert remade is not first
    assert remade.text == "persona A"
    cache("persona B")
    cache("persona C")  # evicts A
    assert cache("persona A") is not remade
