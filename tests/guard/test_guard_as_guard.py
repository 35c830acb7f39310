"""as_guard: the one way adapters turn ``soul_or_guard`` into a PersonaGuard."""

from __future__ import annotations

import pytest
from conftest import ROOT
from soulkeeper import PersonaGuard, load_soul
from soulkeeper.guard import as_guard

MATI = ROOT / "examples" / "souls" / "mati"


def test_as_guard_returns_a_ready_guard_unchanged() -> None:
    """A PersonaGuard passes through as the same object."""
    guard = PersonaGuard(MATI, store="memory://")
    assert as_guard(guard) is guard


def test_as_guard_builds_from_a_path_or_a_soul_with_options() -> None:
    """A path or a Soul becomes a new guard configured with the given options."""
    for source in (MATI, str(MATI), load_soul(MATI)):
        guard = as_guard(source, store="memory://", context_window=8192)
        assert guard.soul.name == "mati"
        assert guard.context_window == 8192


def test_as_guard_refuses_options_with_a_ready_guard() -> None:
    """Options next to a ready guard raise instead of being ignored."""
    guard = PersonaGuard(MATI, store="memory://")
    with pytest.raises(TypeError, match="context_window"):
        as_guard(guard, context_window=100)
