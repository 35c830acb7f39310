"""What the guard does about drift, checkpoints, store failures and integrity: plain frozen data."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from soulkeeper.drift import DriftPolicy
from soulkeeper.stores import MAX_EXEMPLARS

__all__ = ["CheckMode", "IntegrityMode", "Placement", "Policy", "check_mode"]

Placement = Literal["system", "tail"]
IntegrityMode = Literal["raise", "serve_last_trusted"]
CheckMode = Literal["auto", "background", "inline"]
"""When an adapter checks a reply: after returning it (``PersonaGuard.observe_later``), before, or
``auto`` (background unless the verdict is needed before the reply is released)."""


@dataclass(frozen=True, slots=True)
class Policy:
    """The guard's policy.

    :param checkpoint_every: write a checkpoint every N turns (plus one whenever the thread becomes
        known-good: its first clean turn and every recovery after drift).
    :param exemplars: how many recent in-persona responses a checkpoint keeps as anchoring examples
        (at most 8, what every store keeps).
    :param exemplar_chars: each exemplar is cut to this many characters (keeps checkpoints and the
        guard's per-thread memory small).
    :param placement: where a re-anchor reminder goes: ``"system"`` (appended to the one system
        message) or ``"tail"`` (a short message just before the latest user message, for long contexts;
        never between an assistant tool call and its results).
    :param allow_retry: when a response drifts badly enough to re-anchor, answer ``retry`` (the adapter
        calls the model again, re-anchored, within the same turn) instead of acting on the next turn.
    :param max_retries: extra model calls allowed per turn when ``allow_retry`` is set.
    :param fail_closed_store: raise :class:`soulkeeper.StoreError` when the checkpoint store fails,
        instead of carrying on (persona still pinned) and reporting the error in the decision.
    :param store_retry_after: after a store failure, seconds to wait before trying the store again (the
        guard keeps state in process meanwhile and writes it when the store is back).
    :param on_integrity: when the soul's files change on disk and no longer match the trusted digest or
        signature: ``"raise"`` :class:`soulkeeper.IntegrityError` (fail closed), or
        ``"serve_last_trusted"`` (keep serving the version verified earlier and report the mismatch).
    :param integrity_check_interval: seconds between two checks of the soul's files on disk (a cheap
        stat of each file; the package is re-read and re-verified only when something changed).
        ``0`` checks on every call; ``None`` never re-checks after construction.
    :param drift: thresholds and weights of the drift score (:class:`soulkeeper.drift.DriftPolicy`).
    """

    checkpoint_every: int = 10
    exemplars: int = 3
    exemplar_chars: int = 600
    placement: Placement = "system"
    allow_retry: bool = False
    max_retries: int = 1
    fail_closed_store: bool = False
    store_retry_after: float = 1.0
    on_integrity: IntegrityMode = "raise"
    integrity_check_interval: float | None = 2.0
    drift: DriftPolicy = field(default_factory=DriftPolicy)

    def __post_init__(self) -> None:
        if self.checkpoint_every < 1:
            raise ValueError(f"Policy.checkpoint_every must be at least 1, got {self.checkpoint_every!r}")
        if not 0 <= self.exemplars <= MAX_EXEMPLARS:
            raise ValueError(f"Policy.exemplars must be 0 to {MAX_EXEMPLARS}, got {self.exemplars!r}")
        if self.exemplar_chars < 1:
            raise ValueError(f"Policy.exemplar_chars must be at least 1, got {self.exemplar_chars!r}")
        if self.placement not in ("system", "tail"):
            raise ValueError(f'Policy.placement must be "system" or "tail", got {self.placement!r}')
        if self.max_retries < 0:
            raise ValueError(f"Policy.max_retries must be 0 or more, got {self.max_retries!r}")
        if self.store_retry_after < 0:
            raise ValueError(f"Policy.store_retry_after must be 0 or more, got {self.store_retry_after!r}")
        if self.on_integrity not in ("raise", "serve_last_trusted"):
            raise ValueError(
                f'Policy.on_integrity must be "raise" or "serve_last_trusted", got {self.on_integrity!r}'
            )
        if self.integrity_check_interval is not None and self.integrity_check_interval < 0:
            raise ValueError("Policy.integrity_check_interval must be 0 or more seconds, or None")


def check_mode(
    check: str, policy: Policy, *, buffered: bool, where: str, buffer_option: str
) -> Literal["background", "inline"]:
    """The check mode an adapter uses for ``check``.

    The verdict is needed before the reply is released when the adapter buffers the reply or the
    policy allows retries; ``auto`` is then ``inline``, and an explicit ``background`` is refused.

    :param where: the adapter, for the error message (``"PersonaMiddleware: "`` or ``""``).
    :param buffer_option: how the adapter spells its buffering option, for the error message.
    :raises ValueError: an unknown mode, or ``background`` where the verdict is needed first.
    """
    if check not in ("auto", "background", "inline"):
        raise ValueError(f'{where}check must be "auto", "background" or "inline", got {check!r}')
    needs_verdict = buffered or policy.allow_retry
    if check == "background" and needs_verdict:
        raise ValueError(
            f'{where}check="background" cannot serve {buffer_option} or a policy that allows retries (both '
            'act on the verdict before the reply is released); use check="inline"'
        )
    return "inline" if check == "inline" or needs_verdict else "background"
