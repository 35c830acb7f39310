"""The guard's public surface: pinned names, top-level exports, identity of passed-through messages."""

from __future__ import annotations

import soulkeeper
import soulkeeper.guard
from _guard_support import mati
from soulkeeper.guard import Message, PersonaGuard


def test_public_names_are_pinned() -> None:
    """soulkeeper.guard exports exactly these names, and the core four are at the top level."""
    assert soulkeeper.guard.__all__ == [
        "DEFAULT_STORE_ENV",
        "MARK",
        "Action",
        "Decision",
        "IntegrityMode",
        "Message",
        "PersonaGuard",
        "Placement",
        "Policy",
        "Role",
        "SoulOrGuard",
        "ToolCall",
        "as_guard",
        "coerce_message",
        "coerce_messages",
        "default_store_url",
        "text_of",
    ]
    for name in ("PersonaGuard", "Message", "Policy", "Decision"):
        assert getattr(soulkeeper, name) is getattr(soulkeeper.guard, name)
        assert name in soulkeeper.__all__


def test_history_messages_come_back_as_the_same_objects() -> None:
    """Messages passed to prepare come back as the very same objects, so adapters can map them back
    through ``metadata`` (e.g. the framework's own message object)."""
    guard = PersonaGuard(mati(), store="memory://")
    original = object()
    history = [Message(role="user", content="hi", metadata={"source": original})]
    out = guard.prepare("t", history)
    assert out[1] is history[0]
    assert out[1].metadata["source"] is original
