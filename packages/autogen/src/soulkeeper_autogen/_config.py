"""Declarative configuration of the guard behind an AutoGen component, and the per-persona state record.

A dumped component carries what rebuilds the guard (persona package path, store URL, tokenizer spec,
context window, policy), never live objects. The persona record (name, version, digest) goes into saved
state so that state is only ever loaded for the persona it was saved with.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, Field
from soulkeeper.drift import DriftPolicy
from soulkeeper.errors import IntegrityError
from soulkeeper.guard import PersonaGuard, Policy, SoulOrGuard, as_guard
from soulkeeper.pack import Reserve

__all__ = [
    "GuardConfig",
    "PersonaStateError",
    "build_guard",
    "check_persona",
    "default_thread_id",
    "guard_config",
    "persona_record",
    "resolve",
]


class PersonaStateError(IntegrityError):
    """Saved state belongs to another persona, or the persona changed since it was saved."""


class GuardConfig(BaseModel):
    """What rebuilds a :class:`~soulkeeper.PersonaGuard`: plain data only."""

    soul: str
    """The persona package's path."""
    store: str | None = None
    """The checkpoint store URL (``None``: ``$SOULKEEPER_STORE`` or the default SQLite file)."""
    tokenizer: str = "estimate"
    context_window: int | None = None
    reserve: dict[str, int] = Field(default_factory=dict)
    """:class:`~soulkeeper.Reserve` fields (tokens kept free for system text, history and the answer)."""
    fallback: bool = False
    policy: dict[str, Any] = Field(default_factory=dict)
    """:class:`~soulkeeper.Policy` fields (``drift`` as a mapping of :class:`DriftPolicy` fields)."""
    expect_digest: str | None = None
    """Pin the persona's digest: loading refuses a package whose files changed."""


def guard_config(guard: PersonaGuard, *, store: str | None = None) -> GuardConfig:
    """The configuration that rebuilds ``guard``.

    :param store: the store URL as the caller gave it (``guard.store.url`` has passwords redacted).
    :raises ValueError: the persona was not loaded from a package on disk.
    """
    soul = guard.soul
    if soul.root is None:
        raise ValueError(
            f"persona {soul.name}: a component config needs a persona loaded from a package path, "
            "not one built in memory"
        )
    return GuardConfig(
        soul=str(soul.root),
        store=store if store is not None else guard.store.url,
        tokenizer=guard.tokenizer.name,
        context_window=guard.context_window,
        reserve=dataclasses.asdict(guard.reserve),
        fallback=guard.fallback,
        policy=dataclasses.asdict(guard.policy),
    )


def build_guard(config: GuardConfig) -> PersonaGuard:
    """A new guard from a :class:`GuardConfig`."""
    fields = dict(config.policy)
    drift = fields.pop("drift", None)
    policy = Policy(**fields, drift=DriftPolicy(**drift) if isinstance(drift, Mapping) else DriftPolicy())
    return PersonaGuard(
        config.soul,
        store=config.store,
        tokenizer=config.tokenizer,
        context_window=config.context_window,
        reserve=Reserve(**config.reserve),
        fallback=config.fallback,
        policy=policy,
        expect_digest=config.expect_digest,
    )


def resolve(soul_or_guard: SoulOrGuard, options: Mapping[str, Any]) -> tuple[PersonaGuard, str | None]:
    """The guard (built by :func:`soulkeeper.guard.as_guard`) and the store URL to put in configs."""
    store = options.get("store")
    return as_guard(soul_or_guard, **options), store if isinstance(store, str) else None


def default_thread_id(guard: PersonaGuard) -> str:
    """The thread id used when none is given: one conversation per persona (``autogen:<name>``)."""
    return f"autogen:{guard.soul.name}"


def persona_record(guard: PersonaGuard) -> dict[str, str]:
    """The persona's name, version and digest, as saved with state."""
    soul = guard.soul
    return {"name": soul.name, "version": soul.version, "digest": soul.digest}


def check_persona(guard: PersonaGuard, saved: Any) -> None:
    """Refuse state saved for another persona, another version, or a persona whose files changed.

    :raises PersonaStateError: the saved record does not match the guard's persona.
    """
    ours = persona_record(guard)
    if not isinstance(saved, Mapping):
        raise PersonaStateError(
            f"state has no soulkeeper persona record; it was not saved by a persona context for "
            f"{ours['name']} (load it into the inner context to migrate)"
        )
    theirs = {k: str(saved.get(k)) for k in ("name", "version", "digest")}
    if theirs["name"] != ours["name"]:
        raise PersonaStateError(
            f"state was saved for persona {theirs['name']!r}, not {ours['name']!r}; refusing to load it"
        )
    if theirs != ours:
        raise PersonaStateError(
            f"state was saved for {theirs['name']} {theirs['version']} ({theirs['digest']}), but this "
            f"context serves {ours['version']} ({ours['digest']}): the persona changed or the state was "
            "tampered with; refusing to load it"
        )
