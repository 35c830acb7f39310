"""``as_guard``: how every adapter turns its ``soul_or_guard`` argument into a :class:`PersonaGuard`."""

from __future__ import annotations

import os
from typing import Any

from soulkeeper.guard._guard import PersonaGuard
from soulkeeper.spec import Soul

__all__ = ["SoulOrGuard", "as_guard"]

SoulOrGuard = PersonaGuard | Soul | str | os.PathLike[str]
"""What an adapter accepts as its persona: a ready guard, or a soul / persona package path to build one from."""


def as_guard(soul_or_guard: SoulOrGuard, **options: Any) -> PersonaGuard:
    """Return ``soul_or_guard`` if it is a guard, else build one with ``PersonaGuard(soul, **options)``.

    Adapters accept either a ready guard (shared between agents, configured once) or a soul / persona
    package path plus guard options; this helper makes every adapter do it the same way.

    :raises TypeError: options were given together with a ready guard (they would be silently ignored).
    """
    if isinstance(soul_or_guard, PersonaGuard):
        if options:
            names = ", ".join(sorted(options))
            raise TypeError(
                f"guard options ({names}) apply only when building a guard from a soul, not to a PersonaGuard"
            )
        return soul_or_guard
    return PersonaGuard(soul_or_guard, **options)
